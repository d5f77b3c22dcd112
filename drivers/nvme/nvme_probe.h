/* NVMe controller discovery: find class 01:08:02 functions and read their identity registers. */
#ifndef NVMETAL_DRIVERS_NVME_PROBE_H
#define NVMETAL_DRIVERS_NVME_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/pci.h"

struct nvme_probe {
    const struct pci_function *pci;
    uint64_t bar0;       /* 0 when unusable; see problem */
    uint64_t cap;
    uint32_t vs, cc, csts;
    char problem[120];   /* why the registers could not be read, or "" */
};

/* True for class 01:08:02 (NVM Express I/O controller). */
bool nvme_is_controller(const struct pci_function *f);
/* Reads CAP, VS, CC and CSTS without changing controller state (memory decode
 * is turned on if firmware left it off). Returns 0, or -1 with problem set. */
int nvme_probe(const struct pci_function *f, struct nvme_probe *out);

#endif
