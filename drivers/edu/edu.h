/* QEMU's educational PCI device (hw/misc/edu.c, 1234:11e8): its identification register and the interrupt it raises on request, the image's MSI requester under QEMU (as in kvm-unit-tests). */
#ifndef NVMETAL_DRIVERS_EDU_H
#define NVMETAL_DRIVERS_EDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci/pci.h"

#define EDU_VENDOR_ID 0x1234 /* QEMU's */
#define EDU_DEVICE_ID 0x11e8

struct edu {
    const struct pci_function *f;
    uint64_t mmio;          /* BAR0 */
    uint32_t identification; /* register 0x00: 0xMMmm00ed, version major.minor */
    uint16_t command_found;
};

bool edu_is(const struct pci_function *f);

/* BAR0 checked, memory decode and bus mastering on, the identification register read (its low
 * byte must be 0xed). Returns 0, or -1 with why[] (the command register is then as found). */
int edu_open(const struct pci_function *f, struct edu *d, char *why, size_t len);

/* Sets `bits` in the interrupt status; the device sends its MSI (or asserts INTx when MSI is
 * off) every time, even when a bit was already set. */
void edu_raise(const struct edu *d, uint32_t bits);
/* Clears `bits` in the interrupt status (INTx drops when none is left). */
void edu_acknowledge(const struct edu *d, uint32_t bits);
uint32_t edu_interrupt_status(const struct edu *d);

/* Its INTx pin kept quiet (Command.Interrupt Disable), or as found. */
void edu_intx_disable(const struct edu *d, bool disabled);
/* Interrupt status cleared, the command register as found. */
void edu_close(const struct edu *d);

#endif
