/* VT-d domains: an IOVA allocator that proves translation (IOVA != physical) and map/unmap with invalidation. */
#include <stdio.h>

#include "drivers/vtd/vtd.h"
#include "lib/range.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_regs.h"

#define INTERRUPT_WINDOW      0xfee00000ull /* device writes here are interrupts, never data */
#define INTERRUPT_WINDOW_SIZE 0x100000ull

/* True when [iova, iova+bytes) may be handed out for `physical`. */
static bool iova_usable(const struct vtd_domain *d, uint64_t iova, uint64_t bytes,
                        uint64_t physical)
{
    if (ranges_overlap(iova, bytes, physical, bytes) ||
        ranges_overlap(iova, bytes, INTERRUPT_WINDOW, INTERRUPT_WINDOW_SIZE))
        return false;
    for (unsigned i = 0; i < d->unit->exclusion_count; i++)
        if (ranges_overlap(iova, bytes, d->unit->exclusions[i].base, d->unit->exclusions[i].bytes))
            return false;
    return true;
}

int vtd_map_at(struct vtd_domain *d, uint64_t iova, uint64_t physical, uint64_t bytes,
               uint64_t permissions)
{
    if (vtd_pagetable_map(&d->pagetable, iova, physical, bytes, permissions) != 0) {
        snprintf(d->unit->error, sizeof(d->unit->error),
                 "cannot map IOVA 0x%llx -> 0x%llx (%llu bytes) in domain %u",
                 (unsigned long long)iova, (unsigned long long)physical,
                 (unsigned long long)bytes, d->id);
        return -1;
    }
    /* Caching mode: the unit may cache not-present entries, so new ones need an invalidation. */
    if (vtd_CAP_CM(d->unit->cap) && d->unit->translating)
        return vtd_invalidate_iotlb(d, iova, bytes);
    return 0;
}

uint64_t vtd_map(struct vtd_domain *d, uint64_t physical, uint64_t bytes, uint64_t permissions)
{
    uint64_t span = (bytes + VTD_PAGE_4K - 1) & ~(VTD_PAGE_4K - 1);
    /* 2 MiB alignment lets big buffers use large leaves; page alignment keeps
     * the offset into the first page equal on both sides. */
    uint64_t align = (span >= VTD_PAGE_2M && !(physical & (VTD_PAGE_2M - 1))) ? VTD_PAGE_2M
                                                                               : VTD_PAGE_4K;
    uint64_t iova = (d->iova_next + align - 1) & ~(align - 1);
    while (iova + span <= d->iova_end && !iova_usable(d, iova, span, physical))
        iova += align;
    if (iova + span > d->iova_end) {
        snprintf(d->unit->error, sizeof(d->unit->error), "IOVA space of domain %u exhausted", d->id);
        return 0;
    }
    if (vtd_map_at(d, iova, physical, span, permissions) != 0)
        return 0;
    d->iova_next = iova + span;
    return iova;
}

int vtd_unmap(struct vtd_domain *d, uint64_t iova, uint64_t bytes)
{
    vtd_pagetable_unmap(&d->pagetable, iova, bytes);
    return d->unit->translating ? vtd_invalidate_iotlb(d, iova, bytes) : 0;
}
