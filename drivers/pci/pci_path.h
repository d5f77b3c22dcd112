/* The path from a function up to its root: bus mastering along it, and function-level reset. */
#ifndef NVMETAL_DRIVERS_PCI_PATH_H
#define NVMETAL_DRIVERS_PCI_PATH_H

#include "drivers/pci/pci.h"

/* Sets Memory Space and Bus Master Enable on f and on every bridge above it. */
void pci_enable_bus_master_path(const struct pci_inventory *inv, const struct pci_function *f);
/* The source ID the function's DMA carries upstream: its own bus/device/function,
 * or (secondary bus, 00.0) when it sits on a conventional bus behind a
 * PCIe-to-PCI bridge, which takes ownership of the requests it forwards. */
uint16_t pci_requester_id(const struct pci_inventory *inv, const struct pci_function *f);
/* The bridge whose secondary bus is f's bus, or NULL on a root bus. */
const struct pci_function *pci_bridge_above(const struct pci_inventory *inv,
                                            const struct pci_function *f);

/* Function-level reset through the PCIe capability: saves the command
 * register and BARs, resets, waits for the function to answer again and
 * restores them. Returns 0, or -1 with why[] (no FLR capability, timeout). */
int pci_function_level_reset(const struct pci_function *f, char why[120]);

#endif
