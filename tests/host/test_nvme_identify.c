/* Host tests for drivers/nvme/nvme_identify.c: QEMU-like identify pages decode exactly, impossible ones are refused. */
#include "check.h"

#include <stdlib.h>

#include "drivers/nvme/nvme_regs.h"
#include "drivers/nvme/nvme_spec.h"
#include "fixtures/nvme_pages.h"

static uint8_t page[NVME_IDENTIFY_BYTES];

static void put_le(size_t offset, uint64_t value, size_t width)
{
    nvme_page_put_le(page, offset, value, width);
}

static void put_ascii(size_t offset, size_t width, const char *text)
{
    nvme_page_put_ascii(page, offset, width, text);
}

/* What QEMU 7.2 answers for `-device nvme,serial=nvmetal-0` (the fields nvmetal reads). */
static void qemu_controller_page(void)
{
    nvme_page_qemu_controller(page);
}

/* A 1 GiB namespace: format 0 is 512-byte blocks, format 4 (formatted) 4 KiB with 8 bytes of
 * metadata, so a parser that reads the wrong format gets visibly different numbers. */
static void qemu_namespace_page(void)
{
    memset(page, 0, sizeof page);
    put_le(0, 262144, 8);
    put_le(8, 262144, 8);
    put_le(16, 1000, 8);
    page[25] = 7;
    page[26] = 0x14; /* metadata bit set, format index 4 */
    put_le(128 + 4 * 0, 9u << 16, 4);
    put_le(128 + 4 * 4, (12u << 16) | 8, 4);
}

/* One byte-level change to a good page and the reason the parser must give for refusing it. */
struct page_edit {
    size_t offset;
    uint64_t value;
    size_t width;
    const char *why;
};

static int parse_controller(char why[96])
{
    struct nvme_controller_identity id;
    return nvme_parse_identify_controller(page, &id, why);
}

static int parse_namespace(char why[96])
{
    struct nvme_namespace_identity ns;
    return nvme_parse_identify_namespace(page, &ns, why);
}

static void check_rejects(void (*good_page)(void), int (*parse)(char why[96]),
                          const struct page_edit *edits, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        good_page();
        put_le(edits[i].offset, edits[i].value, edits[i].width);
        char why[96];
        CHECK_EQ_U64(parse(why), (uint64_t)-1);
        CHECK_STR(why, edits[i].why);
    }
}

static void controller_decodes_exactly(void)
{
    qemu_controller_page();
    struct nvme_controller_identity id;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(id.vendor_id, 0x1b36);
    CHECK_STR(id.serial, "nvmetal-0");
    CHECK_STR(id.model, "QEMU NVMe Ctrl");
    CHECK_STR(id.firmware, "7.2.22");
    CHECK_EQ_U64(id.mdts, 7);
    CHECK_EQ_U64(id.controller_id, 0);
    CHECK_EQ_U64(id.version, 0x00010400);
    CHECK_EQ_U64(id.sqes, 0x66);
    CHECK_EQ_U64(id.cqes, 0x44);
    CHECK_EQ_U64(id.namespace_count, 256);
    CHECK_EQ_U64(id.oncs, 0x015d);
    CHECK_EQ_U64(id.volatile_write_cache, 1);
    CHECK_EQ_U64(id.multipath, 0);
    CHECK_STR(id.subsystem_nqn, "");
    CHECK_EQ_U64(id.subsystem_vendor_id, 0x1af4);
    CHECK_EQ_U64(id.oacs, 0x010a);
    CHECK_EQ_U64(id.vwc, 0x07);
    CHECK_EQ_U64(id.sgls, 0x00000001);
}

static void controller_multibyte_fields_are_little_endian(void)
{
    qemu_controller_page();
    put_le(78, 0xa1b2, 2);
    put_le(516, 0x01020304, 4);
    struct nvme_controller_identity id;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_EQ_U64(id.controller_id, 0xa1b2);
    CHECK_EQ_U64(id.namespace_count, 0x01020304);
}

/* Full-width fields leave no room for a terminator in the page; the struct must add one. */
static void strings_full_width_nul_padded_and_unprintable(void)
{
    qemu_controller_page();
    memcpy(page + 4, "ABCDEFGHIJKLMNOPQRST", 20);
    memset(page + 24, 0, 40);
    memcpy(page + 24, "Model\x01X\xff", 8);
    memcpy(page + 64, "FW 1  \0\0", 8);
    struct nvme_controller_identity id;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.serial, "ABCDEFGHIJKLMNOPQRST");
    CHECK_STR(id.model, "Model?X?");
    CHECK_STR(id.firmware, "FW 1");
}

static void controller_blank_strings_are_empty(void)
{
    qemu_controller_page();
    memset(page + 4, ' ', 20);
    memset(page + 64, 0, 8);
    struct nvme_controller_identity id;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.serial, "");
    CHECK_STR(id.firmware, "");
}

static void controller_all_zero_page_rejected(void)
{
    memset(page, 0, sizeof page);
    char why[96];
    CHECK_EQ_U64(parse_controller(why), (uint64_t)-1);
    CHECK_STR(why, "identify page is all zeros");
}

static void controller_entry_sizes_rejected(void)
{
    static const struct page_edit edits[] = {
        {512, 0x77, 1, "SQES 0x77 does not allow 64-byte entries"}, /* 128-byte SQEs required */
        {513, 0x45, 1, "CQES 0x45 does not allow 16-byte entries"},
    };
    check_rejects(qemu_controller_page, parse_controller, edits, CHECK_COUNT(edits));

    /* The maximum (high nibble) may be larger; only the required size matters. */
    qemu_controller_page();
    page[512] = 0xf6;
    page[513] = 0xf4;
    char why[96];
    CHECK_EQ_U64(parse_controller(why), 0);
}

static void namespace_decodes_formatted_lba_format(void)
{
    qemu_namespace_page();
    struct nvme_namespace_identity ns;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(ns.size_blocks, 262144);
    CHECK_EQ_U64(ns.capacity_blocks, 262144);
    CHECK_EQ_U64(ns.lba_format_count, 8);
    CHECK_EQ_U64(ns.lba_format, 4);
    CHECK_EQ_U64(ns.block_bytes, 4096);
    CHECK_EQ_U64(ns.metadata_bytes, 8);
    CHECK_EQ_U64(ns.utilization_blocks, 1000);
    CHECK(ns.extended_lba);
    CHECK_EQ_U64(ns.features, 0);
    CHECK_EQ_U64(ns.metadata_caps, 0);
    CHECK_EQ_U64(ns.pi_caps, 0);
    CHECK_EQ_U64(ns.pi_type, 0);
    CHECK(!ns.pi_first);
    CHECK_EQ_U64(ns.multipath, 0);
}

static void namespace_512_byte_format_and_wide_size(void)
{
    qemu_namespace_page();
    page[26] = 0;
    put_le(0, 0x123456789ull, 8);
    put_le(8, 0x100000000ull, 8);
    put_le(128 + 4 * 15, 16u << 16, 4);
    struct nvme_namespace_identity ns;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.size_blocks, 0x123456789ull);
    CHECK_EQ_U64(ns.capacity_blocks, 0x100000000ull);
    CHECK_EQ_U64(ns.block_bytes, 512);
    CHECK_EQ_U64(ns.metadata_bytes, 0);

    /* Index 15 is reachable when NLBAF allows it, and 64 KiB is the largest accepted. */
    page[25] = 15;
    page[26] = 15;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format_count, 16);
    CHECK_EQ_U64(ns.block_bytes, 65536);
}

static void namespace_rejects(void)
{
    static const struct page_edit edits[] = {
        {0, 0, 8, "namespace size is 0 blocks"},
        {8, 262145, 8, "NCAP 262145 exceeds NSZE 262144"},
        {26, 8, 1, "formatted LBA format 8 is beyond NLBAF 7"},
        {25, 64, 1, "NLBAF 64 is beyond the 64 LBA formats a namespace can have"},
        {128 + 4 * 4, 8u << 16, 4, "LBA format 4 has LBADS 8, outside 9..16"},
        {128 + 4 * 4, 17u << 16, 4, "LBA format 4 has LBADS 17, outside 9..16"},
        {128 + 4 * 4, 0, 4, "LBA format 4 has LBADS 0, outside 9..16"},
    };
    check_rejects(qemu_namespace_page, parse_namespace, edits, CHECK_COUNT(edits));
}

/* An inactive namespace identifies as all zeros: the reason is its size, not its format. */
static void namespace_inactive_page(void)
{
    memset(page, 0, sizeof page);
    char why[96];
    CHECK_EQ_U64(parse_namespace(why), (uint64_t)-1);
    CHECK_STR(why, "namespace size is 0 blocks");
}

static void active_list_stops_at_zero(void)
{
    memset(page, 0, sizeof page);
    put_le(0, 1, 4);
    put_le(4, 2, 4);
    put_le(8, 0x10, 4);
    put_le(16, 99, 4); /* after the terminating zero: not part of the list */
    uint32_t nsids[8] = {0};
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 8), 3);
    CHECK_EQ_U64(nsids[0], 1);
    CHECK_EQ_U64(nsids[1], 2);
    CHECK_EQ_U64(nsids[2], 0x10);
    CHECK_EQ_U64(nsids[3], 0);
}

static void active_list_empty_and_capped(void)
{
    uint32_t nsids[2] = {0xdead, 0xbeef};
    memset(page, 0, sizeof page);
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 2), 0);
    CHECK_EQ_U64(nsids[0], 0xdead);

    for (uint32_t i = 0; i < 5; i++)
        put_le(4 * i, i + 1, 4);
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 2), 2);
    CHECK_EQ_U64(nsids[0], 1);
    CHECK_EQ_U64(nsids[1], 2);
}

/* A full page has no terminating zero: 1024 entries and not one more. */
static void active_list_full_page(void)
{
    static uint32_t nsids[1100];
    for (uint32_t i = 0; i < NVME_IDENTIFY_BYTES / 4; i++)
        put_le(4 * i, 2 * i + 1, 4);
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 1100), 1024);
    CHECK_EQ_U64(nsids[1023], 2047);
}

static void active_list_not_ascending(void)
{
    uint32_t nsids[8];
    memset(page, 0, sizeof page);
    put_le(0, 1, 4);
    put_le(4, 3, 4);
    put_le(8, 2, 4);
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 8), (uint64_t)-1);

    put_le(8, 3, 4); /* a repeat is not ascending either */
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 8), (uint64_t)-1);

    /* Disorder beyond what the caller can hold still makes the page bad. */
    CHECK_EQ_U64(nvme_parse_active_namespaces(page, nsids, 1), (uint64_t)-1);
}

#define QEMU_SUBNQN "nqn.2019-08.org.qemu:nvmetal"

/* A QEMU controller in an NVMe subsystem (-device nvme-subsys,nqn=nvmetal): CMIC bit 1, and
 * SUBNQN NUL-padded the way QEMU writes it. */
static void qemu_subsystem_controller_page(void)
{
    qemu_controller_page();
    page[76] = 0x02;
    memcpy(page + 768, QEMU_SUBNQN, strlen(QEMU_SUBNQN));
}

static void controller_multipath_and_subsystem_nqn(void)
{
    qemu_subsystem_controller_page();
    struct nvme_controller_identity id;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(id.multipath, 0x02);
    CHECK_STR(id.subsystem_nqn, QEMU_SUBNQN);
    /* The neighbouring fields are untouched by the new ones. */
    CHECK_EQ_U64(id.mdts, 7);
    CHECK_STR(id.firmware, "7.2.22");

    /* CMIC is kept whole: bit 0 (several ports) and bit 1 together, and reserved bits. */
    page[76] = 0x03;
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_EQ_U64(id.multipath, 0x03);
    page[76] = 0x01;
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_EQ_U64(id.multipath, 0x01);
}

static void controller_subsystem_nqn_padding(void)
{
    struct nvme_controller_identity id;
    char why[96];

    /* Space-padded, and a mix of spaces then NULs: both trimmed. */
    qemu_controller_page();
    put_ascii(768, 256, QEMU_SUBNQN);
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, QEMU_SUBNQN);
    memset(page + 768 + 200, 0, 56);
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, QEMU_SUBNQN);

    /* Padding inside the NQN is not trailing: an inner space stays. */
    qemu_controller_page();
    memcpy(page + 768, "nqn.a b  ", 9);
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, "nqn.a b");

    /* All 256 bytes used: the struct adds the terminator. */
    qemu_controller_page();
    for (size_t i = 0; i < 256; i++)
        page[768 + i] = (uint8_t)('a' + i % 26);
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_EQ_U64(strlen(id.subsystem_nqn), 256);
    CHECK_EQ_U64(id.subsystem_nqn[0], 'a');
    CHECK_EQ_U64(id.subsystem_nqn[255], 'a' + 255 % 26);
    CHECK_EQ_U64(id.subsystem_nqn[256], '\0');

    /* The byte after SUBNQN (1024) is not part of it. */
    qemu_subsystem_controller_page();
    page[1024] = 'Z';
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, QEMU_SUBNQN);
}

static void controller_subsystem_nqn_unprintable(void)
{
    qemu_controller_page();
    memcpy(page + 768, "nqn.\x01x\x7f\x80y\xff\tz", 12);
    struct nvme_controller_identity id;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, "nqn.?x??y??z");

    /* An embedded NUL before more text is not padding either. */
    qemu_controller_page();
    memcpy(page + 768, "nqn\0tail", 8);
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
    CHECK_STR(id.subsystem_nqn, "nqn?tail");
}

/* Format 4 (4 KiB + 8) separate, with PI type 1 in the last 8 bytes: the base for the PI edits. */
static void qemu_pi_namespace_page(void)
{
    qemu_namespace_page();
    page[26] = 0x04;
    page[28] = 0x11; /* DPC: type 1, PI last */
    page[29] = 0x01;
}

static void namespace_new_fields(void)
{
    qemu_namespace_page();
    put_le(16, 0x0102030405060708ull, 8); /* NUSE, all eight bytes distinct */
    put_le(0, 0x1000000000000000ull, 8);
    put_le(8, 0x0800000000000000ull, 8);
    page[24] = NVME_NSFEAT_DAE | 0x01;
    page[27] = 0x03;
    page[28] = 0x1f;
    page[29] = 0x09; /* type 1, first 8 bytes */
    page[30] = 0x01;
    struct nvme_namespace_identity ns;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(ns.utilization_blocks, 0x0102030405060708ull);
    CHECK_EQ_U64(ns.features, 0x05);
    CHECK_EQ_U64(ns.metadata_caps, 0x03);
    CHECK_EQ_U64(ns.pi_caps, 0x1f);
    CHECK_EQ_U64(ns.pi_type, 1);
    CHECK(ns.pi_first);
    CHECK_EQ_U64(ns.multipath, 0x01);
    CHECK(ns.extended_lba);
    CHECK_EQ_U64(ns.lba_format, 4);
    CHECK_EQ_U64(ns.block_bytes, 4096);
    CHECK_EQ_U64(ns.metadata_bytes, 8);

    /* Separate metadata, PI type 3 in the last bytes; DPS bits above 3 are not the type. */
    page[26] = 0x04;
    page[29] = 0x03;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK(!ns.extended_lba);
    CHECK_EQ_U64(ns.pi_type, 3);
    CHECK(!ns.pi_first);
    page[29] = 0xfa; /* reserved bits 7:4 set, PI first, type 2 */
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.pi_type, 2);
    CHECK(ns.pi_first);
}

/* Formats past 15: FLBAS bits 6:5 are the upper two bits of the index, bit 4 stays "extended". */
static void namespace_format_index_above_15(void)
{
    qemu_namespace_page();
    page[25] = 17; /* 18 formats */
    put_le(128 + 4 * 1, (9u << 16) | 0, 4);   /* format 1: what bits 3:0 alone would pick */
    put_le(128 + 4 * 17, (12u << 16) | 16, 4);
    struct nvme_namespace_identity ns;
    char why[96];

    page[26] = 0x21;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(ns.lba_format, 17);
    CHECK_EQ_U64(ns.lba_format_count, 18);
    CHECK(!ns.extended_lba);
    CHECK_EQ_U64(ns.block_bytes, 4096);
    CHECK_EQ_U64(ns.metadata_bytes, 16);

    page[26] = 0x31;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format, 17);
    CHECK(ns.extended_lba);
    CHECK_EQ_U64(ns.metadata_bytes, 16);

    page[26] = 0x01;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format, 1);
    CHECK_EQ_U64(ns.block_bytes, 512);

    /* The last of 64 formats: bits 6:5 = 3, bits 3:0 = 15. */
    page[25] = 63;
    put_le(128 + 4 * 63, (13u << 16) | 64, 4);
    page[26] = 0x6f;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format, 63);
    CHECK_EQ_U64(ns.lba_format_count, 64);
    CHECK_EQ_U64(ns.block_bytes, 8192);
    CHECK_EQ_U64(ns.metadata_bytes, 64);
    CHECK(!ns.extended_lba);
    page[26] = 0x7f;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format, 63);
    CHECK(ns.extended_lba);

    /* Format 32 (bits 6:5 = 2, bits 3:0 = 0). */
    put_le(128 + 4 * 32, (11u << 16) | 8, 4);
    page[26] = 0x40;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format, 32);
    CHECK_EQ_U64(ns.block_bytes, 2048);
}

static void namespace_protection_rejects(void)
{
    static const struct page_edit edits[] = {
        {29, 0x04, 1, "DPS names protection type 4 (only 1..3 exist)"},
        {29, 0x05, 1, "DPS names protection type 5 (only 1..3 exist)"},
        {29, 0x06, 1, "DPS names protection type 6 (only 1..3 exist)"},
        {29, 0x0f, 1, "DPS names protection type 7 (only 1..3 exist)"}, /* PI-first bit too */
        {128 + 4 * 4, (12u << 16) | 4, 4, "protection type 1 with 4 bytes of metadata (PI needs 8)"},
        {128 + 4 * 4, (12u << 16) | 7, 4, "protection type 1 with 7 bytes of metadata (PI needs 8)"},
        {128 + 4 * 4, 12u << 16, 4, "protection type 1 with 0 bytes of metadata (PI needs 8)"},
    };
    check_rejects(qemu_pi_namespace_page, parse_namespace, edits, CHECK_COUNT(edits));

    /* The base page itself is accepted, and so is PI with more than 8 bytes. */
    qemu_pi_namespace_page();
    char why[96];
    CHECK_EQ_U64(parse_namespace(why), 0);
    put_le(128 + 4 * 4, (12u << 16) | 16, 4);
    CHECK_EQ_U64(parse_namespace(why), 0);
}

static void namespace_format_rejects(void)
{
    static const struct page_edit edits[] = {
        /* Extended LBA (FLBAS bit 4, set in the base page) on a format without metadata. */
        {128 + 4 * 4, 12u << 16, 4, "FLBAS says extended LBA but LBA format 4 has no metadata"},
        /* Bits 3:0 alone would be within NLBAF 7; bits 6:5 push the index beyond it. */
        {26, 0x20, 1, "formatted LBA format 16 is beyond NLBAF 7"},
        {26, 0x24, 1, "formatted LBA format 20 is beyond NLBAF 7"},
        {26, 0x34, 1, "formatted LBA format 20 is beyond NLBAF 7"},
        {26, 0x44, 1, "formatted LBA format 36 is beyond NLBAF 7"},
        {26, 0x7f, 1, "formatted LBA format 63 is beyond NLBAF 7"},
        {26, 0x0f, 1, "formatted LBA format 15 is beyond NLBAF 7"},
    };
    check_rejects(qemu_namespace_page, parse_namespace, edits, CHECK_COUNT(edits));

    /* NLBAF 16 (17 formats): format 16 is the last one, 17 is one too many. */
    qemu_namespace_page();
    page[25] = 16;
    put_le(128 + 4 * 16, 9u << 16, 4);
    page[26] = 0x20;
    char why[96];
    CHECK_EQ_U64(parse_namespace(why), 0);
    page[26] = 0x21;
    CHECK_EQ_U64(parse_namespace(why), (uint64_t)-1);
    CHECK_STR(why, "formatted LBA format 17 is beyond NLBAF 16");
}

/* Namespace Identification Descriptors: NIDT, NIDL, two reserved bytes, NIDL bytes of ID. */
static size_t put_descriptor(size_t at, uint8_t type, uint8_t length, uint8_t fill)
{
    page[at] = type;
    page[at + 1] = length;
    page[at + 2] = page[at + 3] = 0;
    memset(page + at + 4, fill, length);
    return at + 4 + length;
}

static int parse_descriptors(char why[96])
{
    uint8_t csi;
    return nvme_parse_namespace_descriptors(page, &csi, why);
}

/* What QEMU reports for a zoned namespace: EUI64, NGUID, UUID, then CSI 2. */
static void qemu_zoned_descriptor_page(void)
{
    memset(page, 0, sizeof page);
    size_t at = put_descriptor(0, 1, 8, 0x11);
    at = put_descriptor(at, 2, 16, 0x22);
    at = put_descriptor(at, 3, 16, 0x33);
    at = put_descriptor(at, 4, 1, NVME_CSI_ZONED);
}

static void descriptors_csi_after_identifiers(void)
{
    qemu_zoned_descriptor_page();
    uint8_t csi = 0xaa;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(csi, NVME_CSI_ZONED);

    /* CSI first, identifiers after it; an identifier's bytes that look like a CSI descriptor
     * (0x04 0x01 inside the NGUID) are skipped as data. */
    memset(page, 0, sizeof page);
    size_t at = put_descriptor(0, 4, 1, NVME_CSI_NVM);
    at = put_descriptor(at, 2, 16, 0x04);
    page[at - 15] = 0x01;
    page[at - 12] = 0x02;
    at = put_descriptor(at, 1, 8, 0x04);
    csi = 0xaa;
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_EQ_U64(csi, NVME_CSI_NVM);
}

static void descriptors_without_csi_are_nvm(void)
{
    memset(page, 0, sizeof page);
    size_t at = put_descriptor(0, 1, 8, 0x11);
    at = put_descriptor(at, 3, 16, 0x33);
    uint8_t csi = 0xaa;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(csi, NVME_CSI_NVM);

    /* A CSI descriptor after the terminating type 0 is not part of the list. */
    at = put_descriptor(at + 4, 4, 1, NVME_CSI_ZONED);
    csi = 0xaa;
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_EQ_U64(csi, NVME_CSI_NVM);
}

static void descriptors_all_zero_page_is_nvm(void)
{
    memset(page, 0, sizeof page);
    uint8_t csi = 0xaa;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(csi, NVME_CSI_NVM);
}

static void descriptors_rejects(void)
{
    /* Offsets in the QEMU list: EUI64 at 0, NGUID at 12, UUID at 32, CSI at 52. */
    static const struct page_edit edits[] = {
        {53, 2, 1, "CSI descriptor has length 2, not 1"},
        {53, 0, 1, "CSI descriptor has length 0, not 1"},
        {53, 255, 1, "CSI descriptor has length 255, not 1"},
    };
    check_rejects(qemu_zoned_descriptor_page, parse_descriptors, edits, CHECK_COUNT(edits));
}

/* Fifteen 256-byte descriptors take the list to byte 3840; the last one decides. */
static size_t fill_to_3840(void)
{
    memset(page, 0, sizeof page);
    size_t at = 0;
    for (int i = 0; i < 15; i++)
        at = put_descriptor(at, 2, 252, (uint8_t)i);
    return at;
}

static void descriptors_off_the_page(void)
{
    char why[96];
    uint8_t csi;

    /* Ends exactly at byte 4096: fine, the page is full and has no terminator. */
    size_t at = fill_to_3840();
    CHECK_EQ_U64(at, 3840);
    CHECK_EQ_U64(put_descriptor(at, 3, 252, 0x33), NVME_IDENTIFY_BYTES);
    csi = 0xaa;
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_EQ_U64(csi, NVME_CSI_NVM);

    /* One byte longer runs past the page. */
    fill_to_3840();
    page[3840] = 3;
    page[3841] = 253;
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), (uint64_t)-1);
    CHECK_STR(why, "descriptor type 3 at byte 3840 runs past the page");

    /* A CSI descriptor whose ID byte would be byte 4096. */
    fill_to_3840();
    at = put_descriptor(3840, 2, 248, 0x22);
    CHECK_EQ_U64(at, 4092);
    page[4092] = 4;
    page[4093] = 1;
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), (uint64_t)-1);
    CHECK_STR(why, "descriptor type 4 at byte 4092 runs past the page");
}

/* A descriptor whose 4-byte header itself does not fit in the page also runs past it. */
static void descriptors_header_off_the_page(void)
{
    char why[96];
    uint8_t csi;

    fill_to_3840();
    size_t at = put_descriptor(3840, 2, 249, 0x22);
    CHECK_EQ_U64(at, 4093);
    page[4093] = 1; /* an EUI64 that starts three bytes before the end */
    page[4094] = 8;
    why[0] = '\0';
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), (uint64_t)-1);
    CHECK_STR(why, "descriptor type 1 at byte 4093 runs past the page");

    fill_to_3840();
    at = put_descriptor(3840, 2, 251, 0x22);
    CHECK_EQ_U64(at, 4095);
    page[4095] = 4; /* only the type byte of a CSI descriptor fits */
    why[0] = '\0';
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), (uint64_t)-1);
    CHECK_STR(why, "descriptor type 4 at byte 4095 runs past the page");

    /* A zero type in the last bytes is just the end of the list. */
    fill_to_3840();
    put_descriptor(3840, 2, 249, 0x22);
    CHECK_EQ_U64(nvme_parse_namespace_descriptors(page, &csi, why), 0);
    CHECK_EQ_U64(csi, NVME_CSI_NVM);
}

/* Zoned Identify Namespace as QEMU fills it for 4 KiB blocks and 64 MiB zones, formats 0 and 4
 * with different zone sizes so that reading the wrong entry shows. */
static void qemu_zoned_namespace_page(void)
{
    memset(page, 0, sizeof page);
    put_le(0, 0x0003, 2);      /* ZOC: variable capacity, zone active excursions */
    put_le(2, 0x0001, 2);      /* OZCS: read across zone boundaries */
    put_le(4, 0x0000000f, 4);  /* MAR */
    put_le(8, 0xffffffff, 4);  /* MOR */
    put_le(2816 + 16 * 0, 0x20000, 8);
    page[2816 + 16 * 0 + 8] = 0;
    put_le(2816 + 16 * 4, 0x4000, 8);
    page[2816 + 16 * 4 + 8] = 2;
}

static void zoned_namespace_decodes(void)
{
    qemu_zoned_namespace_page();
    struct nvme_zoned_namespace_identity z;
    char why[96] = "stale";
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 4, &z, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(z.zone_operation_characteristics, 0x0003);
    CHECK_EQ_U64(z.optional_zoned_command_support, 0x0001);
    CHECK_EQ_U64(z.max_active_resources, 0x0f);
    CHECK_EQ_U64(z.max_open_resources, 0xffffffff);
    CHECK_EQ_U64(z.zone_size_blocks, 0x4000);
    CHECK_EQ_U64(z.zone_descriptor_extension_bytes, 128);

    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 0, &z, why), 0);
    CHECK_EQ_U64(z.zone_size_blocks, 0x20000);
    CHECK_EQ_U64(z.zone_descriptor_extension_bytes, 0);
}

static void zoned_namespace_wide_fields(void)
{
    qemu_zoned_namespace_page();
    put_le(0, 0xa1b2, 2);
    put_le(2, 0xc3d4, 2);
    put_le(4, 0x01020304, 4);
    put_le(8, 0x05060708, 4);
    put_le(2816 + 16 * 4, 0x0102030405060708ull, 8);
    page[2816 + 16 * 4 + 8] = 255;
    page[2816 + 16 * 4 + 9] = 0xff; /* reserved byte after ZDES */
    struct nvme_zoned_namespace_identity z;
    char why[96];
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 4, &z, why), 0);
    CHECK_EQ_U64(z.zone_operation_characteristics, 0xa1b2);
    CHECK_EQ_U64(z.optional_zoned_command_support, 0xc3d4);
    CHECK_EQ_U64(z.max_active_resources, 0x01020304);
    CHECK_EQ_U64(z.max_open_resources, 0x05060708);
    CHECK_EQ_U64(z.zone_size_blocks, 0x0102030405060708ull);
    CHECK_EQ_U64(z.zone_descriptor_extension_bytes, 255 * 64);

    /* The last entry of the table, format 63, ends at byte 3840. */
    put_le(2816 + 16 * 63, 0x1000, 8);
    page[2816 + 16 * 63 + 8] = 1;
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 63, &z, why), 0);
    CHECK_EQ_U64(z.zone_size_blocks, 0x1000);
    CHECK_EQ_U64(z.zone_descriptor_extension_bytes, 64);
}

static int parse_zoned_format_4(char why[96])
{
    struct nvme_zoned_namespace_identity z;
    return nvme_parse_zoned_namespace(page, 4, &z, why);
}

static void zoned_namespace_rejects(void)
{
    static const struct page_edit edits[] = {
        {2816 + 16 * 4, 0, 8, "zone size (ZSZE) of LBA format 4 is 0"},
    };
    check_rejects(qemu_zoned_namespace_page, parse_zoned_format_4, edits, CHECK_COUNT(edits));

    qemu_zoned_namespace_page();
    struct nvme_zoned_namespace_identity z;
    char why[96];
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 1, &z, why), (uint64_t)-1); /* unset entry */
    CHECK_STR(why, "zone size (ZSZE) of LBA format 1 is 0");
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 64, &z, why), (uint64_t)-1);
    CHECK_STR(why, "LBA format 64 has no zone format extension");
    CHECK_EQ_U64(nvme_parse_zoned_namespace(page, 255, &z, why), (uint64_t)-1);
    CHECK_STR(why, "LBA format 255 has no zone format extension");
}

/* A zone report in a heap buffer of exactly `bytes`, so that a read past it trips ASan. */
static uint8_t *zone_report(size_t bytes, uint64_t count)
{
    uint8_t *report = calloc(1, bytes ? bytes : 1);
    if (bytes >= 8)
        for (size_t i = 0; i < 8; i++)
            report[i] = (uint8_t)(count >> (8 * i));
    return report;
}

static void put_zone(uint8_t *report, size_t bytes, unsigned index, uint8_t type_byte,
                     uint8_t state_byte, uint8_t attributes, uint64_t capacity, uint64_t start,
                     uint64_t write_pointer)
{
    uint8_t *d = report + 64 + 64 * (size_t)index;
    if ((size_t)(d - report) + 64 > bytes)
        return;
    memset(d, 0, 64);
    d[0] = type_byte;
    d[1] = state_byte;
    d[2] = attributes;
    for (size_t i = 0; i < 8; i++) {
        d[8 + i] = (uint8_t)(capacity >> (8 * i));
        d[16 + i] = (uint8_t)(start >> (8 * i));
        d[24 + i] = (uint8_t)(write_pointer >> (8 * i));
    }
    memset(d + 32, 0xee, 32); /* reserved bytes of the descriptor */
}

/* Four zones of 0x4000 blocks: empty, implicitly open, full, and one with junk in the
 * reserved nibbles. */
static void put_four_zones(uint8_t *report, size_t bytes)
{
    put_zone(report, bytes, 0, 0x02, 0x10, 0x00, 0x4000, 0x0000, 0x0000);
    put_zone(report, bytes, 1, 0x02, 0x20, 0x00, 0x3f00, 0x4000, 0x4123);
    put_zone(report, bytes, 2, 0x02, 0xe0, 0x00, 0x4000, 0x8000, 0xffffffffffffffffull);
    put_zone(report, bytes, 3, 0xf2, 0x1f, 0x81, 0x0123456789abcdefull, 0xfedcba9876543210ull,
             0x1122334455667788ull);
}

static void zone_report_decodes(void)
{
    size_t bytes = 64 + 4 * 64;
    uint8_t *report = zone_report(bytes, 4);
    put_four_zones(report, bytes);
    struct nvme_zone zones[8];
    uint64_t reported = 0xdead;
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 8, &reported), 4);
    CHECK_EQ_U64(reported, 4);
    CHECK_EQ_U64(zones[0].type, NVME_ZONE_TYPE_SEQUENTIAL);
    CHECK_EQ_U64(zones[0].state, NVME_ZONE_STATE_EMPTY);
    CHECK_EQ_U64(zones[0].attributes, 0);
    CHECK_EQ_U64(zones[0].capacity, 0x4000);
    CHECK_EQ_U64(zones[0].start, 0);
    CHECK_EQ_U64(zones[0].write_pointer, 0);
    CHECK_EQ_U64(zones[1].state, NVME_ZONE_STATE_IMPLICITLY_OPEN);
    CHECK_EQ_U64(zones[1].capacity, 0x3f00);
    CHECK_EQ_U64(zones[1].start, 0x4000);
    CHECK_EQ_U64(zones[1].write_pointer, 0x4123);
    CHECK_EQ_U64(zones[2].state, NVME_ZONE_STATE_FULL);
    CHECK_EQ_U64(zones[2].start, 0x8000);
    CHECK_EQ_U64(zones[2].write_pointer, 0xffffffffffffffffull);
    /* Type is bits 3:0 of byte 0, state bits 7:4 of byte 1; attributes whole. */
    CHECK_EQ_U64(zones[3].type, 0x2);
    CHECK_EQ_U64(zones[3].state, 0x1);
    CHECK_EQ_U64(zones[3].attributes, 0x81);
    CHECK_EQ_U64(zones[3].capacity, 0x0123456789abcdefull);
    CHECK_EQ_U64(zones[3].start, 0xfedcba9876543210ull);
    CHECK_EQ_U64(zones[3].write_pointer, 0x1122334455667788ull);
    free(report);
}

/* The count is the smallest of reported, fitting and max; *reported is the header's. */
static void zone_report_limits(void)
{
    size_t bytes = 64 + 4 * 64;
    uint8_t *report = zone_report(bytes, 4);
    put_four_zones(report, bytes);
    struct nvme_zone zones[8];
    uint64_t reported;

    /* max caps it, and nothing past zones[max - 1] is written. */
    memset(zones, 0x5a, sizeof zones);
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 2, &reported), 2);
    CHECK_EQ_U64(reported, 4);
    CHECK_EQ_U64(zones[1].start, 0x4000);
    CHECK_EQ_U64(zones[2].start, 0x5a5a5a5a5a5a5a5aull);
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 0, &reported), 0);
    CHECK_EQ_U64(reported, 4);

    /* The header reports fewer than the buffer holds: only those. */
    report[0] = 1;
    memset(zones, 0x5a, sizeof zones);
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 8, &reported), 1);
    CHECK_EQ_U64(reported, 1);
    CHECK_EQ_U64(zones[1].start, 0x5a5a5a5a5a5a5a5aull);
    report[0] = 0;
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 8, &reported), 0);
    CHECK_EQ_U64(reported, 0);
    free(report);
}

/* The device reports every zone of the namespace, the buffer holds a few. */
static void zone_report_more_than_fits(void)
{
    size_t bytes = 64 + 3 * 64;
    uint8_t *report = zone_report(bytes, 0x100000001ull);
    put_four_zones(report, bytes);
    struct nvme_zone zones[8];
    uint64_t reported;
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 8, &reported), 3);
    CHECK_EQ_U64(reported, 0x100000001ull);
    CHECK_EQ_U64(zones[2].start, 0x8000);
    free(report);

    /* A partial descriptor at the end is not one (63 bytes of the fourth). */
    bytes = 64 + 3 * 64 + 63;
    report = zone_report(bytes, 4);
    put_four_zones(report, bytes);
    CHECK_EQ_U64(nvme_parse_zone_report(report, bytes, zones, 8, &reported), 3);
    CHECK_EQ_U64(reported, 4);
    free(report);

    /* Only the header: nothing stored, the count still known. */
    report = zone_report(64, 1000);
    CHECK_EQ_U64(nvme_parse_zone_report(report, 64, zones, 8, &reported), 0);
    CHECK_EQ_U64(reported, 1000);
    free(report);
    report = zone_report(127, 1000);
    CHECK_EQ_U64(nvme_parse_zone_report(report, 127, zones, 8, &reported), 0);
    CHECK_EQ_U64(reported, 1000);
    free(report);
}

static void zone_report_too_short(void)
{
    struct nvme_zone zones[2];
    uint64_t reported = 0xdead;
    uint8_t *report = zone_report(63, 5);
    CHECK_EQ_U64(nvme_parse_zone_report(report, 63, zones, 2, &reported), (uint64_t)-1);
    free(report);
    report = zone_report(0, 0);
    CHECK_EQ_U64(nvme_parse_zone_report(report, 0, zones, 2, &reported), (uint64_t)-1);
    free(report);
}

/* The Identify field tables (nvme_regs.c) name the bytes the parser reads: a value written
 * at a table's offset comes back in the parsed field it describes, in every byte. */
static void identify_tables_agree_with_the_parser(void)
{
    static const struct {
        const char *table;
        uint64_t value;
    } controller_fields[] = {{"CMIC", 0x0b}, {"OACS", 0x8421}, {"SQES", 0x76}, {"CQES", 0x54},
                             {"ONCS", 0x1234}, {"VWC", 0x05}, {"SGLS", 0x87654321}};
    for (size_t i = 0; i < CHECK_COUNT(controller_fields); i++) {
        const struct nvme_register_table *t = nvme_identify_table_named(controller_fields[i].table);
        CHECK(t != NULL);
        if (!t)
            continue;
        qemu_controller_page();
        put_le(t->offset, controller_fields[i].value, t->width);
        struct nvme_controller_identity id;
        char why[96];
        CHECK_EQ_U64(nvme_parse_identify_controller(page, &id, why), 0);
        const uint64_t parsed[] = {id.multipath, id.oacs, id.sqes, id.cqes, id.oncs, id.vwc,
                                   id.sgls};
        if (parsed[i] != controller_fields[i].value)
            check_fail(__FILE__, __LINE__, "%s at %u: parsed 0x%llx, wrote 0x%llx",
                       t->name, t->offset, (unsigned long long)parsed[i],
                       (unsigned long long)controller_fields[i].value);
    }
    static const struct {
        const char *table;
        uint64_t value;
    } namespace_fields[] = {{"NSFEAT", 0x1d}, {"FLBAS", 0x04}, {"MC", 0x02}, {"DPC", 0x11},
                            {"DPS", 0x01}, {"NMIC", 0x01}, {"LBAF", 0x000c0008}};
    for (size_t i = 0; i < CHECK_COUNT(namespace_fields); i++) {
        const struct nvme_register_table *t = nvme_identify_table_named(namespace_fields[i].table);
        CHECK(t != NULL);
        if (!t)
            continue;
        qemu_namespace_page();
        put_le(t->offset, namespace_fields[i].value, t->width);
        struct nvme_namespace_identity ns;
        char why[96];
        CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
        const uint64_t parsed[] = {ns.features, ns.flbas, ns.metadata_caps, ns.pi_caps, ns.dps,
                                   ns.multipath, ns.lba_formats[0]};
        if (parsed[i] != namespace_fields[i].value)
            check_fail(__FILE__, __LINE__, "%s at %u: parsed 0x%llx, wrote 0x%llx (%s)",
                       t->name, t->offset, (unsigned long long)parsed[i],
                       (unsigned long long)namespace_fields[i].value, why);
    }
}

/* Every LBA format is kept as read, also those the namespace is not formatted with and ones
 * nvmetal could not use (LBADS 0, RP set); the formats past NLBAF stay 0. */
static void namespace_keeps_every_lba_format(void)
{
    qemu_namespace_page();
    put_le(128 + 4 * 1, 0x03090040, 4);  /* RP 3 (degraded), 512 + 64 */
    put_le(128 + 4 * 5, 0x00000000, 4);  /* nothing there */
    put_le(128 + 4 * 7, 0x000c0010, 4);
    put_le(128 + 4 * 8, 0x000c0008, 4);  /* past NLBAF 7: not a format */
    struct nvme_namespace_identity ns;
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format_count, 8);
    CHECK_EQ_U64(ns.lba_formats[0], 9u << 16);
    CHECK_EQ_U64(ns.lba_formats[1], 0x03090040);
    CHECK_EQ_U64(ns.lba_formats[4], (12u << 16) | 8);
    CHECK_EQ_U64(ns.lba_formats[5], 0);
    CHECK_EQ_U64(ns.lba_formats[7], 0x000c0010);
    CHECK_EQ_U64(ns.lba_formats[8], 0);
    CHECK_EQ_U64(nvme_LBAF_RP(ns.lba_formats[1]), 3);
    CHECK_EQ_U64(ns.flbas, 0x14);

    /* All 64, the last one formatted (FLBAS 0x6f: index 63 from bits 3:0 and 6:5). */
    page[25] = 63;
    page[26] = 0x6f;
    for (unsigned i = 0; i < 64; i++)
        put_le(128 + 4 * i, (9u + i % 4) << 16 | i, 4);
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns, why), 0);
    CHECK_EQ_U64(ns.lba_format_count, 64);
    CHECK_EQ_U64(ns.lba_format, 63);
    for (unsigned i = 0; i < 64; i++)
        if (ns.lba_formats[i] != ((9u + i % 4) << 16 | i))
            check_fail(__FILE__, __LINE__, "LBAF%u reads 0x%08x", i, ns.lba_formats[i]);
    CHECK_EQ_U64(ns.block_bytes, 4096);
    CHECK_EQ_U64(ns.metadata_bytes, 63);
}

static const struct check_case cases[] = {
    CHECK_CASE(controller_decodes_exactly),
    CHECK_CASE(controller_multibyte_fields_are_little_endian),
    CHECK_CASE(strings_full_width_nul_padded_and_unprintable),
    CHECK_CASE(controller_blank_strings_are_empty),
    CHECK_CASE(controller_all_zero_page_rejected),
    CHECK_CASE(controller_entry_sizes_rejected),
    CHECK_CASE(namespace_decodes_formatted_lba_format),
    CHECK_CASE(namespace_512_byte_format_and_wide_size),
    CHECK_CASE(namespace_rejects),
    CHECK_CASE(namespace_inactive_page),
    CHECK_CASE(active_list_stops_at_zero),
    CHECK_CASE(active_list_empty_and_capped),
    CHECK_CASE(active_list_full_page),
    CHECK_CASE(active_list_not_ascending),
    CHECK_CASE(controller_multipath_and_subsystem_nqn),
    CHECK_CASE(controller_subsystem_nqn_padding),
    CHECK_CASE(controller_subsystem_nqn_unprintable),
    CHECK_CASE(namespace_new_fields),
    CHECK_CASE(namespace_format_index_above_15),
    CHECK_CASE(namespace_protection_rejects),
    CHECK_CASE(namespace_format_rejects),
    CHECK_CASE(descriptors_csi_after_identifiers),
    CHECK_CASE(descriptors_without_csi_are_nvm),
    CHECK_CASE(descriptors_all_zero_page_is_nvm),
    CHECK_CASE(descriptors_rejects),
    CHECK_CASE(descriptors_off_the_page),
    CHECK_CASE(descriptors_header_off_the_page),
    CHECK_CASE(zoned_namespace_decodes),
    CHECK_CASE(zoned_namespace_wide_fields),
    CHECK_CASE(zoned_namespace_rejects),
    CHECK_CASE(zone_report_decodes),
    CHECK_CASE(zone_report_limits),
    CHECK_CASE(zone_report_more_than_fits),
    CHECK_CASE(zone_report_too_short),
    CHECK_CASE(identify_tables_agree_with_the_parser),
    CHECK_CASE(namespace_keeps_every_lba_format),
};

int main(void)
{
    return CHECK_RUN("nvme_identify", cases);
}
