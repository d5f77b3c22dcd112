/* Address ranges: whether two half-open ranges [start, start + bytes) share a byte. */
#ifndef NVMETAL_LIB_RANGE_H
#define NVMETAL_LIB_RANGE_H

#include <stdbool.h>
#include <stdint.h>

static inline bool ranges_overlap(uint64_t a, uint64_t a_bytes, uint64_t b, uint64_t b_bytes)
{
    return a < b + b_bytes && b < a + a_bytes;
}

#endif
