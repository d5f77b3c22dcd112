/* PRP construction for one physically contiguous buffer: PRP1, PRP2 or a single-page PRP list (NVMe 1.4 4.3). */
#include "drivers/nvme/nvme_prp.h"

#include <stdbool.h>
#include <stddef.h>

#define PRP_MIN_PAGE_SIZE 4096u
#define PRP_ENTRY_BYTES 8u

static bool is_power_of_two(uint64_t v)
{
    return v && (v & (v - 1)) == 0;
}

int nvme_prp_build(uint64_t buffer, uint64_t bytes, uint32_t page_size, uint64_t *list,
                   uint64_t list_bus, unsigned list_capacity, struct nvme_prp *out)
{
    out->prp1 = 0;
    out->prp2 = 0;
    out->list_entries = 0;

    if (bytes == 0 || page_size < PRP_MIN_PAGE_SIZE || !is_power_of_two(page_size))
        return -1;
    /* PRP1 may carry an offset into its page, but bits 1:0 are reserved (dword alignment). */
    if (buffer & 3)
        return -1;
    uint64_t last = buffer + (bytes - 1);
    if (last < buffer) /* the buffer would wrap past the top of the address space */
        return -1;

    uint64_t page_mask = (uint64_t)page_size - 1;
    uint64_t first_page = buffer & ~page_mask;
    uint64_t pages = ((last & ~page_mask) - first_page) / page_size + 1;

    if (pages <= 2) {
        out->prp1 = buffer;
        out->prp2 = pages == 2 ? first_page + page_size : 0;
        return 0;
    }

    /* More than two pages: PRP2 points at a list of the pages after the first. Without chaining
     * the list must fit the caller's array and end inside the memory page it starts in: were it
     * to run on, the controller would take that page's last slot as a pointer to the next list
     * page. */
    uint64_t entries = pages - 1;
    if (!list || (list_bus & (PRP_ENTRY_BYTES - 1)) || entries > list_capacity)
        return -1;
    uint64_t list_offset = list_bus & page_mask;
    if (entries > (page_size - list_offset) / PRP_ENTRY_BYTES)
        return -1;

    for (uint64_t i = 0; i < entries; i++)
        list[i] = first_page + (i + 1) * page_size;
    out->prp1 = buffer;
    out->prp2 = list_bus;
    out->list_entries = (unsigned)entries;
    return 0;
}

uint32_t nvme_prp_list_bytes(uint64_t max_bytes, uint32_t page_size)
{
    if (max_bytes == 0 || page_size < PRP_MIN_PAGE_SIZE || !is_power_of_two(page_size))
        return 0;
    /* The worst case starts at the last dword of a page: one more page is touched. */
    uint64_t pages = (page_size - 4 + max_bytes - 1) / page_size + 1;
    uint64_t bytes = (pages - 1) * PRP_ENTRY_BYTES;
    if (bytes > page_size)
        return 0;
    uint32_t rounded = PRP_ENTRY_BYTES;
    while (rounded < bytes)
        rounded <<= 1;
    return rounded;
}
