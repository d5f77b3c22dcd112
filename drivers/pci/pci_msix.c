/* MSI-X: the capability's Message Control through config space, table entries and pending bits through the BAR, 32-bit accesses each. */
#include "drivers/pci/pci_msix.h"

#include <stddef.h>
#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "drivers/pci/pci_capabilities.h"

#define MSIX_CONTROL 2 /* Message Control: the upper half of the capability's first dword */

int pci_msix_open(const struct pci_function *f, struct pci_msix *m, char *why, size_t len)
{
    const struct pci_capability *cap = pci_find_capability(f, PCI_CAP_ID_MSIX, false);
    if (!cap) {
        snprintf(why, len, "no MSI-X capability");
        return -1;
    }
    /* The dwords again, as they are now (the inventory's copy is from enumeration). */
    uint32_t dwords[3];
    for (unsigned i = 0; i < 3; i++)
        dwords[i] = pci_config_read32(f->address, (uint16_t)(cap->offset + 4 * i));
    struct pci_msix out = {.f = f, .cap = cap->offset, .control_found = (uint16_t)(dwords[0] >> 16)};
    if (pci_msix_layout(dwords, f->bars, &out.layout, why, len) != 0)
        return -1;
    *m = out;
    return 0;
}

static uint64_t entry_address(const struct pci_msix *m, unsigned index, size_t field)
{
    return m->layout.table_address + (uint64_t)index * sizeof(struct pci_msix_entry) + field;
}

void pci_msix_mask_entry(const struct pci_msix *m, unsigned index, bool masked)
{
    uint64_t at = entry_address(m, index, offsetof(struct pci_msix_entry, vector_control));
    uint32_t control = mmio_read32(at);
    control = masked ? control | PCI_MSIX_ENTRY_MASKED : control & ~PCI_MSIX_ENTRY_MASKED;
    mmio_write32(at, control);
}

void pci_msix_write_entry(const struct pci_msix *m, unsigned index, struct msi_message msg,
                          bool masked)
{
    /* Masked while the message changes, so that no half-written one is ever sent. */
    pci_msix_mask_entry(m, index, true);
    mmio_write32(entry_address(m, index, offsetof(struct pci_msix_entry, address_lo)),
                 (uint32_t)msg.address);
    mmio_write32(entry_address(m, index, offsetof(struct pci_msix_entry, address_hi)),
                 (uint32_t)(msg.address >> 32));
    mmio_write32(entry_address(m, index, offsetof(struct pci_msix_entry, data)), msg.data);
    if (!masked)
        pci_msix_mask_entry(m, index, false);
}

struct msi_message pci_msix_read_entry(const struct pci_msix *m, unsigned index,
                                       uint32_t *vector_control)
{
    uint32_t lo = mmio_read32(entry_address(m, index, offsetof(struct pci_msix_entry, address_lo)));
    uint32_t hi = mmio_read32(entry_address(m, index, offsetof(struct pci_msix_entry, address_hi)));
    uint32_t data = mmio_read32(entry_address(m, index, offsetof(struct pci_msix_entry, data)));
    if (vector_control)
        *vector_control =
            mmio_read32(entry_address(m, index, offsetof(struct pci_msix_entry, vector_control)));
    return (struct msi_message){.address = (uint64_t)hi << 32 | lo, .data = data};
}

bool pci_msix_pending(const struct pci_msix *m, unsigned index)
{
    uint32_t word = mmio_read32(m->layout.pba_address + 4u * (index / 32u));
    return (word >> (index % 32u)) & 1u;
}

uint16_t pci_msix_control(const struct pci_msix *m)
{
    return pci_config_read16(m->f->address, (uint16_t)(m->cap + MSIX_CONTROL));
}

/* Message Control's bits as fields of the capability's first dword (pci_capabilities.h). */
static void write_control(const struct pci_msix *m, uint32_t header)
{
    pci_config_write16(m->f->address, (uint16_t)(m->cap + MSIX_CONTROL), (uint16_t)(header >> 16));
}

void pci_msix_enable(const struct pci_msix *m, bool enable)
{
    uint32_t header = (uint32_t)pci_msix_control(m) << 16;
    header &= ~(uint32_t)(PCI_MSIX_HEADER_ENABLE | PCI_MSIX_HEADER_MASK);
    if (enable)
        header |= pci_put_MSIX_HEADER_ENABLE(1);
    write_control(m, header);
}

void pci_msix_function_mask(const struct pci_msix *m, bool masked)
{
    uint32_t header = (uint32_t)pci_msix_control(m) << 16;
    header = masked ? header | PCI_MSIX_HEADER_MASK : header & ~(uint32_t)PCI_MSIX_HEADER_MASK;
    write_control(m, header);
}

void pci_msix_restore(const struct pci_msix *m)
{
    write_control(m, (uint32_t)m->control_found << 16);
}
