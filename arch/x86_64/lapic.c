/* Local APIC access in either mode: MMIO at IA32_APIC_BASE for xAPIC, MSR 0x800 + offset/16 for x2APIC, 32-bit accesses only. */
#include "arch/x86_64/lapic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"

#define MSR_APIC_BASE       0x1b
#define APIC_BASE_ENABLE    (1ull << 11)
#define APIC_BASE_X2APIC    (1ull << 10)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define MSR_X2APIC_FIRST    0x800
#define CPUID1_ECX_X2APIC   (1u << 21)

static enum lapic_mode mode;
static uint64_t base;
static bool entered_here; /* x2APIC mode is ours, not the firmware's */

enum lapic_mode lapic_init(void)
{
    uint64_t msr = read_msr(MSR_APIC_BASE);
    base = msr & APIC_BASE_ADDR_MASK;
    if (!(msr & APIC_BASE_ENABLE))
        mode = LAPIC_DISABLED;
    else
        mode = (msr & APIC_BASE_X2APIC) ? LAPIC_X2APIC : LAPIC_XAPIC;
    return mode;
}

enum lapic_mode lapic_mode(void)
{
    return mode;
}

const char *lapic_mode_name(enum lapic_mode m)
{
    return m == LAPIC_X2APIC ? "x2APIC" : m == LAPIC_XAPIC ? "xAPIC" : "disabled";
}

uint64_t lapic_base(void)
{
    return base;
}

bool lapic_x2apic_supported(void)
{
    return (cpuid(1, 0).ecx & CPUID1_ECX_X2APIC) != 0;
}

int lapic_enter_x2apic(void)
{
    if (mode == LAPIC_X2APIC)
        return 0;
    if (mode != LAPIC_XAPIC || !lapic_x2apic_supported())
        return -1;
    /* xAPIC -> x2APIC keeps the APIC's state (the watchdog's timer runs on); no interrupt may
     * be taken between the MSR write and the accessors following it. */
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    uint64_t msr = read_msr(MSR_APIC_BASE) | APIC_BASE_X2APIC;
    __asm__ volatile("wrmsr" : : "c"(MSR_APIC_BASE), "a"((uint32_t)msr), "d"((uint32_t)(msr >> 32))
                     : "memory");
    mode = LAPIC_X2APIC;
    entered_here = true;
    if (flags & (1u << 9))
        interrupts_enable();
    return 0;
}

bool lapic_x2apic_entered_here(void)
{
    return entered_here;
}

uint32_t lapic_read(uint32_t reg)
{
    if (mode == LAPIC_X2APIC)
        return (uint32_t)read_msr(MSR_X2APIC_FIRST + reg / 16);
    return mmio_read32(base + reg);
}

void lapic_write(uint32_t reg, uint32_t value)
{
    if (mode == LAPIC_X2APIC) {
        uint32_t msr = MSR_X2APIC_FIRST + reg / 16;
        __asm__ volatile("wrmsr" : : "c"(msr), "a"(value), "d"(0) : "memory");
    } else {
        mmio_write32(base + reg, value);
    }
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(LAPIC_ID);
    return mode == LAPIC_X2APIC ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

static bool vector_bit(uint32_t first, uint8_t vector)
{
    return (lapic_read(first + 0x10u * (vector / 32u)) >> (vector % 32u)) & 1u;
}

bool lapic_vector_requested(uint8_t vector)
{
    return vector_bit(LAPIC_IRR_FIRST, vector);
}

bool lapic_vector_in_service(uint8_t vector)
{
    return vector_bit(LAPIC_ISR_FIRST, vector);
}
