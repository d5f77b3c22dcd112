/* Per-LBA, per-run block patterns (header + splitmix64 stream), their first-mismatch check, and CRC-32. */
#include "lib/pattern.h"

#include <stdbool.h>
#include <string.h>

/* Block layout, every field little-endian:
 *   bytes  0..7   "NVMTLBLK"
 *   bytes  8..15  LBA
 *   bytes 16..23  seed
 *   bytes 24..27  CRC-32 (crc32_ieee) of bytes 32..end
 *   bytes 28..31  zero
 *   bytes 32..end 64-bit outputs of splitmix64, its state starting at
 *                 seed ^ (LBA * STREAM_LBA_MULTIPLIER)
 * Written down exactly so that an oracle outside the image (tests/qemu reading a namespace
 * image) can regenerate any block. */
#define PATTERN_MAGIC "NVMTLBLK"
#define PATTERN_HEADER_BYTES 32u
#define PATTERN_WORD_BYTES 8u
#define PATTERN_MIN_BLOCK_BYTES 64u

/* An odd multiplier unrelated to splitmix64's own increment: were it the increment, under seed 0
 * LBA n + 1's stream would be LBA n's shifted by one word. */
#define STREAM_LBA_MULTIPLIER 0xd1b54a32d192ed03ull

/* splitmix64 (Steele, Lea, Flood 2014): a 64-bit counter passed through a mixing function. */
static uint64_t splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t stream_start(uint64_t seed, uint64_t lba)
{
    return seed ^ (lba * STREAM_LBA_MULTIPLIER);
}

/* The reflected polynomial 0xedb88320 applied to every 4-bit value: two table steps per byte
 * instead of eight bit steps, from a table small enough to check by eye. */
static const uint32_t crc32_nibble_table[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
    0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

/* Works on the register before the final inversion, so that a CRC can be carried across calls. */
static uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc32_nibble_table[crc & 0xf];
        crc = (crc >> 4) ^ crc32_nibble_table[crc & 0xf];
    }
    return crc;
}

uint32_t crc32_ieee(const void *data, size_t len)
{
    return ~crc32_update(0xffffffffu, data, len);
}

static bool block_geometry_ok(uint32_t block_bytes)
{
    return block_bytes >= PATTERN_MIN_BLOCK_BYTES && block_bytes % PATTERN_WORD_BYTES == 0;
}

/* The header as four little-endian words, so that fill and check treat it like the stream. */
static void header_words(uint64_t lba, uint64_t seed, uint32_t body_crc,
                         uint64_t words[PATTERN_HEADER_BYTES / PATTERN_WORD_BYTES])
{
    memcpy(&words[0], PATTERN_MAGIC, PATTERN_WORD_BYTES);
    words[1] = lba;
    words[2] = seed;
    words[3] = body_crc; /* bytes 28..31 stay zero */
}

void pattern_fill(void *buffer, uint64_t first_lba, uint32_t block_bytes, uint32_t blocks,
                  uint64_t seed)
{
    if (!block_geometry_ok(block_bytes))
        return; /* no layout exists for it; pattern_check rejects the same geometry */
    uint8_t *block = buffer;
    for (uint32_t b = 0; b < blocks; b++, block += block_bytes) {
        uint64_t lba = first_lba + b;
        uint64_t state = stream_start(seed, lba);
        uint32_t crc = 0xffffffffu;
        for (uint32_t offset = PATTERN_HEADER_BYTES; offset < block_bytes;
             offset += PATTERN_WORD_BYTES) {
            uint64_t word = splitmix64_next(&state);
            memcpy(block + offset, &word, sizeof word);
            crc = crc32_update(crc, &word, sizeof word);
        }
        uint64_t header[PATTERN_HEADER_BYTES / PATTERN_WORD_BYTES];
        header_words(lba, seed, ~crc, header);
        memcpy(block, header, sizeof header);
    }
}

static int report(struct pattern_mismatch *mismatch, uint64_t lba, uint32_t offset,
                  uint64_t expected, uint64_t got)
{
    if (mismatch) {
        mismatch->lba = lba;
        mismatch->offset = offset;
        mismatch->expected = expected;
        mismatch->got = got;
    }
    return -1;
}

int pattern_check(const void *buffer, uint64_t first_lba, uint32_t block_bytes, uint32_t blocks,
                  uint64_t seed, struct pattern_mismatch *mismatch)
{
    /* Nothing could have been filled with this geometry, so nothing can match it. */
    if (!block_geometry_ok(block_bytes))
        return report(mismatch, first_lba, 0, 0, 0);
    const uint8_t *block = buffer;
    for (uint32_t b = 0; b < blocks; b++, block += block_bytes) {
        uint64_t lba = first_lba + b;
        /* One pass over the stream yields both the expected CRC (needed for the header, which
         * comes first) and the first mismatch in the body, without a copy of the block. */
        uint64_t state = stream_start(seed, lba);
        uint32_t crc = 0xffffffffu;
        bool body_bad = false;
        uint32_t body_offset = 0;
        uint64_t body_expected = 0, body_got = 0;
        for (uint32_t offset = PATTERN_HEADER_BYTES; offset < block_bytes;
             offset += PATTERN_WORD_BYTES) {
            uint64_t expected = splitmix64_next(&state), got;
            crc = crc32_update(crc, &expected, sizeof expected);
            memcpy(&got, block + offset, sizeof got);
            if (!body_bad && got != expected) {
                body_bad = true;
                body_offset = offset;
                body_expected = expected;
                body_got = got;
            }
        }

        uint64_t header[PATTERN_HEADER_BYTES / PATTERN_WORD_BYTES];
        header_words(lba, seed, ~crc, header);
        for (uint32_t w = 0; w < PATTERN_HEADER_BYTES / PATTERN_WORD_BYTES; w++) {
            uint64_t got;
            memcpy(&got, block + w * PATTERN_WORD_BYTES, sizeof got);
            if (got != header[w])
                return report(mismatch, lba, w * PATTERN_WORD_BYTES, header[w], got);
        }
        if (body_bad)
            return report(mismatch, lba, body_offset, body_expected, body_got);
    }
    return 0;
}

/* Metadata: every 8-byte word j of LBA L's metadata is seed ^ (L * METADATA_LBA_MULTIPLIER) ^ j,
 * little-endian; the seed is the one in the same LBA's data block, so an oracle reading the
 * namespace image can regenerate it. */
#define METADATA_LBA_MULTIPLIER 0x9e3779b97f4a7c15ull

static uint64_t metadata_word(uint64_t seed, uint64_t lba, uint32_t word)
{
    return seed ^ (lba * METADATA_LBA_MULTIPLIER) ^ word;
}

void pattern_fill_metadata(void *buffer, uint64_t first_lba, uint32_t metadata_bytes,
                           uint32_t blocks, uint64_t seed)
{
    uint8_t *out = buffer;
    for (uint32_t b = 0; b < blocks; b++)
        for (uint32_t w = 0; w < metadata_bytes / PATTERN_WORD_BYTES; w++) {
            uint64_t v = metadata_word(seed, first_lba + b, w);
            memcpy(out + (size_t)b * metadata_bytes + w * PATTERN_WORD_BYTES, &v, sizeof v);
        }
}

int pattern_check_metadata(const void *buffer, uint64_t first_lba, uint32_t metadata_bytes,
                           uint32_t blocks, uint64_t seed, struct pattern_mismatch *mismatch)
{
    const uint8_t *in = buffer;
    for (uint32_t b = 0; b < blocks; b++)
        for (uint32_t w = 0; w < metadata_bytes / PATTERN_WORD_BYTES; w++) {
            uint64_t want = metadata_word(seed, first_lba + b, w), got;
            memcpy(&got, in + (size_t)b * metadata_bytes + w * PATTERN_WORD_BYTES, sizeof got);
            if (got != want) {
                if (mismatch)
                    *mismatch = (struct pattern_mismatch){first_lba + b, w * PATTERN_WORD_BYTES,
                                                          want, got};
                return -1;
            }
        }
    return 0;
}
