/* Table-driven register decoding: a table of named bit fields turns a value into "NAME=value" text. */
#ifndef NVMETAL_LIB_BITFIELD_H
#define NVMETAL_LIB_BITFIELD_H

#include <stddef.h>
#include <stdint.h>

struct bitfield {
    const char *name;
    uint8_t lsb;
    uint8_t width; /* 1..64 */
};

uint64_t bitfield_get(const struct bitfield *field, uint64_t value);
/* "MQES=2047 CQR=1 ..." (decimal below 10, hex above), skipping reserved gaps.
 * Returns the length written (truncated output stays NUL terminated). */
size_t bitfield_format(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                       size_t len);

#endif
