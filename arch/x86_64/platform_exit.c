/* Leaving the machine: isa-debug-exit under QEMU, else EFI ResetSystem, ACPI reset, 0xCF9, halt. */
#include "arch/x86_64/platform_exit.h"

#include <efi.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/port_io.h"

#define QEMU_DEBUG_EXIT_PORT  0xf4
#define QEMU_FW_CFG_SELECTOR  0x510
#define QEMU_FW_CFG_DATA      0x511
#define QEMU_FW_CFG_SIGNATURE 0x0000
#define RESET_CONTROL_PORT    0xcf9
#define RESET_CONTROL_HARD    0x06 /* full reset, CPU reset */

static struct platform_exit_route route = {.action = EXIT_ACTION_HALT};

void platform_exit_configure(const struct platform_exit_route *r)
{
    route = *r;
}

void platform_exit_set_action(enum exit_action action)
{
    route.action = action;
}

bool platform_is_qemu(void)
{
    /* fw_cfg lives behind port 0x510 only on QEMU; ask a hypervisor first so
     * real hardware never sees a write to that port. */
    char vendor[13];
    if (!cpu_hypervisor_vendor(vendor))
        return false;
    port_out16(QEMU_FW_CFG_SELECTOR, QEMU_FW_CFG_SIGNATURE);
    char signature[4];
    for (unsigned i = 0; i < 4; i++)
        signature[i] = (char)port_in8(QEMU_FW_CFG_DATA);
    return signature[0] == 'Q' && signature[1] == 'E' && signature[2] == 'M' && signature[3] == 'U';
}

static void acpi_reset(void)
{
    const struct acpi_gas *reg = &route.acpi_reset_register;
    if (reg->space_id == ACPI_SPACE_IO)
        port_out8((uint16_t)reg->address, route.acpi_reset_value);
    else if (reg->space_id == ACPI_SPACE_MEMORY)
        mmio_write8(reg->address, route.acpi_reset_value);
}

static void halt_forever(void)
{
    interrupts_disable();
    for (;;)
        cpu_halt();
}

void platform_exit(enum verdict verdict)
{
    interrupts_disable();
    if (route.under_qemu)
        port_out8(QEMU_DEBUG_EXIT_PORT, (uint8_t)verdict);
    /* Still here: no isa-debug-exit device. */
    EFI_RESET_SYSTEM reset_system = (EFI_RESET_SYSTEM)route.efi_reset_system;
    switch (route.action) {
    case EXIT_ACTION_HALT:
        break;
    case EXIT_ACTION_SHUTDOWN:
        if (reset_system)
            reset_system(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
        break;
    case EXIT_ACTION_RESET:
        if (reset_system)
            reset_system(EfiResetCold, EFI_SUCCESS, 0, NULL);
        if (route.acpi_reset_usable)
            acpi_reset();
        port_out8(RESET_CONTROL_PORT, RESET_CONTROL_HARD);
        break;
    }
    halt_forever();
    __builtin_unreachable();
}
