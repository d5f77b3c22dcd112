/* What the interrupt cases share: the checks before any is possible, an NVMe controller restarted with its I/O CQ on an MSI-X entry, reads counted per vector, and everything put back. */
#ifndef NVMETAL_TESTS_IRQ_FIXTURE_H
#define NVMETAL_TESTS_IRQ_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/nvme/nvme.h"
#include "drivers/pci/pci_msix.h"
#include "tests/suite/suite.h"

#define IRQ_IO_ENTRY    1 /* the I/O CQ's MSI-X entry */
#define IRQ_ADMIN_ENTRY 0 /* the admin CQ's: always kept masked */

/* One controller taken onto interrupts for a case. */
struct irq_setup {
    struct pci_msix msix;
    struct nvme_placement placement;
    struct msi_message message; /* what entry IRQ_IO_ENTRY holds */
    const struct nvme_namespace *ns;
    struct nvme_region buffer;  /* one block of ns, read by irq_read */
    bool attached;
    uint64_t strays_before;
};

/* Our IDT with interrupts on and an enabled local APIC: else the case's SKIP is reported and
 * false returned. */
bool irq_platform_ready(struct suite_case *t);

/* irq_platform_ready, a usable MSI-X table with an entry for
 * the I/O CQ, a namespace to read: else the case's SKIP is reported and false returned. */
bool irq_case_ready(struct suite_case *t, struct irq_setup *s);

/* A free vector into *vector; false (the point failed) when every one is taken. */
bool irq_claim_or_fail(struct suite_case *t, uint8_t *vector);

/* Entry IRQ_IO_ENTRY := message (unmasked), the admin entry masked, MSI-X on, and the
 * controller restarted with its I/O CQ on that entry (IEN=1), reaps waiting on `vector`; with
 * `poll` they poll instead, though the CQ still raises its entry (for a case that expects
 * the interrupt blocked or does not know where it lands).
 * Returns 0, or -1 with the reason in t->c->error. */
int irq_attach(struct suite_case *t, struct irq_setup *s, struct msi_message message, uint8_t vector,
               bool poll);
/* Rewrites entry IRQ_IO_ENTRY (masked while it changes). */
void irq_set_message(struct irq_setup *s, struct msi_message message);
/* The controller polled again, the entry masked, MSI-X as found, the buffer freed. Returns 0,
 * or -1 when the controller did not start again (t->c->error). */
int irq_detach(struct suite_case *t, struct irq_setup *s);

/* `reads` reads of one block at LBA 0, each completed before the next. For each, how many
 * deliveries each of `vectors` (count of them) got; per_vector[k] sums them, one_each[k]
 * counts reads that raised exactly one on vectors[k]; latency from submission to the last
 * delivery on vectors[0]. */
struct irq_tally {
    unsigned completed;
    uint64_t per_vector[3];
    unsigned one_each[3];
    uint64_t min_ns, max_ns, sum_ns;
};
int irq_read(struct suite_case *t, struct irq_setup *s, unsigned reads, const uint8_t *vectors,
             unsigned count, struct irq_tally *out);

/* The setup's common YAML: LAPIC mode and ID, the MSI-X table, the entry's message read back,
 * Message Control, the admin entry's pending bit, strays since irq_case_ready. */
void irq_yaml(struct suite_case *t, struct irq_setup *s);

#endif
