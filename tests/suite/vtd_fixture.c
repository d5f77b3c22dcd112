/* VT-d fixture: find the DMAR, take its unit over, give each NVMe controller a domain, enable translation. */
#include "tests/suite/vtd_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pci/pci_path.h"
#include "drivers/vtd/vtd_pagetable.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/dmar_plan.h"
#include "lib/dmar_select.h"
#include "boot/boot_info.h"


static uint64_t map_for_controller(void *ctx, uint64_t physical, uint64_t bytes)
{
    struct vtd_binding *b = ctx;
    return vtd_map(b->domain, physical, bytes, VTD_PTE_READ | VTD_PTE_WRITE);
}

static void unmap_for_controller(void *ctx, uint64_t bus, uint64_t bytes)
{
    struct vtd_binding *b = ctx;
    vtd_unmap(b->domain, bus, (bytes + VTD_PAGE_4K - 1) & ~(VTD_PAGE_4K - 1));
}

static int secondary_bus_of(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn)
{
    const struct pci_inventory *inv = ctx;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (f->address.bus == bus && f->address.device == dev && f->address.function == fn &&
            f->header_type == PCI_HEADER_BRIDGE)
            return f->secondary_bus;
    }
    return -1;
}

/* The inventory's bridges, as the unit selection walks scope paths through them. */
static bool inventory_bridge(void *ctx, struct dmar_bdf at, uint8_t *secondary,
                             uint8_t *subordinate)
{
    const struct pci_inventory *inv = ctx;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (f->header_type == PCI_HEADER_BRIDGE && f->address.segment == at.segment &&
            f->address.bus == at.bus && f->address.device == at.device &&
            f->address.function == at.function) {
            *secondary = f->secondary_bus;
            *subordinate = f->subordinate_bus;
            return true;
        }
    }
    return false;
}

/* The DRHD (index in the DMAR's units) whose scope holds f, or -1 (lib/dmar_select.c). */
static int unit_of(const struct vtd_state *s, const struct pci_inventory *inv,
                   const struct pci_function *f, struct dmar_cover *cover)
{
    struct dmar_topology topology = {inventory_bridge, (void *)inv};
    struct dmar_bdf at = {f->address.segment, f->address.bus, f->address.device, f->address.function};
    return dmar_unit_for(&s->dmar, &topology, at, cover);
}

/* f lies in the scope of the unit taken over. */
static bool in_scope(const struct vtd_state *s, const struct pci_inventory *inv,
                     const struct pci_function *f)
{
    struct dmar_cover cover;
    return unit_of(s, inv, f, &cover) == (int)s->unit_index;
}

static struct vtd_binding *binding_for_rid(struct vtd_state *s, uint16_t rid)
{
    for (unsigned i = 0; i < s->binding_count; i++)
        if (s->bindings[i].requester_id == rid)
            return &s->bindings[i];
    return NULL;
}

static bool find_dmar(struct suite_context *ctx, const void **table, size_t *bytes)
{
    const struct acpi_platform *a = ctx->acpi;
    for (unsigned i = 0; i < a->table_count; i++) {
        if (strcmp(a->table_signatures[i], "DMAR") == 0) {
            const struct acpi_header *h = (const void *)(uintptr_t)a->tables[i];
            *table = h;
            *bytes = h->length < (1u << 20) ? h->length : (1u << 20);
            return true;
        }
    }
    return false;
}

static int fail_setup(struct vtd_state *s, const char *what, const char *detail)
{
    snprintf(s->why_not, sizeof(s->why_not), "%s: %s", what, detail);
    return -1;
}

/* EFI memory types a device may legitimately DMA to: RAM of every kind, ACPI and persistent memory. */
static bool is_ram(uint32_t efi_type)
{
    switch (efi_type) {
    case BOOT_MEMORY_LOADER_CODE: case BOOT_MEMORY_LOADER_DATA:
    case BOOT_MEMORY_BOOT_SERVICES_CODE: case BOOT_MEMORY_BOOT_SERVICES_DATA:
    case BOOT_MEMORY_RUNTIME_SERVICES_CODE: case BOOT_MEMORY_RUNTIME_SERVICES_DATA:
    case BOOT_MEMORY_CONVENTIONAL: case BOOT_MEMORY_ACPI_RECLAIM: case BOOT_MEMORY_ACPI_NVS:
    case BOOT_MEMORY_PERSISTENT:
        return true;
    default:
        return false;
    }
}

/* Maps [base, limit] 1:1 page by page, leaving pages already mapped alone
 * (an RMRR may overlap RAM). Returns the bytes newly mapped. */
static uint64_t map_identity_pages(struct vtd_domain *d, uint64_t base, uint64_t limit)
{
    uint64_t mapped = 0;
    for (uint64_t page = base & ~0xfffull; page <= limit; page += VTD_PAGE_4K) {
        uint64_t physical, permissions;
        if (vtd_pagetable_lookup(&d->pagetable, page, &physical, &permissions))
            continue;
        if (vtd_map_at(d, page, page, VTD_PAGE_4K, VTD_PTE_READ | VTD_PTE_WRITE) == 0)
            mapped += VTD_PAGE_4K;
    }
    return mapped;
}

/* RMRRs: memory a device keeps using behind the OS's back; its domain must keep it mapped 1:1. */
static void map_rmrrs_for(struct vtd_state *s, struct vtd_domain *d, const struct pci_inventory *inv, uint16_t rid,
                          bool every_device)
{
    for (unsigned i = 0; i < s->dmar.rmrr_count; i++) {
        const struct dmar_rmrr *m = &s->dmar.rmrrs[i];
        bool applies = every_device;
        for (unsigned k = 0; k < m->scopes.count && !applies; k++)
            applies = dmar_scope_source_id(&m->scopes.scopes[k], secondary_bus_of, (void *)inv) == rid;
        if (applies)
            map_identity_pages(d, m->base, m->limit);
    }
}

/* The fallback for units without ECAP.PT: one 1:1 domain over RAM and every RMRR. */
static int build_identity_domain(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    struct vtd_unit *u = &s->unit;
    s->identity = vtd_domain_create(u);
    if (!s->identity)
        return fail_setup(s, "identity domain", u->error);
    uint64_t reach = 1ull << (12 + 9 * u->levels);
    const struct boot_info *b = ctx->boot;
    for (unsigned i = 0; i < b->memory_map_count; i++) {
        const struct boot_memory_region *r = &b->memory_map[i];
        uint64_t bytes = r->pages * VTD_PAGE_4K;
        if (!is_ram(r->type) || !bytes)
            continue;
        if (r->physical_start + bytes > reach) {
            tap_diag("vtd: RAM 0x%llx..0x%llx lies beyond the %u-level reach; not identity-mapped",
                     (unsigned long long)r->physical_start,
                     (unsigned long long)(r->physical_start + bytes - 1), u->levels);
            continue;
        }
        if (vtd_map_at(s->identity, r->physical_start, r->physical_start, bytes,
                       VTD_PTE_READ | VTD_PTE_WRITE) != 0)
            return fail_setup(s, "identity map of RAM", u->error);
        s->identity_bytes += bytes;
    }
    map_rmrrs_for(s, s->identity, ctx->pci, 0, true);
    return 0;
}

/* Domains for NVMe controllers; pass-through, or the identity domain, for everything else in scope. */
static int build_contexts(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    struct vtd_unit *u = &s->unit;
    struct nvme_fixture *fx = ctx->nvme;
    const struct pci_inventory *inv = ctx->pci;
    /* At most one binding per controller: sized from the fixture, never a fixed table. */
    if (fx && fx->count && !(s->bindings = calloc(fx->count, sizeof(*s->bindings))))
        return fail_setup(s, "no heap", "for the NVMe domains' bindings");
    for (unsigned i = 0; fx && i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!fx->attached[i])
            continue;
        uint16_t rid = pci_requester_id(inv, c->pci);
        if (!in_scope(s, inv, c->pci))
            continue;
        struct vtd_binding *b = binding_for_rid(s, rid);
        if (!b) {
            /* Controllers behind one PCIe-to-PCI bridge share a source ID, so a domain. */
            b = &s->bindings[s->binding_count];
            b->domain = vtd_domain_create(u);
            if (!b->domain)
                return fail_setup(s, "no domain", u->error);
            b->requester_id = rid;
            s->binding_count++;
            map_rmrrs_for(s, b->domain, inv, rid, false);
            if (vtd_set_context(u, rid, b->domain) != 0)
                return fail_setup(s, "context entry", u->error);
        }
    }
    for (unsigned i = 0; i < inv->count; i++) {
        uint16_t rid = pci_requester_id(inv, &inv->functions[i]);
        if (binding_for_rid(s, rid) || !in_scope(s, inv, &inv->functions[i]))
            continue;
        if (vtd_ECAP_PT(u->ecap)) {
            if (vtd_set_context(u, rid, NULL) != 0)
                return fail_setup(s, "pass-through context", u->error);
            s->pass_through++;
            continue;
        }
        if (!s->identity && build_identity_domain(ctx) != 0)
            return -1;
        if (vtd_set_context(u, rid, s->identity) != 0)
            return fail_setup(s, "identity context", u->error);
        s->identity_mapped++;
    }
    /* IOVAs must never land where a controller serves addresses itself (the domain allocator
     * keeps them off the interrupt window on its own: drivers/vtd/vtd_domain.c). */
    for (unsigned i = 0; fx && i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if ((c->cmb.present && vtd_exclude(u, c->cmb.window.bus, c->cmb.window.bytes) != 0) ||
            (c->pmr.present && vtd_exclude(u, c->pmr.region.bus, c->pmr.region.bytes) != 0))
            return fail_setup(s, "IOVA exclusions", u->error);
    }
    return 0;
}

/* The inventory as the plan sees it (lib/dmar_plan.c): every function, its class, and whether
 * it is an NVMe controller under test (attached by the NVMe fixture). */
static int build_plan_inventory(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    const struct pci_inventory *inv = ctx->pci;
    const struct nvme_fixture *fx = ctx->nvme;
    unsigned n = inv->count ? inv->count : 1;
    s->devices = calloc(n, sizeof(*s->devices));
    s->under_test = calloc(n, sizeof(*s->under_test));
    s->covers = calloc(n, sizeof(*s->covers));
    s->nvme_per_unit = calloc(s->dmar.unit_count ? s->dmar.unit_count : 1, sizeof(*s->nvme_per_unit));
    if (!s->devices || !s->under_test || !s->covers || !s->nvme_per_unit)
        return fail_setup(s, "no heap", "for the unit selection");
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        s->devices[i] = (struct dmar_pci_device){
            {f->address.segment, f->address.bus, f->address.device, f->address.function},
            f->base_class, f->subclass};
        for (unsigned k = 0; fx && k < fx->count; k++)
            if (fx->attached[k] && fx->controllers[k]->pci == f)
                s->under_test[i] = true;
    }
    s->device_count = inv->count;
    return 0;
}

/* The unit to take over: the one whose scope holds the most NVMe controllers under test (on a
 * laptop the first DRHD is usually the graphics unit). Every other unit is listed and left as
 * the firmware left it. Without any controller, the first unit (its takeover is still a test). */
static int choose_unit(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    const struct nvme_fixture *fx = ctx->nvme;
    if (build_plan_inventory(ctx) != 0)
        return -1;
    struct dmar_topology topology = {inventory_bridge, (void *)ctx->pci};
    int chosen = dmar_plan_unit(&s->dmar, &topology, s->devices, s->device_count, s->under_test,
                                s->covers, s->nvme_per_unit);
    unsigned uncovered = 0;
    for (unsigned i = 0; i < s->device_count; i++) {
        if (!s->under_test[i])
            continue;
        char line[200];
        dmar_cover_describe(&s->dmar, &s->covers[i], line, sizeof(line));
        for (unsigned k = 0; fx && k < fx->count; k++)
            if (fx->attached[k] && fx->controllers[k]->pci == &ctx->pci->functions[i])
                tap_diag("dmar: nvme %s: %s", fx->controllers[k]->name, line);
        uncovered += s->covers[i].unit < 0;
    }
    s->unit_index = chosen < 0 ? 0 : (unsigned)chosen;
    for (unsigned u = 0; u < s->dmar.unit_count; u++)
        if (u != s->unit_index || chosen < 0)
            tap_diag("dmar: DRHD %u at 0x%llx holds %u of the NVMe controllers under test: left "
                     "as the firmware left it", u,
                     (unsigned long long)s->dmar.units[u].register_base, s->nvme_per_unit[u]);
    if (uncovered && chosen >= 0)
        tap_diag("dmar: %u NVMe controller%s in no unit's scope: their DMA is not remapped here",
                 uncovered, uncovered == 1 ? "" : "s");
    if (chosen < 0) {
        s->skip_code = "no_unit_for_nvme";
        s->no_usable_unit = true;
        return fail_setup(s, "DRHD", "no unit's device scope holds an NVMe controller under test");
    }
    return 0;
}

/* Whether the parsed DMAR can be trusted for remapping: a DRHD or RMRR that was dropped (or a
 * walk that stopped) may hide a unit or a region a device needs, so no unit is touched. A DRHD
 * at register base 0 is a known firmware bug that puts nothing else in doubt. */
static int trust_dmar(struct vtd_state *s)
{
    for (unsigned i = 0; i < s->dmar.problem_count; i++) {
        const struct dmar_problem *p = &s->dmar.problems[i];
        if (!p->zero_base_unit && dmar_problem_affects_remapping(p)) {
            s->dmar_untrusted = true;
            return fail_setup(s, "DMAR rejected", p->text);
        }
    }
    return 0;
}

/* Each step runs once, in order, and only as far as a case asks: a case prints
 * its result before the next step touches the hardware. */
static int step_parse(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    const void *table;
    size_t bytes;
    if (ctx->config->iommu == FEATURE_OFF) {
        s->skip_code = "iommu_off";
        return fail_setup(s, "iommu = off", "VT-d left untouched by request");
    }
    if (!find_dmar(ctx, &table, &bytes)) {
        s->skip_code = "no_dmar";
        return fail_setup(s, "no DMAR table",
                          "the platform has no Intel VT-d (QEMU: no -device intel-iommu)");
    }
    s->dmar_found = true;
    if (dmar_parse(table, bytes, &s->dmar, s->dmar_why) != 0)
        return fail_setup(s, "DMAR rejected", s->dmar_why);
    char why_none[ACPI_WHY_LEN];
    switch (dmar_unit_verdict(&s->dmar, why_none, sizeof(why_none))) {
    case DMAR_UNITS_USABLE:
        return trust_dmar(s) != 0 ? -1 : choose_unit(ctx);
    case DMAR_UNITS_ALL_ZERO_BASE:
        s->no_usable_unit = true;
        s->skip_code = "base0_drhd";
        snprintf(s->why_not, sizeof(s->why_not), "%s", why_none);
        return -1;
    default:
        return fail_setup(s, "DMAR", why_none);
    }
}

/* The offer the chosen unit makes to a display in its scope, from its CAP and ECAP. */
static struct dmar_unit_offer offer_of(const struct vtd_inspection *unit)
{
    return (struct dmar_unit_offer){vtd_ECAP_PT(unit->ecap) != 0,
                                    dmar_sagaw_reach_bits((unsigned)vtd_CAP_SAGAW(unit->cap))};
}

/* Every unit's registers, read and never written; then the display plan for the chosen one. */
static int step_inspect(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    s->inspections = calloc(s->dmar.unit_count, sizeof(*s->inspections));
    if (!s->inspections)
        return fail_setup(s, "no heap", "for the units' registers");
    for (unsigned k = 0; k < s->dmar.unit_count; k++)
        vtd_inspect(&s->dmar.units[k], &s->inspections[k]);
    const struct vtd_inspection *chosen = &s->inspections[s->unit_index];
    struct dmar_topology topology = {inventory_bridge, (void *)ctx->pci};
    int taken = chosen->absent ? -1 : (int)s->unit_index;
    struct dmar_unit_offer offer = chosen->absent ? (struct dmar_unit_offer){false, 0}
                                                  : offer_of(chosen);
    s->display_count = dmar_plan_displays(&s->dmar, &topology, s->devices, s->device_count,
                                          s->covers, taken, offer, NULL, 0);
    if (s->display_count && (s->displays = calloc(s->display_count, sizeof(*s->displays))))
        dmar_plan_displays(&s->dmar, &topology, s->devices, s->device_count, s->covers, taken,
                           offer, s->displays, s->display_count);
    if (chosen->absent) {
        s->no_usable_unit = true;
        s->skip_code = "unit_absent";
        snprintf(s->why_not, sizeof(s->why_not), "DRHD %u at 0x%llx holds the NVMe controllers "
                 "under test, but nothing answers there (VER 0x%08x CAP 0x%016llx): a unit the "
                 "firmware lists and the chipset does not have; not written", s->unit_index,
                 (unsigned long long)chosen->base, chosen->version,
                 (unsigned long long)chosen->cap);
        return -1;
    }
    if (s->display_count && !s->displays)
        return fail_setup(s, "no heap", "for the display plan");
    /* A unit with CAP.SAGAW=0 never translates (step_enable SKIPs it as sagaw_zero, and its
     * translation cannot have been on), so no display of its can lose anything. */
    for (unsigned i = 0; offer.reach_bits && i < s->display_count; i++) {
        const struct dmar_display_plan *p = &s->displays[i];
        if (p->keep != DMAR_DISPLAY_CANNOT_KEEP)
            continue;
        const struct dmar_bdf *d = &s->devices[p->device].bdf;
        s->no_usable_unit = true;
        s->skip_code = "display_unreachable_rmrr";
        snprintf(s->why_not, sizeof(s->why_not), "display %02x:%02x.%x is in DRHD %u's scope, "
                     "which has no ECAP.PT, and its RMRR 0x%llx..0x%llx lies beyond the %u-bit "
                     "identity domain: the unit is left as the firmware left it", d->bus,
                     d->device, d->function, s->unit_index,
                     (unsigned long long)s->dmar.rmrrs[p->unreachable_rmrr].base,
                     (unsigned long long)s->dmar.rmrrs[p->unreachable_rmrr].limit,
                     offer.reach_bits);
        return -1;
    }
    return 0;
}

static int step_take_over(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    if (vtd_attach(&s->unit, &s->dmar.units[s->unit_index]) != 0)
        return fail_setup(s, "DRHD unit", s->unit.error);
    s->attached = true;
    if (vtd_takeover(&s->unit, s->takeover_notes, sizeof(s->takeover_notes)) != 0)
        return fail_setup(s, "takeover", s->unit.error);
    s->taken_over = true;
    return 0;
}

static int step_enable(struct suite_context *ctx)
{
    struct vtd_state *s = ctx->vtd;
    /* A unit without a single supported address width translates no DMA by design
     * (QEMU: intel-iommu,dma-translation=off). That is what it is, not a failure. */
    if (vtd_CAP_SAGAW(s->unit.cap) == 0) {
        s->cannot_translate = true;
        s->skip_code = "sagaw_zero";
        return fail_setup(s, "CAP.SAGAW=0", "the unit supports no second-level address width: it "
                          "remaps interrupts only and cannot translate DMA");
    }
    if (vtd_prepare(&s->unit) != 0 || build_contexts(ctx) != 0) {
        if (!s->why_not[0])
            fail_setup(s, "tables", s->unit.error);
        return -1;
    }
    /* Controllers about to be translated stop now, while their queues are still
     * reachable: deleting them after TE=1 would post completions to addresses
     * the new domains do not map, and the controllers would go fatal. */
    struct nvme_fixture *fx = ctx->nvme;
    for (unsigned k = 0; fx && k < fx->count; k++) {
        struct nvme_controller *c = fx->controllers[k];
        if (fx->attached[k] && binding_for_rid(s, pci_requester_id(ctx->pci, c->pci)) &&
            nvme_shutdown(c) != 0)
            tap_diag("nvme %s did not stop before translation: %s", c->name, c->error);
    }
    if (vtd_enable(&s->unit) != 0)
        return fail_setup(s, "enable", s->unit.error);
    s->enabled = true;
    for (unsigned i = 0; i < s->binding_count; i++) {
        struct vtd_binding *b = &s->bindings[i];
        b->mapper = (struct nvme_dma_mapper){map_for_controller, unmap_for_controller, b};
    }
    return 0;
}

struct vtd_state *vtd_reach(struct suite_context *ctx, enum vtd_stage stage)
{
    static int (*const steps[])(struct suite_context *) = {
        [VTD_STAGE_PARSED] = step_parse,
        [VTD_STAGE_INSPECTED] = step_inspect,
        [VTD_STAGE_TAKEN_OVER] = step_take_over,
        [VTD_STAGE_ENABLED] = step_enable,
    };
    /* From the heap, not static: .bss lives in the image file (see linker.ld). */
    if (!ctx->vtd && !ctx->vtd_attempted) {
        ctx->vtd_attempted = true;
        ctx->vtd = calloc(1, sizeof(*ctx->vtd));
    }
    struct vtd_state *s = ctx->vtd;
    if (!s)
        return NULL;
    while (!s->failed && s->reached < (unsigned)stage) {
        if (steps[s->reached + 1](ctx) != 0)
            s->failed = true;
        else
            s->reached++;
    }
    return s;
}

struct vtd_state *vtd_ready_or_fail(struct suite_case *t, enum vtd_stage stage)
{
    struct vtd_state *s = vtd_reach(t->ctx, stage);
    if (!s)
        report_fail(t, "no heap for the VT-d state");
    return s;
}

void vtd_yaml_add_unit(struct suite_case *t, const struct vtd_unit *u)
{
    static char dump[1200];
    if (u->error[0])
        report_yaml(t, "error", "%s", u->error);
    vtd_format_registers(u, dump, sizeof(dump));
    report_yaml(t, "registers", "%s", dump);
}

bool vtd_enabled_or_report(struct suite_case *t)
{
    const struct config *cfg = t->ctx->config;
    struct vtd_state *s = vtd_ready_or_fail(t, VTD_STAGE_ENABLED);
    if (!s || s->enabled)
        return s != NULL;
    if ((!s->dmar_found || s->cannot_translate || s->no_usable_unit) &&
        cfg->iommu != FEATURE_REQUIRE) {
        report_skip(t, s->skip_code, "%s", s->why_not);
        return false;
    }
    if (s->attached)
        vtd_yaml_add_unit(t, &s->unit);
    report_fail(t, "translation not enabled%s: %s",
                cfg->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
    return false;
}

bool vtd_in_unit_scope(const struct suite_context *ctx, const struct pci_function *f)
{
    return ctx->vtd && ctx->vtd->attached && in_scope(ctx->vtd, ctx->pci, f);
}

struct vtd_binding *vtd_binding_of(struct suite_context *ctx, const struct nvme_controller *c)
{
    return ctx->vtd ? binding_for_rid(ctx->vtd, pci_requester_id(ctx->pci, c->pci)) : NULL;
}

int vtd_translate(struct nvme_controller *c, struct vtd_binding *b)
{
    if (c->mapper == &b->mapper)
        return 0;
    size_t len = strlen(c->name);
    if (len < 4 || strcmp(c->name + len - 4, "/vtd") != 0)
        snprintf(c->name + len, sizeof(c->name) - len, "/vtd");
    return nvme_set_dma_mapper(c, &b->mapper);
}

void vtd_teardown(struct suite_context *ctx, void (*report_line)(const char *line))
{
    struct vtd_state *s = ctx->vtd;
    if (!s || !s->enabled)
        return;
    char line[240];
    if (vtd_disable(&s->unit) != 0)
        snprintf(line, sizeof(line), "vtd: could not turn translation off: %s", s->unit.error);
    else
        snprintf(line, sizeof(line), "vtd: translation turned off (GSTS.TES=0) before exit; "
                 "tables left in memory");
    s->enabled = false;
    if (report_line)
        report_line(line);
}
