/* NVMe discovery: BAR0 checks and read-only reads of CAP, VS, CC and CSTS. */
#include "drivers/nvme/nvme_probe.h"

#include <stdio.h>
#include <string.h>

#include "arch/x86_64/mmio.h"
#include "drivers/nvme/nvme_regs.h"

bool nvme_is_controller(const struct pci_function *f)
{
    return pci_is_class(f, 0x01, 0x08, 0x02);
}

int nvme_probe(const struct pci_function *f, struct nvme_probe *out)
{
    memset(out, 0, sizeof(*out));
    out->pci = f;
    const struct pci_bar *bar0 = &f->bars[0];
    if (bar0->kind != PCI_BAR_MEM32 && bar0->kind != PCI_BAR_MEM64) {
        snprintf(out->problem, sizeof(out->problem), "BAR0 is not a memory BAR (%s)",
                 pci_bar_kind_name(bar0->kind));
        return -1;
    }
    if (bar0->address == 0) {
        snprintf(out->problem, sizeof(out->problem), "BAR0 left unassigned by firmware");
        return -1;
    }
    if (bar0->size < NVME_BAR0_MIN_SIZE) {
        snprintf(out->problem, sizeof(out->problem), "BAR0 is %llu bytes, less than 0x%x",
                 (unsigned long long)bar0->size, NVME_BAR0_MIN_SIZE);
        return -1;
    }
    uint16_t command = pci_config_read16(f->address, PCI_COMMAND);
    if (!(command & PCI_COMMAND_MEMORY))
        pci_config_write16(f->address, PCI_COMMAND, command | PCI_COMMAND_MEMORY);

    out->bar0 = bar0->address;
    out->cap = mmio_read64(out->bar0 + NVME_REG(cap));
    out->vs = mmio_read32(out->bar0 + NVME_REG(vs));
    out->cc = mmio_read32(out->bar0 + NVME_REG(cc));
    out->csts = mmio_read32(out->bar0 + NVME_REG(csts));
    if (out->cap == ~0ull || out->csts == ~0u) {
        snprintf(out->problem, sizeof(out->problem),
                 "registers read all ones (CAP 0x%016llx CSTS 0x%08x): device not responding",
                 (unsigned long long)out->cap, out->csts);
        return -1;
    }
    return 0;
}
