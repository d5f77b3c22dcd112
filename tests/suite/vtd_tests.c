/* VT-d test cases: DMAR, takeover, translation on, NVMe through the IOMMU, isolation proved by faults and canaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_regs.h"
#include "drivers/pci/pci_path.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/dma_pool.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/vtd_fixture.h"

#define MAX_FAULTS 8

static int translate(struct nvme_controller *c, struct vtd_binding *b);

static void print_unit_registers(const struct vtd_unit *u)
{
    static char dump[1200];
    vtd_format_registers(u, dump, sizeof(dump));
    for (char *line = dump, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        tap_diag("vtd 0x%llx now %s", (unsigned long long)u->base, line);
    }
}

static void yaml_add_unit(struct tap_result *r, const struct vtd_unit *u)
{
    static char dump[1200];
    if (u->error[0])
        tap_yaml_add(r, "error", "%s", u->error);
    vtd_format_registers(u, dump, sizeof(dump));
    tap_yaml_add(r, "registers", "%s", dump);
}

/* SKIP where the platform has no VT-d; FAIL where it has one we could not bring up. */
/* NULL (after reporting a failure) when the heap cannot hold the VT-d state. */
static struct vtd_state *ready_or_fail(const struct suite_context *ctx, const char *id,
                                       enum vtd_stage stage)
{
    struct vtd_state *s = vtd_reach(ctx, stage);
    if (!s) {
        struct tap_result r;
        tap_result_init(&r);
        suite_fail(id, NULL, &r, "no heap for the VT-d state");
    }
    return s;
}

static struct vtd_state *enabled_or_report(const struct suite_context *ctx, const char *id)
{
    struct vtd_state *s = ready_or_fail(ctx, id, VTD_STAGE_ENABLED);
    if (!s || s->enabled)
        return s;
    if ((!s->dmar_found || s->cannot_translate || s->no_usable_unit) &&
        ctx->config->iommu != FEATURE_REQUIRE) {
        suite_skip(id, NULL, "%s", s->why_not);
        return NULL;
    }
    struct tap_result r;
    tap_result_init(&r);
    if (s->attached)
        yaml_add_unit(&r, &s->unit);
    suite_fail(id, NULL, &r, "translation not enabled%s: %s",
               ctx->config->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
    return NULL;
}

static void dmar_parse_case(const struct suite_context *ctx, const char *id)
{
    struct vtd_state *s = ready_or_fail(ctx, id, VTD_STAGE_PARSED);
    if (!s)
        return;
    if (!s->dmar_found && ctx->config->iommu == FEATURE_REQUIRE) {
        struct tap_result r;
        tap_result_init(&r);
        suite_fail(id, NULL, &r, "iommu = require, but %s", s->why_not);
        return;
    }
    if (!s->dmar_found) {
        suite_skip(id, NULL, "%s", s->why_not);
        return;
    }
    const struct dmar_info *d = &s->dmar;
    /* Only problems that can change what a device's DMA goes through (a DRHD, an RMRR, a
     * stopped walk) fail; ones in structures nvmetal never uses are listed as diagnostics.
     * A DRHD at register base 0 is a known firmware bug, not doubt about the rest: it is
     * named in the YAML, and the units around it (if any) are trusted as they are. */
    unsigned remapping_problems = 0, ignored_units = 0;
    for (unsigned i = 0; i < d->problem_count; i++) {
        if (d->problems[i].zero_base_unit)
            ignored_units++;
        else
            remapping_problems += dmar_problem_affects_remapping(&d->problems[i]);
    }
    if (s->dmar_why[0] || remapping_problems || (!d->unit_count && !s->no_usable_unit)) {
        struct tap_result r;
        tap_result_init(&r);
        tap_yaml_add(&r, "table", "%s", s->dmar_why[0] ? s->dmar_why : "sound");
        if (!d->unit_count && s->why_not[0])
            tap_yaml_add(&r, "units", "%s", s->why_not);
        for (unsigned i = 0; i < d->problem_count; i++) {
            char key[16];
            snprintf(key, sizeof(key), "problem_%u", i + 1);
            tap_yaml_add(&r, key, "%s", d->problems[i].text);
        }
        suite_fail(id, NULL, &r, "DMAR has entries that were not trusted");
        return;
    }
    struct tap_result ignored;
    tap_result_init(&ignored);
    for (unsigned i = 0, n = 0; i < d->problem_count; i++) {
        char key[24];
        if (!d->problems[i].zero_base_unit) {
            tap_diag("dmar: not trusted, in a structure nvmetal does not use: %s",
                     d->problems[i].text);
            continue;
        }
        snprintf(key, sizeof(key), "ignored_unit_%u", ++n);
        tap_yaml_add(&ignored, key, "%s", d->problems[i].text);
    }
    if (s->no_usable_unit)
        tap_yaml_add(&ignored, "usable_units", "0: %s", s->why_not);
    for (unsigned i = 0; i < d->unit_count; i++) {
        const struct dmar_unit *u = &d->units[i];
        unsigned counts[6] = {0};
        for (unsigned k = 0; k < u->scopes.count; k++)
            if (u->scopes.scopes[k].type < 6)
                counts[u->scopes.scopes[k].type]++;
        tap_diag("dmar DRHD %u at 0x%llx segment %u%s: %u endpoint, %u bridge, %u IOAPIC, %u HPET scopes",
                 i, (unsigned long long)u->register_base, u->segment,
                 u->flags & DMAR_INCLUDE_PCI_ALL ? " INCLUDE_PCI_ALL" : "", counts[1], counts[2],
                 counts[3], counts[4]);
    }
    for (unsigned i = 0; i < d->rmrr_count; i++)
        tap_diag("dmar RMRR 0x%llx..0x%llx (%u scopes)", (unsigned long long)d->rmrrs[i].base,
                 (unsigned long long)d->rmrrs[i].limit, d->rmrrs[i].scopes.count);
    char units[80], ignored_note[48] = "";
    if (d->unit_count)
        snprintf(units, sizeof(units), "%u DRHD (first at 0x%llx)", d->unit_count,
                 (unsigned long long)d->units[0].register_base);
    else
        snprintf(units, sizeof(units), "0 DRHD usable");
    if (ignored_units)
        snprintf(ignored_note, sizeof(ignored_note), " + %u ignored (register base 0)",
                 ignored_units);
    suite_pass_with(id, NULL, &ignored, "HAW %u, flags 0x%x, %s%s, %u RMRR, %u ATSR, %u RHSA, "
                    "%u ANDD, %u SATC, %u SIDP, %u of unknown type; %u untrusted outside "
                    "remapping", d->host_address_width, d->flags, units, ignored_note,
                    d->rmrr_count, d->atsr_count, d->rhsa_count, d->andd_count, d->satc_count,
                    d->sidp_count, d->unknown_count, d->problem_count - ignored_units);
}

static void takeover_case(const struct suite_context *ctx, const char *id)
{
    struct vtd_state *s = ready_or_fail(ctx, id, VTD_STAGE_TAKEN_OVER);
    if (!s)
        return;
    if (!s->dmar_found || (s->no_usable_unit && ctx->config->iommu != FEATURE_REQUIRE)) {
        suite_skip(id, NULL, "%s", s->why_not);
        return;
    }
    char device[24];
    snprintf(device, sizeof(device), "vtd@0x%llx", (unsigned long long)s->unit.base);
    if (!s->taken_over) {
        struct tap_result r;
        tap_result_init(&r);
        if (s->attached)
            yaml_add_unit(&r, &s->unit);
        suite_fail(id, s->attached ? device : NULL, &r, "could not take the unit over%s: %s",
                   ctx->config->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
        return;
    }
    print_unit_registers(&s->unit);
    suite_pass(id, device, "firmware left GSTS 0x%08x PMEN 0x%08x%s%s", s->unit.found_gsts,
               s->unit.found_pmen, s->takeover_notes[0] ? ": " : ": nothing to undo",
               s->takeover_notes);
}

static void enable_case(const struct suite_context *ctx, const char *id)
{
    struct vtd_state *s = enabled_or_report(ctx, id);
    if (!s)
        return;
    char device[24];
    snprintf(device, sizeof(device), "vtd@0x%llx", (unsigned long long)s->unit.base);
    uint32_t gsts = vtd_read_gsts(&s->unit);
    if (!(gsts & VTD_GCMD_TE)) {
        struct tap_result r;
        tap_result_init(&r);
        yaml_add_unit(&r, &s->unit);
        suite_fail(id, device, &r, "GSTS.TES reads 0 after enabling");
        return;
    }
    char others[96];
    if (s->identity)
        snprintf(others, sizeof(others), "%u device%s identity-mapped (%llu MiB of RAM, no ECAP.PT)",
                 s->identity_mapped, s->identity_mapped == 1 ? "" : "s",
                 (unsigned long long)(s->identity_bytes >> 20));
    else
        snprintf(others, sizeof(others), "%u device%s pass-through", s->pass_through,
                 s->pass_through == 1 ? "" : "s");
    suite_pass(id, device, "GSTS 0x%08x: %u-level tables (MGAW %u), %u NVMe domain%s, %s%s", gsts,
               s->unit.levels, vtd_cap_guest_address_bits(s->unit.cap), s->binding_count,
               s->binding_count == 1 ? "" : "s", others,
               vtd_CAP_CM(s->unit.cap) ? ", caching mode" : "");
}

static struct vtd_binding *binding_of(struct vtd_state *s, const struct suite_context *ctx,
                                      const struct nvme_controller *c)
{
    uint16_t rid = pci_requester_id(ctx->pci, c->pci);
    for (unsigned i = 0; i < s->binding_count; i++)
        if (s->bindings[i].requester_id == rid)
            return &s->bindings[i];
    return NULL;
}

/* Every NVMe case again, each controller's host memory now reached through its domain. */
static void nvme_translated_case(const struct suite_context *ctx, const char *id)
{
    struct vtd_state *s = enabled_or_report(ctx, id);
    struct nvme_fixture *fx = nvme_fixture();
    if (!s)
        return;
    if (!fx || !fx->count) {
        suite_skip(id, NULL, "no NVMe controller (class 01:08:02) found");
        return;
    }
    unsigned translated = 0;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        struct vtd_binding *b = fx->attached[i] ? binding_of(s, ctx, c) : NULL;
        if (!b)
            continue;
        if (translate(c, b) != 0)
            tap_diag("nvme %s switching to IOVAs: %s", c->name, c->error);
        translated++;
    }
    if (!translated) {
        suite_skip(id, NULL, "no NVMe controller lies in a DRHD's scope");
        return;
    }
    struct vtd_fault faults[MAX_FAULTS];
    vtd_collect_faults(&s->unit, faults, MAX_FAULTS); /* start from a clean record */
    /* The NVMe tables run as they are; the device names carry "/vtd". The power-cycle
     * record is written once per boot (the untranslated pass), so the two-boot story holds. */
    static const struct {
        const struct test_case *cases;
        const unsigned *count;
    } tables[] = {
        {nvme_controller_test_cases, &nvme_controller_test_case_count},
        {nvme_format_test_cases, &nvme_format_test_case_count},
        {nvme_zns_test_cases, &nvme_zns_test_case_count},
        {nvme_multipath_test_cases, &nvme_multipath_test_case_count},
        {nvme_cmb_test_cases, &nvme_cmb_test_case_count},
        {nvme_pmr_test_cases, &nvme_pmr_test_case_count},
        {nvme_bench_test_cases, &nvme_bench_test_case_count},
    };
    for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (unsigned k = 0; k < *tables[t].count; k++) {
            const struct test_case *c = &tables[t].cases[k];
            if (!pattern_list_matches(&ctx->config->tests, c->id) ||
                strcmp(c->id, "nvme.pmr.power_cycle") == 0)
                continue;
            c->run(ctx, c->id);
        }
    }
    unsigned during = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    if (during) {
        struct tap_result r;
        tap_result_init(&r);
        for (unsigned i = 0; i < during; i++) {
            char text[160], key[16];
            vtd_fault_format(&faults[i], text, sizeof(text));
            snprintf(key, sizeof(key), "fault_%u", i + 1);
            tap_yaml_add(&r, key, "%s", text);
        }
        tap_yaml_add(&r, "faults", "%u", during);
        suite_fail(id, NULL, &r, "the IOMMU recorded faults while the NVMe cases ran");
        return;
    }
    suite_pass(id, NULL, "NVMe cases ran with %u controller%s translated; no fault recorded",
               translated, translated == 1 ? "" : "s");
}

#define CANARY_BYTE 0xa5

/* A host page whose contents prove whether any DMA reached it. */
struct canary {
    uint64_t physical;
};

/* The page's address goes in r's YAML (canary_physical): it is the pool allocator's choice. */
static bool canary_make(struct canary *k, struct tap_result *r)
{
    k->physical = page_alloc(dma_pool(), 1, 0);
    if (!k->physical)
        return false;
    memset((void *)(uintptr_t)k->physical, CANARY_BYTE, PAGE_SIZE);
    tap_yaml_add(r, "canary_physical", "0x%llx", (unsigned long long)k->physical);
    return true;
}

static bool canary_intact(const struct canary *k)
{
    const uint8_t *bytes = (const uint8_t *)(uintptr_t)k->physical;
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        if (bytes[i] != CANARY_BYTE)
            return false;
    return true;
}

static void canary_free(struct canary *k)
{
    if (k->physical)
        page_free(dma_pool(), k->physical, 1);
}

/* One page of `target`, as a command's data buffer: the probes aim the controller at
 * addresses (IOVAs) on purpose, and the driver still sizes and checks the command. */
static struct nvme_region probe_page(uint64_t target)
{
    return (struct nvme_region){NVME_MEMORY_HOST, 0, target, PAGE_SIZE};
}

/* Runs a one-page probe command of `opcode` at `target`; the metadata buffer, where the
 * format has one, is the image's own. */
static int probe(struct nvme_controller *c, uint8_t opcode, uint64_t target)
{
    struct nvme_fixture *fx = nvme_fixture();
    const struct nvme_namespace *ns = nvme_test_namespace(fx, c, false);
    if (!ns)
        return -1;
    struct ns_data_format f;
    ns_data_format_for(ns, opcode, &f);
    uint32_t blocks = ns_blocks_fitting(c, &f, PAGE_SIZE);
    struct nvme_region page = probe_page(target), metadata = {0};
    struct nvme_command cmd;
    struct nvme_completion cpl;
    if (!blocks) {
        snprintf(c->error, sizeof(c->error), "a %u-byte data block does not fit a page probe",
                 f.block_bytes);
        return -1;
    }
    if (ns_data_prepare(c, ns, opcode, LBA_AREA_IO_VERIFY, blocks, &page, NULL, &metadata,
                        &cmd) != 0)
        return -1;
    int status = nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
    nvme_free(c, &metadata);
    return status;
}

/* A one-page Read: the controller writes one page of LBA data to `target`. */
static int dma_write_probe(struct nvme_controller *c, uint64_t target)
{
    return probe(c, NVME_IO_READ, target);
}

/* A one-page Compare: the controller reads one page at `source` (and writes
 * nothing, to memory or media). Returns true when the read went through: the
 * Compare completed (matching or not) and the unit recorded no fault. */
static bool dma_read_succeeds(struct vtd_state *s, struct nvme_controller *c, uint64_t source,
                              struct tap_result *r)
{
    int status = probe(c, NVME_IO_COMPARE, source);
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    tap_yaml_add(r, "read_probe", "Compare from 0x%llx by %s: status %d, %u fault%s",
                 (unsigned long long)source, c->name, status, n, n == 1 ? "" : "s");
    return (status == 0 || status == NVME_STATUS_COMPARE_FAILURE) && n == 0;
}

static bool can_probe_reads(const struct nvme_controller *c)
{
    return c->identity.oncs & NVME_ONCS_COMPARE;
}

/* Expects exactly one fault: the controller's SID writing `iova`'s page, reason 5. On a match,
 * text[] names it without its address (an IOVA or a pool page: the allocator's, so it would make
 * the point's line differ between runs); the YAML has the whole record (matched_fault) and the
 * page (iova). */
static bool expect_fault(struct vtd_state *s, const struct vtd_binding *b, uint64_t iova,
                         struct tap_result *r, char *text, unsigned len)
{
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    tap_yaml_add(r, "expected_fault", "SID 0x%04x write of 0x%llx, reason 0x05", b->requester_id,
                 (unsigned long long)(iova & ~0xfffull));
    for (unsigned i = 0; i < n; i++) {
        vtd_fault_format(&faults[i], text, len);
        char key[16];
        snprintf(key, sizeof(key), "fault_%u", i + 1);
        tap_yaml_add(r, key, "%s", text);
    }
    for (unsigned i = 0; i < n; i++) {
        const struct vtd_fault *f = &faults[i];
        if (f->source_id == b->requester_id && !f->read && f->reason == 0x05 &&
            f->address == (iova & ~0xfffull)) {
            vtd_fault_format(f, text, len);
            tap_yaml_add(r, "matched_fault", "%s", text);
            tap_yaml_add(r, "iova", "0x%llx", (unsigned long long)f->address);
            snprintf(text, len, "SID %02x:%02x.%x write faulted, reason 0x%02x (%s)",
                     f->source_id >> 8, (f->source_id >> 3) & 0x1f, f->source_id & 0x7, f->reason,
                     vtd_fault_reason_name(f->reason));
            return true;
        }
    }
    if (!n)
        snprintf(text, len, "no fault recorded");
    return false;
}

/* Points c's host memory at its domain; its device name gains "/vtd". */
static int translate(struct nvme_controller *c, struct vtd_binding *b)
{
    if (c->mapper == &b->mapper)
        return 0;
    size_t len = strlen(c->name);
    if (!strstr(c->name, "/vtd") && len + 4 < sizeof(c->name))
        memcpy(c->name + len, "/vtd", 5);
    return nvme_set_dma_mapper(c, &b->mapper);
}

/* Translated, running controllers with a namespace, for the isolation cases. */
static unsigned isolation_subjects(const struct suite_context *ctx, struct vtd_state *s,
                                   struct nvme_controller **out, struct vtd_binding **bindings,
                                   unsigned max)
{
    struct nvme_fixture *fx = nvme_fixture();
    unsigned n = 0;
    for (unsigned i = 0; fx && i < fx->count && n < max; i++) {
        struct nvme_controller *c = fx->controllers[i];
        struct vtd_binding *b = fx->attached[i] ? binding_of(s, ctx, c) : NULL;
        if (!b || translate(c, b) != 0)
            continue;
        struct nvme_placement p = nvme_fixture_default_placement(fx, c);
        if (!c->started && nvme_start(c, &p) != 0)
            continue;
        if (!nvme_test_namespace(fx, c, false))
            continue;
        out[n] = c;
        bindings[n++] = b;
    }
    return n;
}

static void report_isolation(const char *id, struct nvme_controller *c, struct vtd_state *s,
                             bool faulted, bool intact, struct tap_result *r, const char *fault,
                             const char *what)
{
    if (faulted && intact) {
        suite_pass_with(id, c->name, r, "%s: %s; canary page untouched", what, fault);
        return;
    }
    yaml_add_unit(r, &s->unit);
    nvme_fail(id, c, r, "%s: %s", what,
              !faulted ? "no matching fault record" : "the canary page was written");
}

static struct vtd_state *isolation_ready(const struct suite_context *ctx, const char *id,
                                         struct nvme_controller **cs, struct vtd_binding **bs,
                                         unsigned want, unsigned *have)
{
    struct vtd_state *s = enabled_or_report(ctx, id);
    if (!s)
        return NULL;
    *have = isolation_subjects(ctx, s, cs, bs, nvme_fixture_count());
    if (*have < want) {
        suite_skip(id, NULL, "needs %u NVMe controller%s with a namespace in the unit's scope "
                   "(have %u)", want, want == 1 ? "" : "s", *have);
        return NULL;
    }
    struct vtd_fault drain[MAX_FAULTS];
    vtd_collect_faults(&s->unit, drain, MAX_FAULTS);
    return s;
}

/* DMA to an IOVA nobody mapped, chosen equal to a canary's physical address:
 * without translation the data would land in the canary. */
static void unmapped_iova(const struct suite_context *ctx, const char *id)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 1, &have);
    for (unsigned i = 0; s && i < have; i++) {
        struct canary k;
        struct tap_result r;
        tap_result_init(&r);
        char fault[160];
        if (!canary_make(&k, &r)) {
            nvme_fail(id, cs[i], &r, "no DMA memory for a canary");
            continue;
        }
        int status = dma_write_probe(cs[i], k.physical);
        tap_yaml_add(&r, "nvme_status", "%d (QEMU completes blocked DMA with 0)", status);
        bool faulted = expect_fault(s, bs[i], k.physical, &r, fault, sizeof(fault));
        report_isolation(id, cs[i], s, faulted, canary_intact(&k), &r, fault,
                         "read into unmapped IOVA = canary's physical address");
        canary_free(&k);
    }
}

static void read_only_mapping(const struct suite_context *ctx, const char *id)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 1, &have);
    for (unsigned i = 0; s && i < have; i++) {
        struct canary k;
        struct tap_result r;
        tap_result_init(&r);
        char fault[160];
        uint64_t iova = 0;
        if (!canary_make(&k, &r) || !(iova = vtd_map(bs[i]->domain, k.physical, PAGE_SIZE, VTD_PTE_READ))) {
            canary_free(&k);
            nvme_fail(id, cs[i], &r, "cannot set up a read-only mapping");
            continue;
        }
        /* First show the mapping exists (a device read through it works), so the
         * write's fault is about permission, not about a missing page. */
        bool readable = can_probe_reads(cs[i]) && dma_read_succeeds(s, cs[i], iova, &r);
        /* The read left a cached translation; QEMU then blocks the write silently
         * from its IOTLB, without a fault record. Flushing that page makes the
         * write be judged from the table, as hardware would record it. */
        vtd_invalidate_iotlb(bs[i]->domain, iova, PAGE_SIZE);
        dma_write_probe(cs[i], iova);
        bool faulted = expect_fault(s, bs[i], iova, &r, fault, sizeof(fault));
        vtd_unmap(bs[i]->domain, iova, PAGE_SIZE);
        if (can_probe_reads(cs[i]) && !readable) {
            yaml_add_unit(&r, &s->unit);
            nvme_fail(id, cs[i], &r, "the read-only mapping did not let the device read");
        } else {
            report_isolation(id, cs[i], s, faulted, canary_intact(&k), &r, fault,
                             can_probe_reads(cs[i])
                                 ? "a device read through a read-only mapping worked, its write"
                                 : "device write to a read-only mapping (no Compare command to "
                                   "show the read side)");
        }
        canary_free(&k);
    }
}

/* Map, use, unmap + invalidate, use again: the second use must fault. */
static void stale_translation(const struct suite_context *ctx, const char *id,
                              enum vtd_invalidation how)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 1, &have);
    if (!s)
        return;
    const char *mode = how == VTD_INVALIDATE_QUEUED ? "queued" : "register-based";
    if (vtd_use_invalidation(&s->unit, how) != 0) {
        if (how == VTD_INVALIDATE_QUEUED && !vtd_ECAP_QI(s->unit.ecap)) {
            suite_skip(id, NULL, "ECAP.QI=0: the unit has no queued invalidation");
            return;
        }
        struct tap_result r;
        tap_result_init(&r);
        yaml_add_unit(&r, &s->unit);
        suite_fail(id, NULL, &r, "cannot switch to %s invalidation", mode);
        return;
    }
    for (unsigned i = 0; i < have; i++) {
        struct canary k;
        struct tap_result r;
        tap_result_init(&r);
        char fault[160];
        uint64_t iova = 0;
        if (!canary_make(&k, &r) ||
            !(iova = vtd_map(bs[i]->domain, k.physical, PAGE_SIZE, VTD_PTE_READ | VTD_PTE_WRITE))) {
            canary_free(&k);
            nvme_fail(id, cs[i], &r, "cannot map a page");
            continue;
        }
        int status = dma_write_probe(cs[i], iova);
        bool arrived = status == 0 && !canary_intact(&k);
        memset((void *)(uintptr_t)k.physical, CANARY_BYTE, PAGE_SIZE);
        int unmapped = vtd_unmap(bs[i]->domain, iova, PAGE_SIZE);
        dma_write_probe(cs[i], iova);
        bool faulted = expect_fault(s, bs[i], iova, &r, fault, sizeof(fault));
        bool intact = canary_intact(&k);
        canary_free(&k);
        if (!arrived || unmapped != 0) {
            yaml_add_unit(&r, &s->unit);
            nvme_fail(id, cs[i], &r, arrived ? "%s invalidation failed" : "the mapped page never "
                      "received the data (%s invalidation)", mode);
            continue;
        }
        char what[80];
        snprintf(what, sizeof(what), "data arrived while mapped; after unmap + %s invalidation", mode);
        report_isolation(id, cs[i], s, faulted, intact, &r, fault, what);
    }
    if (vtd_use_invalidation(&s->unit, VTD_INVALIDATE_REGISTER) != 0)
        tap_diag("vtd: could not return to register-based invalidation: %s", s->unit.error);
}

static void stale_register(const struct suite_context *ctx, const char *id)
{
    stale_translation(ctx, id, VTD_INVALIDATE_REGISTER);
}

static void stale_queued(const struct suite_context *ctx, const char *id)
{
    stale_translation(ctx, id, VTD_INVALIDATE_QUEUED);
}

/* B uses an IOVA that is mapped only in A's domain: B must fault, A's page stay as it was. */
static void other_domain(const struct suite_context *ctx, const char *id)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 2, &have);
    if (!s)
        return;
    unsigned a = 0, b = 1;
    while (b < have && bs[b]->domain == bs[a]->domain)
        b++;
    if (b == have) {
        suite_skip(id, NULL, "all translated controllers share one domain (one source ID)");
        return;
    }
    struct canary k;
    struct tap_result r;
    tap_result_init(&r);
    char fault[160];
    uint64_t iova = 0;
    if (!canary_make(&k, &r) ||
        !(iova = vtd_map(bs[a]->domain, k.physical, PAGE_SIZE, VTD_PTE_READ | VTD_PTE_WRITE))) {
        canary_free(&k);
        nvme_fail(id, cs[b], &r, "cannot map a page in A's domain");
        return;
    }
    tap_yaml_add(&r, "a", "%s domain %u maps IOVA 0x%llx", cs[a]->name, bs[a]->domain->id,
                 (unsigned long long)iova);
    /* A can use the IOVA (shown by a read), B, in another domain, cannot. */
    bool a_reads = can_probe_reads(cs[a]) && dma_read_succeeds(s, cs[a], iova, &r);
    dma_write_probe(cs[b], iova);
    bool faulted = expect_fault(s, bs[b], iova, &r, fault, sizeof(fault));
    vtd_unmap(bs[a]->domain, iova, PAGE_SIZE);
    if (can_probe_reads(cs[a]) && !a_reads) {
        yaml_add_unit(&r, &s->unit);
        nvme_fail(id, cs[a], &r, "A could not use its own IOVA");
    } else {
        report_isolation(id, cs[b], s, faulted, canary_intact(&k), &r, fault,
                         can_probe_reads(cs[a]) ? "A read through the IOVA in its domain; B's DMA to it"
                                                : "B's DMA to an IOVA of A's domain");
    }
    canary_free(&k);
}

/* What every non-NVMe device in scope gets (pass-through, or the identity domain)
 * must let DMA reach RAM at its physical address: lend that context to one NVMe
 * controller for a moment and have it write a page by physical address. */
static void others_reach_ram(const struct suite_context *ctx, const char *id)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 1, &have);
    if (!s)
        return;
    struct nvme_controller *c = cs[0];
    struct vtd_binding *b = bs[0];
    const char *what = s->identity ? "the identity domain" : "pass-through";
    struct canary k;
    struct tap_result r;
    tap_result_init(&r);
    if (!canary_make(&k, &r)) {
        nvme_fail(id, c, &r, "no DMA memory for a target page");
        return;
    }
    /* The controller's queues must be addressable under the lent context too:
     * stop it, move it to physical addresses, lend, run, stop, and undo. */
    struct nvme_placement p = c->placement;
    int lent = nvme_set_dma_mapper(c, NULL);
    if (lent == 0)
        lent = vtd_set_context(&s->unit, b->requester_id, s->identity);
    int status = lent == 0 ? nvme_start(c, &p) : -1;
    if (status == 0)
        status = dma_write_probe(c, k.physical);
    bool arrived = status == 0 && !canary_intact(&k);
    int restored = nvme_shutdown(c);
    if (vtd_set_context(&s->unit, b->requester_id, b->domain) != 0 || translate(c, b) != 0)
        restored = -1;
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    canary_free(&k);
    tap_yaml_add(&r, "context", "%s for SID 0x%04x", what, b->requester_id);
    for (unsigned i = 0; i < n; i++) {
        char text[160], key[16];
        vtd_fault_format(&faults[i], text, sizeof(text));
        snprintf(key, sizeof(key), "fault_%u", i + 1);
        tap_yaml_add(&r, key, "%s", text);
    }
    if (lent != 0 || restored != 0 || !arrived || n) {
        yaml_add_unit(&r, &s->unit);
        nvme_fail(id, c, &r, "DMA by physical address under %s did not reach RAM cleanly", what);
        return;
    }
    /* The page's address is in the YAML (canary_physical), not on the point's line. */
    suite_pass_with(id, c->name, &r, "with the context other devices have (%s), a read landed in "
                    "a RAM page by its physical address with no fault; own domain restored", what);
}

/* A's CMB to B through IOVAs in B's domain mapped onto A's BAR: peer-to-peer under translation. */
static void peer_to_peer(const struct suite_context *ctx, const char *id)
{
    struct nvme_controller *cs[nvme_fixture_count() + 1];
    struct vtd_binding *bs[nvme_fixture_count() + 1];
    unsigned have;
    struct vtd_state *s = isolation_ready(ctx, id, cs, bs, 2, &have);
    if (!s)
        return;
    struct nvme_fixture *fx = nvme_fixture();
    unsigned a = have, b = have;
    for (unsigned i = 0; i < have && a == have; i++)
        if (cs[i]->cmb.present && (cs[i]->cmb.cmbsz & NVME_CMBSZ_WDS))
            a = i;
    for (unsigned i = 0; i < have && b == have; i++)
        if (i != a && nvme_fixture_write_allowed(fx, cs[i]) && bs[i]->domain != (a < have ? bs[a]->domain : NULL))
            b = i;
    if (a == have || b == have) {
        suite_skip(id, NULL, "needs a controller whose CMB takes read data and another, in its own "
                   "domain, whose serial allow_write names");
        return;
    }
    struct nvme_controller *ca = cs[a], *cb = cs[b];
    uint64_t reach = 1ull << (vtd_cap_guest_address_bits(s->unit.cap) < 12 + 9 * s->unit.levels
                                  ? vtd_cap_guest_address_bits(s->unit.cap) : 12 + 9 * s->unit.levels);
    if (ca->cmb.window.cpu + ca->cmb.window.bytes > reach) {
        suite_skip(id, ca->name, "%s's CMB BAR at 0x%llx lies beyond the unit's %u-bit reach: a "
                   "second-level entry cannot point there (QEMU: -device intel-iommu,aw-bits=48)",
                   ca->name, (unsigned long long)ca->cmb.window.cpu,
                   vtd_cap_guest_address_bits(s->unit.cap) < 12 + 9 * s->unit.levels ? vtd_cap_guest_address_bits(s->unit.cap)
                                                                        : 12 + 9 * s->unit.levels);
        return;
    }
    const struct nvme_namespace *ns_a = nvme_test_namespace(fx, ca, false);
    const struct nvme_namespace *ns_b = nvme_test_namespace(fx, cb, true);
    struct ns_data_format fa, fb;
    ns_data_format(ns_a, &fa);
    ns_data_format(ns_b, &fb);
    uint32_t block = fa.block_bytes;
    uint32_t blocks = ns_blocks_fitting(ca, &fa, 16u * 1024);
    const uint32_t bytes = blocks * block;
    struct nvme_region reference, in_a, list_a, back;
    struct tap_result r;
    tap_result_init(&r);
    if (!ns_b || fb.block_bytes != block || fa.metadata_bytes || fb.metadata_bytes ||
        ns_blocks_fitting(cb, &fb, bytes) != blocks) {
        suite_skip(id, ca->name, "the two namespaces' formats differ or carry separate metadata");
        return;
    }
    if (nvme_alloc(ca, NVME_MEMORY_HOST, bytes, &reference) != 0) {
        suite_skip(id, ca->name, "no DMA memory");
        return;
    }
    int status = ns_data_io(ca, ns_a, NVME_IO_READ, LBA_AREA_CMB, blocks, &reference, NULL,
                            fx->run_seed);
    if (status == 0 && (nvme_alloc(ca, NVME_MEMORY_CMB, bytes, &in_a) != 0 ||
                        nvme_alloc(ca, NVME_MEMORY_CMB, PAGE_SIZE, &list_a) != 0))
        status = -1;
    if (status == 0)
        status = ns_data_io(ca, ns_a, NVME_IO_READ, LBA_AREA_CMB, blocks, &in_a, &list_a,
                            fx->run_seed);
    uint64_t iova = status == 0 ? vtd_map(bs[b]->domain, in_a.cpu, bytes,
                                          VTD_PTE_READ | VTD_PTE_WRITE) : 0;
    struct nvme_region through_iommu = in_a;
    through_iommu.bus = iova;
    if (iova)
        status = ns_data_io(cb, ns_b, NVME_IO_WRITE, LBA_AREA_COPY, blocks, &through_iommu, NULL,
                            fx->run_seed);
    else
        status = -1;
    int back_status = -1;
    if (status == 0 && nvme_alloc(cb, NVME_MEMORY_HOST, bytes, &back) == 0)
        back_status = ns_data_io(cb, ns_b, NVME_IO_READ, LBA_AREA_COPY, blocks, &back, NULL,
                                 fx->run_seed);
    int64_t differs = back_status == 0 ? region_compare(&reference, &back, bytes) : -1;
    tap_yaml_add(&r, "path", "%s CMB 0x%llx -> IOVA 0x%llx in %s's domain %u",
                 ca->name, (unsigned long long)in_a.cpu, (unsigned long long)iova, cb->name,
                 bs[b]->domain->id);
    if (iova)
        vtd_unmap(bs[b]->domain, iova, bytes);
    nvme_free(ca, &in_a);
    nvme_free(ca, &list_a);
    nvme_free(ca, &reference);
    if (back_status == 0)
        nvme_free(cb, &back);
    if (status != 0 || back_status != 0 || differs >= 0) {
        yaml_add_unit(&r, &s->unit);
        nvme_fail(id, cb, &r, "peer-to-peer copy through the IOMMU did not arrive intact");
        return;
    }
    /* The IOVA is the domain allocator's: YAML (iova, path), not part of the point's line. */
    tap_yaml_add(&r, "iova", "0x%llx", (unsigned long long)iova);
    suite_pass_with(id, ca->name, &r, "16 KiB from %s's CMB written by %s through IOVAs of its "
                    "domain that map the BAR, read back identical", ca->name, cb->name);
}

/* bench = on: what one map + unmap-with-invalidation of a page costs, per invalidation kind. */
static void map_cost(const struct suite_context *ctx, const char *id)
{
    if (!ctx->config->bench) {
        suite_skip(id, NULL, "bench = no in the config");
        return;
    }
    struct vtd_state *s = enabled_or_report(ctx, id);
    if (!s)
        return;
    if (!s->binding_count) {
        suite_skip(id, NULL, "no NVMe domain to map into");
        return;
    }
    struct vtd_domain *d = s->bindings[0].domain;
    uint64_t page = page_alloc(dma_pool(), 1, 0);
    struct tap_result r; /* the figures, also in the YAML: never on the point's line */
    tap_result_init(&r);
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
        tap_yaml_add(&r, how ? "queued_ns" : "register_ns", "%llu", ns);
    }
    vtd_use_invalidation(&s->unit, VTD_INVALIDATE_REGISTER);
    if (page)
        page_free(dma_pool(), page, 1);
    suite_pass_with(id, NULL, &r, "%u map + unmap + page invalidation rounds per invalidation "
                    "kind (figures above and in the YAML)", rounds);
}

const struct test_case vtd_test_cases[] = {
    {"vtd.dmar.parse", dmar_parse_case},
    {"vtd.unit.takeover", takeover_case},
    {"vtd.translation.enable", enable_case},
    {"vtd.nvme.translated", nvme_translated_case},
    {"vtd.isolation.unmapped_iova", unmapped_iova},
    {"vtd.isolation.read_only", read_only_mapping},
    {"vtd.isolation.stale_register", stale_register},
    {"vtd.isolation.stale_queued", stale_queued},
    {"vtd.isolation.other_domain", other_domain},
    {"vtd.scope.others_reach_ram", others_reach_ram},
    {"vtd.p2p.cmb_copy", peer_to_peer},
    {"vtd.bench.map_invalidate", map_cost},
};
const unsigned vtd_test_case_count = sizeof(vtd_test_cases) / sizeof(vtd_test_cases[0]);
