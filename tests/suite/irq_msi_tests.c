/* MSI (the capability, not MSI-X) delivered to the vector programmed: on each device the image can make raise one on request, QEMU's edu device. */
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "drivers/edu/edu.h"
#include "drivers/pci/pci_msi.h"
#include "tests/suite/irq_fixture.h"
#include "tests/suite/suite.h"

#define RAISES          8     /* interrupts requested one at a time, each waited for */
#define EDU_BIT         1u    /* the interrupt status bit the case raises */
#define DELIVERY_US     1000000u
#define QUIET_US        5000u /* how long an interrupt that should not come is given */

/* What one device showed. */
struct msi_run {
    unsigned raised, one_each;
    uint64_t delivered, while_off, while_masked;
    bool pending_while_masked, delivered_on_unmask;
    uint16_t control_on; /* Message Control read right after the enable */
    uint64_t min_ns, max_ns, sum_ns;
};

/* Raises once and waits: for the delivery (expected) or QUIET_US (not expected); then gives a
 * second delivery QUIET_US to show itself. Returns the deliveries seen. */
static uint64_t raise_and_count(const struct edu *d, uint8_t vector, bool expected, uint64_t *ns)
{
    uint64_t before = irq_vector_count(vector);
    uint64_t start = rdtsc();
    edu_raise(d, EDU_BIT);
    uint64_t got = irq_vector_wait(vector, before, expected ? DELIVERY_US : QUIET_US);
    if (got > before)
        got = irq_vector_wait(vector, before + 1, QUIET_US);
    uint64_t last = irq_vector_last_tsc(vector), hz = timer_tsc_hz();
    if (ns)
        *ns = got > before && hz && last > start ? (last - start) * 1000000000ull / hz : 0;
    edu_acknowledge(d, EDU_BIT);
    return got - before;
}

static void run_msi(const struct edu *d, const struct pci_msi *m, uint8_t vector, struct msi_run *r)
{
    *r = (struct msi_run){.min_ns = ~0ull};
    /* Off, the device would assert INTx instead: Interrupt Disable keeps that quiet, so the
     * vector must stay silent. */
    r->while_off = raise_and_count(d, vector, false, NULL);
    pci_msi_enable(m, true);
    r->control_on = pci_msi_control(m);
    for (unsigned i = 0; i < RAISES; i++) {
        uint64_t ns = 0;
        uint64_t got = raise_and_count(d, vector, true, &ns);
        r->raised++;
        r->delivered += got;
        r->one_each += got == 1;
        if (ns) {
            r->min_ns = ns < r->min_ns ? ns : r->min_ns;
            r->max_ns = ns > r->max_ns ? ns : r->max_ns;
            r->sum_ns += ns;
        }
    }
    /* Masked, the message waits in the pending bit and goes out on unmasking. */
    if (pci_msi_mask(m, true)) {
        uint64_t before = irq_vector_count(vector);
        edu_raise(d, EDU_BIT);
        r->while_masked = irq_vector_wait(vector, before, QUIET_US) - before;
        r->pending_while_masked = pci_msi_pending(m);
        pci_msi_mask(m, false);
        r->delivered_on_unmask = irq_vector_wait(vector, before, DELIVERY_US) > before;
        edu_acknowledge(d, EDU_BIT);
    }
    pci_msi_enable(m, false);
}

static void report_device(struct suite_case *t, const struct pci_function *f)
{
    char why[120];
    struct edu d;
    if (edu_open(f, &d, why, sizeof(why)) != 0) {
        report_fail(t, "the edu device does not answer as one: %s", why);
        return;
    }
    struct pci_msi m;
    if (pci_msi_open(f, &m, why, sizeof(why)) != 0) {
        edu_close(&d);
        report_yaml(t, "problem", "%s", why);
        report_skip(t, "no_msi", "no usable MSI capability: %s", why);
        return;
    }
    uint8_t vector;
    if (!irq_claim_or_fail(t, &vector)) {
        edu_close(&d);
        return;
    }
    uint64_t strays = irq_vector_strays();
    struct msi_message msg = msi_compatibility((uint8_t)lapic_id(), vector);
    edu_intx_disable(&d, true);
    pci_msi_enable(&m, false);
    pci_msi_write(&m, msg);
    struct msi_message back = pci_msi_read(&m);
    struct msi_run r = {0};
    if (back.address == msg.address && back.data == msg.data)
        run_msi(&d, &m, vector, &r);
    pci_msi_restore(&m);
    edu_close(&d);
    irq_vector_release(vector);

    char text[96];
    msi_describe(back, text, sizeof(text));
    report_yaml(t, "identification", "0x%08x", d.identification);
    report_yaml(t, "msi_capability", "0x%02x", m.cap);
    report_yaml(t, "msi_control_found", "0x%04x", m.control_found);
    report_yaml(t, "msi_control_on", "0x%04x", r.control_on);
    report_yaml(t, "msi_control_after", "0x%04x", pci_msi_control(&m));
    report_yaml(t, "vectors_capable", "%u", m.layout.vectors_capable);
    report_yaml(t, "address64", "%u", m.layout.address64);
    report_yaml(t, "per_vector_mask", "%u", m.layout.per_vector_mask);
    report_yaml(t, "lapic_mode", "%s", lapic_mode_name(lapic_mode()));
    report_yaml(t, "apic_id", "%u", lapic_id());
    report_yaml(t, "vector", "0x%02x", vector);
    report_yaml(t, "msi_address", "0x%08llx", (unsigned long long)back.address);
    report_yaml(t, "msi_data", "0x%04x", back.data);
    report_yaml(t, "msi", "%s", text);
    report_yaml(t, "raised", "%u", r.raised);
    report_yaml(t, "interrupts", "%llu", (unsigned long long)r.delivered);
    report_yaml(t, "interrupts_msi_off", "%llu", (unsigned long long)r.while_off);
    if (m.layout.per_vector_mask) {
        report_yaml(t, "interrupts_masked", "%llu", (unsigned long long)r.while_masked);
        report_yaml(t, "pending_masked", "%u", r.pending_while_masked);
    }
    if (r.one_each)
        report_yaml(t, "latency_ns", "min %llu avg %llu max %llu", (unsigned long long)r.min_ns,
                    (unsigned long long)(r.sum_ns / r.one_each), (unsigned long long)r.max_ns);
    report_yaml(t, "strays", "%llu", (unsigned long long)(irq_vector_strays() - strays));

    if (back.address != msg.address || back.data != msg.data)
        report_fail(t, "the MSI message reads back 0x%llx/0x%x, written 0x%llx/0x%x",
                    (unsigned long long)back.address, back.data, (unsigned long long)msg.address,
                    msg.data);
    else if (r.while_off != 0)
        report_fail(t, "%llu interrupt%s on vector 0x%02x with MSI off", (unsigned long long)r.while_off,
                    r.while_off == 1 ? "" : "s", vector);
    else if (pci_msi_vectors_enabled(r.control_on) != 1)
        report_fail(t, "Message Control reads 0x%04x after the enable: not MSI on with one vector",
                    r.control_on);
    else if (r.one_each != RAISES)
        report_fail(t, "%u of %u requests raised exactly one interrupt on vector 0x%02x (%llu in all)",
                    r.one_each, RAISES, vector, (unsigned long long)r.delivered);
    else if (m.layout.per_vector_mask && (r.while_masked || !r.pending_while_masked))
        report_fail(t, "masked: %llu interrupt%s delivered, pending bit %u (want 0 and 1)",
                    (unsigned long long)r.while_masked, r.while_masked == 1 ? "" : "s",
                    r.pending_while_masked);
    else if (m.layout.per_vector_mask && !r.delivered_on_unmask)
        report_fail(t, "the pending interrupt was not delivered when vector 0 was unmasked");
    else if (pci_msi_control(&m) != m.control_found)
        report_fail(t, "Message Control reads 0x%04x after the case, found 0x%04x",
                    pci_msi_control(&m), m.control_found);
    else
        report_pass(t, "%u requests, each raising one interrupt on vector 0x%02x through MSI, "
                    "none with MSI off%s", RAISES, vector,
                    m.layout.per_vector_mask ? ", the masked one held pending until unmasked"
                                             : " (no per-vector mask to try)");
}

static void msi_delivered(struct suite_case *t)
{
    if (!irq_platform_ready(t))
        return;
    const struct pci_inventory *inv = t->ctx->pci;
    unsigned found = 0;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (!edu_is(f))
            continue;
        char name[16];
        pci_address_format(f->address, name, sizeof(name));
        report_prefix_push(t, "%s", name);
        report_device(t, f);
        report_prefix_pop(t);
        found++;
    }
    if (!found)
        report_skip(t, "no_msi_requester",
                    "no device here raises an MSI on request (the image knows QEMU's edu device, "
                    "%04x:%04x)", EDU_VENDOR_ID, EDU_DEVICE_ID);
}

const struct test_case irq_msi_test_cases[] = {
    {"irq.msi.delivered", msi_delivered, 0},
};
const unsigned irq_msi_test_case_count = sizeof(irq_msi_test_cases) / sizeof(irq_msi_test_cases[0]);
