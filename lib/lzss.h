/* LZSS compression for the run's text log: a byte-oriented LZ77 with a 64 KiB window, compress and a bounds-checked decompress. */
#ifndef NVMETAL_LIB_LZSS_H
#define NVMETAL_LIB_LZSS_H

#include <stddef.h>
#include <stdint.h>

/* Format: groups of a flag byte and up to 8 items, bit i (LSB first) of the flag telling
 * item i: 0 = one literal byte; 1 = a match of 3 bytes, u16 little-endian (distance - 1),
 * then u8 (length - LZSS_MIN_MATCH): copy `length` bytes from `distance` bytes back (they
 * may overlap what is being written). The stream ends where the input ends. */
#define LZSS_MIN_MATCH 4u
#define LZSS_MAX_MATCH (LZSS_MIN_MATCH + 255u)
#define LZSS_WINDOW    65536u
#define LZSS_HASH_BITS 15u
/* Scratch for the match finder: a hash head per 4-byte prefix and a chain link per window slot. */
#define LZSS_WORK_BYTES (((1u << LZSS_HASH_BITS) + LZSS_WINDOW) * sizeof(uint32_t))

/* The most a compressed stream of n input bytes can take: all literals, a flag per 8. */
static inline size_t lzss_bound(size_t n)
{
    return n + n / 8 + 1;
}

/* Returns the bytes written to out, or 0 when they do not fit in out_cap (or in_len is 0).
 * work: LZSS_WORK_BYTES, any alignment of uint32_t. Allocates nothing. */
size_t lzss_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, void *work);
/* Returns 0 with *out_len set, or -1 for a stream that reaches before its start, would
 * overflow out_cap, or ends inside a match token. Never reads or writes out of bounds. */
int lzss_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

#endif
