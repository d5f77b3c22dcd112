/* QEMU's edu device: BAR0 registers, 32-bit accesses only (the device ignores any other width below 0x80). */
#include "drivers/edu/edu.h"

#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "drivers/pci/pci_config.h"

#define EDU_BAR0_MIN_SIZE 0x100
#define EDU_IDENTIFICATION 0x00
#define EDU_INTERRUPT_STATUS 0x24
#define EDU_INTERRUPT_RAISE  0x60
#define EDU_INTERRUPT_ACK    0x64
#define EDU_SIGNATURE        0xed /* the identification register's low byte */

bool edu_is(const struct pci_function *f)
{
    return f->vendor_id == EDU_VENDOR_ID && f->device_id == EDU_DEVICE_ID && !f->left_alone;
}

int edu_open(const struct pci_function *f, struct edu *d, char *why, size_t len)
{
    const struct pci_bar *bar0 = &f->bars[0];
    if ((bar0->kind != PCI_BAR_MEM32 && bar0->kind != PCI_BAR_MEM64) || !bar0->address ||
        bar0->size < EDU_BAR0_MIN_SIZE) {
        snprintf(why, len, "BAR0 is no assigned memory BAR of 0x%x bytes or more (%s, 0x%llx bytes)",
                 EDU_BAR0_MIN_SIZE, pci_bar_kind_name(bar0->kind), (unsigned long long)bar0->size);
        return -1;
    }
    struct edu out = {.f = f, .mmio = bar0->address,
                      .command_found = pci_config_read16(f->address, PCI_COMMAND)};
    /* An MSI is a memory write by the device: it needs bus mastering as much as DMA does. */
    pci_config_write16(f->address, PCI_COMMAND,
                       out.command_found | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER);
    out.identification = mmio_read32(out.mmio + EDU_IDENTIFICATION);
    if ((out.identification & 0xffu) != EDU_SIGNATURE) {
        snprintf(why, len, "the identification register reads 0x%08x, not 0x......ed",
                 out.identification);
        pci_config_write16(f->address, PCI_COMMAND, out.command_found);
        return -1;
    }
    *d = out;
    return 0;
}

void edu_raise(const struct edu *d, uint32_t bits)
{
    mmio_write32(d->mmio + EDU_INTERRUPT_RAISE, bits);
}

void edu_acknowledge(const struct edu *d, uint32_t bits)
{
    mmio_write32(d->mmio + EDU_INTERRUPT_ACK, bits);
}

uint32_t edu_interrupt_status(const struct edu *d)
{
    return mmio_read32(d->mmio + EDU_INTERRUPT_STATUS);
}

void edu_intx_disable(const struct edu *d, bool disabled)
{
    uint16_t command = pci_config_read16(d->f->address, PCI_COMMAND);
    command = disabled ? command | PCI_COMMAND_INTX_DISABLE : command & ~PCI_COMMAND_INTX_DISABLE;
    pci_config_write16(d->f->address, PCI_COMMAND, command);
}

void edu_close(const struct edu *d)
{
    edu_acknowledge(d, ~0u);
    pci_config_write16(d->f->address, PCI_COMMAND, d->command_found);
}
