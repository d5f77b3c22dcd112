/* The interrupt cases' common ground: readiness checks, MSI-X programmed and restored around a controller restart, reads counted per vector. */
#include "tests/suite/irq_fixture.h"

#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/watchdog.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"

/* How long a polled read waits for an interrupt that may still be on its way: an MSI follows
 * its completion entry within microseconds (QEMU sends it right after posting the entry). */
#define LATE_INTERRUPT_US 5000u

bool irq_platform_ready(struct suite_case *t)
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
    return true;
}

bool irq_case_ready(struct suite_case *t, struct irq_setup *s)
{
    *s = (struct irq_setup){0};
    if (!irq_platform_ready(t))
        return false;
    char why[120];
    if (pci_msix_open(t->c->pci, &s->msix, why, sizeof(why)) != 0) {
        report_yaml(t, "problem", "%s", why);
        report_skip(t, "no_msix", "no usable MSI-X: %s", why);
        return false;
    }
    if (s->msix.layout.entries <= IRQ_IO_ENTRY) {
        report_yaml(t, "msix_entries", "%u", s->msix.layout.entries);
        report_skip(t, "no_msix", "the MSI-X table has %u entry: none for an I/O CQ",
                    s->msix.layout.entries);
        return false;
    }
    s->ns = nvme_test_namespace_or_skip(t, t->c, false);
    if (!s->ns)
        return false;
    s->strays_before = irq_vector_strays();
    return true;
}

bool irq_claim_or_fail(struct suite_case *t, uint8_t *vector)
{
    int claimed = irq_vector_claim();
    if (claimed < 0) {
        report_fail(t, "no free interrupt vector in 0x%x..0x%x", IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST);
        return false;
    }
    *vector = (uint8_t)claimed;
    return true;
}

void irq_set_message(struct irq_setup *s, struct msi_message message)
{
    s->message = message;
    pci_msix_write_entry(&s->msix, IRQ_IO_ENTRY, message, false);
}

int irq_attach(struct suite_case *t, struct irq_setup *s, struct msi_message message, uint8_t vector,
               bool poll)
{
    struct nvme_controller *c = t->c;
    struct ns_data_format f;
    ns_data_format(s->ns, &f);
    if (nvme_alloc(c, NVME_MEMORY_HOST, f.block_bytes, &s->buffer) != 0) {
        snprintf(c->error, sizeof(c->error), "no DMA memory for the read buffer");
        return -1;
    }
    s->attached = true;
    /* The admin CQ always signals on entry 0: masked, its deliveries only set its pending bit. */
    pci_msix_write_entry(&s->msix, IRQ_ADMIN_ENTRY, message, true);
    irq_set_message(s, message);
    pci_msix_enable(&s->msix, true);
    struct nvme_interrupt irq = {.entry = IRQ_IO_ENTRY, .vector = vector};
    nvme_use_interrupt(c, &irq);
    s->placement = placement_default(t->ctx, c);
    if (nvme_start(c, &s->placement) != 0)
        return -1;
    if (poll)
        nvme_interrupt_moved(c, 0);
    return 0;
}

int irq_detach(struct suite_case *t, struct irq_setup *s)
{
    struct nvme_controller *c = t->c;
    if (!s->attached)
        return 0;
    nvme_use_interrupt(c, NULL);
    int restarted = nvme_start(c, &s->placement);
    pci_msix_mask_entry(&s->msix, IRQ_IO_ENTRY, true);
    pci_msix_restore(&s->msix);
    nvme_free(c, &s->buffer);
    s->attached = false;
    return restarted;
}

/* Until one of `vectors` was delivered more often than `before` says, or budget_us passed. */
static void wait_any(const uint8_t *vectors, const uint64_t *before, unsigned count, uint64_t budget_us)
{
    struct deadline d = deadline_after_us(budget_us);
    while (!deadline_passed(d)) {
        for (unsigned k = 0; k < count; k++)
            if (irq_vector_count(vectors[k]) != before[k])
                return;
        cpu_pause();
    }
}

int irq_read(struct suite_case *t, struct irq_setup *s, unsigned reads, const uint8_t *vectors,
             unsigned count, struct irq_tally *out)
{
    struct nvme_controller *c = t->c;
    uint64_t hz = timer_tsc_hz();
    *out = (struct irq_tally){.min_ns = ~0ull};
    if (count > 3)
        count = 3;
    for (unsigned i = 0; i < reads; i++) {
        uint64_t before[3];
        for (unsigned k = 0; k < count; k++)
            before[k] = irq_vector_count(vectors[k]);
        uint64_t start = rdtsc();
        int status = ns_data_io(c, s->ns, NVME_IO_READ, 0, 1, &s->buffer, NULL,
                                t->ctx->nvme->run_seed);
        if (status != 0)
            return status;
        /* Polled (the case expects the interrupt blocked, or does not know where it lands): the
         * completion can be seen before its interrupt arrives, so give it time to. */
        if (!c->io.irq.vector)
            wait_any(vectors, before, count, LATE_INTERRUPT_US);
        out->completed++;
        for (unsigned k = 0; k < count; k++) {
            uint64_t got = irq_vector_count(vectors[k]) - before[k];
            out->per_vector[k] += got;
            out->one_each[k] += got == 1;
        }
        uint64_t last = irq_vector_last_tsc(vectors[0]);
        if (count && hz && last > start) {
            uint64_t ns = (last - start) * 1000000000ull / hz;
            out->min_ns = ns < out->min_ns ? ns : out->min_ns;
            out->max_ns = ns > out->max_ns ? ns : out->max_ns;
            out->sum_ns += ns;
        }
    }
    return 0;
}

void irq_yaml(struct suite_case *t, struct irq_setup *s)
{
    uint32_t control;
    struct msi_message back = pci_msix_read_entry(&s->msix, IRQ_IO_ENTRY, &control);
    char text[96];
    msi_describe(back, text, sizeof(text));
    report_yaml(t, "lapic_mode", "%s", lapic_mode_name(lapic_mode()));
    report_yaml(t, "apic_id", "%u", lapic_id());
    report_yaml(t, "msix_entry", "%u", IRQ_IO_ENTRY);
    report_yaml(t, "msix_entries", "%u", s->msix.layout.entries);
    report_yaml(t, "msix_table", "BAR%u+0x%x", s->msix.layout.table_bir, s->msix.layout.table_offset);
    report_yaml(t, "msi_address", "0x%08llx", (unsigned long long)back.address);
    report_yaml(t, "msi_data", "0x%08x", back.data);
    report_yaml(t, "msi", "%s", text);
    report_yaml(t, "msix_control", "0x%04x", pci_msix_control(&s->msix));
    report_yaml(t, "admin_entry_pending", "%u", pci_msix_pending(&s->msix, IRQ_ADMIN_ENTRY));
    report_yaml(t, "io_entry_pending", "%u", pci_msix_pending(&s->msix, IRQ_IO_ENTRY));
    report_yaml(t, "strays", "%llu", (unsigned long long)(irq_vector_strays() - s->strays_before));
}
