/* Leaving the machine: the verdict goes to QEMU's isa-debug-exit, or the platform resets. */
#ifndef NVMETAL_ARCH_PLATFORM_EXIT_H
#define NVMETAL_ARCH_PLATFORM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/acpi.h"
#include "lib/config.h"

/* Verdict codes, as the image's exit code and QEMU's ((code << 1) | 1). */
enum verdict {
    VERDICT_PASS = 0,
    VERDICT_FAIL = 1,
    VERDICT_BAIL_OUT = 2,
    VERDICT_ALL_SKIPPED = 77,
};

struct platform_exit_route {
    bool under_qemu;                    /* fw_cfg signature seen: isa-debug-exit may exist */
    enum exit_action action;            /* what to do when no debug-exit device took the code */
    void *efi_reset_system;             /* EFI_RESET_SYSTEM, valid after ExitBootServices */
    bool acpi_reset_usable;
    struct acpi_gas acpi_reset_register;
    uint8_t acpi_reset_value;
};

/* Records how to leave; until called, platform_exit only tries debug-exit and halts. */
void platform_exit_configure(const struct platform_exit_route *route);
/* Replaces the configured action (the boot that only wrote saved results powers off). */
void platform_exit_set_action(enum exit_action action);
/* True when the fw_cfg I/O port answers with QEMU's signature. */
bool platform_is_qemu(void);
/* Reports the verdict and leaves: isa-debug-exit, else reset/shutdown/halt per config. */
void platform_exit(enum verdict verdict) __attribute__((noreturn));

#endif
