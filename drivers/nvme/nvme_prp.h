/* PRP construction: PRP1/PRP2 or a PRP list for a physically contiguous buffer (NVMe 1.4 4.3). */
#ifndef NVMETAL_DRIVERS_NVME_PRP_H
#define NVMETAL_DRIVERS_NVME_PRP_H

#include <stdint.h>

struct nvme_prp {
    uint64_t prp1;
    uint64_t prp2;          /* 0, the second page, or the list's bus address */
    unsigned list_entries;  /* entries written into the list (0 when no list) */
};

/* Describes `bytes` at bus address `buffer` (dword aligned; any offset in the
 * first page) with pages of `page_size` (a power of two >= 4096). When more
 * than two pages are touched, writes the entries for pages 2.. into `list`
 * (at most list_capacity entries: one page of a list, no chaining) whose bus
 * address is `list_bus`. Returns 0, or -1 for a zero length, misalignment,
 * or a transfer that needs more entries than fit. */
int nvme_prp_build(uint64_t buffer, uint64_t bytes, uint32_t page_size, uint64_t *list,
                   uint64_t list_bus, unsigned list_capacity, struct nvme_prp *out);

/* Bytes of a PRP list that describes any transfer of up to `max_bytes` at any dword-aligned
 * offset with pages of `page_size` (a power of two >= 4096): the entries' bytes rounded up to
 * a power of two, at least 8, so that lists packed at multiples of it never cross a page.
 * 0 when one page of a list cannot describe such a transfer (chaining would be needed). */
uint32_t nvme_prp_list_bytes(uint64_t max_bytes, uint32_t page_size);

#endif
