/* Interrupt cases: an NVMe completion delivered through MSI-X to the vector programmed, without remapping. */
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/watchdog.h"
#include "drivers/nvme/nvme.h"
#include "drivers/pci/pci_msix.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/suite.h"

#define READS 8          /* commands, one at a time, each waited for on its interrupt */
#define IO_ENTRY 1       /* the I/O CQ's MSI-X entry; entry 0 is the admin CQ's, kept masked */
#define ADMIN_ENTRY 0

/* What the case needs before it touches the controller: our IDT and interrupts on, an
 * enabled local APIC, an MSI-X table with room for the I/O CQ's entry. Otherwise a SKIP. */
static bool interrupts_possible(struct suite_case *t, struct pci_msix *msix)
{
    if (!t->ctx->boot->boot_services_exited || !watchdog_running()) {
        report_skip(t, "exit_boot_services_off",
                    "exit_boot_services = no: the firmware owns the IDT and the interrupts");
        return false;
    }
    if (lapic_mode() == LAPIC_DISABLED) {
        report_skip(t, "no_lapic", "the local APIC is disabled (IA32_APIC_BASE.EN = 0)");
        return false;
    }
    char why[120];
    if (pci_msix_open(t->c->pci, msix, why, sizeof(why)) != 0) {
        report_yaml(t, "problem", "%s", why);
        report_skip(t, "no_msix", "no usable MSI-X: %s", why);
        return false;
    }
    if (msix->layout.entries <= IO_ENTRY) {
        report_yaml(t, "msix_entries", "%u", msix->layout.entries);
        report_skip(t, "no_msix", "the MSI-X table has %u entry: none for an I/O CQ",
                    msix->layout.entries);
        return false;
    }
    return true;
}

struct delivery_tally {
    unsigned completed, one_each;      /* commands, and those that raised exactly one */
    uint64_t first_count, last_count;  /* deliveries before the first and after the last */
    uint64_t min_ns, max_ns, sum_ns;   /* submission to the interrupt handler */
};

/* READS reads of LBA 0, each on its own; after each the vector must have gone up by one. */
static int read_on_interrupt(struct suite_case *t, const struct nvme_namespace *ns, uint8_t vector,
                             struct delivery_tally *out)
{
    struct nvme_controller *c = t->c;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    struct nvme_region buffer;
    if (nvme_alloc(c, NVME_MEMORY_HOST, f.block_bytes, &buffer) != 0) {
        snprintf(c->error, sizeof(c->error), "no DMA memory for the read buffer");
        return -1;
    }
    uint64_t hz = timer_tsc_hz();
    *out = (struct delivery_tally){.first_count = irq_vector_count(vector), .min_ns = ~0ull};
    int status = 0;
    for (unsigned i = 0; i < READS && status == 0; i++) {
        uint64_t before = irq_vector_count(vector), start = rdtsc();
        status = ns_data_io(c, ns, NVME_IO_READ, 0, 1, &buffer, NULL, t->ctx->nvme->run_seed);
        if (status != 0)
            break;
        uint64_t after = irq_vector_count(vector);
        out->completed++;
        out->one_each += after == before + 1;
        uint64_t ns_taken = hz ? (irq_vector_last_tsc(vector) - start) * 1000000000ull / hz : 0;
        out->min_ns = ns_taken < out->min_ns ? ns_taken : out->min_ns;
        out->max_ns = ns_taken > out->max_ns ? ns_taken : out->max_ns;
        out->sum_ns += ns_taken;
    }
    out->last_count = irq_vector_count(vector);
    nvme_free(c, &buffer);
    return status;
}

static void msix_delivered(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct pci_msix msix;
    if (!interrupts_possible(t, &msix))
        return;
    const struct nvme_namespace *ns = nvme_test_namespace_or_skip(t, c, false);
    if (!ns)
        return;
    int claimed = irq_vector_claim();
    if (claimed < 0) {
        report_fail(t, "no free interrupt vector in 0x%x..0x%x", IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST);
        return;
    }
    uint8_t vector = (uint8_t)claimed;
    uint64_t strays_before = irq_vector_strays();
    struct msi_message msg = msi_compatibility((uint8_t)lapic_id(), vector);
    /* The admin CQ always signals on entry 0: masked, its deliveries only set its pending bit. */
    pci_msix_write_entry(&msix, ADMIN_ENTRY, msg, true);
    pci_msix_write_entry(&msix, IO_ENTRY, msg, false);
    pci_msix_enable(&msix, true);
    uint32_t control;
    struct msi_message read_back = pci_msix_read_entry(&msix, IO_ENTRY, &control);

    struct nvme_interrupt irq = {.entry = IO_ENTRY, .vector = vector};
    nvme_use_interrupt(c, &irq);
    struct nvme_placement p = placement_default(t->ctx, c);
    struct delivery_tally d = {0};
    int started = nvme_start(c, &p);
    int status = started == 0 ? read_on_interrupt(t, ns, vector, &d) : -1;
    char error[sizeof(c->error)];
    snprintf(error, sizeof(error), "%s", c->error);
    bool admin_pending = pci_msix_pending(&msix, ADMIN_ENTRY);
    bool io_pending = pci_msix_pending(&msix, IO_ENTRY);
    uint16_t msix_control = pci_msix_control(&msix);

    /* Back to polling, MSI-X as found, the vector free: the next case finds what it expects. */
    nvme_use_interrupt(c, NULL);
    int restarted = nvme_start(c, &p);
    pci_msix_write_entry(&msix, IO_ENTRY, msg, true);
    pci_msix_restore(&msix);
    irq_vector_release(vector);

    char text[96];
    msi_describe(read_back, text, sizeof(text));
    report_yaml(t, "lapic_mode", "%s", lapic_mode_name(lapic_mode()));
    report_yaml(t, "apic_id", "%u", lapic_id());
    report_yaml(t, "vector", "0x%02x", vector);
    report_yaml(t, "msix_entry", "%u", IO_ENTRY);
    report_yaml(t, "msix_entries", "%u", msix.layout.entries);
    report_yaml(t, "msix_table", "BAR%u+0x%x", msix.layout.table_bir, msix.layout.table_offset);
    report_yaml(t, "msi_address", "0x%08llx", (unsigned long long)read_back.address);
    report_yaml(t, "msi_data", "0x%08x", read_back.data);
    report_yaml(t, "msi", "%s", text);
    report_yaml(t, "msix_control", "0x%04x", msix_control);
    report_yaml(t, "commands", "%u", d.completed);
    report_yaml(t, "interrupts", "%llu", (unsigned long long)(d.last_count - d.first_count));
    report_yaml(t, "admin_entry_pending", "%u", admin_pending);
    report_yaml(t, "io_entry_pending", "%u", io_pending);
    report_yaml(t, "strays", "%llu", (unsigned long long)(irq_vector_strays() - strays_before));
    if (d.completed)
        report_yaml(t, "latency_ns", "min %llu avg %llu max %llu", (unsigned long long)d.min_ns,
                    (unsigned long long)(d.sum_ns / d.completed), (unsigned long long)d.max_ns);

    if (read_back.address != msg.address || read_back.data != msg.data) {
        report_fail(t, "MSI-X entry %u reads back 0x%llx/0x%x, written 0x%llx/0x%x", IO_ENTRY,
                    (unsigned long long)read_back.address, read_back.data,
                    (unsigned long long)msg.address, msg.data);
    } else if (started != 0) {
        report_fail(t, "the controller did not start with an interrupt-driven I/O CQ: %s", error);
    } else if (status != 0) {
        report_fail(t, "read %u of %u: %s", d.completed + 1, READS, error);
    } else if (d.one_each != READS) {
        report_fail(t, "%u of %u completions raised exactly one interrupt on vector 0x%02x",
                    d.one_each, READS, vector);
    } else if (io_pending) {
        report_fail(t, "the I/O entry's pending bit is set while it is unmasked");
    } else if (restarted != 0) {
        report_fail(t, "the controller did not start again polled: %s", c->error);
    } else {
        report_pass(t, "%u reads completed, each raising one interrupt on vector 0x%02x through "
                    "MSI-X entry %u", READS, vector, IO_ENTRY);
    }
}

const struct test_case irq_test_cases[] = {
    {"irq.msix.delivered", msix_delivered, CASE_PER_CONTROLLER},
};
const unsigned irq_test_case_count = sizeof(irq_test_cases) / sizeof(irq_test_cases[0]);
