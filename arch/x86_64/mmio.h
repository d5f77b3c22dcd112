/* Width-exact MMIO accessors: every device register and BAR access goes through these. */
#ifndef NVMETAL_ARCH_MMIO_H
#define NVMETAL_ARCH_MMIO_H

#include <stdint.h>

/* Each accessor is one mov of the stated width, written in asm so the compiler
 * can neither merge, split, widen (SIMD) nor reorder it across other memory
 * accesses ("memory" clobber). Device memory must never see memcpy/memset. */

static inline uint8_t mmio_read8(uint64_t address)
{
    uint8_t value;
    __asm__ volatile("movb (%1), %0" : "=q"(value) : "r"(address) : "memory");
    return value;
}

static inline uint16_t mmio_read16(uint64_t address)
{
    uint16_t value;
    __asm__ volatile("movw (%1), %0" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline uint32_t mmio_read32(uint64_t address)
{
    uint32_t value;
    __asm__ volatile("movl (%1), %0" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline uint64_t mmio_read64(uint64_t address)
{
    uint64_t value;
    __asm__ volatile("movq (%1), %0" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline void mmio_write8(uint64_t address, uint8_t value)
{
    __asm__ volatile("movb %0, (%1)" : : "q"(value), "r"(address) : "memory");
}

static inline void mmio_write16(uint64_t address, uint16_t value)
{
    __asm__ volatile("movw %0, (%1)" : : "r"(value), "r"(address) : "memory");
}

static inline void mmio_write32(uint64_t address, uint32_t value)
{
    __asm__ volatile("movl %0, (%1)" : : "r"(value), "r"(address) : "memory");
}

static inline void mmio_write64(uint64_t address, uint64_t value)
{
    __asm__ volatile("movq %0, (%1)" : : "r"(value), "r"(address) : "memory");
}

/* A 64-bit register as two dword accesses, low dword first: for registers that are not 8-byte
 * aligned (NVMe PMRMSC) and devices that take dwords only or act on the high dword (VT-d's
 * CCMD and IOTLB commands trigger there). */
static inline uint64_t mmio_read64_low_first(uint64_t address)
{
    uint64_t low = mmio_read32(address);
    return low | ((uint64_t)mmio_read32(address + 4) << 32);
}

static inline void mmio_write64_low_first(uint64_t address, uint64_t value)
{
    mmio_write32(address, (uint32_t)value);
    mmio_write32(address + 4, (uint32_t)(value >> 32));
}

/* Orders all earlier loads and stores before later ones, device memory included. */
static inline void memory_barrier(void)
{
    __asm__ volatile("mfence" : : : "memory");
}

#endif
