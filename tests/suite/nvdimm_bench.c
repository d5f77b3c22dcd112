/* NVDIMM bandwidth (bench = yes): 1 MiB written with each write method the CPU has and read back, timed, and checked. */
#include <stdio.h>
#include <stdlib.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "lib/pattern.h"
#include "tests/suite/nvdimm_fixture.h"

#define BENCH_OFFSET (4u << 20) /* clear of the record, io.verify's and dma.target's areas */
#define BENCH_BYTES  (1u << 20)
#define BENCH_BLOCK  4096u

static void bench_range(struct suite_case *t, struct nvdimm_setup *s, const struct nvdimm_range *r,
                        enum nvdimm_access access, enum nvdimm_verdict verdict, const char *why)
{
    if (access != NVDIMM_READ_WRITE) {
        nvdimm_skip_write(t, verdict, why);
        return;
    }
    if (r->length < BENCH_OFFSET + BENCH_BYTES) {
        report_yaml(t, "length", "0x%llx", (unsigned long long)r->length);
        report_skip(t, "nvdimm_small", "the range is smaller than the 0x%x bytes the bench writes in",
                    BENCH_OFFSET + BENCH_BYTES);
        return;
    }
    uint8_t *buffer = malloc(BENCH_BYTES);
    if (!buffer) {
        report_fail(t, "no heap for the bench buffer");
        return;
    }
    /* Untimed, once: the first method timed must not pay for the host's first touch of each
     * page (QEMU maps the backing file lazily). */
    pattern_fill(buffer, 0, BENCH_BLOCK, BENCH_BYTES / BENCH_BLOCK, s->seed);
    nvdimm_write(r, BENCH_OFFSET, buffer, BENCH_BYTES, CACHE_WRITE_NON_TEMPORAL);
    uint64_t hz = timer_tsc_hz();
    const char *bad = NULL;
    unsigned measured = 0;
    for (unsigned m = 0; m < CACHE_WRITE_METHODS && !bad; m++) {
        if (!cache_write_supported(&r->cpu, (enum cache_write_method)m))
            continue;
        uint64_t seed = s->seed ^ m, lba = BENCH_OFFSET / BENCH_BLOCK;
        pattern_fill(buffer, lba, BENCH_BLOCK, BENCH_BYTES / BENCH_BLOCK, seed);
        uint64_t start = rdtsc();
        nvdimm_write(r, BENCH_OFFSET, buffer, BENCH_BYTES, (enum cache_write_method)m);
        uint64_t wrote = rdtsc() - start;
        start = rdtsc();
        nvdimm_read(r, BENCH_OFFSET, buffer, BENCH_BYTES);
        uint64_t read = rdtsc() - start;
        struct pattern_mismatch miss;
        if (pattern_check(buffer, lba, BENCH_BLOCK, BENCH_BYTES / BENCH_BLOCK, seed, &miss) != 0)
            bad = cache_write_method_name((enum cache_write_method)m);
        /* 1 MiB in `ticks` at hz ticks per second is hz / ticks MiB/s. */
        unsigned long long write_mib_s = hz / (wrote ? wrote : 1), read_mib_s = hz / (read ? read : 1);
        const char *name = cache_write_method_name((enum cache_write_method)m);
        tap_diag("bench %s nvdimm_write_%s_mib_s=%llu", report_prefix(t), name, write_mib_s);
        tap_diag("bench %s nvdimm_read_after_%s_mib_s=%llu", report_prefix(t), name, read_mib_s);
        char key[48];
        snprintf(key, sizeof(key), "write_%s_mib_per_s", name);
        report_yaml(t, key, "%llu", write_mib_s);
        snprintf(key, sizeof(key), "read_after_%s_mib_per_s", name);
        report_yaml(t, key, "%llu", read_mib_s);
        measured++;
    }
    free(buffer);
    if (bad)
        report_fail(t, "1 MiB written with %s did not read back", bad);
    else
        report_pass(t, "1 MiB written and read back with each of %u write methods (figures in the "
                    "YAML and the bench lines)", measured);
}

static void bandwidth(struct suite_case *t)
{
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    nvdimm_each_range(t, bench_range);
}

const struct test_case nvdimm_bench_test_cases[] = {
    {"nvdimm.bench.bandwidth", bandwidth, 0},
};
const unsigned nvdimm_bench_test_case_count = sizeof(nvdimm_bench_test_cases) / sizeof(nvdimm_bench_test_cases[0]);
