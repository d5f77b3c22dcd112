/* The end of a run: the log kept for the stick, the summary screen, a wait for the user, then the verdict leaves. */
#ifndef NVMETAL_BOOT_RUN_END_H
#define NVMETAL_BOOT_RUN_END_H

#include "arch/x86_64/platform_exit.h"
#include "boot/boot_info.h"
#include "lib/acpi_discover.h"

/* Decides what the end will do and says so in diagnostics: called before the last TAP line
 * (the plan or "Bail out!"), which stays the last line of the saved log. */
void run_end_announce(const struct boot_info *info, const struct acpi_platform *acpi);
/* After the last TAP line: saves the log (save_results), draws the summary, waits (end_wait),
 * then leaves through the exit route (isa-debug-exit under QEMU, else exit_action). */
void run_end(const struct boot_info *info, enum verdict verdict) __attribute__((noreturn));

#endif
