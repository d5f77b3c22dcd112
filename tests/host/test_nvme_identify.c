/* Host tests for drivers/nvme/nvme_identify.c: QEMU-like identify pages decode exactly, impossible ones are refused. */
#include "check.h"

#include "drivers/nvme/nvme_spec.h"

static uint8_t page[NVME_IDENTIFY_BYTES];

static void put_le(size_t offset, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        page[offset + i] = (uint8_t)(value >> (8 * i));
}

/* Space-padded like the spec's ASCII fields. */
static void put_ascii(size_t offset, size_t width, const char *text)
{
    memset(page + offset, ' ', width);
    memcpy(page + offset, text, strlen(text));
}

/* What QEMU 7.2 answers for `-device nvme,serial=nvmetal-0` (the fields nvmetal reads). */
static void qemu_controller_page(void)
{
    memset(page, 0, sizeof page);
    put_le(0, 0x1b36, 2);
    put_le(2, 0x1af4, 2);
    put_ascii(4, 20, "nvmetal-0");
    put_ascii(24, 40, "QEMU NVMe Ctrl");
    put_ascii(64, 8, "7.2.22");
    page[77] = 7;
    put_le(78, 0x0000, 2);
    put_le(80, 0x00010400, 4);
    page[512] = 0x66;
    page[513] = 0x44;
    put_le(516, 256, 4);
    put_le(520, 0x015d, 2);
    page[525] = 0x07;
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
};

int main(void)
{
    return CHECK_RUN("nvme_identify", cases);
}
