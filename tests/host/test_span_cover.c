/* Host tests for lib/span_cover.c: covered, touching and overlapping spans, other kinds ignored, the first gap named, empty and wrapping ranges. */
#include "check.h"
#include "lib/span_cover.h"

#define PM 14u
#define RAM 7u

static void covered(void)
{
    const struct span one[] = {{0x100000000ull, 64u << 20, PM}};
    uint64_t gap = 1;
    CHECK(span_covers(one, 1, PM, 0x100000000ull, 64u << 20, &gap));
    CHECK(span_covers(one, 1, PM, 0x100001000ull, 4096, NULL));
    /* Two touching spans in reverse order, one overlapping both. */
    const struct span parts[] = {{0x2000, 0x1000, PM}, {0x1000, 0x1000, PM}, {0x1800, 0x1000, PM}};
    CHECK(span_covers(parts, 3, PM, 0x1000, 0x2000, &gap));
    CHECK(span_covers(parts, 3, PM, 0x1fff, 2, &gap));
}

static void gaps(void)
{
    const struct span spans[] = {{0x1000, 0x1000, PM}, {0x3000, 0x1000, PM}, {0x2000, 0x1000, RAM}};
    uint64_t gap = 0;
    CHECK(!span_covers(spans, 3, PM, 0x1000, 0x3000, &gap));
    CHECK_EQ_U64(gap, 0x2000); /* the RAM span does not count */
    CHECK(!span_covers(spans, 3, PM, 0x800, 0x1000, &gap));
    CHECK_EQ_U64(gap, 0x800);
    CHECK(!span_covers(spans, 3, PM, 0x3800, 0x1000, &gap));
    CHECK_EQ_U64(gap, 0x4000);
    CHECK(!span_covers(spans, 0, PM, 0x1000, 1, &gap));
    CHECK_EQ_U64(gap, 0x1000);
}

static void edges(void)
{
    const struct span top[] = {{0xfffffffffffff000ull, 0x1000, PM}, {0x5000, 0, PM}};
    uint64_t gap = 0;
    CHECK(span_covers(top, 2, PM, 0xfffffffffffff000ull, 0x1000, &gap));
    CHECK(!span_covers(top, 2, PM, 0xfffffffffffff000ull, 0x2000, &gap)); /* wraps */
    CHECK_EQ_U64(gap, 0xfffffffffffff000ull);
    CHECK(!span_covers(top, 2, PM, 0x5000, 0, &gap)); /* empty range */
    CHECK(!span_covers(top, 2, PM, 0x5000, 1, &gap)); /* empty span */
    CHECK_EQ_U64(gap, 0x5000);
    /* A span running to the end of the address space. */
    const struct span huge[] = {{0x1000, ~0ull, PM}};
    CHECK(span_covers(huge, 1, PM, 0xffffffff00000000ull, 0x1000, &gap));
}

static void overlaps(void)
{
    const struct span spans[] = {{0x1000, 0x1000, RAM}, {0x3000, 0x1000, PM}};
    CHECK(span_first_overlap(spans, 2, 0x2000, 0x1000) == NULL);
    CHECK(span_first_overlap(spans, 2, 0x1fff, 1) == &spans[0]);
    CHECK(span_first_overlap(spans, 2, 0x2800, 0x1000) == &spans[1]);
    CHECK(span_first_overlap(spans, 2, 0x0, 0) == NULL);
    CHECK(span_first_overlap(spans, 2, 0x0, ~0ull) == &spans[0]);
}

static const struct check_case cases[] = {
    CHECK_CASE(overlaps),
    CHECK_CASE(covered),
    CHECK_CASE(gaps),
    CHECK_CASE(edges),
};

int main(void)
{
    return CHECK_RUN("span_cover", cases);
}
