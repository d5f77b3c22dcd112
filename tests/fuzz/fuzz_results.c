/* libFuzzer harness for what a boot reads back from firmware variables: the saved-run header (lib/results_record.c), the LZSS stream (lib/lzss.c), and the TAP made into JUnit (lib/junit.c). */
#include "fuzz_common.h"

#include "lib/junit.h"
#include "lib/lzss.h"
#include "lib/pattern.h"
#include "lib/results_record.h"

static uint32_t work[LZSS_WORK_BYTES / sizeof(uint32_t)];

/* The header check on the bytes, and on the bytes with a right magic and CRC, so that the
 * bounds behind them see random values too. */
static void header(const uint8_t *data, size_t size)
{
    struct results_record_header h;
    char *why = fuzz_text_buffer(RESULTS_WHY_LEN);
    uint8_t *copy = fuzz_copy(data, size);
    if (results_record_check(copy, size, &h, why) != 0)
        fuzz_check_string(why, RESULTS_WHY_LEN, true, "results_record_check why");
    if (size == sizeof(h)) {
        memcpy(&h, copy, sizeof(h));
        memcpy(h.magic, RESULTS_RECORD_MAGIC, sizeof(h.magic));
        h.header_crc = 0;
        h.header_crc = crc32_ieee(&h, sizeof(h));
        struct results_record_header out;
        if (results_record_check(&h, sizeof(h), &out, why) == 0) {
            FUZZ_CHECK(out.packed_bytes && out.packed_bytes <= RESULTS_MAX_PACKED_BYTES &&
                           out.chunk_count <= RESULTS_MAX_CHUNKS && out.log_bytes <= out.run_bytes,
                       "accepted header: packed %u, %u chunks, log %u of %u", out.packed_bytes,
                       out.chunk_count, out.log_bytes, out.run_bytes);
            uint64_t total = 0;
            for (uint32_t i = 0; i < out.chunk_count; i++)
                total += results_record_chunk_size(&out, i);
            FUZZ_CHECK(total == out.packed_bytes, "chunks hold %llu of %u bytes",
                       (unsigned long long)total, out.packed_bytes);
        }
    }
    free(copy);
    free(why);
}

/* The bytes as a packed stream: decoded into an exact-size buffer or refused; and the bytes
 * as text: packed and unpacked to themselves, within the bound. */
static void stream(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_copy(data, size);
    size_t cap = size * 4 + 16, got = 0;
    uint8_t *out = malloc(cap);
    if (lzss_decompress(copy, size, out, cap, &got) == 0)
        FUZZ_CHECK(got <= cap, "decoded %zu into %zu", got, cap);
    size_t bound = lzss_bound(size);
    uint8_t *packed = malloc(bound ? bound : 1);
    size_t n = lzss_compress(copy, size, packed, bound, work);
    FUZZ_CHECK(size == 0 || (n > 0 && n <= bound), "packed %zu bytes into %zu of %zu", size, n, bound);
    uint8_t *back = malloc(size ? size : 1);
    if (n) {
        FUZZ_CHECK(lzss_decompress(packed, n, back, size, &got) == 0 && got == size &&
                       memcmp(back, data, size) == 0,
                   "round trip of %zu bytes", size);
    }
    free(back);
    free(packed);
    free(out);
    free(copy);
}

/* The bytes as TAP: the size asked for is what a full buffer gets, a short buffer a NUL-ended
 * prefix of it, and each testcase element is closed. */
static void junit(const uint8_t *data, size_t size)
{
    const char *tap = (const char *)fuzz_copy(data, size);
    size_t need = junit_from_tap(tap, size, NULL, 0);
    char *xml = malloc(need + 1);
    FUZZ_CHECK(junit_from_tap(tap, size, xml, need + 1) == need, "sizes differ");
    FUZZ_CHECK(strlen(xml) <= need, "NUL missing");
    size_t open = 0, closed = 0;
    for (const char *p = xml; (p = strstr(p, "<testcase ")); p++)
        open++;
    for (const char *p = xml; (p = strstr(p, "</testcase>")); p++)
        closed++;
    for (const char *p = xml; (p = strstr(p, "\" time=\"0\" />")); p++)
        closed++;
    FUZZ_CHECK(open == closed, "%zu testcases opened, %zu closed", open, closed);
    FUZZ_CHECK(strstr(xml, "</testsuites>\n") != NULL, "the document is not closed");
    char small[64];
    junit_from_tap(tap, size, small, sizeof(small));
    FUZZ_CHECK(strncmp(small, xml, sizeof(small) - 1) == 0, "a short buffer is not a prefix");
    free(xml);
    free((void *)tap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    header(data, size);
    stream(data, size);
    junit(data, size);
    return 0;
}
