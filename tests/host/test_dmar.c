/* Host tests for lib/dmar.c: a QEMU-like DMAR, every structure type, malformed structures and scopes, scope source IDs. */
#include "check.h"
#include "lib/dmar.h"

#include <stdlib.h>

#define FIRST_STRUCTURE 0x30 /* remapping structures start after the 48-byte DMAR header */

/* A DMAR under construction: structures are appended, then the header is sealed. */
struct table {
    uint8_t bytes[2048];
    size_t length;
};

static void append_le(struct table *t, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        t->bytes[t->length++] = (uint8_t)(value >> (8 * i));
}

static void write_le(struct table *t, size_t offset, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        t->bytes[offset + i] = (uint8_t)(value >> (8 * i));
}

/* haw_field is the raw HAW byte: the host address width minus one. */
static void begin_dmar(struct table *t, uint8_t haw_field, uint8_t flags)
{
    memset(t, 0, sizeof *t);
    memcpy(t->bytes, "DMAR", 4);
    t->bytes[8] = 1;
    memcpy(t->bytes + 10, "BOCHS ", 6);
    memcpy(t->bytes + 16, "BXPC    ", 8);
    t->bytes[36] = haw_field;
    t->bytes[37] = flags;
    t->length = FIRST_STRUCTURE;
}

/* Writes the length and the checksum (the byte at 9 makes the whole table sum to 0). */
static void seal(struct table *t)
{
    write_le(t, 4, t->length, 4);
    uint8_t sum = 0;
    t->bytes[9] = 0;
    for (size_t i = 0; i < t->length; i++)
        sum = (uint8_t)(sum + t->bytes[i]);
    t->bytes[9] = (uint8_t)-sum;
}

/* Starts a structure with a length filled in by end_structure; returns where it starts. */
static size_t begin_structure(struct table *t, uint16_t type)
{
    size_t start = t->length;
    append_le(t, type, 2);
    append_le(t, 0, 2);
    return start;
}

static void end_structure(struct table *t, size_t start)
{
    write_le(t, start + 2, t->length - start, 2);
}

static size_t begin_drhd(struct table *t, uint8_t flags, uint16_t segment, uint64_t base)
{
    size_t start = begin_structure(t, 0);
    append_le(t, flags, 1);
    append_le(t, 0, 1);
    append_le(t, segment, 2);
    append_le(t, base, 8);
    return start;
}

static size_t begin_rmrr(struct table *t, uint16_t segment, uint64_t base, uint64_t limit)
{
    size_t start = begin_structure(t, 1);
    append_le(t, 0, 2);
    append_le(t, segment, 2);
    append_le(t, base, 8);
    append_le(t, limit, 8);
    return start;
}

/* A device scope whose length follows from its path: `hops` (device, function) pairs. */
static void add_scope(struct table *t, uint8_t type, uint8_t enumeration_id, uint8_t start_bus,
                      unsigned hops, const uint8_t path[][2])
{
    append_le(t, type, 1);
    append_le(t, 6 + 2 * hops, 1);
    append_le(t, 0, 2);
    append_le(t, enumeration_id, 1);
    append_le(t, start_bus, 1);
    for (unsigned i = 0; i < hops; i++) {
        append_le(t, path[i][0], 1);
        append_le(t, path[i][1], 1);
    }
}

/* The one-hop scope of a device on start_bus. */
static void add_device_scope(struct table *t, uint8_t type, uint8_t bus, uint8_t device,
                             uint8_t function)
{
    const uint8_t path[1][2] = {{device, function}};
    add_scope(t, type, 0, bus, 1, path);
}

/* A well-formed DRHD with one endpoint scope, to show the walk goes on past a bad structure. */
static void add_simple_drhd(struct table *t, uint64_t base)
{
    size_t drhd = begin_drhd(t, 0, 0, base);
    add_device_scope(t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    end_structure(t, drhd);
}

static struct dmar_info info;
static char why[ACPI_WHY_LEN];

/* Parses a copy of exactly the table's length at an odd heap address: ASan reports any read
 * past the end, and UBSan any misaligned access through a cast pointer. */
static int parse(const struct table *t)
{
    uint8_t *copy = malloc(t->length + 1);
    memcpy(copy + 1, t->bytes, t->length);
    strcpy(why, "untouched");
    memset(&info, 0xa5, sizeof info); /* the parser must clear what it does not fill */
    int result = dmar_parse(copy + 1, t->length, &info, why);
    free(copy);
    return result;
}

#define CHECK_PROBLEMS(...)                                                               \
    do {                                                                                  \
        static const char *const expected_[] = {__VA_ARGS__};                             \
        CHECK_EQ_U64(info.problem_count, CHECK_COUNT(expected_));                         \
        for (unsigned i_ = 0; i_ < info.problem_count && i_ < CHECK_COUNT(expected_); i_++) \
            CHECK_STR(info.problems[i_], expected_[i_]);                                  \
    } while (0)

static void check_scope(const struct dmar_scope *s, uint8_t type, uint8_t enumeration_id,
                        uint8_t start_bus, uint8_t device, uint8_t function)
{
    CHECK_EQ_U64(s->type, type);
    CHECK_EQ_U64(s->enumeration_id, enumeration_id);
    CHECK_EQ_U64(s->start_bus, start_bus);
    CHECK_EQ_U64(s->path_length, 1);
    CHECK_EQ_U64(s->path[0].device, device);
    CHECK_EQ_U64(s->path[0].function, function);
}

/* What QEMU 7.2 with -device intel-iommu builds on q35 (see platform-facts.md). */
static void qemu_like_table(void)
{
    struct table t;
    begin_dmar(&t, 38, 0x01);
    size_t drhd = begin_drhd(&t, 0, 0, 0xfed90000);
    add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
    add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 4, 0);
    const uint8_t ioapic_path[1][2] = {{0x1f, 7}};
    add_scope(&t, DMAR_SCOPE_IOAPIC, 0, 0, 1, ioapic_path);
    end_structure(&t, drhd);
    seal(&t);
    CHECK_EQ_U64(t.length, 48 + 16 + 3 * 8);

    CHECK_EQ_U64(parse(&t), 0);
    CHECK_STR(why, "untouched");
    CHECK_EQ_U64(info.host_address_width, 39);
    CHECK_EQ_U64(info.flags, 0x01);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.rmrr_count, 0);
    CHECK_EQ_U64(info.atsr_count, 0);
    CHECK_EQ_U64(info.rhsa_count, 0);
    CHECK_EQ_U64(info.andd_count, 0);
    CHECK_EQ_U64(info.problem_count, 0);

    const struct dmar_unit *unit = &info.units[0];
    CHECK_EQ_U64(unit->flags, 0);
    CHECK(!(unit->flags & DMAR_INCLUDE_PCI_ALL));
    CHECK_EQ_U64(unit->segment, 0);
    CHECK_EQ_U64(unit->register_base, 0xfed90000);
    CHECK_EQ_U64(unit->scopes.count, 3);
    check_scope(&unit->scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 3, 0);
    check_scope(&unit->scopes.scopes[1], DMAR_SCOPE_BRIDGE, 0, 0, 4, 0);
    check_scope(&unit->scopes.scopes[2], DMAR_SCOPE_IOAPIC, 0, 0, 0x1f, 7);
}

static void other_structure_types(void)
{
    struct table t;
    begin_dmar(&t, 47, 0x05);

    /* An INCLUDE_PCI_ALL unit on segment 1 needs no scopes. */
    size_t start = begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 1, 0x3fff00000000ull);
    end_structure(&t, start);

    start = begin_rmrr(&t, 0, 0x7f000000, 0x7f0fffff);
    add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    const uint8_t behind_bridge[2][2] = {{0x1c, 4}, {0, 1}};
    add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 2, behind_bridge);
    end_structure(&t, start);

    start = begin_structure(&t, 2); /* ATSR, ALL_PORTS clear, one root port */
    append_le(&t, 0x00, 1);
    append_le(&t, 0, 1);
    append_le(&t, 2, 2);
    add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0x80, 0x1c, 0);
    end_structure(&t, start);

    start = begin_structure(&t, 3); /* RHSA */
    append_le(&t, 0, 4);
    append_le(&t, 0xfed91000, 8);
    append_le(&t, 0x12345678, 4);
    end_structure(&t, start);

    start = begin_structure(&t, 4); /* ANDD, device number 1 */
    append_le(&t, 0, 3);
    append_le(&t, 1, 1);
    const char name[] = "\\_SB.PCI0.I2C0";
    memcpy(t.bytes + t.length, name, sizeof name);
    t.length += sizeof name;
    end_structure(&t, start);

    start = begin_structure(&t, 5); /* SATC: not decoded, skipped without a word */
    append_le(&t, 0x0001, 2);
    append_le(&t, 0, 2);
    add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 9, 0);
    end_structure(&t, start);

    start = begin_structure(&t, 0x7f); /* something from a future specification */
    end_structure(&t, start);
    add_simple_drhd(&t, 0xfed90000);
    seal(&t);

    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.host_address_width, 48);
    CHECK_EQ_U64(info.flags, 0x05);

    CHECK_EQ_U64(info.unit_count, 2);
    CHECK_EQ_U64(info.units[0].flags, DMAR_INCLUDE_PCI_ALL);
    CHECK_EQ_U64(info.units[0].segment, 1);
    CHECK_EQ_U64(info.units[0].register_base, 0x3fff00000000ull);
    CHECK_EQ_U64(info.units[0].scopes.count, 0);
    CHECK_EQ_U64(info.units[1].register_base, 0xfed90000);
    CHECK_EQ_U64(info.units[1].scopes.count, 1);
    check_scope(&info.units[1].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);

    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK_EQ_U64(info.rmrrs[0].segment, 0);
    CHECK_EQ_U64(info.rmrrs[0].base, 0x7f000000);
    CHECK_EQ_U64(info.rmrrs[0].limit, 0x7f0fffff);
    CHECK_EQ_U64(info.rmrrs[0].scopes.count, 2);
    check_scope(&info.rmrrs[0].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 0x14, 0);
    const struct dmar_scope *two_hops = &info.rmrrs[0].scopes.scopes[1];
    CHECK_EQ_U64(two_hops->path_length, 2);
    CHECK_EQ_U64(two_hops->path[0].device, 0x1c);
    CHECK_EQ_U64(two_hops->path[0].function, 4);
    CHECK_EQ_U64(two_hops->path[1].device, 0);
    CHECK_EQ_U64(two_hops->path[1].function, 1);

    CHECK_EQ_U64(info.atsr_count, 1);
    CHECK_EQ_U64(info.atsrs[0].flags, 0);
    CHECK_EQ_U64(info.atsrs[0].segment, 2);
    CHECK_EQ_U64(info.atsrs[0].scopes.count, 1);
    check_scope(&info.atsrs[0].scopes.scopes[0], DMAR_SCOPE_BRIDGE, 0, 0x80, 0x1c, 0);

    CHECK_EQ_U64(info.rhsa_count, 1);
    CHECK_EQ_U64(info.rhsas[0].register_base, 0xfed91000);
    CHECK_EQ_U64(info.rhsas[0].proximity_domain, 0x12345678);

    CHECK_EQ_U64(info.andd_count, 1);
    CHECK_EQ_U64(info.andds[0].acpi_device_number, 1);
    CHECK_STR(info.andds[0].object_name, "\\_SB.PCI0.I2C0");
}

static void no_remapping_unit(void)
{
    struct table t;
    begin_dmar(&t, 38, 0);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.host_address_width, 39);
}

static void header_failures(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    add_simple_drhd(&t, 0xfed90000);
    seal(&t);
    t.bytes[60] ^= 0x20;
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: checksum byte sum is 0x20, not 0");
    CHECK_EQ_U64(info.unit_count, 0);

    seal(&t);
    CHECK_EQ_U64(dmar_parse(t.bytes, t.length - 1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "DMAR: length 72 exceeds the 71 bytes available");

    memcpy(t.bytes, "DMAX", 4);
    seal(&t);
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: signature is 'DMAX'");

    /* A sound ACPI header with no room for HAW and flags. */
    begin_dmar(&t, 38, 1);
    t.length = 40;
    seal(&t);
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: length 40 is shorter than the 48-byte fixed part");
    CHECK_EQ_U64(info.host_address_width, 0);

    /* why may be left out. */
    CHECK_EQ_U64(dmar_parse(t.bytes, t.length, &info, NULL), (uint64_t)-1);
}

/* Structure lengths that lose the way to the next structure end the walk. */
static void structure_length_zero(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    add_simple_drhd(&t, 0xfed90000);
    size_t broken = begin_structure(&t, 0); /* length stays 0 */
    add_simple_drhd(&t, 0xfed91000);
    seal(&t);
    CHECK_EQ_U64(broken, 0x48);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].register_base, 0xfed90000);
    CHECK_PROBLEMS("structure at offset 0x48 has length 0, less than 4");
}

static void structure_past_the_end(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t drhd = begin_drhd(&t, 0, 0, 0xfed90000);
    add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
    end_structure(&t, drhd);
    write_le(&t, drhd + 2, t.length - drhd + 1, 2);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_PROBLEMS("structure at offset 0x30 has length 25, past the table end at 0x48");
}

static void structure_shorter_than_its_type(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t rhsa = begin_structure(&t, 3);
    append_le(&t, 0, 4);
    append_le(&t, 0xfed91000, 8);
    end_structure(&t, rhsa); /* 16 bytes: the proximity domain is missing */
    add_simple_drhd(&t, 0xfed90000);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.rhsa_count, 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_PROBLEMS("structure at offset 0x30 has length 16, shorter than a RHSA (20)");

    /* Bytes after the last structure that cannot hold another one. */
    begin_dmar(&t, 38, 1);
    add_simple_drhd(&t, 0xfed90000);
    append_le(&t, 0, 2);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_PROBLEMS("structure at offset 0x48 has only 2 bytes before the table end");
}

/* A malformed second scope: `written` bytes (type, length byte, zeros) claiming length
 * `length_field`, or, when hops is not 0, a well-sized scope with a bad path. */
struct bad_scope {
    uint8_t length_field, written;
    unsigned hops;
    uint8_t path[DMAR_MAX_PATH + 1][2];
    const char *problem;
};

static const struct bad_scope bad_scopes_table[] = {
    /* The structure goes on after a length of 4: only the length is wrong. */
    {4, 8, 0, {{0}}, "DRHD at 0x30 scope 1: length 4 is less than 6"},
    {9, 9, 0, {{0}}, "DRHD at 0x30 scope 1: length 9 leaves an odd path of 3 bytes"},
    {10, 8, 0, {{0}}, "DRHD at 0x30 scope 1: length 10 runs past the structure's end"},
    {8, 3, 0, {{0}}, "DRHD at 0x30 scope 1: only 3 bytes left, a scope needs 6"},
    {0, 0, 9, {{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}, {8, 0}, {9, 0}},
     "DRHD at 0x30 scope 1: path of 9 hops, at most 8 are kept"},
    {0, 0, 1, {{32, 0}},
     "DRHD at 0x30 scope 1: hop 0 names device 0x20 function 0x0 (limits 0x1f, 7)"},
    {0, 0, 2, {{0x1c, 0}, {0, 8}},
     "DRHD at 0x30 scope 1: hop 1 names device 0x0 function 0x8 (limits 0x1f, 7)"},
};

static void bad_scopes(void)
{
    for (unsigned i = 0; i < CHECK_COUNT(bad_scopes_table); i++) {
        const struct bad_scope *bad = &bad_scopes_table[i];
        struct table t;
        begin_dmar(&t, 38, 1);
        size_t drhd = begin_drhd(&t, 0, 0, 0xfed90000);
        add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
        if (bad->hops) {
            add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, bad->hops, bad->path);
        } else {
            append_le(&t, DMAR_SCOPE_ENDPOINT, 1);
            append_le(&t, bad->length_field, 1);
            t.length += bad->written - 2u;
        }
        end_structure(&t, drhd);
        add_simple_drhd(&t, 0xfed91000);
        seal(&t);
        CHECK_EQ_U64(parse(&t), 0);
        /* The bad unit is dropped whole; the walk goes on to the next one. */
        CHECK_EQ_U64(info.unit_count, 1);
        CHECK_EQ_U64(info.units[0].register_base, 0xfed91000);
        CHECK_EQ_U64(info.units[0].scopes.count, 1);
        check_scope(&info.units[0].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
        CHECK_EQ_U64(info.problem_count, 1);
        CHECK_STR(info.problems[0], bad->problem);
    }
}

static void too_many_scopes(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t drhd = begin_drhd(&t, 0, 0, 0xfed90000);
    for (uint8_t i = 0; i < DMAR_MAX_SCOPES + 1; i++)
        add_device_scope(&t, DMAR_SCOPE_ENDPOINT, i, 0, 0);
    end_structure(&t, drhd);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_PROBLEMS("DRHD at 0x30: more than 32 scopes");

    /* Exactly as many as fit is fine. */
    begin_dmar(&t, 38, 1);
    drhd = begin_drhd(&t, 0, 0, 0xfed90000);
    for (uint8_t i = 0; i < DMAR_MAX_SCOPES; i++)
        add_device_scope(&t, DMAR_SCOPE_ENDPOINT, i, 0, 0);
    end_structure(&t, drhd);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].scopes.count, DMAR_MAX_SCOPES);
    check_scope(&info.units[0].scopes.scopes[31], DMAR_SCOPE_ENDPOINT, 0, 31, 0, 0);
}

static void parse_one_rmrr(uint64_t base, uint64_t limit)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t rmrr = begin_rmrr(&t, 0, base, limit);
    add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    end_structure(&t, rmrr);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
}

static void rmrr_ranges(void)
{
    parse_one_rmrr(0x7f100000, 0x7f0fffff);
    CHECK_EQ_U64(info.rmrr_count, 0);
    CHECK_PROBLEMS("RMRR at 0x30: limit 0x7f0fffff is below base 0x7f100000");

    parse_one_rmrr(0x7f000800, 0x7f0fffff);
    CHECK_EQ_U64(info.rmrr_count, 0);
    CHECK_PROBLEMS("RMRR at 0x30: 0x7f000800..0x7f0fffff is not 4 KiB aligned");

    parse_one_rmrr(0x7f000000, 0x7f0ffffe);
    CHECK_EQ_U64(info.rmrr_count, 0);
    CHECK_PROBLEMS("RMRR at 0x30: 0x7f000000..0x7f0ffffe is not 4 KiB aligned");

    /* One page; and a region up to the very top, whose limit + 1 wraps to 0. */
    parse_one_rmrr(0x7f000000, 0x7f000fff);
    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK_EQ_U64(info.rmrrs[0].limit, 0x7f000fff);
    CHECK_EQ_U64(info.problem_count, 0);
    parse_one_rmrr(0xfffffffffffff000ull, 0xffffffffffffffffull);
    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK_EQ_U64(info.problem_count, 0);
}

static void drhd_register_base(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    add_simple_drhd(&t, 0xfed90010);
    add_simple_drhd(&t, 0);
    add_simple_drhd(&t, 0xfed91000);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].register_base, 0xfed91000);
    CHECK_PROBLEMS("DRHD at 0x30: register base 0xfed90010 is not 4 KiB aligned",
                   "DRHD at 0x48: register base is 0");
}

static void too_many_units(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    for (unsigned i = 0; i < DMAR_MAX_UNITS + 2; i++)
        add_simple_drhd(&t, 0xfed90000 + 0x1000ull * i);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, DMAR_MAX_UNITS);
    for (unsigned i = 0; i < DMAR_MAX_UNITS; i++)
        CHECK_EQ_U64(info.units[i].register_base, 0xfed90000 + 0x1000ull * i);
    /* Each DRHD here is 24 bytes long. */
    CHECK_PROBLEMS("DRHD at 0xf0: more than 8 DRHDs, not kept",
                   "DRHD at 0x108: more than 8 DRHDs, not kept");
}

static void problems_are_capped(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    for (unsigned i = 0; i < DMAR_MAX_PROBLEMS + 3; i++)
        add_simple_drhd(&t, 0x10);
    add_simple_drhd(&t, 0xfed90000);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, DMAR_MAX_PROBLEMS);
    CHECK_STR(info.problems[DMAR_MAX_PROBLEMS - 1],
              "DRHD at 0xd8: register base 0x10 is not 4 KiB aligned");
    CHECK_EQ_U64(info.unit_count, 1);
}

static void andd_names(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t andd = begin_structure(&t, 4); /* the name runs to the end without a NUL */
    append_le(&t, 0, 3);
    append_le(&t, 2, 1);
    memcpy(t.bytes + t.length, "\\_SB.UAR0", 9);
    t.length += 9;
    end_structure(&t, andd);

    andd = begin_structure(&t, 4);
    append_le(&t, 0, 3);
    append_le(&t, 3, 1);
    memset(t.bytes + t.length, 'A', 64);
    t.length += 65; /* 64 characters and the NUL: one more than fits */
    end_structure(&t, andd);
    size_t longest = begin_structure(&t, 4);
    append_le(&t, 0, 3);
    append_le(&t, 4, 1);
    memset(t.bytes + t.length, 'B', 63);
    t.length += 64 + 3; /* padding after the NUL is allowed */
    end_structure(&t, longest);
    seal(&t);

    CHECK_EQ_U64(parse(&t), 0);
    CHECK_PROBLEMS("ANDD at 0x30: object name is not NUL-terminated",
                   "ANDD at 0x41: object name of 64 characters, at most 63 are kept");
    CHECK_EQ_U64(info.andd_count, 1);
    CHECK_EQ_U64(info.andds[0].acpi_device_number, 4);
    CHECK_EQ_U64(strlen(info.andds[0].object_name), 63);
    CHECK_EQ_U64(info.andds[0].object_name[62], 'B');
}

/* A fake bus topology: root port 00:1c.0 leads to bus 3, the switch port 03:00.0 to bus 4. */
struct topology {
    unsigned calls;
    uint8_t last_bus, last_device, last_function;
};

static int fake_secondary_bus(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn)
{
    struct topology *topology = ctx;
    topology->calls++;
    topology->last_bus = bus;
    topology->last_device = dev;
    topology->last_function = fn;
    if (bus == 0 && dev == 0x1c && fn == 0)
        return 3;
    if (bus == 3 && dev == 0 && fn == 0)
        return 4;
    return -1;
}

static void scope_source_ids(void)
{
    struct topology topology = {0};
    struct dmar_scope scope = {.type = DMAR_SCOPE_ENDPOINT, .start_bus = 0, .path_length = 1,
                               .path = {{3, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0018);
    CHECK_EQ_U64(topology.calls, 0); /* a one-hop path needs no bridge */

    scope.start_bus = 0xff;
    scope.path[0].device = 0x1f;
    scope.path[0].function = 7;
    CHECK_EQ_U64(dmar_scope_source_id(&scope, NULL, NULL), 0xffff);

    /* Behind the root port: 03:00.1. */
    scope = (struct dmar_scope){.start_bus = 0, .path_length = 2, .path = {{0x1c, 0}, {0, 1}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0301);
    CHECK_EQ_U64(topology.calls, 1);
    CHECK_EQ_U64(topology.last_bus, 0);
    CHECK_EQ_U64(topology.last_device, 0x1c);
    CHECK_EQ_U64(topology.last_function, 0);

    /* Through the switch too: 04:02.0. */
    topology.calls = 0;
    scope = (struct dmar_scope){.path_length = 3, .path = {{0x1c, 0}, {0, 0}, {2, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0410);
    CHECK_EQ_U64(topology.calls, 2);
    CHECK_EQ_U64(topology.last_bus, 3);

    /* A hop that is no bridge, a path with no hops, no way to ask, a device out of range. */
    scope = (struct dmar_scope){.path_length = 2, .path = {{0x1d, 0}, {0, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
    scope.path_length = 0;
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
    scope = (struct dmar_scope){.path_length = 2, .path = {{0x1c, 0}, {0, 1}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, NULL, NULL), (uint64_t)-1);
    scope = (struct dmar_scope){.path_length = 1, .path = {{32, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
}

/* The scope decoded from a table and then resolved, end to end. */
static void parsed_scope_source_id(void)
{
    struct table t;
    begin_dmar(&t, 38, 1);
    size_t drhd = begin_drhd(&t, 0, 0, 0xfed90000);
    const uint8_t path[2][2] = {{0x1c, 0}, {0, 0}};
    add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 2, path);
    end_structure(&t, drhd);
    seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    struct topology topology = {0};
    CHECK_EQ_U64(dmar_scope_source_id(&info.units[0].scopes.scopes[0], fake_secondary_bus,
                                      &topology),
                 0x0300);
}

static const struct check_case cases[] = {
    CHECK_CASE(qemu_like_table),
    CHECK_CASE(other_structure_types),
    CHECK_CASE(no_remapping_unit),
    CHECK_CASE(header_failures),
    CHECK_CASE(structure_length_zero),
    CHECK_CASE(structure_past_the_end),
    CHECK_CASE(structure_shorter_than_its_type),
    CHECK_CASE(bad_scopes),
    CHECK_CASE(too_many_scopes),
    CHECK_CASE(rmrr_ranges),
    CHECK_CASE(drhd_register_base),
    CHECK_CASE(too_many_units),
    CHECK_CASE(problems_are_capped),
    CHECK_CASE(andd_names),
    CHECK_CASE(scope_source_ids),
    CHECK_CASE(parsed_scope_source_id),
};

int main(void)
{
    return CHECK_RUN("dmar", cases);
}
