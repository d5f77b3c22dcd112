/* Time: the TSC rate (CPUID 15h/16h or calibrated against a platform timer), and deadlines for bounded waits. */
#ifndef NVMETAL_ARCH_TIMER_H
#define NVMETAL_ARCH_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"
#include "lib/tsc_math.h"

struct timer_calibration {
    uint64_t tsc_hz;
    struct tsc_figure figure;   /* the method and what it rests on (lib/tsc_math.h) */
    char cpuid_note[112];       /* why CPUID gave no exact figure; "" when it did */
};

/* The TSC rate from CPUID 15h (with 16h's base when 15h names no crystal); else measured
 * against the ACPI PM timer (fadt) or, failing that, the HPET; else 16h's base alone. fadt
 * and hpet may be NULL. Returns 0, or -1 with why[] naming what did not work. */
int timer_calibrate(const struct acpi_fadt_info *fadt, const struct acpi_hpet_info *hpet,
                    struct timer_calibration *out, char why[128]);
/* "tsc: " and the rest of the diagnostic line for out. */
void timer_describe(const struct timer_calibration *out, char *buf, size_t size);

/* The calibrated TSC rate in Hz (0 before calibration). */
uint64_t timer_tsc_hz(void);
/* Microseconds since calibration. */
uint64_t time_now_us(void);
void delay_us(uint64_t us);

struct deadline {
    uint64_t tsc_end;
};
struct deadline deadline_after_us(uint64_t us);
bool deadline_passed(struct deadline d);

#endif
