/* Host tests for the table-driven register decoder and the NVMe field tables it serves. */
#include "check.h"

#include "drivers/nvme/nvme_regs.h"
#include "drivers/vtd/vtd_entries.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/bitfield.h"

/* QEMU 7.2's CAP with a CMB and a PMR (platform-facts.md). */
#define QEMU_NVME_CAP 0x034018200f0107ffull

static uint64_t cap_field(const char *name)
{
    const struct nvme_register_table *cap = nvme_register_table_named("CAP");
    CHECK(cap != NULL);
    for (size_t i = 0; cap && i < cap->field_count; i++)
        if (strcmp(cap->fields[i].name, name) == 0)
            return bitfield_get(&cap->fields[i], QEMU_NVME_CAP);
    check_fail(__FILE__, __LINE__, "no CAP field %s", name);
    return ~0ull;
}

/* The generated getters read the same bits as the decoder's table entries. */
static void getters_agree_with_the_tables(void)
{
    CHECK_EQ_U64(nvme_CAP_MQES(QEMU_NVME_CAP), cap_field("MQES"));
    CHECK_EQ_U64(nvme_CAP_TO(QEMU_NVME_CAP), cap_field("TO"));
    CHECK_EQ_U64(nvme_CAP_CSS(QEMU_NVME_CAP), cap_field("CSS"));
    CHECK_EQ_U64(nvme_CAP_CMBS(QEMU_NVME_CAP), cap_field("CMBS"));
    CHECK_EQ_U64(nvme_CAP_PMRS(QEMU_NVME_CAP), cap_field("PMRS"));
    CHECK_EQ_U64(NVME_CSTS_SHST, 0xcu);
    CHECK_EQ_U64(NVME_CC_SHN_NORMAL, 1u << 14);
    CHECK_EQ_U64(nvme_put_CC_IOSQES(6) | nvme_put_CC_IOCQES(4), 0x00460000u);
    CHECK_EQ_U64(nvme_put_CMBSZ_SZ(0xfffff + 1), 0); /* a value wider than its field is cut */
    CHECK_EQ_U64(nvme_CMBLOC_OFST(0x12345002u), 0x12345);
}

static void check_no_overlap(const char *reg, const struct bitfield *fields, size_t count,
                             unsigned bits)
{
    CHECK(count > 0);
    uint64_t seen = 0;
    for (size_t i = 0; i < count; i++) {
        const struct bitfield *f = &fields[i];
        uint64_t mask = (f->width == 64 ? ~0ull : ((1ull << f->width) - 1)) << f->lsb;
        if (seen & mask)
            check_fail(__FILE__, __LINE__, "%s.%s overlaps another field", reg, f->name);
        CHECK(f->lsb + f->width <= bits);
        seen |= mask;
    }
}

/* Within every register the fields are distinct and do not overlap; every table is findable
 * by its name. */
static void tables_do_not_overlap(void)
{
    for (size_t t = 0; t < nvme_register_table_count; t++) {
        const struct nvme_register_table *table = &nvme_register_tables[t];
        CHECK(nvme_register_table_named(table->name) == table);
        check_no_overlap(table->name, table->fields, table->field_count, 8u * table->width);
    }
    CHECK(nvme_register_table_named("NOSUCH") == NULL);
}

static void qemu_cap_decodes_as_documented(void)
{
    CHECK_EQ_U64(cap_field("MQES"), 2047);
    CHECK_EQ_U64(cap_field("CQR"), 1);
    CHECK_EQ_U64(cap_field("TO"), 15);
    CHECK_EQ_U64(cap_field("DSTRD"), 0);
    CHECK_EQ_U64(cap_field("CSS"), 0xc1);
    CHECK_EQ_U64(cap_field("MPSMIN"), 0);
    CHECK_EQ_U64(cap_field("MPSMAX"), 4);
    CHECK_EQ_U64(cap_field("PMRS"), 1);
    CHECK_EQ_U64(cap_field("CMBS"), 1);
}

static void format_names_every_field_in_order(void)
{
    static const struct bitfield fields[] = {{"LOW", 0, 4}, {"MID", 4, 8}, {"TOP", 63, 1}};
    char out[64];
    size_t n = bitfield_format(fields, 3, 0x8000000000000ab5ull, out, sizeof(out));
    CHECK_STR(out, "LOW=5 MID=0xab TOP=1");
    CHECK_EQ_U64(n, strlen("LOW=5 MID=0xab TOP=1"));
}

static void format_truncates_without_overflow(void)
{
    static const struct bitfield fields[] = {{"ALPHA", 0, 8}, {"BETA", 8, 8}};
    char out[8];
    memset(out, 'x', sizeof(out));
    size_t n = bitfield_format(fields, 2, 0xffff, out, sizeof(out));
    CHECK(n < sizeof(out));
    CHECK_EQ_U64(strlen(out), n);
    CHECK_STR(out, "ALPHA=0");
}

static void full_width_field(void)
{
    static const struct bitfield whole = {"ALL", 0, 64};
    CHECK_EQ_U64(bitfield_get(&whole, 0xfedcba9876543210ull), 0xfedcba9876543210ull);
}

static void version_register(void)
{
    char out[64];
    const struct nvme_register_table *vs = nvme_register_table_named("VS");
    CHECK(vs != NULL);
    bitfield_format(vs->fields, vs->field_count, 0x00010400, out, sizeof(out));
    CHECK_STR(out, "MJR=1 MNR=4 TER=0");
}

static void vtd_tables_do_not_overlap(void)
{
    static const struct {
        const char *name;
        unsigned bits;
    } regs[] = {{"CAP", 64}, {"ECAP", 64}, {"GCMD", 32}, {"GSTS", 32},
                {"CCMD", 64}, {"IOTLB", 64}, {"FSTS", 32}, {"PMEN", 32}};
    for (size_t i = 0; i < CHECK_COUNT(regs); i++) {
        const struct vtd_register_table *t = vtd_register_table_named(regs[i].name);
        CHECK(t != NULL);
        if (t)
            check_no_overlap(regs[i].name, t->fields, t->field_count, regs[i].bits);
    }
    CHECK(vtd_register_table_named("NOSUCH") == NULL);
}

/* The named setters build the bits the VT-d specification gives (and QEMU's trace showed
 * before they existed: lo = root | P, hi = AW | DID << 8; pass-through TT = 2). */
static void vtd_entries_as_the_spec_lays_them_out(void)
{
    struct vtd_context_words t = vtd_context_translated(0x1c640000ull, 1, 3);
    CHECK_EQ_U64(t.lo, 0x1c640001ull);
    CHECK_EQ_U64(t.hi, 0x301ull);
    struct vtd_context_words p = vtd_context_pass_through(2, 0);
    CHECK_EQ_U64(p.lo, 0x9ull);
    CHECK_EQ_U64(p.hi, 0x2ull);
    CHECK(vtd_context_present(t.lo) && !vtd_context_present(0x8));
    CHECK_EQ_U64(vtd_root_entry(0x1c641000ull), 0x1c641001ull);
    CHECK_EQ_U64(VTD_GSTS_PERSISTENT, 0x86800000u);
    CHECK_EQ_U64(VTD_IOTLB_PAGE | VTD_IOTLB_DRAIN | vtd_put_IOTLB_DID(5), 0x3003000500000000ull);
    CHECK_EQ_U64(vtd_cap_guest_address_bits(0x00d2008c22260206ull), 39);
}

static const struct check_case cases[] = {
    CHECK_CASE(qemu_cap_decodes_as_documented),
    CHECK_CASE(getters_agree_with_the_tables),
    CHECK_CASE(tables_do_not_overlap),
    CHECK_CASE(vtd_tables_do_not_overlap),
    CHECK_CASE(vtd_entries_as_the_spec_lays_them_out),
    CHECK_CASE(format_names_every_field_in_order),
    CHECK_CASE(format_truncates_without_overflow),
    CHECK_CASE(full_width_field),
    CHECK_CASE(version_register),
};

int main(void)
{
    return CHECK_RUN("bitfield", cases);
}
