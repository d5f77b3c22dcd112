/* Host tests for lib/device_select.c: which controllers `devices` selects, by BDF and serial, known or not. */
#include "check.h"
#include "device_select.h"

#include <stdbool.h>

/* Parses `devices = VALUE` the way the image does, so the tests see what a user's line means. */
static struct pattern_list devices_of(const char *value)
{
    struct config cfg;
    struct config_error err;
    char text[256];
    config_defaults(&cfg);
    snprintf(text, sizeof(text), "devices = %s", value);
    CHECK_EQ_U64(config_parse_file(&cfg, text, strlen(text), "nvmetal.cfg", &err), 0);
    return cfg.devices;
}

struct selection_case {
    const char *devices;
    const char *bdf;
    const char *serial; /* NULL: unknown */
    enum device_choice expected;
    const char *why;
};

static void check_cases(const struct selection_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct pattern_list list = devices_of(cases[i].devices);
        char why[160] = "";
        enum device_choice got = device_select(&list, cases[i].bdf, cases[i].serial, why,
                                               sizeof(why));
        if (got != cases[i].expected)
            fprintf(stderr, "  devices = %s, %s serial %s: got %s (%s)\n", cases[i].devices,
                    cases[i].bdf, cases[i].serial ? cases[i].serial : "(unknown)",
                    device_choice_name(got), why);
        CHECK_EQ_U64(got, cases[i].expected);
        CHECK_STR(why, cases[i].why);
    }
}

static void pattern_kinds(void)
{
    CHECK_EQ_U64(device_pattern_kind("*"), DEVICE_PATTERN_ANY);
    CHECK_EQ_U64(device_pattern_kind("!*"), DEVICE_PATTERN_ANY);
    CHECK_EQ_U64(device_pattern_kind("0000:01:00.0"), DEVICE_PATTERN_BDF);
    CHECK_EQ_U64(device_pattern_kind("01:00.0"), DEVICE_PATTERN_BDF);
    CHECK_EQ_U64(device_pattern_kind("!3B:*"), DEVICE_PATTERN_BDF);
    CHECK_EQ_U64(device_pattern_kind("0000:0?:*"), DEVICE_PATTERN_BDF);
    /* No ':' is no address, even when every character could be hex: serials like "DEADBEEF". */
    CHECK_EQ_U64(device_pattern_kind("DEADBEEF"), DEVICE_PATTERN_SERIAL);
    CHECK_EQ_U64(device_pattern_kind("S3EVNX0K*"), DEVICE_PATTERN_SERIAL);
    CHECK_EQ_U64(device_pattern_kind("nvmetal-1"), DEVICE_PATTERN_SERIAL);
    CHECK_EQ_U64(device_pattern_kind("SN:12-x"), DEVICE_PATTERN_SERIAL);
}

static void by_bdf(void)
{
    static const struct selection_case cases[] = {
        {"*", "0000:01:00.0", NULL, DEVICE_SELECTED, "selected by '*' (every device)"},
        {"01:00.0", "0000:01:00.0", NULL, DEVICE_SELECTED, "selected by '01:00.0' (BDF)"},
        {"0000:01:00.0", "0000:01:00.0", "SN1", DEVICE_SELECTED,
         "selected by '0000:01:00.0' (BDF)"},
        {"0000:3B:00.0", "0000:3b:00.0", NULL, DEVICE_SELECTED,
         "selected by '0000:3B:00.0' (BDF)"},
        {"01:00.0", "0000:02:00.0", NULL, DEVICE_NOT_LISTED, "no pattern matches BDF 0000:02:00.0"},
        /* The short form names segment 0 only. */
        {"01:00.0", "0001:01:00.0", NULL, DEVICE_NOT_LISTED, "no pattern matches BDF 0001:01:00.0"},
        {"0001:*", "0001:01:00.0", NULL, DEVICE_SELECTED, "selected by '0001:*' (BDF)"},
        {"!01:00.0", "0000:01:00.0", NULL, DEVICE_EXCLUDED, "excluded by '!01:00.0' (BDF)"},
        {"!01:00.0", "0000:02:00.0", NULL, DEVICE_SELECTED,
         "no '!' pattern matches it (a list of exclusions starts from every device)"},
        {"*, !0000:00:1d.*", "0000:00:1d.0", NULL, DEVICE_EXCLUDED,
         "excluded by '!0000:00:1d.*' (BDF)"},
        /* An exclusion wins wherever it stands in the list. */
        {"!01:00.0, 01:00.0", "0000:01:00.0", NULL, DEVICE_EXCLUDED, "excluded by '!01:00.0' (BDF)"},
        {"none", "0000:01:00.0", "SN1", DEVICE_NOT_LISTED, "devices = none"},
        {"!*", "0000:01:00.0", "SN1", DEVICE_EXCLUDED, "excluded by '!*' (every device)"},
    };
    check_cases(cases, CHECK_COUNT(cases));
}

static void by_serial(void)
{
    static const struct selection_case cases[] = {
        {"SN1*", "0000:01:00.0", "SN12", DEVICE_SELECTED, "selected by 'SN1*' (serial)"},
        {"SN1*", "0000:01:00.0", "XN12", DEVICE_NOT_LISTED,
         "no pattern matches BDF 0000:01:00.0 or serial XN12"},
        {"!nvmetal-1", "0000:00:05.0", "nvmetal-1", DEVICE_EXCLUDED,
         "excluded by '!nvmetal-1' (serial)"},
        {"!nvmetal-1", "0000:00:04.0", "nvmetal-0", DEVICE_SELECTED,
         "no '!' pattern matches it (a list of exclusions starts from every device)"},
        /* Serials are matched as the controller reports them: case matters. */
        {"sn12", "0000:01:00.0", "SN12", DEVICE_NOT_LISTED,
         "no pattern matches BDF 0000:01:00.0 or serial SN12"},
    };
    check_cases(cases, CHECK_COUNT(cases));
}

/* Without a serial, a serial pattern can neither select nor clear a device: it stays untouched. */
static void serial_unknown(void)
{
    static const struct selection_case cases[] = {
        {"!BOOTDISK", "0000:01:00.0", NULL, DEVICE_UNDECIDED,
         "'!BOOTDISK' may exclude it, and its serial is unknown"},
        {"*, !BOOTDISK", "0000:01:00.0", NULL, DEVICE_UNDECIDED,
         "'!BOOTDISK' may exclude it, and its serial is unknown"},
        /* An exclusion that cannot be ruled out beats an inclusion by BDF. */
        {"01:00.0, !BOOTDISK", "0000:01:00.0", NULL, DEVICE_UNDECIDED,
         "'!BOOTDISK' may exclude it, and its serial is unknown"},
        /* ... but a BDF exclusion decides without the serial. */
        {"!01:00.0, !BOOTDISK", "0000:01:00.0", NULL, DEVICE_EXCLUDED,
         "excluded by '!01:00.0' (BDF)"},
        {"TEST*", "0000:01:00.0", NULL, DEVICE_UNDECIDED,
         "'TEST*' may select it, and its serial is unknown"},
        {"TEST*, 01:00.0", "0000:01:00.0", NULL, DEVICE_SELECTED, "selected by '01:00.0' (BDF)"},
        {"02:00.0, TEST*", "0000:01:00.0", NULL, DEVICE_UNDECIDED,
         "'TEST*' may select it, and its serial is unknown"},
        {"*", "0000:01:00.0", NULL, DEVICE_SELECTED, "selected by '*' (every device)"},
    };
    check_cases(cases, CHECK_COUNT(cases));
}

static void choice_names(void)
{
    CHECK_STR(device_choice_name(DEVICE_SELECTED), "selected");
    CHECK_STR(device_choice_name(DEVICE_EXCLUDED), "excluded");
    CHECK_STR(device_choice_name(DEVICE_NOT_LISTED), "not_listed");
    CHECK_STR(device_choice_name(DEVICE_UNDECIDED), "undecided");
}

static const struct check_case cases[] = {
    CHECK_CASE(pattern_kinds), CHECK_CASE(by_bdf), CHECK_CASE(by_serial),
    CHECK_CASE(serial_unknown), CHECK_CASE(choice_names),
};

int main(void)
{
    return CHECK_RUN("device_select", cases);
}
