/* Host tests for lib/results_record.c and lib/log_capture.c: header round trip and refusals, chunk sizes, packing a log into a budget (cut at a line end), the capture buffer. */
#include "check.h"

#include "lib/log_capture.h"
#include "lib/lzss.h"
#include "lib/pattern.h"
#include "lib/results_record.h"

#include <stdio.h>
#include <stdlib.h>

static struct results_record_header valid_header(void)
{
    struct results_record_header h;
    results_record_init(&h, 40000, 40000, 9000, 4096, 0x11111111, 0x22222222, 1);
    return h;
}

static void header_round_trip(void)
{
    struct results_record_header h = valid_header(), out;
    char why[RESULTS_WHY_LEN] = "";
    CHECK_EQ_U64(h.chunk_count, 3); /* 4096 + 4096 + 808 */
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), 0);
    CHECK_EQ_U64(out.packed_bytes, 9000);
    CHECK_EQ_U64(out.verdict, 1);
    CHECK_EQ_U64(results_record_chunk_size(&out, 0), 4096);
    CHECK_EQ_U64(results_record_chunk_size(&out, 2), 808);
    CHECK_EQ_U64(results_record_chunk_size(&out, 3), 0);
}

/* Rewrites a field and, like a careful forger, the CRC: the bounds must still refuse it. */
static void reseal(struct results_record_header *h)
{
    h->header_crc = 0;
    h->header_crc = crc32_ieee(h, sizeof(*h));
}

static void header_refusals(void)
{
    struct results_record_header h, out;
    char why[RESULTS_WHY_LEN];

    h = valid_header();
    CHECK_EQ_U64(results_record_check(&h, sizeof(h) - 1, &out, why), (uint64_t)-1);
    CHECK_STR(why, "header is 51 bytes, not 52");

    h = valid_header();
    h.magic[0] = 'X';
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);
    CHECK_STR(why, "no NVMTLRES magic");

    h = valid_header();
    h.packed_bytes ^= 1; /* a bit flipped in the store, CRC left as it was */
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);
    CHECK(strncmp(why, "header CRC 0x", 13) == 0);

    h = valid_header();
    h.version = 2;
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);
    CHECK_STR(why, "version 2, header 52 bytes: not this image's format");

    h = valid_header();
    h.log_bytes = RESULTS_MAX_LOG_BYTES + 1;
    h.run_bytes = h.log_bytes;
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);

    h = valid_header();
    h.run_bytes = h.log_bytes - 1; /* printed less than it kept */
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);

    h = valid_header();
    h.chunk_bytes = 0;
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);

    h = valid_header();
    h.chunk_count = 2; /* 2 x 4096 cannot hold 9000 */
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);
    CHECK_STR(why, "2 chunks do not hold 9000 packed bytes");

    h = valid_header();
    h.chunk_bytes = 1;
    h.packed_bytes = RESULTS_MAX_CHUNKS + 1;
    h.chunk_count = RESULTS_MAX_CHUNKS + 1;
    reseal(&h);
    CHECK_EQ_U64(results_record_check(&h, sizeof(h), &out, why), (uint64_t)-1);
}

/* A TAP-like log of `lines` lines, each different (numbers) but alike (the words). */
static char *make_log(unsigned lines, size_t *len)
{
    size_t cap = (size_t)lines * 96 + 1;
    char *log = malloc(cap);
    size_t at = 0;
    for (unsigned i = 1; i <= lines; i++)
        at += (size_t)snprintf(log + at, cap - at, "ok %u - nvme.io.verify: 00:0%u.0 nsid %u 4 KiB at LBA %u\n",
                               i, i % 8, i % 3 + 1, i * 37u % 9973u);
    *len = at;
    return log;
}

static bool unpacks_to(const uint8_t *packed, size_t packed_len, const char *want, size_t want_len)
{
    char *out = malloc(want_len + 1);
    size_t got = 0;
    bool same = lzss_decompress(packed, packed_len, (uint8_t *)out, want_len + 1, &got) == 0 &&
                got == want_len && memcmp(out, want, want_len) == 0;
    free(out);
    return same;
}

static void pack_whole_and_cut(void)
{
    size_t len = 0, kept = 0;
    char *log = make_log(2000, &len);
    size_t cap = lzss_bound(len);
    uint8_t *packed = malloc(cap);
    void *work = malloc(LZSS_WORK_BYTES);

    /* Room for all of it: the whole log, and it unpacks to itself. */
    size_t whole = results_pack(log, len, cap, packed, cap, work, &kept);
    CHECK(whole > 0 && whole < len / 2);
    CHECK_EQ_U64(kept, len);
    CHECK(unpacks_to(packed, whole, log, len));

    /* A third of that room: a prefix ending at a line end, as long as fits (one more line
     * would not), and it unpacks to exactly that prefix. */
    size_t budget = whole / 3;
    size_t cut = results_pack(log, len, budget, packed, cap, work, &kept);
    CHECK(cut > 0 && cut <= budget);
    CHECK(kept > 0 && kept < len);
    CHECK(log[kept - 1] == '\n');
    CHECK(unpacks_to(packed, cut, log, kept));
    size_t next_line = kept;
    while (log[next_line] != '\n')
        next_line++;
    uint8_t *scratch = malloc(cap);
    CHECK_EQ_U64(lzss_compress((const uint8_t *)log, next_line + 1, scratch, budget, work), 0);
    free(scratch);

    /* Not even the first line fits: nothing. */
    CHECK_EQ_U64(results_pack(log, len, 4, packed, cap, work, &kept), 0);
    CHECK_EQ_U64(kept, 0);
    free(log);
    free(packed);
    free(work);
}

static void capture_keeps_what_fits(void)
{
    char buf[8];
    log_capture_start(buf, sizeof(buf));
    log_capture_write("TAP ", 4);
    log_capture_write("version 13\n", 11);
    CHECK_EQ_U64(log_capture_kept(), 8);
    CHECK_EQ_U64(log_capture_offered(), 15);
    CHECK(memcmp(log_capture_text(), "TAP vers", 8) == 0);
    log_capture_stop();
    log_capture_write("after the plan\n", 15);
    CHECK_EQ_U64(log_capture_offered(), 15);

    /* No buffer (the heap was short): counted, nothing kept, nothing written. */
    log_capture_start(NULL, 4096);
    log_capture_write("ok 1\n", 5);
    CHECK_EQ_U64(log_capture_kept(), 0);
    CHECK_EQ_U64(log_capture_offered(), 5);
}

static const struct check_case cases[] = {
    CHECK_CASE(header_round_trip),
    CHECK_CASE(header_refusals),
    CHECK_CASE(pack_whole_and_cut),
    CHECK_CASE(capture_keeps_what_fits),
};

int main(void)
{
    return CHECK_RUN("results_record", cases);
}
