/* Host tests for lib/pattern.c: block layout, fill/check round trip, first-mismatch reports, CRC-32 vectors. */
#include "check.h"

#include "lib/pattern.h"

#define BLOCK 512u
#define BLOCKS 8u
#define FIRST_LBA 1000u
#define SEED 0x1234abcd5678ef00ull

static uint8_t buffer[BLOCK * BLOCKS];

static uint64_t word_at(const uint8_t *p, size_t offset)
{
    uint64_t v;
    memcpy(&v, p + offset, sizeof v);
    return v;
}

static void crc32_known_vectors(void)
{
    CHECK_EQ_U64(crc32_ieee("123456789", 9), 0xcbf43926);
    CHECK_EQ_U64(crc32_ieee("", 0), 0);
    CHECK_EQ_U64(crc32_ieee("a", 1), 0xe8b7be43);
    CHECK_EQ_U64(crc32_ieee("The quick brown fox jumps over the lazy dog", 43), 0x414fa339);
}

/* Every byte value through the table, against a bit-at-a-time reference. */
static void crc32_matches_bitwise_reference(void)
{
    uint8_t data[256 * 3];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + (i >> 8));
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < sizeof data; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    CHECK_EQ_U64(crc32_ieee(data, sizeof data), ~crc);
}

static void header_layout(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    for (uint32_t b = 0; b < BLOCKS; b++) {
        const uint8_t *block = buffer + b * BLOCK;
        CHECK(memcmp(block, "NVMTLBLK", 8) == 0);
        CHECK_EQ_U64(word_at(block, 8), FIRST_LBA + b);
        CHECK_EQ_U64(word_at(block, 16), SEED);
        CHECK_EQ_U64(word_at(block, 24), crc32_ieee(block + 32, BLOCK - 32));
        CHECK_EQ_U64(word_at(block, 24) >> 32, 0);
    }
}

/* The format is a contract with oracles outside the image, so it is pinned to bytes computed
 * independently (Python: splitmix64 from seed ^ lba * 0xd1b54a32d192ed03, zlib.crc32). */
static void golden_block(void)
{
    static const uint8_t expected[64] = {
        0x4e, 0x56, 0x4d, 0x54, 0x4c, 0x42, 0x4c, 0x4b, /* magic */
        0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* LBA 1000 */
        0x00, 0xef, 0x78, 0x56, 0xcd, 0xab, 0x34, 0x12, /* seed */
        0xa2, 0x8e, 0xda, 0x88, 0x00, 0x00, 0x00, 0x00, /* CRC-32, zero */
        0x9c, 0x27, 0x84, 0x9c, 0xc9, 0x04, 0x2e, 0xe8, /* stream */
        0xde, 0xaf, 0xb5, 0xd3, 0x46, 0xaf, 0x67, 0x53,
        0x0d, 0x29, 0x8c, 0x26, 0x22, 0xa0, 0xb4, 0x38,
        0x0e, 0x28, 0x4d, 0x87, 0x5a, 0xda, 0x6f, 0xc6,
    };
    uint8_t block[64];
    pattern_fill(block, FIRST_LBA, sizeof block, 1, SEED);
    for (size_t i = 0; i < sizeof block; i++)
        CHECK_EQ_U64(block[i], expected[i]);

    /* Seed 0 at LBA 0 starts splitmix64 at state 0, whose published first output this is. */
    pattern_fill(block, 0, sizeof block, 1, 0);
    CHECK_EQ_U64(word_at(block, 32), 0xe220a8397b1dcdafull);
}

/* The stream differs per LBA and is not one LBA's stream shifted into the next. */
static void bodies_are_distinct(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    CHECK(memcmp(buffer + 32, buffer + BLOCK + 32, BLOCK - 32) != 0);
    CHECK(memcmp(buffer + 40, buffer + BLOCK + 32, BLOCK - 40) != 0);
    CHECK(memcmp(buffer + 32, buffer + BLOCK + 40, BLOCK - 40) != 0);
    CHECK(word_at(buffer, 32) != word_at(buffer, 40));
}

static void round_trip(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    struct pattern_mismatch m;
    memset(&m, 0x5a, sizeof m);
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, &m), 0);
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, NULL), 0);
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, 0, SEED, &m), 0);
    /* Filling is deterministic: the same arguments give the same bytes. */
    static uint8_t again[BLOCK * BLOCKS];
    pattern_fill(again, FIRST_LBA, BLOCK, BLOCKS, SEED);
    CHECK(memcmp(buffer, again, sizeof again) == 0);
}

/* A sub-range of a fill checks against its own first LBA. */
static void partial_range_checks_with_its_lba(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    CHECK_EQ_U64(pattern_check(buffer + 2 * BLOCK, FIRST_LBA + 2, BLOCK, 3, SEED, NULL), 0);
}

static void flipped_byte_reports_block_and_word(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    uint8_t *block3 = buffer + 3 * BLOCK;
    uint64_t before = word_at(block3, 96);
    block3[100] ^= 0x40;
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, FIRST_LBA + 3);
    CHECK_EQ_U64(m.offset, 96);
    CHECK_EQ_U64(m.expected, before);
    CHECK_EQ_U64(m.got, before ^ (0x40ull << 32));
}

/* Damage in the body of block 1 and the header of block 2: block order decides. */
static void first_mismatch_wins(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    buffer[2 * BLOCK + 8] ^= 1;
    buffer[BLOCK + BLOCK - 1] ^= 0x80;
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, FIRST_LBA + 1);
    CHECK_EQ_U64(m.offset, BLOCK - 8);
}

/* Inside one block a damaged header comes before a damaged body. */
static void header_before_body_in_one_block(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED);
    uint64_t crc_word = word_at(buffer, 24);
    buffer[200] ^= 1;
    buffer[26] ^= 1; /* the stored CRC */
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, FIRST_LBA);
    CHECK_EQ_U64(m.offset, 24);
    CHECK_EQ_U64(m.expected, crc_word);
    CHECK_EQ_U64(m.got, crc_word ^ 0x10000);
}

static void another_seed_fails(void)
{
    pattern_fill(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED + 1);
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, BLOCKS, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, FIRST_LBA);
    CHECK_EQ_U64(m.offset, 16);
    CHECK_EQ_U64(m.expected, SEED);
    CHECK_EQ_U64(m.got, SEED + 1);
}

/* A stale block from another LBA fails on its header, and also on its body if the header
 * is rewritten to look right: the stream itself depends on the LBA. */
static void another_lba_fails(void)
{
    pattern_fill(buffer, FIRST_LBA + 1, BLOCK, 1, SEED);
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, 1, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.offset, 8);
    CHECK_EQ_U64(m.expected, FIRST_LBA);
    CHECK_EQ_U64(m.got, FIRST_LBA + 1);

    uint64_t lba = FIRST_LBA;
    memcpy(buffer + 8, &lba, sizeof lba);
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, 1, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.offset, 24);
    /* With the CRC of the right block too, only the body is left to tell them apart. */
    static uint8_t right[BLOCK];
    pattern_fill(right, FIRST_LBA, BLOCK, 1, SEED);
    memcpy(buffer + 24, right + 24, 8);
    CHECK_EQ_U64(pattern_check(buffer, FIRST_LBA, BLOCK, 1, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.offset, 32);
}

static void zeroed_block_fails_on_magic(void)
{
    memset(buffer, 0, sizeof buffer);
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, 0, BLOCK, BLOCKS, 0, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, 0);
    CHECK_EQ_U64(m.offset, 0);
    CHECK_EQ_U64(m.got, 0);
    CHECK_EQ_U64(m.expected, word_at((const uint8_t *)"NVMTLBLK", 0));
}

/* The smallest block (64 bytes) and a large one (4 KiB) both round-trip; the last word counts. */
static void block_sizes(void)
{
    static uint8_t big[4096 * 2];
    pattern_fill(big, 7, 64, 4, SEED);
    CHECK_EQ_U64(pattern_check(big, 7, 64, 4, SEED, NULL), 0);
    big[4 * 64 - 1] ^= 1;
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(big, 7, 64, 4, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, 10);
    CHECK_EQ_U64(m.offset, 56);

    pattern_fill(big, 0, 4096, 2, 0);
    CHECK_EQ_U64(pattern_check(big, 0, 4096, 2, 0, NULL), 0);
}

/* No layout exists for blocks under 64 bytes or not a multiple of 8: fill writes nothing and
 * check never claims a match. */
static void unsupported_geometry(void)
{
    memset(buffer, 0xee, sizeof buffer);
    pattern_fill(buffer, 0, 60, 2, SEED);
    pattern_fill(buffer, 0, 516, 2, SEED);
    CHECK_EQ_U64(buffer[0], 0xee);
    CHECK_EQ_U64(buffer[600], 0xee);
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check(buffer, 5, 516, 1, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, 5);
    CHECK_EQ_U64(m.offset, 0);
}

/* The documented metadata formula, computed here rather than taken from the module. */
static uint64_t metadata_formula(uint64_t seed, uint64_t lba, uint64_t word)
{
    return seed ^ (lba * 0x9E3779B97F4A7C15ull) ^ word;
}

/* Byte by byte against the formula, little-endian, for 8 and 16 bytes and LBAs near 0 and far. */
static void metadata_bytes_follow_formula(void)
{
    static const uint32_t sizes[] = {8, 16};
    static const uint64_t lbas[] = {0, 1, 5, 1000, 0x123456789ull, 0xfffffffffffffff0ull};
    static const uint64_t seeds[] = {0, SEED};
    uint8_t md[16 * 4];
    for (size_t s = 0; s < CHECK_COUNT(sizes); s++)
        for (size_t l = 0; l < CHECK_COUNT(lbas); l++)
            for (size_t k = 0; k < CHECK_COUNT(seeds); k++) {
                uint32_t ms = sizes[s];
                memset(md, 0xee, sizeof md);
                pattern_fill_metadata(md, lbas[l], ms, 4, seeds[k]);
                unsigned wrong = 0;
                for (uint32_t b = 0; b < 4; b++)
                    for (uint32_t i = 0; i < ms; i++) {
                        uint64_t word = metadata_formula(seeds[k], lbas[l] + b, i / 8);
                        uint8_t want = (uint8_t)(word >> (8 * (i % 8)));
                        if (md[b * ms + i] != want && wrong++ < 3)
                            CHECK_EQ_U64(md[b * ms + i], want);
                    }
                CHECK_EQ_U64(wrong, 0);
                /* Only 4 blocks of ms bytes were written. */
                for (size_t i = 4 * ms; i < sizeof md; i++)
                    CHECK_EQ_U64(md[i], 0xee);
            }

    /* One pinned word: seed 0, LBA 1, word 1 is the multiplier with its low bit flipped. */
    pattern_fill_metadata(md, 1, 16, 1, 0);
    CHECK_EQ_U64(word_at(md, 0), 0x9e3779b97f4a7c15ull);
    CHECK_EQ_U64(word_at(md, 8), 0x9e3779b97f4a7c14ull);
    CHECK_EQ_U64(md[8], 0x14);
    CHECK_EQ_U64(md[15], 0x9e);
}

static void metadata_round_trip(void)
{
    uint8_t md[16 * BLOCKS];
    struct pattern_mismatch m;
    memset(&m, 0x5a, sizeof m);
    pattern_fill_metadata(md, FIRST_LBA, 16, BLOCKS, SEED);
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 16, BLOCKS, SEED, &m), 0);
    pattern_fill_metadata(md, FIRST_LBA, 8, BLOCKS, SEED);
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 8, BLOCKS, SEED, &m), 0);
    /* A sub-range checks against its own first LBA. */
    CHECK_EQ_U64(pattern_check_metadata(md + 3 * 8, FIRST_LBA + 3, 8, 2, SEED, &m), 0);
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 8, 0, SEED, &m), 0);
}

static void metadata_flipped_byte_reported(void)
{
    uint8_t md[16 * BLOCKS];
    pattern_fill_metadata(md, FIRST_LBA, 16, BLOCKS, SEED);
    md[2 * 16 + 13] ^= 0x08; /* LBA FIRST_LBA + 2, word 1, byte 5 of it */
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 16, BLOCKS, SEED, &m), (uint64_t)-1);
    uint64_t want = metadata_formula(SEED, FIRST_LBA + 2, 1);
    CHECK_EQ_U64(m.lba, FIRST_LBA + 2);
    CHECK_EQ_U64(m.offset, 8);
    CHECK_EQ_U64(m.expected, want);
    CHECK_EQ_U64(m.got, want ^ (0x08ull << 40));

    /* With 8 bytes per block, the first byte of LBA FIRST_LBA + 5. */
    pattern_fill_metadata(md, FIRST_LBA, 8, BLOCKS, SEED);
    md[5 * 8] ^= 0xff;
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 8, BLOCKS, SEED, &m), (uint64_t)-1);
    want = metadata_formula(SEED, FIRST_LBA + 5, 0);
    CHECK_EQ_U64(m.lba, FIRST_LBA + 5);
    CHECK_EQ_U64(m.offset, 0);
    CHECK_EQ_U64(m.expected, want);
    CHECK_EQ_U64(m.got, want ^ 0xff);
}

static void metadata_first_mismatch_wins(void)
{
    uint8_t md[16 * BLOCKS];
    pattern_fill_metadata(md, FIRST_LBA, 16, BLOCKS, SEED);
    md[6 * 16 + 0] ^= 1;
    md[1 * 16 + 15] ^= 1;
    md[1 * 16 + 9] ^= 1; /* same word as the one above: one report for that word */
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check_metadata(md, FIRST_LBA, 16, BLOCKS, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, FIRST_LBA + 1);
    CHECK_EQ_U64(m.offset, 8);
    uint64_t want = metadata_formula(SEED, FIRST_LBA + 1, 1);
    CHECK_EQ_U64(m.got, want ^ (1ull << 56) ^ (1ull << 8));
}

/* Each block's metadata depends only on its own LBA: neighbours differ, and filling one LBA
 * alone gives what a longer fill gives at that LBA. */
static void metadata_blocks_independent(void)
{
    uint8_t two[2 * 16], alone[16];
    pattern_fill_metadata(two, 5, 16, 2, SEED);
    CHECK(memcmp(two, two + 16, 16) != 0);
    CHECK(word_at(two, 0) != word_at(two + 16, 0));
    CHECK(word_at(two, 8) != word_at(two + 16, 8));
    /* Not one LBA's words shifted into the next. */
    CHECK(word_at(two, 8) != word_at(two + 16, 0));
    CHECK(word_at(two + 16, 8) != word_at(two, 0));
    pattern_fill_metadata(alone, 6, 16, 1, SEED);
    CHECK(memcmp(alone, two + 16, 16) == 0);
    pattern_fill_metadata(alone, 5, 16, 1, SEED);
    CHECK(memcmp(alone, two, 16) == 0);

    /* Checked as the wrong LBA or under another seed, a block fails on its first word. */
    struct pattern_mismatch m;
    CHECK_EQ_U64(pattern_check_metadata(two + 16, 5, 16, 1, SEED, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, 5);
    CHECK_EQ_U64(m.offset, 0);
    CHECK_EQ_U64(m.expected, metadata_formula(SEED, 5, 0));
    CHECK_EQ_U64(m.got, metadata_formula(SEED, 6, 0));
    CHECK_EQ_U64(pattern_check_metadata(two, 5, 16, 2, SEED + 1, &m), (uint64_t)-1);
    CHECK_EQ_U64(m.lba, 5);
    CHECK_EQ_U64(m.offset, 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(crc32_known_vectors),
    CHECK_CASE(crc32_matches_bitwise_reference),
    CHECK_CASE(header_layout),
    CHECK_CASE(golden_block),
    CHECK_CASE(bodies_are_distinct),
    CHECK_CASE(round_trip),
    CHECK_CASE(partial_range_checks_with_its_lba),
    CHECK_CASE(flipped_byte_reports_block_and_word),
    CHECK_CASE(first_mismatch_wins),
    CHECK_CASE(header_before_body_in_one_block),
    CHECK_CASE(another_seed_fails),
    CHECK_CASE(another_lba_fails),
    CHECK_CASE(zeroed_block_fails_on_magic),
    CHECK_CASE(block_sizes),
    CHECK_CASE(unsupported_geometry),
    CHECK_CASE(metadata_bytes_follow_formula),
    CHECK_CASE(metadata_round_trip),
    CHECK_CASE(metadata_flipped_byte_reported),
    CHECK_CASE(metadata_first_mismatch_wins),
    CHECK_CASE(metadata_blocks_independent),
};

int main(void)
{
    return CHECK_RUN("pattern", cases);
}
