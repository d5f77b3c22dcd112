/* Interrupt benchmark (bench = yes): 4 KiB reads at QD 1 and 16, completions polled and then taken on an MSI-X interrupt, on the same controller and namespace. */
#include <stdio.h>

#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/lapic.h"
#include "tests/suite/irq_fixture.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/read_bench.h"

static void read_4k(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    struct irq_setup s;
    if (!irq_case_ready(t, &s))
        return;
    struct ns_data_format f;
    if (!read_bench_format_or_skip(t, s.ns, &f))
        return;
    uint8_t vector;
    if (!irq_claim_or_fail(t, &vector))
        return;
    uint32_t blocks = ns_blocks_fitting(c, &f, PAGE_SIZE);
    struct read_bench_memory m;
    struct nvme_placement p = placement_default(t->ctx, c);
    const char *failed = NULL;
    if (read_bench_alloc(c, (uint64_t)blocks * f.block_bytes, &m) != 0)
        failed = "no memory for the benchmark's buffers";
    else if (controller_start(c, &p) != 0 || !read_bench_depths(t, s.ns, blocks, &m, "read_4k_polled"))
        failed = "a polled read failed";
    else if (irq_attach(t, &s, msi_compatibility((uint8_t)lapic_id(), vector), vector, false) != 0 ||
             !read_bench_depths(t, s.ns, blocks, &m, "read_4k_msix"))
        failed = "a read on its interrupt failed";
    char error[sizeof(c->error)];
    snprintf(error, sizeof(error), "%s", c->error);
    read_bench_free(c, &m);
    int restarted = irq_detach(t, &s);
    irq_vector_release(vector);
    report_yaml(t, "vector", "0x%02x", vector);
    if (failed)
        report_fail(t, "%s: %s", failed, error);
    else if (restarted != 0)
        report_fail(t, "the controller did not start again polled: %s", c->error);
    else
        report_pass(t, "%u reads of 4 KiB at QD 1 and %u, polled and on MSI-X vector 0x%02x "
                    "(figures above and in the YAML)", READ_BENCH_READS, READ_BENCH_MAX_DEPTH, vector);
}

const struct test_case irq_bench_test_cases[] = {
    {"irq.bench.read_4k", read_4k, CASE_PER_CONTROLLER},
};
const unsigned irq_bench_test_case_count = sizeof(irq_bench_test_cases) / sizeof(irq_bench_test_cases[0]);
