/* The lspci-like inventory: one header line per function, then BARs, bridge buses and capabilities, named as lspci -vv names them. */
#include <stdarg.h>
#include <stdio.h>

#include "drivers/pci/pci.h"
#include "drivers/pci/pci_capabilities.h"
#include "drivers/pci/pci_names.h"

#define LINE 256

/* Appends to a line; what does not fit is cut. */
struct line {
    char text[LINE];
    size_t used;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
    if (l->used + 1 >= sizeof l->text)
        return;
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(l->text + l->used, sizeof l->text - l->used, fmt, args);
    va_end(args);
    if (n > 0)
        l->used = (size_t)n < sizeof l->text - l->used ? l->used + (size_t)n : sizeof l->text - 1;
}

static char flag(uint64_t bit)
{
    return bit ? '+' : '-';
}

/* lspci's words for a BAR: "Region 2: Memory, 64-bit, prefetchable", "Region 4: I/O ports". */
static void add_region(struct line *l, const struct pci_function *f, unsigned slot,
                       const struct pci_bar *bar)
{
    static const char *const widths[] = {
        [PCI_BAR_MEM32] = "32-bit", [PCI_BAR_MEM64] = "64-bit", [PCI_BAR_MEM1M] = "low-1M"};
    bool io = bar->kind == PCI_BAR_IO;
    add(l, " (Region %u: ", slot);
    if (io)
        add(l, "I/O ports");
    else
        add(l, "Memory, %s, %sprefetchable", widths[bar->kind], bar->prefetchable ? "" : "non-");
    if (!bar->address)
        add(l, ", unassigned");
    else if (!(f->command & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
        add(l, ", disabled");
    add(l, ")");
}

static void print_bars(const struct pci_function *f, const char *prefix,
                       void (*emit)(const char *line))
{
    struct line l = {.used = 0};
    if (f->left_alone) {
        add(&l, "%s   left alone: %s; BARs not sized, dwords", prefix, f->left_alone_why);
        for (unsigned slot = 0; slot < f->bar_slots; slot++)
            add(&l, " 0x%08x", f->bar_raw[slot]);
        emit(l.text);
        return;
    }
    for (unsigned slot = 0; slot < f->bar_slots; slot++) {
        const struct pci_bar *bar = &f->bars[slot];
        l.used = 0;
        if (f->bar_decode_failed & (1u << slot)) {
            add(&l, "%s   BAR%u invalid (reads 0x%08x)", prefix, slot, f->bar_raw[slot]);
            emit(l.text);
            continue;
        }
        if (bar->kind == PCI_BAR_UNUSED)
            continue;
        char size[16];
        format_size(bar->size, size, sizeof(size));
        add(&l, "%s   BAR%u %s%s 0x%016llx size %s", prefix, slot, pci_bar_kind_name(bar->kind),
            bar->prefetchable ? " pref" : "", (unsigned long long)bar->address, size);
        add_region(&l, f, slot, bar);
        emit(l.text);
    }
}

/* What lspci -vv says after the capability's name, from the dwords the walk kept. */
static void add_cap_details(struct line *l, const struct pci_capability *c)
{
    uint32_t header = c->dwords[0];
    switch (c->id) {
    case PCI_CAP_ID_PM:
        add(l, " version %u", pci_PM_HEADER_VERSION(header));
        break;
    case PCI_CAP_ID_MSI:
        add(l, ": Enable%c Count=%u/%u Maskable%c 64bit%c", flag(pci_MSI_HEADER_ENABLE(header)),
            1u << pci_MSI_HEADER_MME(header), 1u << pci_MSI_HEADER_MMC(header),
            flag(pci_MSI_HEADER_PVM(header)), flag(pci_MSI_HEADER_ADDR64(header)));
        break;
    case PCI_CAP_ID_MSIX:
        add(l, ": Enable%c Count=%u Masked%c, Vector table: BAR=%u offset=%08x, PBA: BAR=%u "
            "offset=%08x", flag(pci_MSIX_HEADER_ENABLE(header)),
            pci_MSIX_HEADER_TABLE_SIZE(header) + 1u, flag(pci_MSIX_HEADER_MASK(header)),
            pci_MSIX_LOCATION_BIR(c->dwords[1]), c->dwords[1] & PCI_MSIX_LOCATION_OFFSET,
            pci_MSIX_LOCATION_BIR(c->dwords[2]), c->dwords[2] & PCI_MSIX_LOCATION_OFFSET);
        break;
    case PCI_CAP_ID_PCIE: {
        unsigned type = pci_EXP_HEADER_TYPE(header);
        const char *name = pci_express_type_name(type);
        add(l, " (v%u) ", pci_EXP_HEADER_VERSION(header));
        if (name)
            add(l, "%s", name);
        else
            add(l, "Unknown type %u", type);
        if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM)
            add(l, " (Slot%c)", flag(pci_EXP_HEADER_SLOT(header)));
        uint32_t devcap = c->dwords[1];
        add(l, ", MSI %02x, DevCap: MaxPayload %u bytes, PhantFunc %u",
            pci_EXP_HEADER_MSI(header), 128u << pci_EXP_DEVCAP_MPS(devcap),
            (1u << pci_EXP_DEVCAP_PHANTOM(devcap)) - 1);
        if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEGACY_ENDPOINT ||
            type == PCI_EXP_TYPE_RC_ENDPOINT)
            add(l, ", FLReset%c", flag(pci_EXP_DEVCAP_FLR(devcap)));
        break;
    }
    case PCI_CAP_ID_SSVID:
        add(l, ": %04x:%04x", pci_SSVID_IDS_VENDOR(c->dwords[1]),
            pci_SSVID_IDS_DEVICE(c->dwords[1]));
        break;
    case PCI_CAP_ID_SATA:
        add(l, " v%u.%u", pci_SATA_HEADER_MAJOR(header), pci_SATA_HEADER_MINOR(header));
        break;
    case 0x09: /* vendor specific */
        add(l, ": Len=%02x", pci_VENDOR_HEADER_LENGTH(header));
        break;
    default:
        break;
    }
}

/* One "Capabilities: [40] MSI-X: ..." line per capability, "[100 v1]" for extended ones. */
static void print_caps(const struct pci_function *f, const char *prefix,
                       void (*emit)(const char *line))
{
    for (unsigned i = 0; i < f->cap_count; i++) {
        const struct pci_capability *c = &f->caps[i];
        struct line l = {.used = 0};
        if (c->extended) {
            const char *name = pci_ext_cap_name(c->id);
            add(&l, "%s   Capabilities: [%03x v%u] ", prefix, c->offset,
                pci_EXT_HEADER_VERSION(c->dwords[0]));
            if (name)
                add(&l, "%s", name);
            else
                add(&l, "Extended Capability ID %#x", c->id);
        } else {
            const char *name = pci_cap_name((uint8_t)c->id);
            add(&l, "%s   Capabilities: [%02x] ", prefix, c->offset);
            if (name) {
                add(&l, "%s", name);
                add_cap_details(&l, c);
            } else {
                add(&l, "Capability ID %#x", c->id);
            }
        }
        emit(l.text);
    }
    if (f->cap_problem[0]) {
        struct line l = {.used = 0};
        add(&l, "%s   caps problem: %s", prefix, f->cap_problem);
        emit(l.text);
    }
}

/* "00:02.0 1b36:0010 class 01:08:02 Non-Volatile memory controller [NVM Express] (rev 02),
 * Subsystem: 1af4:1100". */
static void print_header(const struct pci_function *f, const char *prefix,
                         void (*emit)(const char *line))
{
    char where[16];
    pci_address_format(f->address, where, sizeof(where));
    struct line l = {.used = 0};
    add(&l, "%s %s %04x:%04x class %02x:%02x:%02x ", prefix, where, f->vendor_id, f->device_id,
        f->base_class, f->subclass, f->prog_if);
    const char *name = pci_class_name(f->base_class, f->subclass);
    const char *prog_if = pci_prog_if_name(f->base_class, f->subclass, f->prog_if);
    if (name)
        add(&l, "%s", name);
    else
        add(&l, "Class %02x%02x", f->base_class, f->subclass);
    if (prog_if)
        add(&l, " [%s]", prog_if);
    add(&l, " (rev %02x)", f->revision);
    if (f->subsystem_vendor_id && f->subsystem_vendor_id != 0xffff)
        add(&l, ", Subsystem: %04x:%04x", f->subsystem_vendor_id, f->subsystem_id);
    if (f->found_by_sweep)
        add(&l, " (root found by sweep)");
    emit(l.text);
}

void pci_print_inventory(const struct pci_inventory *inv, void (*emit)(const char *line))
{
    static const char prefix[] = "pci";
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        print_header(f, prefix, emit);
        print_bars(f, prefix, emit);
        if (f->header_type == PCI_HEADER_BRIDGE) {
            struct line l = {.used = 0};
            add(&l, "%s   bridge secondary %02x subordinate %02x", prefix, f->secondary_bus,
                f->subordinate_bus);
            emit(l.text);
        }
        print_caps(f, prefix, emit);
    }
}
