/* PMR persistence record: build the header and pattern payload one boot writes, verify it on the next. */
#include "lib/pmr_record.h"

#include "lib/pattern.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define HEADER_BYTES ((uint32_t)sizeof(struct pmr_record_header))
#define MAGIC_BYTES (sizeof PMR_RECORD_MAGIC - 1)

/* The payload is one pattern block, so it takes that block's geometry. */
static bool payload_geometry_ok(uint64_t payload_bytes)
{
    return payload_bytes >= 64 && payload_bytes % 8 == 0 && payload_bytes <= UINT32_MAX;
}

static uint32_t header_crc(const struct pmr_record_header *header)
{
    struct pmr_record_header copy = *header;
    copy.header_crc = 0;
    return crc32_ieee(&copy, sizeof copy);
}

size_t pmr_record_build(void *buffer, size_t capacity, uint64_t generation, uint64_t seed,
                        uint32_t payload_bytes)
{
    /* Generation 0 is what verify calls corrupt, so it is never written. */
    if (generation == 0 || !payload_geometry_ok(payload_bytes))
        return 0;
    if (capacity < HEADER_BYTES || capacity - HEADER_BYTES < payload_bytes)
        return 0;

    uint8_t *payload = (uint8_t *)buffer + HEADER_BYTES;
    pattern_fill(payload, generation, payload_bytes, 1, seed);

    struct pmr_record_header header = {
        .version = PMR_RECORD_VERSION,
        .header_bytes = HEADER_BYTES,
        .generation = generation,
        .seed = seed,
        .payload_bytes = payload_bytes,
        .payload_crc = crc32_ieee(payload, payload_bytes),
    };
    memcpy(header.magic, PMR_RECORD_MAGIC, MAGIC_BYTES);
    header.header_crc = header_crc(&header);
    memcpy(buffer, &header, sizeof header);
    return HEADER_BYTES + (size_t)payload_bytes;
}

static enum pmr_record_state corrupt(char why[96], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum pmr_record_state corrupt(char why[96], const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(why, 96, fmt, args);
    va_end(args);
    return PMR_RECORD_CORRUPT;
}

enum pmr_record_state pmr_record_verify(const void *buffer, size_t len,
                                        struct pmr_record_header *header, char why[96])
{
    if (len < MAGIC_BYTES || memcmp(buffer, PMR_RECORD_MAGIC, MAGIC_BYTES) != 0) {
        snprintf(why, 96, "no record: magic not found");
        return PMR_RECORD_ABSENT;
    }
    if (len < HEADER_BYTES)
        return corrupt(why, "record is %zu bytes, shorter than its %u-byte header", len,
                       HEADER_BYTES);

    struct pmr_record_header local;
    struct pmr_record_header *h = header ? header : &local;
    memcpy(h, buffer, sizeof *h);

    if (h->version != PMR_RECORD_VERSION)
        return corrupt(why, "version %u, expected %u", h->version, PMR_RECORD_VERSION);
    if (h->header_bytes != HEADER_BYTES)
        return corrupt(why, "header_bytes %u, expected %u", h->header_bytes, HEADER_BYTES);
    uint32_t crc = header_crc(h);
    if (h->header_crc != crc)
        return corrupt(why, "header_crc 0x%08x, computed 0x%08x", h->header_crc, crc);
    if (h->payload_bytes > len - HEADER_BYTES)
        return corrupt(why, "payload_bytes %llu, but only %zu bytes follow the header",
                       (unsigned long long)h->payload_bytes, len - HEADER_BYTES);

    const uint8_t *payload = (const uint8_t *)buffer + HEADER_BYTES;
    crc = crc32_ieee(payload, (size_t)h->payload_bytes);
    if (h->payload_crc != crc)
        return corrupt(why, "payload_crc 0x%08x, computed 0x%08x", h->payload_crc, crc);
    if (h->generation == 0)
        return corrupt(why, "generation 0, the first record written is generation 1");

    /* The CRCs only prove the record is intact; the pattern proves it is the payload that
     * build wrote for this generation and seed, and not some other consistent record. */
    if (!payload_geometry_ok(h->payload_bytes))
        return corrupt(why, "payload_bytes %llu is not a multiple of 8 of at least 64",
                       (unsigned long long)h->payload_bytes);
    struct pattern_mismatch m;
    if (pattern_check(payload, h->generation, (uint32_t)h->payload_bytes, 1, h->seed, &m) != 0)
        return corrupt(why, "payload byte %u is 0x%016llx, pattern says 0x%016llx", m.offset,
                       (unsigned long long)m.got, (unsigned long long)m.expected);

    snprintf(why, 96, "generation %llu, seed 0x%llx, %llu payload bytes",
             (unsigned long long)h->generation, (unsigned long long)h->seed,
             (unsigned long long)h->payload_bytes);
    return PMR_RECORD_VALID;
}

bool pmr_record_reads_back(const void *buffer, size_t len, uint64_t generation, char why[96])
{
    struct pmr_record_header h;
    if (pmr_record_verify(buffer, len, &h, why) != PMR_RECORD_VALID)
        return false;
    if (h.generation == generation)
        return true;
    snprintf(why, 96, "generation %llu read back, %llu written", (unsigned long long)h.generation,
             (unsigned long long)generation);
    return false;
}
