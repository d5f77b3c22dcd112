/* Bus mastering up the bridge path, and function-level reset with config save and restore. */
#include "drivers/pci/pci_path.h"

#include <stdio.h>

#include "arch/x86_64/timer.h"

#define PCIE_DEVICE_CAPABILITIES 0x04
#define PCIE_DEVICE_CONTROL      0x08
#define PCIE_DEVCAP_FLR          (1u << 28)
#define PCIE_DEVCTL_FLR          (1u << 15)
#define FLR_SETTLE_US            100000u  /* PCIe: wait 100 ms before the first config access */
#define FLR_ANSWER_BUDGET_US     1000000u

const struct pci_function *pci_bridge_above(const struct pci_inventory *inv,
                                            const struct pci_function *f)
{
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *b = &inv->functions[i];
        if (b->header_type == PCI_HEADER_BRIDGE && b->address.segment == f->address.segment &&
            b->secondary_bus == f->address.bus)
            return b;
    }
    return NULL;
}

static void enable_decode_and_mastering(const struct pci_function *f)
{
    uint16_t command = pci_config_read16(f->address, PCI_COMMAND);
    uint16_t wanted = command | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER;
    if (wanted != command)
        pci_config_write16(f->address, PCI_COMMAND, wanted);
}

void pci_enable_bus_master_path(const struct pci_inventory *inv, const struct pci_function *f)
{
    /* Bounded by the table size: a malformed bridge loop cannot spin. */
    for (unsigned hops = 0; f && hops < PCI_MAX_FUNCTIONS; hops++) {
        enable_decode_and_mastering(f);
        f = pci_bridge_above(inv, f);
    }
}

#define PCIE_CAP_FLAGS          0x02
#define PCIE_TYPE_PCIE_TO_PCI   0x7 /* device/port type: PCI Express to PCI/PCI-X bridge */

static bool is_pcie_to_pci_bridge(const struct pci_function *b)
{
    const struct pci_capability *pcie = pci_find_capability(b, PCI_CAP_ID_PCIE, false);
    if (!pcie)
        return false;
    uint16_t flags = pci_config_read16(b->address, pcie->offset + PCIE_CAP_FLAGS);
    return ((flags >> 4) & 0xf) == PCIE_TYPE_PCIE_TO_PCI;
}

uint16_t pci_requester_id(const struct pci_inventory *inv, const struct pci_function *f)
{
    uint16_t id = (uint16_t)(f->address.bus << 8 | f->address.device << 3 | f->address.function);
    /* Walk up: the nearest PCIe-to-PCI bridge above a conventional bus owns the requests. */
    const struct pci_function *child = f;
    for (unsigned hops = 0; hops < PCI_MAX_FUNCTIONS; hops++) {
        const struct pci_function *bridge = pci_bridge_above(inv, child);
        if (!bridge)
            break;
        if (is_pcie_to_pci_bridge(bridge))
            id = (uint16_t)(bridge->secondary_bus << 8);
        child = bridge;
    }
    return id;
}

int pci_function_level_reset(const struct pci_function *f, char why[120])
{
    const struct pci_capability *pcie = pci_find_capability(f, PCI_CAP_ID_PCIE, false);
    if (!pcie) {
        snprintf(why, 120, "no PCIe capability");
        return -1;
    }
    uint32_t devcap = pci_config_read32(f->address, pcie->offset + PCIE_DEVICE_CAPABILITIES);
    if (!(devcap & PCIE_DEVCAP_FLR)) {
        snprintf(why, 120, "DevCap 0x%08x does not offer function-level reset", devcap);
        return -1;
    }
    uint32_t bars[PCI_MAX_BARS];
    for (unsigned slot = 0; slot < f->bar_slots; slot++)
        bars[slot] = pci_config_read32(f->address, PCI_BAR0 + 4 * slot);
    uint16_t command = pci_config_read16(f->address, PCI_COMMAND);

    uint16_t devctl = pci_config_read16(f->address, pcie->offset + PCIE_DEVICE_CONTROL);
    pci_config_write16(f->address, pcie->offset + PCIE_DEVICE_CONTROL, devctl | PCIE_DEVCTL_FLR);
    delay_us(FLR_SETTLE_US);
    struct deadline d = deadline_after_us(FLR_ANSWER_BUDGET_US);
    while (pci_config_read16(f->address, PCI_VENDOR_ID) == 0xffff) {
        if (deadline_passed(d)) {
            snprintf(why, 120, "function still reads 0xffff %u ms after FLR",
                     (FLR_SETTLE_US + FLR_ANSWER_BUDGET_US) / 1000);
            return -1;
        }
        delay_us(1000);
    }
    for (unsigned slot = 0; slot < f->bar_slots; slot++)
        pci_config_write32(f->address, PCI_BAR0 + 4 * slot, bars[slot]);
    pci_config_write16(f->address, PCI_COMMAND, command);
    return 0;
}
