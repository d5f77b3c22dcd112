/* A read-only look at a DRHD's registers: what answers at its base, as the firmware left it; nothing is ever written. */
#ifndef NVMETAL_DRIVERS_VTD_INSPECT_H
#define NVMETAL_DRIVERS_VTD_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/dmar.h"

struct vtd_inspection {
    uint64_t base;
    /* Nothing answers at the base: VER or CAP read all ones, or VER, CAP and ECAP all read 0
     * (a unit the firmware lists but the chipset has fused off or hidden; no real unit
     * reports version 0.0). The other fields are then the raw reads, GSTS and PMEN unread. */
    bool absent;
    uint32_t version, gsts, pmen;
    uint64_t cap, ecap;
};

/* Reads VER, CAP and ECAP and, where they show a unit, GSTS and PMEN: loads only. */
void vtd_inspect(const struct dmar_unit *dmar, struct vtd_inspection *out);

#endif
