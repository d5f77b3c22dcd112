/* PCI naming tables: class codes and capability IDs to the names lspci prints. */
#ifndef NVMETAL_DRIVERS_PCI_NAMES_H
#define NVMETAL_DRIVERS_PCI_NAMES_H

#include <stdint.h>

/* lspci's name of the class, as pci.ids gives it: the subclass's, else the base class's
 * (01:08 -> "Non-Volatile memory controller", 06:04 -> "PCI bridge"); NULL if unknown. */
const char *pci_class_name(uint8_t base, uint8_t sub);
/* The programming interface's name (01:08:02 -> "NVM Express", 06:04:00 -> "Normal decode"),
 * NULL if pci.ids has none. */
const char *pci_prog_if_name(uint8_t base, uint8_t sub, uint8_t prog_if);
/* Standard capability ID (0x01 -> "Power Management", 0x10 -> "Express", 0x11 -> "MSI-X"),
 * NULL if unknown. */
const char *pci_cap_name(uint8_t id);
/* Extended capability ID (0x0001 -> "Advanced Error Reporting", ...), NULL if unknown. */
const char *pci_ext_cap_name(uint16_t id);
/* The PCIe capability's device/port type (0 -> "Endpoint", 4 -> "Root Port"), NULL if reserved. */
const char *pci_express_type_name(unsigned type);

#endif
