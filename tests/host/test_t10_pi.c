/* Host tests for lib/t10_pi.c: the T10-DIF CRC-16 against a bitwise reference, and the big-endian PI tuple. */
#include "check.h"

#include <stdlib.h>

#include "lib/t10_pi.h"

/* Independent of the module's table: one bit at a time, MSB first, polynomial 0x8BB7, no
 * reflection and no final xor. */
static uint16_t reference_crc16(uint16_t crc, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x8bb7u) : (uint16_t)(crc << 1);
    }
    return crc;
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Heap copies of exactly `len` bytes, so that a read past the end trips ASan. */
static uint8_t *exact_copy(const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, data, len);
    return copy;
}

static void crc_check_value(void)
{
    uint8_t *data = exact_copy("123456789", 9);
    CHECK_EQ_U64(t10_crc16(0, data, 9), 0xd0db);
    CHECK_EQ_U64(reference_crc16(0, data, 9), 0xd0db); /* the reference itself is right */
    free(data);
}

static void crc_empty_keeps_value(void)
{
    uint8_t byte = 0x5a;
    CHECK_EQ_U64(t10_crc16(0, &byte, 0), 0);
    CHECK_EQ_U64(t10_crc16(0x1234, &byte, 0), 0x1234);
    CHECK_EQ_U64(t10_crc16(0xffff, &byte, 0), 0xffff);
}

/* Values also computed outside C (Python, the same bitwise definition). */
static void crc_zeros_and_ones(void)
{
    uint8_t zeros[32], ones[32];
    memset(zeros, 0x00, sizeof zeros);
    memset(ones, 0xff, sizeof ones);
    CHECK_EQ_U64(t10_crc16(0, zeros, sizeof zeros), reference_crc16(0, zeros, sizeof zeros));
    CHECK_EQ_U64(t10_crc16(0, zeros, sizeof zeros), 0x0000); /* init 0: zeros stay zero */
    CHECK_EQ_U64(t10_crc16(0, ones, sizeof ones), reference_crc16(0, ones, sizeof ones));
    CHECK_EQ_U64(t10_crc16(0, ones, sizeof ones), 0xa293);

    uint8_t counting[256];
    for (unsigned i = 0; i < sizeof counting; i++)
        counting[i] = (uint8_t)i;
    CHECK_EQ_U64(t10_crc16(0, counting, sizeof counting), 0x563b);
    CHECK_EQ_U64(reference_crc16(0, counting, sizeof counting), 0x563b);

    /* A nonzero register fed zeros does not stay put: the initial value matters. */
    CHECK(t10_crc16(0x0001, zeros, sizeof zeros) != 0);
}

/* Every single-byte input, so that every table entry is compared with the reference. */
static void crc_every_single_byte(void)
{
    for (unsigned value = 0; value < 256; value++) {
        uint8_t byte = (uint8_t)value;
        CHECK_EQ_U64(t10_crc16(0, &byte, 1), reference_crc16(0, &byte, 1));
        CHECK_EQ_U64(t10_crc16(0xa5c3, &byte, 1), reference_crc16(0xa5c3, &byte, 1));
    }
}

static void crc_random_buffers_match_reference(void)
{
    static uint8_t data[4200];
    unsigned mismatches = 0;
    for (unsigned round = 0; round < 400; round++) {
        size_t len;
        switch (round % 4) {
        case 0: len = rng_next() % 16; break;           /* short, including empty */
        case 1: len = rng_next() % 600; break;
        case 2: len = 512 + 8 * (rng_next() % 2); break; /* a block, with or without PI */
        default: len = rng_next() % sizeof data; break;
        }
        for (size_t i = 0; i < len; i++)
            data[i] = (uint8_t)rng_next();
        uint16_t start = (round & 1) ? (uint16_t)rng_next() : 0;
        uint8_t *copy = exact_copy(data, len);
        uint16_t got = t10_crc16(start, copy, len);
        uint16_t want = reference_crc16(start, data, len);
        free(copy);
        if (got != want && mismatches++ < 5)
            CHECK_EQ_U64(got, want);
    }
    CHECK_EQ_U64(mismatches, 0);
}

/* crc(a || b) == crc(crc(a), b) at every split point, and over three pieces. */
static void crc_chained_calls(void)
{
    uint8_t data[97];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)rng_next();
    uint16_t whole = t10_crc16(0, data, sizeof data);
    CHECK_EQ_U64(whole, reference_crc16(0, data, sizeof data));
    for (size_t split = 0; split <= sizeof data; split++) {
        uint16_t first = t10_crc16(0, data, split);
        CHECK_EQ_U64(t10_crc16(first, data + split, sizeof data - split), whole);
    }
    uint16_t crc = t10_crc16(0, data, 10);
    crc = t10_crc16(crc, data + 10, 50);
    crc = t10_crc16(crc, data + 60, sizeof data - 60);
    CHECK_EQ_U64(crc, whole);

    /* Byte by byte too. */
    crc = 0;
    for (size_t i = 0; i < sizeof data; i++)
        crc = t10_crc16(crc, data + i, 1);
    CHECK_EQ_U64(crc, whole);
}

static void pi_pack_is_big_endian(void)
{
    struct t10_pi_tuple tuple = {.guard = 0x1234, .application_tag = 0x5678,
                                 .reference_tag = 0x9abcdef0};
    uint8_t out[10];
    memset(out, 0xee, sizeof out);
    t10_pi_pack(&tuple, out);
    static const uint8_t expected[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    for (size_t i = 0; i < 8; i++)
        CHECK_EQ_U64(out[i], expected[i]);
    CHECK_EQ_U64(out[8], 0xee); /* exactly 8 bytes written */
    CHECK_EQ_U64(out[9], 0xee);
}

static void pi_unpack_is_big_endian(void)
{
    static const uint8_t in[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    uint8_t *copy = exact_copy(in, sizeof in);
    struct t10_pi_tuple tuple;
    memset(&tuple, 0x5a, sizeof tuple);
    t10_pi_unpack(copy, &tuple);
    free(copy);
    CHECK_EQ_U64(tuple.guard, 0x1234);
    CHECK_EQ_U64(tuple.application_tag, 0x5678);
    CHECK_EQ_U64(tuple.reference_tag, 0x9abcdef0);

    /* High bits set in every field: no sign extension, no bleeding between fields. */
    static const uint8_t high[8] = {0xff, 0xfe, 0x80, 0x01, 0xff, 0x00, 0x80, 0x7f};
    t10_pi_unpack(high, &tuple);
    CHECK_EQ_U64(tuple.guard, 0xfffe);
    CHECK_EQ_U64(tuple.application_tag, 0x8001);
    CHECK_EQ_U64(tuple.reference_tag, 0xff00807f);
}

static void pi_round_trip(void)
{
    for (unsigned round = 0; round < 300; round++) {
        uint64_t r = rng_next();
        struct t10_pi_tuple tuple = {.guard = (uint16_t)r, .application_tag = (uint16_t)(r >> 16),
                                     .reference_tag = (uint32_t)(r >> 32)};
        uint8_t bytes[8];
        t10_pi_pack(&tuple, bytes);
        struct t10_pi_tuple back;
        t10_pi_unpack(bytes, &back);
        CHECK_EQ_U64(back.guard, tuple.guard);
        CHECK_EQ_U64(back.application_tag, tuple.application_tag);
        CHECK_EQ_U64(back.reference_tag, tuple.reference_tag);

        /* And bytes -> tuple -> bytes. */
        uint8_t in[8], again[8];
        uint64_t s = rng_next();
        memcpy(in, &s, sizeof in);
        t10_pi_unpack(in, &back);
        t10_pi_pack(&back, again);
        CHECK(memcmp(in, again, sizeof in) == 0);
    }
}

/* The guard of a block goes into the tuple as the device reads it: most significant byte first. */
static void pi_guard_of_a_block(void)
{
    uint8_t block[512];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (uint8_t)(i * 31 + 7);
    struct t10_pi_tuple tuple = {.guard = t10_crc16(0, block, sizeof block),
                                 .application_tag = 0, .reference_tag = 42};
    uint8_t pi[8];
    t10_pi_pack(&tuple, pi);
    uint16_t want = reference_crc16(0, block, sizeof block);
    CHECK_EQ_U64(pi[0], want >> 8);
    CHECK_EQ_U64(pi[1], want & 0xff);
    CHECK_EQ_U64(pi[7], 42);
    CHECK_EQ_U64(pi[4] | pi[5] | pi[6], 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(crc_check_value),
    CHECK_CASE(crc_empty_keeps_value),
    CHECK_CASE(crc_zeros_and_ones),
    CHECK_CASE(crc_every_single_byte),
    CHECK_CASE(crc_random_buffers_match_reference),
    CHECK_CASE(crc_chained_calls),
    CHECK_CASE(pi_pack_is_big_endian),
    CHECK_CASE(pi_unpack_is_big_endian),
    CHECK_CASE(pi_round_trip),
    CHECK_CASE(pi_guard_of_a_block),
};

int main(void)
{
    return CHECK_RUN("t10_pi", cases);
}
