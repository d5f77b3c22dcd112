/* Table-driven register decoding into "NAME=value" text. */
#include "lib/bitfield.h"

#include <stdio.h>

uint64_t bitfield_get(const struct bitfield *field, uint64_t value)
{
    uint64_t mask = field->width >= 64 ? ~0ull : ((1ull << field->width) - 1);
    return (value >> field->lsb) & mask;
}

size_t bitfield_format(const struct bitfield *fields, size_t count, uint64_t value, char *out,
                       size_t len)
{
    size_t used = 0;
    if (len)
        out[0] = '\0';
    for (size_t i = 0; i < count && used < len; i++) {
        uint64_t v = bitfield_get(&fields[i], value);
        int n = snprintf(out + used, len - used, v < 10 ? "%s%s=%llu" : "%s%s=0x%llx",
                         used ? " " : "", fields[i].name, (unsigned long long)v);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return used < len ? used : (len ? len - 1 : 0);
}
