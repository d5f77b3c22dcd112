/* VT-d invalidation, register-based (CCMD, IOTLB registers) and queued (descriptors with a wait). */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/vtd/vtd.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_irte.h"
#include "drivers/vtd/vtd_regs.h"

#define WAIT_BUDGET_US 1000000u

/* Descriptor types and fields (VT-d 6.5.2). */
#define DESC_CONTEXT        0x1ull
#define DESC_IOTLB          0x2ull
#define DESC_WAIT           0x5ull
#define DESC_GRANULARITY(g) ((uint64_t)(g) << 4) /* 1 global, 2 domain, 3 device/page */
#define DESC_IOTLB_DRAIN    ((1ull << 7) | (1ull << 6))
#define DESC_DID(did)       ((uint64_t)(did) << 16)
#define DESC_WAIT_SW        (1ull << 5)
#define DESC_WAIT_FN        (1ull << 6)

static uint64_t iotlb_register(const struct vtd_unit *u)
{
    return vtd_ecap_iotlb_offset(u->ecap) + 8;
}

static int register_context(struct vtd_unit *u, uint64_t command)
{
    vtd_write64(u, VTD_REG(ccmd), command | VTD_CCMD_ICC);
    return vtd_wait32(u, VTD_REG(ccmd) + 4, (uint32_t)(VTD_CCMD_ICC >> 32), 0,
                      "CCMD.ICC=0 (context-cache invalidation)");
}

static int register_iotlb(struct vtd_unit *u, uint64_t command, uint64_t address)
{
    if (address)
        vtd_write64(u, vtd_ecap_iotlb_offset(u->ecap), address);
    vtd_write64(u, iotlb_register(u), command | VTD_IOTLB_IVT | VTD_IOTLB_DRAIN);
    return vtd_wait32(u, iotlb_register(u) + 4, (uint32_t)(VTD_IOTLB_IVT >> 32), 0,
                      "IOTLB.IVT=0 (IOTLB invalidation)");
}

static void queue_descriptor(struct vtd_unit *u, uint64_t low, uint64_t high)
{
    uint64_t *slot = (uint64_t *)(uintptr_t)(u->queue + 16ull * u->queue_tail);
    slot[0] = low;
    slot[1] = high;
    vtd_flush_cpu_cache(u, slot, 16);
    u->queue_tail = (u->queue_tail + 1) % VTD_QUEUE_ENTRIES;
}

/* Queues `low/high`, then a wait descriptor, and polls for its status write. */
static int queued(struct vtd_unit *u, uint64_t low, uint64_t high)
{
    uint32_t sequence = ++u->wait_sequence;
    queue_descriptor(u, low, high);
    queue_descriptor(u, DESC_WAIT | DESC_WAIT_SW | DESC_WAIT_FN | ((uint64_t)sequence << 32),
                     (uint64_t)(uintptr_t)u->wait_status);
    memory_barrier();
    vtd_write64(u, VTD_REG(iqt), (uint64_t)u->queue_tail << 4);
    struct deadline d = deadline_after_us(WAIT_BUDGET_US);
    while (*u->wait_status != sequence) {
        uint32_t fsts = vtd_read32(u, VTD_REG(fsts));
        if (fsts & VTD_FSTS_IQE) {
            snprintf(u->error, sizeof(u->error),
                     "invalidation queue error (FSTS 0x%08x, IQH 0x%llx)", fsts,
                     (unsigned long long)vtd_read64(u, VTD_REG(iqh)));
            return -1;
        }
        if (deadline_passed(d)) {
            snprintf(u->error, sizeof(u->error),
                     "invalidation wait %u not written within %u ms (IQH 0x%llx IQT 0x%llx)",
                     sequence, WAIT_BUDGET_US / 1000,
                     (unsigned long long)vtd_read64(u, VTD_REG(iqh)),
                     (unsigned long long)vtd_read64(u, VTD_REG(iqt)));
            return -1;
        }
        cpu_pause();
    }
    return 0;
}

int vtd_invalidate_context_all(struct vtd_unit *u)
{
    if (u->invalidation == VTD_INVALIDATE_QUEUED)
        return queued(u, DESC_CONTEXT | DESC_GRANULARITY(1), 0);
    return register_context(u, VTD_CCMD_GLOBAL);
}

int vtd_invalidate_iotlb_all(struct vtd_unit *u)
{
    if (u->invalidation == VTD_INVALIDATE_QUEUED)
        return queued(u, DESC_IOTLB | DESC_GRANULARITY(1) | DESC_IOTLB_DRAIN, 0);
    return register_iotlb(u, VTD_IOTLB_GLOBAL, 0);
}

int vtd_invalidate_iec(struct vtd_unit *u, int index, unsigned mask)
{
    if (u->invalidation != VTD_INVALIDATE_QUEUED) {
        snprintf(u->error, sizeof(u->error),
                 "interrupt entry cache invalidation needs queued invalidation (QIE=0)");
        return -1;
    }
    return queued(u, index < 0 ? vtd_iec_global() : vtd_iec_index((uint16_t)index, mask), 0);
}

/* Address mask (AM): the smallest power-of-two run of pages covering the range, if aligned. */
static int page_selective_mask(const struct vtd_unit *u, uint64_t iova, uint64_t bytes)
{
    if (!vtd_CAP_PSI(u->cap) || !bytes)
        return -1;
    unsigned mask = 0;
    while ((VTD_PAGE_4K << mask) < bytes)
        mask++;
    unsigned max_mask = vtd_CAP_MAMV(u->cap);
    if (mask > max_mask || (iova & ((VTD_PAGE_4K << mask) - 1)))
        return -1;
    return (int)mask;
}

int vtd_invalidate_iotlb(struct vtd_domain *d, uint64_t iova, uint64_t bytes)
{
    struct vtd_unit *u = d->unit;
    int mask = page_selective_mask(u, iova, bytes);
    if (u->invalidation == VTD_INVALIDATE_QUEUED) {
        if (mask < 0)
            return queued(u, DESC_IOTLB | DESC_GRANULARITY(2) | DESC_IOTLB_DRAIN | DESC_DID(d->id), 0);
        return queued(u, DESC_IOTLB | DESC_GRANULARITY(3) | DESC_IOTLB_DRAIN | DESC_DID(d->id),
                      iova | (uint64_t)mask);
    }
    if (mask < 0)
        return register_iotlb(u, VTD_IOTLB_DOMAIN | vtd_put_IOTLB_DID(d->id), 0);
    return register_iotlb(u, VTD_IOTLB_PAGE | vtd_put_IOTLB_DID(d->id), iova | (uint64_t)mask);
}

int vtd_use_invalidation(struct vtd_unit *u, enum vtd_invalidation how)
{
    if (how == u->invalidation)
        return 0;
    uint32_t persistent = vtd_read32(u, VTD_REG(gsts)) & VTD_GSTS_PERSISTENT;
    if (how == VTD_INVALIDATE_QUEUED) {
        if (!vtd_ECAP_QI(u->ecap)) {
            snprintf(u->error, sizeof(u->error), "ECAP.QI=0: no queued invalidation");
            return -1;
        }
        if (!u->queue) {
            u->queue = vtd_alloc_table_page(NULL);
            uint64_t status_page = vtd_alloc_table_page(NULL);
            if (!u->queue || !status_page) {
                snprintf(u->error, sizeof(u->error), "DMA pool exhausted (invalidation queue)");
                return -1;
            }
            u->wait_status = (volatile uint32_t *)(uintptr_t)status_page;
        }
        u->queue_tail = 0;
        vtd_write64(u, VTD_REG(iqt), 0);
        vtd_write64(u, VTD_REG(iqa), u->queue); /* QS 0: one page, 256 descriptors */
        vtd_write32(u, VTD_REG(gcmd), persistent | VTD_GCMD_QIE);
        if (vtd_wait32(u, VTD_REG(gsts), VTD_GCMD_QIE, VTD_GCMD_QIE, "GSTS.QIES=1") != 0)
            return -1;
        u->invalidation = VTD_INVALIDATE_QUEUED;
        return 0;
    }
    /* Queue empty (head caught up with tail) before it may be turned off. */
    struct deadline d = deadline_after_us(WAIT_BUDGET_US);
    while (vtd_read64(u, VTD_REG(iqh)) != vtd_read64(u, VTD_REG(iqt))) {
        if (deadline_passed(d)) {
            snprintf(u->error, sizeof(u->error), "invalidation queue did not drain");
            return -1;
        }
        cpu_pause();
    }
    vtd_write32(u, VTD_REG(gcmd), persistent & ~VTD_GCMD_QIE);
    if (vtd_wait32(u, VTD_REG(gsts), VTD_GCMD_QIE, 0, "GSTS.QIES=0") != 0)
        return -1;
    u->invalidation = VTD_INVALIDATE_REGISTER;
    return 0;
}
