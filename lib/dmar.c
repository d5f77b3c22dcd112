/* DMAR table parser (VT-d 3.x chapter 8): remapping structures and device scopes, malformed ones skipped and listed. */
#include "lib/dmar.h"

#include <stdarg.h>
#include <stdio.h>
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

struct __attribute__((packed)) dmar_atsr_fixed {
    struct dmar_structure_header header;
    uint8_t flags;
    uint8_t reserved;
    uint16_t segment;
};
_Static_assert(sizeof(struct dmar_atsr_fixed) == 8, "ATSR scopes start at 8");

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

/* A device scope: this header, then (device, function) pairs up to its length. */
struct __attribute__((packed)) dmar_scope_fixed {
    uint8_t type;
    uint8_t length;
    uint16_t reserved;
    uint8_t enumeration_id;
    uint8_t start_bus;
};
_Static_assert(sizeof(struct dmar_scope_fixed) == 6, "device scope path starts at 6");

enum dmar_structure_type {
    DMAR_TYPE_DRHD = 0,
    DMAR_TYPE_RMRR = 1,
    DMAR_TYPE_ATSR = 2,
    DMAR_TYPE_RHSA = 3,
    DMAR_TYPE_ANDD = 4,
};

/* Name and fixed size of each structure type this parser decodes, indexed by type. Later
 * types (SATC and whatever follows) need only the common 4-byte header to be skipped. */
static const struct {
    const char *name;
    uint16_t fixed_bytes;
} known_types[] = {
    [DMAR_TYPE_DRHD] = {"DRHD", sizeof(struct dmar_drhd_fixed)},
    [DMAR_TYPE_RMRR] = {"RMRR", sizeof(struct dmar_rmrr_fixed)},
    [DMAR_TYPE_ATSR] = {"ATSR", sizeof(struct dmar_atsr_fixed)},
    [DMAR_TYPE_RHSA] = {"RHSA", sizeof(struct dmar_rhsa_fixed)},
    [DMAR_TYPE_ANDD] = {"ANDD", sizeof(struct dmar_andd_fixed)},
};
#define KNOWN_TYPE_COUNT (sizeof known_types / sizeof known_types[0])

#define PAGE_MASK_4K 0xfffull
#define PCI_MAX_DEVICE 31
#define PCI_MAX_FUNCTION 7

static bool is_pci_function(uint8_t device, uint8_t function)
{
    return device <= PCI_MAX_DEVICE && function <= PCI_MAX_FUNCTION;
}

/* One remapping structure being decoded: where it is, for messages, and its bytes. */
struct dmar_structure {
    const uint8_t *bytes;
    uint32_t offset; /* from the start of the table */
    uint16_t length;
    const char *name;
};

/* Lists a skipped structure. Problems past DMAR_MAX_PROBLEMS are dropped: the first ones
 * already say the table cannot be trusted, and a full list tells the reader there were more. */
static void __attribute__((format(printf, 2, 3)))
add_problem(struct dmar_info *out, const char *fmt, ...)
{
    if (out->problem_count >= DMAR_MAX_PROBLEMS)
        return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(out->problems[out->problem_count++], sizeof out->problems[0], fmt, args);
    va_end(args);
}

/* Decodes the device scopes from `first` to the structure's end into *list. Returns 0, or
 * -1 with a problem recorded when any scope is malformed: one bad scope makes the whole
 * structure untrustworthy, since the scopes decide which devices a unit translates. */
static int parse_scopes(struct dmar_info *out, const struct dmar_structure *s, size_t first,
                        struct dmar_scope_list *list)
{
    memset(list, 0, sizeof *list);
    size_t at = first;
    for (unsigned scope_index = 0; at < s->length; scope_index++) {
        size_t left = s->length - at;
        if (left < sizeof(struct dmar_scope_fixed)) {
            add_problem(out, "%s at 0x%x scope %u: only %zu bytes left, a scope needs 6", s->name,
                        s->offset, scope_index, left);
            return -1;
        }
        struct dmar_scope_fixed scope;
        memcpy(&scope, s->bytes + at, sizeof scope);
        if (scope.length < sizeof scope) {
            add_problem(out, "%s at 0x%x scope %u: length %u is less than 6", s->name, s->offset,
                        scope_index, scope.length);
            return -1;
        }
        if (scope.length > left) {
            add_problem(out, "%s at 0x%x scope %u: length %u runs past the structure's end",
                        s->name, s->offset, scope_index, scope.length);
            return -1;
        }
        size_t path_bytes = scope.length - sizeof scope;
        if (path_bytes % 2 != 0) {
            add_problem(out, "%s at 0x%x scope %u: length %u leaves an odd path of %zu bytes",
                        s->name, s->offset, scope_index, scope.length, path_bytes);
            return -1;
        }
        if (path_bytes / 2 > DMAR_MAX_PATH) {
            add_problem(out, "%s at 0x%x scope %u: path of %zu hops, at most %u are kept",
                        s->name, s->offset, scope_index, path_bytes / 2, DMAR_MAX_PATH);
            return -1;
        }
        if (scope_index >= DMAR_MAX_SCOPES) {
            add_problem(out, "%s at 0x%x: more than %u scopes", s->name, s->offset,
                        DMAR_MAX_SCOPES);
            return -1;
        }
        struct dmar_scope *decoded = &list->scopes[scope_index];
        decoded->type = scope.type;
        decoded->enumeration_id = scope.enumeration_id;
        decoded->start_bus = scope.start_bus;
        decoded->path_length = (uint8_t)(path_bytes / 2);
        const uint8_t *path = s->bytes + at + sizeof scope;
        for (unsigned hop = 0; hop < decoded->path_length; hop++) {
            uint8_t device = path[2 * hop], function = path[2 * hop + 1];
            if (!is_pci_function(device, function)) {
                add_problem(out,
                            "%s at 0x%x scope %u: hop %u names device 0x%x function 0x%x "
                            "(limits 0x1f, 7)",
                            s->name, s->offset, scope_index, hop, device, function);
                return -1;
            }
            decoded->path[hop].device = device;
            decoded->path[hop].function = function;
        }
        list->count = scope_index + 1;
        at += scope.length;
    }
    return 0;
}

/* True when another structure fits in an array of `capacity`; otherwise the extra one is
 * listed, so a table larger than nvmetal expects is never silently cut short. */
static bool has_room(struct dmar_info *out, const struct dmar_structure *s, unsigned count,
                     unsigned capacity)
{
    if (count < capacity)
        return true;
    add_problem(out, "%s at 0x%x: more than %u %ss, not kept", s->name, s->offset, capacity,
                s->name);
    return false;
}

static void parse_drhd(struct dmar_info *out, const struct dmar_structure *s)
{
    if (!has_room(out, s, out->unit_count, DMAR_MAX_UNITS))
        return;
    struct dmar_drhd_fixed drhd;
    memcpy(&drhd, s->bytes, sizeof drhd);
    if (drhd.register_base == 0) {
        add_problem(out, "DRHD at 0x%x: register base is 0", s->offset);
        return;
    }
    if ((drhd.register_base & PAGE_MASK_4K) != 0) {
        add_problem(out, "DRHD at 0x%x: register base 0x%llx is not 4 KiB aligned", s->offset,
                    (unsigned long long)drhd.register_base);
        return;
    }
    struct dmar_unit *unit = &out->units[out->unit_count];
    if (parse_scopes(out, s, sizeof drhd, &unit->scopes) < 0)
        return;
    unit->flags = drhd.flags;
    unit->segment = drhd.segment;
    unit->register_base = drhd.register_base;
    out->unit_count++;
}

static void parse_rmrr(struct dmar_info *out, const struct dmar_structure *s)
{
    if (!has_room(out, s, out->rmrr_count, DMAR_MAX_RMRRS))
        return;
    struct dmar_rmrr_fixed rmrr;
    memcpy(&rmrr, s->bytes, sizeof rmrr);
    if (rmrr.limit < rmrr.base) {
        add_problem(out, "RMRR at 0x%x: limit 0x%llx is below base 0x%llx", s->offset,
                    (unsigned long long)rmrr.limit, (unsigned long long)rmrr.base);
        return;
    }
    /* limit is inclusive, so the region ends on a page boundary when limit + 1 does (a limit
     * of all ones wraps to 0, which is aligned: the region runs to the top). */
    if ((rmrr.base & PAGE_MASK_4K) != 0 || ((rmrr.limit + 1) & PAGE_MASK_4K) != 0) {
        add_problem(out, "RMRR at 0x%x: 0x%llx..0x%llx is not 4 KiB aligned", s->offset,
                    (unsigned long long)rmrr.base, (unsigned long long)rmrr.limit);
        return;
    }
    struct dmar_rmrr *region = &out->rmrrs[out->rmrr_count];
    if (parse_scopes(out, s, sizeof rmrr, &region->scopes) < 0)
        return;
    region->segment = rmrr.segment;
    region->base = rmrr.base;
    region->limit = rmrr.limit;
    out->rmrr_count++;
}

static void parse_atsr(struct dmar_info *out, const struct dmar_structure *s)
{
    if (!has_room(out, s, out->atsr_count, DMAR_MAX_ATSRS))
        return;
    struct dmar_atsr_fixed atsr;
    memcpy(&atsr, s->bytes, sizeof atsr);
    struct dmar_atsr *decoded = &out->atsrs[out->atsr_count];
    if (parse_scopes(out, s, sizeof atsr, &decoded->scopes) < 0)
        return;
    decoded->flags = atsr.flags;
    decoded->segment = atsr.segment;
    out->atsr_count++;
}

static void parse_rhsa(struct dmar_info *out, const struct dmar_structure *s)
{
    if (!has_room(out, s, out->rhsa_count, DMAR_MAX_RHSAS))
        return;
    struct dmar_rhsa_fixed rhsa;
    memcpy(&rhsa, s->bytes, sizeof rhsa);
    out->rhsas[out->rhsa_count].register_base = rhsa.register_base;
    out->rhsas[out->rhsa_count].proximity_domain = rhsa.proximity_domain;
    out->rhsa_count++;
}

static void parse_andd(struct dmar_info *out, const struct dmar_structure *s)
{
    if (!has_room(out, s, out->andd_count, DMAR_MAX_ANDDS))
        return;
    struct dmar_andd_fixed andd;
    memcpy(&andd, s->bytes, sizeof andd);
    const char *name = (const char *)s->bytes + sizeof andd;
    size_t room = s->length - sizeof andd;
    const char *end = memchr(name, '\0', room);
    if (!end) {
        add_problem(out, "ANDD at 0x%x: object name is not NUL-terminated", s->offset);
        return;
    }
    struct dmar_andd *decoded = &out->andds[out->andd_count];
    /* A cut-short ACPI path would name some other object, so a long one is refused whole. */
    size_t name_length = (size_t)(end - name);
    if (name_length >= sizeof decoded->object_name) {
        add_problem(out, "ANDD at 0x%x: object name of %zu characters, at most %zu are kept",
                    s->offset, name_length, sizeof decoded->object_name - 1);
        return;
    }
    decoded->acpi_device_number = andd.acpi_device_number;
    memcpy(decoded->object_name, name, name_length);
    decoded->object_name[name_length] = '\0';
    out->andd_count++;
}

static void (*const type_parsers[])(struct dmar_info *, const struct dmar_structure *) = {
    [DMAR_TYPE_DRHD] = parse_drhd,
    [DMAR_TYPE_RMRR] = parse_rmrr,
    [DMAR_TYPE_ATSR] = parse_atsr,
    [DMAR_TYPE_RHSA] = parse_rhsa,
    [DMAR_TYPE_ANDD] = parse_andd,
};
_Static_assert(sizeof type_parsers / sizeof type_parsers[0] == KNOWN_TYPE_COUNT,
               "a parser for every known structure type");

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
    out->host_address_width = (uint8_t)(fixed.host_address_width + 1);
    out->flags = fixed.flags;

    const uint8_t *bytes = table;
    uint32_t offset = sizeof fixed;
    while (offset < length) {
        uint32_t left = length - offset;
        struct dmar_structure_header header;
        if (left < sizeof header) {
            add_problem(out, "structure at offset 0x%x has only %u bytes before the table end",
                        offset, left);
            break;
        }
        memcpy(&header, bytes + offset, sizeof header);
        const char *name = header.type < KNOWN_TYPE_COUNT ? known_types[header.type].name : NULL;
        uint16_t fixed_bytes = name ? known_types[header.type].fixed_bytes : sizeof header;
        /* A structure's length is the only way to find the next one: once it is wrong,
         * nothing after it can be located, so the walk stops. */
        if (header.length < sizeof header) {
            add_problem(out, "structure at offset 0x%x has length %u, less than 4", offset,
                        header.length);
            break;
        }
        if (header.length > left) {
            add_problem(out, "structure at offset 0x%x has length %u, past the table end at 0x%x",
                        offset, header.length, length);
            break;
        }
        if (header.length < fixed_bytes) {
            add_problem(out, "structure at offset 0x%x has length %u, shorter than a %s (%u)",
                        offset, header.length, name, fixed_bytes);
            break;
        }
        if (name) {
            struct dmar_structure s = {bytes + offset, offset, header.length, name};
            type_parsers[header.type](out, &s);
        }
        offset += header.length;
    }
    return 0;
}

int dmar_scope_source_id(const struct dmar_scope *scope,
                         int (*secondary_bus_of)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn),
                         void *ctx)
{
    unsigned hops = scope->path_length;
    if (hops == 0 || hops > DMAR_MAX_PATH)
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
