/* The ACPI fixed-feature power button, polled through PWRBTN_STS in the PM1a status register. */
#ifndef NVMETAL_DRIVERS_ACPI_POWER_BUTTON_H
#define NVMETAL_DRIVERS_ACPI_POWER_BUTTON_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_power_button {
    uint16_t status_port, enable_port;
    uint16_t enable_before; /* PM1 enable as the firmware left it, restored by disarm */
};

/* Clears a press latched before now and sets PWRBTN_EN (QEMU, like some chipsets, latches
 * PWRBTN_STS only with it). Call with interrupts off: the SCI it may raise is never taken. */
void acpi_power_button_arm(struct acpi_power_button *b, uint16_t status_port, uint16_t enable_port);
/* True when the button was pressed since arm (or the last true); clears it. */
bool acpi_power_button_pressed(struct acpi_power_button *b);
/* PWRBTN_EN back as it was, the status cleared. */
void acpi_power_button_disarm(struct acpi_power_button *b);

#endif
