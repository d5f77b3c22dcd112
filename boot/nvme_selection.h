/* NVMe selection at enumeration: config `devices` applied to each NVMe function with the serial the firmware knew. */
#ifndef NVMETAL_BOOT_NVME_SELECTION_H
#define NVMETAL_BOOT_NVME_SELECTION_H

#include "boot/boot_info.h"
#include "drivers/pci/pci.h"

/* A pci_leave_alone_fn; arg is the struct boot_info. Only NVMe functions (01:08:02) are
 * ever left alone: they are what the image drives. Prints one "# devices:" line per NVMe
 * function with the decision, the pattern that made it and where the serial came from. */
bool nvme_selection_leave_alone(const struct pci_function *f, void *arg, char *why,
                                unsigned why_len);

#endif
