/* CPU identification through CPUID: hypervisor vendor, brand string, the TSC leaves. */
#include "arch/x86_64/cpu.h"

#include <string.h>

#define CPUID_FEATURE_HYPERVISOR (1u << 31) /* leaf 1, ECX */

bool cpu_hypervisor_vendor(char vendor[13])
{
    vendor[0] = '\0';
    if (!(cpuid(1, 0).ecx & CPUID_FEATURE_HYPERVISOR))
        return false;
    struct cpuid_result r = cpuid(0x40000000, 0);
    memcpy(vendor + 0, &r.ebx, 4);
    memcpy(vendor + 4, &r.ecx, 4);
    memcpy(vendor + 8, &r.edx, 4);
    vendor[12] = '\0';
    return true;
}

void cpu_brand_string(char brand[49])
{
    brand[0] = '\0';
    if (cpuid(0x80000000, 0).eax < 0x80000004)
        return;
    for (uint32_t i = 0; i < 3; i++) {
        struct cpuid_result r = cpuid(0x80000002 + i, 0);
        memcpy(brand + 16 * i + 0, &r.eax, 4);
        memcpy(brand + 16 * i + 4, &r.ebx, 4);
        memcpy(brand + 16 * i + 8, &r.ecx, 4);
        memcpy(brand + 16 * i + 12, &r.edx, 4);
    }
    brand[48] = '\0';
    /* Brand strings are right-aligned with leading spaces on some parts. */
    char *start = brand;
    while (*start == ' ')
        start++;
    memmove(brand, start, strlen(start) + 1);
}

void cpu_tsc_leaves(struct tsc_cpuid *out)
{
    memset(out, 0, sizeof(*out));
    out->max_leaf = cpuid(0, 0).eax;
    if (out->max_leaf >= 0x15) {
        struct cpuid_result r = cpuid(0x15, 0);
        out->eax15 = r.eax;
        out->ebx15 = r.ebx;
        out->ecx15 = r.ecx;
    }
    if (out->max_leaf >= 0x16)
        out->eax16 = cpuid(0x16, 0).eax;
}
