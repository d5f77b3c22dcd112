/* VT-d interrupt remapping: the table of IRTEs, IRTA and SIRTP, IRE and CFI through GCMD one operation at a time, entries written in the order the unit needs, IEC invalidation. */
#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "drivers/vtd/vtd.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_regs.h"

#define IRTA_SIZE_FIELD 7u /* 2^(7 + 1) = VTD_IR_ENTRIES */
_Static_assert((2u << IRTA_SIZE_FIELD) == VTD_IR_ENTRIES, "IRTA.S matches the table");
_Static_assert(VTD_IR_ENTRIES * sizeof(struct vtd_irte) == 4096, "the table is one page");

static volatile uint64_t *entry_words(const struct vtd_unit *u, unsigned index)
{
    return (volatile uint64_t *)(uintptr_t)(u->ir_table + (uint64_t)index * sizeof(struct vtd_irte));
}

int vtd_ir_enable(struct vtd_unit *u, bool x2apic, bool allow_compat)
{
    if (!vtd_ECAP_IR(u->ecap)) {
        snprintf(u->error, sizeof(u->error), "ECAP.IR=0: the unit does not remap interrupts");
        return -1;
    }
    if (x2apic && !vtd_ECAP_EIM(u->ecap)) {
        snprintf(u->error, sizeof(u->error),
                 "the CPU runs in x2APIC mode and ECAP.EIM=0: no 32-bit destinations");
        return -1;
    }
    if (!u->ir_table) {
        u->ir_table = vtd_alloc_table_page(NULL);
        if (!u->ir_table) {
            snprintf(u->error, sizeof(u->error), "DMA pool exhausted (interrupt remapping table)");
            return -1;
        }
    }
    for (unsigned i = 0; i < VTD_IR_ENTRIES; i++) {
        entry_words(u, i)[0] = 0;
        entry_words(u, i)[1] = 0;
    }
    vtd_flush_cpu_cache(u, (const void *)(uintptr_t)u->ir_table, 4096);
    u->ir_x2apic = x2apic;
    if (vtd_use_invalidation(u, VTD_INVALIDATE_QUEUED) != 0)
        return -1;
    vtd_write64(u, VTD_REG(irta), vtd_irta(u->ir_table, IRTA_SIZE_FIELD, x2apic));
    if (vtd_global_command(u, VTD_GCMD_SIRTP, true, "GSTS.IRTPS=1 after SIRTP") != 0)
        return -1;
    /* Nothing the unit cached from an earlier table may be used with this one. */
    if (vtd_invalidate_iec(u, -1, 0) != 0)
        return -1;
    if (vtd_ir_allow_compat(u, allow_compat) != 0)
        return -1;
    if (vtd_global_command(u, VTD_GCMD_IRE, true, "GSTS.IRES=1 after IRE") != 0) {
        vtd_global_command(u, VTD_GCMD_IRE, false, "GSTS.IRES=0");
        return -1;
    }
    return 0;
}

int vtd_ir_disable(struct vtd_unit *u)
{
    if (vtd_global_command(u, VTD_GCMD_IRE, false, "GSTS.IRES=0 after IRE=0") != 0)
        return -1;
    return vtd_ir_allow_compat(u, false);
}

int vtd_ir_allow_compat(struct vtd_unit *u, bool allow)
{
    return vtd_global_command(u, VTD_GCMD_CFI, allow,
                              allow ? "GSTS.CFIS=1 after CFI=1" : "GSTS.CFIS=0 after CFI=0");
}

int vtd_ir_write_entry(struct vtd_unit *u, unsigned index, struct vtd_irte e)
{
    if (!u->ir_table || index >= VTD_IR_ENTRIES) {
        snprintf(u->error, sizeof(u->error), "IRTE %u: %s", index,
                 u->ir_table ? "beyond the table" : "no remapping table yet");
        return -1;
    }
    volatile uint64_t *w = entry_words(u, index);
    /* The unit reads an entry as two qwords: never let it see a present low half with the
     * wrong high half. */
    w[0] = w[0] & ~(uint64_t)VTD_IRTE_LO_P;
    memory_barrier();
    w[1] = e.hi;
    memory_barrier();
    w[0] = e.lo;
    vtd_flush_cpu_cache(u, (const void *)(uintptr_t)w, sizeof(struct vtd_irte));
    return 0;
}

struct vtd_irte vtd_ir_read_entry(const struct vtd_unit *u, unsigned index)
{
    if (!u->ir_table || index >= VTD_IR_ENTRIES)
        return (struct vtd_irte){0};
    volatile uint64_t *w = entry_words(u, index);
    return (struct vtd_irte){.lo = w[0], .hi = w[1]};
}

int vtd_ir_invalidate(struct vtd_unit *u, int index)
{
    return vtd_invalidate_iec(u, index, 0);
}
