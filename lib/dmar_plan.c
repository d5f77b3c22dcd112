/* The VT-d plan over every DRHD: the unit to take over and, for each display device, how its framebuffer's DMA stays where the firmware pointed it. */
#include "lib/dmar_plan.h"

#include <string.h>

int dmar_plan_unit(const struct dmar_info *info, const struct dmar_topology *topo,
                   const struct dmar_pci_device *devices, unsigned count, const bool *under_test,
                   struct dmar_cover *covers, unsigned *nvme_per_unit)
{
    if (nvme_per_unit)
        memset(nvme_per_unit, 0, info->unit_count * sizeof *nvme_per_unit);
    if (!info->unit_count)
        return -1;
    unsigned marked = 0;
    int best = 0;
    unsigned best_holds = 0;
    /* Counted per unit without a table of the table's size: each unit's count is taken by
     * walking the devices again, so the plan needs no memory of its own. */
    for (unsigned k = 0; k < info->unit_count; k++) {
        unsigned holds = 0;
        for (unsigned i = 0; i < count; i++) {
            struct dmar_cover c;
            int unit = dmar_unit_for(info, topo, devices[i].bdf, &c);
            if (k == 0 && covers)
                covers[i] = c;
            if (k == 0 && under_test && under_test[i])
                marked++;
            if (unit == (int)k && under_test && under_test[i])
                holds++;
        }
        if (nvme_per_unit)
            nvme_per_unit[k] = holds;
        if (holds > best_holds) {
            best_holds = holds;
            best = (int)k;
        }
    }
    return marked && !best_holds ? -1 : best;
}

unsigned dmar_sagaw_reach_bits(unsigned sagaw)
{
    if (sagaw & (1u << 2))
        return 48;
    if (sagaw & (1u << 1))
        return 39;
    return 0;
}

unsigned dmar_plan_displays(const struct dmar_info *info, const struct dmar_topology *topo,
                            const struct dmar_pci_device *devices, unsigned count,
                            const struct dmar_cover *covers, int taken_unit,
                            struct dmar_unit_offer offer, struct dmar_display_plan *out,
                            unsigned max)
{
    unsigned displays = 0;
    for (unsigned i = 0; i < count; i++) {
        if (devices[i].base_class != DMAR_PCI_CLASS_DISPLAY)
            continue;
        struct dmar_display_plan p = {i, covers[i].unit, DMAR_DISPLAY_NOT_REMAPPED, 0, -1};
        bool beyond = false;
        for (unsigned r = 0; r < info->rmrr_count; r++) {
            const struct dmar_rmrr *m = &info->rmrrs[r];
            bool names = false;
            for (unsigned k = 0; k < m->scopes.count && !names; k++)
                names = dmar_scope_names(&m->scopes.scopes[k], m->segment, topo, devices[i].bdf);
            if (!names)
                continue;
            p.rmrrs++;
            /* An identity domain of reach_bits maps addresses below 2^reach_bits only. */
            bool out_of_reach = offer.reach_bits < 64 && m->limit >> offer.reach_bits;
            if (out_of_reach && !beyond) {
                beyond = true;
                p.unreachable_rmrr = (int)r;
            }
        }
        if (p.unit < 0)
            p.keep = DMAR_DISPLAY_NOT_REMAPPED;
        else if (p.unit != taken_unit)
            p.keep = DMAR_DISPLAY_UNIT_UNTOUCHED;
        else if (offer.pass_through)
            p.keep = DMAR_DISPLAY_PASS_THROUGH;
        else if (offer.reach_bits && !beyond)
            p.keep = DMAR_DISPLAY_IDENTITY;
        else
            p.keep = DMAR_DISPLAY_CANNOT_KEEP;
        if (p.keep != DMAR_DISPLAY_CANNOT_KEEP)
            p.unreachable_rmrr = -1;
        if (displays < max)
            out[displays] = p;
        displays++;
    }
    return displays;
}

const char *dmar_display_keep_name(enum dmar_display_keep keep)
{
    switch (keep) {
    case DMAR_DISPLAY_NOT_REMAPPED:
        return "not_remapped";
    case DMAR_DISPLAY_UNIT_UNTOUCHED:
        return "unit_left_as_firmware_left_it";
    case DMAR_DISPLAY_PASS_THROUGH:
        return "pass_through";
    case DMAR_DISPLAY_IDENTITY:
        return "identity_with_rmrrs";
    case DMAR_DISPLAY_CANNOT_KEEP:
        return "cannot_keep";
    }
    return "unknown";
}
