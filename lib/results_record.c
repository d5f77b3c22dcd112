/* Saved-run record: header build and check, chunk sizes, and the packing that fits a log into a budget. */
#include "lib/results_record.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/lzss.h"
#include "lib/pattern.h"

static uint32_t header_crc_of(const struct results_record_header *h)
{
    struct results_record_header copy = *h;
    copy.header_crc = 0;
    return crc32_ieee(&copy, sizeof(copy));
}

void results_record_init(struct results_record_header *h, uint32_t log_bytes, uint32_t run_bytes,
                         uint32_t packed_bytes, uint32_t chunk_bytes, uint32_t packed_crc,
                         uint32_t log_crc, uint32_t verdict)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->magic, RESULTS_RECORD_MAGIC, sizeof(h->magic));
    h->version = RESULTS_RECORD_VERSION;
    h->header_bytes = sizeof(*h);
    h->log_bytes = log_bytes;
    h->run_bytes = run_bytes;
    h->packed_bytes = packed_bytes;
    h->chunk_bytes = chunk_bytes;
    h->chunk_count = chunk_bytes ? (packed_bytes + chunk_bytes - 1) / chunk_bytes : 0;
    h->packed_crc = packed_crc;
    h->log_crc = log_crc;
    h->verdict = verdict;
    h->header_crc = header_crc_of(h);
}

static int refuse(char why[RESULTS_WHY_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int refuse(char why[RESULTS_WHY_LEN], const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(why, RESULTS_WHY_LEN, fmt, args);
    va_end(args);
    return -1;
}

int results_record_check(const void *bytes, size_t len, struct results_record_header *out,
                         char why[RESULTS_WHY_LEN])
{
    struct results_record_header h;
    if (len != sizeof(h))
        return refuse(why, "header is %zu bytes, not %zu", len, sizeof(h));
    memcpy(&h, bytes, sizeof(h));
    if (memcmp(h.magic, RESULTS_RECORD_MAGIC, sizeof(h.magic)) != 0)
        return refuse(why, "no " RESULTS_RECORD_MAGIC " magic");
    if (h.version != RESULTS_RECORD_VERSION || h.header_bytes != sizeof(h))
        return refuse(why, "version %u, header %u bytes: not this image's format", h.version,
                      h.header_bytes);
    if (h.header_crc != header_crc_of(&h))
        return refuse(why, "header CRC 0x%08x, computed 0x%08x", h.header_crc, header_crc_of(&h));
    if (h.log_bytes > RESULTS_MAX_LOG_BYTES || h.run_bytes < h.log_bytes)
        return refuse(why, "log of %u bytes (of %u printed) is out of bounds", h.log_bytes,
                      h.run_bytes);
    if (h.packed_bytes > RESULTS_MAX_PACKED_BYTES || !h.packed_bytes || !h.chunk_bytes)
        return refuse(why, "packed stream of %u bytes in chunks of %u is out of bounds",
                      h.packed_bytes, h.chunk_bytes);
    if (h.chunk_count != (h.packed_bytes + h.chunk_bytes - 1) / h.chunk_bytes ||
        h.chunk_count > RESULTS_MAX_CHUNKS)
        return refuse(why, "%u chunks do not hold %u packed bytes", h.chunk_count,
                      h.packed_bytes);
    *out = h;
    return 0;
}

uint32_t results_record_chunk_size(const struct results_record_header *h, uint32_t index)
{
    if (index >= h->chunk_count)
        return 0;
    uint32_t before = index * h->chunk_bytes;
    uint32_t rest = h->packed_bytes - before;
    return rest < h->chunk_bytes ? rest : h->chunk_bytes;
}

/* The end of the last whole line at or before `at` (0 when the first line is longer). */
static size_t line_end_before(const char *log, size_t at)
{
    while (at && log[at - 1] != '\n')
        at--;
    return at;
}

size_t results_pack(const char *log, size_t len, size_t budget, uint8_t *out, size_t out_cap,
                    void *work, size_t *kept)
{
    size_t cap = budget < out_cap ? budget : out_cap;
    *kept = 0;
    size_t packed = lzss_compress((const uint8_t *)log, len, out, cap, work);
    if (packed) {
        *kept = len;
        return packed;
    }
    /* Bisection over prefix lengths: `good` fits (or is 0), `bad` does not; then back to
     * the line end before `good`, which fits too (a shorter prefix packs no larger). */
    size_t good = 0, bad = len;
    while (bad - good > 1) {
        size_t mid = good + (bad - good) / 2;
        if (lzss_compress((const uint8_t *)log, mid, out, cap, work))
            good = mid;
        else
            bad = mid;
    }
    size_t at = line_end_before(log, good);
    if (!at)
        return 0;
    packed = lzss_compress((const uint8_t *)log, at, out, cap, work);
    if (packed)
        *kept = at;
    return packed;
}
