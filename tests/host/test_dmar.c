/* Host tests for lib/dmar.c: a QEMU-like DMAR, every structure type, malformed structures and scopes, counts past any old limit, scope source IDs. */
#include "check.h"
#include "fixtures/table_builder.h"
#include "lib/dmar.h"

#include <stdlib.h>

#define FIRST_STRUCTURE TABLE_FIRST_DMAR_STRUCTURE

static void add_scope(struct table *t, uint8_t type, uint8_t enumeration_id, uint8_t start_bus,
                      unsigned hops, const uint8_t path[][2])
{
    table_add_scope(t, type, 0, enumeration_id, start_bus, hops, path);
}

/* Every case builds into this one table; each table_begin_* starts it afresh. */
static struct table t;
static struct dmar_info info;
static char why[ACPI_WHY_LEN];

/* Parses a copy of exactly the table's length at an odd heap address: ASan reports any read
 * past the end, and UBSan any misaligned access through a cast pointer. */
static int parse(const struct table *table)
{
    uint8_t *copy = malloc(table->length + 1);
    memcpy(copy + 1, table->bytes, table->length);
    strcpy(why, "untouched");
    dmar_free(&info);
    memset(&info, 0xa5, sizeof info); /* the parser must clear what it does not fill */
    int result = dmar_parse(copy + 1, table->length, &info, why);
    free(copy);
    return result;
}

#define CHECK_PROBLEMS(...)                                                               \
    do {                                                                                  \
        static const char *const expected_[] = {__VA_ARGS__};                             \
        CHECK_EQ_U64(info.problem_count, CHECK_COUNT(expected_));                         \
        for (unsigned i_ = 0; i_ < info.problem_count && i_ < CHECK_COUNT(expected_); i_++) \
            CHECK_STR(info.problems[i_].text, expected_[i_]);                                \
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
    table_begin_dmar(&t, 38, 0x01);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 4, 0);
    const uint8_t ioapic_path[1][2] = {{0x1f, 7}};
    add_scope(&t, DMAR_SCOPE_IOAPIC, 0, 0, 1, ioapic_path);
    table_end_structure(&t, drhd);
    table_seal(&t);
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
    table_begin_dmar(&t, 47, 0x05);

    /* An INCLUDE_PCI_ALL unit on segment 1 needs no scopes. */
    size_t start = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 1, 0x3fff00000000ull);
    table_end_structure(&t, start);

    start = table_begin_rmrr(&t, 0, 0x7f000000, 0x7f0fffff);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    const uint8_t behind_bridge[2][2] = {{0x1c, 4}, {0, 1}};
    add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 2, behind_bridge);
    table_end_structure(&t, start);

    start = table_begin_structure(&t, 2); /* ATSR, ALL_PORTS clear, one root port */
    table_append_le(&t, 0x00, 1);
    table_append_le(&t, 0, 1);
    table_append_le(&t, 2, 2);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0x80, 0x1c, 0);
    table_end_structure(&t, start);

    start = table_begin_structure(&t, 3); /* RHSA */
    table_append_le(&t, 0, 4);
    table_append_le(&t, 0xfed90000, 8); /* the second unit's, below */
    table_append_le(&t, 0x12345678, 4);
    table_end_structure(&t, start);

    start = table_begin_structure(&t, 4); /* ANDD, device number 1 */
    table_append_le(&t, 0, 3);
    table_append_le(&t, 1, 1);
    const char name[] = "\\_SB.PCI0.I2C0";
    table_append_bytes(&t, name, sizeof name);
    table_end_structure(&t, start);

    start = table_begin_flags_segment(&t, 5, DMAR_SATC_ATC_REQUIRED, 3); /* SATC */
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 9, 0);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x0b, 0);
    table_end_structure(&t, start);

    start = table_begin_sidp(&t, 4); /* SIDP: the properties are in each scope's flags */
    const uint8_t gpu[1][2] = {{2, 0}}, npu[1][2] = {{0x0b, 0}};
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0x1f, 0, 0, 1, gpu);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, DMAR_SCOPE_ATC_HARDENED | DMAR_SCOPE_ATC_REQUIRED,
                    0, 0, 1, npu);
    table_end_structure(&t, start);

    start = table_begin_structure(&t, 0x7f); /* something from a future specification */
    table_end_structure(&t, start);
    table_add_simple_drhd(&t, 0xfed90000);
    table_seal(&t);

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
    CHECK_EQ_U64(info.rhsas[0].register_base, 0xfed90000);
    CHECK_EQ_U64(info.rhsas[0].proximity_domain, 0x12345678);

    CHECK_EQ_U64(info.andd_count, 1);
    CHECK_EQ_U64(info.andds[0].acpi_device_number, 1);
    CHECK_STR(info.andds[0].object_name, "\\_SB.PCI0.I2C0");

    CHECK_EQ_U64(info.satc_count, 1);
    CHECK_EQ_U64(info.satcs[0].flags, DMAR_SATC_ATC_REQUIRED);
    CHECK_EQ_U64(info.satcs[0].segment, 3);
    CHECK_EQ_U64(info.satcs[0].scopes.count, 2);
    check_scope(&info.satcs[0].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 9, 0);
    check_scope(&info.satcs[0].scopes.scopes[1], DMAR_SCOPE_ENDPOINT, 0, 0, 0x0b, 0);

    CHECK_EQ_U64(info.sidp_count, 1);
    CHECK_EQ_U64(info.sidps[0].segment, 4);
    CHECK_EQ_U64(info.sidps[0].scopes.count, 2);
    check_scope(&info.sidps[0].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
    CHECK_EQ_U64(info.sidps[0].scopes.scopes[0].flags, 0x1f);
    check_scope(&info.sidps[0].scopes.scopes[1], DMAR_SCOPE_ENDPOINT, 0, 0, 0x0b, 0);
    CHECK_EQ_U64(info.sidps[0].scopes.scopes[1].flags, 0x18);

    CHECK_EQ_U64(info.unknown_count, 1);

    /* Each structure says where it was. */
    CHECK_EQ_U64(info.units[0].offset, FIRST_STRUCTURE);
    CHECK_EQ_U64(info.rmrrs[0].offset, FIRST_STRUCTURE + 16);
    CHECK_EQ_U64(info.atsrs[0].offset, FIRST_STRUCTURE + 16 + 24 + 8 + 10);
}

static void no_remapping_unit(void)
{
    table_begin_dmar(&t, 38, 0);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.host_address_width, 39);
}

static void header_failures(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    table_seal(&t);
    t.bytes[60] ^= 0x20;
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: checksum byte sum is 0x20, not 0");
    CHECK_EQ_U64(info.unit_count, 0);

    table_seal(&t);
    CHECK_EQ_U64(dmar_parse(t.bytes, t.length - 1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "DMAR: length 72 exceeds the 71 bytes available");

    memcpy(t.bytes, "DMAX", 4);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: signature is 'DMAX'");

    /* A sound ACPI header with no room for HAW and flags. */
    table_begin_dmar(&t, 38, 1);
    t.length = 40;
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK_STR(why, "DMAR: length 40 is shorter than the 48-byte fixed part");
    CHECK_EQ_U64(info.host_address_width, 0);

    /* why may be left out. */
    CHECK_EQ_U64(dmar_parse(t.bytes, t.length, &info, NULL), (uint64_t)-1);
}

/* Structure lengths that lose the way to the next structure end the walk. */
static void structure_length_zero(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    size_t broken = table_begin_structure(&t, 0); /* length stays 0 */
    table_add_simple_drhd(&t, 0xfed91000);
    table_seal(&t);
    CHECK_EQ_U64(broken, 0x48);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].register_base, 0xfed90000);
    CHECK_PROBLEMS("structure at offset 0x48 has length 0, less than 4");
}

static void structure_past_the_end(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
    table_end_structure(&t, drhd);
    table_write_le(&t, drhd + 2, t.length - drhd + 1, 2);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_PROBLEMS("structure at offset 0x30 has length 25, past the table end at 0x48");
}

static void structure_shorter_than_its_type(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t rhsa = table_begin_structure(&t, 3);
    table_append_le(&t, 0, 4);
    table_append_le(&t, 0xfed91000, 8);
    table_end_structure(&t, rhsa); /* 16 bytes: the proximity domain is missing */
    table_add_simple_drhd(&t, 0xfed90000);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.rhsa_count, 0);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_PROBLEMS("structure at offset 0x30 has length 16, shorter than a RHSA (20)");

    /* Bytes after the last structure that cannot hold another one. */
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    table_append_le(&t, 0, 2);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_PROBLEMS("structure at offset 0x48 has only 2 bytes before the table end");
}

/* A malformed second scope: `written` bytes (type, length byte, zeros) claiming length
 * `length_field`, or, when hops is not 0, a well-sized scope with a bad path. */
struct bad_scope {
    uint8_t length_field, written;
    unsigned hops;
    uint8_t path[2][2];
    const char *problem;
};

static const struct bad_scope bad_scopes_table[] = {
    /* The structure goes on after a length of 4: only the length is wrong. */
    {4, 8, 0, {{0}}, "DRHD at 0x30 scope 1: length 4 is less than 6"},
    {9, 9, 0, {{0}}, "DRHD at 0x30 scope 1: length 9 leaves an odd path of 3 bytes"},
    {10, 8, 0, {{0}}, "DRHD at 0x30 scope 1: length 10 runs past the structure's end"},
    {8, 3, 0, {{0}}, "DRHD at 0x30 scope 1: only 3 bytes left, a scope needs 6"},
    {0, 0, 1, {{32, 0}},
     "DRHD at 0x30 scope 1: hop 0 names device 0x20 function 0x0 (limits 0x1f, 7)"},
    {0, 0, 2, {{0x1c, 0}, {0, 8}},
     "DRHD at 0x30 scope 1: hop 1 names device 0x0 function 0x8 (limits 0x1f, 7)"},
};

static void bad_scopes(void)
{
    for (unsigned i = 0; i < CHECK_COUNT(bad_scopes_table); i++) {
        const struct bad_scope *bad = &bad_scopes_table[i];
        table_begin_dmar(&t, 38, 1);
        size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
        table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 3, 0);
        if (bad->hops) {
            add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, bad->hops, bad->path);
        } else {
            table_append_le(&t, DMAR_SCOPE_ENDPOINT, 1);
            table_append_le(&t, bad->length_field, 1);
            for (unsigned k = 2; k < bad->written; k++)
                table_append_le(&t, 0, 1);
        }
        table_end_structure(&t, drhd);
        table_add_simple_drhd(&t, 0xfed91000);
        table_seal(&t);
        CHECK_EQ_U64(parse(&t), 0);
        /* The bad unit is dropped whole; the walk goes on to the next one. */
        CHECK_EQ_U64(info.unit_count, 1);
        CHECK_EQ_U64(info.units[0].register_base, 0xfed91000);
        CHECK_EQ_U64(info.units[0].scopes.count, 1);
        check_scope(&info.units[0].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
        CHECK_EQ_U64(info.problem_count, 1);
        CHECK_STR(info.problems[0].text, bad->problem);
        CHECK_EQ_U64(info.problems[0].offset, FIRST_STRUCTURE);
        CHECK_EQ_U64(info.problems[0].type, DMAR_TYPE_DRHD);
        CHECK(!info.problems[0].walk_stopped);
    }
}

/* A server's root complex lists every root port and endpoint: no count is too many. */
static void many_scopes(void)
{
    const unsigned scopes = 100;
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    for (unsigned i = 0; i < scopes; i++)
        table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, (uint8_t)(i / 32), (uint8_t)(i % 32), 0);
    table_end_structure(&t, drhd);
    size_t rmrr = table_begin_rmrr(&t, 0, 0x7f000000, 0x7f0fffff);
    for (unsigned i = 0; i < scopes; i++)
        table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0x40, (uint8_t)(i % 32), (uint8_t)(i / 32));
    table_end_structure(&t, rmrr);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].scopes.count, scopes);
    for (unsigned i = 0; i < scopes; i++)
        check_scope(&info.units[0].scopes.scopes[i], DMAR_SCOPE_ENDPOINT, 0, (uint8_t)(i / 32),
                    (uint8_t)(i % 32), 0);
    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK_EQ_U64(info.rmrrs[0].scopes.count, scopes);
    check_scope(&info.rmrrs[0].scopes.scopes[scopes - 1], DMAR_SCOPE_ENDPOINT, 0, 0x40, 3, 3);
}

/* Behind a deep switch hierarchy: 9 hops, and the 124 a scope's one-byte length allows. */
static void long_paths(void)
{
    uint8_t path[124][2];
    for (unsigned i = 0; i < 124; i++) {
        path[i][0] = (uint8_t)(i % 32);
        path[i][1] = (uint8_t)(i % 8);
    }
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 9, (const uint8_t(*)[2])path);
    add_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, 124, (const uint8_t(*)[2])path);
    table_end_structure(&t, drhd);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].scopes.count, 2);
    const struct dmar_scope *nine = &info.units[0].scopes.scopes[0];
    const struct dmar_scope *longest = &info.units[0].scopes.scopes[1];
    CHECK_EQ_U64(nine->path_length, 9);
    CHECK_EQ_U64(longest->path_length, 124);
    for (unsigned i = 0; i < 124; i++) {
        CHECK_EQ_U64(longest->path[i].device, i % 32);
        CHECK_EQ_U64(longest->path[i].function, i % 8);
    }
    CHECK_EQ_U64(nine->path[8].device, 8);
}

static void parse_one_rmrr(uint64_t base, uint64_t limit)
{
    table_begin_dmar(&t, 38, 1);
    size_t rmrr = table_begin_rmrr(&t, 0, base, limit);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    table_end_structure(&t, rmrr);
    table_seal(&t);
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
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90010);
    table_add_simple_drhd(&t, 0);
    table_add_simple_drhd(&t, 0xfed91000);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.units[0].register_base, 0xfed91000);
    CHECK_PROBLEMS("DRHD at 0x30: register base 0xfed90010 is not 4 KiB aligned",
                   "DRHD at 0x48: register base is 0 (a firmware bug); unit ignored");
}

/* The Lenovo IdeaPad Flex 15 BIOS bug: an INCLUDE_PCI_ALL unit at 0 between good structures.
 * It is listed and left out; the units and RMRRs around it are kept as they are. */
static void drhd_base_zero_among_good_ones(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    size_t broken = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0);
    table_end_structure(&t, broken);
    size_t last = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed91000);
    table_add_device_scope(&t, DMAR_SCOPE_IOAPIC, 0xf0, 0x1f, 0);
    table_end_structure(&t, last);
    size_t rmrr = table_begin_rmrr(&t, 0, 0x90e11000, 0x90e30fff);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    table_end_structure(&t, rmrr);
    table_seal(&t);
    CHECK_EQ_U64(broken, 0x48);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 2);
    CHECK_EQ_U64(info.units[0].register_base, 0xfed90000);
    CHECK_EQ_U64(info.units[0].offset, 0x30);
    CHECK_EQ_U64(info.units[1].register_base, 0xfed91000);
    CHECK_EQ_U64(info.units[1].flags, DMAR_INCLUDE_PCI_ALL);
    CHECK_EQ_U64(info.units[1].offset, 0x58);
    check_scope(&info.units[1].scopes.scopes[0], DMAR_SCOPE_IOAPIC, 0, 0xf0, 0x1f, 0);
    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK_EQ_U64(info.rmrrs[0].base, 0x90e11000);
    CHECK_PROBLEMS("DRHD at 0x48: register base is 0 (a firmware bug); unit ignored");
    CHECK_EQ_U64(info.problems[0].offset, 0x48);
    CHECK(dmar_problem_affects_remapping(&info.problems[0]));
}

/* Ten units: more than the eight nvmetal once had room for, every one kept. */
static void many_units(void)
{
    table_begin_dmar(&t, 38, 1);
    for (unsigned i = 0; i < 10; i++)
        table_add_simple_drhd(&t, 0xfed90000 + 0x1000ull * i);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.unit_count, 10);
    for (unsigned i = 0; i < 10; i++) {
        CHECK_EQ_U64(info.units[i].register_base, 0xfed90000 + 0x1000ull * i);
        CHECK_EQ_U64(info.units[i].offset, FIRST_STRUCTURE + 24 * i); /* each DRHD is 24 bytes */
        check_scope(&info.units[i].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
    }
}

/* Nine RMRRs (the HP dc7800 has eight: one more than that), every one kept in order. */
static void many_rmrrs(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    for (unsigned i = 0; i < 9; i++) {
        size_t rmrr = table_begin_rmrr(&t, 0, 0x7f000000 + 0x100000ull * i,
                                       0x7f000fff + 0x100000ull * i);
        table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x1a + (uint8_t)(i % 3), 0);
        table_end_structure(&t, rmrr);
    }
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.rmrr_count, 9);
    for (unsigned i = 0; i < 9; i++) {
        CHECK_EQ_U64(info.rmrrs[i].base, 0x7f000000 + 0x100000ull * i);
        CHECK_EQ_U64(info.rmrrs[i].limit, 0x7f000fff + 0x100000ull * i);
        CHECK_EQ_U64(info.rmrrs[i].scopes.count, 1);
        check_scope(&info.rmrrs[i].scopes.scopes[0], DMAR_SCOPE_ENDPOINT, 0, 0, 0x1a + i % 3, 0);
    }
}

/* Ten ANDDs (a Surface Book 2 has five, more than the four nvmetal once kept). */
static void many_andds(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    char name[32];
    for (unsigned i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "\\_SB.PCI0.I2C%u", i);
        table_add_andd(&t, (uint8_t)(i + 1), name, i % 4);
    }
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 0);
    CHECK_EQ_U64(info.andd_count, 10);
    for (unsigned i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "\\_SB.PCI0.I2C%u", i);
        CHECK_EQ_U64(info.andds[i].acpi_device_number, i + 1);
        CHECK_STR(info.andds[i].object_name, name);
    }
}

/* Every problem is listed: none is dropped for want of room. */
static void many_problems(void)
{
    table_begin_dmar(&t, 38, 1);
    for (unsigned i = 0; i < 11; i++)
        table_add_simple_drhd(&t, 0x10);
    table_add_simple_drhd(&t, 0xfed90000);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 11);
    CHECK_STR(info.problems[0].text, "DRHD at 0x30: register base 0x10 is not 4 KiB aligned");
    CHECK_STR(info.problems[10].text, "DRHD at 0x120: register base 0x10 is not 4 KiB aligned");
    CHECK_EQ_U64(info.unit_count, 1);
}

/* An RHSA for a unit the table does not list is a firmware bug (Linux warns); it is left out. */
static void rhsa_naming_no_unit(void)
{
    table_begin_dmar(&t, 45, 1);
    table_add_simple_drhd(&t, 0xd37fc000);
    table_add_rhsa(&t, 0x9d7fc000, 0);
    table_add_rhsa(&t, 0xd37fc000, 1);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.rhsa_count, 1);
    CHECK_EQ_U64(info.rhsas[0].register_base, 0xd37fc000);
    CHECK_EQ_U64(info.rhsas[0].proximity_domain, 1);
    CHECK_EQ_U64(info.rhsas[0].offset, 0x5c);
    CHECK_PROBLEMS("RHSA at 0x48: register base 0x9d7fc000 is no DRHD's; affinity ignored");
    CHECK_EQ_U64(info.problems[0].type, DMAR_TYPE_RHSA);
    CHECK(!dmar_problem_affects_remapping(&info.problems[0]));
}

/* Problems in structures that describe, not remap, leave translation alone; the others don't. */
static void problems_that_affect_remapping(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    size_t atsr = table_begin_flags_segment(&t, DMAR_TYPE_ATSR, 0, 0);
    table_append_le(&t, DMAR_SCOPE_BRIDGE, 1);
    table_append_le(&t, 4, 1); /* a scope length below 6 */
    table_append_le(&t, 0, 4);
    table_end_structure(&t, atsr);
    size_t satc = table_begin_flags_segment(&t, DMAR_TYPE_SATC, 1, 0);
    table_append_le(&t, 0, 3); /* 3 bytes cannot be a scope */
    table_end_structure(&t, satc);
    size_t sidp = table_begin_sidp(&t, 0);
    const uint8_t bad[1][2] = {{0x20, 0}};
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0x1f, 0, 0, 1, bad);
    table_end_structure(&t, sidp);
    size_t andd = table_begin_structure(&t, DMAR_TYPE_ANDD);
    table_append_le(&t, 0, 3);
    table_append_le(&t, 1, 1);
    table_append_bytes(&t, "\\_SB", 4); /* no NUL */
    table_end_structure(&t, andd);
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.atsr_count + info.satc_count + info.sidp_count + info.andd_count, 0);
    CHECK_PROBLEMS("ATSR at 0x48 scope 0: length 4 is less than 6",
                   "SATC at 0x56 scope 0: only 3 bytes left, a scope needs 6",
                   "SIDP at 0x61 scope 0: hop 0 names device 0x20 function 0x0 (limits 0x1f, 7)",
                   "ANDD at 0x71: object name is not NUL-terminated");
    for (unsigned i = 0; i < info.problem_count; i++)
        CHECK(!dmar_problem_affects_remapping(&info.problems[i]));

    /* An RMRR, a DRHD, and a walk that stops, do. */
    parse_one_rmrr(0x7f100000, 0x7f0fffff);
    CHECK_EQ_U64(info.problem_count, 1);
    CHECK(dmar_problem_affects_remapping(&info.problems[0]));
    table_begin_dmar(&t, 38, 1);
    size_t rhsa = table_begin_structure(&t, DMAR_TYPE_RHSA);
    table_end_structure(&t, rhsa); /* 4 bytes: shorter than an RHSA, the walk stops */
    table_seal(&t);
    CHECK_EQ_U64(parse(&t), 0);
    CHECK_EQ_U64(info.problem_count, 1);
    CHECK_EQ_U64(info.problems[0].type, DMAR_TYPE_RHSA);
    CHECK(info.problems[0].walk_stopped);
    CHECK(dmar_problem_affects_remapping(&info.problems[0]));
}

/* A rejected table leaves nothing allocated, and dmar_free is harmless after it. */
static void rejected_table_allocates_nothing(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0xfed90000);
    table_seal(&t);
    t.bytes[9] ^= 1;
    CHECK_EQ_U64(parse(&t), (uint64_t)-1);
    CHECK(info.storage == NULL);
    CHECK(info.units == NULL);
    CHECK_EQ_U64(info.unit_count, 0);
    dmar_free(&info);
    dmar_free(&info);
    CHECK(info.storage == NULL);
}

static void andd_names(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t andd = table_begin_structure(&t, 4); /* the name runs to the end without a NUL */
    table_append_le(&t, 0, 3);
    table_append_le(&t, 2, 1);
    table_append_bytes(&t, "\\_SB.UAR0", 9);
    table_end_structure(&t, andd);

    /* Names of any length are kept whole (one longer than nvmetal's old 63 characters),
     * with padding after the NUL allowed. */
    char long_name[300];
    memset(long_name, 'A', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    table_add_andd(&t, 3, long_name, 0);
    table_add_andd(&t, 4, "\\_SB.PCI0.UA00", 5);
    table_seal(&t);

    CHECK_EQ_U64(parse(&t), 0);
    CHECK_PROBLEMS("ANDD at 0x30: object name is not NUL-terminated");
    CHECK_EQ_U64(info.andd_count, 2);
    CHECK_EQ_U64(info.andds[0].acpi_device_number, 3);
    CHECK_STR(info.andds[0].object_name, long_name);
    CHECK_EQ_U64(info.andds[1].acpi_device_number, 4);
    CHECK_STR(info.andds[1].object_name, "\\_SB.PCI0.UA00");
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
                               .path = (struct dmar_hop[]){{3, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0018);
    CHECK_EQ_U64(topology.calls, 0); /* a one-hop path needs no bridge */

    scope.start_bus = 0xff;
    scope.path[0].device = 0x1f;
    scope.path[0].function = 7;
    CHECK_EQ_U64(dmar_scope_source_id(&scope, NULL, NULL), 0xffff);

    /* Behind the root port: 03:00.1. */
    scope = (struct dmar_scope){.start_bus = 0, .path_length = 2,
                                .path = (struct dmar_hop[]){{0x1c, 0}, {0, 1}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0301);
    CHECK_EQ_U64(topology.calls, 1);
    CHECK_EQ_U64(topology.last_bus, 0);
    CHECK_EQ_U64(topology.last_device, 0x1c);
    CHECK_EQ_U64(topology.last_function, 0);

    /* Through the switch too: 04:02.0. */
    topology.calls = 0;
    scope = (struct dmar_scope){.path_length = 3,
                                .path = (struct dmar_hop[]){{0x1c, 0}, {0, 0}, {2, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), 0x0410);
    CHECK_EQ_U64(topology.calls, 2);
    CHECK_EQ_U64(topology.last_bus, 3);

    /* A hop that is no bridge, a path with no hops, no way to ask, a device out of range. */
    scope = (struct dmar_scope){.path_length = 2, .path = (struct dmar_hop[]){{0x1d, 0}, {0, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
    scope.path_length = 0;
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
    scope = (struct dmar_scope){.path_length = 2, .path = (struct dmar_hop[]){{0x1c, 0}, {0, 1}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, NULL, NULL), (uint64_t)-1);
    scope = (struct dmar_scope){.path_length = 1, .path = (struct dmar_hop[]){{32, 0}}};
    CHECK_EQ_U64(dmar_scope_source_id(&scope, fake_secondary_bus, &topology), (uint64_t)-1);
}

/* The scope decoded from a table and then resolved, end to end. */
static void parsed_scope_source_id(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    const uint8_t path[2][2] = {{0x1c, 0}, {0, 0}};
    add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 2, path);
    table_end_structure(&t, drhd);
    table_seal(&t);
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
    CHECK_CASE(many_scopes),
    CHECK_CASE(long_paths),
    CHECK_CASE(rmrr_ranges),
    CHECK_CASE(drhd_register_base),
    CHECK_CASE(drhd_base_zero_among_good_ones),
    CHECK_CASE(many_units),
    CHECK_CASE(many_rmrrs),
    CHECK_CASE(many_andds),
    CHECK_CASE(many_problems),
    CHECK_CASE(rhsa_naming_no_unit),
    CHECK_CASE(problems_that_affect_remapping),
    CHECK_CASE(rejected_table_allocates_nothing),
    CHECK_CASE(andd_names),
    CHECK_CASE(scope_source_ids),
    CHECK_CASE(parsed_scope_source_id),
};

int main(void)
{
    int status = CHECK_RUN("dmar", cases);
    dmar_free(&info);
    table_free(&t);
    return status;
}
