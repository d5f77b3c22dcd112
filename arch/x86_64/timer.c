/* The TSC rate: CPUID 15h/16h, else measured against the ACPI PM timer or HPET; TSC deadlines. */
#include "arch/x86_64/timer.h"

#include <stdio.h>
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/port_io.h"

#define PM_TIMER_HZ         3579545u
#define CALIBRATION_MS      100u       /* window of reference time; boot pays it once */
#define LATENCY_READS       64u        /* reads timed to find the cost of one */
#define MAX_STAMP_TRIES     1000u      /* reads tried for one trusted stamp */
#define MAX_REFERENCE_READS 40000000u  /* bound: a dead reference must not hang us */
#define HALVES_RETRY_PPM    1000u      /* halves further apart than 0.1 %: measure once more */
#define MEASURE_ATTEMPTS    2u

#define HPET_CAPABILITIES 0x000 /* COUNTER_CLK_PERIOD in bits 63:32, femtoseconds */
#define HPET_CONFIG       0x010
#define HPET_CONFIG_ENABLE 0x1u
#define HPET_MAIN_COUNTER 0x0f0
#define FEMTOSECONDS_PER_SECOND 1000000000000000ull

static uint64_t tsc_hz;
static uint64_t tsc_at_calibration;

/* A free-running counter of known frequency that wraps at 2^bits. */
struct reference_clock {
    enum tsc_method method;
    const char *name;
    uint64_t hz;
    unsigned bits;
    uint64_t base;
    uint32_t (*read)(uint64_t base);
};

/* One counter read and when it happened: rdtsc on both sides, stamped at the middle. */
struct stamp {
    uint64_t tsc;
    uint64_t cost;
    uint32_t value;
};

static uint32_t read_pm_timer(uint64_t port)
{
    return port_in32((uint16_t)port);
}

static uint32_t read_hpet_low(uint64_t base)
{
    return mmio_read32(base + HPET_MAIN_COUNTER);
}

static struct stamp stamped_read(const struct reference_clock *ref)
{
    uint64_t before = rdtsc();
    uint32_t value = ref->read(ref->base);
    uint64_t after = rdtsc();
    return (struct stamp){tsc_read_stamp(before, after), after - before, value};
}

/* One window: a trusted stamp at its start, its middle and its end (a stamp whose read took
 * more than twice the fastest is passed over, so a stall next to a read cannot lengthen one
 * side of the window); every read in between accumulates the counter across its wraps. */
static int measure_once(const struct reference_clock *ref, uint64_t fastest, struct tsc_figure *f,
                        char why[128])
{
    const uint64_t target = ref->hz * CALIBRATION_MS / 1000u;
    struct stamp start = stamped_read(ref);
    for (unsigned tries = 1; !tsc_read_trusted(start.cost, fastest); tries++) {
        if (tries >= MAX_STAMP_TRIES) {
            snprintf(why, 128, "%s at 0x%llx: no read of %u within twice the fastest (%llu TSC ticks)",
                     ref->name, (unsigned long long)ref->base, MAX_STAMP_TRIES,
                     (unsigned long long)fastest);
            return -1;
        }
        start = stamped_read(ref);
    }
    struct stamp previous = start, middle = start, now = start;
    uint64_t elapsed = 0, middle_elapsed = 0;
    for (uint64_t reads = 0;; reads++) {
        if (reads > MAX_REFERENCE_READS) {
            snprintf(why, 128, "%s at 0x%llx advanced %llu of %llu ticks in %u reads", ref->name,
                     (unsigned long long)ref->base, (unsigned long long)elapsed,
                     (unsigned long long)target, MAX_REFERENCE_READS);
            return -1;
        }
        now = stamped_read(ref);
        elapsed += tsc_counter_delta(previous.value, now.value, ref->bits);
        previous = now;
        if (!tsc_read_trusted(now.cost, fastest))
            continue;
        if (!middle_elapsed && elapsed >= target / 2) {
            middle = now;
            middle_elapsed = elapsed;
        }
        if (elapsed >= target)
            break;
    }
    f->method = ref->method;
    f->reference_hz = ref->hz;
    f->reference_base = ref->base;
    f->reference_bits = ref->bits;
    f->reference_ticks = elapsed;
    f->tsc_ticks = now.tsc - start.tsc;
    f->latency_tsc = fastest;
    f->hz = tsc_hz_from_counts(f->tsc_ticks, elapsed, ref->hz);
    f->halves_ppm = tsc_ppm_apart(
        tsc_hz_from_counts(middle.tsc - start.tsc, middle_elapsed, ref->hz),
        tsc_hz_from_counts(now.tsc - middle.tsc, elapsed - middle_elapsed, ref->hz));
    if (f->hz == 0) {
        snprintf(why, 128, "TSC did not advance against the %s", ref->name);
        return -1;
    }
    return 0;
}

static int measure(const struct reference_clock *ref, struct tsc_figure *out, char why[128])
{
    /* The cost of one read: the fastest of a sample (these reads also warm up the code path,
     * so the first stamp does not wait for it). */
    uint64_t fastest = UINT64_MAX;
    for (unsigned i = 0; i < LATENCY_READS; i++) {
        struct stamp s = stamped_read(ref);
        if (s.cost < fastest)
            fastest = s.cost;
    }
    if (fastest == 0)
        fastest = 1;
    struct tsc_figure best = {0};
    for (unsigned attempt = 0; attempt < MEASURE_ATTEMPTS; attempt++) {
        struct tsc_figure f = {0};
        if (measure_once(ref, fastest, &f, why) != 0)
            return -1;
        if (attempt == 0 || f.halves_ppm < best.halves_ppm)
            best = f;
        if (best.halves_ppm <= HALVES_RETRY_PPM)
            break;
    }
    *out = best;
    return 0;
}

static int measure_hpet(const struct acpi_hpet_info *hpet, struct tsc_figure *out, char why[128])
{
    uint64_t period_fs = mmio_read32(hpet->base + HPET_CAPABILITIES + 4);
    if (period_fs == 0 || period_fs > 100000000ull) { /* spec: at most 100 ns */
        snprintf(why, 128, "HPET at 0x%llx reports period %llu fs", (unsigned long long)hpet->base,
                 (unsigned long long)period_fs);
        return -1;
    }
    uint32_t config = mmio_read32(hpet->base + HPET_CONFIG);
    if (!(config & HPET_CONFIG_ENABLE))
        mmio_write32(hpet->base + HPET_CONFIG, config | HPET_CONFIG_ENABLE);
    struct reference_clock h = {TSC_METHOD_HPET, "HPET", FEMTOSECONDS_PER_SECOND / period_fs, 32,
                                hpet->base, read_hpet_low};
    return measure(&h, out, why);
}

int timer_calibrate(const struct acpi_fadt_info *fadt, const struct acpi_hpet_info *hpet,
                    struct timer_calibration *out, char why[128])
{
    memset(out, 0, sizeof(*out));
    struct tsc_cpuid leaves;
    cpu_tsc_leaves(&leaves);
    struct tsc_figure from_cpuid;
    enum tsc_method cpuid_method = tsc_from_cpuid(&leaves, &from_cpuid);
    int found = -1;
    if (cpuid_method == TSC_METHOD_CPUID_15H || cpuid_method == TSC_METHOD_CPUID_15H_16H) {
        out->figure = from_cpuid;
        found = 0;
    } else {
        tsc_cpuid_note(&leaves, out->cpuid_note, sizeof(out->cpuid_note));
        snprintf(why, 128, "no ACPI PM timer (FADT) and no HPET (HPET table)");
        if (fadt && fadt->pm_timer_port) {
            struct reference_clock pm = {TSC_METHOD_PM_TIMER, "ACPI PM timer", PM_TIMER_HZ,
                                         fadt->pm_timer_32bit ? 32 : 24, fadt->pm_timer_port,
                                         read_pm_timer};
            found = measure(&pm, &out->figure, why);
        }
        if (found != 0 && hpet && hpet->base)
            found = measure_hpet(hpet, &out->figure, why);
        if (found != 0 && cpuid_method == TSC_METHOD_CPUID_16H) {
            /* Coarse, but better than no bounded waits at all. */
            snprintf(out->cpuid_note, sizeof(out->cpuid_note), "no counter to measure against: %s",
                     why);
            out->figure = from_cpuid;
            found = 0;
        }
    }
    if (found != 0)
        return -1;
    out->tsc_hz = out->figure.hz;
    tsc_hz = out->tsc_hz;
    tsc_at_calibration = rdtsc();
    return 0;
}

void timer_describe(const struct timer_calibration *out, char *buf, size_t size)
{
    char figure[192];
    tsc_describe(&out->figure, figure, sizeof(figure));
    snprintf(buf, size, "tsc: %s%s%s", figure, out->cpuid_note[0] ? "; " : "", out->cpuid_note);
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
