/* Whether an address range lies wholly inside spans of one kind (e.g. the firmware memory map's EfiPersistentMemory regions), where the first part that does not begins, and which span of any kind touches it. */
#ifndef NVMETAL_LIB_SPAN_COVER_H
#define NVMETAL_LIB_SPAN_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct span {
    uint64_t start, bytes;
    uint32_t kind;
};

/* True when every byte of [base, base + bytes) lies in spans of `kind` (in any order, touching
 * or overlapping). Otherwise false, and *gap (may be NULL) gets the first address not covered.
 * A range of 0 bytes or one that ends past 2^64 is never covered (*gap = base). */
bool span_covers(const struct span *spans, unsigned count, uint32_t kind, uint64_t base,
                 uint64_t bytes, uint64_t *gap);

/* The first span (in array order) of any kind that shares a byte with [base, base + bytes), or
 * NULL when none does. */
const struct span *span_first_overlap(const struct span *spans, unsigned count, uint64_t base,
                                      uint64_t bytes);

#endif
