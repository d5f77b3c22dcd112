/* PCI capability lists: the standard list from 0x34 and the PCIe extended list from 0x100. */
#ifndef NVMETAL_DRIVERS_PCI_CAPABILITIES_H
#define NVMETAL_DRIVERS_PCI_CAPABILITIES_H

#include "drivers/pci/pci.h"
#include "lib/bitfield.h"

/* The capability fields the inventory decodes, defined once (PCI 3.0 and PCIe 6.0 chapter 7):
 * X(REGISTER, FIELD, lsb, width), each register the dword pci_capability.dwords[] holds. */
#define PCI_PM_FIELDS(X) X(PM_HEADER, VERSION, 16, 3)
#define PCI_MSI_FIELDS(X)                                                                       \
    X(MSI_HEADER, ENABLE, 16, 1) X(MSI_HEADER, MMC, 17, 3) X(MSI_HEADER, MME, 20, 3)            \
    X(MSI_HEADER, ADDR64, 23, 1) X(MSI_HEADER, PVM, 24, 1)
#define PCI_MSIX_FIELDS(X)                                                                      \
    X(MSIX_HEADER, TABLE_SIZE, 16, 11) X(MSIX_HEADER, MASK, 30, 1) X(MSIX_HEADER, ENABLE, 31, 1) \
    X(MSIX_LOCATION, BIR, 0, 3) X(MSIX_LOCATION, OFFSET, 3, 29) /* table (+4) and PBA (+8) */
#define PCI_EXP_FIELDS(X)                                                                       \
    X(EXP_HEADER, VERSION, 16, 4) X(EXP_HEADER, TYPE, 20, 4) X(EXP_HEADER, SLOT, 24, 1)         \
    X(EXP_HEADER, MSI, 25, 5)                                                                   \
    X(EXP_DEVCAP, MPS, 0, 3) X(EXP_DEVCAP, PHANTOM, 3, 2) X(EXP_DEVCAP, FLR, 28, 1)
#define PCI_SSVID_FIELDS(X) X(SSVID_IDS, VENDOR, 0, 16) X(SSVID_IDS, DEVICE, 16, 16)
#define PCI_SATA_FIELDS(X) X(SATA_HEADER, MINOR, 16, 4) X(SATA_HEADER, MAJOR, 20, 4)
#define PCI_VENDOR_CAP_FIELDS(X) X(VENDOR_HEADER, LENGTH, 16, 8)
#define PCI_EXT_FIELDS(X) X(EXT_HEADER, ID, 0, 16) X(EXT_HEADER, VERSION, 16, 4) X(EXT_HEADER, NEXT, 20, 12)
#define PCI_BITS_PM_HEADER 32
#define PCI_BITS_MSI_HEADER 32
#define PCI_BITS_MSIX_HEADER 32
#define PCI_BITS_MSIX_LOCATION 32
#define PCI_BITS_EXP_HEADER 32
#define PCI_BITS_EXP_DEVCAP 32
#define PCI_BITS_SSVID_IDS 32
#define PCI_BITS_SATA_HEADER 32
#define PCI_BITS_VENDOR_HEADER 32
#define PCI_BITS_EXT_HEADER 32
#define PCI_CAP_FIELD_DEFINE(reg, field, lsb, width) REGFIELD_DEFINE(PCI, pci, reg, field, lsb, width)
PCI_PM_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_MSI_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_MSIX_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_EXP_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_SSVID_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_SATA_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_VENDOR_CAP_FIELDS(PCI_CAP_FIELD_DEFINE)
PCI_EXT_FIELDS(PCI_CAP_FIELD_DEFINE)

/* PCIe device/port types (PCI_EXP_HEADER_TYPE). */
#define PCI_EXP_TYPE_ENDPOINT        0x0
#define PCI_EXP_TYPE_LEGACY_ENDPOINT 0x1
#define PCI_EXP_TYPE_ROOT_PORT       0x4
#define PCI_EXP_TYPE_DOWNSTREAM      0x6
#define PCI_EXP_TYPE_RC_ENDPOINT     0x9

/* Fills f->caps (each with the dwords the inventory decodes) and the subsystem IDs; a
 * malformed list (pointer into the header, a loop, too many entries) stops the walk and is
 * described in f->cap_problem. Config-space reads only. */
void pci_walk_capabilities(struct pci_function *f);

#endif
