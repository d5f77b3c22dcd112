/* Transfer layout and description of an LBA format: extended or separate metadata, PI inserted or carried. */
#include "drivers/nvme/nvme_format.h"

#include <stdio.h>

#define PI_TUPLE_BYTES 8u

int nvme_transfer_layout(const struct nvme_namespace_identity *ns, uint8_t prinfo,
                         struct nvme_transfer_layout *out, char why[96])
{
    out->data_bytes_per_block = ns->block_bytes;
    out->metadata_bytes_per_block = 0;
    why[0] = '\0';
    if (prinfo && !ns->pi_type) {
        snprintf(why, 96, "PRINFO 0x%x on a namespace formatted without protection information",
                 prinfo);
        return -1;
    }
    /* PRACT with PI-only metadata: the controller generates (write) or strips (read) it. */
    bool inserted_by_controller = (prinfo & NVME_PRINFO_PRACT) &&
                                  ns->metadata_bytes == PI_TUPLE_BYTES;
    if (!ns->metadata_bytes || inserted_by_controller)
        return 0;
    if (ns->extended_lba)
        out->data_bytes_per_block += ns->metadata_bytes;
    else
        out->metadata_bytes_per_block = ns->metadata_bytes;
    return 0;
}

const char *nvme_format_describe(const struct nvme_namespace_identity *ns, char *out, size_t len)
{
    int n;
    if (!ns->metadata_bytes)
        n = snprintf(out, len, "%u B", ns->block_bytes);
    else
        n = snprintf(out, len, "%u+%u B %s", ns->block_bytes, ns->metadata_bytes,
                     ns->extended_lba ? "extended" : "separate");
    if (ns->pi_type && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, ", PI type %u (%s 8 bytes)", ns->pi_type,
                 ns->pi_first ? "first" : "last");
    return out;
}
