/* The PCI inventory: every function found, with its decoded BARs, bridge windows and capabilities. */
#ifndef NVMETAL_DRIVERS_PCI_H
#define NVMETAL_DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/pci_bar.h"
#include "drivers/pci/pci_config.h"

/* Standard header offsets and bits this driver uses. */
#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION_ID      0x08
#define PCI_CLASS_CODE       0x09 /* prog-if, subclass at 0x0a, base class at 0x0b */
#define PCI_HEADER_TYPE      0x0e
#define PCI_BAR0             0x10
#define PCI_SUBSYSTEM_VENDOR 0x2c /* type 0; the device ID follows at 0x2e */
#define PCI_PRIMARY_BUS      0x18 /* type 1 */
#define PCI_SECONDARY_BUS    0x19
#define PCI_SUBORDINATE_BUS  0x1a
#define PCI_CAPABILITY_LIST  0x34

#define PCI_COMMAND_IO          0x0001
#define PCI_COMMAND_MEMORY      0x0002
#define PCI_COMMAND_BUS_MASTER  0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST     0x0010
#define PCI_HEADER_TYPE_MASK    0x7f
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_ENDPOINT     0
#define PCI_HEADER_BRIDGE       1

#define PCI_CAP_ID_PM    0x01
#define PCI_CAP_ID_MSI   0x05
#define PCI_CAP_ID_SSVID 0x0d /* a bridge's subsystem IDs */
#define PCI_CAP_ID_PCIE  0x10
#define PCI_CAP_ID_MSIX  0x11
#define PCI_CAP_ID_SATA  0x12
#define PCI_EXT_CAP_START 0x100

#define PCI_MAX_FUNCTIONS 256
#define PCI_MAX_CAPS      24
#define PCI_MAX_BARS      6

struct pci_capability {
    uint16_t id;
    uint16_t offset;
    bool extended;
    /* Config dwords at offset, +4 and +8 as found (extended capabilities: the header only):
     * what the inventory decodes, e.g. MSI-X control, table and PBA; PCIe flags and DevCap. */
    uint32_t dwords[3];
};

struct pci_function {
    struct pci_address address;
    uint16_t vendor_id, device_id;
    uint8_t base_class, subclass, prog_if, revision;
    uint16_t subsystem_vendor_id, subsystem_id; /* 0x2c (bridges: the SSVID capability); 0 if none */
    uint8_t header_type; /* without the multi-function bit */
    uint16_t command;    /* as found, before sizing */

    unsigned bar_slots;  /* 6 for endpoints, 2 for bridges */
    struct pci_bar bars[PCI_MAX_BARS]; /* the upper half of a 64-bit BAR is PCI_BAR_UNUSED */
    uint32_t bar_raw[PCI_MAX_BARS];    /* dwords as found, to prove sizing restored them */
    uint8_t bar_decode_failed;         /* bit per slot whose readings made no sense */

    uint8_t primary_bus, secondary_bus, subordinate_bus; /* bridges only */

    struct pci_capability caps[PCI_MAX_CAPS];
    unsigned cap_count;
    char cap_problem[80]; /* empty when both lists were walked cleanly */

    bool found_by_sweep;  /* on a bus no bridge from the root led to */

    /* Left alone at the user's word: config space was read, BARs were not sized (bars[]
     * is unused, bar_raw[] holds the dwords as found), nothing else may touch it. */
    bool left_alone;
    char left_alone_why[112];
};

struct pci_inventory {
    struct pci_function functions[PCI_MAX_FUNCTIONS];
    unsigned count;
    bool truncated;
    unsigned bridges_skipped; /* bridges whose bus numbers made recursion unsafe */
    char problem[120];        /* first such problem, for the report */
};

/* Asked once per function, after its header was read and before anything is written to it:
 * true leaves the function alone (why[] says why; it is printed in the inventory). */
typedef bool (*pci_leave_alone_fn)(const struct pci_function *f, void *arg, char *why,
                                   unsigned why_len);

/* Walks every segment from its first bus through bridges (as firmware numbered
 * them), then sweeps the remaining bus numbers for roots no bridge leads to.
 * Sizes BARs with decode disabled and restores them (except on functions
 * leave_alone, when given, keeps to config-space reads), walks capabilities. */
void pci_enumerate(struct pci_inventory *inv, pci_leave_alone_fn leave_alone, void *arg);

/* Re-reads command and BAR dwords; returns the number of functions whose
 * registers differ from what enumeration found, naming the first in why[]. */
unsigned pci_verify_unchanged(const struct pci_inventory *inv, char *why, unsigned len);
/* The same for one function: true when its command and BAR dwords read as found. */
bool pci_function_unchanged(const struct pci_function *f, char *why, unsigned len);

const struct pci_capability *pci_find_capability(const struct pci_function *f, uint16_t id,
                                                 bool extended);
bool pci_is_class(const struct pci_function *f, uint8_t base, uint8_t sub, uint8_t prog_if);

/* Emits the lspci-like inventory, several lines per function, through `emit`. */
void pci_print_inventory(const struct pci_inventory *inv, void (*emit)(const char *line));

#endif
