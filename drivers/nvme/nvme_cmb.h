/* Controller Memory Buffer set-up for the NVMe driver. */
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

#endif
