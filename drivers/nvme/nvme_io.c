/* NVM I/O commands: Read, Write, Compare, Zone Append, Flush, Write Zeroes, Deallocate, with buffers checked against the format. */
#include <stdarg.h>
#include <stdio.h>

#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_prp.h"
#include "drivers/nvme/nvme_queue.h"

#define NLB_MAX 0x10000u /* CDW12 NLB is 16 bits, 0's based */

static int refuse(struct nvme_controller *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct nvme_controller *c, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(c->error, sizeof(c->error), fmt, args);
    va_end(args);
    return -1;
}

static const struct nvme_namespace *usable_namespace(struct nvme_controller *c, uint32_t nsid)
{
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsid);
    if (!ns)
        refuse(c, "nsid %u is not an active namespace of %s", nsid, c->name);
    else if (!ns->usable)
        refuse(c, "nsid %u is unusable: %s", nsid, ns->problem);
    return ns && ns->usable ? ns : NULL;
}

int nvme_prepare_io(struct nvme_controller *c, const struct nvme_io *io, struct nvme_command *cmd)
{
    const struct nvme_namespace *ns = usable_namespace(c, io->nsid);
    if (!ns)
        return -1;
    if (io->blocks == 0 || io->blocks > NLB_MAX)
        return refuse(c, "%u blocks: a command moves 1..%u", io->blocks, NLB_MAX);
    if (io->lba + io->blocks > ns->identity.size_blocks || io->lba + io->blocks < io->lba)
        return refuse(c, "LBA %llu + %u blocks is beyond nsid %u's %llu blocks",
                      (unsigned long long)io->lba, io->blocks, io->nsid,
                      (unsigned long long)ns->identity.size_blocks);
    struct nvme_transfer_layout layout;
    char why[96];
    if (nvme_transfer_layout(&ns->identity, io->prinfo, &layout, why) != 0)
        return refuse(c, "nsid %u: %s", io->nsid, why);

    /* The controller moves exactly these bytes: every one of them must be ours. */
    uint64_t data_bytes = (uint64_t)io->blocks * layout.data_bytes_per_block;
    uint64_t metadata_bytes = (uint64_t)io->blocks * layout.metadata_bytes_per_block;
    char format[64];
    if (!io->data || data_bytes > io->data->bytes)
        return refuse(c, "%u blocks of nsid %u (%s) move %llu data bytes; the buffer holds %llu",
                      io->blocks, io->nsid, nvme_format_describe(&ns->identity, format, sizeof(format)),
                      (unsigned long long)data_bytes,
                      (unsigned long long)(io->data ? io->data->bytes : 0));
    if (data_bytes > nvme_max_transfer_bytes(c))
        return refuse(c, "%llu bytes exceed the controller's largest transfer (MDTS %u: %u bytes)",
                      (unsigned long long)data_bytes, c->identity.mdts, nvme_max_transfer_bytes(c));
    if (metadata_bytes && (!io->metadata || io->metadata->bytes < metadata_bytes))
        return refuse(c, "nsid %u (%s) takes %llu bytes of separate metadata; %s", io->nsid,
                      nvme_format_describe(&ns->identity, format, sizeof(format)),
                      (unsigned long long)metadata_bytes,
                      io->metadata ? "the metadata buffer is smaller" : "no metadata buffer given");
    if (!metadata_bytes && io->metadata && io->metadata->bytes)
        return refuse(c, "nsid %u (%s) moves no separate metadata with PRINFO 0x%x; a metadata "
                      "buffer would be ignored", io->nsid,
                      nvme_format_describe(&ns->identity, format, sizeof(format)), io->prinfo);
    if (metadata_bytes && (io->metadata->bus & 3))
        return refuse(c, "metadata buffer at 0x%llx is not dword aligned",
                      (unsigned long long)io->metadata->bus);

    /* No list given: the one of the command slot the command will take on the I/O queue. */
    struct nvme_region slot_list = {0};
    uint16_t ticket = 0;
    const struct nvme_region *list = io->list;
    if (!list && nvme_claim_slot_buffer(&c->io, &slot_list, &ticket) == 0)
        list = &slot_list;
    struct nvme_prp prp;
    uint64_t list_bus = list ? list->bus : 0;
    unsigned capacity = list ? (unsigned)((list->bytes < PAGE_SIZE ? list->bytes : PAGE_SIZE) / 8)
                             : 0;
    if (nvme_prp_build(io->data->bus, data_bytes, PAGE_SIZE, c->prp_list_scratch, list_bus,
                       capacity, &prp) != 0)
        return refuse(c, "%llu bytes at 0x%llx cannot be described by PRPs%s",
                      (unsigned long long)data_bytes, (unsigned long long)io->data->bus,
                      list ? "" : " without a PRP list (no free command slot on the I/O queue)");
    if (prp.list_entries)
        nvme_region_write(list, 0, c->prp_list_scratch, (uint64_t)prp.list_entries * 8);
    *cmd = (struct nvme_command){
        .opcode = io->opcode, .command_id = prp.list_entries && list == &slot_list ? ticket : 0,
        .nsid = io->nsid, .prp1 = prp.prp1, .prp2 = prp.prp2,
        .metadata = metadata_bytes ? io->metadata->bus : 0,
        .cdw10 = (uint32_t)io->lba, .cdw11 = (uint32_t)(io->lba >> 32),
        .cdw12 = (io->blocks - 1) | ((uint32_t)io->prinfo << NVME_RW_PRINFO_SHIFT),
        .cdw14 = io->reference_tag,
        .cdw15 = ((uint32_t)io->application_mask << 16) | io->application_tag};
    return 0;
}

int nvme_io_run(struct nvme_controller *c, const struct nvme_io *io, uint64_t *result)
{
    struct nvme_command cmd;
    struct nvme_completion cpl = {0};
    int status = nvme_prepare_io(c, io, &cmd);
    if (status == 0)
        status = nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
    if (result)
        *result = cpl.result | ((uint64_t)cpl.reserved << 32);
    return status;
}

static int plain(struct nvme_controller *c, uint8_t opcode, uint32_t nsid, uint64_t lba,
                 uint32_t blocks, const struct nvme_region *data, const struct nvme_region *list)
{
    struct nvme_io io = {.opcode = opcode, .nsid = nsid, .lba = lba, .blocks = blocks,
                         .data = data, .list = list};
    return nvme_io_run(c, &io, NULL);
}

int nvme_read(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
              const struct nvme_region *data, const struct nvme_region *list)
{
    return plain(c, NVME_IO_READ, nsid, lba, blocks, data, list);
}

int nvme_write(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
               const struct nvme_region *data, const struct nvme_region *list)
{
    return plain(c, NVME_IO_WRITE, nsid, lba, blocks, data, list);
}

int nvme_flush(struct nvme_controller *c, uint32_t nsid)
{
    struct nvme_command cmd = {.opcode = NVME_IO_FLUSH, .nsid = nsid};
    struct nvme_completion cpl;
    return nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
}

/* A command that names LBAs but moves no data. */
static int dataless(struct nvme_controller *c, struct nvme_command *cmd, uint32_t nsid,
                    uint64_t lba, uint32_t blocks)
{
    const struct nvme_namespace *ns = usable_namespace(c, nsid);
    if (!ns)
        return -1;
    if (blocks == 0 || blocks > NLB_MAX || lba + blocks > ns->identity.size_blocks)
        return refuse(c, "%u blocks at LBA %llu do not fit nsid %u", blocks,
                      (unsigned long long)lba, nsid);
    struct nvme_completion cpl;
    return nvme_submit_and_wait(c, &c->io, cmd, &cpl);
}

int nvme_write_zeroes(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks)
{
    /* PRACT on a PI namespace: the controller writes valid PI for the zeroes. */
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsid);
    uint32_t prinfo = ns && ns->identity.pi_type ? NVME_PRINFO_PRACT : 0;
    struct nvme_command cmd = {
        .opcode = NVME_IO_WRITE_ZEROES, .nsid = nsid, .cdw10 = (uint32_t)lba,
        .cdw11 = (uint32_t)(lba >> 32), .cdw12 = (blocks - 1) | (prinfo << NVME_RW_PRINFO_SHIFT),
        .cdw14 = (uint32_t)lba};
    return dataless(c, &cmd, nsid, lba, blocks);
}

int nvme_deallocate(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks)
{
    /* One range descriptor (16 bytes: attributes, length, starting LBA) in the buffer of the
     * command slot the command will take. */
    struct nvme_region range;
    uint16_t ticket;
    if (nvme_claim_slot_buffer(&c->io, &range, &ticket) != 0)
        return refuse(c, "no free command slot on queue %u for the Dataset Management range",
                      c->io.id);
    nvme_region_write64(&range, 0, (uint64_t)blocks << 32);
    nvme_region_write64(&range, 8, lba);
    struct nvme_command cmd = {
        .opcode = NVME_IO_DATASET_MANAGEMENT, .command_id = ticket, .nsid = nsid,
        .prp1 = range.bus, .cdw10 = 0 /* one range */, .cdw11 = 1u << 2 /* AD: deallocate */};
    return dataless(c, &cmd, nsid, lba, blocks);
}
