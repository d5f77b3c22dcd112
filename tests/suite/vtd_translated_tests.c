/* vtd.nvme.translated: every selected NVMe case again, each controller reaching host memory through its own domain. */
#include <stdio.h>

#include "tests/suite/vtd_fixture.h"
#include "tests/suite/vtd_probe.h"

/* Every NVMe case again, each controller's host memory now reached through its domain. */
static void nvme_translated_case(struct suite_case *t)
{
    struct suite_context *ctx = t->ctx;
    struct vtd_state *s = ctx->vtd;
    struct nvme_fixture *fx = ctx->nvme;
    if (!fx->count) {
        report_skip(t, "no_nvme", "no NVMe controller (class 01:08:02) found");
        return;
    }
    unsigned translated = 0;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        struct vtd_binding *b = fx->attached[i] ? vtd_binding_of(ctx, c) : NULL;
        if (!b)
            continue;
        if (vtd_translate(c, b) != 0)
            tap_diag("nvme %s switching to IOVAs: %s", c->name, c->error);
        translated++;
    }
    if (!translated) {
        report_skip(t, "none_in_scope", "no NVMe controller lies in a DRHD's scope");
        return;
    }
    struct vtd_fault faults[MAX_FAULTS];
    vtd_collect_faults(&s->unit, faults, MAX_FAULTS); /* start from a clean record */
    /* The NVMe cases run as they are; the device names carry "/vtd". The power-cycle
     * record is written once per boot (the untranslated pass), so the two-boot story holds. */
    suite_run_nvme_again(ctx);
    unsigned during = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    if (during) {
        yaml_add_faults(t, faults, during);
        report_yaml(t, "faults", "%u", during);
        report_fail(t, "the IOMMU recorded faults while the NVMe cases ran");
        return;
    }
    report_yaml(t, "controllers", "%u", translated);
    report_yaml(t, "faults", "0");
    report_pass(t, "NVMe cases ran with %u controller%s translated; no fault recorded",
                translated, translated == 1 ? "" : "s");
}

const struct test_case vtd_translated_test_cases[] = {
    {"vtd.nvme.translated", nvme_translated_case, CASE_NEEDS_VTD},
};
const unsigned vtd_translated_test_case_count =
    sizeof(vtd_translated_test_cases) / sizeof(vtd_translated_test_cases[0]);
