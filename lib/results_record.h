/* The saved-run record: a run's TAP log, compressed, split over firmware variables, with the header that checks it. */
#ifndef NVMETAL_LIB_RESULTS_RECORD_H
#define NVMETAL_LIB_RESULTS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESULTS_RECORD_MAGIC   "NVMTLRES"
#define RESULTS_RECORD_VERSION 1
/* Bounds a header read back from a variable must respect before anything is allocated. */
#define RESULTS_MAX_LOG_BYTES    (8u << 20)
#define RESULTS_MAX_PACKED_BYTES (1u << 20)
#define RESULTS_MAX_CHUNKS       256u
#define RESULTS_WHY_LEN          120

/* Little-endian, the whole content of the header variable. The packed stream (lib/lzss.h)
 * follows in chunk_count variables of chunk_bytes each (the last holds the rest). */
struct __attribute__((packed)) results_record_header {
    char magic[8];
    uint32_t version;
    uint32_t header_bytes;  /* sizeof(struct results_record_header) */
    uint32_t log_bytes;     /* the saved log, decompressed */
    uint32_t run_bytes;     /* what the run printed: more than log_bytes when the log was cut */
    uint32_t packed_bytes;
    uint32_t chunk_bytes;
    uint32_t chunk_count;
    uint32_t packed_crc;    /* crc32_ieee of the packed stream */
    uint32_t log_crc;       /* crc32_ieee of the saved log */
    uint32_t verdict;       /* the run's exit code (enum verdict) */
    uint32_t header_crc;    /* crc32_ieee of the header with this field 0 */
};
_Static_assert(sizeof(struct results_record_header) == 52, "results header is 52 bytes");

/* Fills every field (chunk_count from packed_bytes and chunk_bytes, the header CRC last). */
void results_record_init(struct results_record_header *h, uint32_t log_bytes, uint32_t run_bytes,
                         uint32_t packed_bytes, uint32_t chunk_bytes, uint32_t packed_crc,
                         uint32_t log_crc, uint32_t verdict);
/* Checks a header read back (len bytes): 0 and *out filled, or -1 with the reason. */
int results_record_check(const void *bytes, size_t len, struct results_record_header *out,
                         char why[RESULTS_WHY_LEN]);
/* Bytes in chunk `index` (0-based) of a checked header. */
uint32_t results_record_chunk_size(const struct results_record_header *h, uint32_t index);

/* Compresses the longest prefix of log, ending at a line end (or all of it), whose packed
 * stream fits `budget` bytes; out must hold lzss_bound(len) bytes, work LZSS_WORK_BYTES.
 * Returns the packed bytes (0 when not even the first line fits) and the log bytes they hold
 * in *kept. Whole logs are tried first; a cut one is found by bisection over line ends. */
size_t results_pack(const char *log, size_t len, size_t budget, uint8_t *out, size_t out_cap,
                    void *work, size_t *kept);

#endif
