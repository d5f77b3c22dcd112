/* libFuzzer harness for nvme_parse_zone_report: a report of exactly the input's length, zone arrays of exact sizes. */
#include "fuzz_common.h"

#include "drivers/nvme/nvme_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *report = fuzz_copy(data, size);
    static const unsigned maxes[] = {0, 1, 3, 64};
    for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
        unsigned max = maxes[m];
        struct nvme_zone *zones = malloc(max * sizeof *zones);
        uint64_t reported = 0xdeadbeef;
        int stored = nvme_parse_zone_report(report, size, zones, max, &reported);
        if (size < NVME_ZONE_REPORT_HEADER_BYTES) {
            FUZZ_CHECK(stored == -1 && reported == 0, "%zu-byte report: %d zones, %llu reported",
                       size, stored, (unsigned long long)reported);
            free(zones);
            continue;
        }
        /* Stored = the descriptors that are reported, inside the buffer and in the array. */
        uint64_t fit = (size - NVME_ZONE_REPORT_HEADER_BYTES) / NVME_ZONE_DESCRIPTOR_BYTES;
        uint64_t expected = fit;
        if (fuzz_le(report, 8) < expected)
            expected = fuzz_le(report, 8);
        if (max < expected)
            expected = max;
        FUZZ_CHECK(reported == fuzz_le(report, 8), "reported %llu",
                   (unsigned long long)reported);
        FUZZ_CHECK(stored >= 0 && (uint64_t)stored == expected,
                   "%d zones stored, expected %llu (fit %llu, room %u)", stored,
                   (unsigned long long)expected, (unsigned long long)fit, max);
        for (int i = 0; i < stored; i++) {
            const uint8_t *d = report + NVME_ZONE_REPORT_HEADER_BYTES + 64 * (size_t)i;
            FUZZ_CHECK(zones[i].type == (d[0] & 0xf) && zones[i].state == d[1] >> 4 &&
                           zones[i].attributes == d[2] && zones[i].capacity == fuzz_le(d + 8, 8) &&
                           zones[i].start == fuzz_le(d + 16, 8) &&
                           zones[i].write_pointer == fuzz_le(d + 24, 8),
                       "zone %d differs from its descriptor", i);
        }
        free(zones);
    }
    free(report);
    return 0;
}
