/* Global watchdog on the local APIC timer: catches hangs even in code that never polls a deadline. */
#include "arch/x86_64/watchdog.h"

#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/platform_exit.h"
#include "arch/x86_64/port_io.h"
#include "arch/x86_64/timer.h"
#include "lib/tap.h"

#define MSR_APIC_BASE        0x1b
#define APIC_BASE_ENABLE     (1ull << 11)
#define APIC_BASE_X2APIC     (1ull << 10)
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ull
#define MSR_X2APIC_FIRST     0x800

/* xAPIC register offsets; x2APIC MSR = 0x800 + offset / 16. */
#define APIC_EOI             0x0b0
#define APIC_SPURIOUS        0x0f0
#define APIC_SPURIOUS_ENABLE (1u << 8)
#define APIC_LVT_TIMER       0x320
#define APIC_LVT_MASKED      (1u << 16)
#define APIC_LVT_PERIODIC    (1u << 17)
#define APIC_TIMER_INITIAL   0x380
#define APIC_TIMER_CURRENT   0x390
#define APIC_TIMER_DIVIDE    0x3e0
#define APIC_DIVIDE_BY_16    0x3

#define WATCHDOG_VECTOR      0x40
#define SPURIOUS_VECTOR      0xff
#define TICK_PERIOD_US       50000u /* 20 Hz: cheap under emulation, prompt enough */

#define PIC_MASTER_DATA      0x21
#define PIC_SLAVE_DATA       0xa1

static uint64_t apic_base;
static int apic_is_x2;
static uint64_t expiry_us;
static unsigned budget_s;

static void apic_write(uint32_t reg, uint32_t value)
{
    if (apic_is_x2) {
        uint32_t msr = MSR_X2APIC_FIRST + reg / 16;
        __asm__ volatile("wrmsr" : : "c"(msr), "a"(value), "d"(0) : "memory");
    } else {
        mmio_write32(apic_base + reg, value);
    }
}

static uint32_t apic_read(uint32_t reg)
{
    if (apic_is_x2)
        return (uint32_t)read_msr(MSR_X2APIC_FIRST + reg / 16);
    return mmio_read32(apic_base + reg);
}

static void watchdog_tick(struct interrupt_frame *frame)
{
    apic_write(APIC_EOI, 0);
    if (time_now_us() < expiry_us)
        return;
    watchdog_stop();
    tap_diag("watchdog: the code below was running when the budget ran out");
    interrupt_frame_dump(frame);
    tap_bail_out("watchdog: timeout_s=%u expired at rip 0x%llx", budget_s,
                 (unsigned long long)frame->rip);
    platform_exit(VERDICT_BAIL_OUT);
}

static void spurious(struct interrupt_frame *frame)
{
    (void)frame; /* spurious APIC interrupts need no EOI */
}

int watchdog_start(unsigned timeout_s, char why[128])
{
    uint64_t base_msr = read_msr(MSR_APIC_BASE);
    if (!(base_msr & APIC_BASE_ENABLE)) {
        snprintf(why, 128, "local APIC disabled (IA32_APIC_BASE 0x%llx)",
                 (unsigned long long)base_msr);
        return -1;
    }
    apic_is_x2 = (base_msr & APIC_BASE_X2APIC) != 0;
    apic_base = base_msr & APIC_BASE_ADDR_MASK;
    budget_s = timeout_s;
    expiry_us = time_now_us() + (uint64_t)timeout_s * 1000000u;

    /* Legacy PIC lines would arrive on vectors the firmware chose: mask them all. */
    port_out8(PIC_MASTER_DATA, 0xff);
    port_out8(PIC_SLAVE_DATA, 0xff);

    interrupts_set_handler(WATCHDOG_VECTOR, watchdog_tick);
    interrupts_set_handler(SPURIOUS_VECTOR, spurious);
    apic_write(APIC_SPURIOUS, APIC_SPURIOUS_ENABLE | SPURIOUS_VECTOR);

    /* Measure the APIC timer's rate against the calibrated TSC. */
    apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_16);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | WATCHDOG_VECTOR);
    apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
    delay_us(10000);
    uint32_t counted = 0xffffffffu - apic_read(APIC_TIMER_CURRENT);
    apic_write(APIC_TIMER_INITIAL, 0);
    if (counted == 0) {
        snprintf(why, 128, "local APIC timer at 0x%llx does not count",
                 (unsigned long long)apic_base);
        return -1;
    }
    uint64_t per_period = (uint64_t)counted * TICK_PERIOD_US / 10000u;
    if (per_period > 0xffffffffu)
        per_period = 0xffffffffu;

    apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | WATCHDOG_VECTOR);
    apic_write(APIC_TIMER_INITIAL, per_period ? (uint32_t)per_period : 1u);
    interrupts_enable();
    return 0;
}

void watchdog_stop(void)
{
    interrupts_disable();
    if (apic_base || apic_is_x2) {
        apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | WATCHDOG_VECTOR);
        apic_write(APIC_TIMER_INITIAL, 0);
    }
}
