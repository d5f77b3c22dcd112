/* Page allocator: first-fit, aligned runs of 4 KiB pages over one contiguous pool. */
#ifndef NVMETAL_LIB_PAGE_ALLOC_H
#define NVMETAL_LIB_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u

struct page_pool {
    uint64_t base;   /* physical address of the first page (page aligned) */
    size_t pages;
    uint8_t *bitmap; /* one bit per page, 1 = in use; caller-provided storage */
    size_t free_pages;
};

/* Returns 0, or -1 if base is not page aligned or the bitmap is too small. */
int page_pool_init(struct page_pool *pool, uint64_t base, size_t bytes,
                   uint8_t *bitmap, size_t bitmap_bytes);
/* Returns the address of `count` contiguous pages aligned to `align` bytes
 * (a power of two >= PAGE_SIZE, or 0 for PAGE_SIZE), or 0 when no run fits. */
uint64_t page_alloc(struct page_pool *pool, size_t count, uint64_t align);
/* Returns 0, or -1 if the range is outside the pool or not wholly allocated. */
int page_free(struct page_pool *pool, uint64_t address, size_t count);

#endif
