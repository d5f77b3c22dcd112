/* Range coverage: walks forward from the range's start, each step to the furthest end of a span of the kind that holds the current address. */
#include "lib/span_cover.h"

#include <stddef.h>

bool span_covers(const struct span *spans, unsigned count, uint32_t kind, uint64_t base,
                 uint64_t bytes, uint64_t *gap)
{
    if (gap)
        *gap = base;
    if (bytes == 0 || base > UINT64_MAX - (bytes - 1))
        return false;
    uint64_t last = base + (bytes - 1), at = base;
    for (;;) {
        uint64_t reach = 0; /* the last byte a span holding `at` covers */
        bool held = false;
        for (unsigned i = 0; i < count; i++) {
            const struct span *s = &spans[i];
            if (s->kind != kind || s->bytes == 0 || s->start > at)
                continue;
            uint64_t end = s->bytes - 1 > UINT64_MAX - s->start ? UINT64_MAX : s->start + (s->bytes - 1);
            if (end >= at && (!held || end > reach)) {
                reach = end;
                held = true;
            }
        }
        if (!held) {
            if (gap)
                *gap = at;
            return false;
        }
        if (reach >= last)
            return true;
        at = reach + 1;
    }
}

const struct span *span_first_overlap(const struct span *spans, unsigned count, uint64_t base,
                                      uint64_t bytes)
{
    if (bytes == 0)
        return NULL;
    uint64_t last = base > UINT64_MAX - (bytes - 1) ? UINT64_MAX : base + (bytes - 1);
    for (unsigned i = 0; i < count; i++) {
        const struct span *s = &spans[i];
        if (s->bytes == 0)
            continue;
        uint64_t end = s->bytes - 1 > UINT64_MAX - s->start ? UINT64_MAX : s->start + (s->bytes - 1);
        if (s->start <= last && end >= base)
            return s;
    }
    return NULL;
}
