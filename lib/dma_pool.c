/* The image's one DMA pool, set up once in main and shared by every driver. */
#include "lib/dma_pool.h"

#include <stdlib.h>

static struct page_pool pool;
static int ready;

int dma_pool_init(uint64_t base, uint64_t bytes)
{
    size_t pages = bytes / PAGE_SIZE;
    size_t bitmap_bytes = (pages + 7) / 8;
    uint8_t *bitmap = calloc(1, bitmap_bytes ? bitmap_bytes : 1);
    if (!bitmap || page_pool_init(&pool, base, bytes, bitmap, bitmap_bytes) != 0) {
        free(bitmap);
        return -1;
    }
    ready = 1;
    return 0;
}

struct page_pool *dma_pool(void)
{
    return ready ? &pool : NULL;
}
