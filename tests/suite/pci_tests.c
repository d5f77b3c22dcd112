/* PCI test cases: config access agrees across mechanisms, enumeration is complete and left no trace. */
#include <stdio.h>

#include "drivers/nvme/nvme_probe.h"
#include "tests/suite/suite.h"

static unsigned count_bridges(const struct pci_inventory *inv)
{
    unsigned n = 0;
    for (unsigned i = 0; i < inv->count; i++)
        n += inv->functions[i].header_type == PCI_HEADER_BRIDGE;
    return n;
}

static unsigned count_nvme(const struct pci_inventory *inv)
{
    unsigned n = 0;
    for (unsigned i = 0; i < inv->count; i++)
        n += nvme_is_controller(&inv->functions[i]);
    return n;
}

static void enumerate(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct pci_inventory *inv = ctx->pci;
    unsigned bridges = count_bridges(inv), nvme = count_nvme(inv);
    if (inv->count == 0 || inv->truncated || inv->bridges_skipped) {
        report_yaml(t, "functions", "%u%s", inv->count, inv->truncated ? " (table full)" : "");
        report_yaml(t, "bridges_not_followed", "%u", inv->bridges_skipped);
        if (inv->problem[0])
            report_yaml(t, "problem", "%s", inv->problem);
        report_fail(t, "enumeration incomplete");
        return;
    }
    report_yaml(t, "functions", "%u", inv->count);
    report_yaml(t, "bridges", "%u", bridges);
    report_yaml(t, "nvme_controllers", "%u", nvme);
    report_pass(t, "%u functions, %u bridge%s, %u NVMe controller%s", inv->count, bridges,
               bridges == 1 ? "" : "s", nvme, nvme == 1 ? "" : "s");
}

/* ECAM and CF8/CFC are two roads to the same registers: they must agree. */
static void ecam_matches_legacy(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct pci_inventory *inv = ctx->pci;
    unsigned compared = 0;
    for (unsigned i = 0; i < inv->count; i++) {
        struct pci_address a = inv->functions[i].address;
        if (!pci_config_has_extended_space(a) || a.segment != 0)
            continue;
        static const uint16_t offsets[] = {0x00, 0x08, 0x0c, PCI_BAR0};
        for (unsigned k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
            uint32_t ecam = pci_config_read32(a, offsets[k]);
            uint32_t legacy = pci_config_read32_legacy(a, offsets[k]);
            if (ecam != legacy) {
                char where[16];
                pci_address_format(a, where, sizeof(where));
                report_prefix_push(t, "%s", where);
                report_yaml(t, "offset", "0x%02x", offsets[k]);
                report_yaml(t, "ecam", "0x%08x", ecam);
                report_yaml(t, "cf8", "0x%08x", legacy);
                report_fail(t, "ECAM and CF8/CFC disagree");
                report_prefix_pop(t);
                return;
            }
        }
        compared++;
    }
    if (!compared) {
        report_skip(t, "no_ecam_function", "no function reachable through ECAM on segment 0");
        return;
    }
    report_pass(t, "%u functions read the same through ECAM and CF8/CFC", compared);
}

static bool bar_misaligned(const struct pci_bar *bar)
{
    return bar->kind != PCI_BAR_UNUSED && bar->size && bar->address &&
           (bar->address & (bar->size - 1));
}

static void bars_decoded(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct pci_inventory *inv = ctx->pci;
    unsigned bars = 0;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        for (unsigned slot = 0; slot < f->bar_slots; slot++) {
            const struct pci_bar *bar = &f->bars[slot];
            bool invalid = f->bar_decode_failed & (1u << slot);
            if (invalid || bar_misaligned(bar)) {
                char where[16];
                pci_address_format(f->address, where, sizeof(where));
                report_prefix_push(t, "%s", where);
                report_yaml(t, "bar", "%u", slot);
                report_yaml(t, "raw", "0x%08x", f->bar_raw[slot]);
                report_yaml(t, "address", "0x%llx", (unsigned long long)bar->address);
                report_yaml(t, "size", "0x%llx", (unsigned long long)bar->size);
                report_fail(t, invalid ? "BAR readings are not a valid BAR"
                                                  : "BAR not aligned to its size");
                report_prefix_pop(t);
                return;
            }
            bars += bar->kind != PCI_BAR_UNUSED;
        }
    }
    report_pass(t, "%u BARs decoded, every assigned one aligned to its size", bars);
}

static void bars_restored(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    char why[120];
    unsigned changed = pci_verify_unchanged(ctx->pci, why, sizeof(why));
    if (changed) {
        report_yaml(t, "functions_changed", "%u", changed);
        report_yaml(t, "first", "%s", why);
        report_fail(t, "sizing left registers changed");
        return;
    }
    report_pass(t, "command and BAR registers of %u functions read as before sizing",
               ctx->pci->count);
}

/* Every function is on a root bus or inside the bus range of a bridge above it. */
static void bridges_contain_children(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct pci_inventory *inv = ctx->pci;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (f->found_by_sweep)
            continue;
        bool on_root = true, contained = false;
        for (unsigned j = 0; j < inv->count; j++) {
            const struct pci_function *b = &inv->functions[j];
            if (b->header_type != PCI_HEADER_BRIDGE || b->address.segment != f->address.segment)
                continue;
            if (f->address.bus == b->secondary_bus)
                on_root = false;
            if (f->address.bus >= b->secondary_bus && f->address.bus <= b->subordinate_bus)
                contained = true;
        }
        if (!on_root && !contained) {
            char where[16];
            pci_address_format(f->address, where, sizeof(where));
            report_prefix_push(t, "%s", where);
            report_fail(t, "function outside every bridge's bus range");
            report_prefix_pop(t);
            return;
        }
    }
    unsigned bridges = count_bridges(inv);
    if (!bridges) {
        report_skip(t, "no_bridges", "no PCI bridges on this machine");
        return;
    }
    report_yaml(t, "bridges", "%u", bridges);
    report_pass(t, "%u bridge%s, every function below one lies in its bus range", bridges,
               bridges == 1 ? "" : "s");
}

static void capability_lists(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct pci_inventory *inv = ctx->pci;
    unsigned caps = 0;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (f->cap_problem[0]) {
            char where[16];
            pci_address_format(f->address, where, sizeof(where));
            report_prefix_push(t, "%s", where);
            report_yaml(t, "problem", "%s", f->cap_problem);
            report_fail(t, "capability list malformed");
            report_prefix_pop(t);
            return;
        }
        caps += f->cap_count;
    }
    report_pass(t, "%u capabilities walked, every list well formed", caps);
}

const struct test_case pci_test_cases[] = {
    {"pci.enumerate", enumerate, 0},
    {"pci.config.ecam_matches_cf8", ecam_matches_legacy, 0},
    {"pci.bars.decoded", bars_decoded, 0},
    {"pci.bars.restored", bars_restored, 0},
    {"pci.bridges.bus_ranges", bridges_contain_children, 0},
    {"pci.caps.well_formed", capability_lists, 0},
};
const unsigned pci_test_case_count = sizeof(pci_test_cases) / sizeof(pci_test_cases[0]);
