/* NVDIMM range accesses: volatile 8-byte loads and stores (never memcpy into the range), flushes by method, flush hints. */
#include "drivers/nvdimm/nvdimm.h"

#include <string.h>

#include "arch/x86_64/mmio.h"

void nvdimm_range_open(const struct nfit_info *n, const struct nfit_range *r,
                       struct nvdimm_range *out)
{
    *out = (struct nvdimm_range){.spa_index = r->index, .base = r->base, .length = r->length,
                                 .cpu = cache_flush_detect()};
    for (unsigned i = 0; i < n->mapping_count; i++) {
        const struct nfit_mapping *m = &n->mappings[i];
        if (m->range_index != r->index)
            continue;
        for (unsigned k = 0; k < n->flush_count && out->hint_count < NVDIMM_MAX_HINTS; k++)
            if (n->flushes[k].device_handle == m->device_handle && n->flushes[k].hint_count)
                out->hints[out->hint_count++] = n->flushes[k].hints[0];
    }
}

void nvdimm_write(const struct nvdimm_range *r, uint64_t offset, const void *src, size_t bytes,
                  enum cache_write_method m)
{
    volatile uint64_t *at = (volatile uint64_t *)(uintptr_t)(r->base + offset);
    const uint8_t *from = src;
    for (size_t i = 0; i < bytes / 8; i++) {
        uint64_t word;
        memcpy(&word, from + 8 * i, sizeof(word)); /* from RAM: src need not be aligned */
        if (m == CACHE_WRITE_NON_TEMPORAL)
            store_non_temporal64(&at[i], word);
        else
            at[i] = word;
    }
    if (m == CACHE_WRITE_NON_TEMPORAL)
        store_fence();
    else
        cache_flush_range(m, &r->cpu, (uintptr_t)at, bytes);
    /* A write of any value to a flush hint address drains that NVDIMM's write queues. */
    for (unsigned k = 0; k < r->hint_count; k++)
        mmio_write64(r->hints[k], 1);
    if (r->hint_count)
        store_fence();
}

void nvdimm_read(const struct nvdimm_range *r, uint64_t offset, void *dst, size_t bytes)
{
    const volatile uint64_t *at = (const volatile uint64_t *)(uintptr_t)(r->base + offset);
    uint8_t *to = dst;
    for (size_t i = 0; i < bytes / 8; i++) {
        uint64_t word = at[i];
        memcpy(to + 8 * i, &word, sizeof(word));
    }
}
