/* The lspci-like inventory: one header line per function, then BARs, bridge buses and capabilities. */
#include <stdio.h>

#include "drivers/pci/pci.h"
#include "drivers/pci/pci_names.h"

static void print_bars(const struct pci_function *f, const char *prefix,
                       void (*emit)(const char *line))
{
    char line[200];
    if (f->left_alone) {
        int used = snprintf(line, sizeof(line), "%s   left alone: %s; BARs not sized, dwords",
                            prefix, f->left_alone_why);
        for (unsigned slot = 0; slot < f->bar_slots && used < (int)sizeof(line); slot++)
            used += snprintf(line + used, sizeof(line) - (size_t)used, " 0x%08x", f->bar_raw[slot]);
        emit(line);
        return;
    }
    for (unsigned slot = 0; slot < f->bar_slots; slot++) {
        const struct pci_bar *bar = &f->bars[slot];
        if (f->bar_decode_failed & (1u << slot)) {
            snprintf(line, sizeof(line), "%s   BAR%u invalid (reads 0x%08x)", prefix, slot,
                     f->bar_raw[slot]);
            emit(line);
            continue;
        }
        if (bar->kind == PCI_BAR_UNUSED)
            continue;
        char size[16];
        format_size(bar->size, size, sizeof(size));
        snprintf(line, sizeof(line), "%s   BAR%u %s%s 0x%016llx size %s", prefix, slot,
                 pci_bar_kind_name(bar->kind), bar->prefetchable ? " pref" : "",
                 (unsigned long long)bar->address, size);
        emit(line);
    }
}

static void print_caps(const struct pci_function *f, const char *prefix,
                       void (*emit)(const char *line))
{
    if (!f->cap_count && !f->cap_problem[0])
        return;
    char line[256];
    int used = snprintf(line, sizeof(line), "%s   caps", prefix);
    bool extended_started = false;
    for (unsigned i = 0; i < f->cap_count && used < (int)sizeof(line); i++) {
        const struct pci_capability *c = &f->caps[i];
        const char *name = c->extended ? pci_ext_cap_name(c->id) : pci_cap_name((uint8_t)c->id);
        const char *ext = (c->extended && !extended_started) ? " ext" : "";
        extended_started |= c->extended;
        if (name)
            used += snprintf(line + used, sizeof(line) - (size_t)used, "%s %s", ext, name);
        else
            used += snprintf(line + used, sizeof(line) - (size_t)used, "%s 0x%02x", ext, c->id);
    }
    emit(line);
    if (f->cap_problem[0]) {
        snprintf(line, sizeof(line), "%s   caps problem: %s", prefix, f->cap_problem);
        emit(line);
    }
}

void pci_print_inventory(const struct pci_inventory *inv, void (*emit)(const char *line))
{
    static const char prefix[] = "pci";
    char line[200];
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        char where[16];
        pci_address_format(f->address, where, sizeof(where));
        snprintf(line, sizeof(line), "%s %s %04x:%04x class %02x:%02x:%02x %s%s", prefix, where,
                 f->vendor_id, f->device_id, f->base_class, f->subclass, f->prog_if,
                 pci_class_name(f->base_class, f->subclass, f->prog_if),
                 f->found_by_sweep ? " (root found by sweep)" : "");
        emit(line);
        print_bars(f, prefix, emit);
        if (f->header_type == PCI_HEADER_BRIDGE) {
            snprintf(line, sizeof(line), "%s   bridge secondary %02x subordinate %02x", prefix,
                     f->secondary_bus, f->subordinate_bus);
            emit(line);
        }
        print_caps(f, prefix, emit);
    }
}
