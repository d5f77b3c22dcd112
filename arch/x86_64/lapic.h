/* The local APIC of the CPU the image runs on, in the mode the firmware left it (xAPIC through MMIO, x2APIC through MSRs) or switched to x2APIC where interrupt remapping can name it: ID, EOI, register access. */
#ifndef NVMETAL_ARCH_LAPIC_H
#define NVMETAL_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* xAPIC register offsets (Intel SDM vol. 3 table 11-1); the x2APIC MSR is 0x800 + offset / 16. */
#define LAPIC_ID             0x020
#define LAPIC_VERSION        0x030
#define LAPIC_EOI            0x0b0
#define LAPIC_SPURIOUS       0x0f0
#define LAPIC_SPURIOUS_ENABLE (1u << 8)
#define LAPIC_ISR_FIRST      0x100 /* 8 registers, 16 bytes apart: a bit per vector in service */
#define LAPIC_IRR_FIRST      0x200 /* the same for vectors requested and not yet taken */
#define LAPIC_LVT_TIMER      0x320
#define LAPIC_LVT_MASKED     (1u << 16)
#define LAPIC_LVT_PERIODIC   (1u << 17)
#define LAPIC_TIMER_INITIAL  0x380
#define LAPIC_TIMER_CURRENT  0x390
#define LAPIC_TIMER_DIVIDE   0x3e0
#define LAPIC_DIVIDE_BY_16   0x3

enum lapic_mode {
    LAPIC_DISABLED, /* IA32_APIC_BASE.EN = 0: no interrupts can be delivered */
    LAPIC_XAPIC,
    LAPIC_X2APIC,
};

/* Reads IA32_APIC_BASE (again on each call) and remembers the mode and the MMIO base. */
enum lapic_mode lapic_init(void);
enum lapic_mode lapic_mode(void);
/* "xAPIC", "x2APIC", "disabled". */
const char *lapic_mode_name(enum lapic_mode mode);
/* The MMIO base (xAPIC), from IA32_APIC_BASE. */
uint64_t lapic_base(void);
/* This CPU's APIC ID: 8 bits in xAPIC mode, 32 in x2APIC mode. */
uint32_t lapic_id(void);
/* CPUID.1:ECX.x2APIC: the CPU can switch to x2APIC mode. */
bool lapic_x2apic_supported(void);

/* xAPIC -> x2APIC (IA32_APIC_BASE.EXTD), for the rest of the run: the way back would reset
 * the APIC. Returns 0 (also when already in x2APIC mode), or -1 when the APIC is disabled or
 * the CPU has no x2APIC. */
int lapic_enter_x2apic(void);
/* True when lapic_enter_x2apic switched the mode, false when the firmware left it so. */
bool lapic_x2apic_entered_here(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
/* Ends the interrupt in service (a write of 0 to EOI). */
void lapic_eoi(void);
/* Whether `vector` is set in the IRR (requested) or the ISR (in service). */
bool lapic_vector_requested(uint8_t vector);
bool lapic_vector_in_service(uint8_t vector);

#endif
