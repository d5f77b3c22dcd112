/* A read-only look at a DRHD's registers (VER, CAP, ECAP, GSTS, PMEN), for every unit the DMAR lists: no store ever reaches the unit. */
#include "drivers/vtd/vtd_inspect.h"

#include <string.h>

#include "arch/x86_64/mmio.h"
#include "drivers/vtd/vtd_regs.h"

void vtd_inspect(const struct dmar_unit *dmar, struct vtd_inspection *out)
{
    memset(out, 0, sizeof *out);
    uint64_t base = out->base = dmar->register_base;
    /* 32 bits at a time, 64-bit registers low dword first, as the driver does everywhere
     * (drivers/vtd/vtd_reg_access.c): QEMU aborts on a wrong width. */
    out->version = mmio_read32(base + VTD_REG(ver));
    out->cap = mmio_read64_low_first(base + VTD_REG(cap));
    out->ecap = mmio_read64_low_first(base + VTD_REG(ecap));
    out->absent = out->version == 0xffffffffu || out->cap == ~0ull ||
                  (!out->version && !out->cap && !out->ecap);
    if (out->absent)
        return;
    out->gsts = mmio_read32(base + VTD_REG(gsts));
    out->pmen = mmio_read32(base + VTD_REG(pmen));
}
