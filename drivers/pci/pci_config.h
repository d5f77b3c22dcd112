/* PCI configuration space access: ECAM through MCFG allocations, CF8/CFC as the fallback. */
#ifndef NVMETAL_DRIVERS_PCI_CONFIG_H
#define NVMETAL_DRIVERS_PCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/acpi.h"

struct pci_address {
    uint16_t segment;
    uint8_t bus, device, function;
};

/* Registers every ECAM region from MCFG, however many there are: the array is used in
 * place, not copied into a table of its own, so it must outlive every config access
 * (acpi_discover's heap array does). With none, only segment 0 through CF8/CFC (legacy
 * 256-byte space) is reachable. */
void pci_config_init(const struct acpi_mcfg_allocation *regions, unsigned count);
/* The registered ECAM regions (all `count` given to pci_config_init); returns their count. */
unsigned pci_config_regions(const struct acpi_mcfg_allocation **regions);
/* True when offsets 0x100..0xFFF are reachable (ECAM only). */
bool pci_config_has_extended_space(struct pci_address a);
/* Both-mechanism reads for cross-checking: CF8/CFC regardless of ECAM. */
uint32_t pci_config_read32_legacy(struct pci_address a, uint16_t offset);

/* Width-exact accessors; offset must be aligned to the width.
 * Unreachable functions read as all ones and drop writes. */
uint8_t pci_config_read8(struct pci_address a, uint16_t offset);
uint16_t pci_config_read16(struct pci_address a, uint16_t offset);
uint32_t pci_config_read32(struct pci_address a, uint16_t offset);
void pci_config_write16(struct pci_address a, uint16_t offset, uint16_t value);
void pci_config_write32(struct pci_address a, uint16_t offset, uint32_t value);

/* "00:04.0", or "0001:00:04.0" outside segment 0. */
void pci_address_format(struct pci_address a, char *out, unsigned len);

#endif
