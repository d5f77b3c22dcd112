/* DMAR table parser (VT-d 4.1 chapter 8): remapping structures and device scopes, sized from the table, malformed ones skipped and listed. */
#include "lib/dmar.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The DMAR header after the common ACPI header; remapping structures follow it. */
struct __attribute__((packed)) dmar_fixed {
    struct acpi_header header;
    uint8_t host_address_width; /* the width minus one */
    uint8_t flags;
    uint8_t reserved[10];
};
_Static_assert(sizeof(struct dmar_fixed) == 48, "DMAR remapping structures start at 48");

/* Every remapping structure begins with these four bytes. */
struct __attribute__((packed)) dmar_structure_header {
    uint16_t type;
    uint16_t length;
};
_Static_assert(sizeof(struct dmar_structure_header) == 4, "remapping structure header is 4 bytes");

struct __attribute__((packed)) dmar_drhd_fixed {
    struct dmar_structure_header header;
    uint8_t flags;
    uint8_t size; /* reserved before VT-d 3.x: register set size as 2^N pages */
    uint16_t segment;
    uint64_t register_base;
};
_Static_assert(sizeof(struct dmar_drhd_fixed) == 16, "DRHD scopes start at 16");

struct __attribute__((packed)) dmar_rmrr_fixed {
    struct dmar_structure_header header;
    uint16_t reserved;
    uint16_t segment;
    uint64_t base;
    uint64_t limit;
};
_Static_assert(sizeof(struct dmar_rmrr_fixed) == 24, "RMRR scopes start at 24");

/* ATSR and SATC share this layout: flags, a reserved byte, the segment, then scopes. */
struct __attribute__((packed)) dmar_flags_segment_fixed {
    struct dmar_structure_header header;
    uint8_t flags;
    uint8_t reserved;
    uint16_t segment;
};
_Static_assert(sizeof(struct dmar_flags_segment_fixed) == 8, "ATSR and SATC scopes start at 8");

struct __attribute__((packed)) dmar_rhsa_fixed {
    struct dmar_structure_header header;
    uint32_t reserved;
    uint64_t register_base;
    uint32_t proximity_domain;
};
_Static_assert(sizeof(struct dmar_rhsa_fixed) == 20, "RHSA is 20 bytes");

struct __attribute__((packed)) dmar_andd_fixed {
    struct dmar_structure_header header;
    uint8_t reserved[3];
    uint8_t acpi_device_number;
};
_Static_assert(sizeof(struct dmar_andd_fixed) == 8, "ANDD object name starts at 8");

struct __attribute__((packed)) dmar_sidp_fixed {
    struct dmar_structure_header header;
    uint16_t reserved;
    uint16_t segment;
};
_Static_assert(sizeof(struct dmar_sidp_fixed) == 8, "SIDP scopes start at 8");

/* A device scope: this header, then (device, function) pairs up to its length. */
struct __attribute__((packed)) dmar_scope_fixed {
    uint8_t type;
    uint8_t length;
    uint8_t flags; /* VT-d 4.1; the first half of a reserved word before */
    uint8_t reserved;
    uint8_t enumeration_id;
    uint8_t start_bus;
};
_Static_assert(sizeof(struct dmar_scope_fixed) == 6, "device scope path starts at 6");

#define PAGE_MASK_4K 0xfffull
#define PCI_MAX_DEVICE 31
#define PCI_MAX_FUNCTION 7
#define NO_TYPE 0xffff

static bool is_pci_function(uint8_t device, uint8_t function)
{
    return device <= PCI_MAX_DEVICE && function <= PCI_MAX_FUNCTION;
}

/* One remapping structure being decoded: where it is, for messages, and its bytes. */
struct dmar_structure {
    const uint8_t *bytes;
    uint32_t offset; /* from the start of the table */
    uint16_t type;
    uint16_t length;
    const char *name;
};

/* The table is walked twice with the same code: the first pass only counts what the second
 * will keep (structures, scopes, hops, name bytes, problems), so the one allocation in
 * between holds exactly that and no array has a limit of its own. */
struct dmar_build {
    struct dmar_info *info;
    bool counting;
    unsigned scopes_used, hops_used;
    size_t name_bytes_used;
    struct dmar_scope *scope_pool;
    struct dmar_hop *hop_pool;
    char *name_pool;
};

static void __attribute__((format(printf, 5, 6)))
add_problem(struct dmar_build *b, uint32_t offset, uint16_t type, bool walk_stopped,
            const char *fmt, ...)
{
    struct dmar_info *out = b->info;
    if (!b->counting) {
        struct dmar_problem *p = &out->problems[out->problem_count];
        p->offset = offset;
        p->type = type;
        p->walk_stopped = walk_stopped;
        va_list args;
        va_start(args, fmt);
        vsnprintf(p->text, sizeof p->text, fmt, args);
        va_end(args);
    }
    out->problem_count++;
}

#define STRUCTURE_PROBLEM(b, s, ...) add_problem((b), (s)->offset, (s)->type, false, __VA_ARGS__)

/* Checks the device scopes from `first` to the structure's end and then decodes them into
 * *list. Returns 0, or -1 with a problem recorded when any scope is malformed: one bad scope
 * makes the whole structure untrustworthy, since the scopes decide which devices it names. */
static int parse_scopes(struct dmar_build *b, const struct dmar_structure *s, size_t first,
                        struct dmar_scope_list *list)
{
    unsigned scopes = 0, hops = 0;
    for (size_t at = first; at < s->length; scopes++) {
        size_t left = s->length - at;
        if (left < sizeof(struct dmar_scope_fixed)) {
            STRUCTURE_PROBLEM(b, s, "%s at 0x%x scope %u: only %zu bytes left, a scope needs 6",
                              s->name, s->offset, scopes, left);
            return -1;
        }
        struct dmar_scope_fixed scope;
        memcpy(&scope, s->bytes + at, sizeof scope);
        if (scope.length < sizeof scope) {
            STRUCTURE_PROBLEM(b, s, "%s at 0x%x scope %u: length %u is less than 6", s->name,
                              s->offset, scopes, scope.length);
            return -1;
        }
        if (scope.length > left) {
            STRUCTURE_PROBLEM(b, s, "%s at 0x%x scope %u: length %u runs past the structure's end",
                              s->name, s->offset, scopes, scope.length);
            return -1;
        }
        size_t path_bytes = scope.length - sizeof scope;
        if (path_bytes % 2 != 0) {
            STRUCTURE_PROBLEM(b, s, "%s at 0x%x scope %u: length %u leaves an odd path of %zu bytes",
                              s->name, s->offset, scopes, scope.length, path_bytes);
            return -1;
        }
        const uint8_t *path = s->bytes + at + sizeof scope;
        for (unsigned hop = 0; hop < path_bytes / 2; hop++) {
            if (!is_pci_function(path[2 * hop], path[2 * hop + 1])) {
                STRUCTURE_PROBLEM(b, s,
                                  "%s at 0x%x scope %u: hop %u names device 0x%x function 0x%x "
                                  "(limits 0x1f, 7)",
                                  s->name, s->offset, scopes, hop, path[2 * hop], path[2 * hop + 1]);
                return -1;
            }
        }
        hops += (unsigned)(path_bytes / 2);
        at += scope.length;
    }

    list->count = scopes;
    list->scopes = NULL;
    if (b->counting) {
        b->scopes_used += scopes;
        b->hops_used += hops;
        return 0;
    }
    list->scopes = scopes ? &b->scope_pool[b->scopes_used] : NULL;
    b->scopes_used += scopes;
    size_t at = first;
    for (unsigned i = 0; i < scopes; i++) {
        struct dmar_scope_fixed scope;
        memcpy(&scope, s->bytes + at, sizeof scope);
        struct dmar_scope *decoded = &list->scopes[i];
        decoded->type = scope.type;
        decoded->flags = scope.flags;
        decoded->enumeration_id = scope.enumeration_id;
        decoded->start_bus = scope.start_bus;
        decoded->path_length = (uint8_t)((scope.length - sizeof scope) / 2);
        decoded->path = decoded->path_length ? &b->hop_pool[b->hops_used] : NULL;
        b->hops_used += decoded->path_length;
        const uint8_t *path = s->bytes + at + sizeof scope;
        for (unsigned hop = 0; hop < decoded->path_length; hop++) {
            decoded->path[hop].device = path[2 * hop];
            decoded->path[hop].function = path[2 * hop + 1];
        }
        at += scope.length;
    }
    return 0;
}

/* The slot the next structure of a type goes to, or NULL in the counting pass; the count
 * goes up either way, so both passes agree on how many there are. */
#define NEXT_SLOT(b, array, count) ((b)->counting ? NULL : &(b)->info->array[(b)->info->count])

static void parse_drhd(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_drhd_fixed drhd;
    memcpy(&drhd, s->bytes, sizeof drhd);
    /* Linux warns "Your BIOS is broken; DMAR reported at address 0" and uses no such unit. */
    if (drhd.register_base == 0) {
        STRUCTURE_PROBLEM(b, s, "DRHD at 0x%x: register base is 0 (a firmware bug); unit ignored",
                          s->offset);
        if (!b->counting)
            b->info->problems[b->info->problem_count - 1].zero_base_unit = true;
        return;
    }
    if ((drhd.register_base & PAGE_MASK_4K) != 0) {
        STRUCTURE_PROBLEM(b, s, "DRHD at 0x%x: register base 0x%llx is not 4 KiB aligned",
                          s->offset, (unsigned long long)drhd.register_base);
        return;
    }
    struct dmar_scope_list scopes;
    if (parse_scopes(b, s, sizeof drhd, &scopes) < 0)
        return;
    struct dmar_unit *unit = NEXT_SLOT(b, units, unit_count);
    b->info->unit_count++;
    if (!unit)
        return;
    unit->offset = s->offset;
    unit->flags = drhd.flags;
    unit->size = drhd.size;
    unit->segment = drhd.segment;
    unit->register_base = drhd.register_base;
    unit->scopes = scopes;
}

static void parse_rmrr(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_rmrr_fixed rmrr;
    memcpy(&rmrr, s->bytes, sizeof rmrr);
    if (rmrr.limit < rmrr.base) {
        STRUCTURE_PROBLEM(b, s, "RMRR at 0x%x: limit 0x%llx is below base 0x%llx", s->offset,
                          (unsigned long long)rmrr.limit, (unsigned long long)rmrr.base);
        return;
    }
    /* limit is inclusive, so the region ends on a page boundary when limit + 1 does (a limit
     * of all ones wraps to 0, which is aligned: the region runs to the top). */
    if ((rmrr.base & PAGE_MASK_4K) != 0 || ((rmrr.limit + 1) & PAGE_MASK_4K) != 0) {
        STRUCTURE_PROBLEM(b, s, "RMRR at 0x%x: 0x%llx..0x%llx is not 4 KiB aligned", s->offset,
                          (unsigned long long)rmrr.base, (unsigned long long)rmrr.limit);
        return;
    }
    struct dmar_scope_list scopes;
    if (parse_scopes(b, s, sizeof rmrr, &scopes) < 0)
        return;
    struct dmar_rmrr *region = NEXT_SLOT(b, rmrrs, rmrr_count);
    b->info->rmrr_count++;
    if (!region)
        return;
    region->offset = s->offset;
    region->segment = rmrr.segment;
    region->base = rmrr.base;
    region->limit = rmrr.limit;
    region->scopes = scopes;
}

static void parse_atsr(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_flags_segment_fixed atsr;
    memcpy(&atsr, s->bytes, sizeof atsr);
    struct dmar_scope_list scopes;
    if (parse_scopes(b, s, sizeof atsr, &scopes) < 0)
        return;
    struct dmar_atsr *decoded = NEXT_SLOT(b, atsrs, atsr_count);
    b->info->atsr_count++;
    if (!decoded)
        return;
    decoded->offset = s->offset;
    decoded->flags = atsr.flags;
    decoded->segment = atsr.segment;
    decoded->scopes = scopes;
}

/* Kept for now; check_rhsas drops the ones that name no unit once every DRHD is known. */
static void parse_rhsa(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_rhsa_fixed rhsa;
    memcpy(&rhsa, s->bytes, sizeof rhsa);
    struct dmar_rhsa *decoded = NEXT_SLOT(b, rhsas, rhsa_count);
    b->info->rhsa_count++;
    if (!decoded)
        return;
    decoded->offset = s->offset;
    decoded->register_base = rhsa.register_base;
    decoded->proximity_domain = rhsa.proximity_domain;
}

static void parse_andd(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_andd_fixed andd;
    memcpy(&andd, s->bytes, sizeof andd);
    const char *name = (const char *)s->bytes + sizeof andd;
    const char *end = memchr(name, '\0', s->length - sizeof andd);
    if (!end) {
        STRUCTURE_PROBLEM(b, s, "ANDD at 0x%x: object name is not NUL-terminated", s->offset);
        return;
    }
    size_t name_bytes = (size_t)(end - name) + 1;
    struct dmar_andd *decoded = NEXT_SLOT(b, andds, andd_count);
    b->info->andd_count++;
    if (!decoded) {
        b->name_bytes_used += name_bytes;
        return;
    }
    decoded->offset = s->offset;
    decoded->acpi_device_number = andd.acpi_device_number;
    decoded->object_name = &b->name_pool[b->name_bytes_used];
    memcpy(decoded->object_name, name, name_bytes);
    b->name_bytes_used += name_bytes;
}

static void parse_satc(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_flags_segment_fixed satc;
    memcpy(&satc, s->bytes, sizeof satc);
    struct dmar_scope_list scopes;
    if (parse_scopes(b, s, sizeof satc, &scopes) < 0)
        return;
    struct dmar_satc *decoded = NEXT_SLOT(b, satcs, satc_count);
    b->info->satc_count++;
    if (!decoded)
        return;
    decoded->offset = s->offset;
    decoded->flags = satc.flags;
    decoded->segment = satc.segment;
    decoded->scopes = scopes;
}

static void parse_sidp(struct dmar_build *b, const struct dmar_structure *s)
{
    struct dmar_sidp_fixed sidp;
    memcpy(&sidp, s->bytes, sizeof sidp);
    struct dmar_scope_list scopes;
    if (parse_scopes(b, s, sizeof sidp, &scopes) < 0)
        return;
    struct dmar_sidp *decoded = NEXT_SLOT(b, sidps, sidp_count);
    b->info->sidp_count++;
    if (!decoded)
        return;
    decoded->offset = s->offset;
    decoded->segment = sidp.segment;
    decoded->scopes = scopes;
}

/* Name, fixed size and decoder of each structure type, indexed by type. Later types need
 * only the common 4-byte header to be skipped. */
static const struct {
    const char *name;
    uint16_t fixed_bytes;
    void (*parse)(struct dmar_build *, const struct dmar_structure *);
} known_types[] = {
    [DMAR_TYPE_DRHD] = {"DRHD", sizeof(struct dmar_drhd_fixed), parse_drhd},
    [DMAR_TYPE_RMRR] = {"RMRR", sizeof(struct dmar_rmrr_fixed), parse_rmrr},
    [DMAR_TYPE_ATSR] = {"ATSR", sizeof(struct dmar_flags_segment_fixed), parse_atsr},
    [DMAR_TYPE_RHSA] = {"RHSA", sizeof(struct dmar_rhsa_fixed), parse_rhsa},
    [DMAR_TYPE_ANDD] = {"ANDD", sizeof(struct dmar_andd_fixed), parse_andd},
    [DMAR_TYPE_SATC] = {"SATC", sizeof(struct dmar_flags_segment_fixed), parse_satc},
    [DMAR_TYPE_SIDP] = {"SIDP", sizeof(struct dmar_sidp_fixed), parse_sidp},
};
#define KNOWN_TYPE_COUNT (sizeof known_types / sizeof known_types[0])

static void walk(struct dmar_build *b, const uint8_t *bytes, uint32_t length)
{
    uint32_t offset = sizeof(struct dmar_fixed);
    while (offset < length) {
        uint32_t left = length - offset;
        struct dmar_structure_header header;
        if (left < sizeof header) {
            add_problem(b, offset, NO_TYPE, true,
                        "structure at offset 0x%x has only %u bytes before the table end",
                        offset, left);
            return;
        }
        memcpy(&header, bytes + offset, sizeof header);
        const char *name = header.type < KNOWN_TYPE_COUNT ? known_types[header.type].name : NULL;
        uint16_t fixed_bytes = name ? known_types[header.type].fixed_bytes : sizeof header;
        /* A structure's length is the only way to find the next one: once it is wrong,
         * nothing after it can be located, so the walk stops. */
        if (header.length < sizeof header) {
            add_problem(b, offset, header.type, true,
                        "structure at offset 0x%x has length %u, less than 4", offset,
                        header.length);
            return;
        }
        if (header.length > left) {
            add_problem(b, offset, header.type, true,
                        "structure at offset 0x%x has length %u, past the table end at 0x%x",
                        offset, header.length, length);
            return;
        }
        if (header.length < fixed_bytes) {
            add_problem(b, offset, header.type, true,
                        "structure at offset 0x%x has length %u, shorter than a %s (%u)", offset,
                        header.length, name, fixed_bytes);
            return;
        }
        if (name) {
            struct dmar_structure s = {bytes + offset, offset, header.type, header.length, name};
            known_types[header.type].parse(b, &s);
        } else {
            b->info->unknown_count++;
        }
        offset += header.length;
    }
}

/* Linux warns "RHSA refers to non-existent DMAR unit" and ignores such an RHSA; so does this. */
static void check_rhsas(struct dmar_build *b)
{
    struct dmar_info *out = b->info;
    unsigned kept = 0;
    for (unsigned i = 0; i < out->rhsa_count; i++) {
        const struct dmar_rhsa rhsa = out->rhsas[i];
        bool named = false;
        for (unsigned k = 0; k < out->unit_count && !named; k++)
            named = out->units[k].register_base == rhsa.register_base;
        if (named)
            out->rhsas[kept++] = rhsa;
        else
            add_problem(b, rhsa.offset, DMAR_TYPE_RHSA, false,
                        "RHSA at 0x%x: register base 0x%llx is no DRHD's; affinity ignored",
                        rhsa.offset, (unsigned long long)rhsa.register_base);
    }
    for (unsigned i = kept; i < out->rhsa_count; i++)
        memset(&out->rhsas[i], 0, sizeof out->rhsas[i]);
    out->rhsa_count = kept;
}

/* Hands out aligned pieces of one block; with base NULL it only adds up their sizes. */
struct carver {
    uint8_t *base;
    size_t used;
};

static void *carve(struct carver *c, size_t count, size_t size)
{
    const size_t align = alignof(max_align_t);
    c->used = (c->used + align - 1) & ~(align - 1);
    void *piece = c->base && count ? c->base + c->used : NULL;
    c->used += count * size;
    return piece;
}

/* Lays the arrays out in one block at `base` (or, with base NULL, only adds up their size):
 * how many of each from `counts` and `counted`, the pointers into `out` and `b`. */
static size_t lay_out(const struct dmar_info *counts, const struct dmar_build *counted,
                      unsigned problem_room, uint8_t *base, struct dmar_info *out,
                      struct dmar_build *b)
{
    struct carver c = {base, 0};
    out->units = carve(&c, counts->unit_count, sizeof *out->units);
    out->rmrrs = carve(&c, counts->rmrr_count, sizeof *out->rmrrs);
    out->atsrs = carve(&c, counts->atsr_count, sizeof *out->atsrs);
    out->rhsas = carve(&c, counts->rhsa_count, sizeof *out->rhsas);
    out->andds = carve(&c, counts->andd_count, sizeof *out->andds);
    out->satcs = carve(&c, counts->satc_count, sizeof *out->satcs);
    out->sidps = carve(&c, counts->sidp_count, sizeof *out->sidps);
    out->problems = carve(&c, problem_room, sizeof *out->problems);
    b->scope_pool = carve(&c, counted->scopes_used, sizeof *b->scope_pool);
    b->hop_pool = carve(&c, counted->hops_used, sizeof *b->hop_pool);
    b->name_pool = carve(&c, counted->name_bytes_used, 1);
    return c.used;
}

int dmar_parse(const void *table, size_t avail, struct dmar_info *out, char why[ACPI_WHY_LEN])
{
    memset(out, 0, sizeof *out);
    if (acpi_check_table(table, avail, "DMAR", why) < 0)
        return -1;
    struct dmar_fixed fixed;
    memcpy(&fixed.header, table, sizeof fixed.header);
    uint32_t length = fixed.header.length;
    if (length < sizeof fixed) {
        if (why)
            snprintf(why, ACPI_WHY_LEN, "DMAR: length %u is shorter than the 48-byte fixed part",
                     length);
        return -1;
    }
    memcpy(&fixed, table, sizeof fixed);

    struct dmar_build counted = {.info = out, .counting = true};
    walk(&counted, table, length);
    const struct dmar_info counts = *out;
    /* Every RHSA may yet turn out to name no unit: one more problem each. */
    unsigned problem_room = counts.problem_count + counts.rhsa_count;

    memset(out, 0, sizeof *out);
    struct dmar_build b = {.info = out, .counting = false};
    size_t bytes = lay_out(&counts, &counted, problem_room, NULL, out, &b);
    if (bytes && !(out->storage = calloc(1, bytes))) {
        if (why)
            snprintf(why, ACPI_WHY_LEN, "DMAR: no memory for the %zu bytes its structures need",
                     bytes);
        return -1;
    }
    lay_out(&counts, &counted, problem_room, out->storage, out, &b);
    out->host_address_width = (uint8_t)(fixed.host_address_width + 1);
    out->flags = fixed.flags;
    walk(&b, table, length);
    check_rhsas(&b);
    return 0;
}

void dmar_free(struct dmar_info *info)
{
    free(info->storage);
    memset(info, 0, sizeof *info);
}

bool dmar_problem_affects_remapping(const struct dmar_problem *problem)
{
    return problem->walk_stopped || problem->type == DMAR_TYPE_DRHD ||
           problem->type == DMAR_TYPE_RMRR;
}

enum dmar_unit_verdict dmar_unit_verdict(const struct dmar_info *info, char *why, size_t len)
{
    if (len)
        why[0] = '\0';
    if (info->unit_count)
        return DMAR_UNITS_USABLE;
    unsigned zero_base = 0, malformed = 0;
    const struct dmar_problem *stopped = NULL;
    for (unsigned i = 0; i < info->problem_count; i++) {
        const struct dmar_problem *p = &info->problems[i];
        if (p->zero_base_unit)
            zero_base++;
        else if (p->type == DMAR_TYPE_DRHD && !p->walk_stopped)
            malformed++;
        if (p->walk_stopped)
            stopped = p;
    }
    /* A stopped walk may have hidden a good unit, so even all-zero-base units before it do
     * not explain the absence of one. */
    if (stopped || malformed) {
        char walk[64] = "";
        if (stopped)
            snprintf(walk, sizeof walk, "; walk stopped at 0x%x", stopped->offset);
        snprintf(why, len, "no trusted DRHD in the DMAR (%u malformed, %u at register base 0%s); "
                 "no usable VT-d unit", malformed, zero_base, walk);
        return DMAR_UNITS_NONE_TRUSTED;
    }
    if (zero_base == 1)
        snprintf(why, len, "the DMAR's only DRHD has register base 0 (a firmware bug); no usable "
                 "VT-d unit");
    else if (zero_base)
        snprintf(why, len, "all %u of the DMAR's DRHDs have register base 0 (a firmware bug); no "
                 "usable VT-d unit", zero_base);
    else
        snprintf(why, len, "the DMAR lists no DRHD; no VT-d unit");
    return zero_base ? DMAR_UNITS_ALL_ZERO_BASE : DMAR_UNITS_NONE_LISTED;
}

int dmar_scope_source_id(const struct dmar_scope *scope,
                         int (*secondary_bus_of)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn),
                         void *ctx)
{
    unsigned hops = scope->path_length;
    if (hops == 0 || !scope->path)
        return -1;
    for (unsigned hop = 0; hop < hops; hop++)
        if (!is_pci_function(scope->path[hop].device, scope->path[hop].function))
            return -1;
    /* Every hop but the last is a bridge; the next hop sits on its secondary bus. */
    int bus = scope->start_bus;
    for (unsigned hop = 0; hop + 1 < hops; hop++) {
        if (!secondary_bus_of)
            return -1;
        bus = secondary_bus_of(ctx, (uint8_t)bus, scope->path[hop].device,
                               scope->path[hop].function);
        if (bus < 0 || bus > 0xff)
            return -1;
    }
    return bus << 8 | scope->path[hops - 1].device << 3 | scope->path[hops - 1].function;
}
