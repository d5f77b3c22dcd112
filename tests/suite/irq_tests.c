/* Interrupt cases: an NVMe completion delivered through MSI-X to the vector programmed, without remapping. */
#include <stdio.h>

#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "tests/suite/irq_fixture.h"
#include "tests/suite/suite.h"

#define READS 8 /* commands, one at a time, each waited for on its interrupt */

static void msix_delivered(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct irq_setup s;
    if (!irq_case_ready(t, &s))
        return;
    int claimed = irq_vector_claim();
    if (claimed < 0) {
        report_fail(t, "no free interrupt vector in 0x%x..0x%x", IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST);
        return;
    }
    uint8_t vector = (uint8_t)claimed;
    struct msi_message msg = msi_compatibility((uint8_t)lapic_id(), vector);
    struct irq_tally d = {0};
    int started = irq_attach(t, &s, msg, vector, false);
    int status = started == 0 ? irq_read(t, &s, READS, &vector, 1, &d) : -1;
    char error[sizeof(c->error)];
    snprintf(error, sizeof(error), "%s", c->error);
    irq_yaml(t, &s);
    struct msi_message back = pci_msix_read_entry(&s.msix, IRQ_IO_ENTRY, NULL);
    bool io_pending = pci_msix_pending(&s.msix, IRQ_IO_ENTRY);
    int restarted = irq_detach(t, &s);
    irq_vector_release(vector);

    report_yaml(t, "vector", "0x%02x", vector);
    report_yaml(t, "commands", "%u", d.completed);
    report_yaml(t, "interrupts", "%llu", (unsigned long long)d.per_vector[0]);
    if (d.completed)
        report_yaml(t, "latency_ns", "min %llu avg %llu max %llu", (unsigned long long)d.min_ns,
                    (unsigned long long)(d.sum_ns / d.completed), (unsigned long long)d.max_ns);
    if (back.address != msg.address || back.data != msg.data) {
        report_fail(t, "MSI-X entry %u reads back 0x%llx/0x%x, written 0x%llx/0x%x", IRQ_IO_ENTRY,
                    (unsigned long long)back.address, back.data, (unsigned long long)msg.address,
                    msg.data);
    } else if (started != 0) {
        report_fail(t, "the controller did not start with an interrupt-driven I/O CQ: %s", error);
    } else if (status != 0) {
        report_fail(t, "read %u of %u: %s", d.completed + 1, READS, error);
    } else if (d.one_each[0] != READS) {
        report_fail(t, "%u of %u completions raised exactly one interrupt on vector 0x%02x",
                    d.one_each[0], READS, vector);
    } else if (io_pending) {
        report_fail(t, "the I/O entry's pending bit is set while it is unmasked");
    } else if (restarted != 0) {
        report_fail(t, "the controller did not start again polled: %s", c->error);
    } else {
        report_pass(t, "%u reads completed, each raising one interrupt on vector 0x%02x through "
                    "MSI-X entry %u", READS, vector, IRQ_IO_ENTRY);
    }
}

const struct test_case irq_test_cases[] = {
    {"irq.msix.delivered", msix_delivered, CASE_PER_CONTROLLER},
};
const unsigned irq_test_case_count = sizeof(irq_test_cases) / sizeof(irq_test_cases[0]);
