/* Host tests for lib/acpi.c: crafted tables with correct checksums, then corrupted, truncated and short ones. */
#include "acpi.h"
#include "check.h"
#include "fixtures/guard_page.h"
#include "fixtures/table_builder.h"

#include <stdlib.h>

#define CHECKSUM_OFFSET 9 /* in the SDT header */

static void put_le(uint8_t *table, size_t offset, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        table[offset + i] = (uint8_t)(value >> (8 * i));
}

/* Makes the bytes [0, len) sum to zero by adjusting the byte at checksum_offset. */
static void fix_checksum(uint8_t *table, size_t len, size_t checksum_offset)
{
    uint8_t sum = 0;
    table[checksum_offset] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + table[i]);
    table[checksum_offset] = (uint8_t)(0x100 - sum);
}

/* A header with a valid checksum over `length` bytes (the body must be written first). */
static void seal_table(uint8_t *table, const char *signature, uint32_t length, uint8_t revision)
{
    memcpy(table, signature, 4);
    put_le(table, 4, length, 4);
    table[8] = revision;
    memcpy(table + 10, "NVMTAL", 6);
    memcpy(table + 16, "TESTTABL", 8);
    fix_checksum(table, length, CHECKSUM_OFFSET);
}

static void put_gas(uint8_t *table, size_t offset, uint8_t space, uint8_t width, uint64_t address)
{
    table[offset] = space;
    table[offset + 1] = width;
    table[offset + 2] = 0;
    table[offset + 3] = 1;
    put_le(table, offset + 4, address, 8);
}

static void check_table_accepts_and_explains(void)
{
    uint8_t t[64];
    char why[ACPI_WHY_LEN];
    memset(t, 0, sizeof t);
    seal_table(t, "MCFG", 44, 1);
    CHECK_EQ_U64(acpi_check_table(t, 44, "MCFG", why), 0);
    CHECK_EQ_U64(acpi_check_table(t, sizeof t, "MCFG", why), 0);

    CHECK_EQ_U64(acpi_check_table(t, 44, "XSDT", why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: signature is 'MCFG'");

    CHECK_EQ_U64(acpi_check_table(t, 35, "MCFG", why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: only 35 bytes available, the header needs 36");

    seal_table(t, "MCFG", 60, 1);
    CHECK_EQ_U64(acpi_check_table(t, 44, "MCFG", why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: length 60 exceeds the 44 bytes available");

    seal_table(t, "MCFG", 20, 1);
    CHECK_EQ_U64(acpi_check_table(t, sizeof t, "MCFG", why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: length 20 is shorter than the 36-byte header");

    seal_table(t, "XSDT", 44, 1);
    t[40] = (uint8_t)(t[40] + 0x12);
    CHECK_EQ_U64(acpi_check_table(t, 44, "XSDT", why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: checksum byte sum is 0x12, not 0");

    /* A corrupt signature is shown printable. */
    memcpy(t, "X\x01\xffT", 4);
    CHECK_EQ_U64(acpi_check_table(t, 44, "XSDT", why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: signature is 'X??T'");
}

/* An RSDP at rest: 20 bytes for revision 0, 36 for revision 2. */
static void build_rsdp(uint8_t *r, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BOCHS ", 6);
    r[15] = revision;
    put_le(r, 16, rsdt, 4);
    fix_checksum(r, 20, 8);
    if (revision >= 2) {
        put_le(r, 20, 36, 4);
        put_le(r, 24, xsdt, 8);
        fix_checksum(r, 36, 32);
    }
}

static void rsdp_v1(void)
{
    uint8_t r[36];
    struct acpi_rsdp_info info;
    char why[ACPI_WHY_LEN];
    build_rsdp(r, 0, 0x7fe14b2c, 0);
    memset(&info, 0xee, sizeof info);
    CHECK_EQ_U64(acpi_parse_rsdp(at_end_of_readable_memory(r, 20), 20, &info, why), 0);
    CHECK_EQ_U64(info.revision, 0);
    CHECK_STR(info.oem_id, "BOCHS ");
    CHECK_EQ_U64(info.rsdt_address, 0x7fe14b2c);
    CHECK_EQ_U64(info.xsdt_address, 0);

    /* Bytes after a 1.0 RSDP are not an XSDT address, whatever they hold. */
    memset(r + 20, 0x5a, 16);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 36, &info, why), 0);
    CHECK_EQ_U64(info.xsdt_address, 0);

    r[16] ^= 0x01;
    CHECK_EQ_U64(acpi_parse_rsdp(r, 20, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: checksum byte sum of the first 20 bytes is 0x01, not 0");

    CHECK_EQ_U64(acpi_parse_rsdp(r, 19, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: only 19 bytes available, needs 20");

    build_rsdp(r, 0, 1, 0);
    r[0] = 'r';
    CHECK_EQ_U64(acpi_parse_rsdp(r, 20, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: signature is 'rSD PTR ', not 'RSD PTR '");
}

static void rsdp_v2(void)
{
    uint8_t r[40];
    struct acpi_rsdp_info info;
    char why[ACPI_WHY_LEN];
    memset(r, 0, sizeof r);
    build_rsdp(r, 2, 0x7fe14b2c, 0x000000017fe13a00ull);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 36, &info, why), 0);
    CHECK_EQ_U64(info.revision, 2);
    CHECK_EQ_U64(info.rsdt_address, 0x7fe14b2c);
    CHECK_EQ_U64(info.xsdt_address, 0x000000017fe13a00ull);

    /* The reserved bytes are covered by the extended checksum only. */
    r[34] = 0x40;
    CHECK_EQ_U64(acpi_parse_rsdp(r, 36, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: extended checksum byte sum is 0x40, not 0");

    build_rsdp(r, 2, 0x7fe14b2c, 0x17fe13a00ull);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 20, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: revision 2 needs 36 bytes, only 20 available");
    put_le(r, 20, 40, 4);
    fix_checksum(r, 36, 32);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 36, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: length 40 exceeds the 36 bytes available");

    put_le(r, 20, 30, 4);
    fix_checksum(r, 20, 8);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 36, &info, why), (uint64_t)-1);
    CHECK_STR(why, "RSDP: revision 2 length 30 is shorter than 36");

    /* A longer RSDP is fine when its length and checksum cover the extra bytes. */
    build_rsdp(r, 2, 0x7fe14b2c, 0x17fe13a00ull);
    put_le(r, 20, 40, 4);
    r[38] = 0x77;
    fix_checksum(r, 20, 8);
    fix_checksum(r, 40, 32);
    CHECK_EQ_U64(acpi_parse_rsdp(r, 40, &info, why), 0);
    CHECK_EQ_U64(info.xsdt_address, 0x17fe13a00ull);
}

static void xsdt_entries_unaligned(void)
{
    uint8_t buffer[1 + 36 + 3 * 8];
    uint8_t *t = buffer + 1; /* entries at odd addresses must still read correctly */
    uint64_t entries[4];
    unsigned count = 99;
    char why[ACPI_WHY_LEN];
    memset(buffer, 0, sizeof buffer);
    put_le(t, 36, 0x000000007fe12000ull, 8);
    put_le(t, 44, 0x0000000100000000ull, 8);
    put_le(t, 52, 0xfedcba9876543210ull, 8);
    seal_table(t, "XSDT", 36 + 3 * 8, 1);
    CHECK_EQ_U64(acpi_parse_xsdt(t, 36 + 3 * 8, entries, 4, &count, why), 0);
    CHECK_EQ_U64(count, 3);
    CHECK_EQ_U64(entries[0], 0x7fe12000);
    CHECK_EQ_U64(entries[1], 0x100000000ull);
    CHECK_EQ_U64(entries[2], 0xfedcba9876543210ull);

    CHECK_EQ_U64(acpi_parse_xsdt(t, 36 + 3 * 8, entries, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: 3 entries, room for 2");

    seal_table(t, "XSDT", 36 + 12, 1);
    CHECK_EQ_U64(acpi_parse_xsdt(t, 36 + 3 * 8, entries, 4, &count, why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: 12 bytes of entries is not a multiple of 8");

    /* An RSDT is not an XSDT. */
    seal_table(t, "RSDT", 36 + 3 * 8, 1);
    CHECK_EQ_U64(acpi_parse_xsdt(t, 36 + 3 * 8, entries, 4, &count, why), (uint64_t)-1);
    CHECK_STR(why, "XSDT: signature is 'RSDT'");
}

static void xsdt_zero_entries(void)
{
    uint8_t t[36];
    uint64_t entries[1];
    unsigned count = 99;
    char why[ACPI_WHY_LEN];
    memset(t, 0, sizeof t);
    seal_table(t, "XSDT", 36, 1);
    CHECK_EQ_U64(acpi_parse_xsdt(t, sizeof t, entries, 1, &count, why), 0);
    CHECK_EQ_U64(count, 0);
    CHECK_EQ_U64(acpi_parse_xsdt(t, sizeof t, entries, 0, &count, why), 0);
}

static void rsdt_entries(void)
{
    uint8_t t[36 + 8];
    uint64_t entries[2];
    unsigned count = 0;
    char why[ACPI_WHY_LEN];
    memset(t, 0, sizeof t);
    put_le(t, 36, 0x7fe15000, 4);
    put_le(t, 40, 0xfffe0000, 4);
    seal_table(t, "RSDT", sizeof t, 1);
    CHECK_EQ_U64(acpi_parse_rsdt(t, sizeof t, entries, 2, &count, why), 0);
    CHECK_EQ_U64(count, 2);
    CHECK_EQ_U64(entries[0], 0x7fe15000);
    CHECK_EQ_U64(entries[1], 0xfffe0000);

    t[37] ^= 0x10;
    CHECK_EQ_U64(acpi_parse_rsdt(t, sizeof t, entries, 2, &count, why), (uint64_t)-1);
    CHECK_EQ_U64(count, 0);
}

/* An MCFG with `n` allocations of {base, segment, bus_start, bus_end}. */
static size_t build_mcfg(uint8_t *t, const struct acpi_mcfg_allocation *allocs, unsigned n)
{
    size_t length = 44 + 16 * n;
    memset(t, 0, length);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *entry = t + 44 + 16 * i;
        put_le(entry, 0, allocs[i].base, 8);
        put_le(entry, 8, allocs[i].segment, 2);
        entry[10] = allocs[i].bus_start;
        entry[11] = allocs[i].bus_end;
    }
    seal_table(t, "MCFG", (uint32_t)length, 1);
    return length;
}

static void mcfg_two_allocations(void)
{
    static const struct acpi_mcfg_allocation allocs[] = {
        {.base = 0xb0000000, .segment = 0, .bus_start = 0, .bus_end = 0xff},
        {.base = 0x3ffe00000000ull, .segment = 1, .bus_start = 0x80, .bus_end = 0x9f},
    };
    uint8_t t[44 + 2 * 16];
    struct acpi_mcfg_allocation out[3];
    unsigned count = 0;
    char why[ACPI_WHY_LEN];
    size_t length = build_mcfg(t, allocs, 2);
    memset(out, 0, sizeof out);
    CHECK_EQ_U64(acpi_parse_mcfg(t, length, out, 3, &count, why), 0);
    CHECK_EQ_U64(count, 2);
    CHECK_EQ_U64(out[0].base, 0xb0000000);
    CHECK_EQ_U64(out[0].segment, 0);
    CHECK_EQ_U64(out[0].bus_start, 0);
    CHECK_EQ_U64(out[0].bus_end, 0xff);
    CHECK_EQ_U64(out[1].base, 0x3ffe00000000ull);
    CHECK_EQ_U64(out[1].segment, 1);
    CHECK_EQ_U64(out[1].bus_start, 0x80);
    CHECK_EQ_U64(out[1].bus_end, 0x9f);
    CHECK_EQ_U64(out[2].base, 0);

    CHECK_EQ_U64(acpi_parse_mcfg(t, length, out, 1, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: 2 allocations, room for 1");
    CHECK_EQ_U64(acpi_parse_mcfg(t, length - 1, out, 3, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: length 76 exceeds the 75 bytes available");
}

static void mcfg_rejects(void)
{
    uint8_t t[44 + 2 * 16];
    struct acpi_mcfg_allocation out[2];
    unsigned count = 0;
    char why[ACPI_WHY_LEN];

    size_t length = build_mcfg(t, NULL, 0);
    CHECK_EQ_U64(acpi_parse_mcfg(t, length, out, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG has no allocations");

    memset(t, 0, sizeof t);
    seal_table(t, "MCFG", 40, 1);
    CHECK_EQ_U64(acpi_parse_mcfg(t, sizeof t, out, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: length 40 is shorter than the 44-byte fixed part");

    static const struct acpi_mcfg_allocation one[] = {{.base = 0xe0000000, .bus_end = 0x3f}};
    build_mcfg(t, one, 1);
    seal_table(t, "MCFG", 44 + 20, 1);
    CHECK_EQ_U64(acpi_parse_mcfg(t, sizeof t, out, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: 20 bytes of allocations is not a multiple of 16");

    static const struct acpi_mcfg_allocation reversed[] = {
        {.base = 0xe0000000, .bus_start = 0, .bus_end = 0xff},
        {.base = 0xf0000000, .bus_start = 0x10, .bus_end = 0x05},
    };
    length = build_mcfg(t, reversed, 2);
    CHECK_EQ_U64(acpi_parse_mcfg(t, length, out, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG allocation 1: bus range 10..05 is reversed");
    CHECK_EQ_U64(count, 0);

    static const struct acpi_mcfg_allocation zero_base[] = {{.base = 0, .bus_end = 0xff}};
    length = build_mcfg(t, zero_base, 1);
    CHECK_EQ_U64(acpi_parse_mcfg(t, length, out, 2, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG allocation 0: ECAM base is 0");
}

/* Nine allocations: one more than nvmetal once had room for, which made it reject the
 * whole MCFG. The count comes first and sizes the array; every allocation is kept. */
static void mcfg_nine_allocations(void)
{
    struct table t = {0};
    table_begin_mcfg(&t);
    for (unsigned i = 0; i < 9; i++)
        table_add_mcfg_allocation(&t, 0x3fff00000000ull + 0x10000000ull * i, (uint16_t)i,
                                  (uint8_t)(i * 0x10), (uint8_t)(i * 0x10 + 0xf));
    table_seal(&t);
    const uint8_t *table = at_end_of_readable_memory(t.bytes, t.length);
    char why[ACPI_WHY_LEN] = "untouched";
    unsigned n = 0, count = 0;
    CHECK_EQ_U64(acpi_mcfg_count(table, t.length, &n, why), 0);
    CHECK_EQ_U64(n, 9);
    struct acpi_mcfg_allocation *out = calloc(n, sizeof *out);
    CHECK_EQ_U64(acpi_parse_mcfg(table, t.length, out, n, &count, why), 0);
    CHECK_STR(why, "untouched");
    CHECK_EQ_U64(count, 9);
    for (unsigned i = 0; i < count; i++) {
        CHECK_EQ_U64(out[i].base, 0x3fff00000000ull + 0x10000000ull * i);
        CHECK_EQ_U64(out[i].segment, i);
        CHECK_EQ_U64(out[i].bus_start, i * 0x10);
        CHECK_EQ_U64(out[i].bus_end, i * 0x10 + 0xf);
    }
    /* Room for fewer is the caller's mistake, and said so. */
    CHECK_EQ_U64(acpi_parse_mcfg(table, t.length, out, 8, &count, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: 9 allocations, room for 8");
    CHECK_EQ_U64(count, 0);
    free(out);
    table_free(&t);
}

/* acpi_mcfg_count refuses what acpi_parse_mcfg refuses about the table as a whole. */
static void mcfg_count_rejects(void)
{
    uint8_t t[44 + 2 * 16];
    unsigned n = 7;
    char why[ACPI_WHY_LEN];
    size_t length = build_mcfg(t, NULL, 0);
    CHECK_EQ_U64(acpi_mcfg_count(t, length, &n, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG has no allocations");
    CHECK_EQ_U64(n, 0);

    static const struct acpi_mcfg_allocation one[] = {{.base = 0xe0000000, .bus_end = 0x3f}};
    build_mcfg(t, one, 1);
    seal_table(t, "MCFG", 44 + 20, 1);
    CHECK_EQ_U64(acpi_mcfg_count(t, sizeof t, &n, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: 20 bytes of allocations is not a multiple of 16");

    length = build_mcfg(t, one, 1);
    t[20] ^= 1;
    CHECK_EQ_U64(acpi_mcfg_count(t, length, &n, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: checksum byte sum is 0x01, not 0");
    CHECK_EQ_U64(acpi_mcfg_count(t, 40, &n, why), (uint64_t)-1);
    CHECK_STR(why, "MCFG: length 60 exceeds the 40 bytes available");
}

/* FADT field offsets, from the ACPI specification. */
enum {
    FADT_PM1A_EVT_BLK = 56,
    FADT_PM1_EVT_LEN = 88,
    FADT_IAPC_BOOT_ARCH = 109,
    FADT_X_PM1A_EVT_BLK = 148,
    FADT_PM_TMR_BLK = 76,
    FADT_FLAGS = 112,
    FADT_RESET_REG = 116,
    FADT_RESET_VALUE = 128,
    FADT_X_PM_TMR_BLK = 208,
    FADT_REV1_LENGTH = 116,
    FADT_REV6_LENGTH = 276,
};
#define TMR_VAL_EXT   (1u << 8)
#define RESET_REG_SUP (1u << 10)

static void build_fadt(uint8_t *t, uint32_t length, uint8_t revision, uint32_t flags)
{
    memset(t, 0, FADT_REV6_LENGTH);
    put_le(t, FADT_PM_TMR_BLK, 0x608, 4);
    put_le(t, FADT_FLAGS, flags, 4);
    put_gas(t, FADT_RESET_REG, ACPI_SPACE_IO, 8, 0xcf9);
    t[FADT_RESET_VALUE] = 0x06;
    put_gas(t, FADT_X_PM_TMR_BLK, ACPI_SPACE_IO, 32, 0xb008);
    seal_table(t, "FACP", length, revision);
}

static void fadt_revision1_short(void)
{
    uint8_t t[FADT_REV6_LENGTH];
    struct acpi_fadt_info info;
    char why[ACPI_WHY_LEN];
    /* The buffer holds a reset register and X_PM_TMR_BLK past the table's end: they must be
     * ignored, even with RESET_REG_SUP set and more bytes readable. */
    build_fadt(t, FADT_REV1_LENGTH, 1, TMR_VAL_EXT | RESET_REG_SUP);
    memset(&info, 0xee, sizeof info);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0x608);
    CHECK(info.pm_timer_32bit);
    CHECK(!info.reset_supported);
    CHECK_EQ_U64(info.reset_register.address, 0);
    CHECK_EQ_U64(info.reset_value, 0);

    /* The same table in a buffer of exactly its length: nothing past it may be read. */
    const uint8_t *exact = at_end_of_readable_memory(t, FADT_REV1_LENGTH);
    CHECK_EQ_U64(acpi_parse_fadt(exact, FADT_REV1_LENGTH, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0x608);
    CHECK(!info.reset_supported);

    /* Shorter still: no flags, no timer. */
    build_fadt(t, 60, 1, TMR_VAL_EXT);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0);
    CHECK(!info.pm_timer_32bit);

    build_fadt(t, FADT_REV1_LENGTH, 1, 0);
    CHECK_EQ_U64(acpi_parse_fadt(t, FADT_REV1_LENGTH - 1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "FACP: length 116 exceeds the 115 bytes available");
}

/* The power button the end-of-run wait polls, and whether a PS/2 controller is promised. */
static void fadt_power_button_and_8042(void)
{
    uint8_t t[FADT_REV6_LENGTH];
    struct acpi_fadt_info info;
    char why[ACPI_WHY_LEN];
    /* QEMU q35's layout: PM1a events at 0x600 (4 bytes), fixed power button, 8042 present. */
    build_fadt(t, FADT_REV6_LENGTH, 6, 0);
    put_le(t, FADT_PM1A_EVT_BLK, 0x600, 4);
    t[FADT_PM1_EVT_LEN] = 4;
    put_le(t, FADT_IAPC_BOOT_ARCH, 1u << 1, 2);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm1a_status_port, 0x600);
    CHECK_EQ_U64(info.pm1a_enable_port, 0x602);
    CHECK(info.power_button_fixed);
    CHECK(info.has_8042);

    /* X_PM1A_EVT_BLK in I/O space wins; PWR_BUTTON set means a control-method button. */
    build_fadt(t, FADT_REV6_LENGTH, 6, 1u << 4);
    put_le(t, FADT_PM1A_EVT_BLK, 0x600, 4);
    t[FADT_PM1_EVT_LEN] = 4;
    put_gas(t, FADT_X_PM1A_EVT_BLK, ACPI_SPACE_IO, 32, 0x1800);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm1a_status_port, 0x1800);
    CHECK_EQ_U64(info.pm1a_enable_port, 0x1802);
    CHECK(!info.power_button_fixed);
    CHECK(!info.has_8042); /* revision 6 with IAPC_BOOT_ARCH 0: no 8042 promised */

    /* A PM1 block shorter than its two 2-byte registers is not one. */
    build_fadt(t, FADT_REV6_LENGTH, 6, 0);
    put_le(t, FADT_PM1A_EVT_BLK, 0x600, 4);
    t[FADT_PM1_EVT_LEN] = 2;
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm1a_status_port, 0);
    CHECK_EQ_U64(info.pm1a_enable_port, 0);

    /* A block that would run past port 0xffff is not one either. */
    build_fadt(t, FADT_REV6_LENGTH, 6, 0);
    put_le(t, FADT_PM1A_EVT_BLK, 0xfffe, 4);
    t[FADT_PM1_EVT_LEN] = 4;
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm1a_status_port, 0);

    /* Revision 1 has no IAPC_BOOT_ARCH: a machine that old has an 8042. */
    build_fadt(t, FADT_REV1_LENGTH, 1, 0);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK(info.has_8042);
}

static void fadt_full(void)
{
    uint8_t t[FADT_REV6_LENGTH];
    struct acpi_fadt_info info;
    char why[ACPI_WHY_LEN];
    build_fadt(t, FADT_REV6_LENGTH, 6, RESET_REG_SUP);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0xb008); /* X_PM_TMR_BLK wins over PM_TMR_BLK */
    CHECK(!info.pm_timer_32bit);
    CHECK(info.reset_supported);
    CHECK_EQ_U64(info.reset_register.space_id, ACPI_SPACE_IO);
    CHECK_EQ_U64(info.reset_register.bit_width, 8);
    CHECK_EQ_U64(info.reset_register.address, 0xcf9);
    CHECK_EQ_U64(info.reset_value, 6);

    /* Without RESET_REG_SUP the register is described but not usable. */
    build_fadt(t, FADT_REV6_LENGTH, 6, TMR_VAL_EXT);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK(!info.reset_supported);
    CHECK(info.pm_timer_32bit);
    CHECK_EQ_U64(info.reset_register.address, 0xcf9);

    /* A reset register in PCI configuration space or at 0 is not one we can use. */
    build_fadt(t, FADT_REV6_LENGTH, 6, RESET_REG_SUP);
    put_gas(t, FADT_RESET_REG, 2, 8, 0xcf9);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK(!info.reset_supported);
    put_gas(t, FADT_RESET_REG, ACPI_SPACE_MEMORY, 8, 0);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK(!info.reset_supported);
    put_gas(t, FADT_RESET_REG, ACPI_SPACE_MEMORY, 8, 0xfed00000);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK(info.reset_supported);

    /* A memory-mapped or empty X_PM_TMR_BLK falls back to the 32-bit port field. */
    put_gas(t, FADT_X_PM_TMR_BLK, ACPI_SPACE_MEMORY, 32, 0xfed80000);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0x608);
    put_gas(t, FADT_X_PM_TMR_BLK, ACPI_SPACE_IO, 32, 0);
    seal_table(t, "FACP", FADT_REV6_LENGTH, 6);
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.pm_timer_port, 0x608);

    t[200] ^= 1;
    CHECK_EQ_U64(acpi_parse_fadt(t, sizeof t, &info, why), (uint64_t)-1);
    CHECK_STR(why, "FACP: checksum byte sum is 0x01, not 0");
}

static void hpet(void)
{
    uint8_t t[56];
    struct acpi_hpet_info info;
    char why[ACPI_WHY_LEN];
    memset(t, 0, sizeof t);
    put_le(t, 36, 0x8086a201, 4);
    put_gas(t, 40, ACPI_SPACE_MEMORY, 64, 0xfed00000);
    seal_table(t, "HPET", sizeof t, 1);
    CHECK_EQ_U64(acpi_parse_hpet(t, sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.base, 0xfed00000);
    info.base = 0;
    CHECK_EQ_U64(acpi_parse_hpet(at_end_of_readable_memory(t, sizeof t), sizeof t, &info, why), 0);
    CHECK_EQ_U64(info.base, 0xfed00000);

    put_gas(t, 40, ACPI_SPACE_IO, 64, 0xfed00000);
    seal_table(t, "HPET", sizeof t, 1);
    CHECK_EQ_U64(acpi_parse_hpet(t, sizeof t, &info, why), (uint64_t)-1);
    CHECK_STR(why, "HPET: base address is in address space 1, not memory");

    put_gas(t, 40, ACPI_SPACE_MEMORY, 64, 0);
    seal_table(t, "HPET", sizeof t, 1);
    CHECK_EQ_U64(acpi_parse_hpet(t, sizeof t, &info, why), (uint64_t)-1);
    CHECK_STR(why, "HPET: base address is 0");

    put_gas(t, 40, ACPI_SPACE_MEMORY, 64, 0xfed00000);
    seal_table(t, "HPET", 44, 1);
    CHECK_EQ_U64(acpi_parse_hpet(t, sizeof t, &info, why), (uint64_t)-1);
    CHECK_STR(why, "HPET: length 44 is too short for the base address (needs 52)");
}

static const struct check_case cases[] = {
    CHECK_CASE(check_table_accepts_and_explains),
    CHECK_CASE(rsdp_v1),
    CHECK_CASE(rsdp_v2),
    CHECK_CASE(xsdt_entries_unaligned),
    CHECK_CASE(xsdt_zero_entries),
    CHECK_CASE(rsdt_entries),
    CHECK_CASE(mcfg_two_allocations),
    CHECK_CASE(mcfg_rejects),
    CHECK_CASE(mcfg_nine_allocations),
    CHECK_CASE(mcfg_count_rejects),
    CHECK_CASE(fadt_revision1_short),
    CHECK_CASE(fadt_full),
    CHECK_CASE(fadt_power_button_and_8042),
    CHECK_CASE(hpet),
};

int main(void)
{
    return CHECK_RUN("acpi", cases);
}
