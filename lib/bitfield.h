/* Table-driven register decoding: a table of named bit fields turns a value into "NAME=value" text, and into what each value means. */
#ifndef NVMETAL_LIB_BITFIELD_H
#define NVMETAL_LIB_BITFIELD_H

#include <stddef.h>
#include <stdint.h>

/* What a field's value means, for the decoded text (bitfield_describe). */
enum bitfield_kind {
    BITFIELD_PLAIN,       /* the value alone (flags, indexes, addresses) */
    BITFIELD_ZEROS_BASED, /* value + 1 `text`: "+1 = 2048 entries" */
    BITFIELD_POW2,        /* 2^(base + step * value) `text`, "B..." in binary units: "4 KiB" */
    BITFIELD_TIMES,       /* value * scale `text`: "7500 ms" */
    BITFIELD_OFFSET,      /* value * scale in hex after `text`: "at 0x220" (nothing for 0) */
    BITFIELD_ENUM,        /* one of `text`'s "value=name;..." entries, else "reserved" */
    BITFIELD_FLAGS,       /* the names in `text`'s "bit=name;..." of the bits set, else "none" */
    BITFIELD_UNITS_OF,    /* value in the units the field named `text` (same table) gives */
    BITFIELD_VERSION,     /* a run of these reads as one version, "`text` 1.4.0", after its last */
};

struct bitfield {
    const char *name;
    uint8_t lsb;
    uint8_t width; /* 1..64 */
    uint8_t kind;  /* enum bitfield_kind */
    uint8_t base, step, max; /* BITFIELD_POW2; max (when not 0): larger values are reserved */
    uint32_t scale;          /* BITFIELD_TIMES, BITFIELD_OFFSET */
    const char *text;        /* unit, names, the unit field's name or the version's prefix */
};

/* The presentation part of a field definition, the optional fifth argument of X(...) below. */
#define BF_ZEROS_BASED(unit)        .kind = BITFIELD_ZEROS_BASED, .text = (unit)
#define BF_POW2(b, s, limit, unit)  .kind = BITFIELD_POW2, .base = (b), .step = (s), \
                                    .max = (limit), .text = (unit)
#define BF_BYTES_LOG2(b)            BF_POW2(b, 1, 0, "B") /* 2^(b + value) bytes */
#define BF_TIMES(factor, unit)      .kind = BITFIELD_TIMES, .scale = (factor), .text = (unit)
#define BF_OFFSET(factor, prefix)   .kind = BITFIELD_OFFSET, .scale = (factor), .text = (prefix)
#define BF_ENUM(names)              .kind = BITFIELD_ENUM, .text = (names)
#define BF_FLAGS(names)             .kind = BITFIELD_FLAGS, .text = (names)
#define BF_UNITS_OF(field)          .kind = BITFIELD_UNITS_OF, .text = (field)
#define BF_VERSION(prefix)          .kind = BITFIELD_VERSION, .text = (prefix)

/* A driver lists each register's fields once as X(REGISTER, FIELD, lsb, width[, presentation])
 * and defines PREFIX_BITS_<REGISTER> (8, 16, 32 or 64) for each register; REGFIELD_DEFINE then
 * gives, per field: the mask PREFIX_<REGISTER>_<FIELD>, the getter prefix_<REGISTER>_<FIELD>(value),
 * the setter prefix_put_<REGISTER>_<FIELD>(x) (cut to the field), all in the register's own
 * width, and a compile-time check that the field lies inside the register (a driver's X wrapper
 * drops the presentation). REGFIELD_ENTRY makes the decoder's table entry {"FIELD", lsb, width,
 * presentation} from the same list. */
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
#define REGFIELD_ENTRY(reg, field, at, bits, ...) \
    {.name = #field, .lsb = (at), .width = (bits), __VA_ARGS__},

uint64_t bitfield_get(const struct bitfield *field, uint64_t value);
/* "MQES=2047 CQR=1 ..." (decimal below 10, hex above), skipping reserved gaps.
 * Returns the length written (truncated output stays NUL terminated). */
size_t bitfield_format(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                       size_t len);
/* What field `index` of the register `value` means, without the value: "+1 = 2048 entries",
 * "4 KiB", "7500 ms", "normal", "NVM, admin only", "NVMe 1.4.0"; "" for a plain field (and
 * for a version field before the last of its run). Returns the length written. */
size_t bitfield_meaning(const struct bitfield *fields, size_t count, size_t index,
                        uint64_t value, char *out, size_t len);
/* bitfield_format's text with each meaning after its field:
 * "MQES=0x7ff (+1 = 2048 entries) CQR=1 AMS=0 (none) TO=0xf (7500 ms) ...". */
size_t bitfield_describe(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                         size_t len);
/* The meanings alone, "NAME: meaning" joined by "; " (a version without its name):
 * "ND: 65536 domains; SAGAW: 39-bit 3-level; ..."; "" when no field has one. */
size_t bitfield_meanings(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                         size_t len);
/* One register: "NAME 0x<value in 2*bytes digits> " + bitfield_describe. A table of one field
 * named like the register, covering all of it, reads "NAME 0x... (meaning)". */
size_t bitfield_describe_register(const char *name, unsigned bytes, const struct bitfield *fields,
                                  size_t count, uint64_t value, char *out, size_t len);
/* bytes in the largest binary unit that divides them: "512 B", "4 KiB", "12 KiB", "64 MiB";
 * `suffix` follows the unit ("/s"). Returns the length written. */
size_t bitfield_format_bytes(uint64_t bytes, const char *suffix, char *out, size_t len);

#endif
