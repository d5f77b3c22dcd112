/* TSC calibration against the ACPI PM timer or HPET, and TSC-based deadlines. */
#include "arch/x86_64/timer.h"

#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/port_io.h"

#define PM_TIMER_HZ         3579545u
#define CALIBRATION_DIVISOR 20u        /* measure over 1/20 s of reference time */
#define MAX_REFERENCE_READS 20000000u  /* bound: a dead reference must not hang us */

#define HPET_CAPABILITIES 0x000 /* COUNTER_CLK_PERIOD in bits 63:32, femtoseconds */
#define HPET_CONFIG       0x010
#define HPET_CONFIG_ENABLE 0x1u
#define HPET_MAIN_COUNTER 0x0f0
#define FEMTOSECONDS_PER_SECOND 1000000000000000ull

static uint64_t tsc_hz;
static uint64_t tsc_at_calibration;

/* A free-running counter of known frequency that wraps at 2^bits. */
struct reference_clock {
    uint64_t hz;
    unsigned bits;
    uint64_t base;
    uint32_t (*read)(uint64_t base);
};

static uint32_t read_pm_timer(uint64_t port)
{
    return port_in32((uint16_t)port);
}

static uint32_t read_hpet_low(uint64_t base)
{
    return mmio_read32(base + HPET_MAIN_COUNTER);
}

static int measure(const struct reference_clock *ref, struct timer_calibration *out, char why[128])
{
    const uint64_t mask = (ref->bits == 32) ? 0xffffffffull : ((1ull << ref->bits) - 1);
    const uint64_t target = ref->hz / CALIBRATION_DIVISOR;
    uint64_t elapsed = 0;
    uint32_t previous = ref->read(ref->base) & mask;
    uint64_t tsc_start = rdtsc();
    uint64_t reads = 0;
    while (elapsed < target) {
        if (++reads > MAX_REFERENCE_READS) {
            snprintf(why, 128, "%s at 0x%llx advanced %llu of %llu ticks in %u reads",
                     out->reference, (unsigned long long)ref->base, (unsigned long long)elapsed,
                     (unsigned long long)target, MAX_REFERENCE_READS);
            return -1;
        }
        uint32_t now = ref->read(ref->base) & mask;
        elapsed += (now - previous) & mask;
        previous = now;
    }
    uint64_t tsc_delta = rdtsc() - tsc_start;
    out->tsc_hz = (uint64_t)((unsigned __int128)tsc_delta * ref->hz / elapsed);
    out->reference_base = ref->base;
    out->reference_ticks = elapsed;
    if (out->tsc_hz == 0) {
        snprintf(why, 128, "TSC did not advance against the %s", out->reference);
        return -1;
    }
    tsc_hz = out->tsc_hz;
    tsc_at_calibration = rdtsc();
    return 0;
}

int timer_calibrate(const struct acpi_fadt_info *fadt, const struct acpi_hpet_info *hpet,
                    struct timer_calibration *out, char why[128])
{
    snprintf(why, 128, "no ACPI PM timer (FADT) and no HPET (HPET table)");
    if (fadt && fadt->pm_timer_port) {
        struct reference_clock pm = {PM_TIMER_HZ, fadt->pm_timer_32bit ? 32 : 24,
                                     fadt->pm_timer_port, read_pm_timer};
        out->reference = "ACPI PM timer";
        if (measure(&pm, out, why) == 0)
            return 0;
    }
    if (hpet && hpet->base) {
        uint64_t period_fs = mmio_read32(hpet->base + HPET_CAPABILITIES + 4);
        out->reference = "HPET";
        if (period_fs == 0 || period_fs > 100000000ull) { /* spec: at most 100 ns */
            snprintf(why, 128, "HPET at 0x%llx reports period %llu fs",
                     (unsigned long long)hpet->base, (unsigned long long)period_fs);
            return -1;
        }
        uint32_t config = mmio_read32(hpet->base + HPET_CONFIG);
        if (!(config & HPET_CONFIG_ENABLE))
            mmio_write32(hpet->base + HPET_CONFIG, config | HPET_CONFIG_ENABLE);
        struct reference_clock h = {FEMTOSECONDS_PER_SECOND / period_fs, 32, hpet->base,
                                    read_hpet_low};
        return measure(&h, out, why);
    }
    return -1;
}

uint64_t timer_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t time_now_us(void)
{
    if (!tsc_hz)
        return 0;
    return (uint64_t)((unsigned __int128)(rdtsc() - tsc_at_calibration) * 1000000u / tsc_hz);
}

struct deadline deadline_after_us(uint64_t us)
{
    /* Before calibration assume a 4 GHz TSC: on a slower part waits last longer, but stay bounded. */
    uint64_t hz = tsc_hz ? tsc_hz : 4000000000ull;
    return (struct deadline){rdtsc() + (uint64_t)((unsigned __int128)us * hz / 1000000u)};
}

bool deadline_passed(struct deadline d)
{
    return (int64_t)(rdtsc() - d.tsc_end) >= 0;
}

void delay_us(uint64_t us)
{
    struct deadline d = deadline_after_us(us);
    while (!deadline_passed(d))
        cpu_pause();
}
