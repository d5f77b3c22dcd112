/* Table-driven register decoding into "NAME=value" text, and the meaning of each value in units and names. */
#include "lib/bitfield.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Appends to a fixed buffer; what does not fit is cut, the text stays NUL terminated. */
struct text {
    char *buf;
    size_t len, used;
};

static struct text text_start(char *out, size_t len)
{
    if (len)
        out[0] = '\0';
    return (struct text){out, len, 0};
}

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
    if (t->used + 1 >= t->len)
        return;
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, args);
    va_end(args);
    if (n > 0)
        t->used = (size_t)n < t->len - t->used ? t->used + (size_t)n : t->len - 1;
}

static size_t text_end(const struct text *t)
{
    return t->used;
}

uint64_t bitfield_get(const struct bitfield *field, uint64_t value)
{
    uint64_t mask = field->width >= 64 ? ~0ull : ((1ull << field->width) - 1);
    return (value >> field->lsb) & mask;
}

/* The entry for `key` in "key=name;key=name" (keys in decimal): its name and length. */
static bool lookup_name(const char *names, uint64_t key, const char **name, size_t *name_len)
{
    for (const char *p = names; p && *p;) {
        uint64_t n = 0;
        while (*p >= '0' && *p <= '9')
            n = n * 10 + (uint64_t)(*p++ - '0');
        if (*p == '=')
            p++;
        size_t l = strcspn(p, ";");
        if (n == key) {
            *name = p;
            *name_len = l;
            return true;
        }
        p += l;
        if (*p == ';')
            p++;
    }
    return false;
}

static bool binary_unit(const char *unit)
{
    return unit && unit[0] == 'B';
}

size_t bitfield_format_bytes(uint64_t bytes, const char *suffix, char *out, size_t len)
{
    static const char *const prefixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    unsigned p = 0;
    while (p + 1 < sizeof prefixes / sizeof prefixes[0] && bytes >= 1024 && bytes % 1024 == 0) {
        bytes /= 1024;
        p++;
    }
    struct text t = text_start(out, len);
    put(&t, "%llu %sB%s", (unsigned long long)bytes, prefixes[p], suffix ? suffix : "");
    return text_end(&t);
}

/* 2^exponent in `unit`; "B..." units in binary prefixes. */
static void put_power(struct text *t, unsigned exponent, const char *unit)
{
    if (exponent >= 64)
        put(t, "2^%u %s", exponent, unit ? unit : "");
    else if (binary_unit(unit))
        t->used += bitfield_format_bytes(1ull << exponent, unit + 1, t->buf + t->used,
                                         t->len - t->used);
    else
        put(t, "%llu %s", 1ull << exponent, unit ? unit : "");
}

static const struct bitfield *field_named(const struct bitfield *fields, size_t count,
                                          const char *name)
{
    for (size_t i = 0; name && i < count; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

static bool pow2_reserved(const struct bitfield *f, uint64_t v)
{
    return f->max && v > f->max;
}

static void put_meaning(struct text *t, const struct bitfield *fields, size_t count, size_t index,
                        uint64_t value);

/* A count of the units another field of the register names: "64 MiB", or "20 x 500 ms". */
static void put_in_units(struct text *t, const struct bitfield *fields, size_t count,
                         uint64_t v, const struct bitfield *unit, uint64_t value)
{
    uint64_t u = bitfield_get(unit, value);
    if (unit->kind == BITFIELD_POW2 && binary_unit(unit->text) && !pow2_reserved(unit, u)) {
        unsigned exponent = unit->base + unit->step * (unsigned)u;
        if (exponent < 64 && v <= (~0ull >> exponent)) {
            t->used += bitfield_format_bytes(v << exponent, unit->text + 1, t->buf + t->used,
                                             t->len - t->used);
            return;
        }
    }
    put(t, "%llu x ", (unsigned long long)v);
    put_meaning(t, fields, count, (size_t)(unit - fields), value);
}

static void put_version(struct text *t, const struct bitfield *fields, size_t index,
                        uint64_t value)
{
    size_t first = index;
    while (first > 0 && fields[first - 1].kind == BITFIELD_VERSION)
        first--;
    put(t, "%s ", fields[first].text ? fields[first].text : "version");
    for (size_t i = first; i <= index; i++)
        put(t, i == first ? "%llu" : ".%llu", (unsigned long long)bitfield_get(&fields[i], value));
}

static void put_meaning(struct text *t, const struct bitfield *fields, size_t count, size_t index,
                        uint64_t value)
{
    const struct bitfield *f = &fields[index];
    uint64_t v = bitfield_get(f, value);
    const char *name;
    size_t name_len;
    switch (f->kind) {
    case BITFIELD_ZEROS_BASED:
        put(t, "+1 = %llu %s", (unsigned long long)v + 1, f->text ? f->text : "");
        break;
    case BITFIELD_POW2:
        if (pow2_reserved(f, v))
            put(t, "reserved");
        else
            put_power(t, f->base + f->step * (unsigned)(v < 64 ? v : 64), f->text);
        break;
    case BITFIELD_TIMES:
        put(t, "%llu %s", (unsigned long long)(v * f->scale), f->text ? f->text : "");
        break;
    case BITFIELD_OFFSET:
        if (v)
            put(t, "%s%s0x%llx", f->text ? f->text : "", f->text && f->text[0] ? " " : "",
                (unsigned long long)(v * f->scale));
        break;
    case BITFIELD_ENUM:
        if (lookup_name(f->text, v, &name, &name_len))
            put(t, "%.*s", (int)name_len, name);
        else
            put(t, "reserved");
        break;
    case BITFIELD_FLAGS:
        if (!v)
            put(t, "none");
        for (unsigned bit = 0, n = 0; bit < f->width; bit++) {
            if (!(v >> bit & 1))
                continue;
            put(t, n++ ? ", " : "");
            if (lookup_name(f->text, bit, &name, &name_len))
                put(t, "%.*s", (int)name_len, name);
            else
                put(t, "bit %u", bit);
        }
        break;
    case BITFIELD_UNITS_OF: {
        const struct bitfield *unit = field_named(fields, count, f->text);
        if (unit && unit != f && unit->kind != BITFIELD_UNITS_OF)
            put_in_units(t, fields, count, v, unit, value);
        break;
    }
    case BITFIELD_VERSION:
        if (index + 1 == count || fields[index + 1].kind != BITFIELD_VERSION)
            put_version(t, fields, index, value);
        break;
    default:
        break;
    }
}

size_t bitfield_meaning(const struct bitfield *fields, size_t count, size_t index,
                        uint64_t value, char *out, size_t len)
{
    struct text t = text_start(out, len);
    if (index < count)
        put_meaning(&t, fields, count, index, value);
    return text_end(&t);
}

static void put_fields(struct text *t, const struct bitfield *fields, size_t count,
                       uint64_t value, bool meanings)
{
    for (size_t i = 0; i < count && t->used + 1 < t->len; i++) {
        uint64_t v = bitfield_get(&fields[i], value);
        put(t, v < 10 ? "%s%s=%llu" : "%s%s=0x%llx", i ? " " : "", fields[i].name,
            (unsigned long long)v);
        if (!meanings)
            continue;
        char meaning[320];
        if (bitfield_meaning(fields, count, i, value, meaning, sizeof meaning))
            put(t, " (%s)", meaning);
    }
}

size_t bitfield_format(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                       size_t len)
{
    struct text t = text_start(out, len);
    put_fields(&t, fields, count, value, false);
    return text_end(&t);
}

size_t bitfield_describe(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                         size_t len)
{
    struct text t = text_start(out, len);
    put_fields(&t, fields, count, value, true);
    return text_end(&t);
}

size_t bitfield_meanings(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                         size_t len)
{
    struct text t = text_start(out, len);
    for (size_t i = 0; i < count; i++) {
        char meaning[320];
        if (!bitfield_meaning(fields, count, i, value, meaning, sizeof meaning))
            continue;
        put(&t, "%s", t.used ? "; " : "");
        if (fields[i].kind == BITFIELD_VERSION)
            put(&t, "%s", meaning);
        else
            put(&t, "%s: %s", fields[i].name, meaning);
    }
    return text_end(&t);
}

size_t bitfield_describe_register(const char *name, unsigned bytes, const struct bitfield *fields,
                                  size_t count, uint64_t value, char *out, size_t len)
{
    struct text t = text_start(out, len);
    put(&t, "%s 0x%0*llx", name, (int)(2 * bytes), (unsigned long long)value);
    if (count == 1 && fields[0].lsb == 0 && fields[0].width == 8 * bytes &&
        strcmp(fields[0].name, name) == 0) {
        char meaning[320];
        if (bitfield_meaning(fields, 1, 0, value, meaning, sizeof meaning))
            put(&t, " (%s)", meaning);
    } else if (count) {
        put(&t, " ");
        put_fields(&t, fields, count, value, true);
    }
    return text_end(&t);
}
