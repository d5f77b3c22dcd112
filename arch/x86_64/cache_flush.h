/* Getting stores to memory past the CPU caches: CLWB, CLFLUSHOPT and CLFLUSH as CPUID offers them, non-temporal stores, and the SFENCE that orders them before what follows. */
#ifndef NVMETAL_ARCH_CACHE_FLUSH_H
#define NVMETAL_ARCH_CACHE_FLUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a write reaches memory. CLWB keeps the line cached; CLFLUSHOPT and CLFLUSH evict it
 * (CLFLUSH is ordered with every other CLFLUSH, so it is the slowest); NON_TEMPORAL stores
 * bypass the caches altogether (MOVNTI). */
enum cache_write_method {
    CACHE_WRITE_CLWB,
    CACHE_WRITE_CLFLUSHOPT,
    CACHE_WRITE_CLFLUSH,
    CACHE_WRITE_NON_TEMPORAL,
    CACHE_WRITE_METHODS
};

struct cache_flush_support {
    bool clwb, clflushopt, clflush; /* CPUID.7.0:EBX[24], EBX[23]; CPUID.1:EDX[19] */
    unsigned line_bytes;            /* CPUID.1:EBX[15:8] x 8; 64 when CPUID gives 0 */
};

struct cache_flush_support cache_flush_detect(void);
bool cache_write_supported(const struct cache_flush_support *s, enum cache_write_method m);
/* The best line flush this CPU has (CLWB, then CLFLUSHOPT, then CLFLUSH). */
enum cache_write_method cache_flush_best(const struct cache_flush_support *s);
/* "clwb", "clflushopt", "clflush", "non_temporal". */
const char *cache_write_method_name(enum cache_write_method m);

/* Every line of [address, address + bytes) written back with method m (a flush method), then an
 * SFENCE: on return the lines are in the memory subsystem. */
void cache_flush_range(enum cache_write_method m, const struct cache_flush_support *s,
                       uintptr_t address, size_t bytes);
/* One 8-byte non-temporal store (MOVNTI); store_fence() makes a run of them globally visible. */
static inline void store_non_temporal64(volatile uint64_t *at, uint64_t value)
{
    __asm__ volatile("movnti %1, %0" : "=m"(*at) : "r"(value) : "memory");
}
static inline void store_fence(void)
{
    __asm__ volatile("sfence" : : : "memory");
}

#endif
