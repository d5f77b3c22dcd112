/* Host tests for lib/tsc_math.c: CPUID 15h/16h routes, counter wraps, rate rounding, stamps, the line. */
#include "check.h"

#include "lib/tsc_math.h"

static void cpuid_15h_with_crystal(void)
{
    struct tsc_cpuid c = {.max_leaf = 0x16, .eax15 = 2, .ebx15 = 200, .ecx15 = 24000000,
                          .eax16 = 2400};
    struct tsc_figure f;
    CHECK_EQ_U64(tsc_from_cpuid(&c, &f), TSC_METHOD_CPUID_15H);
    CHECK_EQ_U64(f.hz, 2400000000ull);
    CHECK_EQ_U64(f.crystal_hz, 24000000);
    char line[256];
    tsc_describe(&f, line, sizeof(line));
    CHECK_STR(line, "2400.000 MHz from CPUID 15h (crystal 24 MHz x 200/2)");
    /* A 19.2 MHz crystal (Atom parts), not a whole number of MHz. */
    struct tsc_cpuid atom = {.max_leaf = 0x15, .eax15 = 3, .ebx15 = 375, .ecx15 = 19200000};
    CHECK_EQ_U64(tsc_from_cpuid(&atom, &f), TSC_METHOD_CPUID_15H);
    CHECK_EQ_U64(f.hz, 2400000000ull);
    tsc_describe(&f, line, sizeof(line));
    CHECK_STR(line, "2400.000 MHz from CPUID 15h (crystal 19.200 MHz x 375/3)");
}

/* ECX = 0: the crystal is never guessed; 16h's base gives it, or 15h is unavailable. */
static void cpuid_15h_without_crystal(void)
{
    struct tsc_cpuid c = {.max_leaf = 0x16, .eax15 = 2, .ebx15 = 300, .ecx15 = 0, .eax16 = 3600};
    struct tsc_figure f;
    CHECK_EQ_U64(tsc_from_cpuid(&c, &f), TSC_METHOD_CPUID_15H_16H);
    CHECK_EQ_U64(f.hz, 3600000000ull);
    CHECK_EQ_U64(f.crystal_hz, 24000000);
    char line[256];
    tsc_describe(&f, line, sizeof(line));
    CHECK_STR(line, "3600.000 MHz from CPUID 15h and 16h (crystal 24 MHz, derived from the 3600 "
                       "MHz base, x 300/2; coarse: 16h counts whole MHz)");
    struct tsc_cpuid no16 = {.max_leaf = 0x15, .eax15 = 2, .ebx15 = 300, .ecx15 = 0};
    CHECK_EQ_U64(tsc_from_cpuid(&no16, &f), TSC_METHOD_NONE);
    tsc_cpuid_note(&no16, line, sizeof(line));
    CHECK_STR(line, "CPUID 15h: ratio 300/2, crystal not named and no 16h base");
}

static void cpuid_16h_alone_and_absent(void)
{
    struct tsc_figure f;
    /* 15h all zero (a hypervisor that does not pass it), 16h base only: coarse fallback. */
    struct tsc_cpuid c = {.max_leaf = 0x16, .eax16 = 0x00000a28}; /* 2600 MHz */
    CHECK_EQ_U64(tsc_from_cpuid(&c, &f), TSC_METHOD_CPUID_16H);
    CHECK_EQ_U64(f.hz, 2600000000ull);
    char note[128];
    tsc_cpuid_note(&c, note, sizeof(note));
    CHECK_STR(note, "CPUID 15h: no TSC/crystal ratio (0/0), 16h base 2600 MHz (coarse, not used)");
    /* Leaves beyond the max leaf are ignored even if the struct holds garbage. */
    struct tsc_cpuid old = {.max_leaf = 0xd, .eax15 = 2, .ebx15 = 200, .ecx15 = 24000000,
                            .eax16 = 2400};
    CHECK_EQ_U64(tsc_from_cpuid(&old, &f), TSC_METHOD_NONE);
    tsc_cpuid_note(&old, note, sizeof(note));
    CHECK_STR(note, "CPUID max leaf 0xd: no 15h/16h");
    /* An implausible product (1 Hz crystal) is not used. */
    struct tsc_cpuid odd = {.max_leaf = 0x15, .eax15 = 1, .ebx15 = 2, .ecx15 = 1};
    CHECK_EQ_U64(tsc_from_cpuid(&odd, &f), TSC_METHOD_NONE);
}

static void counter_wraps(void)
{
    CHECK_EQ_U64(tsc_counter_delta(0x00fffff0, 0x00000010, 24), 0x20);
    CHECK_EQ_U64(tsc_counter_delta(0xfffffff0, 0x00000010, 32), 0x20);
    /* A 24-bit timer read through a 32-bit port: bits above 23 are ignored. */
    CHECK_EQ_U64(tsc_counter_delta(0xab000005, 0xcd000009, 24), 4);
    CHECK_EQ_U64(tsc_counter_delta(100, 100, 24), 0);
}

static void rates_and_stamps(void)
{
    /* 50 ms of PM timer against a 2596.125 MHz TSC. */
    CHECK_EQ_U64(tsc_hz_from_counts(129806250, 178977, 3579545), 2596128626ull);
    CHECK_EQ_U64(tsc_hz_from_counts(10, 0, 3579545), 0);
    /* Rounded to the nearest Hz: 2 ticks against 3 of a 1 Hz counter. */
    CHECK_EQ_U64(tsc_hz_from_counts(2, 3, 1), 1);
    CHECK_EQ_U64(tsc_hz_from_counts(5, 3, 1), 2);
    CHECK_EQ_U64(tsc_read_stamp(1000, 1200), 1100);
    CHECK_EQ_U64(tsc_read_stamp(1000, 1201), 1101);
    CHECK(tsc_read_trusted(200, 100));
    CHECK(!tsc_read_trusted(201, 100));
    CHECK_EQ_U64(tsc_ppm_apart(1000000, 1000010), 9);
    CHECK_EQ_U64(tsc_ppm_apart(0, 0), 0);
    CHECK_EQ_U64(tsc_ppm_apart(1, 3), 1000000);
}

static void measured_line(void)
{
    struct tsc_figure f = {.method = TSC_METHOD_PM_TIMER, .hz = 2596125000ull,
                           .reference_hz = 3579545, .reference_base = 0x608,
                           .reference_ticks = 357954, .latency_tsc = 4933, .halves_ppm = 3};
    char line[256];
    tsc_describe(&f, line, sizeof(line));
    CHECK_STR(line, "2596.125 MHz from the ACPI PM timer at 0x608 over 100.0 ms (read latency "
                       "1.9 us subtracted: each end stamped mid-read; halves 3 ppm apart)");
    f.method = TSC_METHOD_HPET;
    f.reference_hz = 100000000;
    f.reference_base = 0xfed00000;
    f.reference_ticks = 5000000;
    tsc_describe(&f, line, sizeof(line));
    CHECK_STR(line, "2596.125 MHz from the HPET at 0xfed00000 over 50.0 ms (read latency 1.9 us "
                       "subtracted: each end stamped mid-read; halves 3 ppm apart)");
    /* A short buffer is cut, not overrun. */
    char small[8];
    tsc_describe(&f, small, sizeof(small));
    CHECK_STR(small, "2596.12");
}

static const struct check_case cases[] = {
    CHECK_CASE(cpuid_15h_with_crystal),
    CHECK_CASE(cpuid_15h_without_crystal),
    CHECK_CASE(cpuid_16h_alone_and_absent),
    CHECK_CASE(counter_wraps),
    CHECK_CASE(rates_and_stamps),
    CHECK_CASE(measured_line),
};

int main(void)
{
    return CHECK_RUN("tsc_math", cases);
}
