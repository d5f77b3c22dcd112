/* VT-d unit cases: the DMAR parsed and trusted, every unit it lists read as found, the chosen one taken over from the firmware, translation on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/vtd/vtd_regs.h"
#include "lib/bitfield.h"
#include "lib/dmar_plan.h"
#include "tests/suite/vtd_fixture.h"

/* Each "NAME 0xVALUE FIELD=v ..." line, then what its fields mean ("; VT-d 1.0", "; ND: 65536
 * domains; SAGAW: 39-bit 3-level; ..."): after the raw fields, which scripts match as they are. */
static void print_unit_registers(const struct vtd_unit *u)
{
    static char dump[1200];
    vtd_format_registers(u, dump, sizeof(dump));
    for (char *line = dump, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char name[16] = "", meanings[400] = "";
        const char *value = strchr(line, ' ');
        if (value && (size_t)(value - line) < sizeof name) {
            memcpy(name, line, (size_t)(value - line));
            vtd_register_meanings(name, strtoull(value, NULL, 16), meanings, sizeof meanings);
        }
        tap_diag("vtd 0x%llx now %s%s%s", (unsigned long long)u->base, line,
                 meanings[0] ? "; " : "", meanings);
    }
}

static void dmar_parse_case(struct suite_case *t)
{
    struct vtd_state *s = vtd_ready_or_fail(t, VTD_STAGE_PARSED);
    if (!s)
        return;
    if (!s->dmar_found && t->ctx->config->iommu == FEATURE_REQUIRE) {
        report_fail(t, "iommu = require, but %s", s->why_not);
        return;
    }
    if (!s->dmar_found) {
        report_skip(t, s->skip_code, "%s", s->why_not);
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
        report_yaml(t, "table", "%s", s->dmar_why[0] ? s->dmar_why : "sound");
        if (!d->unit_count && s->why_not[0])
            report_yaml(t, "units", "%s", s->why_not);
        for (unsigned i = 0; i < d->problem_count; i++) {
            char key[16];
            snprintf(key, sizeof(key), "problem_%u", i + 1);
            report_yaml(t, key, "%s", d->problems[i].text);
        }
        report_fail(t, "DMAR has entries that were not trusted");
        return;
    }
    for (unsigned i = 0, n = 0; i < d->problem_count; i++) {
        char key[24];
        if (!d->problems[i].zero_base_unit) {
            tap_diag("dmar: not trusted, in a structure nvmetal does not use: %s",
                     d->problems[i].text);
            continue;
        }
        snprintf(key, sizeof(key), "ignored_unit_%u", ++n);
        report_yaml(t, key, "%s", d->problems[i].text);
    }
    if (s->no_usable_unit)
        report_yaml(t, "usable_units", "0: %s", s->why_not);
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
    report_yaml(t, "haw", "%u", d->host_address_width);
    report_yaml(t, "flags", "0x%x", d->flags);
    report_yaml(t, "drhd_count", "%u", d->unit_count);
    report_yaml(t, "ignored_units", "%u", ignored_units);
    report_pass(t, "HAW %u, flags 0x%x, %s%s, %u RMRR, %u ATSR, %u RHSA, "
                    "%u ANDD, %u SATC, %u SIDP, %u of unknown type; %u untrusted outside "
                    "remapping", d->host_address_width, d->flags, units, ignored_note,
                    d->rmrr_count, d->atsr_count, d->rhsa_count, d->andd_count, d->satc_count,
                    d->sidp_count, d->unknown_count, d->problem_count - ignored_units);
}

/* "VT-d 1.0" style fields of a register, as the takeover's register lines print them. */
static void decoded(const char *name, uint64_t value, char *out, size_t len)
{
    const struct vtd_register_table *table = vtd_register_table_named(name);
    bitfield_format(table->fields, table->field_count, value, out, len);
}

static void append_bdf(char *out, size_t len, struct dmar_bdf a, const char *suffix)
{
    size_t used = strlen(out);
    if (used + 1 >= len)
        return;
    if (a.segment)
        snprintf(out + used, len - used, "%s%04x:%02x:%02x.%x%s", used ? ", " : "", a.segment,
                 a.bus, a.device, a.function, suffix);
    else
        snprintf(out + used, len - used, "%s%02x:%02x.%x%s", used ? ", " : "", a.bus, a.device,
                 a.function, suffix);
}

/* One point per DRHD: its table entry, its registers read as the firmware left them (loads
 * only, drivers/vtd/vtd_inspect.c), what it holds of the PCI inventory, and what the image
 * does with it. */
static void report_unit(struct suite_case *t, const struct vtd_state *s, unsigned k)
{
    const struct dmar_unit *u = &s->dmar.units[k];
    const struct vtd_inspection *r = &s->inspections[k];
    bool chosen = k == s->unit_index;
    static char scopes[1200];
    char nvme[400] = "", displays[400] = "", cap[300], ecap[300], gsts[200];
    dmar_scopes_describe(&u->scopes, scopes, sizeof scopes);
    unsigned nvme_count = 0, display_count = 0;
    for (unsigned i = 0; i < s->device_count; i++) {
        if (s->covers[i].unit != (int)k)
            continue;
        if (s->under_test[i]) {
            nvme_count++;
            append_bdf(nvme, sizeof nvme, s->devices[i].bdf, "");
        }
    }
    for (unsigned i = 0; s->displays && i < s->display_count; i++) {
        const struct dmar_display_plan *p = &s->displays[i];
        if (p->unit != (int)k)
            continue;
        char how[64];
        snprintf(how, sizeof how, " %s (%u RMRR%s)", dmar_display_keep_name(p->keep), p->rmrrs,
                 p->rmrrs == 1 ? "" : "s");
        display_count++;
        append_bdf(displays, sizeof displays, s->devices[p->device].bdf, how);
    }
    const char *action = r->absent ? "absent"
                         : chosen && !s->no_usable_unit ? "taken_over"
                                                        : "left_as_firmware_left_it";
    report_prefix_push(t, "vtd@0x%llx", (unsigned long long)u->register_base);
    report_yaml(t, "index", "%u", k);
    report_yaml(t, "base", "0x%llx", (unsigned long long)u->register_base);
    report_yaml(t, "segment", "%u", u->segment);
    report_yaml(t, "include_all", "%u", u->flags & DMAR_INCLUDE_PCI_ALL ? 1u : 0u);
    report_yaml(t, "scopes", "%s", scopes);
    report_yaml(t, "present", "%u", r->absent ? 0u : 1u);
    report_yaml(t, "version", "0x%08x", r->version);
    report_yaml(t, "cap", "0x%016llx", (unsigned long long)r->cap);
    report_yaml(t, "ecap", "0x%016llx", (unsigned long long)r->ecap);
    if (!r->absent) {
        decoded("CAP", r->cap, cap, sizeof cap);
        decoded("ECAP", r->ecap, ecap, sizeof ecap);
        decoded("GSTS", r->gsts, gsts, sizeof gsts);
        report_yaml(t, "version_decoded", "%u.%u", (unsigned)vtd_VER_MAX(r->version),
                    (unsigned)vtd_VER_MIN(r->version));
        report_yaml(t, "cap_fields", "%s", cap);
        report_yaml(t, "ecap_fields", "%s", ecap);
        report_yaml(t, "sagaw", "0x%x", (unsigned)vtd_CAP_SAGAW(r->cap));
        report_yaml(t, "mgaw", "0x%x", (unsigned)vtd_CAP_MGAW(r->cap));
        report_yaml(t, "caching_mode", "%u", (unsigned)vtd_CAP_CM(r->cap));
        report_yaml(t, "pass_through", "%u", (unsigned)vtd_ECAP_PT(r->ecap));
        report_yaml(t, "queued_invalidation", "%u", (unsigned)vtd_ECAP_QI(r->ecap));
        report_yaml(t, "interrupt_remapping", "%u", (unsigned)vtd_ECAP_IR(r->ecap));
        report_yaml(t, "firmware_gsts", "0x%08x %s", r->gsts, gsts);
        report_yaml(t, "firmware_pmen", "0x%08x", r->pmen);
        report_yaml(t, "firmware_translation", "%u", (unsigned)vtd_GSTS_TES(r->gsts));
        report_yaml(t, "firmware_ir", "%u", (unsigned)vtd_GSTS_IRES(r->gsts));
        report_yaml(t, "firmware_qi", "%u", (unsigned)vtd_GSTS_QIES(r->gsts));
    }
    report_yaml(t, "nvme_count", "%u", nvme_count);
    report_yaml(t, "nvme", "%s", nvme_count ? nvme : "none");
    report_yaml(t, "display_count", "%u", display_count);
    report_yaml(t, "displays", "%s", display_count ? displays : "none");
    report_yaml(t, "action", "%s", action);
    if (chosen && s->no_usable_unit && s->skip_code)
        report_yaml(t, "refused", "%s", s->skip_code);
    bool require = t->ctx->config->iommu == FEATURE_REQUIRE;
    if (chosen && s->no_usable_unit && require)
        report_fail(t, "DRHD %u holds the NVMe controllers under test (iommu = require): %s", k,
                    s->why_not);
    else if (r->absent)
        report_pass(t, "DRHD %u, %u NVMe, %u display%s: nothing answers at its base (VER "
                    "0x%08x, CAP 0x%016llx): reported absent, never written", k, nvme_count,
                    display_count, display_count == 1 ? "" : "s", r->version,
                    (unsigned long long)r->cap);
    else
        report_pass(t, "DRHD %u, VT-d %u.%u, %u NVMe, %u display%s; firmware left translation "
                    "%s, IR %s, QI %s: %s", k, (unsigned)vtd_VER_MAX(r->version),
                    (unsigned)vtd_VER_MIN(r->version), nvme_count, display_count,
                    display_count == 1 ? "" : "s", vtd_GSTS_TES(r->gsts) ? "on" : "off",
                    vtd_GSTS_IRES(r->gsts) ? "on" : "off", vtd_GSTS_QIES(r->gsts) ? "on" : "off",
                    action);
    report_prefix_pop(t);
}

static void units_case(struct suite_case *t)
{
    const struct config *cfg = t->ctx->config;
    struct vtd_state *s = vtd_ready_or_fail(t, VTD_STAGE_INSPECTED);
    if (!s)
        return;
    if (!s->inspections) {
        /* The units were never read: no DMAR, iommu = off, a DMAR rejected, or none usable. */
        if (s->dmar_found && (s->dmar_why[0] || s->dmar_untrusted || !s->no_usable_unit ||
                              cfg->iommu == FEATURE_REQUIRE))
            report_fail(t, "no unit's registers read%s: %s",
                        cfg->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
        else if (!s->dmar_found && cfg->iommu == FEATURE_REQUIRE)
            report_fail(t, "iommu = require, but %s", s->why_not);
        else
            report_skip(t, s->skip_code, "%s", s->why_not);
        return;
    }
    for (unsigned k = 0; k < s->dmar.unit_count; k++)
        report_unit(t, s, k);
}

static void takeover_case(struct suite_case *t)
{
    const struct config *cfg = t->ctx->config;
    struct vtd_state *s = vtd_ready_or_fail(t, VTD_STAGE_TAKEN_OVER);
    if (!s)
        return;
    if (!s->dmar_found || (s->no_usable_unit && cfg->iommu != FEATURE_REQUIRE)) {
        report_skip(t, s->skip_code, "%s", s->why_not);
        return;
    }
    if (s->attached) /* the unit has a name once its registers were mapped */
        report_prefix_push(t, "vtd@0x%llx", (unsigned long long)s->unit.base);
    if (!s->taken_over) {
        if (s->attached)
            vtd_yaml_add_unit(t, &s->unit);
        report_fail(t, "could not take the unit over%s: %s",
                    cfg->iommu == FEATURE_REQUIRE ? " (iommu = require)" : "", s->why_not);
        return;
    }
    print_unit_registers(&s->unit);
    report_yaml(t, "firmware_gsts", "0x%08x", s->unit.found_gsts);
    report_yaml(t, "firmware_pmen", "0x%08x", s->unit.found_pmen);
    report_yaml(t, "cap", "0x%016llx", (unsigned long long)s->unit.cap);
    report_yaml(t, "ecap", "0x%016llx", (unsigned long long)s->unit.ecap);
    report_yaml(t, "sagaw", "0x%x", (unsigned)vtd_CAP_SAGAW(s->unit.cap));
    report_yaml(t, "mgaw", "0x%x", (unsigned)vtd_CAP_MGAW(s->unit.cap));
    report_yaml(t, "caching_mode", "%u", (unsigned)vtd_CAP_CM(s->unit.cap));
    report_yaml(t, "pass_through", "%u", (unsigned)vtd_ECAP_PT(s->unit.ecap));
    report_pass(t, "firmware left GSTS 0x%08x PMEN 0x%08x%s%s", s->unit.found_gsts,
                s->unit.found_pmen, s->takeover_notes[0] ? ": " : ": nothing to undo",
                s->takeover_notes);
}

static void enable_case(struct suite_case *t)
{
    struct vtd_state *s = t->ctx->vtd; /* CASE_NEEDS_VTD: translation is on */
    report_prefix_push(t, "vtd@0x%llx", (unsigned long long)s->unit.base);
    uint32_t gsts = vtd_read_gsts(&s->unit);
    if (!(gsts & VTD_GCMD_TE)) {
        vtd_yaml_add_unit(t, &s->unit);
        report_fail(t, "GSTS.TES reads 0 after enabling");
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
    report_yaml(t, "gsts", "0x%08x", gsts);
    report_yaml(t, "levels", "%u", s->unit.levels);
    report_yaml(t, "address_bits", "%u", vtd_cap_guest_address_bits(s->unit.cap));
    report_yaml(t, "nvme_domains", "%u", s->binding_count);
    report_yaml(t, "others", "%s", s->identity ? "identity" : "pass-through");
    report_yaml(t, "others_count", "%u", s->identity ? s->identity_mapped : s->pass_through);
    report_yaml(t, "caching_mode", "%u", (unsigned)vtd_CAP_CM(s->unit.cap));
    report_pass(t, "GSTS 0x%08x: %u-level tables (MGAW %u), %u NVMe domain%s, %s%s", gsts,
                s->unit.levels, vtd_cap_guest_address_bits(s->unit.cap), s->binding_count,
                s->binding_count == 1 ? "" : "s", others,
                vtd_CAP_CM(s->unit.cap) ? ", caching mode" : "");
}

const struct test_case vtd_unit_test_cases[] = {
    {"vtd.dmar.parse", dmar_parse_case, 0},
    {"vtd.dmar.units", units_case, 0},
    {"vtd.unit.takeover", takeover_case, 0},
};
const unsigned vtd_unit_test_case_count = sizeof(vtd_unit_test_cases) / sizeof(vtd_unit_test_cases[0]);

/* After the interrupt remapping cases (tests/suite/vtd_ir_tests.c), which need the unit taken
 * over and the controllers' DMA still untranslated. */
const struct test_case vtd_enable_test_cases[] = {
    {"vtd.translation.enable", enable_case, CASE_NEEDS_VTD},
};
const unsigned vtd_enable_test_case_count = sizeof(vtd_enable_test_cases) / sizeof(vtd_enable_test_cases[0]);
