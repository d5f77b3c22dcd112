/* Host tests for lib/tap_tally.c: counts of ok, not ok and SKIP lines, failed IDs with their first YAML line, line kinds. */
#include "check.h"

#include "lib/tap_tally.h"

static void feed_all(struct tap_tally *t, const char *const *lines, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        tap_tally_line(t, lines[i]);
}

/* The shape lib/tap.c writes: numbered points, device after ':', YAML blocks, SKIP directives. */
static void counts_a_run(void)
{
    static const char *const lines[] = {
        "TAP version 13",
        "# nvmetal 0.1.0 (g1234567) firmware \"EDK II\"",
        "ok 1 - pci.enumerate",
        "ok 2 - nvme.identify: 00:03.0 nvmetal-0",
        "  ---",
        "  model: QEMU NVMe Ctrl",
        "  ...",
        "ok 3 - nvme.cmb.sq: 00:03.0 # SKIP no CMB",
        "  ---",
        "  skip: no_cmb",
        "  ...",
        "not ok 4 - nvme.io.verify: 00:04.0 nvmetal-1 read back differs",
        "  ---",
        "  lba: 17",
        "  want: 0x1",
        "  ...",
        "not ok 5 - vtd.dmar.parse",
        "ok 6 - vtd.unit # skip lower case too",
        "# nvmetal: 2 passed, 2 failed, 2 skipped",
        "1..6",
    };
    struct tap_tally t;
    tap_tally_init(&t);
    feed_all(&t, lines, CHECK_COUNT(lines));
    CHECK_EQ_U64(t.passed, 2);
    CHECK_EQ_U64(t.failed, 2);
    CHECK_EQ_U64(t.skipped, 2);
    CHECK(t.plan_seen);
    CHECK(!t.bailed_out);
    CHECK_EQ_U64(t.failures_kept, 2);
    CHECK_STR(t.failures[0].id, "nvme.io.verify");
    CHECK_STR(t.failures[0].first_yaml, "lba: 17");
    CHECK_STR(t.failures[1].id, "vtd.dmar.parse");
    CHECK_STR(t.failures[1].first_yaml, "");
    CHECK_STR(t.failures[0].reason, "00:04.0 nvmetal-1 read back differs");
    CHECK_STR(t.failures[1].reason, "");
}

/* YAML is not TAP: an "ok" or "not ok" inside a block counts nothing; the block after a
 * passing point is not given to the failure before it. */
static void yaml_is_not_counted_or_misattributed(void)
{
    static const char *const lines[] = {
        "not ok 1 - a",
        "ok 2 - b",
        "  ---",
        "  not ok 3 - inside",
        "  ok",
        "  ...",
    };
    struct tap_tally t;
    tap_tally_init(&t);
    feed_all(&t, lines, CHECK_COUNT(lines));
    CHECK_EQ_U64(t.passed, 1);
    CHECK_EQ_U64(t.failed, 1);
    CHECK_STR(t.failures[0].first_yaml, "");
}

static void kinds_of_lines(void)
{
    struct tap_tally t;
    tap_tally_init(&t);
    CHECK_EQ_U64(tap_tally_line(&t, "ok"), TAP_LINE_OK);
    CHECK_EQ_U64(tap_tally_line(&t, "okay"), TAP_LINE_OTHER);
    CHECK_EQ_U64(tap_tally_line(&t, "not ok"), TAP_LINE_NOT_OK);
    CHECK_EQ_U64(tap_tally_line(&t, "not okay"), TAP_LINE_OTHER);
    CHECK_EQ_U64(tap_tally_line(&t, "ok 7 - x \\# SKIP escaped, so a pass"), TAP_LINE_OK);
    CHECK_EQ_U64(tap_tally_line(&t, "ok 8 - y #SKIP"), TAP_LINE_SKIP);
    CHECK_EQ_U64(tap_tally_line(&t, "# diag"), TAP_LINE_DIAG);
    CHECK_EQ_U64(tap_tally_line(&t, "  ---"), TAP_LINE_YAML);
    CHECK_EQ_U64(tap_tally_line(&t, "  # in yaml"), TAP_LINE_YAML);
    CHECK_EQ_U64(tap_tally_line(&t, "  ...\r"), TAP_LINE_YAML);
    CHECK_EQ_U64(tap_tally_line(&t, "1..3"), TAP_LINE_PLAN);
    CHECK_EQ_U64(tap_tally_line(&t, "Bail out! no platform timer"), TAP_LINE_BAIL_OUT);
    CHECK(t.bailed_out);
    CHECK_STR(t.bail_reason, "no platform timer");
    CHECK_EQ_U64(t.passed, 2);
    CHECK_EQ_U64(t.failed, 1);
    CHECK_EQ_U64(t.skipped, 1);
}

static void ids_of_points(void)
{
    char id[16];
    CHECK(tap_line_id("ok 12 - nvme.io.verify: 00:03.0", id, sizeof id));
    CHECK_STR(id, "nvme.io.verify");
    CHECK(tap_line_id("not ok 3 - vtd.x # SKIP y", id, sizeof id));
    CHECK_STR(id, "vtd.x");
    CHECK(tap_line_id("ok - plain", id, sizeof id));
    CHECK_STR(id, "plain");
    CHECK(tap_line_id("not ok 4 a.very.long.identifier", id, sizeof id));
    CHECK_STR(id, "a.very.long.ide"); /* cut to the buffer */
    CHECK(!tap_line_id("ok 5", id, sizeof id));
    CHECK(!tap_line_id("# not a point", id, sizeof id));
}

/* More failures than are kept: all are counted, the first ones keep their IDs, and the
 * YAML of an uncounted one lands nowhere. */
static void many_failures(void)
{
    struct tap_tally t;
    tap_tally_init(&t);
    char line[48];
    for (unsigned i = 1; i <= TAP_TALLY_FAILURES + 5; i++) {
        snprintf(line, sizeof line, "not ok %u - case.%u", i, i);
        tap_tally_line(&t, line);
        tap_tally_line(&t, "  ---");
        snprintf(line, sizeof line, "  n: %u", i);
        tap_tally_line(&t, line);
        tap_tally_line(&t, "  ...");
    }
    CHECK_EQ_U64(t.failed, TAP_TALLY_FAILURES + 5);
    CHECK_EQ_U64(t.failures_kept, TAP_TALLY_FAILURES);
    CHECK_STR(t.failures[0].id, "case.1");
    CHECK_STR(t.failures[TAP_TALLY_FAILURES - 1].first_yaml, "n: 24");
    CHECK_STR(t.failures[TAP_TALLY_FAILURES - 1].id, "case.24");
}

static const struct check_case cases[] = {
    CHECK_CASE(counts_a_run),
    CHECK_CASE(yaml_is_not_counted_or_misattributed),
    CHECK_CASE(kinds_of_lines),
    CHECK_CASE(ids_of_points),
    CHECK_CASE(many_failures),
};

int main(void)
{
    return CHECK_RUN("tap_tally", cases);
}
