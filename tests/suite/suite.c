/* Suite runner: picks cases by the `tests` globs and turns helper calls into TAP test points. */
#include "tests/suite/suite.h"

#include <stdarg.h>
#include <stdio.h>

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
    {vtd_test_cases, &vtd_test_case_count},
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

unsigned suite_run(const struct suite_context *ctx)
{
    unsigned ran = 0;
    for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (unsigned i = 0; i < *tables[t].count; i++) {
            const struct test_case *c = &tables[t].cases[i];
            if (!pattern_list_matches(&ctx->config->tests, c->id))
                continue;
            c->run(ctx, c->id);
            ran++;
        }
    }
    return ran;
}

static void report(const char *id, const char *device, struct tap_result *r,
                   enum tap_outcome outcome, const char *fmt, va_list args)
{
    r->outcome = outcome;
    vsnprintf(r->description, sizeof(r->description), fmt, args);
    tap_report(id, device, r);
}

/* Pass and skip points carry no YAML; one result buffer serves both (the suite
 * runs one case at a time), kept static because it is 4 KiB. */
static struct tap_result plain_result;

void suite_pass(const char *id, const char *device, const char *fmt, ...)
{
    struct tap_result *r = &plain_result;
    tap_result_init(r);
    va_list args;
    va_start(args, fmt);
    report(id, device, r, TAP_PASS, fmt, args);
    va_end(args);
}

void suite_skip(const char *id, const char *device, const char *fmt, ...)
{
    struct tap_result *r = &plain_result;
    tap_result_init(r);
    va_list args;
    va_start(args, fmt);
    report(id, device, r, TAP_SKIP, fmt, args);
    va_end(args);
}

void suite_pass_with(const char *id, const char *device, struct tap_result *details,
                     const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    report(id, device, details, TAP_PASS, fmt, args);
    va_end(args);
}

void suite_fail(const char *id, const char *device, struct tap_result *details, const char *fmt,
                ...)
{
    va_list args;
    va_start(args, fmt);
    report(id, device, details, TAP_FAIL, fmt, args);
    va_end(args);
}
