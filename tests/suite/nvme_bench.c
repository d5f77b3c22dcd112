/* Benchmarks (bench = on): 4 KiB and 16 KiB read IOPS and latency by queue depth and SQ placement (timed by read_bench.c), PMR bandwidth. */
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_pmr.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_regs.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/read_bench.h"

#define PMR_BENCH_BYTES (1u << 20)

static void read_iops(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    struct nvme_placement placements[2] = {placement_host(),
                                           placement_host()};
    placements[1].io_sq = NVME_MEMORY_CMB;
    unsigned placement_count = c->cmb.present && (c->cmb.cmbsz & NVME_CMBSZ_SQS) ? 2 : 1;
    static const unsigned depths[] = {1, READ_BENCH_MAX_DEPTH};
    char format[64];
    for (unsigned p = 0; p < placement_count; p++) {
        const struct nvme_namespace *ns = case_start_namespace(t, &placements[p]);
        if (!ns || !ns_data_allowed_or_skip(t, c, ns, false))
            return;
        struct ns_data_format f;
        ns_data_format(ns, &f);
        if (f.metadata_bytes) {
            /* A metadata buffer per command would be an allocation inside the timed loop. */
            report_skip(t, "separate_metadata",
                        "format %s needs a separate metadata buffer per read",
                       nvme_format_describe(&ns->identity, format, sizeof(format)));
            return;
        }
        nvme_format_describe(&ns->identity, format, sizeof(format));
        /* 4 KiB: PRP1 alone; 16 KiB: a PRP list, in the command slot's own list page. */
        static const uint32_t sizes[] = {PAGE_SIZE, READ_BENCH_MAX_READ};
        uint32_t most = ns_blocks_fitting(c, &f, READ_BENCH_MAX_READ);
        struct read_bench_memory memory;
        bool failed = read_bench_alloc(c, (uint64_t)most * f.block_bytes, &memory) != 0;
        for (unsigned k = 0; k < 2 * 2 && !failed; k++) {
            unsigned depth = depths[k % 2];
            uint32_t blocks = ns_blocks_fitting(c, &f, sizes[k / 2]);
            unsigned kib = blocks * f.block_bytes / 1024;
            struct read_bench_figures figures;
            if (read_bench_run(c, ns, depth, blocks, &memory, &figures) != 0) {
                failed = true;
                break;
            }
            const char *sq = nvme_memory_kind_name(placements[p].io_sq);
            unsigned long long iops = figures.iops, median = figures.median_ns, p99 = figures.p99_ns;
            /* make bench reads the diagnostic lines; the same figures go in the point's YAML
             * for TAP consumers (never on its line: they differ on every run). */
            tap_diag("bench %s format=\"%s\" prinfo=0x%x read_%uk_qd%u_sq_%s_iops=%llu",
                     report_prefix(t), format, f.prinfo, kib, depth, sq, iops);
            tap_diag("bench %s read_%uk_qd%u_sq_%s_median_ns=%llu", report_prefix(t), kib, depth,
                     sq, median);
            tap_diag("bench %s read_%uk_qd%u_sq_%s_p99_ns=%llu", report_prefix(t), kib, depth, sq,
                     p99);
            /* YAML keys are snake_case: "cmb", not the diagnostic's "CMB"; 4 KiB keeps the
             * keys it had before the 16 KiB rows came. */
            const char *where = placements[p].io_sq == NVME_MEMORY_CMB ? "cmb" : "host";
            char size[8] = "", key[48];
            if (k / 2)
                snprintf(size, sizeof(size), "_%uk", kib);
            snprintf(key, sizeof(key), "qd%u_sq_%s%s_iops", depth, where, size);
            report_yaml(t, key, "%llu", iops);
            snprintf(key, sizeof(key), "qd%u_sq_%s%s_median_ns", depth, where, size);
            report_yaml(t, key, "%llu", median);
            snprintf(key, sizeof(key), "qd%u_sq_%s%s_p99_ns", depth, where, size);
            report_yaml(t, key, "%llu", p99);
        }
        read_bench_free(c, &memory);
        if (failed) {
            report_fail(t, "a benchmark read failed");
            return;
        }
    }
    report_pass(t, "%u reads of %s blocks at QD 1 and %u, 4 KiB and 16 KiB each, per SQ "
                "placement (figures above and in the YAML)", READ_BENCH_READS, format, READ_BENCH_MAX_DEPTH);
}

/* Write then read 1 MiB of the PMR with each access width; flushes count as part of the write. */
static void pmr_bandwidth(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    if (!c->pmr.present || c->pmr.region.bytes < 2 * PMR_BENCH_BYTES) {
        report_skip(t, c->pmr.present ? "pmr_small" : "pmrs_zero", "no PMR of at least 2 MiB");
        return;
    }
    struct nvme_placement p = placement_default(t->ctx, c);
    if (!case_start(t, c, &p))
        return;
    if (!case_write_allowed(t, c, "PMR writes"))
        return;
    if (nvme_pmr_enable(c) != 0) {
        report_fail(t, "PMR did not become ready");
        return;
    }
    /* The second MiB: clear of the record and the scratch area the PMR cases use. */
    struct nvme_region area = nvme_region_slice(&c->pmr.region, PMR_BENCH_BYTES, PMR_BENCH_BYTES);
    static const unsigned widths[] = {1, 2, 4, 8};
    uint64_t hz = timer_tsc_hz();
    uint64_t sink = 0;
    for (unsigned w = 0; w < 4; w++) {
        unsigned width = widths[w];
        uint64_t start = rdtsc();
        for (uint64_t offset = 0; offset < PMR_BENCH_BYTES; offset += width)
            nvme_region_write_width(&area, offset, width, offset);
        nvme_pmr_flush(c);
        uint64_t wrote = rdtsc() - start;
        start = rdtsc();
        for (uint64_t offset = 0; offset < PMR_BENCH_BYTES; offset += width)
            sink += nvme_region_read_width(&area, offset, width);
        uint64_t read = rdtsc() - start;
        unsigned long long write_mib_s = hz / (wrote ? wrote : 1);
        unsigned long long read_mib_s = hz / (read ? read : 1);
        tap_diag("bench %s pmr_write_%ub_mib_s=%llu", c->name, width, write_mib_s);
        tap_diag("bench %s pmr_read_%ub_mib_s=%llu", c->name, width, read_mib_s);
        char key[32];
        snprintf(key, sizeof(key), "write_%ub_mib_per_s", width);
        report_yaml(t, key, "%llu", write_mib_s);
        snprintf(key, sizeof(key), "read_%ub_mib_per_s", width);
        report_yaml(t, key, "%llu", read_mib_s);
    }
    (void)sink;
    report_pass(t, "1 MiB written (with flush) and read at each access width "
                    "(figures above and in the YAML)");
}

const struct test_case nvme_bench_test_cases[] = {
    {"nvme.bench.read_4k", read_iops, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.bench.pmr_bandwidth", pmr_bandwidth, CASE_PER_CONTROLLER | CASE_NVME},
};
const unsigned nvme_bench_test_case_count = sizeof(nvme_bench_test_cases) / sizeof(nvme_bench_test_cases[0]);
