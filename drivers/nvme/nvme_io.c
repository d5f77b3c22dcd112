/* NVM I/O commands: Read, Write and Flush on the I/O queue pair, with PRPs built for the data. */
#include <stdio.h>

#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_prp.h"

int nvme_prepare_io(struct nvme_controller *c, uint8_t opcode, uint32_t nsid, uint64_t lba,
                    uint32_t blocks, const struct nvme_region *data,
                    const struct nvme_region *list, struct nvme_command *cmd)
{
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsid);
    if (!ns || blocks == 0 || blocks > 0x10000) {
        snprintf(c->error, sizeof(c->error), "namespace %u absent or %u blocks invalid", nsid,
                 blocks);
        return -1;
    }
    uint64_t bytes = (uint64_t)blocks * ns->identity.block_bytes;
    if (bytes > data->bytes || lba + blocks > ns->identity.size_blocks) {
        snprintf(c->error, sizeof(c->error),
                 "%u blocks at LBA %llu exceed the buffer (%llu bytes) or the namespace", blocks,
                 (unsigned long long)lba, (unsigned long long)data->bytes);
        return -1;
    }
    struct nvme_prp prp;
    uint64_t list_bus = list ? list->bus : 0;
    unsigned capacity = list ? (unsigned)((list->bytes < PAGE_SIZE ? list->bytes : PAGE_SIZE) / 8) : 0;
    if (nvme_prp_build(data->bus, bytes, PAGE_SIZE, c->prp_list_scratch, list_bus, capacity,
                       &prp) != 0) {
        snprintf(c->error, sizeof(c->error), "%llu bytes at 0x%llx cannot be described by PRPs%s",
                 (unsigned long long)bytes, (unsigned long long)data->bus,
                 list ? "" : " without a PRP list");
        return -1;
    }
    if (prp.list_entries)
        nvme_region_write(list, 0, c->prp_list_scratch, (uint64_t)prp.list_entries * 8);
    *cmd = (struct nvme_command){
        .opcode = opcode, .nsid = nsid, .prp1 = prp.prp1, .prp2 = prp.prp2,
        .cdw10 = (uint32_t)lba, .cdw11 = (uint32_t)(lba >> 32), .cdw12 = blocks - 1};
    return 0;
}

static int transfer(struct nvme_controller *c, uint8_t opcode, uint32_t nsid, uint64_t lba,
                    uint32_t blocks, const struct nvme_region *data,
                    const struct nvme_region *list)
{
    struct nvme_region temporary_list = {0};
    if (!list) {
        if (nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &temporary_list) != 0)
            return -1;
        list = &temporary_list;
    }
    struct nvme_command cmd;
    struct nvme_completion cpl;
    int status = nvme_prepare_io(c, opcode, nsid, lba, blocks, data, list, &cmd);
    if (status == 0)
        status = nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
    nvme_free(c, &temporary_list);
    return status;
}

int nvme_read(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
              const struct nvme_region *data, const struct nvme_region *list)
{
    return transfer(c, NVME_IO_READ, nsid, lba, blocks, data, list);
}

int nvme_write(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
               const struct nvme_region *data, const struct nvme_region *list)
{
    return transfer(c, NVME_IO_WRITE, nsid, lba, blocks, data, list);
}

int nvme_flush(struct nvme_controller *c, uint32_t nsid)
{
    struct nvme_command cmd = {.opcode = NVME_IO_FLUSH, .nsid = nsid};
    struct nvme_completion cpl;
    return nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
}
