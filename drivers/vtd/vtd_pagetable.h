/* VT-d second-level page tables: map, unmap and look up IOVAs at 3 or 4 levels, 4 KiB and 2 MiB pages. */
#ifndef NVMETAL_DRIVERS_VTD_PAGETABLE_H
#define NVMETAL_DRIVERS_VTD_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define VTD_PAGE_4K  0x1000ull
#define VTD_PAGE_2M  0x200000ull
#define VTD_PTE_READ  (1ull << 0)
#define VTD_PTE_WRITE (1ull << 1)
#define VTD_PTE_LARGE (1ull << 7) /* PS: a 2 MiB (level 2) or 1 GiB (level 3) leaf */
#define VTD_PTE_ADDRESS_MASK 0x000ffffffffff000ull

/* Table pages are reached through callbacks so the same code runs in the
 * image (physical = virtual) and in host tests (a simulated memory). */
struct vtd_pagetable {
    unsigned levels;       /* 3 (39-bit AGAW) or 4 (48-bit) */
    uint64_t root;         /* physical address of the top-level table */
    uint64_t (*alloc_page)(void *ctx);            /* zeroed 4 KiB page, physical address or 0 */
    uint64_t *(*table_at)(void *ctx, uint64_t physical); /* CPU pointer to a table page */
    void (*flush)(void *ctx, const void *cpu, uint64_t bytes); /* write back for non-coherent units; may be NULL */
    void *ctx;
    unsigned tables_allocated;
};

/* Sets up an empty table. Returns 0, or -1 (levels not 3/4, allocation failed). */
int vtd_pagetable_init(struct vtd_pagetable *pt, unsigned levels, uint64_t (*alloc_page)(void *),
                       uint64_t *(*table_at)(void *, uint64_t),
                       void (*flush)(void *, const void *, uint64_t), void *ctx);

/* Maps [iova, iova+bytes) to [physical, ...) with VTD_PTE_READ/WRITE `permissions`.
 * All three must be 4 KiB aligned; 2 MiB leaves are used where iova, physical and
 * the remaining length allow. Fails (-1) on an IOVA beyond the table's reach
 * (2^(12+9*levels)), an overlap with an existing mapping, or allocation failure;
 * nothing is left half mapped on failure. */
int vtd_pagetable_map(struct vtd_pagetable *pt, uint64_t iova, uint64_t physical, uint64_t bytes,
                      uint64_t permissions);
/* Clears the leaves covering [iova, iova+bytes) (splitting a 2 MiB leaf when only
 * part of it is unmapped). Returns how many bytes were mapped there before. */
uint64_t vtd_pagetable_unmap(struct vtd_pagetable *pt, uint64_t iova, uint64_t bytes);
/* Walks the table: true with *physical and *permissions when iova is mapped. */
bool vtd_pagetable_lookup(const struct vtd_pagetable *pt, uint64_t iova, uint64_t *physical,
                          uint64_t *permissions);

#endif
