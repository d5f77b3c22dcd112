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
    uint8_t vector;
    if (!irq_claim_or_fail(t, &vector))
        return;
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

/* Interrupt Coalescing (Set Features 08h) with the I/O CQ's vector taking part (09h, CD=0):
 * COALESCED reads, one at a time and polled, must raise fewer interrupts than the same reads
 * with coalescing off, and at most one per threshold's worth plus one when the time runs out. */
#define COALESCED 8
#define COALESCING_TIME 255 /* x 100 us: 25.5 ms, the longest */

/* Sets both features; *refused names the one the controller refused. */
static int set_coalescing(struct nvme_controller *c, uint32_t coalescing, bool vector_takes_part,
                          const char **refused)
{
    *refused = "Interrupt Coalescing (08h)";
    int status = nvme_set_feature(c, NVME_FEATURE_INTERRUPT_COALESCING, 0, coalescing, NULL);
    if (status != 0)
        return status;
    *refused = "Interrupt Vector Configuration (09h)";
    return nvme_set_feature(c, NVME_FEATURE_INTERRUPT_VECTOR, 0,
                            IRQ_IO_ENTRY | (vector_takes_part ? 0 : 1u << 16), NULL);
}

static void coalescing(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct irq_setup s;
    if (!irq_case_ready(t, &s))
        return;
    uint8_t vector;
    if (!irq_claim_or_fail(t, &vector))
        return;
    uint32_t found_coalescing = 0, found_vector = 0;
    struct irq_tally off = {0}, on = {0};
    int status = irq_attach(t, &s, msi_compatibility((uint8_t)lapic_id(), vector), vector, true);
    int feature = -1; /* the status of the first Set Features, when it failed */
    const char *refused = "";
    if (status == 0)
        status = nvme_get_feature(c, NVME_FEATURE_INTERRUPT_COALESCING, 0, &found_coalescing);
    if (status == 0)
        status = nvme_get_feature(c, NVME_FEATURE_INTERRUPT_VECTOR, 0, &found_vector);
    if (status == 0 && (feature = set_coalescing(c, 0, false, &refused)) == 0)
        status = irq_read(t, &s, COALESCED, &vector, 1, &off);
    if (status == 0 && feature == 0 &&
        (feature = set_coalescing(c, (COALESCING_TIME << 8) | (COALESCED - 1), true, &refused)) == 0) {
        status = irq_read(t, &s, COALESCED, &vector, 1, &on);
        /* The last interrupt may wait for the aggregation time. */
        uint64_t seen = irq_vector_count(vector);
        on.per_vector[0] += irq_vector_wait(vector, seen, COALESCING_TIME * 100u + 10000u) - seen;
    }
    char error[sizeof(c->error)];
    snprintf(error, sizeof(error), "%s", c->error);
    if (feature >= 0) /* a Set was tried: the first one may have taken before the second failed */
        nvme_set_feature(c, NVME_FEATURE_INTERRUPT_COALESCING, 0, found_coalescing, NULL);
    irq_yaml(t, &s);
    int restarted = irq_detach(t, &s);
    irq_vector_release(vector);
    report_yaml(t, "vector", "0x%02x", vector);
    report_yaml(t, "found_coalescing", "0x%08x", found_coalescing);
    report_yaml(t, "found_vector_config", "0x%08x", found_vector);
    if (feature > 0) {
        char text[80];
        report_yaml(t, "set_features_status", "0x%03x", feature);
        report_yaml(t, "refused", "%s", refused);
        report_skip(t, "coalescing_not_changeable", "Set Features %s refused: %s", refused,
                    nvme_status_describe((uint16_t)feature, text, sizeof(text)));
        return;
    }
    report_yaml(t, "threshold", "%u", COALESCED);
    report_yaml(t, "time_us", "%u", COALESCING_TIME * 100u);
    report_yaml(t, "interrupts_off", "%llu", (unsigned long long)off.per_vector[0]);
    report_yaml(t, "interrupts_on", "%llu", (unsigned long long)on.per_vector[0]);
    if (status != 0)
        report_fail(t, "the reads did not complete: %s", error);
    else if (restarted != 0)
        report_fail(t, "the controller did not start again polled: %s", c->error);
    else if (off.per_vector[0] != COALESCED)
        report_fail(t, "without coalescing %llu interrupts for %u completions",
                    (unsigned long long)off.per_vector[0], COALESCED);
    else if (on.per_vector[0] > 2 || on.per_vector[0] >= off.per_vector[0])
        report_fail(t, "with threshold %u: %llu interrupts for %u completions (%llu without)",
                    COALESCED, (unsigned long long)on.per_vector[0], COALESCED,
                    (unsigned long long)off.per_vector[0]);
    else
        report_pass(t, "%u completions raised %llu interrupt%s with threshold %u, %u without "
                    "coalescing", COALESCED, (unsigned long long)on.per_vector[0],
                    on.per_vector[0] == 1 ? "" : "s", COALESCED, COALESCED);
}

const struct test_case irq_test_cases[] = {
    {"irq.msix.delivered", msix_delivered, CASE_PER_CONTROLLER},
    {"nvme.irq.coalescing", coalescing, CASE_PER_CONTROLLER},
};
const unsigned irq_test_case_count = sizeof(irq_test_cases) / sizeof(irq_test_cases[0]);
