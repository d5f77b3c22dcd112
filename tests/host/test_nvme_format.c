/* Host tests for drivers/nvme/nvme_format.c: bytes per block in data and metadata buffers, and the format in words. */
#include "check.h"

#include <stdlib.h>

#include "drivers/nvme/nvme_format.h"

/* A namespace formatted as block_bytes + metadata_bytes, extended or separate, with PI type pi. */
static struct nvme_namespace_identity format(uint32_t block_bytes, uint16_t metadata_bytes,
                                             int extended, uint8_t pi, int pi_first)
{
    struct nvme_namespace_identity ns;
    memset(&ns, 0, sizeof ns);
    ns.size_blocks = ns.capacity_blocks = 262144;
    ns.lba_format_count = 8;
    ns.block_bytes = block_bytes;
    ns.metadata_bytes = metadata_bytes;
    ns.extended_lba = extended != 0;
    ns.metadata_caps = 0x03;
    ns.pi_caps = pi ? 0x1f : 0;
    ns.pi_type = pi;
    ns.pi_first = pi_first != 0;
    return ns;
}

/* Asserts a successful layout of (data, metadata) bytes per block, with why[] cleared. */
#define CHECK_LAYOUT(ns, prinfo, data, metadata)                                        \
    do {                                                                                \
        struct nvme_namespace_identity check_ns_ = (ns);                                \
        struct nvme_transfer_layout check_layout_;                                      \
        memset(&check_layout_, 0xa5, sizeof check_layout_);                             \
        char check_why_[96] = "stale";                                                  \
        CHECK_EQ_U64(nvme_transfer_layout(&check_ns_, (prinfo), &check_layout_, check_why_), 0); \
        CHECK_STR(check_why_, "");                                                      \
        CHECK_EQ_U64(check_layout_.data_bytes_per_block, (data));                       \
        CHECK_EQ_U64(check_layout_.metadata_bytes_per_block, (metadata));               \
    } while (0)

#define PRCHK_ALL (NVME_PRINFO_CHECK_GUARD | NVME_PRINFO_CHECK_APP | NVME_PRINFO_CHECK_REF)

static void layout_no_metadata(void)
{
    CHECK_LAYOUT(format(512, 0, 0, 0, 0), 0, 512, 0);
    CHECK_LAYOUT(format(4096, 0, 0, 0, 0), 0, 4096, 0);
}

static void layout_separate_metadata(void)
{
    CHECK_LAYOUT(format(512, 8, 0, 0, 0), 0, 512, 8);     /* no PI */
    CHECK_LAYOUT(format(512, 8, 0, 1, 0), 0, 512, 8);     /* PI, host carries it */
    CHECK_LAYOUT(format(512, 8, 0, 1, 0), PRCHK_ALL, 512, 8); /* checks only: still carried */
    CHECK_LAYOUT(format(512, 8, 0, 3, 1), NVME_PRINFO_CHECK_GUARD, 512, 8);
    CHECK_LAYOUT(format(4096, 64, 0, 0, 0), 0, 4096, 64);
}

static void layout_extended_metadata(void)
{
    CHECK_LAYOUT(format(512, 8, 1, 0, 0), 0, 520, 0);
    CHECK_LAYOUT(format(512, 8, 1, 2, 0), 0, 520, 0);
    CHECK_LAYOUT(format(512, 8, 1, 2, 0), PRCHK_ALL, 520, 0);
    CHECK_LAYOUT(format(4096, 16, 1, 0, 0), 0, 4112, 0);
}

/* PRACT with 8 bytes of metadata, all PI: the controller inserts and strips it, nothing moves. */
static void layout_pract_pi_only_metadata(void)
{
    CHECK_LAYOUT(format(512, 8, 0, 1, 0), NVME_PRINFO_PRACT, 512, 0);
    CHECK_LAYOUT(format(512, 8, 1, 1, 0), NVME_PRINFO_PRACT, 512, 0);
    CHECK_LAYOUT(format(512, 8, 0, 1, 0), NVME_PRINFO_PRACT | PRCHK_ALL, 512, 0);
    CHECK_LAYOUT(format(512, 8, 1, 3, 1), NVME_PRINFO_PRACT | NVME_PRINFO_CHECK_GUARD, 512, 0);
    CHECK_LAYOUT(format(4096, 8, 1, 2, 0), NVME_PRINFO_PRACT, 4096, 0);
}

/* PRACT with more metadata than the PI: the rest still travels with the command. */
static void layout_pract_larger_metadata(void)
{
    CHECK_LAYOUT(format(512, 16, 0, 1, 0), NVME_PRINFO_PRACT, 512, 16);
    CHECK_LAYOUT(format(512, 16, 1, 1, 0), NVME_PRINFO_PRACT, 528, 0);
    CHECK_LAYOUT(format(4096, 16, 0, 1, 1), NVME_PRINFO_PRACT | PRCHK_ALL, 4096, 16);
    CHECK_LAYOUT(format(4096, 64, 1, 2, 0), NVME_PRINFO_PRACT, 4160, 0);
}

static void layout_prinfo_without_pi_rejected(void)
{
    static const struct {
        uint32_t block_bytes;
        uint16_t metadata_bytes;
        int extended;
        uint8_t prinfo;
        const char *why;
    } rows[] = {
        {512, 8, 0, NVME_PRINFO_PRACT,
         "PRINFO 0x8 on a namespace formatted without protection information"},
        {512, 8, 1, PRCHK_ALL, "PRINFO 0x7 on a namespace formatted without protection information"},
        {512, 0, 0, NVME_PRINFO_CHECK_GUARD,
         "PRINFO 0x4 on a namespace formatted without protection information"},
        {4096, 16, 0, NVME_PRINFO_PRACT | PRCHK_ALL,
         "PRINFO 0xf on a namespace formatted without protection information"},
    };
    for (size_t i = 0; i < CHECK_COUNT(rows); i++) {
        struct nvme_namespace_identity ns =
            format(rows[i].block_bytes, rows[i].metadata_bytes, rows[i].extended, 0, 0);
        struct nvme_transfer_layout layout;
        char why[96] = "";
        CHECK_EQ_U64(nvme_transfer_layout(&ns, rows[i].prinfo, &layout, why), (uint64_t)-1);
        CHECK_STR(why, rows[i].why);
    }
    /* And without PRINFO the same namespaces are fine. */
    CHECK_LAYOUT(format(512, 8, 0, 0, 0), 0, 512, 8);
}

static void describe_strings(void)
{
    char out[96];
    struct nvme_namespace_identity ns = format(512, 0, 0, 0, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out), "512 B");
    ns = format(512, 8, 1, 0, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out), "512+8 B extended");
    ns = format(4096, 16, 0, 1, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out),
              "4096+16 B separate, PI type 1 (last 8 bytes)");
    ns = format(512, 8, 0, 3, 1);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out),
              "512+8 B separate, PI type 3 (first 8 bytes)");
    ns = format(512, 8, 0, 0, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out), "512+8 B separate");
    ns = format(4096, 0, 0, 0, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out), "4096 B");
    ns = format(512, 8, 1, 2, 0);
    CHECK_STR(nvme_format_describe(&ns, out, sizeof out),
              "512+8 B extended, PI type 2 (last 8 bytes)");
}

static void describe_returns_out(void)
{
    char out[32];
    struct nvme_namespace_identity ns = format(512, 0, 0, 0, 0);
    CHECK(nvme_format_describe(&ns, out, sizeof out) == out);
}

/* Every buffer size from 1 up: never a byte past `len` (the buffer is exactly len on the heap,
 * so ASan sees any overrun), always terminated, and a prefix of the full text. */
static void describe_truncates_safely(void)
{
    static const char *const full = "4096+16 B separate, PI type 1 (last 8 bytes)";
    struct nvme_namespace_identity ns = format(4096, 16, 0, 1, 0);
    size_t full_len = strlen(full);
    for (size_t len = 1; len <= full_len + 2; len++) {
        char *out = malloc(len);
        memset(out, 'x', len);
        const char *text = nvme_format_describe(&ns, out, len);
        size_t want = len - 1 < full_len ? len - 1 : full_len;
        CHECK(text == out);
        CHECK(memchr(out, '\0', len) != NULL);
        CHECK_EQ_U64(strnlen(out, len), want);
        CHECK(strncmp(out, full, want) == 0);
        free(out);
    }
}

static const struct check_case cases[] = {
    CHECK_CASE(layout_no_metadata),
    CHECK_CASE(layout_separate_metadata),
    CHECK_CASE(layout_extended_metadata),
    CHECK_CASE(layout_pract_pi_only_metadata),
    CHECK_CASE(layout_pract_larger_metadata),
    CHECK_CASE(layout_prinfo_without_pi_rejected),
    CHECK_CASE(describe_strings),
    CHECK_CASE(describe_returns_out),
    CHECK_CASE(describe_truncates_safely),
};

int main(void)
{
    return CHECK_RUN("nvme_format", cases);
}
