/* Zoned namespace commands (ZNS 1.0): report zones into a host buffer, reset a zone. */
#include <stdio.h>

#include "drivers/nvme/nvme.h"

#define REPORT_BYTES (2 * PAGE_SIZE) /* header + 127 descriptors: two PRP entries, no list */

int nvme_zone_report(struct nvme_controller *c, uint32_t nsid, uint64_t lba,
                     struct nvme_zone *zones, unsigned max)
{
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsid);
    if (!ns || ns->csi != NVME_CSI_ZONED) {
        snprintf(c->error, sizeof(c->error), "nsid %u is not a zoned namespace", nsid);
        return -1;
    }
    struct nvme_region report;
    if (nvme_alloc(c, NVME_MEMORY_HOST, REPORT_BYTES, &report) != 0)
        return -1;
    struct nvme_command cmd = {
        .opcode = NVME_IO_ZONE_MANAGEMENT_RECEIVE, .nsid = nsid, .prp1 = report.bus,
        .prp2 = report.bus + PAGE_SIZE, .cdw10 = (uint32_t)lba, .cdw11 = (uint32_t)(lba >> 32),
        .cdw12 = REPORT_BYTES / 4 - 1,
        .cdw13 = NVME_ZONE_RECEIVE_REPORT | (1u << 16) /* partial: count what fits */};
    struct nvme_completion cpl;
    int status = nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
    int stored = -1;
    if (status == 0) {
        uint64_t reported;
        stored = nvme_parse_zone_report((const uint8_t *)(uintptr_t)report.cpu, REPORT_BYTES,
                                        zones, max, &reported);
        if (stored < 0)
            snprintf(c->error, sizeof(c->error), "zone report too short to parse");
    }
    nvme_free(c, &report);
    return stored;
}

int nvme_zone_reset(struct nvme_controller *c, uint32_t nsid, uint64_t zone_start)
{
    struct nvme_command cmd = {
        .opcode = NVME_IO_ZONE_MANAGEMENT_SEND, .nsid = nsid, .cdw10 = (uint32_t)zone_start,
        .cdw11 = (uint32_t)(zone_start >> 32), .cdw13 = NVME_ZONE_ACTION_RESET};
    struct nvme_completion cpl;
    return nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
}
