/* The VT-d plan over every DRHD: which unit is taken over (the one holding the most NVMe controllers under test) and what each display device keeps (pass-through, or the identity domain with its RMRRs, or its unit left untouched). */
#ifndef NVMETAL_LIB_DMAR_PLAN_H
#define NVMETAL_LIB_DMAR_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/dmar_select.h"

/* A display controller: PCI base class 03 (VGA, XGA, 3D, other). */
#define DMAR_PCI_CLASS_DISPLAY 0x03

/* Which unit to take over: the one whose scope holds the most of the devices under_test[]
 * marks (ties: the first in table order); covers[i] (when not NULL) gets devices[i]'s cover
 * and nvme_per_unit[k] (when not NULL, info->unit_count entries) how many marked devices
 * units[k] holds. Returns the unit's index; 0 when nothing is marked (the first unit's
 * takeover is still a test); -1 when devices are marked and no unit holds any of them, or
 * the table has no unit. */
int dmar_plan_unit(const struct dmar_info *info, const struct dmar_topology *topo,
                   const struct dmar_pci_device *devices, unsigned count, const bool *under_test,
                   struct dmar_cover *covers, unsigned *nvme_per_unit);

/* What the unit taken over offers, from its registers: ECAP.PT, and how far an identity
 * domain can reach (the address width its page tables get from CAP.SAGAW: 48 where it
 * offers 4 levels, else 39 for 3 levels; 0 where it offers neither and translates nothing). */
struct dmar_unit_offer {
    bool pass_through;
    unsigned reach_bits;
};

/* The address width nvmetal's tables get from a CAP.SAGAW value (see dmar_unit_offer). */
unsigned dmar_sagaw_reach_bits(unsigned sagaw);

enum dmar_display_keep {
    DMAR_DISPLAY_NOT_REMAPPED,  /* no unit covers it: its DMA is not remapped at all */
    DMAR_DISPLAY_UNIT_UNTOUCHED,/* its unit is not the one taken over: left as found */
    DMAR_DISPLAY_PASS_THROUGH,  /* in the unit taken over: a pass-through context (ECAP.PT) */
    DMAR_DISPLAY_IDENTITY,      /* in the unit taken over, no ECAP.PT: the identity domain
                                 * over RAM and every RMRR, its own among them */
    DMAR_DISPLAY_CANNOT_KEEP,   /* in the unit taken over, no ECAP.PT, and an RMRR naming it
                                 * ends beyond the identity domain's reach: its framebuffer's
                                 * DMA would fault, so the unit must be left untouched */
};

/* One display device's plan. */
struct dmar_display_plan {
    unsigned device; /* index in devices[] */
    int unit;        /* its unit (-1: none) */
    enum dmar_display_keep keep;
    unsigned rmrrs;       /* RMRRs whose scope names it */
    int unreachable_rmrr; /* with CANNOT_KEEP: the first such RMRR beyond reach; else -1 */
};

/* The plan of every display device among devices[] (covers[] from dmar_plan_unit), given the
 * unit taken over (-1: none) and what it offers; up to max in out[]. Returns how many display
 * devices there are (which may exceed max). */
unsigned dmar_plan_displays(const struct dmar_info *info, const struct dmar_topology *topo,
                            const struct dmar_pci_device *devices, unsigned count,
                            const struct dmar_cover *covers, int taken_unit,
                            struct dmar_unit_offer offer, struct dmar_display_plan *out,
                            unsigned max);

/* "pass-through", "identity domain with its RMRRs", "unit left untouched", ... : the YAML value. */
const char *dmar_display_keep_name(enum dmar_display_keep keep);

#endif
