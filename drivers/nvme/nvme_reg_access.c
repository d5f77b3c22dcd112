/* NVMe register access, the bottom of the driver: width-exact reads and writes of BAR0, the split 64-bit read, bounded waits. */
#include "drivers/nvme/nvme_reg_access.h"

#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_regs.h"

uint32_t nvme_reg_read32(const struct nvme_controller *c, uint64_t offset)
{
    return mmio_read32(c->bar0 + offset);
}

void nvme_reg_write32(const struct nvme_controller *c, uint64_t offset, uint32_t value)
{
    mmio_write32(c->bar0 + offset, value);
}

/* Two dword accesses, low first: valid for every 64-bit register, aligned or not (PMRMSC). */
uint64_t nvme_reg_read64(const struct nvme_controller *c, uint64_t offset)
{
    return mmio_read64_low_first(c->bar0 + offset);
}

void nvme_reg_write64(const struct nvme_controller *c, uint64_t offset, uint64_t value)
{
    mmio_write64_low_first(c->bar0 + offset, value);
}

static int wait_register(struct nvme_controller *c, uint64_t offset, uint32_t mask, uint32_t value,
                         uint64_t budget_us, const char *what, bool stop_on_fatal)
{
    struct deadline d = deadline_after_us(budget_us);
    uint32_t seen = 0;
    for (;;) {
        seen = nvme_reg_read32(c, offset);
        if ((seen & mask) == value)
            return 0;
        uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
        if (stop_on_fatal && (csts & NVME_CSTS_CFS)) {
            snprintf(c->error, sizeof(c->error),
                     "controller fatal status (CSTS 0x%08x) while waiting for %s", csts, what);
            return -1;
        }
        if (deadline_passed(d))
            break;
        delay_us(50);
    }
    snprintf(c->error, sizeof(c->error),
             "timed out after %llu ms waiting for %s (register 0x%llx reads 0x%08x)",
             (unsigned long long)(budget_us / 1000), what, (unsigned long long)offset, seen);
    return -1;
}

int nvme_wait_register(struct nvme_controller *c, uint64_t offset, uint32_t mask, uint32_t value,
                       uint64_t budget_us, const char *what)
{
    return wait_register(c, offset, mask, value, budget_us, what, true);
}

int nvme_wait_register_through_fatal(struct nvme_controller *c, uint64_t offset, uint32_t mask,
                                     uint32_t value, uint64_t budget_us, const char *what)
{
    return wait_register(c, offset, mask, value, budget_us, what, false);
}
