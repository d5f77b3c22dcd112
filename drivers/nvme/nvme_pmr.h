/* Persistent Memory Region set-up and access for the NVMe driver. */
#ifndef NVMETAL_DRIVERS_NVME_PMR_H
#define NVMETAL_DRIVERS_NVME_PMR_H

#include "drivers/nvme/nvme.h"

/* Discovers the PMR from CAP.PMRS and PMRCAP. Returns 0 (c->pmr.present) or -1. */
int nvme_pmr_setup(struct nvme_controller *c);
/* PMRCTL.EN=1 and wait for PMRSTS.NRDY=0, bounded by PMRTO; then PMRMSC when CMSS. */
int nvme_pmr_enable(struct nvme_controller *c);
/* PMRCTL.EN=0; returns PMRSTS as read afterwards. */
uint32_t nvme_pmr_disable(struct nvme_controller *c);
/* Makes earlier writes persistent as PMRCAP.PMRWBM says; returns PMRSTS read. */
uint32_t nvme_pmr_flush(struct nvme_controller *c);

#endif
