/* PCI BAR decoding: kind, address and size from a BAR's original and all-ones-probe readings. */
#include "drivers/pci/pci_bar.h"

#include <stdio.h>

#define BAR_IO_SPACE        0x1u
#define BAR_IO_ADDRESS_MASK 0xfffffffcu
#define BAR_MEM_TYPE_SHIFT  1
#define BAR_MEM_TYPE_MASK   0x3u
#define BAR_MEM_TYPE_32     0x0u
#define BAR_MEM_TYPE_1M     0x1u /* PCI 2.x legacy: must be placed below 1 MiB */
#define BAR_MEM_TYPE_64     0x2u
#define BAR_MEM_PREFETCH    0x8u
#define BAR_MEM_ADDRESS_MASK 0xfffffff0u

static uint32_t memory_type(uint32_t low)
{
    return (low >> BAR_MEM_TYPE_SHIFT) & BAR_MEM_TYPE_MASK;
}

bool pci_bar_is_64bit(uint32_t original_low)
{
    return !(original_low & BAR_IO_SPACE) && memory_type(original_low) == BAR_MEM_TYPE_64;
}

/* A size mask must be ones from the top down to the size bit, then zeros; the size is
 * its two's complement. Returns 0 for a mask with holes. */
static uint64_t size_from_mask(uint64_t mask)
{
    uint64_t below = ~mask;
    if ((below & (below + 1)) != 0)
        return 0;
    return below + 1;
}

int pci_bar_decode(uint32_t original_low, uint32_t original_high, uint32_t probe_low,
                   uint32_t probe_high, struct pci_bar *out)
{
    out->kind = PCI_BAR_UNUSED;
    out->prefetchable = false;
    out->address = 0;
    out->size = 0;
    if (probe_low == 0)
        return 0; /* nothing writable and no type bits: the BAR is not implemented */

    /* The low bits are read-only, so the probe must report the same kind as the original. */
    uint32_t type_bits = original_low & BAR_IO_SPACE ? BAR_IO_SPACE : ~BAR_MEM_ADDRESS_MASK;
    if ((original_low ^ probe_low) & type_bits)
        return -1;

    uint64_t probed; /* the address bits that took the ones */
    uint64_t mask;   /* the same, widened to 64 bits with the bits the BAR cannot hold */
    if (original_low & BAR_IO_SPACE) {
        probed = probe_low & BAR_IO_ADDRESS_MASK;
        mask = 0xffffffff00000000ull | probed;
        /* Devices that decode only 16 bits of I/O address may read the upper half as 0. */
        if ((probed >> 16) == 0)
            mask |= 0xffff0000u;
        out->kind = PCI_BAR_IO;
        out->address = original_low & BAR_IO_ADDRESS_MASK;
    } else {
        uint32_t type = memory_type(original_low);
        if (type == BAR_MEM_TYPE_64) {
            out->kind = PCI_BAR_MEM64;
            out->address = (uint64_t)original_high << 32 | (original_low & BAR_MEM_ADDRESS_MASK);
            probed = (uint64_t)probe_high << 32 | (probe_low & BAR_MEM_ADDRESS_MASK);
            mask = probed;
        } else if (type == BAR_MEM_TYPE_32 || type == BAR_MEM_TYPE_1M) {
            out->kind = type == BAR_MEM_TYPE_32 ? PCI_BAR_MEM32 : PCI_BAR_MEM1M;
            out->address = original_low & BAR_MEM_ADDRESS_MASK;
            probed = probe_low & BAR_MEM_ADDRESS_MASK;
            mask = 0xffffffff00000000ull | probed;
        } else {
            out->kind = PCI_BAR_UNUSED;
            return -1; /* memory type 0b11 is reserved */
        }
        out->prefetchable = (original_low & BAR_MEM_PREFETCH) != 0;
    }
    if (probed == 0)
        return -1; /* type bits but no writable address bits: not a BAR */
    out->size = size_from_mask(mask);
    return out->size ? 0 : -1;
}

const char *pci_bar_kind_name(enum pci_bar_kind kind)
{
    static const char *const names[] = {
        [PCI_BAR_UNUSED] = "unused", [PCI_BAR_IO] = "io",       [PCI_BAR_MEM32] = "mem32",
        [PCI_BAR_MEM64] = "mem64",   [PCI_BAR_MEM1M] = "mem1M",
    };
    if ((unsigned)kind < sizeof names / sizeof names[0] && names[kind])
        return names[kind];
    return "?";
}

void format_size(uint64_t bytes, char *out, unsigned len)
{
    static const struct {
        unsigned shift;
        const char *suffix;
    } units[] = {{40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}};
    if (len == 0)
        return;
    for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t unit = 1ull << units[i].shift;
        if (bytes >= unit && bytes % unit == 0) {
            snprintf(out, len, "%llu%s", (unsigned long long)(bytes >> units[i].shift),
                     units[i].suffix);
            return;
        }
    }
    snprintf(out, len, "%llu", (unsigned long long)bytes);
}
