/* ACPI power button: PWRBTN_EN set for the wait, PWRBTN_STS (PM1 status bit 8) polled, both left as found. */
#include "drivers/acpi_power_button.h"

#include "arch/x86_64/port_io.h"

#define PM1_PWRBTN (1u << 8) /* bit 8 of PM1 status and of PM1 enable: ACPI 6.5 tables 4.16, 4.17 */

void acpi_power_button_arm(struct acpi_power_button *b, uint16_t status_port, uint16_t enable_port)
{
    b->status_port = status_port;
    b->enable_port = enable_port;
    /* Status bits are write-one-to-clear: writing only this bit leaves the others alone. */
    port_out16(status_port, PM1_PWRBTN);
    b->enable_before = port_in16(enable_port);
    port_out16(enable_port, (uint16_t)(b->enable_before | PM1_PWRBTN));
}

bool acpi_power_button_pressed(struct acpi_power_button *b)
{
    if (!(port_in16(b->status_port) & PM1_PWRBTN))
        return false;
    port_out16(b->status_port, PM1_PWRBTN);
    return true;
}

void acpi_power_button_disarm(struct acpi_power_button *b)
{
    port_out16(b->enable_port, b->enable_before);
    port_out16(b->status_port, PM1_PWRBTN);
}
