/* Time: the TSC calibrated against a platform timer, and deadlines for bounded waits. */
#ifndef NVMETAL_ARCH_TIMER_H
#define NVMETAL_ARCH_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/acpi.h"

struct timer_calibration {
    uint64_t tsc_hz;
    const char *reference;     /* "ACPI PM timer" or "HPET" */
    uint64_t reference_base;   /* port or MMIO address of the reference */
    uint64_t reference_ticks;  /* reference ticks the measurement spanned */
};

/* Measures the TSC against the ACPI PM timer (fadt) or, failing that, the HPET.
 * Either may be NULL. Returns 0, or -1 with why[] naming what did not work. */
int timer_calibrate(const struct acpi_fadt_info *fadt, const struct acpi_hpet_info *hpet,
                    struct timer_calibration *out, char why[128]);

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
