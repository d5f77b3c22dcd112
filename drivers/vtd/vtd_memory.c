/* VT-d table memory: pages for root, context and page tables from the DMA pool, and CPU cache flushes for units that do not snoop. */
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/dma_pool.h"

void vtd_flush_cpu_cache(const struct vtd_unit *u, const void *cpu, uint64_t bytes)
{
    if (vtd_ECAP_C(u->ecap))
        return; /* the unit snoops CPU caches */
    const uint8_t *line = (const uint8_t *)((uintptr_t)cpu & ~63ull);
    for (; line < (const uint8_t *)cpu + bytes; line += 64)
        cache_line_flush(line);
    memory_barrier();
}

uint64_t vtd_alloc_table_page(void *ctx)
{
    (void)ctx;
    uint64_t page = page_alloc(dma_pool(), 1, 0);
    if (page)
        memset((void *)(uintptr_t)page, 0, PAGE_SIZE);
    return page;
}
