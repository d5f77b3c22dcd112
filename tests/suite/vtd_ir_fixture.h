/* What the interrupt remapping cases share: the checks before any can run, interrupt remapping on the unit taken over for one case, the IRTE they use, and everything put back. */
#ifndef NVMETAL_TESTS_VTD_IR_FIXTURE_H
#define NVMETAL_TESTS_VTD_IR_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/vtd/vtd.h"
#include "tests/suite/irq_fixture.h"
#include "tests/suite/vtd_fixture.h"

#define IRTE_INDEX 8 /* the entry the cases use (any index below VTD_IR_ENTRIES would do) */

/* A case's state: the unit, the controller's source ID, two vectors, the MSI-X setup. */
struct ir_case {
    struct vtd_state *s;
    uint16_t sid;
    bool x2apic;
    uint8_t vector[2];
    struct irq_setup irq;
    bool ir_on;
    enum vtd_invalidation invalidation_before; /* IR turns QI on; put back after */
};

/* The unit taken over remaps interrupts, covers this controller, and the CPU's APIC mode is
 * one it can address; interrupts are possible at all (irq_case_ready); two vectors claimed.
 * Else a SKIP or a failure is reported and false returned. */
bool ir_case_ready(struct suite_case *t, struct ir_case *k);
/* Interrupt remapping on (vtd_ir_enable), GSTS and IRTA in the YAML; false (reported) if not. */
bool ir_case_on(struct suite_case *t, struct ir_case *k, bool allow_compat);
/* A fixed, edge IRTE to this CPU on `vector`, validating requester `sid`. */
struct vtd_irte ir_case_entry(const struct ir_case *k, uint8_t vector, uint16_t sid);
/* Writes IRTE_INDEX and, when `invalidate`, invalidates its cached copy; false (reported) when
 * the unit refused either. */
bool ir_case_set_entry(struct suite_case *t, struct ir_case *k, struct vtd_irte e, bool invalidate);
/* Everything back: the controller polled, MSI-X as found, the entry cleared and invalidated,
 * IRE off, the invalidation mode as before, the vectors free. False (the point failed) when
 * the controller did not start again. */
bool ir_case_restore(struct suite_case *t, struct ir_case *k);
/* An IRTE as YAML: both qwords and the fields a reader checks. */
void ir_case_yaml_entry(struct suite_case *t, const char *key, struct vtd_irte e);

/* For the cases that move the entry from one vector to the other: ir_case_ready, *a and *b the
 * controller's IRTEs on vector[0] and vector[1], IR on and *a written and invalidated. False
 * (reported, everything put back) when a step did not take. */
bool ir_case_start_moving(struct suite_case *t, struct ir_case *k, struct vtd_irte *a,
                          struct vtd_irte *b);
/* Their common YAML: the MSI-X setup (irq_yaml), IRTE_INDEX and the two entries as key_a and
 * key_b. */
void ir_case_yaml_moving(struct suite_case *t, struct ir_case *k, const char *key_a,
                         struct vtd_irte a, const char *key_b, struct vtd_irte b);

#endif
