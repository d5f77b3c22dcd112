/* MSI of one PCI function: the capability's layout from Message Control, one message written through config space, the per-vector mask where there is one, enable and restore. */
#ifndef NVMETAL_DRIVERS_PCI_MSI_H
#define NVMETAL_DRIVERS_PCI_MSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci/pci.h"
#include "lib/msi.h"

/* Where the registers lie, in bytes from the capability (PCI 3.0 6.8.1): they move with the
 * 64-bit address and the per-vector mask. address_hi, mask and pending are 0 when absent. */
struct pci_msi_layout {
    unsigned vectors_capable; /* 2^MMC */
    bool address64, per_vector_mask;
    uint8_t address_lo, address_hi, data, mask, pending;
};

/* Pure: the layout from the capability's first dword (ID, next, Message Control). Returns 0,
 * or -1 with why[] when MMC is a reserved encoding (above 5: more than 32 vectors). */
int pci_msi_layout(uint32_t header, struct pci_msi_layout *out, char *why, size_t len);

/* Pure: how many vectors a Message Control value has on (0 with MSI Enable off, else 2^MME). */
unsigned pci_msi_vectors_enabled(uint16_t control);

struct pci_msi {
    const struct pci_function *f;
    uint16_t cap; /* config offset of the capability */
    struct pci_msi_layout layout;
    /* As found, for pci_msi_restore. */
    uint16_t control_found;
    struct msi_message message_found;
    uint32_t mask_found;
};

/* Finds the capability, decodes its layout and keeps what it holds now; nothing is written.
 * Returns 0, or -1 (why). */
int pci_msi_open(const struct pci_function *f, struct pci_msi *m, char *why, size_t len);

/* The message of vector 0 (Multiple Message Enable stays 0: one vector). A 32-bit-only
 * capability takes addresses below 4 GiB, which every x86 MSI address is. */
void pci_msi_write(const struct pci_msi *m, struct msi_message msg);
struct msi_message pci_msi_read(const struct pci_msi *m);
/* MSI Enable on with one vector (MME=0), or off. */
void pci_msi_enable(const struct pci_msi *m, bool enable);
/* Vector 0's mask bit; false, and nothing written, without per-vector masking. */
bool pci_msi_mask(const struct pci_msi *m, bool masked);
/* Vector 0's pending bit (false without per-vector masking: there are no pending bits). */
bool pci_msi_pending(const struct pci_msi *m);
/* Message Control (16 bits, as read now). */
uint16_t pci_msi_control(const struct pci_msi *m);
/* Message Control off first, then the message and the mask bits as found, then Control. */
void pci_msi_restore(const struct pci_msi *m);

#endif
