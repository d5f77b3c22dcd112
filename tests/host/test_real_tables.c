/* Host tests: the DMAR and MCFG parsers against real machines' tables, and crafted ones, field for field with iasl's disassembly. */
#include "check.h"
#include "fixtures/file_bytes.h"
#include "fixtures/iasl_dsl.h"
#include "fixtures/iasl_view.h"
#include "fixtures/table_builder.h"
#include "lib/acpi.h"
#include "lib/dmar.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The Makefile points this at the repository's ../shared/acpi-samples (where CI lays shared/). */
#ifndef ACPI_SAMPLES_DIR
#error "ACPI_SAMPLES_DIR must name the folder of real tables (tests/host/Makefile sets it)"
#endif

/* What is being compared, for every message: a sample's or a crafted table's name. */
static const char *subject;
static unsigned fields_compared;

#define MISMATCH(...) mismatch(__LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 2, 3))) mismatch(int line, const char *fmt, ...)
{
    char text[600];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    check_fail(__FILE__, line, "%s: %s", subject, text);
}

/* ---- reading bytes ---- */

static uint64_t le(const uint8_t *p, size_t width)
{
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

/* ---- one field ---- */

/* iasl must show `name` in `span` exactly where the parser reads it (offset, width), with
 * the value the parser decoded. */
static void expect_field(const struct dsl_file *dsl, struct iasl_span span, const char *where,
                         const char *name, uint32_t offset, uint32_t width, uint64_t parsed)
{
    const struct dsl_field *field = iasl_find(dsl, span, name);
    if (!field) {
        MISMATCH("%s: iasl shows no '%s'", where, name);
        return;
    }
    if (field->offset != offset || field->width != width)
        MISMATCH("%s: iasl's '%s' is at 0x%x (%u bytes), the parser reads 0x%x (%u bytes)",
                 where, name, field->offset, field->width, offset, width);
    uint64_t value;
    if (!dsl_hex(field->value, &value)) {
        MISMATCH("%s: iasl's '%s' is '%s', not a number", where, name, field->value);
        return;
    }
    if (value != parsed)
        MISMATCH("%s: '%s' is 0x%llx to iasl, 0x%llx to the parser", where, name,
                 (unsigned long long)value, (unsigned long long)parsed);
    fields_compared++;
}

/* ---- device scopes ---- */

static uint32_t scope_length(const struct dmar_scope *s)
{
    return 6u + 2u * s->path_length;
}

static uint32_t scopes_length(const struct dmar_scope_list *list)
{
    uint32_t total = 0;
    for (unsigned i = 0; i < list->count; i++)
        total += scope_length(&list->scopes[i]);
    return total;
}

/* Every scope iasl lists, at the offsets the parser's lengths imply, field for field. */
static void expect_scopes(const struct dsl_file *dsl, const struct iasl_subtable *sub,
                          const char *what, uint32_t first, const struct dmar_scope_list *list)
{
    if (sub->scope_count != list->count)
        MISMATCH("%s: iasl lists %zu scopes, the parser %u", what, sub->scope_count,
                 list->count);
    uint32_t at = sub->offset + first;
    for (unsigned i = 0; i < list->count && i < sub->scope_count; i++) {
        const struct iasl_scope *is = &sub->scopes[i];
        const struct dmar_scope *ps = &list->scopes[i];
        char where[96];
        snprintf(where, sizeof where, "%s scope %u", what, i);
        if (is->offset != at)
            MISMATCH("%s: iasl starts it at 0x%x, the parser at 0x%x", where, is->offset, at);
        expect_field(dsl, is->fields, where, "Device Scope Type", at, 1, ps->type);
        expect_field(dsl, is->fields, where, "Entry Length", at + 1, 1, scope_length(ps));
        /* VT-d 4.1 splits the reserved word into Flags and a reserved byte; iasl up to
         * 20240322 still shows one 16-bit "Reserved", whose low byte is the flags. */
        if (iasl_find(dsl, is->fields, "Flags"))
            expect_field(dsl, is->fields, where, "Flags", at + 2, 1, ps->flags);
        else
            expect_field(dsl, is->fields, where, "Reserved", at + 2, 2, ps->flags);
        expect_field(dsl, is->fields, where, "Enumeration ID", at + 4, 1, ps->enumeration_id);
        expect_field(dsl, is->fields, where, "PCI Bus Number", at + 5, 1, ps->start_bus);
        unsigned hop = 0;
        for (size_t k = is->fields.first; k < is->fields.first + is->fields.count; k++) {
            const struct dsl_field *f = &dsl->fields[k];
            if (strcmp(f->name, "PCI Path") != 0)
                continue;
            unsigned device, function;
            if (sscanf(f->value, "%x,%x", &device, &function) != 2) {
                MISMATCH("%s: PCI Path '%s'", where, f->value);
            } else if (hop >= ps->path_length) {
                MISMATCH("%s: iasl shows hop %u (%02x,%02x), the parser has %u hops", where, hop,
                         device, function, ps->path_length);
            } else {
                if (f->offset != at + 6 + 2 * hop || f->width != 2)
                    MISMATCH("%s hop %u: iasl at 0x%x, the parser at 0x%x", where, hop,
                             f->offset, at + 6 + 2 * hop);
                if (device != ps->path[hop].device || function != ps->path[hop].function)
                    MISMATCH("%s hop %u: %02x,%02x to iasl, %02x,%02x to the parser", where, hop,
                             device, function, ps->path[hop].device, ps->path[hop].function);
                fields_compared++;
            }
            hop++;
        }
        if (hop != ps->path_length)
            MISMATCH("%s: iasl shows %u hops, the parser %u", where, hop, ps->path_length);
        at += scope_length(ps);
    }
}

/* For a subtable iasl could not decode: its scopes straight from the table bytes, laid out
 * as VT-d 4.1 section 8.3.1 says, against the parser's. */
static void expect_scopes_in_bytes(const uint8_t *table, uint32_t start, uint32_t end,
                                   const char *what, const struct dmar_scope_list *list)
{
    unsigned i = 0;
    for (uint32_t at = start; at + 6 <= end; i++) {
        const uint8_t *raw = table + at;
        uint32_t length = raw[1];
        if (length < 6 || at + length > end) {
            MISMATCH("%s scope %u: length %u in the bytes", what, i, length);
            return;
        }
        if (i < list->count) {
            const struct dmar_scope *ps = &list->scopes[i];
            bool same = raw[0] == ps->type && length == scope_length(ps) && raw[2] == ps->flags &&
                        raw[4] == ps->enumeration_id && raw[5] == ps->start_bus;
            for (unsigned hop = 0; same && hop < ps->path_length; hop++)
                same = raw[6 + 2 * hop] == ps->path[hop].device &&
                       raw[7 + 2 * hop] == ps->path[hop].function;
            if (!same)
                MISMATCH("%s scope %u: the bytes at 0x%x and the parser disagree", what, i, at);
            fields_compared += 5 + ps->path_length;
        }
        at += length;
    }
    if (i != list->count)
        MISMATCH("%s: %u scopes in the bytes, %u in the parser", what, i, list->count);
}

/* ---- DMAR ---- */

static const char *const type_names[] = {"DRHD", "RMRR", "ATSR", "RHSA", "ANDD", "SATC", "SIDP"};
#define KNOWN_TYPES (sizeof type_names / sizeof type_names[0])

/* The parser's structure that starts at `offset`, as (type, index), or false. */
static bool find_structure(const struct dmar_info *d, uint16_t type, uint32_t offset,
                           unsigned *index)
{
    unsigned count = 0;
    for (unsigned i = 0;; i++) {
        uint32_t at;
        switch (type) {
        case DMAR_TYPE_DRHD: count = d->unit_count; at = i < count ? d->units[i].offset : 0; break;
        case DMAR_TYPE_RMRR: count = d->rmrr_count; at = i < count ? d->rmrrs[i].offset : 0; break;
        case DMAR_TYPE_ATSR: count = d->atsr_count; at = i < count ? d->atsrs[i].offset : 0; break;
        case DMAR_TYPE_RHSA: count = d->rhsa_count; at = i < count ? d->rhsas[i].offset : 0; break;
        case DMAR_TYPE_ANDD: count = d->andd_count; at = i < count ? d->andds[i].offset : 0; break;
        case DMAR_TYPE_SATC: count = d->satc_count; at = i < count ? d->satcs[i].offset : 0; break;
        case DMAR_TYPE_SIDP: count = d->sidp_count; at = i < count ? d->sidps[i].offset : 0; break;
        default: return false;
        }
        if (i >= count)
            return false;
        if (at == offset) {
            *index = i;
            return true;
        }
    }
}

static const struct dmar_problem *find_problem(const struct dmar_info *d, uint32_t offset)
{
    for (unsigned i = 0; i < d->problem_count; i++)
        if (d->problems[i].offset == offset)
            return &d->problems[i];
    return NULL;
}

static uint64_t iasl_number(const struct dsl_file *dsl, struct iasl_span span, const char *name)
{
    const struct dsl_field *f = iasl_find(dsl, span, name);
    uint64_t value = 0;
    if (f)
        dsl_hex(f->value, &value);
    return value;
}

/* A structure the parser left out is right to be left out only for the firmware bugs Linux
 * also refuses, judged from iasl's own values: a DRHD at address 0, an RHSA naming no DRHD. */
static const char *expected_problem(const struct dsl_file *dsl, const struct iasl_dmar *view,
                                    const struct iasl_subtable *sub)
{
    if (sub->type == DMAR_TYPE_DRHD && iasl_number(dsl, sub->fields, "Register Base Address") == 0)
        return "register base is 0";
    if (sub->type == DMAR_TYPE_RHSA) {
        uint64_t base = iasl_number(dsl, sub->fields, "Base Address");
        for (size_t i = 0; i < view->subtable_count; i++)
            if (view->subtables[i].type == DMAR_TYPE_DRHD && base != 0 &&
                iasl_number(dsl, view->subtables[i].fields, "Register Base Address") == base)
                return NULL;
        return "is no DRHD's";
    }
    return NULL;
}

static void compare_subtable(const struct dsl_file *dsl, const uint8_t *table,
                             const struct iasl_subtable *sub, uint16_t type,
                             const struct dmar_info *d, unsigned index)
{
    char what[64];
    snprintf(what, sizeof what, "%s at 0x%x", type_names[type], sub->offset);
    uint32_t at = sub->offset;
    struct iasl_span f = sub->fields;
    if (sub->decoded)
        expect_field(dsl, f, what, "Subtable Type", at, 2, type);
    uint32_t length = (uint32_t)le(table + at + 2, 2);
    switch (type) {
    case DMAR_TYPE_DRHD: {
        const struct dmar_unit *u = &d->units[index];
        expect_field(dsl, f, what, "Length", at + 2, 2, 16 + scopes_length(&u->scopes));
        expect_field(dsl, f, what, "Flags", at + 4, 1, u->flags);
        /* VT-d 3.x calls this byte Size (2^N register pages); iasl still calls it Reserved. */
        expect_field(dsl, f, what, "Reserved", at + 5, 1, u->size);
        expect_field(dsl, f, what, "PCI Segment Number", at + 6, 2, u->segment);
        expect_field(dsl, f, what, "Register Base Address", at + 8, 8, u->register_base);
        expect_scopes(dsl, sub, what, 16, &u->scopes);
        break;
    }
    case DMAR_TYPE_RMRR: {
        const struct dmar_rmrr *r = &d->rmrrs[index];
        expect_field(dsl, f, what, "Length", at + 2, 2, 24 + scopes_length(&r->scopes));
        expect_field(dsl, f, what, "PCI Segment Number", at + 6, 2, r->segment);
        expect_field(dsl, f, what, "Base Address", at + 8, 8, r->base);
        expect_field(dsl, f, what, "End Address (limit)", at + 16, 8, r->limit);
        expect_scopes(dsl, sub, what, 24, &r->scopes);
        break;
    }
    case DMAR_TYPE_ATSR: {
        const struct dmar_atsr *a = &d->atsrs[index];
        expect_field(dsl, f, what, "Length", at + 2, 2, 8 + scopes_length(&a->scopes));
        expect_field(dsl, f, what, "Flags", at + 4, 1, a->flags);
        expect_field(dsl, f, what, "PCI Segment Number", at + 6, 2, a->segment);
        expect_scopes(dsl, sub, what, 8, &a->scopes);
        break;
    }
    case DMAR_TYPE_RHSA: {
        const struct dmar_rhsa *r = &d->rhsas[index];
        expect_field(dsl, f, what, "Length", at + 2, 2, 20);
        expect_field(dsl, f, what, "Base Address", at + 8, 8, r->register_base);
        expect_field(dsl, f, what, "Proximity Domain", at + 16, 4, r->proximity_domain);
        break;
    }
    case DMAR_TYPE_ANDD: {
        const struct dmar_andd *a = &d->andds[index];
        expect_field(dsl, f, what, "Device Number", at + 7, 1, a->acpi_device_number);
        const struct dsl_field *name = iasl_find(dsl, f, "Device Name");
        char text[512];
        if (!name || !dsl_quoted(name->value, text, sizeof text)) {
            MISMATCH("%s: iasl shows no quoted Device Name", what);
        } else {
            if (strcmp(text, a->object_name) != 0)
                MISMATCH("%s: Device Name '%s' to iasl, '%s' to the parser", what, text,
                         a->object_name);
            if (name->offset != at + 8 || name->width != strlen(a->object_name) + 1)
                MISMATCH("%s: iasl's Device Name is at 0x%x (%u bytes)", what, name->offset,
                         name->width);
            fields_compared++;
        }
        break;
    }
    case DMAR_TYPE_SATC: {
        const struct dmar_satc *s = &d->satcs[index];
        if (!sub->decoded) {
            expect_field(dsl, f, what, "Length", at + 2, 2, length);
            if (table[at + 4] != s->flags || le(table + at + 6, 2) != s->segment)
                MISMATCH("%s: flags 0x%x segment %u in the bytes, 0x%x %u to the parser", what,
                         table[at + 4], (unsigned)le(table + at + 6, 2), s->flags, s->segment);
            fields_compared += 2;
            expect_scopes_in_bytes(table, at + 8, at + length, what, &s->scopes);
            break;
        }
        expect_field(dsl, f, what, "Length", at + 2, 2, 8 + scopes_length(&s->scopes));
        expect_field(dsl, f, what, "Flags", at + 4, 1, s->flags);
        expect_field(dsl, f, what, "PCI Segment Number", at + 6, 2, s->segment);
        expect_scopes(dsl, sub, what, 8, &s->scopes);
        break;
    }
    case DMAR_TYPE_SIDP: {
        const struct dmar_sidp *s = &d->sidps[index];
        if (!sub->decoded) {
            expect_field(dsl, f, what, "Length", at + 2, 2, length);
            if (le(table + at + 6, 2) != s->segment)
                MISMATCH("%s: segment %u in the bytes, %u to the parser", what,
                         (unsigned)le(table + at + 6, 2), s->segment);
            fields_compared++;
            expect_scopes_in_bytes(table, at + 8, at + length, what, &s->scopes);
            break;
        }
        expect_field(dsl, f, what, "Length", at + 2, 2, 8 + scopes_length(&s->scopes));
        expect_field(dsl, f, what, "PCI Segment Number", at + 6, 2, s->segment);
        expect_scopes(dsl, sub, what, 8, &s->scopes);
        break;
    }
    }
}

/* "endpoint 00:1c.0/00.0", "IOAPIC #2 f0:1f.0" */
static void describe_scopes(const struct dmar_scope_list *list, char *out, size_t len)
{
    static const char *const names[] = {"?", "endpoint", "bridge", "IOAPIC", "HPET", "ACPI"};
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < list->count && used < len; i++) {
        const struct dmar_scope *s = &list->scopes[i];
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "",
                                 s->type < 6 ? names[s->type] : "type?");
        if (used < len && (s->type >= DMAR_SCOPE_IOAPIC || s->enumeration_id))
            used += (size_t)snprintf(out + used, len - used, " #%u", s->enumeration_id);
        if (used < len && s->flags)
            used += (size_t)snprintf(out + used, len - used, " flags 0x%x", s->flags);
        for (unsigned h = 0; h < s->path_length && used < len; h++)
            used += (size_t)(h ? snprintf(out + used, len - used, "/%02x.%x", s->path[h].device,
                                          s->path[h].function)
                               : snprintf(out + used, len - used, " %02x:%02x.%x", s->start_bus,
                                          s->path[h].device, s->path[h].function));
    }
    if (!list->count)
        snprintf(out, len, "no scopes");
}

/* The decoded table as diagnostics: what each sample shows, for people reading the log. */
static void print_dmar(const struct dmar_info *d, const char *iasl_version)
{
    char scopes[1200];
    printf("# %s (iasl %s): HAW %u, flags 0x%x; %u DRHD, %u RMRR, %u ATSR, %u RHSA, %u ANDD, "
           "%u SATC, %u SIDP, %u unknown, %u not trusted; %u fields agree\n",
           subject, iasl_version, d->host_address_width, d->flags, d->unit_count, d->rmrr_count,
           d->atsr_count, d->rhsa_count, d->andd_count, d->satc_count, d->sidp_count,
           d->unknown_count, d->problem_count, fields_compared);
    for (unsigned i = 0; i < d->unit_count; i++) {
        describe_scopes(&d->units[i].scopes, scopes, sizeof scopes);
        printf("#   DRHD 0x%llx segment %u%s: %s\n", (unsigned long long)d->units[i].register_base,
               d->units[i].segment, d->units[i].flags & DMAR_INCLUDE_PCI_ALL ? " INCLUDE_PCI_ALL" : "",
               scopes);
    }
    for (unsigned i = 0; i < d->rmrr_count; i++) {
        describe_scopes(&d->rmrrs[i].scopes, scopes, sizeof scopes);
        printf("#   RMRR 0x%llx..0x%llx: %s\n", (unsigned long long)d->rmrrs[i].base,
               (unsigned long long)d->rmrrs[i].limit, scopes);
    }
    for (unsigned i = 0; i < d->atsr_count; i++) {
        describe_scopes(&d->atsrs[i].scopes, scopes, sizeof scopes);
        printf("#   ATSR flags 0x%x segment %u: %s\n", d->atsrs[i].flags, d->atsrs[i].segment,
               scopes);
    }
    for (unsigned i = 0; i < d->rhsa_count; i++)
        printf("#   RHSA 0x%llx domain %u\n", (unsigned long long)d->rhsas[i].register_base,
               d->rhsas[i].proximity_domain);
    for (unsigned i = 0; i < d->andd_count; i++)
        printf("#   ANDD %u %s\n", d->andds[i].acpi_device_number, d->andds[i].object_name);
    for (unsigned i = 0; i < d->satc_count; i++) {
        describe_scopes(&d->satcs[i].scopes, scopes, sizeof scopes);
        printf("#   SATC flags 0x%x segment %u: %s\n", d->satcs[i].flags, d->satcs[i].segment,
               scopes);
    }
    for (unsigned i = 0; i < d->sidp_count; i++) {
        describe_scopes(&d->sidps[i].scopes, scopes, sizeof scopes);
        printf("#   SIDP segment %u: %s\n", d->sidps[i].segment, scopes);
    }
    for (unsigned i = 0; i < d->problem_count; i++)
        printf("#   not trusted: %s\n", d->problems[i].text);
}

/* The .dsl must describe exactly these bytes: its raw dump is the table. */
static void expect_same_bytes(const struct dsl_file *dsl, const uint8_t *table, size_t length)
{
    if (dsl->raw_length != length || memcmp(dsl->raw, table, length) != 0)
        MISMATCH("the .dsl's raw dump (%zu bytes) is not the .dat (%zu bytes)", dsl->raw_length,
                 length);
}

static void compare_dmar(const uint8_t *table, size_t length, const struct dsl_file *dsl)
{
    fields_compared = 0;
    expect_same_bytes(dsl, table, length);
    struct iasl_dmar view;
    char why[ACPI_WHY_LEN];
    if (iasl_dmar_view(dsl, &view, why, sizeof why) != 0) {
        MISMATCH("the .dsl: %s", why);
        return;
    }
    struct dmar_info d;
    if (dmar_parse(table, length, &d, why) != 0) {
        MISMATCH("dmar_parse rejected the table: %s", why);
        iasl_dmar_free(&view);
        return;
    }
    expect_field(dsl, view.header, "header", "Table Length", 4, 4, length);
    expect_field(dsl, view.header, "header", "Host Address Width", 36, 1,
                 d.host_address_width - 1u); /* iasl shows the raw field, the width minus one */
    expect_field(dsl, view.header, "header", "Flags", 37, 1, d.flags);

    unsigned matched = 0, explained = 0, unknown = 0;
    for (size_t i = 0; i < view.subtable_count; i++) {
        const struct iasl_subtable *sub = &view.subtables[i];
        /* Where iasl gave up it may print another type than the table's (20200925 shows a
         * type-6 SIDP as "0005"), so the type then comes from the bytes. */
        uint16_t type = sub->type;
        if (!sub->decoded && sub->offset + 2 <= length) {
            type = (uint16_t)le(table + sub->offset, 2);
            if (type != sub->type)
                printf("#   iasl %s prints the subtable at 0x%x as type %u; its bytes say %u\n",
                       dsl->version, sub->offset, sub->type, type);
        }
        if (type >= KNOWN_TYPES) {
            unknown++;
            continue;
        }
        unsigned index;
        if (find_structure(&d, type, sub->offset, &index)) {
            matched++;
            compare_subtable(dsl, table, sub, type, &d, index);
            continue;
        }
        const struct dmar_problem *problem = find_problem(&d, sub->offset);
        const char *expected = expected_problem(dsl, &view, sub);
        if (!problem)
            MISMATCH("%s at 0x%x: iasl shows it, the parser neither kept nor listed it",
                     type_names[type], sub->offset);
        else if (!expected || !strstr(problem->text, expected))
            MISMATCH("%s at 0x%x: iasl decodes it, the parser refused it: %s",
                     type_names[type], sub->offset, problem->text);
        else
            explained++;
    }
    unsigned kept = d.unit_count + d.rmrr_count + d.atsr_count + d.rhsa_count + d.andd_count +
                    d.satc_count + d.sidp_count;
    if (matched != kept)
        MISMATCH("the parser kept %u structures, iasl shows %u of them (iasl stops at a subtable "
                 "type it does not know)", kept, matched);
    if (explained != d.problem_count)
        MISMATCH("%u problems, %u of them the firmware bugs iasl's values show", d.problem_count,
                 explained);
    if (unknown != d.unknown_count)
        MISMATCH("%u subtables of unknown type to iasl, %u to the parser", unknown,
                 d.unknown_count);
    print_dmar(&d, dsl->version);
    for (size_t i = 0; i < view.subtable_count; i++) {
        uint32_t at = view.subtables[i].offset;
        uint16_t type = at + 2 <= length ? (uint16_t)le(table + at, 2) : 0xffff;
        if (!view.subtables[i].decoded && type < KNOWN_TYPES)
            printf("#   iasl %s did not decode the %s at 0x%x; checked against the bytes as "
                   "VT-d 4.1 lays them out\n", dsl->version, type_names[type], at);
        else if (!view.subtables[i].decoded)
            printf("#   neither iasl %s nor the parser knows type %u at 0x%x; both skip it\n",
                   dsl->version, type, at);
    }
    dmar_free(&d);
    iasl_dmar_free(&view);
}

/* ---- MCFG ---- */

static void compare_mcfg(const uint8_t *table, size_t length, const struct dsl_file *dsl)
{
    fields_compared = 0;
    expect_same_bytes(dsl, table, length);
    struct iasl_mcfg view;
    char why[ACPI_WHY_LEN];
    if (iasl_mcfg_view(dsl, &view, why, sizeof why) != 0) {
        MISMATCH("the .dsl: %s", why);
        return;
    }
    unsigned n = 0, count = 0;
    struct acpi_mcfg_allocation *out = NULL;
    if (acpi_mcfg_count(table, length, &n, why) != 0 || !(out = calloc(n, sizeof *out)) ||
        acpi_parse_mcfg(table, length, out, n, &count, why) != 0) {
        MISMATCH("the MCFG was rejected: %s", why);
        free(out);
        iasl_mcfg_free(&view);
        return;
    }
    expect_field(dsl, view.header, "header", "Table Length", 4, 4, length);
    if (view.allocation_count != count)
        MISMATCH("iasl shows %zu allocations, the parser %u", view.allocation_count, count);
    printf("# %s (iasl %s): %u allocation%s", subject, dsl->version, count, count == 1 ? "" : "s");
    for (unsigned i = 0; i < count && i < view.allocation_count; i++) {
        char what[32];
        snprintf(what, sizeof what, "allocation %u", i);
        uint32_t at = 44 + 16 * i;
        expect_field(dsl, view.allocations[i], what, "Base Address", at, 8, out[i].base);
        expect_field(dsl, view.allocations[i], what, "Segment Group Number", at + 8, 2,
                     out[i].segment);
        expect_field(dsl, view.allocations[i], what, "Start Bus Number", at + 10, 1,
                     out[i].bus_start);
        expect_field(dsl, view.allocations[i], what, "End Bus Number", at + 11, 1,
                     out[i].bus_end);
        printf("%s segment %u buses %02x-%02x at 0x%llx", i ? ";" : ":", out[i].segment,
               out[i].bus_start, out[i].bus_end, (unsigned long long)out[i].base);
    }
    printf("; %u fields agree\n", fields_compared);
    free(out);
    iasl_mcfg_free(&view);
}

/* ---- one table and its disassembly ---- */

static void compare_files(const char *dat_path, const char *dsl_path)
{
    uint8_t *table;
    size_t length;
    if (file_bytes_read(dat_path, &table, &length) != 0) {
        MISMATCH("cannot read %s: %s", dat_path, strerror(errno));
        return;
    }
    struct dsl_file dsl;
    char why[256];
    if (dsl_read(dsl_path, &dsl, why, sizeof why) != 0) {
        MISMATCH("%s", why);
        free(table);
        return;
    }
    if (!dsl.version[0])
        snprintf(dsl.version, sizeof dsl.version, "of no stated version");
    if (length >= 4 && memcmp(table, "DMAR", 4) == 0)
        compare_dmar(table, length, &dsl);
    else if (length >= 4 && memcmp(table, "MCFG", 4) == 0)
        compare_mcfg(table, length, &dsl);
    else
        MISMATCH("%s is neither a DMAR nor an MCFG", dat_path);
    dsl_free(&dsl);
    free(table);
}

/* ---- the samples ---- */

struct sample_list {
    char **names; /* "dell-xps13-9310-dmar", without .dat */
    size_t count;
    char why[300];
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_samples(struct sample_list *list)
{
    memset(list, 0, sizeof *list);
    DIR *dir = opendir(ACPI_SAMPLES_DIR);
    if (!dir) {
        snprintf(list->why, sizeof list->why,
                 "%s: %s. It holds the real machines' tables these parsers must agree with; CI "
                 "lays shared/ beside the repository, so it must be ../shared/acpi-samples",
                 ACPI_SAMPLES_DIR, strerror(errno));
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t len = strlen(entry->d_name);
        if (len <= 4 || strcmp(entry->d_name + len - 4, ".dat") != 0)
            continue;
        char **grown = realloc(list->names, (list->count + 1) * sizeof *grown);
        if (!grown) {
            perror("test_real_tables: realloc");
            exit(2);
        }
        list->names = grown;
        list->names[list->count++] = strndup(entry->d_name, len - 4);
    }
    closedir(dir);
    if (list->count)
        qsort(list->names, list->count, sizeof *list->names, by_name);
    else
        snprintf(list->why, sizeof list->why, "%s holds no .dat tables", ACPI_SAMPLES_DIR);
}

static void sample(const char *name)
{
    char dat[512], dsl[512];
    snprintf(dat, sizeof dat, "%s/%s.dat", ACPI_SAMPLES_DIR, name);
    snprintf(dsl, sizeof dsl, "%s/%s.dsl", ACPI_SAMPLES_DIR, name);
    compare_files(dat, dsl);
}

/* ---- crafted tables through the installed iasl ---- */

static char iasl_dir[64];

/* Where iasl is on PATH, or NULL. */
static const char *find_iasl(void)
{
    static char found[512];
    const char *path = getenv("PATH");
    for (const char *p = path; p && *p;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        snprintf(found, sizeof found, "%.*s/iasl", (int)len, p);
        if (access(found, X_OK) == 0)
            return found;
        p = colon ? colon + 1 : NULL;
    }
    return NULL;
}

/* Writes the table to NAME.dat, has iasl -d disassemble it to NAME.dsl, and compares. */
static void through_iasl(const struct table *t)
{
    const char *iasl = find_iasl();
    if (!iasl) {
        MISMATCH("iasl is not installed: it comes with acpica-tools (image/packages.txt; "
                 "`make deps` installs it)");
        return;
    }
    if (!iasl_dir[0]) {
        snprintf(iasl_dir, sizeof iasl_dir, "%s/nvmetal-iasl-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(iasl_dir)) {
            MISMATCH("mkdtemp %s: %s", iasl_dir, strerror(errno));
            iasl_dir[0] = '\0';
            return;
        }
    }
    char dat[256], dsl[256], command[2048];
    snprintf(dat, sizeof dat, "%s/%s.dat", iasl_dir, subject);
    snprintf(dsl, sizeof dsl, "%s/%s.dsl", iasl_dir, subject);
    FILE *f = fopen(dat, "wb");
    if (!f || fwrite(t->bytes, 1, t->length, f) != t->length || fclose(f) != 0) {
        MISMATCH("cannot write %s", dat);
        return;
    }
    snprintf(command, sizeof command, "'%s' -d '%s' >'%s.log' 2>&1", iasl, dat, dat);
    int status = system(command);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        MISMATCH("iasl -d %s failed (status 0x%x); see %s.log", dat, status, dat);
        return;
    }
    compare_files(dat, dsl);
    unlink(dat);
    unlink(dsl);
    char log[300];
    snprintf(log, sizeof log, "%s.log", dat);
    unlink(log);
}

static struct table t;

/* More than the 8 allocations nvmetal once had room for. */
static void mcfg_nine_allocations(void)
{
    table_begin_mcfg(&t);
    for (unsigned i = 0; i < 9; i++)
        table_add_mcfg_allocation(&t, 0x3ff000000000ull + 0x10000000ull * i, (uint16_t)(i / 3),
                                  (uint8_t)(0x40 * (i % 3)), (uint8_t)(0x40 * (i % 3) + 0x3f));
    table_seal(&t);
    through_iasl(&t);
}

/* More than the 8 RMRRs nvmetal once had room for (an HP dc7800 has exactly 8). */
static void dmar_nine_rmrrs(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed90000);
    table_add_device_scope(&t, DMAR_SCOPE_IOAPIC, 0xf0, 0x1f, 0);
    table_end_structure(&t, drhd);
    for (unsigned i = 0; i < 9; i++) {
        size_t rmrr = table_begin_rmrr(&t, 0, 0x7d000000 + 0x200000ull * i,
                                       0x7d0fffff + 0x200000ull * i);
        table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x1a + (uint8_t)(i % 4), 0);
        if (i % 2)
            table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
        table_end_structure(&t, rmrr);
    }
    table_seal(&t);
    through_iasl(&t);
}

/* More than the 4 ANDDs nvmetal once kept, each named by a namespace scope. */
static void dmar_ten_andds(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed91000);
    const uint8_t path[1][2] = {{0x15, 0}};
    for (unsigned i = 0; i < 10; i++)
        table_add_scope(&t, DMAR_SCOPE_ACPI_NAMESPACE, 0, (uint8_t)(i + 1), 0, 1, path);
    table_end_structure(&t, drhd);
    char name[64];
    for (unsigned i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "\\_SB.PCI0.%s%u", i < 5 ? "I2C" : "UA0", i % 5);
        table_add_andd(&t, (uint8_t)(i + 1), name, i % 6);
    }
    table_seal(&t);
    through_iasl(&t);
}

/* The Lenovo bug, between good units: only the unit at 0 is left out. */
static void dmar_drhd_base_zero_among_good_ones(void)
{
    table_begin_dmar(&t, 38, 0);
    table_add_simple_drhd(&t, 0xfed90000);
    size_t broken = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0);
    table_end_structure(&t, broken);
    size_t last = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed91000);
    table_add_device_scope(&t, DMAR_SCOPE_IOAPIC, 0xf0, 0x1f, 0);
    table_add_device_scope(&t, DMAR_SCOPE_HPET, 0, 0x1f, 0);
    table_end_structure(&t, last);
    size_t rmrr = table_begin_rmrr(&t, 0, 0x90e11000, 0x90e30fff);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x1d, 0);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    table_end_structure(&t, rmrr);
    table_seal(&t);
    through_iasl(&t);
}

/* A server: ten units on two segments with deep paths, ATSRs, RHSAs (one naming no unit). */
static void dmar_server(void)
{
    table_begin_dmar(&t, 45, 3);
    for (unsigned i = 0; i < 10; i++) {
        size_t drhd = table_begin_drhd(&t, i == 9 ? DMAR_INCLUDE_PCI_ALL : 0, (uint16_t)(i / 5),
                                       0xc5ffc000 + 0x1000000ull * i);
        table_write_le(&t, drhd + 5, 1, 1); /* Size: 2 pages of registers */
        table_add_scope(&t, DMAR_SCOPE_IOAPIC, 0, (uint8_t)(8 + i), (uint8_t)(0x10 * i), 1,
                        (const uint8_t[][2]){{5, 4}});
        for (unsigned port = 0; port < 4 && i != 9; port++)
            table_add_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, (uint8_t)(0x10 * i), 1,
                            (const uint8_t[][2]){{(uint8_t)port, 0}});
        table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, (uint8_t)(0x10 * i), 3,
                        (const uint8_t[][2]){{2, 0}, {0, 0}, {3, (uint8_t)(i % 8)}});
        table_end_structure(&t, drhd);
    }
    size_t rmrr = table_begin_rmrr(&t, 0, 0x6f7c0000, 0x6f7dffff);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 0, 2, (const uint8_t[][2]){{0x14, 0}, {0, 0}});
    table_end_structure(&t, rmrr);
    for (unsigned segment = 0; segment < 2; segment++) {
        size_t atsr = table_begin_flags_segment(&t, DMAR_TYPE_ATSR, 0, (uint16_t)segment);
        for (unsigned i = 0; i < 5; i++)
            table_add_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, (uint8_t)(0x10 * (i + 5 * segment)), 1,
                            (const uint8_t[][2]){{0, 0}});
        table_end_structure(&t, atsr);
    }
    for (unsigned i = 0; i < 10; i++)
        table_add_rhsa(&t, 0xc5ffc000 + 0x1000000ull * i, i / 5);
    table_add_rhsa(&t, 0xaaffc000, 1);
    table_seal(&t);
    through_iasl(&t);
}

/* SATC and SIDP last: an iasl that does not know them stops there. */
static void dmar_satc(void)
{
    table_begin_dmar(&t, 41, 5);
    table_add_simple_drhd(&t, 0xfc800000);
    size_t satc = table_begin_flags_segment(&t, DMAR_TYPE_SATC, DMAR_SATC_ATC_REQUIRED, 0);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 5, 0);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 0, 2, (const uint8_t[][2]){{7, 0}, {0, 0}});
    table_end_structure(&t, satc);
    table_seal(&t);
    through_iasl(&t);
}

static void dmar_sidp(void)
{
    table_begin_dmar(&t, 41, 5);
    table_add_simple_drhd(&t, 0xfc800000);
    size_t sidp = table_begin_sidp(&t, 0);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0x1f, 0, 0, 1, (const uint8_t[][2]){{2, 0}});
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, DMAR_SCOPE_ATC_HARDENED | DMAR_SCOPE_ATC_REQUIRED |
                    DMAR_SCOPE_REQ_WO_PASID_PGSNP_NOTALLOWED, 0, 0, 1, (const uint8_t[][2]){{0xb, 0}});
    table_end_structure(&t, sidp);
    table_seal(&t);
    through_iasl(&t);
}

/* A structure type from a later specification: skipped by its length, counted, and iasl
 * agrees it is there. */
static void dmar_future_type(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    size_t future = table_begin_structure(&t, 0x7f);
    table_append_le(&t, 0x1234, 4);
    table_end_structure(&t, future);
    table_seal(&t);
    through_iasl(&t);
}

/* ---- running ---- */

static unsigned passed, failed;

/* One test point, as check_run prints them, for cases named at run time. */
static void run_point(const char *name, void (*run)(const char *), const char *arg)
{
    check_failures = 0;
    check_details_len = 0;
    check_details[0] = '\0';
    subject = arg ? arg : name;
    run(arg);
    if (check_failures == 0) {
        passed++;
        printf("ok - %s: %s\n", check_basename(__FILE__), name);
    } else {
        failed++;
        printf("not ok - %s: %s\n%s", check_basename(__FILE__), name, check_details);
    }
}

static struct sample_list samples;

/* The folder must be there and hold both kinds: without it nothing here is proved. */
static void samples_folder(const char *unused)
{
    if (samples.why[0]) {
        MISMATCH("%s", samples.why);
        return;
    }
    unsigned dmar = 0, mcfg = 0;
    for (size_t i = 0; i < samples.count; i++) {
        char dsl[512];
        snprintf(dsl, sizeof dsl, "%s/%s.dsl", ACPI_SAMPLES_DIR, samples.names[i]);
        if (access(dsl, R_OK) != 0)
            MISMATCH("%s.dat has no %s.dsl beside it", samples.names[i], samples.names[i]);
        dmar += strstr(samples.names[i], "dmar") != NULL;
        mcfg += strstr(samples.names[i], "mcfg") != NULL;
    }
    if (!dmar || !mcfg)
        MISMATCH("%u DMAR and %u MCFG samples: both kinds are needed", dmar, mcfg);
}

static const struct {
    const char *name;
    void (*build)(void);
} crafted_tables[] = {
    {"mcfg-nine-allocations", mcfg_nine_allocations},
    {"dmar-nine-rmrrs", dmar_nine_rmrrs},
    {"dmar-ten-andds", dmar_ten_andds},
    {"dmar-drhd-base-zero-among-good-ones", dmar_drhd_base_zero_among_good_ones},
    {"dmar-server", dmar_server},
    {"dmar-satc", dmar_satc},
    {"dmar-sidp", dmar_sidp},
    {"dmar-future-type", dmar_future_type},
};

static void crafted(const char *name)
{
    for (size_t i = 0; i < CHECK_COUNT(crafted_tables); i++)
        if (strcmp(crafted_tables[i].name, name) == 0)
            crafted_tables[i].build();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    list_samples(&samples);
    run_point("samples_folder " ACPI_SAMPLES_DIR, samples_folder, NULL);
    char name[300];
    for (size_t i = 0; i < samples.count; i++) {
        snprintf(name, sizeof name, "sample %s agrees with its .dsl", samples.names[i]);
        run_point(name, sample, samples.names[i]);
    }
    for (size_t i = 0; i < CHECK_COUNT(crafted_tables); i++) {
        snprintf(name, sizeof name, "crafted %s agrees with iasl -d", crafted_tables[i].name);
        run_point(name, crafted, crafted_tables[i].name);
    }
    if (iasl_dir[0])
        rmdir(iasl_dir);
    for (size_t i = 0; i < samples.count; i++)
        free(samples.names[i]);
    free(samples.names);
    table_free(&t);
    printf("host-real_tables: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
