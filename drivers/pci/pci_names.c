/* PCI naming tables: class codes and capability IDs to the names lspci prints (pci.ids, lspci 3.9). */
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

/* pci.ids' class list, as lspci names a function (the subclass, else the class) and its
 * programming interface. */
static const struct class_name class_names[] = {
    BASE(0x00, "Unclassified device"),
    SUB(0x00, 0x00, "Non-VGA unclassified device"),
    SUB(0x00, 0x01, "VGA compatible unclassified device"),
    SUB(0x00, 0x05, "Image coprocessor"),

    BASE(0x01, "Mass storage controller"),
    SUB(0x01, 0x00, "SCSI storage controller"),
    SUB(0x01, 0x01, "IDE interface"),
    SUB(0x01, 0x02, "Floppy disk controller"),
    SUB(0x01, 0x03, "IPI bus controller"),
    SUB(0x01, 0x04, "RAID bus controller"),
    SUB(0x01, 0x05, "ATA controller"),
    PROG_IF(0x01, 0x05, 0x20, "ADMA single stepping"),
    PROG_IF(0x01, 0x05, 0x30, "ADMA continuous operation"),
    SUB(0x01, 0x06, "SATA controller"),
    PROG_IF(0x01, 0x06, 0x00, "Vendor specific"),
    PROG_IF(0x01, 0x06, 0x01, "AHCI 1.0"),
    PROG_IF(0x01, 0x06, 0x02, "Serial Storage Bus"),
    SUB(0x01, 0x07, "Serial Attached SCSI controller"),
    PROG_IF(0x01, 0x07, 0x01, "Serial Storage Bus"),
    SUB(0x01, 0x08, "Non-Volatile memory controller"),
    PROG_IF(0x01, 0x08, 0x01, "NVMHCI"),
    PROG_IF(0x01, 0x08, 0x02, "NVM Express"),
    SUB(0x01, 0x80, "Mass storage controller"),

    BASE(0x02, "Network controller"),
    SUB(0x02, 0x00, "Ethernet controller"),
    SUB(0x02, 0x01, "Token ring network controller"),
    SUB(0x02, 0x02, "FDDI network controller"),
    SUB(0x02, 0x03, "ATM network controller"),
    SUB(0x02, 0x04, "ISDN controller"),
    SUB(0x02, 0x05, "WorldFip controller"),
    SUB(0x02, 0x06, "PICMG controller"),
    SUB(0x02, 0x07, "Infiniband controller"),
    SUB(0x02, 0x08, "Fabric controller"),
    SUB(0x02, 0x80, "Network controller"),

    BASE(0x03, "Display controller"),
    SUB(0x03, 0x00, "VGA compatible controller"),
    PROG_IF(0x03, 0x00, 0x00, "VGA controller"),
    PROG_IF(0x03, 0x00, 0x01, "8514 controller"),
    SUB(0x03, 0x01, "XGA compatible controller"),
    SUB(0x03, 0x02, "3D controller"),
    SUB(0x03, 0x80, "Display controller"),

    BASE(0x04, "Multimedia controller"),
    SUB(0x04, 0x00, "Multimedia video controller"),
    SUB(0x04, 0x01, "Multimedia audio controller"),
    SUB(0x04, 0x02, "Computer telephony device"),
    SUB(0x04, 0x03, "Audio device"),
    SUB(0x04, 0x80, "Multimedia controller"),

    BASE(0x05, "Memory controller"),
    SUB(0x05, 0x00, "RAM memory"),
    SUB(0x05, 0x01, "FLASH memory"),
    SUB(0x05, 0x02, "CXL"),
    PROG_IF(0x05, 0x02, 0x00, "CXL Memory Device - vendor specific"),
    PROG_IF(0x05, 0x02, 0x10, "CXL Memory Device (CXL 2.x)"),
    SUB(0x05, 0x80, "Memory controller"),

    BASE(0x06, "Bridge"),
    SUB(0x06, 0x00, "Host bridge"),
    SUB(0x06, 0x01, "ISA bridge"),
    SUB(0x06, 0x02, "EISA bridge"),
    SUB(0x06, 0x03, "MicroChannel bridge"),
    SUB(0x06, 0x04, "PCI bridge"),
    PROG_IF(0x06, 0x04, 0x00, "Normal decode"),
    PROG_IF(0x06, 0x04, 0x01, "Subtractive decode"),
    SUB(0x06, 0x05, "PCMCIA bridge"),
    SUB(0x06, 0x06, "NuBus bridge"),
    SUB(0x06, 0x07, "CardBus bridge"),
    SUB(0x06, 0x08, "RACEway bridge"),
    PROG_IF(0x06, 0x08, 0x00, "Transparent mode"),
    PROG_IF(0x06, 0x08, 0x01, "Endpoint mode"),
    SUB(0x06, 0x09, "Semi-transparent PCI-to-PCI bridge"),
    PROG_IF(0x06, 0x09, 0x40, "Primary bus towards host CPU"),
    PROG_IF(0x06, 0x09, 0x80, "Secondary bus towards host CPU"),
    SUB(0x06, 0x0a, "InfiniBand to PCI host bridge"),
    SUB(0x06, 0x80, "Bridge"),

    BASE(0x07, "Communication controller"),
    SUB(0x07, 0x00, "Serial controller"),
    PROG_IF(0x07, 0x00, 0x00, "8250"),
    PROG_IF(0x07, 0x00, 0x01, "16450"),
    PROG_IF(0x07, 0x00, 0x02, "16550"),
    PROG_IF(0x07, 0x00, 0x03, "16650"),
    PROG_IF(0x07, 0x00, 0x04, "16750"),
    PROG_IF(0x07, 0x00, 0x05, "16850"),
    PROG_IF(0x07, 0x00, 0x06, "16950"),
    SUB(0x07, 0x01, "Parallel controller"),
    PROG_IF(0x07, 0x01, 0x00, "SPP"),
    PROG_IF(0x07, 0x01, 0x01, "BiDir"),
    PROG_IF(0x07, 0x01, 0x02, "ECP"),
    PROG_IF(0x07, 0x01, 0x03, "IEEE1284"),
    PROG_IF(0x07, 0x01, 0xfe, "IEEE1284 Target"),
    SUB(0x07, 0x02, "Multiport serial controller"),
    SUB(0x07, 0x03, "Modem"),
    PROG_IF(0x07, 0x03, 0x00, "Generic"),
    SUB(0x07, 0x04, "GPIB controller"),
    SUB(0x07, 0x05, "Smard Card controller"),
    SUB(0x07, 0x80, "Communication controller"),

    BASE(0x08, "Generic system peripheral"),
    SUB(0x08, 0x00, "PIC"),
    PROG_IF(0x08, 0x00, 0x00, "8259"),
    PROG_IF(0x08, 0x00, 0x01, "ISA PIC"),
    PROG_IF(0x08, 0x00, 0x02, "EISA PIC"),
    PROG_IF(0x08, 0x00, 0x10, "IO-APIC"),
    PROG_IF(0x08, 0x00, 0x20, "IO(X)-APIC"),
    SUB(0x08, 0x01, "DMA controller"),
    PROG_IF(0x08, 0x01, 0x00, "8237"),
    PROG_IF(0x08, 0x01, 0x01, "ISA DMA"),
    PROG_IF(0x08, 0x01, 0x02, "EISA DMA"),
    SUB(0x08, 0x02, "Timer"),
    PROG_IF(0x08, 0x02, 0x00, "8254"),
    PROG_IF(0x08, 0x02, 0x01, "ISA Timer"),
    PROG_IF(0x08, 0x02, 0x02, "EISA Timers"),
    PROG_IF(0x08, 0x02, 0x03, "HPET"),
    SUB(0x08, 0x03, "RTC"),
    PROG_IF(0x08, 0x03, 0x00, "Generic"),
    PROG_IF(0x08, 0x03, 0x01, "ISA RTC"),
    SUB(0x08, 0x04, "PCI Hot-plug controller"),
    SUB(0x08, 0x05, "SD Host controller"),
    SUB(0x08, 0x06, "IOMMU"),
    SUB(0x08, 0x80, "System peripheral"),

    BASE(0x09, "Input device controller"),
    SUB(0x09, 0x00, "Keyboard controller"),
    SUB(0x09, 0x01, "Digitizer Pen"),
    SUB(0x09, 0x02, "Mouse controller"),
    SUB(0x09, 0x03, "Scanner controller"),
    SUB(0x09, 0x04, "Gameport controller"),
    SUB(0x09, 0x80, "Input device controller"),

    BASE(0x0a, "Docking station"),
    SUB(0x0a, 0x00, "Generic Docking Station"),
    SUB(0x0a, 0x80, "Docking Station"),

    BASE(0x0b, "Processor"),
    SUB(0x0b, 0x40, "Co-processor"),

    BASE(0x0c, "Serial bus controller"),
    SUB(0x0c, 0x00, "FireWire (IEEE 1394)"),
    PROG_IF(0x0c, 0x00, 0x10, "OHCI"),
    SUB(0x0c, 0x01, "ACCESS Bus"),
    SUB(0x0c, 0x02, "SSA"),
    SUB(0x0c, 0x03, "USB controller"),
    PROG_IF(0x0c, 0x03, 0x00, "UHCI"),
    PROG_IF(0x0c, 0x03, 0x10, "OHCI"),
    PROG_IF(0x0c, 0x03, 0x20, "EHCI"),
    PROG_IF(0x0c, 0x03, 0x30, "XHCI"),
    PROG_IF(0x0c, 0x03, 0x40, "USB4 Host Interface"),
    PROG_IF(0x0c, 0x03, 0x80, "Unspecified"),
    PROG_IF(0x0c, 0x03, 0xfe, "USB Device"),
    SUB(0x0c, 0x04, "Fibre Channel"),
    SUB(0x0c, 0x05, "SMBus"),
    SUB(0x0c, 0x06, "InfiniBand"),
    SUB(0x0c, 0x07, "IPMI Interface"),
    PROG_IF(0x0c, 0x07, 0x00, "SMIC"),
    PROG_IF(0x0c, 0x07, 0x01, "KCS"),
    PROG_IF(0x0c, 0x07, 0x02, "BT (Block Transfer)"),
    SUB(0x0c, 0x08, "SERCOS interface"),
    SUB(0x0c, 0x09, "CANBUS"),
    SUB(0x0c, 0x80, "Serial bus controller"),

    BASE(0x0d, "Wireless controller"),
    SUB(0x0d, 0x11, "Bluetooth"),
    SUB(0x0d, 0x80, "Wireless controller"),
    BASE(0x0e, "Intelligent controller"),
    BASE(0x0f, "Satellite communications controller"),
    BASE(0x10, "Encryption controller"),
    BASE(0x11, "Signal processing controller"),
    BASE(0x12, "Processing accelerators"),
    BASE(0x13, "Non-Essential Instrumentation"),
    BASE(0x40, "Coprocessor"),
    BASE(0xff, "Unassigned class"),
};

/* The most specific entry of at most `deepest` for the triple, or NULL. */
static const struct class_name *class_lookup(uint8_t base, uint8_t sub, uint8_t prog_if,
                                             enum class_match deepest)
{
    const struct class_name *best = NULL;
    for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++) {
        const struct class_name *e = &class_names[i];
        if (e->match > deepest || e->base != base ||
            (e->match >= MATCH_SUBCLASS && e->sub != sub) ||
            (e->match == MATCH_PROG_IF && e->prog_if != prog_if))
            continue;
        if (!best || e->match > best->match)
            best = e;
    }
    return best;
}

const char *pci_class_name(uint8_t base, uint8_t sub)
{
    const struct class_name *e = class_lookup(base, sub, 0, MATCH_SUBCLASS);
    return e ? e->name : NULL;
}

const char *pci_prog_if_name(uint8_t base, uint8_t sub, uint8_t prog_if)
{
    const struct class_name *e = class_lookup(base, sub, prog_if, MATCH_PROG_IF);
    return e && e->match == MATCH_PROG_IF ? e->name : NULL;
}

struct id_name {
    uint16_t id;
    const char *name;
};

/* As lspci -vv begins each "Capabilities: [xx]" line. */
static const struct id_name capability_names[] = {
    {0x01, "Power Management"},
    {0x02, "AGP"},
    {0x03, "Vital Product Data"},
    {0x04, "Slot ID"},
    {0x05, "MSI"},
    {0x06, "CompactPCI hot-swap"},
    {0x07, "PCI-X"},
    {0x08, "HyperTransport"},
    {0x09, "Vendor Specific Information"},
    {0x0a, "Debug port"},
    {0x0b, "CompactPCI central resource control"},
    {0x0c, "Hot-plug capable"},
    {0x0d, "Subsystem"},
    {0x0e, "AGP3"},
    {0x0f, "Secure device"},
    {0x10, "Express"},
    {0x11, "MSI-X"},
    {0x12, "SATA HBA"},
    {0x13, "PCI Advanced Features"},
    {0x14, "Enhanced Allocation"},
    {0x15, "Flattening Portal Bridge"},
};

static const struct id_name extended_capability_names[] = {
    {0x01, "Advanced Error Reporting"},
    {0x02, "Virtual Channel"},
    {0x03, "Device Serial Number"},
    {0x04, "Power Budgeting"},
    {0x05, "Root Complex Link"},
    {0x06, "Root Complex Internal Link"},
    {0x07, "Root Complex Event Collector Endpoint Association"},
    {0x08, "Multi-Function Virtual Channel"},
    {0x09, "Virtual Channel"},
    {0x0a, "Root Complex Register Block"},
    {0x0b, "Vendor Specific Information"},
    {0x0c, "Configuration Access Correlation"},
    {0x0d, "Access Control Services"},
    {0x0e, "Alternative Routing-ID Interpretation (ARI)"},
    {0x0f, "Address Translation Service (ATS)"},
    {0x10, "Single Root I/O Virtualization (SR-IOV)"},
    {0x11, "Multi-Root I/O Virtualization"},
    {0x12, "Multicast"},
    {0x13, "Page Request Interface (PRI)"},
    {0x15, "Physical Resizable BAR"},
    {0x16, "Dynamic Power Allocation"},
    {0x17, "Transaction Processing Hints"},
    {0x18, "Latency Tolerance Reporting"},
    {0x19, "Secondary PCI Express"},
    {0x1a, "Protocol Multiplexing"},
    {0x1b, "Process Address Space ID (PASID)"},
    {0x1c, "LN Requester"},
    {0x1d, "Downstream Port Containment"},
    {0x1e, "L1 PM Substates"},
    {0x1f, "Precision Time Measurement"},
    {0x20, "PCI Express over M_PHY"},
    {0x21, "FRS Queueing"},
    {0x22, "Readiness Time Reporting"},
    {0x23, "Designated Vendor-Specific"},
    {0x24, "Virtual Resizable BAR"},
    {0x25, "Data Link Feature"},
    {0x26, "Physical Layer 16.0 GT/s"},
    {0x27, "Lane Margining at the Receiver"},
    {0x28, "Hierarchy ID"},
    {0x29, "Native PCIe Enclosure Management"},
    {0x2a, "Physical Layer 32.0 GT/s"},
    {0x2b, "Alternate Protocol"},
    {0x2c, "System Firmware Intermediary"},
    {0x2d, "Shadow Functions"},
    {0x2e, "Data Object Exchange"},
    {0x2f, "Device 3"},
    {0x30, "Integrity and Data Encryption"},
    {0x31, "Physical Layer 64.0 GT/s"},
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

/* PCIe capability's device/port type (flags bits 7:4), as lspci names it after "Express". */
const char *pci_express_type_name(unsigned type)
{
    static const char *const names[] = {
        [0x0] = "Endpoint",
        [0x1] = "Legacy Endpoint",
        [0x4] = "Root Port",
        [0x5] = "Upstream Port",
        [0x6] = "Downstream Port",
        [0x7] = "PCI-Express to PCI/PCI-X Bridge",
        [0x8] = "PCI/PCI-X to PCI-Express Bridge",
        [0x9] = "Root Complex Integrated Endpoint",
        [0xa] = "Root Complex Event Collector",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}
