/* The interrupt remapping cases' common ground: readiness (unit, scope, APIC mode, MSI-X), IR on and off around a case, the IRTE written and invalidated, the restore. */
#include "tests/suite/vtd_ir_fixture.h"

#include <stdio.h>

#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "drivers/pci/pci_path.h"
#include "drivers/vtd/vtd_regs.h"


static bool claim_vectors(struct suite_case *t, struct ir_case *k)
{
    return irq_claim_or_fail(t, &k->vector[0]) && irq_claim_or_fail(t, &k->vector[1]);
}

/* The unit taken over remaps interrupts, covers this controller, and the CPU's APIC mode is
 * one it can address; interrupts are possible at all (irq_case_ready). Else a SKIP or failure. */
bool ir_case_ready(struct suite_case *t, struct ir_case *k)
{
    *k = (struct ir_case){0};
    const struct config *cfg = t->ctx->config;
    struct vtd_state *s = vtd_ready_or_fail(t, VTD_STAGE_TAKEN_OVER);
    if (!s)
        return false;
    if (!s->dmar_found || (s->no_usable_unit && cfg->iommu != FEATURE_REQUIRE)) {
        report_skip(t, s->skip_code, "%s", s->why_not);
        return false;
    }
    if (!s->taken_over) {
        report_fail(t, "the unit was not taken over%s: %s",
                    cfg->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
        return false;
    }
    k->s = s;
    report_yaml(t, "unit", "0x%llx", (unsigned long long)s->unit.base);
    if (!vtd_ECAP_IR(s->unit.ecap)) {
        report_yaml(t, "ecap", "0x%016llx", (unsigned long long)s->unit.ecap);
        report_skip(t, "no_ir", "ECAP.IR=0: the unit does not remap interrupts");
        return false;
    }
    if (!vtd_in_unit_scope(t->ctx, t->c->pci)) {
        report_skip(t, "not_in_unit", "the controller lies outside the scope of the unit at 0x%llx",
                    (unsigned long long)s->unit.base);
        return false;
    }
    /* First: with exit_boot_services = no the firmware owns the APIC, and it SKIPs there. */
    if (!irq_case_ready(t, &k->irq))
        return false;
    /* Where the unit takes 32-bit destinations (EIM) and the CPU has x2APIC, the cases run in
     * x2APIC mode, as an OS would: the switch lasts for the rest of the run. */
    if (lapic_mode() == LAPIC_XAPIC && vtd_ECAP_EIM(s->unit.ecap) && lapic_x2apic_supported() &&
        lapic_enter_x2apic() != 0) {
        report_fail(t, "the local APIC did not switch to x2APIC mode");
        return false;
    }
    k->x2apic = lapic_mode() == LAPIC_X2APIC;
    report_yaml(t, "x2apic_entered_by", "%s", !k->x2apic ? "none"
                                             : lapic_x2apic_entered_here() ? "nvmetal" : "firmware");
    /* The watchdog's LAPIC timer, read in the mode now in force: still counting down. */
    uint32_t before = lapic_read(LAPIC_TIMER_CURRENT);
    delay_us(100);
    report_yaml(t, "watchdog_timer_counting", "%u", lapic_read(LAPIC_TIMER_CURRENT) != before);
    if (k->x2apic && !vtd_ECAP_EIM(s->unit.ecap)) {
        report_skip(t, "no_eim", "the CPU runs in x2APIC mode and ECAP.EIM=0: IRTEs cannot name it");
        return false;
    }
    k->sid = pci_requester_id(t->ctx->pci, t->c->pci);
    report_yaml(t, "sid", "%02x:%02x.%x", k->sid >> 8, (k->sid >> 3) & 0x1f, k->sid & 7);
    return claim_vectors(t, k);
}

bool ir_case_on(struct suite_case *t, struct ir_case *k, bool allow_compat)
{
    k->invalidation_before = k->s->unit.invalidation;
    if (vtd_ir_enable(&k->s->unit, k->x2apic, allow_compat) != 0) {
        vtd_yaml_add_unit(t, &k->s->unit);
        report_fail(t, "interrupt remapping did not come on: %s", k->s->unit.error);
        return false;
    }
    k->ir_on = true;
    uint32_t gsts = vtd_read_gsts(&k->s->unit);
    report_yaml(t, "gsts", "0x%08x", gsts);
    report_yaml(t, "irta", "0x%016llx", (unsigned long long)vtd_irta(k->s->unit.ir_table, 7, k->x2apic));
    /* Why IRTA.EIME is what it is: the CPU's APIC mode (irq_yaml's lapic_mode), not what the
     * unit could do. */
    report_yaml(t, "ecap_eim", "%u", (unsigned)vtd_ECAP_EIM(k->s->unit.ecap));
    report_yaml(t, "x2apic_supported", "%u", lapic_x2apic_supported());
    return true;
}

struct vtd_irte ir_case_entry(const struct ir_case *k, uint8_t vector, uint16_t sid)
{
    return vtd_irte_fixed(lapic_id(), k->x2apic, vector, sid);
}

/* Writes the IRTE and, when `invalidate`, invalidates its cached copy; false (reported) when
 * the unit refused either. */
bool ir_case_set_entry(struct suite_case *t, struct ir_case *k, struct vtd_irte e, bool invalidate)
{
    struct vtd_unit *u = &k->s->unit;
    if (vtd_ir_write_entry(u, IRTE_INDEX, e) != 0 || (invalidate && vtd_ir_invalidate(u, IRTE_INDEX) != 0)) {
        report_fail(t, "IRTE %u: %s", IRTE_INDEX, u->error);
        return false;
    }
    return true;
}

/* Everything back: the controller polled, MSI-X as found, the entry cleared and invalidated,
 * IRE off, the vectors free. Returns false (and fails the point) when the controller did not
 * start again. */
bool ir_case_restore(struct suite_case *t, struct ir_case *k)
{
    int restarted = irq_detach(t, &k->irq);
    if (k->ir_on) {
        vtd_ir_write_entry(&k->s->unit, IRTE_INDEX, (struct vtd_irte){0});
        vtd_ir_invalidate(&k->s->unit, -1);
        vtd_ir_disable(&k->s->unit);
        vtd_use_invalidation(&k->s->unit, k->invalidation_before);
    }
    for (unsigned i = 0; i < 2; i++)
        if (k->vector[i])
            irq_vector_release(k->vector[i]);
    if (restarted != 0) {
        report_fail(t, "the controller did not start again polled: %s", t->c->error);
        return false;
    }
    return true;
}

void ir_case_yaml_entry(struct suite_case *t, const char *key, struct vtd_irte e)
{
    report_yaml(t, key, "0x%016llx%016llx vector 0x%02x dst 0x%x svt %u sid 0x%04x p %u",
                (unsigned long long)e.hi, (unsigned long long)e.lo, (unsigned)vtd_IRTE_LO_V(e.lo),
                (unsigned)vtd_IRTE_LO_DST(e.lo), (unsigned)vtd_IRTE_HI_SVT(e.hi),
                (unsigned)vtd_IRTE_HI_SID(e.hi), (unsigned)vtd_IRTE_LO_P(e.lo));
}


bool ir_case_start_moving(struct suite_case *t, struct ir_case *k, struct vtd_irte *a,
                          struct vtd_irte *b)
{
    if (!ir_case_ready(t, k))
        return false;
    *a = ir_case_entry(k, k->vector[0], k->sid);
    *b = ir_case_entry(k, k->vector[1], k->sid);
    if (!ir_case_on(t, k, false) || !ir_case_set_entry(t, k, *a, true)) {
        ir_case_restore(t, k);
        return false;
    }
    return true;
}

void ir_case_yaml_moving(struct suite_case *t, struct ir_case *k, const char *key_a,
                         struct vtd_irte a, const char *key_b, struct vtd_irte b)
{
    irq_yaml(t, &k->irq);
    report_yaml(t, "irte_index", "%u", IRTE_INDEX);
    ir_case_yaml_entry(t, key_a, a);
    ir_case_yaml_entry(t, key_b, b);
}
