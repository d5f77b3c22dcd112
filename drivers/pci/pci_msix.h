/* MSI-X of one PCI function: where its table and PBA lie (checked against the BARs), entries written and read with 32-bit accesses, per-entry and function masks, enable and restore. */
#ifndef NVMETAL_DRIVERS_PCI_MSIX_H
#define NVMETAL_DRIVERS_PCI_MSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci/pci.h"
#include "lib/msi.h"

/* One table entry (PCI 3.0 6.8.2.6); never dereferenced, offsetof gives the offsets. */
struct __attribute__((packed)) pci_msix_entry {
    uint32_t address_lo;
    uint32_t address_hi;
    uint32_t data;
    uint32_t vector_control; /* bit 0: masked */
};
_Static_assert(sizeof(struct pci_msix_entry) == 16, "MSI-X table entries are 16 bytes");
#define PCI_MSIX_ENTRY_MASKED 1u

/* Where the capability says the table and the PBA are, in bytes from BAR0's first slot. */
struct pci_msix_layout {
    unsigned entries;          /* table size */
    uint8_t table_bir, pba_bir;
    uint32_t table_offset, pba_offset;
    uint64_t table_address, pba_address; /* CPU addresses, from the BARs */
};

/* Pure: the layout from the capability's dwords (header at +0, table at +4, PBA at +8) and the
 * function's BARs. Returns 0, or -1 with why[] when a BIR names no assigned memory BAR or the
 * table or PBA does not fit in its BAR or they overlap. */
int pci_msix_layout(const uint32_t dwords[3], const struct pci_bar bars[PCI_MAX_BARS],
                    struct pci_msix_layout *out, char *why, size_t len);

struct pci_msix {
    const struct pci_function *f;
    uint16_t cap;              /* config offset of the capability */
    uint16_t control_found;    /* Message Control as found, for pci_msix_restore */
    struct pci_msix_layout layout;
};

/* Finds the capability and checks its layout; nothing is written. Returns 0, or -1 (why). */
int pci_msix_open(const struct pci_function *f, struct pci_msix *m, char *why, size_t len);

/* Writes entry `index` (address, data, then the mask bit last when unmasking). */
void pci_msix_write_entry(const struct pci_msix *m, unsigned index, struct msi_message msg,
                          bool masked);
/* Reads entry `index` back; *vector_control (may be NULL) gets its control dword. */
struct msi_message pci_msix_read_entry(const struct pci_msix *m, unsigned index,
                                       uint32_t *vector_control);
void pci_msix_mask_entry(const struct pci_msix *m, unsigned index, bool masked);
/* The entry's Pending Bit. */
bool pci_msix_pending(const struct pci_msix *m, unsigned index);

/* MSI-X Enable on with the Function Mask off (INTx and MSI then do not fire), or off. */
void pci_msix_enable(const struct pci_msix *m, bool enable);
void pci_msix_function_mask(const struct pci_msix *m, bool masked);
/* Message Control (16 bits, as read now). */
uint16_t pci_msix_control(const struct pci_msix *m);
/* Message Control back to what pci_msix_open found. */
void pci_msix_restore(const struct pci_msix *m);

#endif
