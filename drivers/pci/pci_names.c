/* PCI naming tables: class code triples and capability IDs to short human names. */
#include "drivers/pci/pci_names.h"

#include <stdbool.h>
#include <stddef.h>

/* How much of the class triple an entry names: the base class, base + subclass, or all three. */
enum class_match { MATCH_BASE, MATCH_SUBCLASS, MATCH_PROG_IF };

struct class_name {
    enum class_match match;
    uint8_t base, sub, prog_if;
    const char *name;
};

#define BASE(b, n)          {MATCH_BASE, (b), 0, 0, (n)}
#define SUB(b, s, n)        {MATCH_SUBCLASS, (b), (s), 0, (n)}
#define PROG_IF(b, s, p, n) {MATCH_PROG_IF, (b), (s), (p), (n)}

static const struct class_name class_names[] = {
    BASE(0x00, "unclassified device"),
    SUB(0x00, 0x01, "VGA-compatible unclassified device"),

    BASE(0x01, "mass storage controller"),
    SUB(0x01, 0x00, "SCSI controller"),
    SUB(0x01, 0x01, "IDE controller"),
    SUB(0x01, 0x02, "floppy controller"),
    SUB(0x01, 0x04, "RAID controller"),
    SUB(0x01, 0x05, "ATA controller"),
    SUB(0x01, 0x06, "SATA controller"),
    PROG_IF(0x01, 0x06, 0x01, "SATA AHCI controller"),
    SUB(0x01, 0x07, "SAS controller"),
    SUB(0x01, 0x08, "NVM controller"),
    PROG_IF(0x01, 0x08, 0x01, "NVMHCI controller"),
    PROG_IF(0x01, 0x08, 0x02, "NVMe controller"),
    SUB(0x01, 0x09, "UFS controller"),

    BASE(0x02, "network controller"),
    SUB(0x02, 0x00, "Ethernet controller"),
    SUB(0x02, 0x07, "InfiniBand controller"),

    BASE(0x03, "display controller"),
    SUB(0x03, 0x00, "VGA controller"),
    SUB(0x03, 0x01, "XGA controller"),
    SUB(0x03, 0x02, "3D controller"),

    BASE(0x04, "multimedia controller"),
    SUB(0x04, 0x00, "video controller"),
    SUB(0x04, 0x01, "audio controller"),
    SUB(0x04, 0x03, "HD audio controller"),

    BASE(0x05, "memory controller"),
    SUB(0x05, 0x00, "RAM controller"),
    SUB(0x05, 0x01, "flash controller"),
    SUB(0x05, 0x02, "CXL memory device"),

    BASE(0x06, "bridge"),
    SUB(0x06, 0x00, "host bridge"),
    SUB(0x06, 0x01, "ISA bridge"),
    SUB(0x06, 0x02, "EISA bridge"),
    SUB(0x06, 0x04, "PCI bridge"),
    PROG_IF(0x06, 0x04, 0x01, "PCI bridge (subtractive decode)"),
    SUB(0x06, 0x05, "PCMCIA bridge"),
    SUB(0x06, 0x07, "CardBus bridge"),
    SUB(0x06, 0x09, "PCI bridge (semi-transparent)"),
    SUB(0x06, 0x80, "other bridge"),

    BASE(0x07, "communication controller"),
    SUB(0x07, 0x00, "serial controller"),
    PROG_IF(0x07, 0x00, 0x02, "16550 serial controller"),
    SUB(0x07, 0x01, "parallel controller"),
    SUB(0x07, 0x03, "modem"),

    BASE(0x08, "system peripheral"),
    SUB(0x08, 0x00, "interrupt controller"),
    PROG_IF(0x08, 0x00, 0x20, "I/O APIC"),
    SUB(0x08, 0x01, "DMA controller"),
    SUB(0x08, 0x02, "timer"),
    SUB(0x08, 0x03, "RTC"),
    SUB(0x08, 0x04, "PCI hot-plug controller"),
    SUB(0x08, 0x05, "SD host controller"),
    SUB(0x08, 0x06, "IOMMU"),
    SUB(0x08, 0x07, "root complex event collector"),

    BASE(0x09, "input device controller"),
    BASE(0x0a, "docking station"),
    BASE(0x0b, "processor"),

    BASE(0x0c, "serial bus controller"),
    SUB(0x0c, 0x00, "FireWire controller"),
    SUB(0x0c, 0x03, "USB controller"),
    PROG_IF(0x0c, 0x03, 0x00, "USB UHCI controller"),
    PROG_IF(0x0c, 0x03, 0x10, "USB OHCI controller"),
    PROG_IF(0x0c, 0x03, 0x20, "USB EHCI controller"),
    PROG_IF(0x0c, 0x03, 0x30, "USB xHCI controller"),
    PROG_IF(0x0c, 0x03, 0x40, "USB4 host interface"),
    PROG_IF(0x0c, 0x03, 0xfe, "USB device"),
    SUB(0x0c, 0x04, "Fibre Channel controller"),
    SUB(0x0c, 0x05, "SMBus controller"),

    BASE(0x0d, "wireless controller"),
    BASE(0x0e, "intelligent controller"),
    BASE(0x0f, "satellite communication controller"),
    BASE(0x10, "encryption controller"),
    BASE(0x11, "signal processing controller"),
    BASE(0x12, "processing accelerator"),
    BASE(0x13, "non-essential instrumentation"),
    BASE(0x40, "coprocessor"),
    BASE(0xff, "unassigned class"),
};

static bool class_entry_matches(const struct class_name *entry, uint8_t base, uint8_t sub,
                                uint8_t prog_if)
{
    if (entry->base != base)
        return false;
    if (entry->match >= MATCH_SUBCLASS && entry->sub != sub)
        return false;
    return entry->match < MATCH_PROG_IF || entry->prog_if == prog_if;
}

const char *pci_class_name(uint8_t base, uint8_t sub, uint8_t prog_if)
{
    const struct class_name *best = NULL;
    for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++) {
        const struct class_name *entry = &class_names[i];
        if (class_entry_matches(entry, base, sub, prog_if) &&
            (!best || entry->match > best->match))
            best = entry;
    }
    return best ? best->name : "class";
}

struct id_name {
    uint16_t id;
    const char *name;
};

static const struct id_name capability_names[] = {
    {0x01, "PM"},     {0x02, "AGP"},       {0x03, "VPD"},       {0x04, "SlotID"},
    {0x05, "MSI"},    {0x06, "CHSWP"},     {0x07, "PCI-X"},     {0x08, "HT"},
    {0x09, "Vendor"}, {0x0a, "Debug"},     {0x0b, "CCRC"},      {0x0c, "HotPlug"},
    {0x0d, "SSVID"},  {0x0e, "AGP8x"},     {0x0f, "Secure"},    {0x10, "PCIe"},
    {0x11, "MSI-X"},  {0x12, "SATA"},      {0x13, "AF"},        {0x14, "EA"},
    {0x15, "FPB"},
};

static const struct id_name extended_capability_names[] = {
    {0x01, "AER"},    {0x02, "VC"},        {0x03, "DSN"},       {0x04, "PB"},
    {0x05, "RCLink"}, {0x06, "RCILink"},   {0x07, "RCEC"},      {0x08, "MFVC"},
    {0x09, "VC9"},    {0x0a, "RCRB"},      {0x0b, "VSEC"},      {0x0c, "CAC"},
    {0x0d, "ACS"},    {0x0e, "ARI"},       {0x0f, "ATS"},       {0x10, "SR-IOV"},
    {0x11, "MR-IOV"}, {0x12, "MCAST"},     {0x13, "PRI"},       {0x15, "REBAR"},
    {0x16, "DPA"},    {0x17, "TPH"},       {0x18, "LTR"},       {0x19, "SecPCIe"},
    {0x1a, "PMUX"},   {0x1b, "PASID"},     {0x1c, "LNR"},       {0x1d, "DPC"},
    {0x1e, "L1SS"},   {0x1f, "PTM"},       {0x20, "M-PCIe"},    {0x21, "FRS"},
    {0x22, "RTR"},    {0x23, "DVSEC"},     {0x24, "VF-REBAR"},  {0x25, "DLF"},
    {0x26, "PL16"},   {0x27, "LMR"},       {0x28, "HIER-ID"},   {0x29, "NPEM"},
    {0x2a, "PL32"},   {0x2b, "ALT-PROT"},  {0x2c, "SFI"},       {0x2d, "SHDW"},
    {0x2e, "DOE"},    {0x2f, "DEV3"},      {0x30, "IDE"},       {0x31, "PL64"},
};

static const char *lookup_id(const struct id_name *table, size_t count, uint16_t id)
{
    for (size_t i = 0; i < count; i++)
        if (table[i].id == id)
            return table[i].name;
    return NULL;
}

const char *pci_cap_name(uint8_t id)
{
    return lookup_id(capability_names, sizeof capability_names / sizeof capability_names[0], id);
}

const char *pci_ext_cap_name(uint16_t id)
{
    return lookup_id(extended_capability_names,
                     sizeof extended_capability_names / sizeof extended_capability_names[0], id);
}
