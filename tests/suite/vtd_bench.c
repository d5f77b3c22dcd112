/* vtd.bench.map_invalidate: what one page map + unmap with invalidation costs, per invalidation kind (bench = yes). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/dma_pool.h"
#include "tests/suite/vtd_fixture.h"

/* bench = on: what one map + unmap-with-invalidation of a page costs, per invalidation kind. */
static void map_cost(struct suite_case *t)
{
    if (!t->ctx->config->bench) {
        report_skip(t, "bench_off", "bench = no in the config");
        return;
    }
    if (!vtd_enabled_or_report(t))
        return;
    struct vtd_state *s = t->ctx->vtd;
    if (!s->binding_count) {
        report_skip(t, "no_nvme_domain", "no NVMe domain to map into");
        return;
    }
    struct vtd_domain *d = s->bindings[0].domain;
    uint64_t page = page_alloc(dma_pool(), 1, 0);
    /* The figures go in the YAML too: never on the point's line. */
    const unsigned rounds = 1000;
    for (unsigned how = 0; how < 2 && page; how++) {
        if (how == 1 && (!vtd_ECAP_QI(s->unit.ecap) ||
                         vtd_use_invalidation(&s->unit, VTD_INVALIDATE_QUEUED) != 0))
            break;
        uint64_t start = rdtsc();
        for (unsigned i = 0; i < rounds; i++) {
            uint64_t iova = vtd_map(d, page, PAGE_SIZE, VTD_PTE_READ | VTD_PTE_WRITE);
            if (!iova || vtd_unmap(d, iova, PAGE_SIZE) != 0)
                break;
        }
        uint64_t ticks = (rdtsc() - start) / rounds;
        unsigned long long ns = ticks * 1000000000ull / timer_tsc_hz();
        tap_diag("bench vtd map_unmap_invalidate_%s_ns=%llu", how ? "queued" : "register", ns);
        report_yaml(t, how ? "queued_ns" : "register_ns", "%llu", ns);
    }
    vtd_use_invalidation(&s->unit, VTD_INVALIDATE_REGISTER);
    if (page)
        page_free(dma_pool(), page, 1);
    report_pass(t, "%u map + unmap + page invalidation rounds per invalidation "
                    "kind (figures above and in the YAML)", rounds);
}

const struct test_case vtd_bench_test_cases[] = {
    {"vtd.bench.map_invalidate", map_cost, 0},
};
const unsigned vtd_bench_test_case_count = sizeof(vtd_bench_test_cases) / sizeof(vtd_bench_test_cases[0]);
