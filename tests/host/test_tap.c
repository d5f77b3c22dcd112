/* Host tests for lib/tap.c: the exact lines emitted for results, YAML blocks, diagnostics, plan and summary. */
#include "check.h"
#include "tap.h"

#include <stdbool.h>

static void start(void)
{
    check_line_count = 0;
    tap_begin(check_capture_line, 13);
}

static struct tap_result result(enum tap_outcome outcome, const char *description)
{
    struct tap_result r;
    tap_result_init(&r);
    r.outcome = outcome;
    snprintf(r.description, sizeof r.description, "%s", description);
    return r;
}

static void design_example(void)
{
    start();
    tap_diag("nvmetal %s (g%s) firmware \"%s\" 0x%x uefi %s", "0.1.0", "1a2b3c4", "EDK II",
             0x10000, "2.70");
    struct tap_result r = result(TAP_PASS, "9 functions, 2 NVMe controllers");
    tap_report("pci.enumerate", NULL, &r);
    r = result(TAP_PASS, "1 DRHD at 0xfed90000, HAW 47");
    tap_report("vtd.dmar", "", &r);
    r = result(TAP_FAIL, "read of LBA 0..7 mismatched");
    tap_yaml_add(&r, "expected", "0x%s...", "5aa5");
    tap_yaml_add(&r, "got", "0x%s...", "0000");
    tap_report("nvme.cmb.io_sq", "00:04.0", &r);
    r = result(TAP_SKIP, "CMBSZ.CQS=0");
    tap_report("nvme.cmb.cq", "00:04.0", &r);
    tap_end();
    CHECK_LINES("TAP version 13",
                  "# nvmetal 0.1.0 (g1a2b3c4) firmware \"EDK II\" 0x10000 uefi 2.70",
                  "ok 1 - pci.enumerate: 9 functions, 2 NVMe controllers",
                  "ok 2 - vtd.dmar: 1 DRHD at 0xfed90000, HAW 47",
                  "not ok 3 - nvme.cmb.io_sq: 00:04.0 read of LBA 0..7 mismatched",
                  "  ---",
                  "  expected: 0x5aa5...",
                  "  got: 0x0000...",
                  "  ...",
                  "ok 4 - nvme.cmb.cq: 00:04.0 # SKIP CMBSZ.CQS=0",
                  "# nvmetal: 2 passed, 1 failed, 1 skipped",
                  "1..4");
    struct tap_counts counts = tap_counts();
    CHECK_EQ_U64(counts.total, 4);
    CHECK_EQ_U64(counts.passed, 2);
    CHECK_EQ_U64(counts.failed, 1);
    CHECK_EQ_U64(counts.skipped, 1);
}

static void begin_resets_counts(void)
{
    start();
    struct tap_result r = result(TAP_FAIL, "x");
    tap_report("a.b", NULL, &r);
    start();
    r = result(TAP_PASS, "");
    tap_report("a.c", NULL, &r);
    tap_end();
    CHECK_LINES("TAP version 13", "ok 1 - a.c", "# nvmetal: 1 passed, 0 failed, 0 skipped", "1..1");
    CHECK_EQ_U64(tap_counts().failed, 0);
}

static void result_shapes(void)
{
    start();
    struct tap_result r = result(TAP_PASS, "");
    tap_report("pci.bars", "00:02.0", &r); /* device, no description */
    r = result(TAP_FAIL, "controller did not become ready");
    tap_report("nvme.enable", NULL, &r); /* no keys, no block: an empty one stops prove */
    r = result(TAP_PASS, "PMR persisted");
    tap_yaml_add(&r, "pmrcap", "0x%08x", 0x10e0u);
    tap_report("nvme.pmr.persist", "00:05.0", &r); /* a pass that carries data shows it */
    r = result(TAP_SKIP, "no DMAR table");
    tap_report("vtd.enable", NULL, &r);
    r = result(TAP_SKIP, "");
    tap_report("vtd.fault", "", &r);
    tap_end();
    CHECK_LINES("TAP version 13",
                  "ok 1 - pci.bars: 00:02.0",
                  "not ok 2 - nvme.enable: controller did not become ready",
                  "ok 3 - nvme.pmr.persist: 00:05.0 PMR persisted",
                  "  ---",
                  "  pmrcap: 0x000010e0",
                  "  ...",
                  "ok 4 - vtd.enable # SKIP no DMAR table",
                  "ok 5 - vtd.fault # SKIP",
                  "# nvmetal: 2 passed, 1 failed, 2 skipped",
                  "1..5");
}

/* A SKIP with keys (its code, a value it names) keeps its line and carries the block. */
static void skip_with_keys(void)
{
    start();
    struct tap_result r = result(TAP_SKIP, "CMBSZ.CQS=0");
    tap_yaml_add(&r, "field", "CQS");
    tap_yaml_add(&r, "skip", "cmbsz_field_zero");
    tap_report("nvme.cmb.cq", "00:04.0", &r);
    tap_end();
    CHECK_LINES("TAP version 13",
                  "ok 1 - nvme.cmb.cq: 00:04.0 # SKIP CMBSZ.CQS=0",
                  "  ---",
                  "  field: CQS",
                  "  skip: cmbsz_field_zero",
                  "  ...",
                  "# nvmetal: 0 passed, 0 failed, 1 skipped",
                  "1..1");
}

static void description_escaping(void)
{
    start();
    struct tap_result r = result(TAP_PASS, "100% # of queues\\ok\nsecond line");
    tap_report("nvme.queues", NULL, &r);
    r = result(TAP_SKIP, "set allow_write=SN# to run");
    tap_report("nvme.write", "00:04.0", &r);
    CHECK_LINES("TAP version 13",
                  "ok 1 - nvme.queues: 100% \\# of queues\\\\ok second line",
                  "ok 2 - nvme.write: 00:04.0 # SKIP set allow_write=SN# to run");
}

static void yaml_block_scalar(void)
{
    start();
    struct tap_result r = result(TAP_FAIL, "registers");
    tap_yaml_add(&r, "registers", "CAP: 0x%x\nVS: 0x%x\n", 0x1u, 0x10400u);
    /* Common indentation goes; prove's YAML reader knows no "|2" indicator. */
    tap_yaml_add(&r, "aligned", "  0000: 00 01\n    0010: ff\n\n  end");
    /* A first line indented more than a later one cannot be a plain block: one quoted line. */
    tap_yaml_add(&r, "dump", "  0000: 00 01\n  0010: ff\n\nend");
    tap_yaml_add(&r, "status", "0x%04x", 0x4012u);
    tap_report("nvme.regs", "00:04.0", &r);
    CHECK_LINES("TAP version 13",
                  "not ok 1 - nvme.regs: 00:04.0 registers",
                  "  ---",
                  "  registers: |",
                  "    CAP: 0x1",
                  "    VS: 0x10400",
                  "  aligned: |",
                  "    0000: 00 01",
                  "      0010: ff",
                  "    ",
                  "    end",
                  "  dump: \"  0000: 00 01\\n  0010: ff\\n\\nend\"",
                  "  status: 0x4012",
                  "  ...");
}

static void yaml_quoting(void)
{
    static const struct {
        const char *value, *line;
    } cases[] = {
        {"0x1234", "  v: 0x1234"},
        {"plain words, with comma", "  v: plain words, with comma"},
        {"a#b", "  v: a#b"},
        {"", "  v: \"\""},
        {" leading", "  v: \" leading\""},
        {"trailing ", "  v: \"trailing \""},
        {"-1", "  v: \"-1\""},
        {"[0]", "  v: \"[0]\""},
        {"*ptr", "  v: \"*ptr\""},
        {"%d", "  v: \"%d\""},
        {"@x", "  v: \"@x\""},
        {"`x", "  v: \"`x\""},
        {"'x'", "  v: \"'x'\""},
        {"key: value", "  v: \"key: value\""},
        {"value # comment", "  v: \"value # comment\""},
        {"ends with:", "  v: \"ends with:\""},
        {"\"q\" and \\", "  v: \"\\\"q\\\" and \\\\\""},
        {"tab\there", "  v: \"tab\\there\""},
        {"bell\a", "  v: \"bell\\x07\""},
        /* YAML 1.1 reads these as a base-60 number, a time, booleans and null. */
        {"00:02.0", "  v: \"00:02.0\""},
        {"12:30", "  v: \"12:30\""},
        {"yes", "  v: \"yes\""},
        {"Off", "  v: \"Off\""},
        {"n", "  v: \"n\""},
        {"null", "  v: \"null\""},
        {"~", "  v: \"~\""},
        {"none", "  v: none"},
        {"unchanged", "  v: unchanged"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        start();
        struct tap_result r = result(TAP_PASS, "");
        tap_yaml_add(&r, "v", "%s", cases[i].value);
        tap_report("t", NULL, &r);
        CHECK_EQ_U64(check_line_count, 5);
        CHECK_STR(check_lines[3], cases[i].line);
    }
}

/* Every stored YAML line is complete: the text ends in '\n' and yaml_len matches. */
static void check_yaml_well_formed(const struct tap_result *r)
{
    CHECK(r->yaml_len < TAP_YAML_LEN);
    CHECK_EQ_U64(strlen(r->yaml), r->yaml_len);
    CHECK(r->yaml_len == 0 || r->yaml[r->yaml_len - 1] == '\n');
}

static void yaml_truncation_drops_whole_keys(void)
{
    struct tap_result r;
    tap_result_init(&r);
    char value[101];
    memset(value, 'x', 100);
    value[100] = '\0';
    unsigned added = 0;
    for (unsigned i = 0; i < 100; i++) {
        size_t before = r.yaml_len;
        tap_yaml_add(&r, "key", "%s", value);
        if (r.yaml_len == before)
            break;
        added++;
    }
    /* Each entry is "key: " + 100 + "\n" = 106 bytes. */
    CHECK_EQ_U64(added, (TAP_YAML_LEN - 1) / 106);
    CHECK_EQ_U64(r.yaml_len, added * 106);
    check_yaml_well_formed(&r);

    /* A block scalar too large for the rest is dropped entirely, header included. */
    size_t before = r.yaml_len;
    tap_yaml_add(&r, "block", "%s\n%s\n", value, value);
    CHECK_EQ_U64(r.yaml_len, before);
    check_yaml_well_formed(&r);
    CHECK(strstr(r.yaml, "block") == NULL);

    /* A small key that still fits goes in. */
    tap_yaml_add(&r, "k", "1");
    CHECK_EQ_U64(r.yaml_len, before + 5);
    check_yaml_well_formed(&r);

    /* The emitted block ends with the terminator. */
    start();
    r.outcome = TAP_FAIL;
    tap_report("t", NULL, &r);
    CHECK_EQ_U64(check_line_count, 1 + 1 + 1 + added + 1 + 1);
    CHECK_STR(check_lines[check_line_count - 1], "  ...");
    CHECK_STR(check_lines[check_line_count - 2], "  k: 1");
}

/* A one-line value longer than TAP_YAML_VALUE_LEN is cut with "...", quotes intact. */
static void yaml_long_value_cut(void)
{
    start();
    struct tap_result r = result(TAP_PASS, "");
    char value[1000];
    memset(value, 'a', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    value[0] = '-'; /* needs quotes */
    tap_yaml_add(&r, "v", "%s", value);
    tap_report("t", NULL, &r);
    CHECK_EQ_U64(check_line_count, 5);
    const char *line = check_lines[3];
    CHECK_EQ_U64(strlen(line), strlen("  v: \"\"") + TAP_YAML_VALUE_LEN);
    CHECK(strcmp(line + strlen(line) - 4, "...\"") == 0);
}

static void version_14_on_request(void)
{
    check_line_count = 0;
    tap_begin(check_capture_line, 14);
    tap_end();
    CHECK_LINES("TAP version 14", "# nvmetal: 0 passed, 0 failed, 0 skipped", "1..0");
}

static void diagnostics(void)
{
    start();
    tap_diag("firmware %s", "EDK II");
    tap_diag("line one\nline two\n");
    tap_diag("a\n\nb");
    tap_diag("%s", "");
    CHECK_LINES("TAP version 13", "# firmware EDK II", "# line one", "# line two", "# a", "#",
                  "# b", "#");
}

static void bail_out(void)
{
    start();
    tap_bail_out("nvmetal.cfg line %u: unknown key '%s'", 3u, "foo");
    tap_bail_out("two\nlines");
    CHECK_LINES("TAP version 13", "Bail out! nvmetal.cfg line 3: unknown key 'foo'",
                  "Bail out! two lines");
}

static void long_lines_truncated(void)
{
    start();
    struct tap_result r = result(TAP_PASS, "");
    memset(r.description, 'd', sizeof r.description - 1);
    r.description[sizeof r.description - 1] = '\0';
    char device[600];
    memset(device, 'v', sizeof device - 1);
    device[sizeof device - 1] = '\0';
    tap_report("long.line", device, &r);
    CHECK_EQ_U64(check_line_count, 2);
    CHECK_EQ_U64(strlen(check_lines[1]), 512);
    CHECK(strncmp(check_lines[1], "ok 1 - long.line: vvv", 21) == 0);
}

static void no_emitter_is_harmless(void)
{
    tap_begin(NULL, 13);
    struct tap_result r = result(TAP_FAIL, "x");
    tap_yaml_add(&r, "k", "v");
    tap_report("a", NULL, &r);
    tap_diag("d");
    tap_end();
    CHECK_EQ_U64(tap_counts().failed, 1);
}

static const struct check_case cases[] = {
    CHECK_CASE(design_example),
    CHECK_CASE(begin_resets_counts),
    CHECK_CASE(result_shapes),
    CHECK_CASE(skip_with_keys),
    CHECK_CASE(description_escaping),
    CHECK_CASE(yaml_block_scalar),
    CHECK_CASE(yaml_quoting),
    CHECK_CASE(yaml_long_value_cut),
    CHECK_CASE(version_14_on_request),
    CHECK_CASE(yaml_truncation_drops_whole_keys),
    CHECK_CASE(diagnostics),
    CHECK_CASE(bail_out),
    CHECK_CASE(long_lines_truncated),
    CHECK_CASE(no_emitter_is_harmless),
};

int main(void)
{
    return CHECK_RUN("tap", cases);
}
