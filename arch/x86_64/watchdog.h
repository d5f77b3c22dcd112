/* Global watchdog: a local APIC timer tick that bails out once timeout_s has passed. */
#ifndef NVMETAL_ARCH_WATCHDOG_H
#define NVMETAL_ARCH_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

/* Starts the periodic tick (interrupts on from here) with the budget in seconds.
 * Returns 0, or -1 with why[] (e.g. no local APIC) */
int watchdog_start(unsigned timeout_s, char why[128]);
/* Stops the tick and turns interrupts off again (before handing back to firmware). */
void watchdog_stop(void);
/* True from watchdog_start until watchdog_stop: our IDT is loaded and interrupts are on. */
bool watchdog_running(void);

#endif
