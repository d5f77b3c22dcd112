/* MSI: Message Control, address, data and the mask bits of one function, all in config space, each at its own width. */
#include "drivers/pci/pci_msi.h"

#include <stdio.h>

#include "drivers/pci/pci_capabilities.h"

#define MSI_CONTROL 2 /* Message Control: the upper half of the capability's first dword */
#define VECTOR0     1u /* vector 0's bit in Mask Bits and Pending Bits */

static uint16_t at(const struct pci_msi *m, uint8_t offset)
{
    return (uint16_t)(m->cap + offset);
}

uint16_t pci_msi_control(const struct pci_msi *m)
{
    return pci_config_read16(m->f->address, at(m, MSI_CONTROL));
}

struct msi_message pci_msi_read(const struct pci_msi *m)
{
    struct pci_address a = m->f->address;
    uint64_t address = pci_config_read32(a, at(m, m->layout.address_lo));
    if (m->layout.address64)
        address |= (uint64_t)pci_config_read32(a, at(m, m->layout.address_hi)) << 32;
    return (struct msi_message){.address = address, .data = pci_config_read16(a, at(m, m->layout.data))};
}

int pci_msi_open(const struct pci_function *f, struct pci_msi *m, char *why, size_t len)
{
    const struct pci_capability *cap = pci_find_capability(f, PCI_CAP_ID_MSI, false);
    if (!cap) {
        snprintf(why, len, "no MSI capability");
        return -1;
    }
    /* The header again, as it is now (the inventory's copy is from enumeration). */
    uint32_t header = pci_config_read32(f->address, cap->offset);
    struct pci_msi out = {.f = f, .cap = cap->offset, .control_found = (uint16_t)(header >> 16)};
    if (pci_msi_layout(header, &out.layout, why, len) != 0)
        return -1;
    out.message_found = pci_msi_read(&out);
    if (out.layout.per_vector_mask)
        out.mask_found = pci_config_read32(f->address, at(&out, out.layout.mask));
    *m = out;
    return 0;
}

static void write_control(const struct pci_msi *m, uint32_t header)
{
    pci_config_write16(m->f->address, at(m, MSI_CONTROL), (uint16_t)(header >> 16));
}

static void write_message(const struct pci_msi *m, struct msi_message msg)
{
    struct pci_address a = m->f->address;
    pci_config_write32(a, at(m, m->layout.address_lo), (uint32_t)msg.address);
    if (m->layout.address64)
        pci_config_write32(a, at(m, m->layout.address_hi), (uint32_t)(msg.address >> 32));
    pci_config_write16(a, at(m, m->layout.data), (uint16_t)msg.data);
}

void pci_msi_write(const struct pci_msi *m, struct msi_message msg)
{
    /* With a mask, vector 0 is masked while the message changes, so that no half-written one
     * is ever sent; without one the caller changes it only while MSI is off. */
    bool masked = m->layout.per_vector_mask &&
                  (pci_config_read32(m->f->address, at(m, m->layout.mask)) & VECTOR0);
    pci_msi_mask(m, true);
    write_message(m, msg);
    if (!masked)
        pci_msi_mask(m, false);
}

void pci_msi_enable(const struct pci_msi *m, bool enable)
{
    uint32_t header = (uint32_t)pci_msi_control(m) << 16;
    header &= ~(uint32_t)(PCI_MSI_HEADER_ENABLE | PCI_MSI_HEADER_MME);
    if (enable)
        header |= pci_put_MSI_HEADER_ENABLE(1);
    write_control(m, header);
}

bool pci_msi_mask(const struct pci_msi *m, bool masked)
{
    if (!m->layout.per_vector_mask)
        return false;
    uint16_t offset = at(m, m->layout.mask);
    uint32_t bits = pci_config_read32(m->f->address, offset);
    pci_config_write32(m->f->address, offset, masked ? bits | VECTOR0 : bits & ~VECTOR0);
    return true;
}

bool pci_msi_pending(const struct pci_msi *m)
{
    if (!m->layout.per_vector_mask)
        return false;
    return (pci_config_read32(m->f->address, at(m, m->layout.pending)) & VECTOR0) != 0;
}

void pci_msi_restore(const struct pci_msi *m)
{
    pci_msi_enable(m, false);
    write_message(m, m->message_found);
    if (m->layout.per_vector_mask)
        pci_config_write32(m->f->address, at(m, m->layout.mask), m->mask_found);
    write_control(m, (uint32_t)m->control_found << 16);
}
