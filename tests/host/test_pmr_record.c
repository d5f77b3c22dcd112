/* Host tests for lib/pmr_record.c: build/verify round trip, absent records, and each corruption named. */
#include "check.h"

#include "lib/pattern.h"
#include "lib/pmr_record.h"

#include <stddef.h>

#define HEADER 48u
#define PAYLOAD 256u
#define GENERATION 3u
#define SEED 0xfeedface00c0ffeeull

static uint8_t pmr[1024];

static size_t build_default(void)
{
    memset(pmr, 0xcc, sizeof pmr);
    return pmr_record_build(pmr, sizeof pmr, GENERATION, SEED, PAYLOAD);
}

static struct pmr_record_header read_header(void)
{
    struct pmr_record_header h;
    memcpy(&h, pmr, sizeof h);
    return h;
}

/* Rewrites the stored header and, like a careful forger, its CRC. */
static void write_header_with_crc(struct pmr_record_header h)
{
    h.header_crc = 0;
    h.header_crc = crc32_ieee(&h, sizeof h);
    memcpy(pmr, &h, sizeof h);
}

static enum pmr_record_state verify(size_t len, char why[96])
{
    struct pmr_record_header h;
    return pmr_record_verify(pmr, len, &h, why);
}

static void round_trip(void)
{
    CHECK_EQ_U64(build_default(), HEADER + PAYLOAD);
    CHECK_EQ_U64(pmr[HEADER + PAYLOAD], 0xcc); /* nothing written past the record */

    struct pmr_record_header h;
    char why[96];
    CHECK_EQ_U64(pmr_record_verify(pmr, sizeof pmr, &h, why), PMR_RECORD_VALID);
    CHECK_STR(why, "generation 3, seed 0xfeedface00c0ffee, 256 payload bytes");
    CHECK(memcmp(h.magic, "NVMTLPMR", 8) == 0);
    CHECK_EQ_U64(h.version, PMR_RECORD_VERSION);
    CHECK_EQ_U64(h.header_bytes, HEADER);
    CHECK_EQ_U64(h.generation, GENERATION);
    CHECK_EQ_U64(h.seed, SEED);
    CHECK_EQ_U64(h.payload_bytes, PAYLOAD);
    CHECK_EQ_U64(h.payload_crc, crc32_ieee(pmr + HEADER, PAYLOAD));

    /* Exactly the record's length is enough; the header may be left out of the call. */
    CHECK_EQ_U64(pmr_record_verify(pmr, HEADER + PAYLOAD, NULL, why), PMR_RECORD_VALID);
}

/* The layout other tools read: fixed offsets, little-endian, payload = one pattern block. */
static void layout_on_the_wire(void)
{
    build_default();
    uint64_t generation, payload_bytes;
    uint32_t version, header_bytes;
    memcpy(&version, pmr + 8, 4);
    memcpy(&header_bytes, pmr + 12, 4);
    memcpy(&generation, pmr + 16, 8);
    memcpy(&payload_bytes, pmr + 32, 8);
    CHECK_EQ_U64(version, 1);
    CHECK_EQ_U64(header_bytes, 48);
    CHECK_EQ_U64(generation, GENERATION);
    CHECK_EQ_U64(payload_bytes, PAYLOAD);
    CHECK_EQ_U64(pattern_check(pmr + HEADER, GENERATION, PAYLOAD, 1, SEED, NULL), 0);
}

static void build_refuses_what_cannot_be_written(void)
{
    uint8_t small[HEADER + PAYLOAD];
    CHECK_EQ_U64(pmr_record_build(small, sizeof small, 1, SEED, PAYLOAD), sizeof small);
    CHECK_EQ_U64(pmr_record_build(small, sizeof small - 1, 1, SEED, PAYLOAD), 0);
    CHECK_EQ_U64(pmr_record_build(small, 10, 1, SEED, PAYLOAD), 0);
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, 1, SEED, 60), 0);
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, 1, SEED, 100), 0);
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, 1, SEED, 0), 0);
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, 0, SEED, PAYLOAD), 0);
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, 1, SEED, 64), HEADER + 64);
}

static void zeroed_or_wiped_is_absent(void)
{
    char why[96];
    memset(pmr, 0, sizeof pmr);
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_ABSENT);
    CHECK_STR(why, "no record: magic not found");

    build_default();
    pmr[7] ^= 1;
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_ABSENT);
    CHECK_STR(why, "no record: magic not found");

    build_default();
    CHECK_EQ_U64(verify(4, why), PMR_RECORD_ABSENT);
}

static void truncated_header_is_corrupt(void)
{
    char why[96];
    build_default();
    CHECK_EQ_U64(verify(HEADER - 1, why), PMR_RECORD_CORRUPT);
    CHECK_STR(why, "record is 47 bytes, shorter than its 48-byte header");
}

/* Each header field a verifier trusts, rewritten with a matching header CRC so that the field
 * itself, not the CRC, is what gets the record called corrupt. */
static void forged_header_fields(void)
{
    static const struct {
        size_t offset, width;
        uint64_t value;
        const char *why;
    } cases[] = {
        {offsetof(struct pmr_record_header, version), 4, 2, "version 2, expected 1"},
        {offsetof(struct pmr_record_header, header_bytes), 4, 64, "header_bytes 64, expected 48"},
        {offsetof(struct pmr_record_header, payload_bytes), 8, 0xffffffffffffffc0ull,
         "payload_bytes 18446744073709551552, but only 976 bytes follow the header"},
        {offsetof(struct pmr_record_header, generation), 8, 0,
         "generation 0, the first record written is generation 1"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        build_default();
        struct pmr_record_header h = read_header();
        memcpy((uint8_t *)&h + cases[i].offset, &cases[i].value, cases[i].width);
        write_header_with_crc(h);
        char why[96];
        CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_CORRUPT);
        CHECK_STR(why, cases[i].why);
    }
}

/* A flipped bit in the header without a matching CRC. */
static void bad_header_crc(void)
{
    char why[96];
    build_default();
    struct pmr_record_header h = read_header();
    uint32_t good = h.header_crc;
    pmr[offsetof(struct pmr_record_header, seed)] ^= 0x01;
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_CORRUPT);
    h = read_header();
    CHECK(h.header_crc == good);
    h.header_crc = 0;
    uint32_t computed = crc32_ieee(&h, sizeof h);
    char expected[96];
    snprintf(expected, sizeof expected, "header_crc 0x%08x, computed 0x%08x", good, computed);
    CHECK_STR(why, expected);
}

static void payload_longer_than_what_was_read(void)
{
    char why[96];
    build_default();
    CHECK_EQ_U64(verify(HEADER + PAYLOAD - 8, why), PMR_RECORD_CORRUPT);
    CHECK_STR(why, "payload_bytes 256, but only 248 bytes follow the header");
}

static void bad_payload_crc(void)
{
    char why[96];
    build_default();
    uint32_t good = read_header().payload_crc;
    pmr[HEADER + 100] ^= 0x20;
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_CORRUPT);
    char expected[96];
    snprintf(expected, sizeof expected, "payload_crc 0x%08x, computed 0x%08x", good,
             crc32_ieee(pmr + HEADER, PAYLOAD));
    CHECK_STR(why, expected);
}

/* Consistent CRCs over a payload that is not this generation's pattern: a record some other
 * writer left, or a header whose seed was rewritten along with its CRC. */
static void payload_not_the_pattern(void)
{
    char why[96];
    build_default();
    struct pmr_record_header h = read_header();
    h.seed = SEED + 1;
    write_header_with_crc(h);
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_CORRUPT);
    char expected[96];
    snprintf(expected, sizeof expected,
             "payload byte 16 is 0x%016llx, pattern says 0x%016llx",
             (unsigned long long)SEED, (unsigned long long)(SEED + 1));
    CHECK_STR(why, expected);
}

static void payload_geometry_not_a_pattern_block(void)
{
    char why[96];
    build_default();
    struct pmr_record_header h = read_header();
    h.payload_bytes = 60;
    h.payload_crc = crc32_ieee(pmr + HEADER, 60);
    write_header_with_crc(h);
    CHECK_EQ_U64(verify(sizeof pmr, why), PMR_RECORD_CORRUPT);
    CHECK_STR(why, "payload_bytes 60 is not a multiple of 8 of at least 64");
}

static void next_generation_replaces_the_last(void)
{
    char why[96];
    struct pmr_record_header h;
    build_default();
    CHECK_EQ_U64(pmr_record_build(pmr, sizeof pmr, GENERATION + 1, SEED, PAYLOAD),
                 HEADER + PAYLOAD);
    CHECK_EQ_U64(pmr_record_verify(pmr, sizeof pmr, &h, why), PMR_RECORD_VALID);
    CHECK_EQ_U64(h.generation, GENERATION + 1);
}

/* What a write-then-read-back check needs: the generation written, or why not. */
static void reads_back_the_generation_written(void)
{
    char why[96];
    build_default();
    CHECK(pmr_record_reads_back(pmr, sizeof pmr, GENERATION, why));
    CHECK(!pmr_record_reads_back(pmr, sizeof pmr, GENERATION + 1, why));
    CHECK_STR(why, "generation 3 read back, 4 written");
    pmr[HEADER] ^= 1; /* the payload no longer the pattern */
    CHECK(!pmr_record_reads_back(pmr, sizeof pmr, GENERATION, why));
    CHECK(strstr(why, "payload_crc") != NULL);
    memset(pmr, 0, sizeof pmr);
    CHECK(!pmr_record_reads_back(pmr, sizeof pmr, GENERATION, why));
    CHECK_STR(why, "no record: magic not found");
}

static const struct check_case cases[] = {
    CHECK_CASE(round_trip),
    CHECK_CASE(reads_back_the_generation_written),
    CHECK_CASE(layout_on_the_wire),
    CHECK_CASE(build_refuses_what_cannot_be_written),
    CHECK_CASE(zeroed_or_wiped_is_absent),
    CHECK_CASE(truncated_header_is_corrupt),
    CHECK_CASE(forged_header_fields),
    CHECK_CASE(bad_header_crc),
    CHECK_CASE(payload_longer_than_what_was_read),
    CHECK_CASE(bad_payload_crc),
    CHECK_CASE(payload_not_the_pattern),
    CHECK_CASE(payload_geometry_not_a_pattern_block),
    CHECK_CASE(next_generation_replaces_the_last),
};

int main(void)
{
    return CHECK_RUN("pmr_record", cases);
}
