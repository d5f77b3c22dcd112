/* Host tests for lib/nfit.c: NFIT tables built byte by byte as QEMU lays out one NVDIMM (SPA range, region mapping, control region, platform capabilities), each accepted field against its bytes, and every refusal named. */
#include "check.h"
#include "fixtures/file_bytes.h"
#include "fixtures/table_builder.h"
#include "lib/nfit.h"

#include <stdlib.h>

static const uint8_t PM_GUID[16] = {0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
                                    0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb};

static void add_spa(struct table *t, uint16_t index, const uint8_t guid[16], uint64_t base, uint64_t length)
{
    size_t s = table_begin_structure(t, NFIT_TYPE_SPA);
    table_append_le(t, index, 2);
    table_append_le(t, 0x2, 2);        /* flags: proximity domain valid */
    table_append_le(t, 0, 4);
    table_append_le(t, 0, 4);          /* proximity domain */
    table_append_bytes(t, guid, 16);
    table_append_le(t, base, 8);
    table_append_le(t, length, 8);
    table_append_le(t, 0x8008, 8);     /* EFI_MEMORY_WB | EFI_MEMORY_NV */
    table_end_structure(t, s);
}

static void add_mapping(struct table *t, uint32_t handle, uint16_t spa, uint16_t control,
                        uint64_t size, uint16_t state)
{
    size_t s = table_begin_structure(t, NFIT_TYPE_MAPPING);
    table_append_le(t, handle, 4);
    table_append_le(t, 0, 2);          /* physical ID */
    table_append_le(t, 0, 2);          /* region ID */
    table_append_le(t, spa, 2);
    table_append_le(t, control, 2);
    table_append_le(t, size, 8);
    table_append_le(t, 0, 8);          /* region offset */
    table_append_le(t, 0, 8);          /* physical address region base */
    table_append_le(t, 0, 2);
    table_append_le(t, 1, 2);          /* interleave ways */
    table_append_le(t, state, 2);
    table_append_le(t, 0, 2);
    table_end_structure(t, s);
}

static void add_control(struct table *t, uint16_t index, uint32_t serial)
{
    size_t s = table_begin_structure(t, NFIT_TYPE_CONTROL);
    table_append_le(t, index, 2);
    table_append_le(t, 0x8086, 2);     /* vendor */
    table_append_le(t, 0x0001, 2);     /* device */
    table_append_le(t, 0x0001, 2);     /* revision */
    table_append_le(t, 0x8086, 2);
    table_append_le(t, 0x0001, 2);
    table_append_le(t, 0x0001, 2);
    table_append_le(t, 0, 1);
    table_append_le(t, 0, 1);
    table_append_le(t, 0, 2);
    table_append_le(t, 0, 2);
    table_append_le(t, serial, 4);
    table_append_le(t, 0x0301, 2);     /* format interface code */
    table_append_le(t, 0, 2);          /* no block control windows */
    table_end_structure(t, s);
}

static void add_capabilities(struct table *t, uint8_t highest, uint32_t caps)
{
    size_t s = table_begin_structure(t, NFIT_TYPE_CAPABILITIES);
    table_append_le(t, highest, 1);
    table_append_le(t, 0, 3);
    table_append_le(t, caps, 4);
    table_append_le(t, 0, 4);
    table_end_structure(t, s);
}

/* One NVDIMM as QEMU 7.2 describes it: 64 MiB at 0x140000000, handle 1, control region 2. */
static void qemu_like(struct table *t, uint16_t state)
{
    table_begin_nfit(t);
    add_spa(t, 1, PM_GUID, 0x140000000ull, 64ull << 20);
    add_mapping(t, 1, 1, 2, 64ull << 20, state);
    add_control(t, 2, 0x123456);
}

static int parse(struct table *t, struct nfit_info *n, char *why)
{
    table_seal(t);
    why[0] = '\0';
    return nfit_parse(t->bytes, t->length, n, why);
}

static void one_nvdimm(void)
{
    struct table t = {0};
    qemu_like(&t, 0);
    add_capabilities(&t, 1, NFIT_CAP_CPU_CACHE_FLUSH | NFIT_CAP_MEMORY_FLUSH | 0xf0);
    struct nfit_info *n = calloc(1, sizeof(*n));
    char why[ACPI_WHY_LEN];
    CHECK(parse(&t, n, why) == 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(n->structure_count, 4);
    CHECK_EQ_U64(n->range_count, 1);
    CHECK_EQ_U64(n->ranges[0].index, 1);
    CHECK_EQ_U64(n->ranges[0].kind, NFIT_RANGE_PERSISTENT);
    CHECK_EQ_U64(n->ranges[0].base, 0x140000000ull);
    CHECK_EQ_U64(n->ranges[0].length, 64ull << 20);
    CHECK_EQ_U64(n->ranges[0].attributes, 0x8008);
    CHECK_EQ_U64(n->ranges[0].flags, 0x2);
    CHECK_EQ_U64(n->mapping_count, 1);
    CHECK_EQ_U64(n->mappings[0].device_handle, 1);
    CHECK_EQ_U64(n->mappings[0].range_index, 1);
    CHECK_EQ_U64(n->mappings[0].control_index, 2);
    CHECK_EQ_U64(n->mappings[0].region_size, 64ull << 20);
    CHECK_EQ_U64(n->mappings[0].interleave_ways, 1);
    CHECK_EQ_U64(n->control_count, 1);
    CHECK_EQ_U64(n->controls[0].index, 2);
    CHECK_EQ_U64(n->controls[0].vendor_id, 0x8086);
    CHECK_EQ_U64(n->controls[0].serial, 0x123456);
    CHECK_EQ_U64(n->controls[0].format_code, 0x0301);
    CHECK(n->has_capabilities);
    CHECK_EQ_U64(n->highest_capability, 1);
    /* Bits past the highest valid one are not taken. */
    CHECK_EQ_U64(n->capabilities, NFIT_CAP_CPU_CACHE_FLUSH | NFIT_CAP_MEMORY_FLUSH);
    CHECK(nfit_range_by_index(n, 1) == &n->ranges[0]);
    CHECK(nfit_range_by_index(n, 2) == NULL);
    free(n);
    table_free(&t);
}

static void states_and_kinds(void)
{
    char text[96];
    nfit_state_describe(NFIT_STATE_NOT_ARMED, text, sizeof text);
    CHECK_STR(text, "not_armed");
    nfit_state_describe(NFIT_STATE_SAVE_FAILED | NFIT_STATE_NOT_ARMED | 0x8000, text, sizeof text);
    CHECK_STR(text, "save_failed, not_armed, bit15");
    nfit_state_describe(0, text, sizeof text);
    CHECK_STR(text, "none");
    CHECK_STR(nfit_range_kind_name(NFIT_RANGE_PERSISTENT), "persistent memory");
    CHECK_STR(nfit_range_kind_name(NFIT_RANGE_OTHER), "other");
    /* An unarmed NVDIMM's flag comes through; an unknown GUID is "other"; types 2, 3, 5 and
     * unknown ones are counted. */
    struct table t = {0};
    qemu_like(&t, NFIT_STATE_NOT_ARMED);
    static const uint8_t odd[16] = {1, 2, 3};
    add_spa(&t, 7, odd, 0x200000000ull, 4096);
    size_t s = table_begin_structure(&t, 99);
    table_append_le(&t, 0, 4);
    table_end_structure(&t, s);
    s = table_begin_structure(&t, NFIT_TYPE_SMBIOS);
    table_append_le(&t, 0, 4);
    table_end_structure(&t, s);
    struct nfit_info *n = calloc(1, sizeof(*n));
    char why[ACPI_WHY_LEN];
    CHECK(parse(&t, n, why) == 0);
    CHECK_EQ_U64(n->mappings[0].state_flags, NFIT_STATE_NOT_ARMED);
    CHECK_EQ_U64(n->ranges[1].kind, NFIT_RANGE_OTHER);
    CHECK_EQ_U64(n->unknown_count, 1);
    CHECK_EQ_U64(n->smbios_count, 1);
    CHECK(!n->has_capabilities);
    free(n);
    table_free(&t);
}

static void flush_hints(void)
{
    struct table t = {0};
    qemu_like(&t, 0);
    size_t s = table_begin_structure(&t, NFIT_TYPE_FLUSH_HINT);
    table_append_le(&t, 1, 4);       /* handle */
    table_append_le(&t, 6, 2);       /* six addresses: four are kept */
    table_append_le(&t, 0, 6);
    for (uint64_t i = 0; i < 6; i++)
        table_append_le(&t, 0xfee00000ull + 64 * i, 8);
    table_end_structure(&t, s);
    struct nfit_info *n = calloc(1, sizeof(*n));
    char why[ACPI_WHY_LEN];
    CHECK(parse(&t, n, why) == 0);
    CHECK_EQ_U64(n->flush_count, 1);
    CHECK_EQ_U64(n->flushes[0].hint_count, 6);
    CHECK_EQ_U64(n->flushes[0].hints[0], 0xfee00000ull);
    CHECK_EQ_U64(n->flushes[0].hints[3], 0xfee000c0ull);
    free(n);
    table_free(&t);
}

/* A table made by `build` is refused with exactly `why`. */
static void refused(void (*build)(struct table *t), const char *expected, int line)
{
    struct table t = {0};
    build(&t);
    struct nfit_info *n = calloc(1, sizeof(*n));
    char why[ACPI_WHY_LEN];
    if (parse(&t, n, why) != -1 || strcmp(why, expected) != 0)
        check_fail(__FILE__, line, "got '%s', want '%s'", why, expected);
    free(n);
    table_free(&t);
}

static void index_zero(struct table *t) { table_begin_nfit(t); add_spa(t, 0, PM_GUID, 0x1000, 4096); }
static void index_twice(struct table *t)
{
    table_begin_nfit(t);
    add_spa(t, 3, PM_GUID, 0x1000, 4096);
    add_spa(t, 3, PM_GUID, 0x2000, 4096);
}
static void empty_range(struct table *t) { table_begin_nfit(t); add_spa(t, 1, PM_GUID, 0x1000, 0); }
static void wrapping(struct table *t) { table_begin_nfit(t); add_spa(t, 1, PM_GUID, ~0ull - 100, 4096); }
static void missing_spa(struct table *t)
{
    table_begin_nfit(t);
    add_mapping(t, 5, 9, 2, 4096, 0);
    add_control(t, 2, 1);
}
static void missing_control(struct table *t)
{
    table_begin_nfit(t);
    add_spa(t, 1, PM_GUID, 0x1000, 4096);
    add_mapping(t, 5, 1, 4, 4096, 0);
}
static void two_capabilities(struct table *t)
{
    qemu_like(t, 0);
    add_capabilities(t, 1, 1);
    add_capabilities(t, 1, 1);
}
static void short_spa(struct table *t)
{
    table_begin_nfit(t);
    size_t s = table_begin_structure(t, NFIT_TYPE_SPA);
    table_append_le(t, 1, 2);
    table_append_le(t, 0, 2);
    table_end_structure(t, s);
}
static void past_the_end(struct table *t)
{
    qemu_like(t, 0);
    table_append_le(t, NFIT_TYPE_CAPABILITIES, 2);
    table_append_le(t, 200, 2); /* claims 200 bytes, 12 follow */
    table_append_le(t, 0, 8);
    table_append_le(t, 0, 4);
}
static void short_hints(struct table *t)
{
    qemu_like(t, 0);
    size_t s = table_begin_structure(t, NFIT_TYPE_FLUSH_HINT);
    table_append_le(t, 1, 4);
    table_append_le(t, 3, 2);
    table_append_le(t, 0, 6);
    table_append_le(t, 0x1000, 8); /* one of three */
    table_end_structure(t, s);
}
static void too_many_ranges(struct table *t)
{
    table_begin_nfit(t);
    for (uint16_t i = 1; i <= NFIT_MAX_RANGES + 1; i++)
        add_spa(t, i, PM_GUID, 0x100000000ull * i, 4096);
}
static void header_only_tail(struct table *t)
{
    qemu_like(t, 0);
    table_append_le(t, 0, 2); /* two stray bytes */
}

static void refusals(void)
{
    refused(index_zero, "NFIT: SPA range at offset 40 has index 0", __LINE__);
    refused(index_twice, "NFIT: SPA range index 3 appears twice", __LINE__);
    refused(empty_range, "NFIT: SPA range 1 (0x1000 + 0x0) is empty or ends past 2^64", __LINE__);
    refused(wrapping, "NFIT: SPA range 1 (0xffffffffffffff9b + 0x1000) is empty or ends past 2^64", __LINE__);
    refused(missing_spa, "NFIT: NVDIMM 0x5 maps into SPA range 9, which the table does not hold", __LINE__);
    refused(missing_control, "NFIT: NVDIMM 0x5 names control region 4, which the table does not hold", __LINE__);
    refused(two_capabilities, "NFIT: two platform capabilities structures", __LINE__);
    refused(short_spa, "NFIT: structure 1 (type 0) at offset 40 is 8 bytes, below its 56", __LINE__);
    refused(past_the_end, "NFIT: structure 4 (type 7) at offset 176 claims 200 bytes, 16 left", __LINE__);
    refused(short_hints, "NFIT: flush hint structure at offset 176 names 3 addresses in 24 bytes", __LINE__);
    refused(too_many_ranges, "NFIT: more than 16 SPA ranges", __LINE__);
    refused(header_only_tail, "NFIT: 2 bytes left at offset 176, less than a structure header", __LINE__);
}

static void not_an_nfit(void)
{
    struct table t = {0};
    table_begin_dmar(&t, 38, 1);
    table_seal(&t);
    struct nfit_info *n = calloc(1, sizeof(*n));
    char why[ACPI_WHY_LEN];
    CHECK(nfit_parse(t.bytes, t.length, n, why) == -1);
    /* A cut buffer: the header says more than may be read. */
    struct table u = {0};
    qemu_like(&u, 0);
    table_seal(&u);
    CHECK(nfit_parse(u.bytes, u.length - 1, n, why) == -1);
    free(n);
    table_free(&t);
    table_free(&u);
}

/* QEMU 7.2 with one 64 MiB NVDIMM (-device nvdimm, nvdimm=on), as the image read it from the
 * firmware: SPA range 2 at 4 GiB, handle 1 in control region 3, and the capabilities
 * nvdimm-persistence gives (cpu: both flushes; mem-ctrl: the memory controller's only). */
struct qemu_nfit {
    const char *file;
    uint16_t state;
    bool has_capabilities;
    uint32_t capabilities;
};

static void qemu_tables(void)
{
    static const struct qemu_nfit cases[] = {
        {"qemu-7.2-cpu.bin", 0, true, NFIT_CAP_CPU_CACHE_FLUSH | NFIT_CAP_MEMORY_FLUSH},
        {"qemu-7.2-mem-ctrl-unarmed.bin", NFIT_STATE_NOT_ARMED, true, NFIT_CAP_MEMORY_FLUSH},
        {"qemu-7.2-no-capabilities.bin", 0, false, 0},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", NFIT_FIXTURES, cases[i].file);
        uint8_t *bytes;
        size_t length;
        if (file_bytes_read(path, &bytes, &length) != 0) {
            check_fail(__FILE__, __LINE__, "%s: cannot read", path);
            continue;
        }
        struct nfit_info *n = calloc(1, sizeof(*n));
        char why[ACPI_WHY_LEN] = "";
        int rc = nfit_parse(bytes, length, n, why);
        if (rc != 0 || n->range_count != 1 || n->ranges[0].index != 2 ||
            n->ranges[0].kind != NFIT_RANGE_PERSISTENT || n->ranges[0].base != 0x100000000ull ||
            n->ranges[0].length != 64ull << 20 || n->mapping_count != 1 ||
            n->mappings[0].device_handle != 1 || n->mappings[0].range_index != 2 ||
            n->mappings[0].control_index != 3 || n->mappings[0].state_flags != cases[i].state ||
            n->has_capabilities != cases[i].has_capabilities ||
            n->capabilities != cases[i].capabilities || n->control_count != 1)
            check_fail(__FILE__, __LINE__, "%s: rc %d (%s), %u ranges, state 0x%x, capabilities %d/0x%x",
                       cases[i].file, rc, why, n->range_count,
                       n->mapping_count ? n->mappings[0].state_flags : 0xffff, n->has_capabilities,
                       n->capabilities);
        /* Every shorter cut is refused, never read past. */
        for (size_t cut = 0; cut < length; cut++)
            if (nfit_parse(bytes, cut, n, why) == 0)
                check_fail(__FILE__, __LINE__, "%s cut to %zu bytes was accepted", cases[i].file, cut);
        free(n);
        free(bytes);
    }
}

static const struct check_case cases[] = {
    CHECK_CASE(qemu_tables),
    CHECK_CASE(one_nvdimm),
    CHECK_CASE(states_and_kinds),
    CHECK_CASE(flush_hints),
    CHECK_CASE(refusals),
    CHECK_CASE(not_an_nfit),
};

int main(void)
{
    return CHECK_RUN("nfit", cases);
}
