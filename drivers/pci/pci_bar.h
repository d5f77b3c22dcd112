/* PCI BAR decoding: turns the original and all-ones-probe readings into address, size and kind. */
#ifndef NVMETAL_DRIVERS_PCI_BAR_H
#define NVMETAL_DRIVERS_PCI_BAR_H

#include <stdbool.h>
#include <stdint.h>

enum pci_bar_kind { PCI_BAR_UNUSED, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_MEM1M };

struct pci_bar {
    enum pci_bar_kind kind;
    bool prefetchable;
    uint64_t address; /* as programmed by firmware; 0 means unassigned */
    uint64_t size;    /* 0 when the BAR is not implemented */
};

/* True when the low dword of a memory BAR says it takes two slots. */
bool pci_bar_is_64bit(uint32_t original_low);

/* original_* are the values read before probing; probe_* what read back after
 * writing all ones (the caller restores the original). The *_high arguments
 * are used only for 64-bit BARs. Returns 0, or -1 when the readings are not a
 * valid BAR (e.g. reserved memory type 0b11 or a size mask with holes). */
int pci_bar_decode(uint32_t original_low, uint32_t original_high, uint32_t probe_low,
                   uint32_t probe_high, struct pci_bar *out);

const char *pci_bar_kind_name(enum pci_bar_kind kind); /* "io", "mem32", "mem64", "mem1M" */

/* Human size: "16K", "1M", "4G", "512" (bytes). Writes at most len bytes. */
void format_size(uint64_t bytes, char *out, unsigned len);

#endif
