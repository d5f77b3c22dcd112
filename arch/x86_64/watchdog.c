/* Global watchdog on the local APIC timer: catches hangs even in code that never polls a deadline. */
#include "arch/x86_64/watchdog.h"

#include <stdbool.h>
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/platform_exit.h"
#include "arch/x86_64/port_io.h"
#include "arch/x86_64/timer.h"
#include "lib/tap.h"

#define WATCHDOG_VECTOR      0x40
#define SPURIOUS_VECTOR      0xff
#define TICK_PERIOD_US       50000u /* 20 Hz: cheap under emulation, prompt enough */

#define PIC_MASTER_DATA      0x21
#define PIC_SLAVE_DATA       0xa1

static uint64_t expiry_us;
static unsigned budget_s;
static bool running;

static void watchdog_tick(struct interrupt_frame *frame)
{
    lapic_eoi();
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
    if (lapic_init() == LAPIC_DISABLED) {
        snprintf(why, 128, "local APIC disabled (IA32_APIC_BASE.EN = 0)");
        return -1;
    }
    budget_s = timeout_s;
    expiry_us = time_now_us() + (uint64_t)timeout_s * 1000000u;

    /* Legacy PIC lines would arrive on vectors the firmware chose: mask them all. */
    port_out8(PIC_MASTER_DATA, 0xff);
    port_out8(PIC_SLAVE_DATA, 0xff);

    interrupts_set_handler(WATCHDOG_VECTOR, watchdog_tick);
    interrupts_set_handler(SPURIOUS_VECTOR, spurious);
    lapic_write(LAPIC_SPURIOUS, LAPIC_SPURIOUS_ENABLE | SPURIOUS_VECTOR);

    /* Measure the APIC timer's rate against the calibrated TSC. */
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | WATCHDOG_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
    delay_us(10000);
    uint32_t counted = 0xffffffffu - lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    if (counted == 0) {
        snprintf(why, 128, "local APIC timer at 0x%llx does not count",
                 (unsigned long long)lapic_base());
        return -1;
    }
    uint64_t per_period = (uint64_t)counted * TICK_PERIOD_US / 10000u;
    if (per_period > 0xffffffffu)
        per_period = 0xffffffffu;

    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | WATCHDOG_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, per_period ? (uint32_t)per_period : 1u);
    running = true;
    interrupts_enable();
    return 0;
}

bool watchdog_running(void)
{
    return running;
}

void watchdog_stop(void)
{
    interrupts_disable();
    if (running) {
        running = false;
        lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | WATCHDOG_VECTOR);
        lapic_write(LAPIC_TIMER_INITIAL, 0);
    }
}
