/* CPU primitives: cpuid, TSC, control registers, interrupt flag, cache lines, halt. */
#ifndef NVMETAL_ARCH_CPU_H
#define NVMETAL_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/tsc_math.h"

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_result cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }

static inline uint64_t read_msr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void interrupts_enable(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void interrupts_disable(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }

/* Writes a cache line back to memory so a non-coherent device sees it. */
static inline void cache_line_flush(const volatile void *address)
{
    __asm__ volatile("clflush (%0)" : : "r"(address) : "memory");
}

/* True when CPUID says a hypervisor is present and names it (12 chars + NUL). */
bool cpu_hypervisor_vendor(char vendor[13]);
/* The CPU brand string (48 chars + NUL), or "" when the CPU has none. */
void cpu_brand_string(char brand[49]);
/* CPUID leaves 0, 15h (TSC/crystal ratio, crystal Hz) and 16h (base MHz) as the CPU reports them,
 * 0 in each leaf beyond its max leaf. */
void cpu_tsc_leaves(struct tsc_cpuid *out);

#endif
