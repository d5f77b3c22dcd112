/* CMB discovery and enablement: the NVMe 1.4 CMBMSC scheme and the pre-1.4 always-on window. */
#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_regs.h"


uint64_t nvme_cmb_unit_bytes(uint32_t cmbsz)
{
    uint64_t szu = nvme_CMBSZ_SZU(cmbsz);
    return szu <= 6 ? 4096ull << (4 * szu) : 0; /* 4K, 64K, 1M, 16M, 256M, 4G, 64G */
}

static int unusable(struct nvme_controller *c, const char *fmt, unsigned long long a,
                    unsigned long long b)
{
    snprintf(c->cmb.problem, sizeof(c->cmb.problem), fmt, a, b);
    c->cmb.present = false;
    return -1;
}

/* CMBMSC: the window base is latched when the low dword is written, from the
 * high dword stored at that moment, so the high dword must go first. */
static void write_cmbmsc(struct nvme_controller *c, uint64_t value)
{
    nvme_reg_write32(c, NVME_REG(cmbmsc) + 4, (uint32_t)(value >> 32));
    nvme_reg_write32(c, NVME_REG(cmbmsc), (uint32_t)value);
}

int nvme_cmb_setup(struct nvme_controller *c)
{
    struct nvme_cmb *cmb = &c->cmb;
    memset(cmb, 0, sizeof(*cmb));
    uint32_t cmbmsc = nvme_reg_read32(c, NVME_REG(cmbmsc));
    uint32_t early_cmbsz = nvme_reg_read32(c, NVME_REG(cmbsz));
    /* 1.4 hides CMBLOC/CMBSZ until CMBMSC.CRE; a controller that shows them
     * before that is using the older scheme, where CBA does not exist. */
    cmb->legacy = early_cmbsz != 0 && !(cmbmsc & NVME_CMBMSC_CRE);
    if (!nvme_CAP_CMBS(c->cap) && !early_cmbsz)
        return 0;
    if (!cmb->legacy)
        write_cmbmsc(c, NVME_CMBMSC_CRE);
    cmb->cmbloc = nvme_reg_read32(c, NVME_REG(cmbloc));
    cmb->cmbsz = nvme_reg_read32(c, NVME_REG(cmbsz));
    if (!cmb->cmbsz)
        return unusable(c, "CAP.CMBS=%llu but CMBSZ reads 0 after CMBMSC.CRE=1 (CMBLOC 0x%llx)",
                        (unsigned long long)nvme_CAP_CMBS(c->cap), cmb->cmbloc);

    uint64_t unit = nvme_cmb_unit_bytes(cmb->cmbsz);
    uint64_t size = nvme_CMBSZ_SZ(cmb->cmbsz) * unit;
    uint64_t offset = nvme_CMBLOC_OFST(cmb->cmbloc) * unit;
    cmb->bir = cmb->cmbloc & 7;
    if (!unit || !size)
        return unusable(c, "CMBSZ 0x%llx describes no memory (unit %llu)", cmb->cmbsz, unit);
    if (cmb->bir >= c->pci->bar_slots)
        return unusable(c, "CMBLOC.BIR %llu names no BAR (%llu slots)", cmb->bir,
                        c->pci->bar_slots);
    const struct pci_bar *bar = &c->pci->bars[cmb->bir];
    cmb->bar_address = bar->address;
    cmb->bar_size = bar->size;
    if ((bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) || !bar->address)
        return unusable(c, "CMB BAR%llu is not an assigned memory BAR (address 0x%llx)",
                        cmb->bir, bar->address);
    if (offset + size > bar->size)
        return unusable(c, "CMB of %llu bytes at offset %llu does not fit its BAR", size,
                        offset);

    uint64_t cpu = bar->address + offset;
    uint64_t bus = cpu;
    if (!cmb->legacy) {
        /* CBA = the BAR's own address: then a peer's DMA to the BAR and this
         * controller's own raw-address check agree on where the window is. */
        write_cmbmsc(c, cpu | NVME_CMBMSC_CMSE | NVME_CMBMSC_CRE);
        uint32_t cmbsts = nvme_reg_read32(c, NVME_REG(cmbsts));
        if (cmbsts & NVME_CMBSTS_CBAI)
            return unusable(c, "CMBSTS.CBAI: controller refused CBA 0x%llx (CMBSTS 0x%llx)", cpu,
                            cmbsts);
    }
    cmb->window = (struct nvme_region){NVME_MEMORY_CMB, cpu, bus, size};
    uint64_t managed = size < sizeof(cmb->allocator_bitmap) * 8ull * PAGE_SIZE
                           ? size
                           : sizeof(cmb->allocator_bitmap) * 8ull * PAGE_SIZE;
    if (page_pool_init(&cmb->allocator, cpu, managed, cmb->allocator_bitmap,
                       sizeof(cmb->allocator_bitmap)) != 0)
        return unusable(c, "CMB at 0x%llx (%llu bytes) is not page aligned", cpu, size);
    cmb->present = true;
    return 0;
}
