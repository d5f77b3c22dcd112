/* Host tests for drivers/pci/pci_names.c: most specific class names and capability ID names. */
#include "check.h"
#include "pci_names.h"

static void class_names(void)
{
    static const struct {
        uint8_t base, sub, prog_if;
        const char *name;
    } cases[] = {
        {0x06, 0x00, 0x00, "host bridge"},
        {0x06, 0x01, 0x00, "ISA bridge"},
        {0x06, 0x04, 0x00, "PCI bridge"},
        {0x06, 0x04, 0x01, "PCI bridge (subtractive decode)"},
        {0x06, 0x07, 0x00, "CardBus bridge"},
        {0x06, 0x80, 0x00, "other bridge"},
        {0x06, 0x42, 0x00, "bridge"},
        {0x01, 0x08, 0x02, "NVMe controller"},
        {0x01, 0x08, 0x00, "NVM controller"},
        {0x01, 0x08, 0x03, "NVM controller"},
        {0x01, 0x06, 0x01, "SATA AHCI controller"},
        {0x01, 0x06, 0x00, "SATA controller"},
        {0x01, 0x01, 0x8a, "IDE controller"},
        {0x01, 0x00, 0x00, "SCSI controller"},
        {0x01, 0x04, 0x00, "RAID controller"},
        {0x01, 0x77, 0x00, "mass storage controller"},
        {0x02, 0x00, 0x00, "Ethernet controller"},
        {0x03, 0x00, 0x00, "VGA controller"},
        {0x03, 0x80, 0x00, "display controller"},
        {0x0c, 0x03, 0x00, "USB UHCI controller"},
        {0x0c, 0x03, 0x10, "USB OHCI controller"},
        {0x0c, 0x03, 0x20, "USB EHCI controller"},
        {0x0c, 0x03, 0x30, "USB xHCI controller"},
        {0x0c, 0x03, 0x80, "USB controller"},
        {0x0c, 0x05, 0x00, "SMBus controller"},
        {0x04, 0x03, 0x00, "HD audio controller"},
        {0x04, 0x01, 0x00, "audio controller"},
        {0x07, 0x00, 0x00, "serial controller"},
        {0x07, 0x00, 0x02, "16550 serial controller"},
        {0x08, 0x06, 0x00, "IOMMU"},
        {0x08, 0x80, 0x00, "system peripheral"},
        {0x08, 0x00, 0x20, "I/O APIC"},
        {0x0b, 0x40, 0x00, "processor"},
        {0xff, 0x00, 0x00, "unassigned class"},
        {0x00, 0x00, 0x00, "unclassified device"},
        {0x42, 0x00, 0x00, "class"},
        {0xfe, 0xfe, 0xfe, "class"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        const char *name = pci_class_name(cases[i].base, cases[i].sub, cases[i].prog_if);
        if (!name || strcmp(name, cases[i].name) != 0)
            check_fail(__FILE__, __LINE__, "%02x:%02x:%02x named \"%s\", expected \"%s\"",
                       cases[i].base, cases[i].sub, cases[i].prog_if, name ? name : "NULL",
                       cases[i].name);
    }
}

struct id_case {
    uint16_t id;
    const char *name;
};

static void capability_names(void)
{
    static const struct id_case cases[] = {
        {0x01, "PM"},   {0x02, "AGP"},    {0x03, "VPD"},    {0x05, "MSI"},   {0x08, "HT"},
        {0x09, "Vendor"}, {0x0a, "Debug"}, {0x0d, "SSVID"}, {0x10, "PCIe"},  {0x11, "MSI-X"},
        {0x12, "SATA"}, {0x13, "AF"},     {0x14, "EA"},     {0x00, NULL},    {0x16, NULL},
        {0xff, NULL},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++)
        CHECK_STR(pci_cap_name((uint8_t)cases[i].id), cases[i].name);
}

static void extended_capability_names(void)
{
    static const struct id_case cases[] = {
        {0x01, "AER"},     {0x02, "VC"},    {0x03, "DSN"},    {0x04, "PB"},    {0x05, "RCLink"},
        {0x0d, "ACS"},     {0x0e, "ARI"},   {0x0f, "ATS"},    {0x10, "SR-IOV"}, {0x12, "MCAST"},
        {0x13, "PRI"},     {0x18, "LTR"},   {0x19, "SecPCIe"}, {0x1b, "PASID"}, {0x1d, "DPC"},
        {0x1e, "L1SS"},    {0x1f, "PTM"},   {0x25, "DLF"},    {0x26, "PL16"},  {0x0000, NULL},
        {0x0014, NULL},    {0xffff, NULL},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++)
        CHECK_STR(pci_ext_cap_name(cases[i].id), cases[i].name);
}

static const char *cap_name_of(unsigned id)
{
    return pci_cap_name((uint8_t)id);
}

static const char *ext_cap_name_of(unsigned id)
{
    return pci_ext_cap_name((uint16_t)id);
}

/* Every known ID has a non-empty name, and no two IDs share one (a copy-paste slip would). */
static void check_names_distinct(const char *(*name_of)(unsigned id), const char *table)
{
    const char *seen[256];
    unsigned count = 0;
    for (unsigned id = 0; id < 256; id++) {
        const char *name = name_of(id);
        if (!name)
            continue;
        CHECK(name[0] != '\0');
        for (unsigned j = 0; j < count; j++)
            if (strcmp(seen[j], name) == 0)
                check_fail(__FILE__, __LINE__, "%s name \"%s\" used twice", table, name);
        seen[count++] = name;
    }
}

static void tables_are_consistent(void)
{
    check_names_distinct(cap_name_of, "capability");
    check_names_distinct(ext_cap_name_of, "extended capability");
}

static const struct check_case cases[] = {
    CHECK_CASE(class_names),
    CHECK_CASE(capability_names),
    CHECK_CASE(extended_capability_names),
    CHECK_CASE(tables_are_consistent),
};

int main(void)
{
    return CHECK_RUN("pci_names", cases);
}
