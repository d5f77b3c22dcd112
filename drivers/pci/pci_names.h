/* PCI naming tables: class codes and capability IDs to short names. */
#ifndef NVMETAL_DRIVERS_PCI_NAMES_H
#define NVMETAL_DRIVERS_PCI_NAMES_H

#include <stdint.h>

/* Most specific known name for the class triple, e.g. 01:08:02 -> "NVMe controller",
 * 06:04:00 -> "PCI bridge", unknown -> "class". Never NULL. */
const char *pci_class_name(uint8_t base, uint8_t sub, uint8_t prog_if);
/* Standard capability ID (0x10 -> "PCIe", 0x11 -> "MSI-X"...), NULL if unknown. */
const char *pci_cap_name(uint8_t id);
/* Extended capability ID (0x0001 -> "AER", 0x000e -> "ARI"...), NULL if unknown. */
const char *pci_ext_cap_name(uint16_t id);

#endif
