/* NVMe register access: what every other file of the driver uses to read, write and wait on BAR0; it calls nothing of theirs. */
#ifndef NVMETAL_DRIVERS_NVME_REG_ACCESS_H
#define NVMETAL_DRIVERS_NVME_REG_ACCESS_H

#include "drivers/nvme/nvme.h"

/* The same wait as nvme_wait_register, but a controller in fatal status (CSTS.CFS) does not end
 * it: disabling a failed controller still has to see CSTS.RDY reach 0. */
int nvme_wait_register_through_fatal(struct nvme_controller *c, uint64_t offset, uint32_t mask,
                                     uint32_t value, uint64_t budget_us, const char *what);

#endif
