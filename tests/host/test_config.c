/* Host tests for lib/config.c: every key, every error message and where it points, globs. */
#include "check.h"
#include "config.h"

#include <stdbool.h>

static int parse_text(struct config *cfg, const char *text, struct config_error *err)
{
    return config_parse_file(cfg, text, strlen(text), "nvmetal.cfg", err);
}

static int parse_options(struct config *cfg, const char *text, struct config_error *err)
{
    return config_parse_options(cfg, text, strlen(text), err);
}

/* Parses text into a fresh default config and checks the error it must produce. */
struct bad_input {
    const char *text;
    const char *where;
    const char *message;
};

static void check_rejected(const struct bad_input *cases, size_t count, bool as_options)
{
    for (size_t i = 0; i < count; i++) {
        struct config cfg;
        struct config_error err;
        memset(&err, 0, sizeof err);
        config_defaults(&cfg);
        int rc = as_options ? parse_options(&cfg, cases[i].text, &err)
                            : parse_text(&cfg, cases[i].text, &err);
        CHECK_EQ_U64(rc, (uint64_t)-1);
        CHECK_STR(err.where, cases[i].where);
        CHECK_STR(err.message, cases[i].message);
    }
}

static void defaults_and_describe(void)
{
    struct config cfg;
    memset(&cfg, 0xa5, sizeof cfg);
    config_defaults(&cfg);
    CHECK_EQ_U64(cfg.tests.count, 1);
    CHECK_STR(cfg.tests.items[0], "*");
    CHECK_EQ_U64(cfg.allow_write.count, 0);
    CHECK(cfg.exit_boot_services);
    CHECK_EQ_U64(cfg.console, CONSOLE_AUTO);
    CHECK_EQ_U64(cfg.timeout_s, 120);
    CHECK_EQ_U64(cfg.dma_pool_mb, 16);
    CHECK_EQ_U64(cfg.exit_action, EXIT_ACTION_RESET);
    CHECK_EQ_U64(cfg.selftest, SELFTEST_NONE);
    CHECK_EQ_U64(cfg.iommu, FEATURE_AUTO);
    CHECK_EQ_U64(cfg.cmb, FEATURE_AUTO);
    CHECK_EQ_U64(cfg.pmr, FEATURE_AUTO);
    CHECK(!cfg.bench);

    check_line_count = 0;
    config_describe(&cfg, check_capture_line);
    CHECK_STR(cfg.devices.items[0], "*");
    CHECK_EQ_U64(cfg.devices.count, 1);
    CHECK(!cfg.allow_write_over_data);
    CHECK(!cfg.allow_write_outside_map);
    CHECK_LINES("tests = *", "allow_write = none", "allow_write_over_data = no",
                "allow_write_outside_map = no", "devices = *",
                "exit_boot_services = yes", "console = auto",
                "timeout_s = 120", "dma_pool_mb = 16", "exit_action = reset", "selftest = none",
                "iommu = auto", "cmb = auto", "pmr = auto", "bench = no", "tap_version = 13",
                "screen = auto", "end_wait = auto", "end_wait_s = 0", "save_results = auto",
                "after_save = shutdown");
}

static void every_key_valid(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    const char *text = "tests = pci.*, nvme.*\n"
                       "allow_write = SN1234\n"
                       "allow_write_over_data = yes\n"
                       "allow_write_outside_map = yes\n"
                       "devices = 0000:01:00.0, !S3EV*\n"
                       "exit_boot_services = no\n"
                       "console = serial\n"
                       "timeout_s = 86400\n"
                       "dma_pool_mb = 1024\n"
                       "exit_action = shutdown\n"
                       "selftest = exception\n"
                       "iommu = off\n"
                       "cmb = require\n"
                       "pmr = off\n"
                       "bench = on\n"
                       "tap_version = 14\n"
                       "screen = off\n"
                       "end_wait = key\n"
                       "end_wait_s = 86400\n"
                       "save_results = yes\n"
                       "after_save = run\n";
    CHECK_EQ_U64(parse_text(&cfg, text, &err), 0);
    CHECK_EQ_U64(cfg.tests.count, 2);
    CHECK_STR(cfg.tests.items[0], "pci.*");
    CHECK_STR(cfg.tests.items[1], "nvme.*");
    CHECK_EQ_U64(cfg.allow_write.count, 1);
    CHECK_STR(cfg.allow_write.items[0], "SN1234");
    CHECK(!cfg.exit_boot_services);
    CHECK_EQ_U64(cfg.console, CONSOLE_SERIAL);
    CHECK_EQ_U64(cfg.timeout_s, 86400);
    CHECK_EQ_U64(cfg.dma_pool_mb, 1024);
    CHECK_EQ_U64(cfg.exit_action, EXIT_ACTION_SHUTDOWN);
    CHECK_EQ_U64(cfg.selftest, SELFTEST_EXCEPTION);
    CHECK_EQ_U64(cfg.iommu, FEATURE_OFF);
    CHECK_EQ_U64(cfg.cmb, FEATURE_REQUIRE);
    CHECK_EQ_U64(cfg.pmr, FEATURE_OFF);
    CHECK(cfg.bench);
    CHECK(!cfg.screen);
    CHECK_EQ_U64(cfg.end_wait, END_WAIT_KEY);
    CHECK_EQ_U64(cfg.end_wait_s, 86400);
    CHECK_EQ_U64(cfg.save_results, SAVE_RESULTS_YES);
    CHECK_EQ_U64(cfg.after_save, AFTER_SAVE_RUN);

    check_line_count = 0;
    config_describe(&cfg, check_capture_line);
    CHECK(cfg.allow_write_over_data);
    CHECK(cfg.allow_write_outside_map);
    CHECK_EQ_U64(cfg.devices.count, 2);
    CHECK_STR(cfg.devices.items[1], "!S3EV*");
    CHECK_LINES("tests = pci.*, nvme.*", "allow_write = SN1234", "allow_write_over_data = yes",
                "allow_write_outside_map = yes", "devices = 0000:01:00.0, !S3EV*", "exit_boot_services = no",
                "console = serial", "timeout_s = 86400", "dma_pool_mb = 1024",
                "exit_action = shutdown", "selftest = exception", "iommu = off",
                "cmb = require", "pmr = off",
                "bench = yes", "tap_version = 14", "screen = off", "end_wait = key",
                "end_wait_s = 86400", "save_results = yes", "after_save = run");
}

static void bool_words(void)
{
    static const struct {
        const char *text;
        bool value;
    } cases[] = {
        {"exit_boot_services = yes", true},  {"exit_boot_services = no", false},
        {"exit_boot_services = true", true}, {"exit_boot_services = false", false},
        {"exit_boot_services = on", true},   {"exit_boot_services = off", false},
        {"exit_boot_services = 1", true},    {"exit_boot_services = 0", false},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct config cfg;
        struct config_error err;
        config_defaults(&cfg);
        cfg.exit_boot_services = !cases[i].value;
        CHECK_EQ_U64(parse_text(&cfg, cases[i].text, &err), 0);
        CHECK_EQ_U64(cfg.exit_boot_services, cases[i].value);
    }
}

static void choice_words(void)
{
    static const struct {
        const char *text;
        size_t offset;
        unsigned value;
    } cases[] = {
        {"console = auto", offsetof(struct config, console), CONSOLE_AUTO},
        {"console = serial", offsetof(struct config, console), CONSOLE_SERIAL},
        {"exit_action = reset", offsetof(struct config, exit_action), EXIT_ACTION_RESET},
        {"exit_action = shutdown", offsetof(struct config, exit_action), EXIT_ACTION_SHUTDOWN},
        {"exit_action = halt", offsetof(struct config, exit_action), EXIT_ACTION_HALT},
        {"selftest = none", offsetof(struct config, selftest), SELFTEST_NONE},
        {"selftest = exception", offsetof(struct config, selftest), SELFTEST_EXCEPTION},
        {"selftest = hang", offsetof(struct config, selftest), SELFTEST_HANG},
        {"end_wait = auto", offsetof(struct config, end_wait), END_WAIT_AUTO},
        {"end_wait = key", offsetof(struct config, end_wait), END_WAIT_KEY},
        {"end_wait = no", offsetof(struct config, end_wait), END_WAIT_NO},
        {"save_results = auto", offsetof(struct config, save_results), SAVE_RESULTS_AUTO},
        {"save_results = yes", offsetof(struct config, save_results), SAVE_RESULTS_YES},
        {"save_results = no", offsetof(struct config, save_results), SAVE_RESULTS_NO},
        {"after_save = shutdown", offsetof(struct config, after_save), AFTER_SAVE_SHUTDOWN},
        {"after_save = run", offsetof(struct config, after_save), AFTER_SAVE_RUN},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct config cfg;
        struct config_error err;
        config_defaults(&cfg);
        /* Start from a value other than the expected one, so a no-op parse cannot pass. */
        unsigned poison = cases[i].value + 1;
        memcpy((char *)&cfg + cases[i].offset, &poison, sizeof poison);
        CHECK_EQ_U64(parse_text(&cfg, cases[i].text, &err), 0);
        unsigned got;
        memcpy(&got, (char *)&cfg + cases[i].offset, sizeof got);
        CHECK_EQ_U64(got, cases[i].value);
    }
}

static void number_bounds(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_text(&cfg, "timeout_s = 1\ndma_pool_mb = 1", &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 1);
    CHECK_EQ_U64(cfg.dma_pool_mb, 1);
    CHECK_EQ_U64(parse_text(&cfg, "timeout_s = 007\ndma_pool_mb=\t64\t", &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 7);
    CHECK_EQ_U64(cfg.dma_pool_mb, 64);
}

static void bad_values(void)
{
    static const struct bad_input cases[] = {
        {"console = tty", "nvmetal.cfg line 1", "console: 'tty' is not one of auto, serial"},
        {"console = Serial", "nvmetal.cfg line 1", "console: 'Serial' is not one of auto, serial"},
        {"exit_boot_services = maybe", "nvmetal.cfg line 1",
         "exit_boot_services: 'maybe' is not one of yes, no, true, false, on, off, 1, 0"},
        {"exit_action = reboot", "nvmetal.cfg line 1",
         "exit_action: 'reboot' is not one of reset, shutdown, halt"},
        {"selftest = crash", "nvmetal.cfg line 1",
         "selftest: 'crash' is not one of none, exception, hang"},
        {"timeout_s = 0", "nvmetal.cfg line 1", "timeout_s: '0' is out of range 1..86400"},
        {"end_wait = yes", "nvmetal.cfg line 1", "end_wait: 'yes' is not one of auto, key, no"},
        {"end_wait_s = 86401", "nvmetal.cfg line 1", "end_wait_s: '86401' is out of range 0..86400"},
        {"screen = on", "nvmetal.cfg line 1", "screen: 'on' is not one of auto, off"},
        {"after_save = halt", "nvmetal.cfg line 1", "after_save: 'halt' is not one of shutdown, run"},
        {"timeout_s = 86401", "nvmetal.cfg line 1", "timeout_s: '86401' is out of range 1..86400"},
        {"timeout_s = 99999999999999999999999", "nvmetal.cfg line 1",
         "timeout_s: '99999999999999999999999' is out of range 1..86400"},
        /* 2^64 + 5: an accumulator that wrapped would see 5 and accept it. */
        {"timeout_s = 18446744073709551621", "nvmetal.cfg line 1",
         "timeout_s: '18446744073709551621' is out of range 1..86400"},
        {"timeout_s = 12s", "nvmetal.cfg line 1", "timeout_s: '12s' is not a decimal number"},
        {"timeout_s = -5", "nvmetal.cfg line 1", "timeout_s: '-5' is not a decimal number"},
        {"timeout_s = 0x10", "nvmetal.cfg line 1", "timeout_s: '0x10' is not a decimal number"},
        {"dma_pool_mb = 0", "nvmetal.cfg line 1", "dma_pool_mb: '0' is out of range 1..1024"},
        {"dma_pool_mb = 1025", "nvmetal.cfg line 1", "dma_pool_mb: '1025' is out of range 1..1024"},
        {"tap_version = 12", "nvmetal.cfg line 1", "tap_version: '12' is out of range 13..14"},
        {"tests = a=b", "nvmetal.cfg line 1", "tests: '=' is not allowed in pattern 'a=b'"},
        {"tests = ,", "nvmetal.cfg line 1", "tests: no patterns in ','"},
        {"allow_write = , ,", "nvmetal.cfg line 1", "allow_write: no patterns in ', ,'"},
        /* '!' excludes only in devices, and only as a pattern's first character. */
        {"allow_write = !SN1", "nvmetal.cfg line 1", "allow_write: '!' is not allowed in '!SN1'"},
        {"tests = nvme.*, !nvme.cmb.*", "nvmetal.cfg line 1",
         "tests: '!' is not allowed in '!nvme.cmb.*'"},
        {"devices = !", "nvmetal.cfg line 1",
         "devices: '!' must start a pattern and be followed by one in '!'"},
        {"devices = 01:00.0, S!N", "nvmetal.cfg line 1",
         "devices: '!' must start a pattern and be followed by one in 'S!N'"},
        {"devices = !!SN1", "nvmetal.cfg line 1",
         "devices: '!' must start a pattern and be followed by one in '!!SN1'"},
        {"devices = , none", "nvmetal.cfg line 1",
         "devices: 'none' means no pattern and must be the whole value, not part of a list"},
        {"allow_write_over_data = maybe", "nvmetal.cfg line 1",
         "allow_write_over_data: 'maybe' is not one of yes, no, true, false, on, off, 1, 0"},
    };
    check_rejected(cases, CHECK_COUNT(cases), false);
}

static void malformed_lines(void)
{
    static const struct bad_input cases[] = {
        {"# settings\nfoo = 1\n", "nvmetal.cfg line 2", "unknown key 'foo'"},
        {"Console = auto", "nvmetal.cfg line 1", "unknown key 'Console'"},
        {"timeout_s 5", "nvmetal.cfg line 1", "missing '=' in 'timeout_s 5'"},
        {"timeout_s =", "nvmetal.cfg line 1", "timeout_s: empty value"},
        {"timeout_s = # later", "nvmetal.cfg line 1", "timeout_s: empty value"},
        {"= 5", "nvmetal.cfg line 1", "missing key before '='"},
        {"timeout_s = 5\n\ntimeout_s = 6\n", "nvmetal.cfg line 3",
         "duplicate key 'timeout_s' (first set at line 1)"},
        {"console = auto\ntests = a\x01" "b\n", "nvmetal.cfg line 2",
         "non-printable byte 0x01 at column 10"},
        {"console = auto\rtests = a\n", "nvmetal.cfg line 1", "non-printable byte 0x0d at column 15"},
        {"# caf\xc3\xa9\n", "nvmetal.cfg line 1", "non-printable byte 0xc3 at column 6"},
    };
    check_rejected(cases, CHECK_COUNT(cases), false);
}

static void line_numbers_with_comments_and_crlf(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    const char *text = "# nvmetal.cfg\r\n"
                       "\r\n"
                       "  \t\r\n"
                       "console = serial   # the BMC's SOL\r\n"
                       "timeout_s=30\r\n"
                       "bogus = 1\r\n";
    CHECK_EQ_U64(parse_text(&cfg, text, &err), (uint64_t)-1);
    CHECK_STR(err.where, "nvmetal.cfg line 6");
    CHECK_STR(err.message, "unknown key 'bogus'");

    /* The same file without the bad line: CR is stripped from values, comments cut. */
    config_defaults(&cfg);
    CHECK_EQ_U64(config_parse_file(&cfg, text, strlen(text) - strlen("bogus = 1\r\n"), "x.cfg",
                                   &err), 0);
    CHECK_EQ_U64(cfg.console, CONSOLE_SERIAL);
    CHECK_EQ_U64(cfg.timeout_s, 30);

    /* A last line without a newline still counts, and the source name is used as given. */
    CHECK_EQ_U64(config_parse_file(&cfg, "\n\nnope", 6, "usb.cfg", &err), (uint64_t)-1);
    CHECK_STR(err.where, "usb.cfg line 3");
}

static void empty_and_bom(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(config_parse_file(&cfg, "", 0, "nvmetal.cfg", &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 120);
    CHECK_EQ_U64(parse_text(&cfg, "\xef\xbb\xbftimeout_s = 9\n", &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 9);
}

static void failed_parse_changes_nothing(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_text(&cfg, "timeout_s = 5\ntests = pci.*\nfoo = 1\n", &err), (uint64_t)-1);
    CHECK_EQ_U64(cfg.timeout_s, 120);
    CHECK_STR(cfg.tests.items[0], "*");
    CHECK_EQ_U64(parse_options(&cfg, "app.efi timeout_s=5 console=bad", &err), (uint64_t)-1);
    CHECK_EQ_U64(cfg.timeout_s, 120);
}

static void pattern_lists(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_text(&cfg, "tests = pci.*, nvme.*  vtd.dmar,acpi.?cfg\t,x", &err), 0);
    CHECK_EQ_U64(cfg.tests.count, 5);
    CHECK_STR(cfg.tests.items[0], "pci.*");
    CHECK_STR(cfg.tests.items[1], "nvme.*");
    CHECK_STR(cfg.tests.items[2], "vtd.dmar");
    CHECK_STR(cfg.tests.items[3], "acpi.?cfg");
    CHECK_STR(cfg.tests.items[4], "x");

    CHECK_EQ_U64(parse_text(&cfg, "allow_write = SN1,SN2", &err), 0);
    CHECK_EQ_U64(cfg.allow_write.count, 2);
    CHECK_EQ_U64(parse_text(&cfg, "allow_write = none", &err), 0);
    CHECK_EQ_U64(cfg.allow_write.count, 0);
    /* Only allow_write gives "none" a meaning; for tests it is just a pattern. */
    CHECK_EQ_U64(parse_text(&cfg, "tests = none", &err), 0);
    CHECK_EQ_U64(cfg.tests.count, 1);
    CHECK_STR(cfg.tests.items[0], "none");
    /* "none" inside a list would be a serial called "none" that prints as the empty list
     * (found by tests/fuzz/fuzz_config.c): refused, as file line and as load option. */
    static const char *const none_in_lists[] = {"allow_write =,none", "allow_write = none,",
                                                "allow_write = SN1, none", "allow_write = , none ,"};
    for (size_t i = 0; i < CHECK_COUNT(none_in_lists); i++) {
        CHECK_EQ_U64((uint64_t)parse_text(&cfg, none_in_lists[i], &err), (uint64_t)-1);
        CHECK(strstr(err.message, "'none' means no pattern and must be the whole value") != NULL);
    }
}

static void pattern_list_limits(void)
{
    char text[2048];
    char item[CONFIG_PATTERN_LEN + 1];
    struct config cfg;
    struct config_error err;

    /* Exactly the maximum count and the maximum length are accepted. */
    size_t used = (size_t)snprintf(text, sizeof text, "tests =");
    for (unsigned i = 0; i < CONFIG_MAX_PATTERNS; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, " t%u", i);
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_text(&cfg, text, &err), 0);
    CHECK_EQ_U64(cfg.tests.count, CONFIG_MAX_PATTERNS);
    CHECK_STR(cfg.tests.items[CONFIG_MAX_PATTERNS - 1], "t15");

    snprintf(text + used, sizeof text - used, ",t16");
    CHECK_EQ_U64(parse_text(&cfg, text, &err), (uint64_t)-1);
    CHECK_STR(err.message, "tests: more than 16 patterns");

    memset(item, 'a', CONFIG_PATTERN_LEN - 1);
    item[CONFIG_PATTERN_LEN - 1] = '\0';
    snprintf(text, sizeof text, "allow_write = %s", item);
    CHECK_EQ_U64(parse_text(&cfg, text, &err), 0);
    CHECK_EQ_U64(strlen(cfg.allow_write.items[0]), CONFIG_PATTERN_LEN - 1);

    item[CONFIG_PATTERN_LEN - 1] = 'b';
    item[CONFIG_PATTERN_LEN] = '\0';
    snprintf(text, sizeof text, "allow_write = %s", item);
    CHECK_EQ_U64(parse_text(&cfg, text, &err), (uint64_t)-1);
    char expected[CONFIG_MESSAGE_LEN];
    snprintf(expected, sizeof expected, "allow_write: pattern '%s' is longer than 63 characters",
             item);
    CHECK_STR(err.message, expected);
}

static void load_options(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_options(&cfg, "\\EFI\\BOOT\\BOOTX64.EFI timeout_s=30;console=serial "
                                     "tests=pci.*,nvme.* allow_write=none",
                               &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 30);
    CHECK_EQ_U64(cfg.console, CONSOLE_SERIAL);
    CHECK_EQ_U64(cfg.tests.count, 2);
    CHECK_STR(cfg.tests.items[1], "nvme.*");

    /* Without a program name the first token is a setting too. */
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_options(&cfg, "selftest=hang", &err), 0);
    CHECK_EQ_U64(cfg.selftest, SELFTEST_HANG);
    CHECK_EQ_U64(parse_options(&cfg, "", &err), 0);
    CHECK_EQ_U64(parse_options(&cfg, "  ;; ", &err), 0);

    /* EFI hands over the terminating NUL; what follows it is not options. */
    static const char with_nul[] = "nvmetal.efi timeout_s=9\0garbage=1";
    CHECK_EQ_U64(config_parse_options(&cfg, with_nul, sizeof with_nul, &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 9);
}

static void load_option_errors(void)
{
    static const struct bad_input cases[] = {
        {"nvmetal.efi timeout_s=30 bogus=1", "load option 2", "unknown key 'bogus'"},
        {"timeout_s=30;tests", "load option 2", "missing '=' in 'tests'"},
        {"a.efi timeout_s=5 timeout_s=6", "load option 2",
         "duplicate key 'timeout_s' (first set at load option 1)"},
        {"a.efi console=", "load option 1", "console: empty value"},
        {"a.efi =serial", "load option 1", "missing key before '='"},
        {"a.efi tests=a#b", "load option 1", "tests: '#' is not allowed in pattern 'a#b'"},
        {"a.efi timeout_s=5\ntests=x", "load option 1", "non-printable byte 0x0a at column 12"},
        {"a.efi dma_pool_mb=2048", "load option 1",
         "dma_pool_mb: '2048' is out of range 1..1024"},
    };
    check_rejected(cases, CHECK_COUNT(cases), true);
}

static void options_override_file(void)
{
    struct config cfg;
    struct config_error err;
    config_defaults(&cfg);
    CHECK_EQ_U64(parse_text(&cfg, "timeout_s = 30\ntests = pci.*\nconsole = serial\n", &err), 0);
    CHECK_EQ_U64(parse_options(&cfg, "nvmetal.efi timeout_s=60 tests=nvme.*", &err), 0);
    CHECK_EQ_U64(cfg.timeout_s, 60);
    CHECK_EQ_U64(cfg.tests.count, 1);
    CHECK_STR(cfg.tests.items[0], "nvme.*");
    CHECK_EQ_U64(cfg.console, CONSOLE_SERIAL); /* not overridden: kept from the file */
}

static void glob(void)
{
    static const struct {
        const char *pattern, *text;
        bool match;
    } cases[] = {
        {"*", "", true},
        {"*", "pci.enumerate", true},
        {"", "", true},
        {"", "a", false},
        {"pci.*", "pci.enumerate", true},
        {"pci.*", "pci.", true},
        {"pci.*", "pcie.enumerate", false},
        {"pci.*", "nvme.pci.x", false},
        {"*.cmb.*", "nvme.cmb.io_sq", true},
        {"*.cmb.*", "nvme.pmr.cmb", false},
        {"nvme.cmb.?q", "nvme.cmb.cq", true},
        {"nvme.cmb.?q", "nvme.cmb.q", false},
        {"nvme.cmb.?q", "nvme.cmb.sqq", false},
        {"a*b*c", "abc", true},
        {"a*b*c", "aXbYbZc", true},
        {"a*b*c", "aXbYc!", false},
        {"*a*a*a*", "aaa", true},
        {"*a*a*a*", "aa", false},
        {"**x", "x", true},
        {"NVMe.*", "nvme.cmb", false},
        {"SN12?4", "SN1234", true},
        {"SN12?4", "SN124", false},
        {"exact", "exact", true},
        {"exact", "exactly", false},
        {"exac", "exact", false},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        bool got = glob_match(cases[i].pattern, cases[i].text);
        if (got != cases[i].match)
            check_fail(__FILE__, __LINE__, "glob_match(\"%s\", \"%s\") = %d", cases[i].pattern,
                       cases[i].text, got);
    }

    struct pattern_list list = {.count = 2, .items = {"pci.*", "vtd.dmar"}};
    CHECK(pattern_list_matches(&list, "pci.bars"));
    CHECK(pattern_list_matches(&list, "vtd.dmar"));
    CHECK(!pattern_list_matches(&list, "vtd.dmar.x"));
    struct pattern_list empty = {.count = 0};
    CHECK(!pattern_list_matches(&empty, "anything"));
}

static const struct check_case cases[] = {
    CHECK_CASE(defaults_and_describe),
    CHECK_CASE(every_key_valid),
    CHECK_CASE(bool_words),
    CHECK_CASE(choice_words),
    CHECK_CASE(number_bounds),
    CHECK_CASE(bad_values),
    CHECK_CASE(malformed_lines),
    CHECK_CASE(line_numbers_with_comments_and_crlf),
    CHECK_CASE(empty_and_bom),
    CHECK_CASE(failed_parse_changes_nothing),
    CHECK_CASE(pattern_lists),
    CHECK_CASE(pattern_list_limits),
    CHECK_CASE(load_options),
    CHECK_CASE(load_option_errors),
    CHECK_CASE(options_override_file),
    CHECK_CASE(glob),
};

int main(void)
{
    return CHECK_RUN("config", cases);
}
