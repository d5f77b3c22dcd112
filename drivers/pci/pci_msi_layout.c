/* Where an MSI capability's registers lie: offsets that follow from Message Control's 64-bit and per-vector-mask bits. */
#include "drivers/pci/pci_msi.h"

#include <stdio.h>

#include "drivers/pci/pci_capabilities.h"

#define MSI_MMC_LARGEST 5 /* 32 vectors; 6 and 7 are reserved */

int pci_msi_layout(uint32_t header, struct pci_msi_layout *out, char *why, size_t len)
{
    unsigned mmc = pci_MSI_HEADER_MMC(header);
    if (mmc > MSI_MMC_LARGEST) {
        snprintf(why, len, "MSI Multiple Message Capable is %u, a reserved encoding", mmc);
        return -1;
    }
    struct pci_msi_layout l = {.vectors_capable = 1u << mmc,
                               .address64 = pci_MSI_HEADER_ADDR64(header) != 0,
                               .per_vector_mask = pci_MSI_HEADER_PVM(header) != 0,
                               .address_lo = 0x04};
    /* Message Data follows the address (one or two dwords); Mask Bits and Pending Bits
     * follow the data's dword. */
    uint8_t next = 0x08;
    if (l.address64) {
        l.address_hi = next;
        next += 4;
    }
    l.data = next;
    next += 4;
    if (l.per_vector_mask) {
        l.mask = next;
        l.pending = (uint8_t)(next + 4);
    }
    *out = l;
    return 0;
}

unsigned pci_msi_vectors_enabled(uint16_t control)
{
    uint32_t header = (uint32_t)control << 16;
    return pci_MSI_HEADER_ENABLE(header) ? 1u << pci_MSI_HEADER_MME(header) : 0;
}
