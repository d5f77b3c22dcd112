/* TSC rate arithmetic: CPUID 15h/16h, counter deltas across a wrap, stamps, the diagnostic. */
#include "lib/tsc_math.h"

#include <stdio.h>
#include <string.h>

#define HZ_PER_MHZ 1000000ull
#define PLAUSIBLE_MIN_HZ (100ull * HZ_PER_MHZ)   /* no x86-64 TSC runs slower */
#define PLAUSIBLE_MAX_HZ (20000ull * HZ_PER_MHZ) /* nor faster */

static bool plausible(uint64_t hz)
{
    return hz >= PLAUSIBLE_MIN_HZ && hz <= PLAUSIBLE_MAX_HZ;
}

static uint32_t base_mhz(const struct tsc_cpuid *c)
{
    return c->max_leaf >= 0x16 ? (c->eax16 & 0xffffu) : 0;
}

enum tsc_method tsc_from_cpuid(const struct tsc_cpuid *c, struct tsc_figure *out)
{
    memset(out, 0, sizeof(*out));
    uint32_t base = base_mhz(c);
    out->base_mhz = base;
    if (c->max_leaf >= 0x15 && c->eax15 && c->ebx15) {
        out->numerator = c->ebx15;
        out->denominator = c->eax15;
        if (c->ecx15) {
            uint64_t hz = (uint64_t)((unsigned __int128)c->ecx15 * c->ebx15 / c->eax15);
            if (plausible(hz)) {
                out->method = TSC_METHOD_CPUID_15H;
                out->crystal_hz = c->ecx15;
                out->hz = hz;
                return out->method;
            }
        } else if (base && plausible(base * HZ_PER_MHZ)) {
            /* The crystal that makes ratio x crystal the base frequency (as Linux does). */
            out->method = TSC_METHOD_CPUID_15H_16H;
            out->crystal_hz = (base * HZ_PER_MHZ * c->eax15 + c->ebx15 / 2) / c->ebx15;
            out->hz = base * HZ_PER_MHZ;
            return out->method;
        }
        out->numerator = out->denominator = 0;
    }
    if (base && plausible(base * HZ_PER_MHZ)) {
        out->method = TSC_METHOD_CPUID_16H;
        out->hz = base * HZ_PER_MHZ;
        return out->method;
    }
    return TSC_METHOD_NONE;
}

void tsc_cpuid_note(const struct tsc_cpuid *c, char *buf, size_t size)
{
    uint32_t base = base_mhz(c);
    char base_text[48] = "";
    if (base)
        snprintf(base_text, sizeof(base_text), ", 16h base %u MHz (coarse, not used)", base);
    if (c->max_leaf < 0x15)
        snprintf(buf, size, "CPUID max leaf 0x%x: no 15h/16h", c->max_leaf);
    else if (!c->eax15 || !c->ebx15)
        snprintf(buf, size, "CPUID 15h: no TSC/crystal ratio (%u/%u)%s", c->ebx15, c->eax15,
                 base_text);
    else if (!c->ecx15 && !base)
        snprintf(buf, size, "CPUID 15h: ratio %u/%u, crystal not named and no 16h base", c->ebx15,
                 c->eax15);
    else
        snprintf(buf, size, "CPUID 15h: ratio %u/%u x crystal %u Hz is implausible%s", c->ebx15,
                 c->eax15, c->ecx15, base_text);
}

uint64_t tsc_counter_delta(uint32_t previous, uint32_t now, unsigned bits)
{
    uint64_t mask = (bits >= 32) ? 0xffffffffull : ((1ull << bits) - 1);
    return ((uint64_t)now - previous) & mask;
}

uint64_t tsc_hz_from_counts(uint64_t tsc_ticks, uint64_t reference_ticks, uint64_t reference_hz)
{
    if (!reference_ticks)
        return 0;
    unsigned __int128 scaled = (unsigned __int128)tsc_ticks * reference_hz + reference_ticks / 2;
    return (uint64_t)(scaled / reference_ticks);
}

uint64_t tsc_read_stamp(uint64_t tsc_before, uint64_t tsc_after)
{
    return tsc_after - (tsc_after - tsc_before) / 2;
}

bool tsc_read_trusted(uint64_t cost, uint64_t fastest)
{
    return cost <= 2 * fastest;
}

uint32_t tsc_ppm_apart(uint64_t a, uint64_t b)
{
    uint64_t diff = a > b ? a - b : b - a;
    unsigned __int128 mean = ((unsigned __int128)a + b) / 2;
    if (!mean)
        return 0;
    unsigned __int128 ppm = (unsigned __int128)diff * 1000000u / mean;
    return ppm > 0xffffffffu ? 0xffffffffu : (uint32_t)ppm;
}

/* "24" for a whole number of MHz, else "19.200" (to the kHz). */
static void format_mhz(uint64_t hz, char *buf, size_t size)
{
    if (hz % HZ_PER_MHZ == 0)
        snprintf(buf, size, "%llu", (unsigned long long)(hz / HZ_PER_MHZ));
    else {
        uint64_t khz = (hz + 500) / 1000;
        snprintf(buf, size, "%llu.%03llu", (unsigned long long)(khz / 1000),
                 (unsigned long long)(khz % 1000));
    }
}

void tsc_describe(const struct tsc_figure *f, char *buf, size_t size)
{
    uint64_t khz = (f->hz + 500) / 1000;
    char crystal[32];
    format_mhz(f->crystal_hz, crystal, sizeof(crystal));
    int n = snprintf(buf, size, "%llu.%03llu MHz from ", (unsigned long long)(khz / 1000),
                     (unsigned long long)(khz % 1000));
    if (n < 0 || (size_t)n >= size)
        return;
    buf += n;
    size -= (size_t)n;
    switch (f->method) {
    case TSC_METHOD_CPUID_15H:
        snprintf(buf, size, "CPUID 15h (crystal %s MHz x %u/%u)", crystal, f->numerator,
                 f->denominator);
        break;
    case TSC_METHOD_CPUID_15H_16H:
        snprintf(buf, size,
                 "CPUID 15h and 16h (crystal %s MHz, derived from the %u MHz base, x %u/%u; "
                 "coarse: 16h counts whole MHz)",
                 crystal, f->base_mhz, f->numerator, f->denominator);
        break;
    case TSC_METHOD_CPUID_16H:
        snprintf(buf, size,
                 "CPUID 16h (the %u MHz base frequency; coarse: whole MHz, and the TSC assumed to "
                 "run at base)",
                 f->base_mhz);
        break;
    case TSC_METHOD_PM_TIMER:
    case TSC_METHOD_HPET: {
        uint64_t window_us10 = f->reference_hz
            ? (uint64_t)(((unsigned __int128)f->reference_ticks * 10000u + f->reference_hz / 2) /
                         f->reference_hz) : 0;
        uint64_t latency_ns100 = f->hz
            ? (uint64_t)(((unsigned __int128)f->latency_tsc * 10000000u + f->hz / 2) / f->hz) : 0;
        snprintf(buf, size,
                 "the %s at 0x%llx over %llu.%llu ms (read latency %llu.%llu us subtracted: each "
                 "end stamped mid-read; halves %u ppm apart)",
                 f->method == TSC_METHOD_PM_TIMER ? "ACPI PM timer" : "HPET",
                 (unsigned long long)f->reference_base, (unsigned long long)(window_us10 / 10),
                 (unsigned long long)(window_us10 % 10), (unsigned long long)(latency_ns100 / 10),
                 (unsigned long long)(latency_ns100 % 10), f->halves_ppm);
        break;
    }
    case TSC_METHOD_NONE:
    default:
        snprintf(buf, size, "nothing");
        break;
    }
}
