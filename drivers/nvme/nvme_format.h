/* How one namespace's LBA format moves through a command: data and metadata bytes per block, and the format in words. */
#ifndef NVMETAL_DRIVERS_NVME_FORMAT_H
#define NVMETAL_DRIVERS_NVME_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/nvme/nvme_spec.h"

/* Bytes one block occupies in a command's buffers. */
struct nvme_transfer_layout {
    uint32_t data_bytes_per_block;     /* the block, plus its metadata when extended and carried */
    uint32_t metadata_bytes_per_block; /* in the separate buffer MPTR names; 0 = no such buffer */
};

/* The layout of a Read/Write/Compare with PRINFO `prinfo` (NVME_PRINFO_*) on namespace `ns`.
 * With PRACT set and 8 bytes of metadata that are all PI, the controller inserts and strips
 * the PI itself and no metadata moves. Returns 0, or -1 with why[] for PRINFO on a namespace
 * formatted without protection information. */
int nvme_transfer_layout(const struct nvme_namespace_identity *ns, uint8_t prinfo,
                         struct nvme_transfer_layout *out, char why[96]);

/* "512 B", "512+8 B extended", "4096+16 B separate, PI type 1 (last 8 bytes)". */
const char *nvme_format_describe(const struct nvme_namespace_identity *ns, char *out, size_t len);

#endif
