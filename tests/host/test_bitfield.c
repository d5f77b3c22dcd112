/* Host tests for the table-driven register decoder, its meanings in units and names, and the NVMe and VT-d field tables it serves. */
#include "check.h"

#include "drivers/nvme/nvme_regs.h"
#include "drivers/vtd/vtd_entries.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/bitfield.h"

/* QEMU 7.2's CAP with a CMB and a PMR (platform-facts.md). */
#define QEMU_NVME_CAP 0x034018200f0107ffull
/* QEMU 7.2's intel-iommu (aw-bits=39, caching mode off): VER, CAP and ECAP. */
#define QEMU_VTD_VER  0x00000010u
#define QEMU_VTD_CAP  0x00d2008c22260206ull
#define QEMU_VTD_ECAP 0x0000000000f00f4aull

/* A table entry as the field lists make it (the presentation fields left 0: plain). */
#define FIELD(n, at, bits) {.name = (n), .lsb = (at), .width = (bits)}

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
    static const struct bitfield fields[] = {FIELD("LOW", 0, 4), FIELD("MID", 4, 8),
                                             FIELD("TOP", 63, 1)};
    char out[64];
    size_t n = bitfield_format(fields, 3, 0x8000000000000ab5ull, out, sizeof(out));
    CHECK_STR(out, "LOW=5 MID=0xab TOP=1");
    CHECK_EQ_U64(n, strlen("LOW=5 MID=0xab TOP=1"));
}

static void format_truncates_without_overflow(void)
{
    static const struct bitfield fields[] = {FIELD("ALPHA", 0, 8), FIELD("BETA", 8, 8)};
    char out[8];
    memset(out, 'x', sizeof(out));
    size_t n = bitfield_format(fields, 2, 0xffff, out, sizeof(out));
    CHECK(n < sizeof(out));
    CHECK_EQ_U64(strlen(out), n);
    CHECK_STR(out, "ALPHA=0");
}

static void full_width_field(void)
{
    static const struct bitfield whole = FIELD("ALL", 0, 64);
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
    } regs[] = {{"VER", 32},  {"CAP", 64},   {"ECAP", 64}, {"GCMD", 32}, {"GSTS", 32},
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

/* The Identify field tables: findable, fields inside their width, none overlapping. */
static void identify_tables_do_not_overlap(void)
{
    static const char *const names[] = {"CMIC", "OACS", "SQES", "CQES", "ONCS", "VWC", "SGLS",
                                        "NSFEAT", "FLBAS", "MC", "DPC", "DPS", "NMIC", "LBAF"};
    for (size_t i = 0; i < CHECK_COUNT(names); i++) {
        const struct nvme_register_table *t = nvme_identify_table_named(names[i]);
        CHECK(t != NULL);
        if (t)
            check_no_overlap(names[i], t->fields, t->field_count, 8u * t->width);
    }
    CHECK(nvme_identify_table_named("CAP") == NULL);
}

static const char *describe(const char *reg, uint64_t value)
{
    static char out[600];
    const struct nvme_register_table *t = nvme_register_table_named(reg);
    if (!t)
        t = nvme_identify_table_named(reg);
    CHECK(t != NULL);
    if (!t)
        return "";
    nvme_describe_value(t, value, out, sizeof out);
    return out;
}

/* What nvme-cli show-regs -H says of QEMU's CAP: 2048 entries, 7500 ms, 4096 and 65536 bytes. */
static void qemu_cap_described_in_units(void)
{
    CHECK_STR(describe("CAP", QEMU_NVME_CAP),
              "CAP 0x034018200f0107ff MQES=0x7ff (+1 = 2048 entries) CQR=1 AMS=0 (round robin) "
              "TO=0xf (7500 ms) DSTRD=0 (4 B) NSSRS=0 CSS=0xc1 (NVM, I/O command sets, admin "
              "only) BPS=0 CPS=0 (not reported) MPSMIN=0 (4 KiB) MPSMAX=4 (64 KiB) PMRS=1 "
              "CMBS=1 NSSS=0 CRMS=0 (none)");
    CHECK_STR(describe("CAP", 0x1800000000000000ull | QEMU_NVME_CAP),
              "CAP 0x1b4018200f0107ff MQES=0x7ff (+1 = 2048 entries) CQR=1 AMS=0 (round robin) "
              "TO=0xf (7500 ms) DSTRD=0 (4 B) NSSRS=0 CSS=0xc1 (NVM, I/O command sets, admin "
              "only) BPS=0 CPS=0 (not reported) MPSMIN=0 (4 KiB) MPSMAX=4 (64 KiB) PMRS=1 "
              "CMBS=1 NSSS=0 CRMS=3 (CRWMS, CRIMS)");
    CHECK_EQ_U64(nvme_CAP_CRMS(0x1800000000000000ull), 3);
}

/* The registers as the driver leaves them running (CC 0x00460001, AQA 31/31), shut down, and
 * the version. */
static void enabled_controller_described(void)
{
    CHECK_STR(describe("CC", 0x00464001),
              "CC 0x00464001 EN=1 CSS=0 (NVM) MPS=0 (4 KiB) AMS=0 (round robin) SHN=1 (normal) "
              "IOSQES=6 (64 B) IOCQES=4 (16 B) CRIME=0");
    CHECK_STR(describe("CC", 0x00000071), "CC 0x00000071 EN=1 CSS=7 (admin only) MPS=0 (4 KiB) "
                                          "AMS=0 (round robin) SHN=0 (none) IOSQES=0 (1 B) "
                                          "IOCQES=0 (1 B) CRIME=0");
    CHECK_STR(describe("CC", 0x00001860), "CC 0x00001860 EN=0 CSS=6 (all I/O command sets) "
                                          "MPS=0 (4 KiB) AMS=3 (reserved) SHN=0 (none) "
                                          "IOSQES=0 (1 B) IOCQES=0 (1 B) CRIME=0");
    CHECK_STR(describe("CSTS", 0x00000009),
              "CSTS 0x00000009 RDY=1 CFS=0 SHST=2 (shutdown complete) NSSRO=0 PP=0");
    CHECK_STR(describe("AQA", 0x001f001f),
              "AQA 0x001f001f ASQS=0x1f (+1 = 32 entries) ACQS=0x1f (+1 = 32 entries)");
    CHECK_STR(describe("ASQ", 0x1c65a000), "ASQ 0x000000001c65a000 ASQB=0x1c65a");
    CHECK_STR(describe("VS", 0x00010400), "VS 0x00010400 MJR=1 MNR=4 TER=0 (NVMe 1.4.0)");
    CHECK_STR(describe("VS", 0x00020001), "VS 0x00020001 MJR=2 MNR=0 TER=1 (NVMe 2.0.1)");
}

/* QEMU's CMB (after CMBMSC.CRE=1) and PMR: sizes in their units, times in theirs. */
static void cmb_and_pmr_sizes_in_units(void)
{
    CHECK_STR(describe("CMBSZ", 0x0004021d),
              "CMBSZ 0x0004021d SQS=1 CQS=0 LISTS=1 RDS=1 WDS=1 SZU=2 (1 MiB) SZ=0x40 (64 MiB)");
    CHECK_STR(describe("CMBSZ", 0x00003001),
              "CMBSZ 0x00003001 SQS=1 CQS=0 LISTS=0 RDS=0 WDS=0 SZU=0 (4 KiB) SZ=3 (12 KiB)");
    /* SZU 7 and up are reserved: no size can be given. */
    CHECK_STR(describe("CMBSZ", 0x00001700),
              "CMBSZ 0x00001700 SQS=0 CQS=0 LISTS=0 RDS=0 WDS=0 SZU=7 (reserved) SZ=1 (1 x reserved)");
    CHECK_STR(describe("CMBMSC", 0xe000000003ull),
              "CMBMSC 0x000000e000000003 CRE=1 CMSE=1 CBA=0xe000000 (0xe000000000)");
    CHECK_STR(describe("PMRCAP", 0x01000898), "PMRCAP 0x01000898 RDS=1 WDS=1 BIR=4 PMRTU=0 "
                                              "(500 ms) PMRWBM=2 PMRTO=0 (0 x 500 ms) CMSS=1");
    CHECK_STR(describe("PMRCAP", 0x0014011c), "PMRCAP 0x0014011c RDS=1 WDS=1 BIR=0 PMRTU=1 "
                                              "(minutes) PMRWBM=0 PMRTO=0x14 (20 x minutes) CMSS=0");
    CHECK_STR(describe("PMRSTS", 0x00000500), "PMRSTS 0x00000500 ERR=0 NRDY=1 HSTS=2 (read only) "
                                              "CBAI=0");
    CHECK_STR(describe("PMREBS", 0x00000212), "PMREBS 0x00000212 PMRSZU=2 (1 MiB) RBB=1 "
                                              "PMRWBZ=2 (2 MiB)");
    CHECK_STR(describe("PMRSWTP", 0x00000a01),
              "PMRSWTP 0x00000a01 PMRSWTU=1 (1 KiB/s) PMRSWTV=0xa (10 KiB/s)");
    CHECK_STR(describe("PMRMSCL", 0x08000002), "PMRMSCL 0x08000002 CMSE=1 CBA=0x8000");
    CHECK_STR(describe("PMRMSCU", 0xe0), "PMRMSCU 0x000000e0 CBA=0xe0");
    CHECK_EQ_U64(NVME_PMRMSCL_CMSE, 2);
}

/* Identify fields as nvme id-ctrl -H lists them, QEMU 7.2's values. */
static void identify_fields_described(void)
{
    CHECK_STR(describe("ONCS", 0x015d), "ONCS 0x015d (Compare, Dataset Management, Write Zeroes, "
                                        "Save and Select, Timestamp, Copy)");
    CHECK_STR(describe("OACS", 0x010a),
              "OACS 0x010a (Format NVM, NS Management and Attachment, Doorbell Buffer Config)");
    CHECK_STR(describe("OACS", 0x07ff),
              "OACS 0x07ff (Security Send and Receive, Format NVM, FW Commit and Download, NS "
              "Management and Attachment, Device Self-test, Directives, NVMe-MI Send and Receive, "
              "Virtualization Management, Doorbell Buffer Config, Get LBA Status, Command and "
              "Feature Lockdown)");
    CHECK_STR(describe("OACS", 0), "OACS 0x0000 (none)");
    CHECK_STR(describe("OACS", 0x8000), "OACS 0x8000 (bit 15)");
    CHECK_STR(describe("SQES", 0x66), "SQES 0x66 REQ=6 (64 B) MAX=6 (64 B)");
    CHECK_STR(describe("CQES", 0x44), "CQES 0x44 REQ=4 (16 B) MAX=4 (16 B)");
    CHECK_STR(describe("VWC", 0x07), "VWC 0x07 PRESENT=1 FLUSH=3 (broadcast NSID supported)");
    CHECK_STR(describe("VWC", 0x02), "VWC 0x02 PRESENT=0 FLUSH=1 (reserved)");
    CHECK_STR(describe("SGLS", 0x00000001), "SGLS 0x00000001 (SGLs, no alignment)");
    CHECK_STR(describe("SGLS", 0x00030002),
              "SGLS 0x00030002 (SGLs, dword alignment, Bit Bucket, byte-aligned contiguous MPTR)");
    CHECK_STR(describe("FLBAS", 0x54), "FLBAS 0x54 LBAFL=4 EXTENDED=1 LBAFU=2");
    CHECK_STR(describe("DPS", 0x09), "DPS 0x09 PIT=1 (type 1) PIP=1");
    CHECK_STR(describe("LBAF", 0x000c0010), "LBAF 0x000c0010 MS=0x10 (16 B) LBADS=0xc (4 KiB) "
                                            "RP=0 (best)");
    CHECK_STR(describe("LBAF", 0x02090000), "LBAF 0x02090000 MS=0 (0 B) LBADS=9 (512 B) RP=2 "
                                            "(good)");
}

/* VT-d: the raw fields stay as scripts match them; the meanings follow them. */
static void vtd_meanings_after_the_raw_fields(void)
{
    char out[400];
    CHECK_EQ_U64(vtd_register_meanings("VER", QEMU_VTD_VER, out, sizeof out), strlen("VT-d 1.0"));
    CHECK_STR(out, "VT-d 1.0");
    vtd_register_meanings("CAP", QEMU_VTD_CAP, out, sizeof out);
    CHECK_STR(out, "ND: 65536 domains; SAGAW: 39-bit 3-level; MGAW: +1 = 39 bits; FRO: at 0x220; "
                   "SLLPS: 2 MiB, 1 GiB; NFR: +1 = 1 fault records");
    /* aw-bits=48: SAGAW 0x6, MGAW 0x2f; the raw text keeps "SAGAW=6 MGAW=0x2f ". */
    uint64_t cap48 = (QEMU_VTD_CAP & ~(VTD_CAP_SAGAW | VTD_CAP_MGAW)) | vtd_put_CAP_SAGAW(6) |
                     vtd_put_CAP_MGAW(0x2f);
    vtd_register_meanings("CAP", cap48, out, sizeof out);
    CHECK_STR(out, "ND: 65536 domains; SAGAW: 39-bit 3-level, 48-bit 4-level; MGAW: +1 = 48 bits; "
                   "FRO: at 0x220; SLLPS: 2 MiB, 1 GiB; NFR: +1 = 1 fault records");
    const struct vtd_register_table *t = vtd_register_table_named("CAP");
    bitfield_format(t->fields, t->field_count, cap48, out, sizeof out);
    CHECK(strstr(out, " SAGAW=6 MGAW=0x2f ") != NULL);
    vtd_register_meanings("CAP", QEMU_VTD_CAP & ~VTD_CAP_SAGAW, out, sizeof out);
    CHECK(strstr(out, "SAGAW: none;") != NULL);
    vtd_register_meanings("ECAP", QEMU_VTD_ECAP, out, sizeof out);
    CHECK_STR(out, "IRO: at 0xf0");
    CHECK_EQ_U64(vtd_register_meanings("GSTS", 0x80000000u, out, sizeof out), 0);
    CHECK_STR(out, "");
    CHECK_EQ_U64(vtd_register_meanings("NOSUCH", 1, out, sizeof out), 0);
    CHECK_EQ_U64(vtd_VER_MAX(0x00000061u), 6);
}

/* Each kind on its own, at its edges. */
static void meanings_of_each_kind(void)
{
    static const struct bitfield fields[] = {
        {.name = "N", .lsb = 0, .width = 4, BF_ZEROS_BASED("entries")},
        {.name = "P", .lsb = 4, .width = 4, BF_POW2(12, 4, 6, "B")},
        {.name = "T", .lsb = 8, .width = 4, BF_TIMES(500, "ms")},
        {.name = "O", .lsb = 12, .width = 4, BF_OFFSET(16, "at")},
        {.name = "E", .lsb = 16, .width = 2, BF_ENUM("0=zero;2=two")},
        {.name = "F", .lsb = 18, .width = 3, BF_FLAGS("0=a;2=c")},
        {.name = "U", .lsb = 21, .width = 3, BF_UNITS_OF("P")},
        {.name = "D", .lsb = 24, .width = 4, BF_POW2(0, 1, 0, "domains")},
        {.name = "W", .lsb = 28, .width = 4, BF_UNITS_OF("NOSUCH")},
        {.name = "X", .lsb = 32, .width = 16, BF_POW2(40, 1, 0, "B")},
        {.name = "Y", .lsb = 48, .width = 4, BF_UNITS_OF("T")},
    };
    char out[100];
    static const struct {
        size_t index;
        uint64_t value;
        const char *meaning;
    } cases[] = {
        {0, 0x0, "+1 = 1 entries"},  {0, 0xf, "+1 = 16 entries"}, {1, 0x00, "4 KiB"},
        {1, 0x60, "64 GiB"},         {1, 0x70, "reserved"},        {2, 0x300, "1500 ms"},
        {3, 0x0000, ""},             {3, 0x2000, "at 0x20"},       {4, 0x00000, "zero"},
        {4, 0x10000, "reserved"},    {4, 0x20000, "two"},          {5, 0, "none"},
        {5, 0x1c0000, "a, bit 1, c"}, {6, 0x600010, "192 KiB"},    {6, 0x600000, "12 KiB"},
        {7, 0x3000000, "8 domains"}, {8, 0x10000000, ""},          {9, 0x1800000000ull, "2^64 B"},
        {9, 0x100000000ull, "2 TiB"}, {10, 0x2000000000100ull, "2 x 500 ms"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        bitfield_meaning(fields, CHECK_COUNT(fields), cases[i].index, cases[i].value, out,
                         sizeof out);
        if (strcmp(out, cases[i].meaning) != 0)
            check_fail(__FILE__, __LINE__, "%s of 0x%llx means \"%s\", expected \"%s\"",
                       fields[cases[i].index].name, (unsigned long long)cases[i].value, out,
                       cases[i].meaning);
    }
    CHECK_EQ_U64(bitfield_meaning(fields, CHECK_COUNT(fields), 99, 0, out, sizeof out), 0);
}

static void bytes_in_binary_units(void)
{
    static const struct {
        uint64_t bytes;
        const char *text;
    } cases[] = {{0, "0 B"},          {512, "512 B"},           {4096, "4 KiB"},
                 {12288, "12 KiB"},   {1536, "1536 B"},         {64ull << 20, "64 MiB"},
                 {1ull << 63, "8 EiB"}, {(1ull << 60) * 3, "3 EiB"}};
    char out[32];
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        bitfield_format_bytes(cases[i].bytes, NULL, out, sizeof out);
        CHECK_STR(out, cases[i].text);
    }
    CHECK_EQ_U64(bitfield_format_bytes(2048, "/s", out, sizeof out), strlen("2 KiB/s"));
    CHECK_STR(out, "2 KiB/s");
}

/* Cut descriptions stay terminated and report what they hold; a zero-length buffer is untouched. */
static void describe_truncates_without_overflow(void)
{
    const struct nvme_register_table *cap = nvme_register_table_named("CAP");
    char out[40];
    memset(out, 'x', sizeof out);
    size_t n = nvme_describe_value(cap, QEMU_NVME_CAP, out, sizeof out);
    CHECK_EQ_U64(n, sizeof out - 1);
    CHECK_EQ_U64(strlen(out), n);
    CHECK_STR(out, "CAP 0x034018200f0107ff MQES=0x7ff (+1 =");
    char none = 'x';
    CHECK_EQ_U64(bitfield_describe(cap->fields, cap->field_count, 0, &none, 0), 0);
    CHECK(none == 'x');
    char small[8];
    bitfield_meanings(cap->fields, cap->field_count, QEMU_NVME_CAP, small, sizeof small);
    CHECK_STR(small, "MQES: +");
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
    CHECK_CASE(identify_tables_do_not_overlap),
    CHECK_CASE(qemu_cap_described_in_units),
    CHECK_CASE(enabled_controller_described),
    CHECK_CASE(cmb_and_pmr_sizes_in_units),
    CHECK_CASE(identify_fields_described),
    CHECK_CASE(vtd_meanings_after_the_raw_fields),
    CHECK_CASE(meanings_of_each_kind),
    CHECK_CASE(bytes_in_binary_units),
    CHECK_CASE(describe_truncates_without_overflow),
};

int main(void)
{
    return CHECK_RUN("bitfield", cases);
}
