/* LZSS: greedy longest match over hash chains (bounded depth) for compression; a decoder that checks every token. */
#include "lib/lzss.h"

#include <string.h>

#define NO_POSITION  0xffffffffu
#define CHAIN_DEPTH  48u /* enough for logs, bounded so TCG runs stay short */

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return (v * 2654435761u) >> (32 - LZSS_HASH_BITS);
}

struct writer {
    uint8_t *out;
    size_t cap, used;
    size_t flag_at; /* position of the current group's flag byte */
    unsigned items; /* items in the current group */
};

static int begin_item(struct writer *w, size_t item_bytes)
{
    if (w->items == 8 || w->used == 0) {
        if (w->used + 1 > w->cap)
            return -1;
        w->flag_at = w->used;
        w->out[w->used++] = 0;
        w->items = 0;
    }
    return w->used + item_bytes > w->cap ? -1 : 0;
}

size_t lzss_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, void *work)
{
    uint32_t *head = work;
    uint32_t *chain = head + (1u << LZSS_HASH_BITS);
    memset(head, 0xff, (1u << LZSS_HASH_BITS) * sizeof(uint32_t));
    struct writer w = {.out = out, .cap = out_cap};
    size_t pos = 0;
    while (pos < in_len) {
        size_t best_len = 0, best_dist = 0;
        if (pos + LZSS_MIN_MATCH <= in_len) {
            uint32_t h = hash4(in + pos);
            uint32_t candidate = head[h];
            size_t limit = in_len - pos < LZSS_MAX_MATCH ? in_len - pos : LZSS_MAX_MATCH;
            for (unsigned depth = 0; candidate != NO_POSITION && depth < CHAIN_DEPTH; depth++) {
                size_t dist = pos - candidate;
                if (dist > LZSS_WINDOW)
                    break;
                size_t n = 0;
                while (n < limit && in[candidate + n] == in[pos + n])
                    n++;
                if (n > best_len) {
                    best_len = n;
                    best_dist = dist;
                    if (n == limit)
                        break;
                }
                uint32_t next = chain[candidate % LZSS_WINDOW];
                if (next == NO_POSITION || next >= candidate)
                    break;
                candidate = next;
            }
        }
        size_t step;
        if (best_len >= LZSS_MIN_MATCH) {
            if (begin_item(&w, 3) != 0)
                return 0;
            w.out[w.flag_at] |= (uint8_t)(1u << w.items);
            w.out[w.used++] = (uint8_t)((best_dist - 1) & 0xff);
            w.out[w.used++] = (uint8_t)((best_dist - 1) >> 8);
            w.out[w.used++] = (uint8_t)(best_len - LZSS_MIN_MATCH);
            step = best_len;
        } else {
            if (begin_item(&w, 1) != 0)
                return 0;
            w.out[w.used++] = in[pos];
            step = 1;
        }
        w.items++;
        /* Every position passed over joins the chains, so later matches can start there. */
        for (size_t i = 0; i < step; i++, pos++) {
            if (pos + LZSS_MIN_MATCH > in_len)
                continue;
            uint32_t h = hash4(in + pos);
            chain[pos % LZSS_WINDOW] = head[h];
            head[h] = (uint32_t)pos;
        }
    }
    return w.used;
}

int lzss_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
    size_t at = 0, used = 0;
    while (at < in_len) {
        uint8_t flags = in[at++];
        for (unsigned item = 0; item < 8 && at < in_len; item++) {
            if (!(flags & (1u << item))) {
                if (used == out_cap)
                    return -1;
                out[used++] = in[at++];
                continue;
            }
            if (in_len - at < 3)
                return -1;
            size_t dist = (size_t)in[at] + ((size_t)in[at + 1] << 8) + 1;
            size_t len = (size_t)in[at + 2] + LZSS_MIN_MATCH;
            at += 3;
            if (dist > used || len > out_cap - used)
                return -1;
            for (size_t i = 0; i < len; i++, used++) /* byte by byte: the source may overlap */
                out[used] = out[used - dist];
        }
    }
    *out_len = used;
    return 0;
}
