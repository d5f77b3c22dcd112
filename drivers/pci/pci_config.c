/* PCI configuration space access: ECAM MMIO where MCFG covers the bus, CF8/CFC port I/O otherwise. */
#include "drivers/pci/pci_config.h"

#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/port_io.h"

#define CF8_ADDRESS_PORT 0xcf8
#define CF8_DATA_PORT    0xcfc
#define CF8_ENABLE       0x80000000u

/* The MCFG's own allocations, all of them: a copy into a fixed table would have a limit,
 * and a ninth (or hundredth) segment past it would silently fall back to CF8/CFC. */
static const struct acpi_mcfg_allocation *ecam;
static unsigned ecam_count;

void pci_config_init(const struct acpi_mcfg_allocation *regions, unsigned count)
{
    ecam = regions;
    ecam_count = regions ? count : 0;
}

unsigned pci_config_regions(const struct acpi_mcfg_allocation **regions)
{
    *regions = ecam;
    return ecam_count;
}

static const struct acpi_mcfg_allocation *ecam_region(struct pci_address a)
{
    for (unsigned i = 0; i < ecam_count; i++)
        if (ecam[i].segment == a.segment && a.bus >= ecam[i].bus_start && a.bus <= ecam[i].bus_end)
            return &ecam[i];
    return NULL;
}

/* The MCFG base is where bus 0 would be, even when the region starts later. */
static uint64_t ecam_address(const struct acpi_mcfg_allocation *r, struct pci_address a,
                             uint16_t offset)
{
    return r->base + ((uint64_t)a.bus << 20) + ((uint64_t)a.device << 15) +
           ((uint64_t)a.function << 12) + offset;
}

static uint32_t cf8_address(struct pci_address a, uint16_t offset)
{
    return CF8_ENABLE | ((uint32_t)a.bus << 16) | ((uint32_t)a.device << 11) |
           ((uint32_t)a.function << 8) | (offset & 0xfc);
}

static bool legacy_reachable(struct pci_address a, uint16_t offset)
{
    return a.segment == 0 && offset < 0x100;
}

bool pci_config_has_extended_space(struct pci_address a)
{
    return ecam_region(a) != NULL;
}

uint32_t pci_config_read32_legacy(struct pci_address a, uint16_t offset)
{
    if (!legacy_reachable(a, offset))
        return 0xffffffffu;
    port_out32(CF8_ADDRESS_PORT, cf8_address(a, offset));
    return port_in32(CF8_DATA_PORT);
}

uint8_t pci_config_read8(struct pci_address a, uint16_t offset)
{
    const struct acpi_mcfg_allocation *r = ecam_region(a);
    if (r)
        return mmio_read8(ecam_address(r, a, offset));
    if (!legacy_reachable(a, offset))
        return 0xff;
    port_out32(CF8_ADDRESS_PORT, cf8_address(a, offset));
    return port_in8(CF8_DATA_PORT + (offset & 3));
}

uint16_t pci_config_read16(struct pci_address a, uint16_t offset)
{
    const struct acpi_mcfg_allocation *r = ecam_region(a);
    if (r)
        return mmio_read16(ecam_address(r, a, offset));
    if (!legacy_reachable(a, offset))
        return 0xffff;
    port_out32(CF8_ADDRESS_PORT, cf8_address(a, offset));
    return port_in16(CF8_DATA_PORT + (offset & 2));
}

uint32_t pci_config_read32(struct pci_address a, uint16_t offset)
{
    const struct acpi_mcfg_allocation *r = ecam_region(a);
    if (r)
        return mmio_read32(ecam_address(r, a, offset));
    return pci_config_read32_legacy(a, offset);
}

void pci_config_write16(struct pci_address a, uint16_t offset, uint16_t value)
{
    const struct acpi_mcfg_allocation *r = ecam_region(a);
    if (r) {
        mmio_write16(ecam_address(r, a, offset), value);
    } else if (legacy_reachable(a, offset)) {
        port_out32(CF8_ADDRESS_PORT, cf8_address(a, offset));
        port_out16(CF8_DATA_PORT + (offset & 2), value);
    }
}

void pci_config_write32(struct pci_address a, uint16_t offset, uint32_t value)
{
    const struct acpi_mcfg_allocation *r = ecam_region(a);
    if (r) {
        mmio_write32(ecam_address(r, a, offset), value);
    } else if (legacy_reachable(a, offset)) {
        port_out32(CF8_ADDRESS_PORT, cf8_address(a, offset));
        port_out32(CF8_DATA_PORT, value);
    }
}

void pci_address_format(struct pci_address a, char *out, unsigned len)
{
    if (a.segment)
        snprintf(out, len, "%04x:%02x:%02x.%x", a.segment, a.bus, a.device, a.function);
    else
        snprintf(out, len, "%02x:%02x.%x", a.bus, a.device, a.function);
}
