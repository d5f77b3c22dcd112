/* Host tests for lib/page_alloc.c: first fit, alignment, exhaustion, reuse and rejected frees. */
#include "check.h"
#include "page_alloc.h"

#define POOL_BASE 0x40001000ull /* page aligned, deliberately not 64 KiB aligned */

static uint8_t bitmap[16];

static struct page_pool pool_of(size_t pages)
{
    struct page_pool pool;
    memset(bitmap, 0xff, sizeof bitmap); /* init must clear what it uses */
    CHECK_EQ_U64(page_pool_init(&pool, POOL_BASE, pages * PAGE_SIZE, bitmap, sizeof bitmap), 0);
    return pool;
}

static void init_validates(void)
{
    struct page_pool pool;
    CHECK_EQ_U64(page_pool_init(&pool, POOL_BASE + 0x800, 8 * PAGE_SIZE, bitmap, 1),
                 (uint64_t)-1);
    CHECK_EQ_U64(page_pool_init(&pool, POOL_BASE, 9 * PAGE_SIZE, bitmap, 1), (uint64_t)-1);
    CHECK_EQ_U64(page_pool_init(&pool, 0xfffffffffffff000ull, 2 * PAGE_SIZE, bitmap, 1),
                 (uint64_t)-1);
    CHECK_EQ_U64(page_pool_init(&pool, POOL_BASE, 8 * PAGE_SIZE + 100, bitmap, 1), 0);
    CHECK_EQ_U64(pool.pages, 8); /* the partial page is not used */
    CHECK_EQ_U64(pool.free_pages, 8);
    CHECK_EQ_U64(pool.base, POOL_BASE);
    CHECK_EQ_U64(page_pool_init(&pool, POOL_BASE, 0, NULL, 0), 0);
    CHECK_EQ_U64(page_alloc(&pool, 1, 0), 0);
}

static void first_fit_in_order(void)
{
    struct page_pool pool = pool_of(64);
    CHECK_EQ_U64(bitmap[0], 0);
    CHECK_EQ_U64(page_alloc(&pool, 3, 0), POOL_BASE);
    CHECK_EQ_U64(bitmap[0], 0x07);
    CHECK_EQ_U64(page_alloc(&pool, 1, PAGE_SIZE), POOL_BASE + 3 * PAGE_SIZE);
    CHECK_EQ_U64(bitmap[0], 0x0f);
    CHECK_EQ_U64(pool.free_pages, 60);
    CHECK_EQ_U64(page_alloc(&pool, 0, 0), 0);
    CHECK_EQ_U64(pool.free_pages, 60);
}

static void alignment(void)
{
    struct page_pool pool = pool_of(64);
    /* The first 64 KiB boundary in the pool is 0x40010000, page 15. */
    CHECK_EQ_U64(page_alloc(&pool, 2, 0x10000), 0x40010000);
    CHECK_EQ_U64(bitmap[1], 0x80);
    CHECK_EQ_U64(bitmap[2], 0x01);
    /* Unaligned requests still fill the gap before it. */
    CHECK_EQ_U64(page_alloc(&pool, 1, 0), POOL_BASE);
    /* The next 64 KiB boundary is taken by nothing: 0x40020000. */
    CHECK_EQ_U64(page_alloc(&pool, 1, 0x10000), 0x40020000);
    /* 8 KiB alignment skips the odd page 0x40001000 + k*4K where needed. */
    uint64_t two_page_aligned = page_alloc(&pool, 1, 0x2000);
    CHECK_EQ_U64(two_page_aligned % 0x2000, 0);
    CHECK_EQ_U64(two_page_aligned, 0x40002000);
    CHECK_EQ_U64(page_alloc(&pool, 1, 0x3000), 0);  /* not a power of two */
    CHECK_EQ_U64(page_alloc(&pool, 1, 0x800), 0);   /* below a page */
    CHECK_EQ_U64(page_alloc(&pool, 1, 1ull << 40), 0); /* no such boundary inside the pool */
    CHECK_EQ_U64(pool.free_pages, 64 - 5);
}

static void exhaustion(void)
{
    struct page_pool pool = pool_of(10);
    CHECK_EQ_U64(page_alloc(&pool, 11, 0), 0);
    CHECK_EQ_U64(page_alloc(&pool, 10, 0), POOL_BASE);
    CHECK_EQ_U64(pool.free_pages, 0);
    CHECK_EQ_U64(page_alloc(&pool, 1, 0), 0);
    CHECK_EQ_U64(page_free(&pool, POOL_BASE + 9 * PAGE_SIZE, 1), 0);
    CHECK_EQ_U64(page_alloc(&pool, 1, 0), POOL_BASE + 9 * PAGE_SIZE);
    CHECK_EQ_U64(page_alloc(&pool, 1, 0), 0);
}

static void fragmentation_and_reuse(void)
{
    struct page_pool pool = pool_of(16);
    uint64_t a = page_alloc(&pool, 2, 0);
    uint64_t b = page_alloc(&pool, 2, 0);
    uint64_t c = page_alloc(&pool, 2, 0);
    CHECK_EQ_U64(b, a + 2 * PAGE_SIZE);
    CHECK_EQ_U64(c, b + 2 * PAGE_SIZE);
    CHECK_EQ_U64(page_free(&pool, b, 2), 0);
    /* The 2-page hole is too small for 3 pages: they go after c. */
    CHECK_EQ_U64(page_alloc(&pool, 3, 0), c + 2 * PAGE_SIZE);
    /* A 2-page request reuses the hole, first fit. */
    CHECK_EQ_U64(page_alloc(&pool, 2, 0), b);
    CHECK_EQ_U64(pool.free_pages, 16 - 9);
    /* 7 free pages remain, all at the end: 7 fit, 8 do not. */
    CHECK_EQ_U64(page_alloc(&pool, 8, 0), 0);
    CHECK_EQ_U64(page_alloc(&pool, 7, 0), c + 5 * PAGE_SIZE);
}

static void bad_frees_change_nothing(void)
{
    struct page_pool pool = pool_of(16);
    uint64_t a = page_alloc(&pool, 2, 0);
    uint64_t b = page_alloc(&pool, 2, 0);
    CHECK_EQ_U64(page_free(&pool, b, 2), 0);
    uint8_t before = bitmap[0];
    CHECK_EQ_U64(page_free(&pool, b, 2), (uint64_t)-1); /* double free */
    CHECK_EQ_U64(page_free(&pool, a, 3), (uint64_t)-1); /* runs into a free page */
    CHECK_EQ_U64(page_free(&pool, a + 0x10, 1), (uint64_t)-1); /* not a page address */
    CHECK_EQ_U64(page_free(&pool, POOL_BASE - PAGE_SIZE, 1), (uint64_t)-1);
    CHECK_EQ_U64(page_free(&pool, POOL_BASE + 16 * PAGE_SIZE, 1), (uint64_t)-1);
    CHECK_EQ_U64(page_free(&pool, a, 17), (uint64_t)-1);
    CHECK_EQ_U64(page_free(&pool, a, 0), (uint64_t)-1);
    CHECK_EQ_U64(bitmap[0], before);
    CHECK_EQ_U64(pool.free_pages, 14);
    CHECK_EQ_U64(page_free(&pool, a, 2), 0);
    CHECK_EQ_U64(pool.free_pages, 16);
    CHECK_EQ_U64(bitmap[0], 0);
    CHECK_EQ_U64(bitmap[1], 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(init_validates),
    CHECK_CASE(first_fit_in_order),
    CHECK_CASE(alignment),
    CHECK_CASE(exhaustion),
    CHECK_CASE(fragmentation_and_reuse),
    CHECK_CASE(bad_frees_change_nothing),
};

int main(void)
{
    return CHECK_RUN("page_alloc", cases);
}
