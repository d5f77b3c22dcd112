/* Suite runner: picks cases by the `tests` globs and gives each what its flags ask for (a subject per controller or namespace, VT-d on). */
#include "tests/suite/suite.h"

#include <stdio.h>

#include "lib/console.h"

#include "tests/suite/nvme_fixture.h"
#include "tests/suite/vtd_fixture.h"

struct case_table {
    const struct test_case *cases;
    const unsigned *count;
};

static const struct case_table tables[] = {
    {platform_test_cases, &platform_test_case_count},
    {pci_test_cases, &pci_test_case_count},
    {nvme_controller_test_cases, &nvme_controller_test_case_count},
    {nvme_format_test_cases, &nvme_format_test_case_count},
    {nvme_zns_test_cases, &nvme_zns_test_case_count},
    {nvme_multipath_test_cases, &nvme_multipath_test_case_count},
    {nvme_cmb_test_cases, &nvme_cmb_test_case_count},
    {nvme_pmr_test_cases, &nvme_pmr_test_case_count},
    {nvme_bench_test_cases, &nvme_bench_test_case_count},
    {irq_test_cases, &irq_test_case_count},
    {irq_msi_test_cases, &irq_msi_test_case_count},
    {irq_bench_test_cases, &irq_bench_test_case_count},
    {vtd_unit_test_cases, &vtd_unit_test_case_count},
    {vtd_ir_test_cases, &vtd_ir_test_case_count},
    {vtd_ir_bench_test_cases, &vtd_ir_bench_test_case_count},
    {vtd_enable_test_cases, &vtd_enable_test_case_count},
    {vtd_translated_test_cases, &vtd_translated_test_case_count},
    {vtd_isolation_test_cases, &vtd_isolation_test_case_count},
    {vtd_p2p_test_cases, &vtd_p2p_test_case_count},
    {vtd_bench_test_cases, &vtd_bench_test_case_count},
    {nvdimm_test_cases, &nvdimm_test_case_count},
    {nvdimm_io_test_cases, &nvdimm_io_test_case_count},
    {nvdimm_dma_test_cases, &nvdimm_dma_test_case_count},
    {nvdimm_bench_test_cases, &nvdimm_bench_test_case_count},
    {nvme_shutdown_test_cases, &nvme_shutdown_test_case_count},
};

int suite_check_selection(const struct config *cfg, char *why, size_t len)
{
    for (unsigned g = 0; g < cfg->tests.count; g++) {
        const char *glob = cfg->tests.items[g];
        bool matched = false;
        for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]) && !matched; t++)
            for (unsigned i = 0; i < *tables[t].count && !matched; i++)
                matched = glob_match(glob, tables[t].cases[i].id);
        if (!matched) {
            snprintf(why, len, "tests = ... glob '%s' matches no test ID (IDs are area.feature.case, "
                     "e.g. nvme.cmb.io_sq; README lists them)", glob);
            return -1;
        }
    }
    return 0;
}

/* One case: the runner gives it what its flags ask for, or reports why it cannot. */
static void run_case(struct suite_context *ctx, const struct test_case *tc)
{
    /* One per case (4 KiB of YAML), not static: the translated pass runs cases inside one. */
    struct suite_case t;
    console_status(tc->id); /* the screen's status line names the case while it runs */
    report_begin(&t, ctx, tc->id);
    if ((tc->flags & CASE_NEEDS_VTD) && !vtd_enabled_or_report(&t))
        return;
    if (tc->flags & CASE_PER_NAMESPACE)
        nvme_fixture_each_namespace(&t, tc->run, tc->flags & CASE_UNUSABLE_TOO);
    else if (tc->flags & CASE_PER_CONTROLLER)
        nvme_fixture_each_controller(&t, tc->run);
    else
        tc->run(&t);
}

static unsigned run_matching(struct suite_context *ctx, unsigned want, unsigned leave_out)
{
    unsigned ran = 0;
    for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (unsigned i = 0; i < *tables[t].count; i++) {
            const struct test_case *c = &tables[t].cases[i];
            if ((c->flags & want) != want || (c->flags & leave_out) ||
                !pattern_list_matches(&ctx->config->tests, c->id))
                continue;
            run_case(ctx, c);
            ran++;
        }
    }
    return ran;
}

unsigned suite_run(struct suite_context *ctx)
{
    return run_matching(ctx, 0, 0);
}

unsigned suite_run_nvme_again(struct suite_context *ctx)
{
    return run_matching(ctx, CASE_NVME, CASE_ONCE_PER_BOOT);
}
