/* VT-d register access, the bottom of the driver: 32-bit accesses, 64-bit registers as two dwords, bounded waits. */
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_regs.h"

#define COMMAND_BUDGET_US 1000000u /* one GCMD operation or invalidation */

/* Every VT-d register is accessed 32 bits at a time: QEMU aborts on a wrong
 * width for its 32-bit registers, and a 64-bit register takes two dwords, low
 * first (commands in CCMD and IOTLB trigger on the high dword). */
uint32_t vtd_read32(const struct vtd_unit *u, uint64_t offset)
{
    return mmio_read32(u->base + offset);
}

void vtd_write32(const struct vtd_unit *u, uint64_t offset, uint32_t value)
{
    mmio_write32(u->base + offset, value);
}

uint64_t vtd_read64(const struct vtd_unit *u, uint64_t offset)
{
    return mmio_read64_low_first(u->base + offset);
}

void vtd_write64(const struct vtd_unit *u, uint64_t offset, uint64_t value)
{
    mmio_write64_low_first(u->base + offset, value);
}

int vtd_wait32(struct vtd_unit *u, uint64_t offset, uint32_t mask, uint32_t value, const char *what)
{
    struct deadline d = deadline_after_us(COMMAND_BUDGET_US);
    uint32_t seen;
    while (((seen = vtd_read32(u, offset)) & mask) != value) {
        if (deadline_passed(d)) {
            snprintf(u->error, sizeof(u->error),
                     "timed out after %u ms waiting for %s (register 0x%llx reads 0x%08x)",
                     COMMAND_BUDGET_US / 1000, what, (unsigned long long)offset, seen);
            return -1;
        }
        cpu_pause();
    }
    return 0;
}

int vtd_global_command(struct vtd_unit *u, uint32_t bit, bool on, const char *what)
{
    uint32_t status = vtd_read32(u, VTD_REG(gsts)) & VTD_GSTS_PERSISTENT;
    uint32_t command = on ? (status | bit) : (status & ~bit);
    vtd_write32(u, VTD_REG(gcmd), command);
    /* One-shot commands (SRTP, SIRTP, WBF) report completion by their status bit
     * turning on (SRTP/RTPS, SIRTP/IRTPS) or off again (WBF/WBFS). */
    bool one_shot = !(bit & VTD_GSTS_PERSISTENT);
    uint32_t expect = (bit == VTD_GCMD_WBF) ? 0 : (on || one_shot ? bit : 0);
    return vtd_wait32(u, VTD_REG(gsts), bit, expect, what);
}
