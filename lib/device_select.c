/* Device selection: the `devices` globs on BDF and serial, with '!' to exclude, decided without touching a device. */
#include "lib/device_select.h"

#include <stdio.h>
#include <string.h>

static bool is_bdf_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
           c == ':' || c == '.' || c == '*' || c == '?';
}

enum device_pattern_kind device_pattern_kind(const char *pattern)
{
    if (pattern[0] == '!')
        pattern++;
    if (strcmp(pattern, "*") == 0)
        return DEVICE_PATTERN_ANY;
    bool colon = false;
    for (const char *p = pattern; *p; p++) {
        if (!is_bdf_char(*p))
            return DEVICE_PATTERN_SERIAL;
        colon |= *p == ':';
    }
    return colon ? DEVICE_PATTERN_BDF : DEVICE_PATTERN_SERIAL;
}

/* Hex digits in a BDF pattern compare without case: "0000:3B:00.0" is the inventory's 3b. */
static bool bdf_matches(const char *pattern, const char *bdf)
{
    char lower[CONFIG_PATTERN_LEN];
    size_t i = 0;
    for (; pattern[i] && i + 1 < sizeof(lower); i++)
        lower[i] = (pattern[i] >= 'A' && pattern[i] <= 'F') ? (char)(pattern[i] - 'A' + 'a')
                                                            : pattern[i];
    lower[i] = '\0';
    if (glob_match(lower, bdf))
        return true;
    /* Segment 0 is the only one most machines have: "01:00.0" names 0000:01:00.0. */
    return strncmp(bdf, "0000:", 5) == 0 && glob_match(lower, bdf + 5);
}

/* 1 the pattern matches, 0 it does not, -1 it might: it is about a serial nobody could read. */
static int pattern_matches(const char *pattern, const char *bdf, const char *serial)
{
    switch (device_pattern_kind(pattern)) {
    case DEVICE_PATTERN_ANY: return 1;
    case DEVICE_PATTERN_BDF: return bdf_matches(pattern, bdf);
    case DEVICE_PATTERN_SERIAL: return serial ? glob_match(pattern, serial) : -1;
    }
    return 0;
}

static const char *kind_noun(const char *pattern)
{
    switch (device_pattern_kind(pattern)) {
    case DEVICE_PATTERN_ANY: return "every device";
    case DEVICE_PATTERN_BDF: return "BDF";
    case DEVICE_PATTERN_SERIAL: return "serial";
    }
    return "?";
}

enum device_choice device_select(const struct pattern_list *devices, const char *bdf,
                                 const char *serial, char *why, size_t why_len)
{
    unsigned count = devices->count < CONFIG_MAX_PATTERNS ? devices->count : CONFIG_MAX_PATTERNS;
    const char *unknown_exclusion = NULL;
    bool any_inclusion = false;
    for (unsigned i = 0; i < count; i++) {
        const char *pattern = devices->items[i];
        if (pattern[0] != '!') {
            any_inclusion = true;
            continue;
        }
        int m = pattern_matches(pattern + 1, bdf, serial);
        if (m == 1) {
            snprintf(why, why_len, "excluded by '%s' (%s)", pattern, kind_noun(pattern));
            return DEVICE_EXCLUDED;
        }
        if (m < 0 && !unknown_exclusion)
            unknown_exclusion = pattern;
    }
    /* An exclusion that cannot be ruled out wins over any inclusion: the safe side. */
    if (unknown_exclusion) {
        snprintf(why, why_len, "'%s' may exclude it, and its serial is unknown", unknown_exclusion);
        return DEVICE_UNDECIDED;
    }
    if (count == 0) {
        snprintf(why, why_len, "devices = none");
        return DEVICE_NOT_LISTED;
    }
    if (!any_inclusion) {
        snprintf(why, why_len, "no '!' pattern matches it (a list of exclusions starts from every device)");
        return DEVICE_SELECTED;
    }
    const char *unknown_inclusion = NULL;
    for (unsigned i = 0; i < count; i++) {
        const char *pattern = devices->items[i];
        if (pattern[0] == '!')
            continue;
        int m = pattern_matches(pattern, bdf, serial);
        if (m == 1) {
            snprintf(why, why_len, "selected by '%s' (%s)", pattern, kind_noun(pattern));
            return DEVICE_SELECTED;
        }
        if (m < 0 && !unknown_inclusion)
            unknown_inclusion = pattern;
    }
    if (unknown_inclusion) {
        snprintf(why, why_len, "'%s' may select it, and its serial is unknown", unknown_inclusion);
        return DEVICE_UNDECIDED;
    }
    snprintf(why, why_len, "no pattern matches BDF %s%s%s", bdf, serial ? " or serial " : "",
             serial ? serial : "");
    return DEVICE_NOT_LISTED;
}

const char *device_choice_name(enum device_choice choice)
{
    switch (choice) {
    case DEVICE_SELECTED: return "selected";
    case DEVICE_EXCLUDED: return "excluded";
    case DEVICE_NOT_LISTED: return "not_listed";
    case DEVICE_UNDECIDED: return "undecided";
    }
    return "?";
}
