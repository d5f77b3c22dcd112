/* Controller Memory Buffer and Persistent Memory Region set-up for the NVMe driver. */
#ifndef NVMETAL_DRIVERS_NVME_CMB_H
#define NVMETAL_DRIVERS_NVME_CMB_H

#include "drivers/nvme/nvme.h"

/* Discovers the CMB (NVMe 1.4 CMBMSC scheme, or the always-on legacy one),
 * programs its controller address (high dword first), checks CMBSTS.CBAI and
 * readies the allocator. Returns 0 (c->cmb.present says whether one exists)
 * or -1 when a CMB is announced but unusable (c->cmb.problem). */
int nvme_cmb_setup(struct nvme_controller *c);
/* Size in bytes of one CMBSZ.SZ unit. */
uint64_t nvme_cmb_unit_bytes(uint32_t cmbsz);

/* Discovers the PMR from CAP.PMRS and PMRCAP. Returns 0 (c->pmr.present) or -1. */
int nvme_pmr_setup(struct nvme_controller *c);
/* PMRCTL.EN=1 and wait for PMRSTS.NRDY=0, bounded by PMRTO; then PMRMSC when CMSS. */
int nvme_pmr_enable(struct nvme_controller *c);
/* PMRCTL.EN=0; returns PMRSTS as read afterwards. */
uint32_t nvme_pmr_disable(struct nvme_controller *c);
/* Makes earlier writes persistent as PMRCAP.PMRWBM says; returns PMRSTS read. */
uint32_t nvme_pmr_flush(struct nvme_controller *c);

#endif
