/* Where an MSI-X table and PBA lie: the capability's BIR/offset dwords checked against the function's BARs, before anything is written there. */
#include "drivers/pci/pci_msix.h"

#include <stdio.h>

#include "drivers/pci/pci_capabilities.h"

/* The CPU address of `bytes` at `offset` into BAR `bir`, or 0 with why[]. */
static uint64_t place(const char *what, uint8_t bir, uint32_t offset, uint64_t bytes,
                      const struct pci_bar bars[PCI_MAX_BARS], char *why, size_t len)
{
    if (bir >= PCI_MAX_BARS) {
        snprintf(why, len, "MSI-X %s BIR %u names no BAR", what, bir);
        return 0;
    }
    const struct pci_bar *b = &bars[bir];
    if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64 && b->kind != PCI_BAR_MEM1M) {
        snprintf(why, len, "MSI-X %s BIR %u is not a memory BAR (%s)", what, bir,
                 pci_bar_kind_name(b->kind));
        return 0;
    }
    if (!b->address || !b->size) {
        snprintf(why, len, "MSI-X %s BAR%u is not assigned", what, bir);
        return 0;
    }
    if (b->address > UINT64_MAX - (b->size - 1)) {
        snprintf(why, len, "MSI-X %s BAR%u (0x%llx bytes at 0x%llx) wraps past the top of memory",
                 what, bir, (unsigned long long)b->size, (unsigned long long)b->address);
        return 0;
    }
    if ((uint64_t)offset + bytes > b->size) {
        snprintf(why, len, "MSI-X %s (0x%llx bytes at +0x%x) ends beyond BAR%u (0x%llx bytes)",
                 what, (unsigned long long)bytes, offset, bir, (unsigned long long)b->size);
        return 0;
    }
    return b->address + offset;
}

int pci_msix_layout(const uint32_t dwords[3], const struct pci_bar bars[PCI_MAX_BARS],
                    struct pci_msix_layout *out, char *why, size_t len)
{
    struct pci_msix_layout l = {
        .entries = (unsigned)pci_MSIX_HEADER_TABLE_SIZE(dwords[0]) + 1,
        .table_bir = (uint8_t)pci_MSIX_LOCATION_BIR(dwords[1]),
        .table_offset = (uint32_t)pci_MSIX_LOCATION_OFFSET(dwords[1]) << 3,
        .pba_bir = (uint8_t)pci_MSIX_LOCATION_BIR(dwords[2]),
        .pba_offset = (uint32_t)pci_MSIX_LOCATION_OFFSET(dwords[2]) << 3,
    };
    uint64_t table_bytes = (uint64_t)l.entries * sizeof(struct pci_msix_entry);
    uint64_t pba_bytes = ((uint64_t)l.entries + 63) / 64 * 8; /* QWORDs of pending bits */
    l.table_address = place("table", l.table_bir, l.table_offset, table_bytes, bars, why, len);
    if (!l.table_address)
        return -1;
    l.pba_address = place("PBA", l.pba_bir, l.pba_offset, pba_bytes, bars, why, len);
    if (!l.pba_address)
        return -1;
    if (l.table_address < l.pba_address + pba_bytes && l.pba_address < l.table_address + table_bytes) {
        snprintf(why, len, "MSI-X table (+0x%x, %u entries) and PBA (+0x%x) overlap",
                 l.table_offset, l.entries, l.pba_offset);
        return -1;
    }
    *out = l;
    return 0;
}
