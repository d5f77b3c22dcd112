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

/* A driver lists each register's fields once as X(REGISTER, FIELD, lsb, width) and defines
 * PREFIX_BITS_<REGISTER> (32 or 64) for each register; REGFIELD_DEFINE then gives, per field:
 * the mask PREFIX_<REGISTER>_<FIELD>, the getter prefix_<REGISTER>_<FIELD>(value), the setter
 * prefix_put_<REGISTER>_<FIELD>(x) (cut to the field), all in the register's own width, and a
 * compile-time check that the field lies inside the register. REGFIELD_ENTRY makes the
 * decoder's table entry {"FIELD", lsb, width} from the same list. */
#define REGFIELD_MASK(lsb, width)  ((((width) == 64) ? ~0ull : ((1ull << (width)) - 1)) << (lsb))
#define REGFIELD_TYPE(bits)        REGFIELD_TYPE_(bits)
#define REGFIELD_TYPE_(bits)       uint##bits##_t
#define REGFIELD_DEFINE(P, p, reg, field, lsb, width)                                           \
    _Static_assert((lsb) + (width) <= P##_BITS_##reg, #reg "." #field " lies in " #reg);         \
    static const REGFIELD_TYPE(P##_BITS_##reg) P##_##reg##_##field =                            \
        (REGFIELD_TYPE(P##_BITS_##reg))REGFIELD_MASK(lsb, width);                               \
    static inline REGFIELD_TYPE(P##_BITS_##reg) p##_##reg##_##field(uint64_t value)             \
    {                                                                                           \
        return (REGFIELD_TYPE(P##_BITS_##reg))((value & REGFIELD_MASK(lsb, width)) >> (lsb));   \
    }                                                                                           \
    static inline REGFIELD_TYPE(P##_BITS_##reg) p##_put_##reg##_##field(uint64_t x)             \
    {                                                                                           \
        return (REGFIELD_TYPE(P##_BITS_##reg))((x << (lsb)) & REGFIELD_MASK(lsb, width));       \
    }
#define REGFIELD_ENTRY(reg, field, lsb, width) {#field, lsb, width},

uint64_t bitfield_get(const struct bitfield *field, uint64_t value);
/* "MQES=2047 CQR=1 ..." (decimal below 10, hex above), skipping reserved gaps.
 * Returns the length written (truncated output stays NUL terminated). */
size_t bitfield_format(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                       size_t len);

#endif
