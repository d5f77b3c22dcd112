/* Host tests for lib/msi.c, drivers/pci/pci_msix_layout.c and pci_msi_layout.c: MSI messages as the SDM and VT-d lay them out, MSI-X tables placed against the BARs, MSI capability registers placed by Message Control. */
#include <string.h>

#include "check.h"
#include "lib/msi.h"
#include "drivers/pci/pci_msi.h"
#include "drivers/pci/pci_msix.h"

/* Bit positions from the documents, not from msi.h: SDM vol. 3 figure 11-24/11-25, VT-d 5.1.2.2. */
static void compatibility_format(void)
{
    struct msi_message m = msi_compatibility(0x12, 0x51);
    CHECK_EQ_U64(m.address, 0xfee12000u);
    CHECK_EQ_U64(m.data, 0x51u);
    CHECK(!msi_is_remappable(m));
    m = msi_compatibility(0xff, 0xef);
    CHECK_EQ_U64(m.address, 0xfeeff000u);
    CHECK_EQ_U64(m.data, 0xefu);
}

static void remappable_format(void)
{
    /* handle 3: bits 19:5 = 3, bit 4 (interrupt format) = 1, bit 3 (SHV) = 0. */
    struct msi_message m = msi_remappable(3, false, 0);
    CHECK_EQ_U64(m.address, 0xfee00000u | 3u << 5 | 1u << 4);
    CHECK_EQ_U64(m.data, 0u);
    CHECK(msi_is_remappable(m));
    CHECK_EQ_U64(msi_remappable_index(m), 3u);
    /* handle bit 15 goes to address bit 2; the subhandle is added when SHV=1. */
    m = msi_remappable(0x8001, true, 5);
    CHECK_EQ_U64(m.address, 0xfee00000u | 1u << 5 | 1u << 4 | 1u << 3 | 1u << 2);
    CHECK_EQ_U64(m.data, 5u);
    CHECK_EQ_U64(msi_remappable_index(m), 0x8006u);
    /* SHV=0: the data's low bits are not part of the index. */
    m = msi_remappable(7, false, 0);
    m.data = 9;
    CHECK_EQ_U64(msi_remappable_index(m), 7u);
}

static void described(void)
{
    char text[96];
    msi_describe(msi_compatibility(0, 0x50), text, sizeof text);
    CHECK_STR(text, "compatibility: dest 0x00 physical, vector 0x50 fixed edge");
    struct msi_message level = {.address = 0xfee01004u, .data = 0xc1u | 1u << 8 | 1u << 15};
    msi_describe(level, text, sizeof text);
    CHECK_STR(text, "compatibility: dest 0x01 logical, vector 0xc1 lowest priority level");
    msi_describe(msi_remappable(3, false, 0), text, sizeof text);
    CHECK_STR(text, "remappable: handle 3, SHV=0 (IRTE 3)");
    msi_describe(msi_remappable(2, true, 4), text, sizeof text);
    CHECK_STR(text, "remappable: handle 2, SHV=1, subhandle 4 (IRTE 6)");
    msi_describe((struct msi_message){.address = 0xfed00000u}, text, sizeof text);
    CHECK_STR(text, "not an MSI address: 0xfed00000");
    msi_describe((struct msi_message){.address = 0x1fee00000ull}, text, sizeof text);
    CHECK_STR(text, "not an MSI address: 0x1fee00000");
    char tiny[8];
    CHECK_EQ_U64(msi_describe(msi_compatibility(0, 0x50), tiny, sizeof tiny), 7u);
    CHECK_STR(tiny, "compati");
}

/* QEMU's NVMe: 65 entries, table at BAR0 + 0x2000, PBA at BAR0 + 0x3000, BAR0 16 KiB. */
static const struct pci_bar nvme_bars[PCI_MAX_BARS] = {
    {PCI_BAR_MEM64, false, 0xfebd0000, 0x4000},
};

/* The capability's first dword: table size (N - 1) in 26:16, ID 0x11. */
#define HEADER(entries) ((uint32_t)((entries) - 1) << 16 | 0x11u)

static void layout_of_qemu_nvme(void)
{
    const uint32_t dwords[3] = {HEADER(65), 0x2000, 0x3000};
    struct pci_msix_layout l;
    char why[120] = "";
    CHECK(pci_msix_layout(dwords, nvme_bars, &l, why, sizeof why) == 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(l.entries, 65u);
    CHECK_EQ_U64(l.table_bir, 0u);
    CHECK_EQ_U64(l.table_offset, 0x2000u);
    CHECK_EQ_U64(l.table_address, 0xfebd2000u);
    CHECK_EQ_U64(l.pba_address, 0xfebd3000u);
}

struct refusal {
    const char *what;
    uint32_t dwords[3];
    const char *why;
};

static void layouts_refused(void)
{
    const struct refusal cases[] = {
        {"BIR 6", {HEADER(4), 0x2000 | 6, 0x3000}, "MSI-X table BIR 6 names no BAR"},
        {"PBA in an unused BAR", {HEADER(4), 0x2000, 0x3000 | 2}, "MSI-X PBA BIR 2 is not a memory BAR (unused)"},
        {"table beyond the BAR", {HEADER(2048), 0x2000, 0x3000},
         "MSI-X table (0x8000 bytes at +0x2000) ends beyond BAR0 (0x4000 bytes)"},
        {"PBA beyond the BAR", {HEADER(65), 0x2000, 0x3ff8},
         "MSI-X PBA (0x10 bytes at +0x3ff8) ends beyond BAR0 (0x4000 bytes)"},
        {"overlap", {HEADER(65), 0x2000, 0x2100}, "MSI-X table (+0x2000, 65 entries) and PBA (+0x2100) overlap"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct pci_msix_layout l = {.entries = 12345};
        char why[120] = "";
        int rc = pci_msix_layout(cases[i].dwords, nvme_bars, &l, why, sizeof why);
        if (rc != -1 || strcmp(why, cases[i].why) != 0 || l.entries != 12345)
            check_fail(__FILE__, __LINE__, "%s: rc %d, why '%s' (want '%s'), layout %s", cases[i].what,
                       rc, why, cases[i].why, l.entries == 12345 ? "untouched" : "written");
    }
    const struct pci_bar unassigned[PCI_MAX_BARS] = {{PCI_BAR_MEM64, false, 0, 0x4000}};
    const uint32_t dwords[3] = {HEADER(4), 0x2000, 0x3000};
    struct pci_msix_layout l;
    char why[120] = "";
    CHECK(pci_msix_layout(dwords, unassigned, &l, why, sizeof why) == -1);
    CHECK_STR(why, "MSI-X table BAR0 is not assigned");
    const struct pci_bar wraps[PCI_MAX_BARS] = {{PCI_BAR_MEM64, false, 0xffffffffffffc000ull, 0x8000}};
    CHECK(pci_msix_layout(dwords, wraps, &l, why, sizeof why) == -1);
    CHECK_STR(why, "MSI-X table BAR0 (0x8000 bytes at 0xffffffffffffc000) wraps past the top of memory");
    const struct pci_bar io[PCI_MAX_BARS] = {{PCI_BAR_IO, false, 0xc000, 0x100}};
    CHECK(pci_msix_layout(dwords, io, &l, why, sizeof why) == -1);
    CHECK_STR(why, "MSI-X table BIR 0 is not a memory BAR (io)");
}


/* The MSI capability's registers for each shape Message Control can give (PCI 3.0 6.8.1). */
static void msi_layouts(void)
{
    static const struct {
        uint16_t control;
        unsigned vectors;
        uint8_t address_hi, data, mask, pending;
    } shapes[] = {
        {0x0000, 1, 0, 0x08, 0, 0},       /* 32-bit address, no mask */
        {0x0080, 1, 0x08, 0x0c, 0, 0},    /* 64-bit: QEMU's edu device */
        {0x0100, 1, 0, 0x08, 0x0c, 0x10}, /* 32-bit with per-vector mask */
        {0x018a, 32, 0x08, 0x0c, 0x10, 0x14}, /* 64-bit, masked, MMC=5 */
        {0x0187, 8, 0x08, 0x0c, 0x10, 0x14},  /* enabled, MMC=3, MME=0 */
    };
    for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        struct pci_msi_layout l;
        char why[96] = "";
        CHECK(pci_msi_layout((uint32_t)shapes[i].control << 16 | 0x05, &l, why, sizeof why) == 0);
        CHECK_EQ_U64(l.vectors_capable, shapes[i].vectors);
        CHECK_EQ_U64(l.address_lo, 0x04);
        CHECK_EQ_U64(l.address_hi, shapes[i].address_hi);
        CHECK_EQ_U64(l.data, shapes[i].data);
        CHECK_EQ_U64(l.mask, shapes[i].mask);
        CHECK_EQ_U64(l.pending, shapes[i].pending);
        CHECK(l.address64 == (shapes[i].address_hi != 0));
        CHECK(l.per_vector_mask == (shapes[i].mask != 0));
    }
    /* Every control value: registers in order, inside the 24-byte capability, none overlapping,
     * and MMC 6 and 7 refused by name. */
    for (uint32_t control = 0; control <= 0xffff; control++) {
        struct pci_msi_layout l;
        char why[96] = "";
        unsigned mmc = (control >> 1) & 7u;
        int rc = pci_msi_layout(control << 16, &l, why, sizeof why);
        if (mmc > 5) {
            CHECK(rc == -1 && strstr(why, "Multiple Message Capable is") != NULL);
            continue;
        }
        CHECK(rc == 0);
        unsigned last = l.per_vector_mask ? l.pending : l.data;
        CHECK(l.data > (l.address64 ? l.address_hi : l.address_lo) && last + 4u <= 0x18u);
    }
    CHECK_EQ_U64(pci_msi_vectors_enabled(0x0080), 0);
    CHECK_EQ_U64(pci_msi_vectors_enabled(0x0081), 1);
    CHECK_EQ_U64(pci_msi_vectors_enabled(0x00b5), 8); /* MME=3 */
}

static const struct check_case cases[] = {
    CHECK_CASE(compatibility_format),
    CHECK_CASE(remappable_format),
    CHECK_CASE(described),
    CHECK_CASE(layout_of_qemu_nvme),
    CHECK_CASE(layouts_refused),
    CHECK_CASE(msi_layouts),
};

int main(void)
{
    return CHECK_RUN("msi", cases);
}
