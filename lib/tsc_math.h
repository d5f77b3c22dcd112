/* The TSC's rate: what CPUID leaves 15h/16h give, the arithmetic of a measurement against a
 * platform counter, and the diagnostic line that names the method and the figure. Pure. */
#ifndef NVMETAL_LIB_TSC_MATH_H
#define NVMETAL_LIB_TSC_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CPUID as read: 0 in every leaf the CPU does not have (max_leaf below it). */
struct tsc_cpuid {
    uint32_t max_leaf;            /* CPUID.0:EAX */
    uint32_t eax15, ebx15, ecx15; /* 15h: ratio denominator, numerator, crystal Hz (0: unnamed) */
    uint32_t eax16;               /* 16h: base frequency in MHz in bits 15:0 */
};

enum tsc_method {
    TSC_METHOD_NONE,
    TSC_METHOD_CPUID_15H,     /* 15h ratio x the crystal 15h names: exact */
    TSC_METHOD_CPUID_15H_16H, /* 15h ratio, crystal derived from 16h's base MHz: 1 MHz steps */
    TSC_METHOD_PM_TIMER,      /* measured against the ACPI PM timer */
    TSC_METHOD_HPET,          /* measured against the HPET */
    TSC_METHOD_CPUID_16H,     /* 16h's base MHz alone: coarse, only when no counter works */
};

struct tsc_figure {
    enum tsc_method method;
    uint64_t hz;
    /* CPUID methods */
    uint32_t numerator, denominator; /* 15h EBX / EAX */
    uint64_t crystal_hz;             /* named by 15h ECX, or derived from 16h */
    uint32_t base_mhz;               /* 16h */
    /* measured methods */
    uint64_t reference_hz;
    uint64_t reference_base;  /* port or MMIO address */
    unsigned reference_bits;  /* 24 or 32: where the counter wraps */
    uint64_t reference_ticks; /* counter ticks between the two stamps */
    uint64_t tsc_ticks;       /* TSC ticks between the two stamps */
    uint64_t latency_tsc;     /* the cost of one counter read, TSC ticks (fastest of a sample) */
    uint32_t halves_ppm;      /* how far the window's two halves' rates differ */
};

/* What CPUID gives: TSC_METHOD_CPUID_15H or _15H_16H (out filled) when 15h gives the rate,
 * TSC_METHOD_CPUID_16H when only 16h's base frequency is there, else TSC_METHOD_NONE. An
 * unnamed crystal (ECX = 0) is never guessed from the CPU model. */
enum tsc_method tsc_from_cpuid(const struct tsc_cpuid *c, struct tsc_figure *out);
/* Why CPUID gave no exact figure, e.g. "CPUID max leaf 0xd: no 15h/16h". */
void tsc_cpuid_note(const struct tsc_cpuid *c, char *buf, size_t size);

/* Ticks a counter of `bits` (1..32) advanced from `previous` to `now`, across one wrap. */
uint64_t tsc_counter_delta(uint32_t previous, uint32_t now, unsigned bits);
/* The TSC rate, rounded to the nearest Hz, from the ticks of both over one interval (0 if none). */
uint64_t tsc_hz_from_counts(uint64_t tsc_ticks, uint64_t reference_ticks, uint64_t reference_hz);
/* When a counter read happened, given rdtsc just before and just after it: the middle, i.e. the
 * read's latency taken out of the later stamp by half. */
uint64_t tsc_read_stamp(uint64_t tsc_before, uint64_t tsc_after);
/* A read that took more than twice the fastest one was held up (a stall, an SMI, the host):
 * its stamp is not trusted. */
bool tsc_read_trusted(uint64_t cost, uint64_t fastest);
/* |a - b| / mean in parts per million, saturated. */
uint32_t tsc_ppm_apart(uint64_t a, uint64_t b);

/* The diagnostic after "tsc: ": the figure, the method and what it rests on. */
void tsc_describe(const struct tsc_figure *f, char *buf, size_t size);

#endif
