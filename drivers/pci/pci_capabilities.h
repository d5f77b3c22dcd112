/* PCI capability lists: the standard list from 0x34 and the PCIe extended list from 0x100. */
#ifndef NVMETAL_DRIVERS_PCI_CAPABILITIES_H
#define NVMETAL_DRIVERS_PCI_CAPABILITIES_H

#include "drivers/pci/pci.h"

/* Fills f->caps; a malformed list (pointer into the header, a loop, too many
 * entries) stops the walk and is described in f->cap_problem. */
void pci_walk_capabilities(struct pci_function *f);

#endif
