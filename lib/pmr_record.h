/* The PMR persistence record: a self-describing block one boot writes and the next verifies. */
#ifndef NVMETAL_LIB_PMR_RECORD_H
#define NVMETAL_LIB_PMR_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMR_RECORD_MAGIC "NVMTLPMR"
#define PMR_RECORD_VERSION 1

/* Little-endian layout at PMR offset 0, followed by `payload_bytes` of
 * pattern_fill data (first_lba = generation, one block of payload_bytes). */
struct __attribute__((packed)) pmr_record_header {
    char magic[8];
    uint32_t version;
    uint32_t header_bytes;   /* sizeof(struct pmr_record_header) */
    uint64_t generation;     /* 1 for the first boot that wrote one */
    uint64_t seed;
    uint64_t payload_bytes;
    uint32_t payload_crc;    /* crc32_ieee of the payload */
    uint32_t header_crc;     /* crc32_ieee of the header with this field 0 */
};
_Static_assert(sizeof(struct pmr_record_header) == 48, "record header is 48 bytes");

enum pmr_record_state {
    PMR_RECORD_VALID,
    PMR_RECORD_ABSENT,      /* no magic: nothing was left (or it was wiped) */
    PMR_RECORD_CORRUPT,     /* magic present but a field or CRC is wrong */
};

/* Builds header + payload into `buffer` (capacity bytes). Returns the total
 * length, or 0 when it does not fit. */
size_t pmr_record_build(void *buffer, size_t capacity, uint64_t generation, uint64_t seed,
                        uint32_t payload_bytes);
/* Checks a record read back into RAM; fills header (when magic matched) and why[]. */
enum pmr_record_state pmr_record_verify(const void *buffer, size_t len,
                                        struct pmr_record_header *header, char why[96]);
/* A record just written and read back into RAM: valid and of `generation`. Else false, and
 * why[] says what verify found or which generation came back. */
bool pmr_record_reads_back(const void *buffer, size_t len, uint64_t generation, char why[96]);

#endif
