/* Host tests for the table-driven register decoder and the NVMe field tables it serves. */
#include "check.h"

#include "drivers/nvme/nvme_regs.h"
#include "lib/bitfield.h"

/* QEMU 7.2's CAP with a CMB and a PMR (platform-facts.md). */
#define QEMU_NVME_CAP 0x034018200f0107ffull

static uint64_t cap_field(const char *name)
{
    for (size_t i = 0; i < nvme_cap_field_count; i++)
        if (strcmp(nvme_cap_fields[i].name, name) == 0)
            return bitfield_get(&nvme_cap_fields[i], QEMU_NVME_CAP);
    check_fail(__FILE__, __LINE__, "no CAP field %s", name);
    return ~0ull;
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
    bitfield_format(nvme_vs_fields, nvme_vs_field_count, 0x00010400, out, sizeof(out));
    CHECK_STR(out, "MJR=1 MNR=4 TER=0");
}

static const struct check_case cases[] = {
    CHECK_CASE(qemu_cap_decodes_as_documented),
    CHECK_CASE(format_names_every_field_in_order),
    CHECK_CASE(format_truncates_without_overflow),
    CHECK_CASE(full_width_field),
    CHECK_CASE(version_register),
};

int main(void)
{
    return CHECK_RUN("bitfield", cases);
}
