/* PMR discovery, enable/disable bounded by PMRTO, controller memory space and write flushing. */
#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_pmr.h"
#include "drivers/nvme/nvme_regs.h"

#define PMRWBM_READ_PMRSTS 0x2 /* a PMRSTS read completes earlier writes */
#define PMRWBM_READ_PMR    0x1 /* a read of the PMR itself completes them */
#define MIN_PMR_READY_US   500000u

int nvme_pmr_setup(struct nvme_controller *c)
{
    struct nvme_pmr *pmr = &c->pmr;
    memset(pmr, 0, sizeof(*pmr));
    if (!nvme_CAP_PMRS(c->cap))
        return 0;
    pmr->pmrcap = nvme_reg_read32(c, NVME_REG(pmrcap));
    pmr->bir = (uint8_t)nvme_PMRCAP_BIR(pmr->pmrcap);
    pmr->controller_memory_space = pmr->pmrcap & NVME_PMRCAP_CMSS;
    uint64_t unit_us = nvme_PMRCAP_PMRTU(pmr->pmrcap) == 0 ? 500000ull : 60000000ull;
    pmr->ready_budget_us = nvme_PMRCAP_PMRTO(pmr->pmrcap) * unit_us;
    if (pmr->ready_budget_us < MIN_PMR_READY_US)
        pmr->ready_budget_us = MIN_PMR_READY_US; /* PMRTO 0 still gets a bound, not forever */
    if (pmr->bir < 2 || pmr->bir >= c->pci->bar_slots) {
        snprintf(pmr->problem, sizeof(pmr->problem), "PMRCAP.BIR %u is not a BAR the PMR can use",
                 pmr->bir);
        return -1;
    }
    const struct pci_bar *bar = &c->pci->bars[pmr->bir];
    if ((bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) || !bar->address ||
        !bar->size) {
        snprintf(pmr->problem, sizeof(pmr->problem),
                 "PMR BAR%u is not an assigned memory BAR (address 0x%llx)", pmr->bir,
                 (unsigned long long)bar->address);
        return -1;
    }
    pmr->region = (struct nvme_region){NVME_MEMORY_PMR, bar->address, bar->address, bar->size};
    pmr->present = true;
    return 0;
}

/* PMRMSC: like CMBMSC, high dword first, the base latched on the low write. */
static int program_controller_address(struct nvme_controller *c)
{
    uint64_t cba = c->pmr.region.cpu;
    nvme_reg_write32(c, NVME_REG(pmrmscu), (uint32_t)(cba >> 32));
    nvme_reg_write32(c, NVME_REG(pmrmscl), (uint32_t)(cba & ~0xfffull) | NVME_PMRMSCL_CMSE);
    uint32_t pmrsts = nvme_reg_read32(c, NVME_REG(pmrsts));
    if (pmrsts & NVME_PMRSTS_CBAI) {
        snprintf(c->error, sizeof(c->error), "PMRSTS.CBAI: controller refused CBA 0x%llx",
                 (unsigned long long)cba);
        return -1;
    }
    c->pmr.region.bus = cba;
    return 0;
}

int nvme_pmr_enable(struct nvme_controller *c)
{
    nvme_reg_write32(c, NVME_REG(pmrctl), NVME_PMRCTL_EN);
    if (nvme_wait_register(c, NVME_REG(pmrsts), NVME_PMRSTS_NRDY, 0, c->pmr.ready_budget_us,
                           "PMRSTS.NRDY=0 after PMRCTL.EN=1") != 0)
        return -1;
    return c->pmr.controller_memory_space ? program_controller_address(c) : 0;
}

uint32_t nvme_pmr_disable(struct nvme_controller *c)
{
    nvme_reg_write32(c, NVME_REG(pmrctl), 0);
    return nvme_reg_read32(c, NVME_REG(pmrsts));
}

uint32_t nvme_pmr_flush(struct nvme_controller *c)
{
    uint32_t wbm = (uint32_t)nvme_PMRCAP_PMRWBM(c->pmr.pmrcap);
    if (!(wbm & PMRWBM_READ_PMRSTS) && (wbm & PMRWBM_READ_PMR))
        (void)nvme_region_read64(&c->pmr.region, 0);
    return nvme_reg_read32(c, NVME_REG(pmrsts));
}
