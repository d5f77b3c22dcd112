/* Page allocator: a bitmap over one contiguous pool, first-fit runs of 4 KiB pages with alignment. */
#include "lib/page_alloc.h"

#include <stdbool.h>
#include <string.h>

static bool page_in_use(const struct page_pool *pool, uint64_t page)
{
    return (pool->bitmap[page / 8] >> (page % 8)) & 1u;
}

static void mark_pages(struct page_pool *pool, uint64_t first, size_t count, bool in_use)
{
    for (uint64_t page = first; page < first + count; page++) {
        uint8_t bit = (uint8_t)(1u << (page % 8));
        if (in_use)
            pool->bitmap[page / 8] |= bit;
        else
            pool->bitmap[page / 8] &= (uint8_t)~bit;
    }
}

int page_pool_init(struct page_pool *pool, uint64_t base, size_t bytes, uint8_t *bitmap,
                   size_t bitmap_bytes)
{
    size_t pages = bytes / PAGE_SIZE; /* a partial last page is not usable */
    size_t needed = pages / 8 + (pages % 8 != 0);
    if (base % PAGE_SIZE != 0 || needed > bitmap_bytes || (pages && !bitmap))
        return -1;
    if (pages && base + (uint64_t)pages * PAGE_SIZE - 1 < base)
        return -1; /* the pool would wrap past the top of the address space */
    if (needed)
        memset(bitmap, 0, needed);
    pool->base = base;
    pool->pages = pages;
    pool->bitmap = bitmap;
    pool->free_pages = pages;
    return 0;
}

/* The last in-use page among [first, first + count), or -1 when all are free. */
static int64_t last_used_page(const struct page_pool *pool, uint64_t first, size_t count)
{
    for (uint64_t page = first + count; page > first; page--)
        if (page_in_use(pool, page - 1))
            return (int64_t)(page - 1);
    return -1;
}

uint64_t page_alloc(struct page_pool *pool, size_t count, uint64_t align)
{
    if (align == 0)
        align = PAGE_SIZE;
    if (count == 0 || count > pool->free_pages || align < PAGE_SIZE || (align & (align - 1)))
        return 0;
    /* Candidates are the pages whose address is a multiple of align. */
    uint64_t misalignment = pool->base & (align - 1);
    uint64_t first_aligned = misalignment ? pool->base + (align - misalignment) : pool->base;
    if (first_aligned < pool->base)
        return 0;
    uint64_t offset = (first_aligned - pool->base) / PAGE_SIZE;
    uint64_t stride = align / PAGE_SIZE;
    uint64_t start = offset;
    while (start < pool->pages && pool->pages - start >= count) {
        int64_t used = last_used_page(pool, start, count);
        if (used < 0) {
            mark_pages(pool, start, count, true);
            pool->free_pages -= count;
            return pool->base + start * PAGE_SIZE;
        }
        /* No run starting at or before the busy page can fit: jump to the next candidate past it. */
        uint64_t past = (uint64_t)used + 1 - offset;
        uint64_t strides = past / stride + (past % stride != 0);
        if (strides > (pool->pages - offset) / stride)
            break;
        start = offset + strides * stride;
    }
    return 0;
}

int page_free(struct page_pool *pool, uint64_t address, size_t count)
{
    if (count == 0 || address < pool->base || (address - pool->base) % PAGE_SIZE != 0)
        return -1;
    uint64_t first = (address - pool->base) / PAGE_SIZE;
    if (first >= pool->pages || count > pool->pages - first)
        return -1;
    for (uint64_t page = first; page < first + count; page++)
        if (!page_in_use(pool, page))
            return -1; /* a double free or a range never handed out: change nothing */
    mark_pages(pool, first, count, false);
    pool->free_pages += count;
    return 0;
}
