/* Interrupt remapping benchmark (bench = yes): 4 KiB reads at QD 1 and 16, each completion taken on an interrupt the unit remapped (the figures beside irq.bench.read_4k's polled and MSI-X ones). */
#include <stdio.h>

#include "tests/suite/nvme_fixture.h"
#include "tests/suite/read_bench.h"
#include "tests/suite/vtd_ir_fixture.h"

static void ir_read_4k(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    struct ir_case k;
    if (!ir_case_ready(t, &k))
        return;
    struct ns_data_format f;
    if (!read_bench_format_or_skip(t, k.irq.ns, &f)) {
        ir_case_restore(t, &k);
        return;
    }
    uint32_t blocks = ns_blocks_fitting(c, &f, PAGE_SIZE);
    struct read_bench_memory m;
    const char *failed = NULL;
    if (read_bench_alloc(c, (uint64_t)blocks * f.block_bytes, &m) != 0)
        failed = "no memory for the benchmark's buffers";
    else if (!ir_case_on(t, &k, false) ||
             !ir_case_set_entry(t, &k, ir_case_entry(&k, k.vector[0], k.sid), true)) {
        read_bench_free(c, &m);
        ir_case_restore(t, &k);
        return;
    } else if (irq_attach(t, &k.irq, msi_remappable(IRTE_INDEX, false, 0), k.vector[0], false) != 0) {
        failed = "the controller did not start on the remapped interrupt";
    }
    if (!failed && !read_bench_depths(t, k.irq.ns, blocks, &m, "read_4k_remapped"))
        failed = "a read on its remapped interrupt failed";
    char error[sizeof(c->error)];
    snprintf(error, sizeof(error), "%s", c->error);
    read_bench_free(c, &m);
    report_yaml(t, "vector", "0x%02x", k.vector[0]);
    if (!ir_case_restore(t, &k))
        return;
    if (failed)
        report_fail(t, "%s: %s", failed, error);
    else
        report_pass(t, "%u reads of 4 KiB at QD 1 and %u, each completion on remapped vector 0x%02x "
                    "(IRTE %u; figures above and in the YAML)", READ_BENCH_READS,
                    READ_BENCH_MAX_DEPTH, k.vector[0], IRTE_INDEX);
}

const struct test_case vtd_ir_bench_test_cases[] = {
    {"vtd.bench.ir_read_4k", ir_read_4k, CASE_PER_CONTROLLER},
};
const unsigned vtd_ir_bench_test_case_count =
    sizeof(vtd_ir_bench_test_cases) / sizeof(vtd_ir_bench_test_cases[0]);
