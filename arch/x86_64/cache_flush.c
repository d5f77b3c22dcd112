/* Cache line flushes by method, detected from CPUID. */
#include "arch/x86_64/cache_flush.h"

#include "arch/x86_64/cpu.h"

#define CPUID1_EDX_CLFSH        (1u << 19)
#define CPUID7_EBX_CLFLUSHOPT   (1u << 23)
#define CPUID7_EBX_CLWB         (1u << 24)
#define CPUID1_EBX_CLFLUSH_SIZE(ebx) (((ebx) >> 8) & 0xffu) /* in 8-byte units */

struct cache_flush_support cache_flush_detect(void)
{
    struct cpuid_result l1 = cpuid(1, 0);
    struct cache_flush_support s = {.clflush = (l1.edx & CPUID1_EDX_CLFSH) != 0,
                                    .line_bytes = CPUID1_EBX_CLFLUSH_SIZE(l1.ebx) * 8u};
    if (!s.line_bytes)
        s.line_bytes = 64;
    if (cpuid(0, 0).eax >= 7) {
        struct cpuid_result l7 = cpuid(7, 0);
        s.clflushopt = (l7.ebx & CPUID7_EBX_CLFLUSHOPT) != 0;
        s.clwb = (l7.ebx & CPUID7_EBX_CLWB) != 0;
    }
    return s;
}

bool cache_write_supported(const struct cache_flush_support *s, enum cache_write_method m)
{
    switch (m) {
    case CACHE_WRITE_CLWB: return s->clwb;
    case CACHE_WRITE_CLFLUSHOPT: return s->clflushopt;
    case CACHE_WRITE_CLFLUSH: return s->clflush;
    case CACHE_WRITE_NON_TEMPORAL: return true; /* MOVNTI is SSE2: every x86-64 CPU */
    default: return false;
    }
}

enum cache_write_method cache_flush_best(const struct cache_flush_support *s)
{
    return s->clwb ? CACHE_WRITE_CLWB : s->clflushopt ? CACHE_WRITE_CLFLUSHOPT : CACHE_WRITE_CLFLUSH;
}

const char *cache_write_method_name(enum cache_write_method m)
{
    static const char *const names[CACHE_WRITE_METHODS] = {"clwb", "clflushopt", "clflush",
                                                           "non_temporal"};
    return (unsigned)m < CACHE_WRITE_METHODS ? names[m] : "unknown";
}

void cache_flush_range(enum cache_write_method m, const struct cache_flush_support *s,
                       uintptr_t address, size_t bytes)
{
    uintptr_t line = s->line_bytes;
    uintptr_t end = address + bytes;
    for (uintptr_t at = address & ~(line - 1); at < end; at += line) {
        if (m == CACHE_WRITE_CLWB)
            __asm__ volatile("clwb (%0)" : : "r"(at) : "memory");
        else if (m == CACHE_WRITE_CLFLUSHOPT)
            __asm__ volatile("clflushopt (%0)" : : "r"(at) : "memory");
        else if (m == CACHE_WRITE_CLFLUSH)
            __asm__ volatile("clflush (%0)" : : "r"(at) : "memory");
    }
    store_fence();
}
