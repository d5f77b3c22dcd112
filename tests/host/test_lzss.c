/* Host tests for lib/lzss.c: round trips over real logs and crafted inputs, the stated bound, and every malformed stream refused without overrun. */
#include "check.h"

#include "fixtures/file_bytes.h"
#include "lib/lzss.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef JUNIT_FIXTURES
#error "JUNIT_FIXTURES names tests/host/fixtures/junit (its TAP logs are the text here)"
#endif

static uint32_t work[LZSS_WORK_BYTES / sizeof(uint32_t)];

/* Compresses, checks the bound, decompresses into a buffer of exactly the size, compares. */
static size_t round_trip(const uint8_t *in, size_t len)
{
    size_t cap = lzss_bound(len);
    uint8_t *packed = malloc(cap + 1), *back = malloc(len + 1);
    size_t packed_len = lzss_compress(in, len, packed, cap, work);
    CHECK(len == 0 || packed_len > 0);
    CHECK(packed_len <= cap);
    size_t got = 0;
    CHECK_EQ_U64(lzss_decompress(packed, packed_len, back, len, &got), 0);
    CHECK_EQ_U64(got, len);
    CHECK(memcmp(back, in, len) == 0);
    free(packed);
    free(back);
    return packed_len;
}

static void real_logs(void)
{
    static const char *const names[] = {"pass", "fail", "bail"};
    for (size_t i = 0; i < CHECK_COUNT(names); i++) {
        char path[512];
        uint8_t *tap = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "%s/%s.tap", JUNIT_FIXTURES, names[i]);
        CHECK_EQ_U64(file_bytes_read(path, &tap, &len), 0);
        size_t packed = round_trip(tap, len);
        printf("# lzss: %s.tap %zu -> %zu bytes (%.1fx)\n", names[i], len, packed,
               packed ? (double)len / (double)packed : 0.0);
        CHECK(len < 2000 || packed * 2 < len); /* a log packs at least 2:1 */
        free(tap);
    }
}

static void crafted_inputs(void)
{
    static uint8_t buf[200000];
    round_trip(buf, 0);
    round_trip((const uint8_t *)"a", 1);
    memset(buf, 'z', sizeof(buf)); /* runs longer than the longest match, overlapping copies */
    CHECK(round_trip(buf, sizeof(buf)) < sizeof(buf) / 50);
    uint32_t x = 12345; /* incompressible: the bound must hold */
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 24);
    }
    round_trip(buf, sizeof(buf));
    /* Repeats farther apart than the window: found nowhere, still right. */
    for (size_t i = 0; i < 70000; i++)
        buf[130000 + i % 70000] = buf[i % 60000];
    round_trip(buf, sizeof(buf));
}

static void too_small_output(void)
{
    const uint8_t text[] = "ok 1 - pci.enumerate\nok 2 - pci.enumerate\nok 3 - pci.enumerate\n";
    uint8_t packed[128];
    size_t need = lzss_compress(text, sizeof(text) - 1, packed, sizeof(packed), work);
    CHECK(need > 0);
    for (size_t cap = 0; cap < need; cap++)
        CHECK_EQ_U64(lzss_compress(text, sizeof(text) - 1, packed, cap, work), 0);
}

static void malformed_streams(void)
{
    uint8_t out[64];
    size_t got = 0;
    const uint8_t before_start[] = {0x01, 0x00, 0x00, 0x00}; /* a match with nothing written */
    CHECK_EQ_U64(lzss_decompress(before_start, sizeof(before_start), out, sizeof(out), &got), (uint64_t)-1);
    const uint8_t cut_token[] = {0x02, 'a', 0x00, 0x00}; /* the match token is 2 of 3 bytes */
    CHECK_EQ_U64(lzss_decompress(cut_token, sizeof(cut_token), out, sizeof(out), &got), (uint64_t)-1);
    const uint8_t too_long[] = {0x02, 'a', 0x00, 0x00, 0xff}; /* 259 bytes into 64 */
    CHECK_EQ_U64(lzss_decompress(too_long, sizeof(too_long), out, sizeof(out), &got), (uint64_t)-1);
    const uint8_t literals[] = {0x00, 'a', 'b', 'c'};
    CHECK_EQ_U64(lzss_decompress(literals, sizeof(literals), out, 2, &got), (uint64_t)-1);
    CHECK_EQ_U64(lzss_decompress(literals, sizeof(literals), out, 3, &got), 0);
    CHECK_EQ_U64(got, 3);

    /* Every prefix of a valid stream decodes (to a prefix) or is refused, never overruns. */
    const uint8_t text[] = "nvme.io.verify nvme.io.verify nvme.io.verify nvme.io.flush\n";
    uint8_t packed[128], back[sizeof(text)];
    size_t n = lzss_compress(text, sizeof(text) - 1, packed, sizeof(packed), work);
    for (size_t cut = 0; cut <= n; cut++) {
        if (lzss_decompress(packed, cut, back, sizeof(text) - 1, &got) == 0)
            CHECK(got <= sizeof(text) - 1 && memcmp(back, text, got) == 0);
    }
}

static const struct check_case cases[] = {
    CHECK_CASE(real_logs),
    CHECK_CASE(crafted_inputs),
    CHECK_CASE(too_small_output),
    CHECK_CASE(malformed_streams),
};

int main(void)
{
    return CHECK_RUN("lzss", cases);
}
