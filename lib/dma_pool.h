/* The image's one DMA pool: the page allocator over the memory reserved before ExitBootServices. */
#ifndef NVMETAL_LIB_DMA_POOL_H
#define NVMETAL_LIB_DMA_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/page_alloc.h"

/* Takes the pool's bitmap from the heap. Returns 0, or -1 (no heap, bad base). */
int dma_pool_init(uint64_t base, uint64_t bytes);
/* The pool, for callers that allocate and free pages; NULL before init. */
struct page_pool *dma_pool(void);

#endif
