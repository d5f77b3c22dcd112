/* Host tests for drivers/nvme/nvme_prp.c: PRP1/PRP2 and list entries for offsets, page counts, limits and page sizes. */
#include "check.h"

#include "drivers/nvme/nvme_prp.h"

#define PAGE 4096u
#define LIST_BUS 0x7000000ull  /* where the list would sit for the controller */
#define LIST_CAPACITY (PAGE / 8)
#define POISON 0xa5a5a5a5a5a5a5a5ull /* a list entry nobody wrote */

static uint64_t list[LIST_CAPACITY + 8];

/* Runs the builder with a list page that starts poisoned, so unwritten entries stand out. */
static int build(uint64_t buffer, uint64_t bytes, uint32_t page_size, unsigned capacity,
                 struct nvme_prp *out)
{
    memset(list, 0xa5, sizeof list);
    memset(out, 0xa5, sizeof *out);
    return nvme_prp_build(buffer, bytes, page_size, list, LIST_BUS, capacity, out);
}

/* Transfers touching one or two pages: PRP2 is 0 or the second page, and no list is written. */
static void one_or_two_pages_need_no_list(void)
{
    static const struct {
        uint64_t buffer, bytes;
        uint32_t page_size;
        uint64_t prp2;
    } cases[] = {
        {0x100000, PAGE, PAGE, 0},                 /* one page at a page start */
        {0x100ffc, 4, PAGE, 0},                    /* the last dword of a page */
        {0x100200, PAGE - 0x200, PAGE, 0},         /* offset, ends on the boundary */
        {0x100200, PAGE, PAGE, 0x101000},          /* one page's worth at an offset spans two */
        {0x100ffc, 8, PAGE, 0x101000},             /* one byte over is the second page */
        {0x200000, 2 * PAGE, PAGE, 0x201000},      /* two aligned pages */
        {0x600000, 8192, 8192, 0},                 /* 8 KiB pages */
        {0x601000, 8192, 8192, 0x602000},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct nvme_prp prp;
        CHECK_EQ_U64(build(cases[i].buffer, cases[i].bytes, cases[i].page_size, LIST_CAPACITY,
                           &prp), 0);
        CHECK_EQ_U64(prp.prp1, cases[i].buffer);
        CHECK_EQ_U64(prp.prp2, cases[i].prp2);
        CHECK_EQ_U64(prp.list_entries, 0);
        CHECK_EQ_U64(list[0], POISON);
    }
}

static void twelve_kib_at_offset_needs_a_list(void)
{
    struct nvme_prp prp;
    CHECK_EQ_U64(build(0x300800, 3 * PAGE, PAGE, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.prp1, 0x300800);
    CHECK_EQ_U64(prp.prp2, LIST_BUS);
    CHECK_EQ_U64(prp.list_entries, 3);
    CHECK_EQ_U64(list[0], 0x301000);
    CHECK_EQ_U64(list[1], 0x302000);
    CHECK_EQ_U64(list[2], 0x303000);
    CHECK_EQ_U64(list[3], POISON);
}

static void list_capacity_is_the_limit(void)
{
    struct nvme_prp prp;
    const unsigned capacity = 16;
    /* capacity entries after the first page: exactly capacity + 1 pages fit */
    CHECK_EQ_U64(build(0x400000, (capacity + 1) * (uint64_t)PAGE, PAGE, capacity, &prp), 0);
    CHECK_EQ_U64(prp.list_entries, capacity);
    CHECK_EQ_U64(list[capacity - 1], 0x400000 + capacity * (uint64_t)PAGE);
    CHECK_EQ_U64(list[capacity], POISON);

    CHECK_EQ_U64(build(0x400000, (capacity + 2) * (uint64_t)PAGE, PAGE, capacity, &prp),
                 (uint64_t)-1);
    /* An offset adds a page: capacity + 1 pages of data no longer fit. */
    CHECK_EQ_U64(build(0x400200, (capacity + 1) * (uint64_t)PAGE, PAGE, capacity, &prp),
                 (uint64_t)-1);
    CHECK_EQ_U64(prp.prp1, 0);
    CHECK_EQ_U64(prp.prp2, 0);
}

/* MDTS 7 at 4 KiB pages is 512 KiB: 128 pages, a list of 127, well inside one list page. */
static void largest_qemu_transfer(void)
{
    struct nvme_prp prp;
    CHECK_EQ_U64(build(0x1000000, 512 * 1024, PAGE, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.list_entries, 127);
    CHECK_EQ_U64(list[126], 0x1000000 + 127 * PAGE);
}

static void full_list_page(void)
{
    struct nvme_prp prp;
    CHECK_EQ_U64(build(0, (LIST_CAPACITY + 1) * (uint64_t)PAGE, PAGE, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.list_entries, LIST_CAPACITY);
    CHECK_EQ_U64(list[LIST_CAPACITY - 1], LIST_CAPACITY * (uint64_t)PAGE);
}

/* A list that starts inside its page and would run past that page's end needs chaining. */
static void list_must_not_cross_its_page(void)
{
    struct nvme_prp prp;
    uint64_t near_end = 0x7000ff0; /* two slots left in this page */
    memset(list, 0xa5, sizeof list);
    CHECK_EQ_U64(nvme_prp_build(0x500000, 3 * PAGE, PAGE, list, near_end, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.prp2, near_end);
    CHECK_EQ_U64(prp.list_entries, 2);
    CHECK_EQ_U64(nvme_prp_build(0x500000, 4 * PAGE, PAGE, list, near_end, LIST_CAPACITY, &prp),
                 (uint64_t)-1);
}

static void misaligned_and_invalid_requests(void)
{
    struct nvme_prp prp;
    CHECK_EQ_U64(build(0x100002, 512, PAGE, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0x100001, 512, PAGE, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0x100000, 0, PAGE, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0x100000, 512, 2048, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0x100000, 512, 6144, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0x100000, 512, 0, LIST_CAPACITY, &prp), (uint64_t)-1);
    CHECK_EQ_U64(build(0xfffffffffffff000ull, 2 * PAGE, PAGE, LIST_CAPACITY, &prp), (uint64_t)-1);

    /* The list itself must be 8-byte aligned, and present. */
    CHECK_EQ_U64(nvme_prp_build(0x100000, 3 * PAGE, PAGE, list, LIST_BUS + 4, LIST_CAPACITY, &prp),
                 (uint64_t)-1);
    CHECK_EQ_U64(nvme_prp_build(0x100000, 3 * PAGE, PAGE, NULL, LIST_BUS, LIST_CAPACITY, &prp),
                 (uint64_t)-1);
    /* A dword-aligned PRP1 is enough. */
    CHECK_EQ_U64(build(0x100004, 512, PAGE, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.prp1, 0x100004);
}

static void eight_kib_pages_list(void)
{
    struct nvme_prp prp;
    const uint32_t page = 8192;
    CHECK_EQ_U64(build(0x601000, 2 * page, page, LIST_CAPACITY, &prp), 0);
    CHECK_EQ_U64(prp.prp2, LIST_BUS);
    CHECK_EQ_U64(prp.list_entries, 2);
    CHECK_EQ_U64(list[0], 0x602000);
    CHECK_EQ_U64(list[1], 0x604000);
    CHECK_EQ_U64(list[2], POISON);
}

static const struct check_case cases[] = {
    CHECK_CASE(one_or_two_pages_need_no_list),
    CHECK_CASE(twelve_kib_at_offset_needs_a_list),
    CHECK_CASE(list_capacity_is_the_limit),
    CHECK_CASE(largest_qemu_transfer),
    CHECK_CASE(full_list_page),
    CHECK_CASE(list_must_not_cross_its_page),
    CHECK_CASE(misaligned_and_invalid_requests),
    CHECK_CASE(eight_kib_pages_list),
};

int main(void)
{
    return CHECK_RUN("nvme_prp", cases);
}
