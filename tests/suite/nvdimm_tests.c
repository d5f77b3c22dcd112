/* NVDIMM cases: the NFIT found, parsed and reported structure by structure (its bytes as diagnostic lines, for host-test fixtures), and its persistent ranges held against the firmware's memory map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nfit.h"
#include "tests/suite/nvdimm_fixture.h"
#include "tests/suite/suite.h"

#define DUMP_BYTES_PER_LINE 32u

/* "# nfit bytes OFFSET: xx xx ..." lines: the table as the firmware gave it. */
static void dump(const uint8_t *t, size_t bytes)
{
    for (size_t at = 0; at < bytes; at += DUMP_BYTES_PER_LINE) {
        char line[3 * DUMP_BYTES_PER_LINE + 1];
        size_t used = 0;
        for (size_t i = at; i < bytes && i < at + DUMP_BYTES_PER_LINE; i++)
            used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%02x", i > at ? " " : "", t[i]);
        tap_diag("nfit bytes %04zx: %s", at, line);
    }
}

static void nfit_parse_case(struct suite_case *t)
{
    const struct acpi_header *h = nvdimm_find_nfit(t->ctx->acpi);
    if (!h) {
        report_skip(t, "no_nfit", "no NFIT table: the platform describes no NVDIMM");
        return;
    }
    size_t bytes = h->length < NFIT_MAX_BYTES ? h->length : NFIT_MAX_BYTES;
    report_yaml(t, "address", "0x%llx", (unsigned long long)(uintptr_t)h);
    report_yaml(t, "length", "%u", h->length);
    dump((const uint8_t *)h, bytes);
    struct nfit_info *n = malloc(sizeof(*n));
    if (!n) {
        report_fail(t, "no heap for the parsed NFIT");
        return;
    }
    char why[ACPI_WHY_LEN];
    if (nfit_parse(h, bytes, n, why) != 0) {
        report_yaml(t, "reason", "%s", why);
        report_fail(t, "NFIT rejected: %s", why);
        free(n);
        return;
    }
    report_yaml(t, "revision", "%u", n->revision);
    report_yaml(t, "structures", "%u", n->structure_count);
    report_yaml(t, "spa_ranges", "%u", n->range_count);
    report_yaml(t, "region_mappings", "%u", n->mapping_count);
    report_yaml(t, "control_regions", "%u", n->control_count);
    report_yaml(t, "flush_hints", "%u", n->flush_count);
    for (unsigned i = 0; i < n->range_count; i++) {
        const struct nfit_range *r = &n->ranges[i];
        char key[24];
        snprintf(key, sizeof(key), "spa_%u", r->index);
        report_yaml(t, key, "%s at 0x%llx, 0x%llx bytes, proximity %u, flags 0x%x, attributes 0x%llx",
                    nfit_range_kind_name(r->kind), (unsigned long long)r->base,
                    (unsigned long long)r->length, r->proximity, r->flags,
                    (unsigned long long)r->attributes);
    }
    unsigned not_armed = 0;
    for (unsigned i = 0; i < n->mapping_count; i++) {
        const struct nfit_mapping *m = &n->mappings[i];
        char key[24], state[96];
        nfit_state_describe(m->state_flags, state, sizeof(state));
        snprintf(key, sizeof(key), "nvdimm_0x%x", m->device_handle);
        report_yaml(t, key, "SPA %u at +0x%llx, 0x%llx bytes, control region %u, state %s",
                    m->range_index, (unsigned long long)m->region_offset,
                    (unsigned long long)m->region_size, m->control_index, state);
        not_armed += (m->state_flags & NFIT_STATE_NOT_ARMED) != 0;
    }
    report_yaml(t, "not_armed", "%u", not_armed);
    if (n->has_capabilities)
        report_yaml(t, "capabilities", "0x%x (highest valid bit %u)", n->capabilities,
                    n->highest_capability);
    else
        report_yaml(t, "capabilities", "none");
    report_pass(t, "NFIT revision %u: %u structures, %u SPA range%s, %u NVDIMM mapping%s, %u control "
                "region%s", n->revision, n->structure_count, n->range_count,
                n->range_count == 1 ? "" : "s", n->mapping_count, n->mapping_count == 1 ? "" : "s",
                n->control_count, n->control_count == 1 ? "" : "s");
    free(n);
}

/* Every persistent-memory SPA range of the NFIT lies wholly in EfiPersistentMemory regions of
 * the memory map the firmware handed over: only such a range is written without being told to
 * (allow_write_outside_map). */
static void region_map_case(struct suite_case *t)
{
    struct nvdimm_setup s;
    if (!nvdimm_setup_load(t, &s)) {
        nvdimm_setup_free(&s);
        return;
    }
    const struct boot_info *b = t->ctx->boot;
    unsigned persistent = 0, outside = 0, conflicts = 0, pm_regions = 0;
    for (unsigned i = 0; i < s.map.count; i++)
        pm_regions += s.spans[i].kind == BOOT_MEMORY_PERSISTENT;
    report_yaml(t, "memory_map_regions", "%u", b->memory_map_count);
    report_yaml(t, "persistent_regions", "%u", pm_regions);
    for (unsigned i = 0; i < s.nfit->range_count; i++) {
        const struct nfit_range *r = &s.nfit->ranges[i];
        if (r->kind != NFIT_RANGE_PERSISTENT)
            continue;
        persistent++;
        uint64_t detail = 0;
        uint32_t kind = 0;
        enum nvdimm_placement place = nvdimm_place(&s.map, r, &detail, &kind);
        char key[24];
        snprintf(key, sizeof(key), "spa_%u", r->index);
        unsigned long long first = r->base, last = r->base + r->length - 1;
        if (place == NVDIMM_IN_MAP) {
            report_yaml(t, key, "0x%llx..0x%llx in EfiPersistentMemory", first, last);
        } else if (place == NVDIMM_MAP_CONFLICT) {
            conflicts++;
            report_yaml(t, key, "0x%llx..0x%llx overlaps memory map type %u at 0x%llx", first, last,
                        kind, (unsigned long long)detail);
        } else {
            outside++;
            report_yaml(t, key, "0x%llx..0x%llx not EfiPersistentMemory from 0x%llx, no other type there",
                        first, last, (unsigned long long)detail);
        }
    }
    report_yaml(t, "persistent_ranges", "%u", persistent);
    report_yaml(t, "outside_map", "%u", outside);
    report_yaml(t, "conflicts", "%u", conflicts);
    if (s.map.truncated)
        report_fail(t, "the memory map was cut at %u regions: coverage cannot be told", BOOT_MEMORY_MAP_MAX);
    else if (!persistent)
        report_skip(t, "no_persistent_range", "the NFIT names no persistent-memory SPA range");
    else if (conflicts)
        report_fail(t, "%u of %u persistent-memory ranges overlap memory the map gives another type "
                    "(never written)", conflicts, persistent);
    else if (outside)
        report_skip(t, "not_in_memory_map", "the firmware's memory map leaves %u of %u persistent-memory "
                    "range%s out (no EfiPersistentMemory there, nor any other type)", outside,
                    persistent, persistent == 1 ? "" : "s");
    else
        report_pass(t, "%u persistent-memory range%s, each wholly EfiPersistentMemory in the memory map",
                    persistent, persistent == 1 ? "" : "s");
    nvdimm_setup_free(&s);
}

const struct test_case nvdimm_test_cases[] = {
    {"nvdimm.nfit.parse", nfit_parse_case, 0},
    {"nvdimm.region.map", region_map_case, 0},
};
const unsigned nvdimm_test_case_count = sizeof(nvdimm_test_cases) / sizeof(nvdimm_test_cases[0]);
