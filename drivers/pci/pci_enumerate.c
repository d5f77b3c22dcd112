/* PCI enumeration: recursive walk through bridges, a sweep for other roots, BAR sizing that restores state. */
#include "drivers/pci/pci.h"

#include <stdio.h>
#include <string.h>

#include "drivers/pci/pci_capabilities.h"

#define DEVICES_PER_BUS   32
#define FUNCTIONS_PER_DEV 8
#define BUS_COUNT         256

/* Bus numbers already scanned, per segment we know of (segment index = slot), and whom to
 * ask before writing to a function. */
struct bus_visits {
    uint16_t segment;
    uint8_t seen[BUS_COUNT / 8];
    pci_leave_alone_fn leave_alone;
    void *leave_alone_arg;
};

static bool bus_seen(struct bus_visits *v, uint8_t bus)
{
    return v->seen[bus / 8] & (1u << (bus % 8));
}

static void mark_bus(struct bus_visits *v, uint8_t bus)
{
    v->seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
}

static bool function_present(struct pci_address a)
{
    uint16_t vendor = pci_config_read16(a, PCI_VENDOR_ID);
    return vendor != 0xffff && vendor != 0x0000;
}

static uint32_t all_ones_probe(struct pci_address a, uint16_t offset, uint32_t original)
{
    pci_config_write32(a, offset, 0xffffffffu);
    uint32_t probe = pci_config_read32(a, offset);
    pci_config_write32(a, offset, original);
    return probe;
}

/* Sizing needs decode off so the all-ones address never claims a cycle. */
static void size_bars(struct pci_function *f)
{
    struct pci_address a = f->address;
    uint16_t decode = f->command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    if (decode)
        pci_config_write16(a, PCI_COMMAND, f->command & ~decode);

    for (unsigned slot = 0; slot < f->bar_slots; slot++)
        f->bar_raw[slot] = pci_config_read32(a, PCI_BAR0 + 4 * slot);

    for (unsigned slot = 0; slot < f->bar_slots; slot++) {
        uint16_t offset = PCI_BAR0 + 4 * slot;
        uint32_t low = f->bar_raw[slot];
        bool wide = !(low & 1) && pci_bar_is_64bit(low) && slot + 1 < f->bar_slots;
        uint32_t high = wide ? f->bar_raw[slot + 1] : 0;
        uint32_t probe_low = all_ones_probe(a, offset, low);
        uint32_t probe_high = wide ? all_ones_probe(a, offset + 4, high) : 0;
        if (pci_bar_decode(low, high, probe_low, probe_high, &f->bars[slot]) != 0) {
            f->bars[slot] = (struct pci_bar){.kind = PCI_BAR_UNUSED};
            f->bar_decode_failed |= (uint8_t)(1u << slot);
        }
        if (wide)
            f->bars[++slot] = (struct pci_bar){.kind = PCI_BAR_UNUSED};
    }

    if (decode)
        pci_config_write16(a, PCI_COMMAND, f->command);
}

static void note_problem(struct pci_inventory *inv, const char *text)
{
    if (!inv->problem[0])
        snprintf(inv->problem, sizeof(inv->problem), "%s", text);
}

static void scan_bus(struct pci_inventory *inv, struct bus_visits *visits, uint8_t bus,
                     bool by_sweep);

static void record_function(struct pci_inventory *inv, struct bus_visits *visits,
                            struct pci_address a, bool by_sweep)
{
    if (inv->count == PCI_MAX_FUNCTIONS) {
        inv->truncated = true;
        return;
    }
    struct pci_function *f = &inv->functions[inv->count++];
    memset(f, 0, sizeof(*f));
    f->address = a;
    f->found_by_sweep = by_sweep;
    f->vendor_id = pci_config_read16(a, PCI_VENDOR_ID);
    f->device_id = pci_config_read16(a, PCI_DEVICE_ID);
    f->revision = pci_config_read8(a, PCI_REVISION_ID);
    f->prog_if = pci_config_read8(a, PCI_CLASS_CODE);
    f->subclass = pci_config_read8(a, PCI_CLASS_CODE + 1);
    f->base_class = pci_config_read8(a, PCI_CLASS_CODE + 2);
    f->header_type = pci_config_read8(a, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
    f->command = pci_config_read16(a, PCI_COMMAND);

    if (f->header_type == PCI_HEADER_ENDPOINT)
        f->bar_slots = 6;
    else if (f->header_type == PCI_HEADER_BRIDGE)
        f->bar_slots = 2;
    if (visits->leave_alone &&
        visits->leave_alone(f, visits->leave_alone_arg, f->left_alone_why,
                            sizeof(f->left_alone_why))) {
        f->left_alone = true;
        for (unsigned slot = 0; slot < f->bar_slots; slot++)
            f->bar_raw[slot] = pci_config_read32(a, PCI_BAR0 + 4 * slot);
    } else {
        size_bars(f);
    }
    pci_walk_capabilities(f);

    if (f->header_type != PCI_HEADER_BRIDGE)
        return;
    f->primary_bus = pci_config_read8(a, PCI_PRIMARY_BUS);
    f->secondary_bus = pci_config_read8(a, PCI_SECONDARY_BUS);
    f->subordinate_bus = pci_config_read8(a, PCI_SUBORDINATE_BUS);
    /* Recursing into a bus at or below our own, or outside the bridge's own
     * range, would loop or wander: report it and do not follow. */
    if (f->secondary_bus <= a.bus || f->secondary_bus > f->subordinate_bus) {
        char text[120], where[16];
        pci_address_format(a, where, sizeof(where));
        snprintf(text, sizeof(text), "bridge %s has secondary %02x subordinate %02x on bus %02x",
                 where, f->secondary_bus, f->subordinate_bus, a.bus);
        note_problem(inv, text);
        inv->bridges_skipped++;
        return;
    }
    if (!bus_seen(visits, f->secondary_bus))
        scan_bus(inv, visits, f->secondary_bus, by_sweep);
}

static void scan_bus(struct pci_inventory *inv, struct bus_visits *visits, uint8_t bus,
                     bool by_sweep)
{
    mark_bus(visits, bus);
    for (uint8_t device = 0; device < DEVICES_PER_BUS; device++) {
        struct pci_address a = {visits->segment, bus, device, 0};
        if (!function_present(a))
            continue;
        bool multi = pci_config_read8(a, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION;
        for (uint8_t function = 0; function < (multi ? FUNCTIONS_PER_DEV : 1); function++) {
            a.function = function;
            if (function_present(a))
                record_function(inv, visits, a, by_sweep);
        }
    }
}

static bool bus_has_devices(uint16_t segment, uint8_t bus)
{
    for (uint8_t device = 0; device < DEVICES_PER_BUS; device++)
        if (function_present((struct pci_address){segment, bus, device, 0}))
            return true;
    return false;
}

static void enumerate_segment(struct pci_inventory *inv, uint16_t segment, uint8_t first,
                              uint8_t last, pci_leave_alone_fn leave_alone, void *arg)
{
    struct bus_visits visits = {.segment = segment, .leave_alone = leave_alone,
                                .leave_alone_arg = arg};
    scan_bus(inv, &visits, first, false);
    /* Other host bridges' root buses: reachable by no bridge, found only by looking. */
    for (unsigned bus = first; bus <= last; bus++)
        if (!bus_seen(&visits, (uint8_t)bus) && bus_has_devices(segment, (uint8_t)bus))
            scan_bus(inv, &visits, (uint8_t)bus, true);
}

void pci_enumerate(struct pci_inventory *inv, pci_leave_alone_fn leave_alone, void *arg)
{
    memset(inv, 0, sizeof(*inv));
    /* Every segment the MCFG names; segment 0 through CF8/CFC when it names none. */
    const struct acpi_mcfg_allocation *regions = NULL;
    unsigned count = pci_config_regions(&regions);
    for (unsigned i = 0; i < count; i++)
        enumerate_segment(inv, regions[i].segment, regions[i].bus_start, regions[i].bus_end,
                          leave_alone, arg);
    if (count == 0)
        enumerate_segment(inv, 0, 0, 255, leave_alone, arg);
}

bool pci_function_unchanged(const struct pci_function *f, char *why, unsigned len)
{
    uint16_t command = pci_config_read16(f->address, PCI_COMMAND);
    char where[16];
    pci_address_format(f->address, where, sizeof(where));
    for (unsigned slot = 0; slot < f->bar_slots; slot++) {
        uint32_t now = pci_config_read32(f->address, PCI_BAR0 + 4 * slot);
        if (now != f->bar_raw[slot]) {
            snprintf(why, len, "%s BAR%u reads 0x%08x, was 0x%08x", where, slot, now,
                     f->bar_raw[slot]);
            return false;
        }
    }
    if (command != f->command) {
        snprintf(why, len, "%s command reads 0x%04x, was 0x%04x", where, command, f->command);
        return false;
    }
    return true;
}

unsigned pci_verify_unchanged(const struct pci_inventory *inv, char *why, unsigned len)
{
    unsigned changed = 0;
    char first[96];
    why[0] = '\0';
    for (unsigned i = 0; i < inv->count; i++)
        if (!pci_function_unchanged(&inv->functions[i], first, sizeof(first)) && !changed++)
            snprintf(why, len, "%s", first);
    return changed;
}

bool pci_is_class(const struct pci_function *f, uint8_t base, uint8_t sub, uint8_t prog_if)
{
    return f->base_class == base && f->subclass == sub && f->prog_if == prog_if;
}
