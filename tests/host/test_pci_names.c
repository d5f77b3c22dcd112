/* Host tests for drivers/pci/pci_names.c: class, programming interface and capability names as lspci prints them. */
#include "check.h"
#include "pci_names.h"

/* As lspci names a function: pci.ids' subclass name (else the class's), and the programming
 * interface in brackets where pci.ids has one. */
static void class_names(void)
{
    static const struct {
        uint8_t base, sub, prog_if;
        const char *name, *prog_if_name;
    } cases[] = {
        {0x06, 0x00, 0x00, "Host bridge", NULL},
        {0x06, 0x01, 0x00, "ISA bridge", NULL},
        {0x06, 0x04, 0x00, "PCI bridge", "Normal decode"},
        {0x06, 0x04, 0x01, "PCI bridge", "Subtractive decode"},
        {0x06, 0x07, 0x00, "CardBus bridge", NULL},
        {0x06, 0x80, 0x00, "Bridge", NULL},
        {0x06, 0x42, 0x00, "Bridge", NULL},
        {0x01, 0x08, 0x02, "Non-Volatile memory controller", "NVM Express"},
        {0x01, 0x08, 0x01, "Non-Volatile memory controller", "NVMHCI"},
        {0x01, 0x08, 0x03, "Non-Volatile memory controller", NULL},
        {0x01, 0x06, 0x01, "SATA controller", "AHCI 1.0"},
        {0x01, 0x06, 0x00, "SATA controller", "Vendor specific"},
        {0x01, 0x01, 0x8a, "IDE interface", NULL},
        {0x01, 0x00, 0x00, "SCSI storage controller", NULL},
        {0x01, 0x04, 0x00, "RAID bus controller", NULL},
        {0x01, 0x77, 0x00, "Mass storage controller", NULL},
        {0x02, 0x00, 0x00, "Ethernet controller", NULL},
        {0x03, 0x00, 0x00, "VGA compatible controller", "VGA controller"},
        {0x03, 0x80, 0x00, "Display controller", NULL},
        {0x0c, 0x03, 0x00, "USB controller", "UHCI"},
        {0x0c, 0x03, 0x30, "USB controller", "XHCI"},
        {0x0c, 0x03, 0x42, "USB controller", NULL},
        {0x0c, 0x05, 0x00, "SMBus", NULL},
        {0x04, 0x03, 0x00, "Audio device", NULL},
        {0x07, 0x00, 0x02, "Serial controller", "16550"},
        {0x08, 0x06, 0x00, "IOMMU", NULL},
        {0x08, 0x00, 0x20, "PIC", "IO(X)-APIC"},
        {0x08, 0x80, 0x00, "System peripheral", NULL},
        {0x0b, 0x40, 0x00, "Co-processor", NULL},
        {0xff, 0x00, 0x00, "Unassigned class", NULL},
        {0x00, 0x00, 0x00, "Non-VGA unclassified device", NULL},
        {0x42, 0x00, 0x00, NULL, NULL},
        {0xfe, 0xfe, 0xfe, NULL, NULL},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        CHECK_STR(pci_class_name(cases[i].base, cases[i].sub), cases[i].name);
        CHECK_STR(pci_prog_if_name(cases[i].base, cases[i].sub, cases[i].prog_if),
                  cases[i].prog_if_name);
    }
}

struct id_case {
    uint16_t id;
    const char *name;
};

/* The words lspci -vv puts after "Capabilities: [xx]". */
static void capability_names(void)
{
    static const struct id_case cases[] = {
        {0x01, "Power Management"}, {0x03, "Vital Product Data"}, {0x05, "MSI"},
        {0x09, "Vendor Specific Information"}, {0x0d, "Subsystem"}, {0x10, "Express"},
        {0x11, "MSI-X"}, {0x12, "SATA HBA"}, {0x13, "PCI Advanced Features"},
        {0x14, "Enhanced Allocation"}, {0x00, NULL}, {0x16, NULL}, {0xff, NULL},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++)
        CHECK_STR(pci_cap_name((uint8_t)cases[i].id), cases[i].name);
}

static void extended_capability_names(void)
{
    static const struct id_case cases[] = {
        {0x01, "Advanced Error Reporting"}, {0x02, "Virtual Channel"},
        {0x03, "Device Serial Number"}, {0x0d, "Access Control Services"},
        {0x0e, "Alternative Routing-ID Interpretation (ARI)"},
        {0x0f, "Address Translation Service (ATS)"},
        {0x10, "Single Root I/O Virtualization (SR-IOV)"}, {0x13, "Page Request Interface (PRI)"},
        {0x15, "Physical Resizable BAR"}, {0x18, "Latency Tolerance Reporting"},
        {0x19, "Secondary PCI Express"}, {0x1b, "Process Address Space ID (PASID)"},
        {0x1d, "Downstream Port Containment"}, {0x1e, "L1 PM Substates"},
        {0x1f, "Precision Time Measurement"}, {0x26, "Physical Layer 16.0 GT/s"},
        {0x2e, "Data Object Exchange"}, {0x0000, NULL}, {0x0014, NULL}, {0xffff, NULL},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++)
        CHECK_STR(pci_ext_cap_name(cases[i].id), cases[i].name);
}

static void express_type_names(void)
{
    CHECK_STR(pci_express_type_name(0), "Endpoint");
    CHECK_STR(pci_express_type_name(4), "Root Port");
    CHECK_STR(pci_express_type_name(9), "Root Complex Integrated Endpoint");
    CHECK_STR(pci_express_type_name(2), NULL);
    CHECK_STR(pci_express_type_name(15), NULL);
}

static const char *cap_name_of(unsigned id)
{
    return pci_cap_name((uint8_t)id);
}

static const char *ext_cap_name_of(unsigned id)
{
    return pci_ext_cap_name((uint16_t)id);
}

/* Every known ID has a non-empty name, and no two IDs share one (a copy-paste slip would),
 * except where lspci itself gives two IDs one name (`twice`). */
static void check_names_distinct(const char *(*name_of)(unsigned id), const char *table,
                                 const char *twice)
{
    const char *seen[256];
    unsigned count = 0;
    for (unsigned id = 0; id < 256; id++) {
        const char *name = name_of(id);
        if (!name)
            continue;
        CHECK(name[0] != '\0');
        for (unsigned j = 0; j < count; j++)
            if (strcmp(seen[j], name) == 0 && !(twice && strcmp(name, twice) == 0))
                check_fail(__FILE__, __LINE__, "%s name \"%s\" used twice", table, name);
        seen[count++] = name;
    }
}

static void tables_are_consistent(void)
{
    check_names_distinct(cap_name_of, "capability", NULL);
    /* VC (0x0002) and VC9 (0x0009) are both "Virtual Channel" to lspci. */
    check_names_distinct(ext_cap_name_of, "extended capability", "Virtual Channel");
}

static const struct check_case cases[] = {
    CHECK_CASE(class_names),
    CHECK_CASE(capability_names),
    CHECK_CASE(extended_capability_names),
    CHECK_CASE(express_type_names),
    CHECK_CASE(tables_are_consistent),
};

int main(void)
{
    return CHECK_RUN("pci_names", cases);
}
