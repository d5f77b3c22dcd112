/* libFuzzer harness for lib/pmr_record.c: pmr_record_verify on raw and CRC-fixed bytes, and build -> verify -> one flipped byte. */
#include "fuzz_common.h"

#include "lib/pattern.h"
#include "lib/pmr_record.h"

#define WHY 96
#define HEADER ((size_t)sizeof(struct pmr_record_header))

static const char *state_name(enum pmr_record_state s)
{
    return s == PMR_RECORD_VALID ? "valid" : s == PMR_RECORD_ABSENT ? "absent" : "corrupt";
}

/* Verifies an exact-size copy, with and without a header to fill, and checks the verdict
 * against the bytes. Returns the verdict. */
static enum pmr_record_state verify(const uint8_t *bytes, size_t len)
{
    uint8_t *buffer = fuzz_copy(bytes, len);
    struct pmr_record_header *header = malloc(sizeof *header);
    char *why = fuzz_text_buffer(WHY);
    enum pmr_record_state state = pmr_record_verify(buffer, len, header, why);
    FUZZ_CHECK(state == PMR_RECORD_VALID || state == PMR_RECORD_ABSENT ||
                   state == PMR_RECORD_CORRUPT,
               "state %d", (int)state);
    fuzz_check_string(why, WHY, true, "pmr_record_verify why");

    bool magic = len >= 8 && memcmp(bytes, PMR_RECORD_MAGIC, 8) == 0;
    FUZZ_CHECK((state == PMR_RECORD_ABSENT) == !magic, "%s with%s the magic", state_name(state),
               magic ? "" : "out");
    if (state == PMR_RECORD_VALID) {
        FUZZ_CHECK(memcmp(header, bytes, HEADER) == 0, "the header returned is not the record's");
        FUZZ_CHECK(header->version == PMR_RECORD_VERSION && header->header_bytes == HEADER &&
                       header->generation != 0 && header->payload_bytes >= 64 &&
                       header->payload_bytes % 8 == 0 && header->payload_bytes <= len - HEADER,
                   "valid record: version %u header %u generation %llu payload %llu of %zu",
                   header->version, header->header_bytes,
                   (unsigned long long)header->generation,
                   (unsigned long long)header->payload_bytes, len);
        FUZZ_CHECK(crc32_ieee(bytes + HEADER, (size_t)header->payload_bytes) == header->payload_crc,
                   "valid record with a wrong payload CRC");
    }

    /* The same verdict and reason when the caller does not want the header. */
    char *why_alone = fuzz_text_buffer(WHY);
    enum pmr_record_state alone = pmr_record_verify(buffer, len, NULL, why_alone);
    FUZZ_CHECK(alone == state && strcmp(why, why_alone) == 0, "header NULL: %s '%s' vs %s '%s'",
               state_name(alone), why_alone, state_name(state), why);
    free(why_alone);
    free(why);
    free(header);
    free(buffer);
    return state;
}

/* The header CRC over the header with its own field zero. */
static void fix_header_crc(uint8_t *bytes)
{
    struct pmr_record_header h;
    memcpy(&h, bytes, sizeof h);
    h.header_crc = 0;
    h.header_crc = crc32_ieee(&h, sizeof h);
    memcpy(bytes, &h, sizeof h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1: the bytes as read back from the PMR. */
    verify(data, size);

    /* 2: the same record with the magic and both CRCs made right, so that the checks behind
     * them (generation, geometry, the pattern) see random values too. */
    if (size >= HEADER) {
        uint8_t *fixed = fuzz_copy(data, size);
        memcpy(fixed, PMR_RECORD_MAGIC, 8);
        uint64_t payload = fuzz_le(fixed + 32, 8);
        if (payload <= size - HEADER)
            fuzz_put_le(fixed + 40, crc32_ieee(fixed + HEADER, (size_t)payload), 4);
        fix_header_crc(fixed);
        verify(fixed, size);
        free(fixed);
    }

    /* 3: build from parameters taken from the input; what build writes must verify with the
     * same fields, and any one changed byte must not. */
    uint8_t params[24] = {0};
    memcpy(params, data, size < sizeof params ? size : sizeof params);
    uint64_t generation = fuzz_le(params, 8);
    uint64_t seed = fuzz_le(params + 8, 8);
    uint32_t payload = (uint32_t)(fuzz_le(params + 16, 4) % 8200);
    size_t flip_at = (size_t)fuzz_le(params + 20, 3);
    uint8_t flip = (uint8_t)(params[23] | 1);
    size_t capacity = HEADER + payload;
    uint8_t *record = malloc(capacity);
    size_t built = pmr_record_build(record, capacity, generation, seed, payload);
    bool buildable = generation != 0 && payload >= 64 && payload % 8 == 0;
    FUZZ_CHECK(built == (buildable ? capacity : 0), "build(generation %llu, %u bytes) = %zu",
               (unsigned long long)generation, payload, built);
    if (built) {
        FUZZ_CHECK(verify(record, built) == PMR_RECORD_VALID, "a record just built does not verify");
        struct pmr_record_header h;
        memcpy(&h, record, sizeof h);
        FUZZ_CHECK(h.generation == generation && h.seed == seed && h.payload_bytes == payload,
                   "the built header says generation %llu seed %llx payload %llu",
                   (unsigned long long)h.generation, (unsigned long long)h.seed,
                   (unsigned long long)h.payload_bytes);
        /* A shorter read-back (the record cut off) must not verify either. */
        FUZZ_CHECK(verify(record, built - 1) != PMR_RECORD_VALID, "a truncated record verifies");
        flip_at %= built;
        record[flip_at] ^= flip;
        enum pmr_record_state state = verify(record, built);
        FUZZ_CHECK(state == (flip_at < 8 ? PMR_RECORD_ABSENT : PMR_RECORD_CORRUPT),
                   "byte %zu xor 0x%02x: %s", flip_at, flip, state_name(state));
    }
    free(record);
    return 0;
}
