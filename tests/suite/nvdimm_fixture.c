/* The NVDIMM cases' common ground: the NFIT and the memory map loaded once per case, ranges walked with the write policy's verdict. */
#include "tests/suite/nvdimm_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cpu.h"

const struct acpi_header *nvdimm_find_nfit(const struct acpi_platform *a)
{
    for (unsigned i = 0; i < a->table_count; i++)
        if (strcmp(a->table_signatures[i], "NFIT") == 0)
            return (const void *)(uintptr_t)a->tables[i];
    return NULL;
}

bool nvdimm_setup_load(struct suite_case *t, struct nvdimm_setup *s)
{
    const struct boot_info *b = t->ctx->boot;
    /* One seed per run: the record and every pattern of this boot carry the same one. */
    static uint64_t run_seed;
    if (!run_seed)
        run_seed = rdtsc() ^ 0x4e564449d1d1d1d1ull;
    *s = (struct nvdimm_setup){.seed = run_seed};
    const struct acpi_header *h = nvdimm_find_nfit(t->ctx->acpi);
    if (!h) {
        report_skip(t, "no_nfit", "no NFIT table: the platform describes no NVDIMM");
        return false;
    }
    s->nfit = malloc(sizeof(*s->nfit));
    s->spans = malloc(sizeof(*s->spans) * (b->memory_map_count ? b->memory_map_count : 1));
    if (!s->nfit || !s->spans) {
        report_fail(t, "no heap for the NFIT and the memory map");
        return false;
    }
    char why[ACPI_WHY_LEN];
    if (nfit_parse(h, h->length < NFIT_MAX_BYTES ? h->length : NFIT_MAX_BYTES, s->nfit, why) != 0) {
        report_yaml(t, "reason", "%s", why);
        report_fail(t, "NFIT rejected: %s", why);
        return false;
    }
    for (unsigned i = 0; i < b->memory_map_count; i++) {
        const struct boot_memory_region *r = &b->memory_map[i];
        s->spans[i] = (struct span){r->physical_start, r->pages * 4096u, r->type};
    }
    s->map = (struct nvdimm_map){.spans = s->spans, .count = b->memory_map_count,
                                 .truncated = b->memory_map_truncated,
                                 .persistent_kind = BOOT_MEMORY_PERSISTENT};
    return true;
}

void nvdimm_setup_free(struct nvdimm_setup *s)
{
    free(s->nfit);
    free(s->spans);
    *s = (struct nvdimm_setup){0};
}

const struct nfit_range *nvdimm_setup_range(const struct nvdimm_setup *s, uint16_t spa_index)
{
    return nfit_range_by_index(s->nfit, spa_index);
}

void nvdimm_skip_write(struct suite_case *t, enum nvdimm_verdict verdict, const char *why)
{
    report_skip(t, nvdimm_verdict_code(verdict), "%s", why);
}

static void each_range(struct suite_case *t, struct nvdimm_setup *s, nvdimm_range_case run)
{
    const struct config *cfg = t->ctx->config;
    unsigned persistent = 0;
    for (unsigned i = 0; i < s->nfit->range_count; i++) {
        const struct nfit_range *r = &s->nfit->ranges[i];
        if (r->kind != NFIT_RANGE_PERSISTENT)
            continue;
        persistent++;
        char name[32], why[160];
        nvdimm_range_name(r, name, sizeof(name));
        report_prefix_push(t, "%s", name);
        enum nvdimm_verdict v = nvdimm_write_verdict(s->nfit, r, &s->map, &cfg->allow_write,
                                                     cfg->allow_write_outside_map, why, sizeof(why));
        report_yaml(t, "policy", "%s", nvdimm_verdict_code(v));
        report_yaml(t, "policy_reason", "%s", why);
        /* Reading is harmless where the range is memory the NFIT and the map agree on; the
         * NVDIMM's own state and allow_write only stop writes. */
        enum nvdimm_access access = v == NVDIMM_WRITABLE ? NVDIMM_READ_WRITE
                                    : v == NVDIMM_NOT_ARMED || v == NVDIMM_NOT_NAMED ||
                                              v == NVDIMM_NO_NVDIMM
                                        ? NVDIMM_READ_ONLY
                                        : NVDIMM_NO_ACCESS;
        if (access == NVDIMM_NO_ACCESS) {
            nvdimm_skip_write(t, v, why);
        } else {
            struct nvdimm_range range;
            nvdimm_range_open(s->nfit, r, &range);
            run(t, s, &range, access, v, why);
        }
        report_prefix_pop(t);
    }
    if (!persistent)
        report_skip(t, "no_persistent_range", "the NFIT names no persistent-memory SPA range");
}

void nvdimm_each_range(struct suite_case *t, nvdimm_range_case run)
{
    struct nvdimm_setup s;
    if (nvdimm_setup_load(t, &s))
        each_range(t, &s, run);
    nvdimm_setup_free(&s);
}
