/* Which DMAR remapping unit (DRHD) covers a PCI function, and why: scope paths walked through the inventory's bridges, INCLUDE_PCI_ALL as the segment's fallback, table conflicts named. */
#ifndef NVMETAL_LIB_DMAR_SELECT_H
#define NVMETAL_LIB_DMAR_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dmar.h"

/* A PCI function's address (the same four numbers as drivers/pci's struct pci_address). */
struct dmar_bdf {
    uint16_t segment;
    uint8_t bus, device, function;
};

/* The PCI topology as the inventory knows it. `bridge` answers true, with the bridge's
 * secondary and subordinate bus, when the function at `at` is a PCI-PCI bridge (header
 * type 1) the inventory found; false for an endpoint or a function it did not find. */
struct dmar_topology {
    bool (*bridge)(void *ctx, struct dmar_bdf at, uint8_t *secondary, uint8_t *subordinate);
    void *ctx;
};

/* The function a scope's path names on `segment` (VT-d 8.3.1): hop 0 is (device, function)
 * on the scope's start bus; every hop before the last must be a bridge, and the next hop
 * lies on that bridge's secondary bus. Returns 0, or -1 when the path is empty or a hop
 * before the last is no bridge the topology knows (the scope then names nothing found). */
int dmar_scope_target(const struct dmar_scope *scope, uint16_t segment,
                      const struct dmar_topology *topo, struct dmar_bdf *out);

/* Whether an endpoint scope names `fn` (RMRR and SATC scopes, e.g.): its target is `fn`. */
bool dmar_scope_names(const struct dmar_scope *scope, uint16_t segment,
                      const struct dmar_topology *topo, struct dmar_bdf fn);

enum dmar_cover_reason {
    DMAR_COVER_NONE = 0,        /* no unit covers the function: its DMA is not remapped */
    DMAR_COVER_ENDPOINT,        /* an endpoint scope names the function */
    DMAR_COVER_BRIDGE,          /* a bridge scope names the function itself (a bridge) */
    DMAR_COVER_BELOW_BRIDGE,    /* a bridge scope names a bridge whose secondary..subordinate
                                 * buses hold the function's bus */
    DMAR_COVER_INCLUDE_PCI_ALL, /* no scope names it: the segment's INCLUDE_PCI_ALL unit */
};

/* The unit a function lands in and why. */
struct dmar_cover {
    struct dmar_bdf function; /* the function asked about */
    enum dmar_cover_reason reason;
    int unit;  /* index in info->units; -1 with DMAR_COVER_NONE */
    int scope; /* the deciding scope's index in that unit's list; -1 for INCLUDE_PCI_ALL, NONE */
    /* BRIDGE and BELOW_BRIDGE: the bridge the scope names and (BELOW_BRIDGE) its bus range. */
    struct dmar_bdf bridge;
    uint8_t secondary_bus, subordinate_bus;
    /* The deciding scope's type disagrees with the topology: an endpoint scope that names a
     * bridge (taken to cover that bridge alone, as the type says), or a bridge scope that
     * names a function the topology has as no bridge (covering that function alone). */
    bool type_mismatch;
    /* Other units whose PCI scopes also name the function. VT-d gives a device one unit, so
     * this is a table conflict; the most specific scope won (the function itself, then the
     * narrowest bridge range), then table order. */
    unsigned also_claimed;
    int also_unit; /* the first such other unit, -1 when none */
    /* With DMAR_COVER_NONE: how many units the DMAR keeps on the function's segment (0: the
     * segment has none at all; otherwise none of them names it and none is INCLUDE_PCI_ALL). */
    unsigned segment_units;
};

/* The unit that covers `fn` (VT-d 8.3): every unit of fn's segment whose endpoint or bridge
 * scope names it, whatever the units' order, wins over INCLUDE_PCI_ALL; without one, the
 * segment's first INCLUDE_PCI_ALL unit; otherwise none. IOAPIC, HPET and ACPI namespace
 * scopes are not PCI functions and decide nothing. Units with register base 0 are not in
 * info (dmar_parse leaves them out) and so cover nothing. Returns out->unit. */
int dmar_unit_for(const struct dmar_info *info, const struct dmar_topology *topo,
                  struct dmar_bdf fn, struct dmar_cover *out);

/* One line for a cover, e.g. "DRHD 0xfed91000: INCLUDE_PCI_ALL of segment 0",
 * "DRHD 0xfed84000: below bridge 00:07.0 (buses 01-2b), bridge scope 0",
 * "no unit: segment 0 has 3 units, none names it and none is INCLUDE_PCI_ALL". */
void dmar_cover_describe(const struct dmar_info *info, const struct dmar_cover *cover,
                         char *out, size_t len);

/* A function of the inventory, for dmar_assign. */
struct dmar_pci_device {
    struct dmar_bdf bdf;
    uint8_t base_class, subclass;
};

/* What one unit covers of an inventory. */
struct dmar_unit_holds {
    unsigned functions; /* functions of devices[] it covers */
    /* Display controllers among them (base class 03: VGA 03:00, XGA, 3D, other): a unit
     * holding one must keep the framebuffer's DMA working (its RMRRs mapped, or the unit
     * left as the firmware left it). */
    unsigned displays;
    int first_display; /* index in devices[] of the first, -1 when none */
    /* Interrupt sources in its scope: not PCI functions, listed for the report only. */
    unsigned ioapics, hpets, namespace_devices;
};

/* Every device's unit (covers[i] for devices[i]) and, per unit, what it holds (holds[k] for
 * info->units[k]; NULL when not wanted). Returns how many devices no unit covers. */
unsigned dmar_assign(const struct dmar_info *info, const struct dmar_topology *topo,
                     const struct dmar_pci_device *devices, unsigned count,
                     struct dmar_cover *covers, struct dmar_unit_holds *holds);

/* What a table says about unit selection beyond what dmar_parse already lists, one line
 * each through emit (returns how many): an INCLUDE_PCI_ALL unit that is not the last DRHD
 * of its segment (VT-d requires it last), a segment with more than one, endpoint or bridge
 * scopes in an INCLUDE_PCI_ALL unit (VT-d forbids them there), a PCI scope listed twice
 * (in one unit or two), a segment without an INCLUDE_PCI_ALL unit (only the functions its
 * scopes name are remapped). Table facts only: no topology is needed. */
unsigned dmar_select_notes(const struct dmar_info *info,
                           void (*emit)(void *ctx, const char *line), void *ctx);

/* A unit's scopes as text: "IOAPIC #2 00:1e.7, HPET #0 00:1e.6" ("no scopes" when none). */
void dmar_scopes_describe(const struct dmar_scope_list *list, char *out, size_t len);

#endif
