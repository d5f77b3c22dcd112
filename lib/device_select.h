/* Device selection: which NVMe controllers config `devices` lets the image touch, decided from BDF and serial. */
#ifndef NVMETAL_LIB_DEVICE_SELECT_H
#define NVMETAL_LIB_DEVICE_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"

/* How one `devices` pattern is read. A pattern of hex digits, ':', '.', '*' and '?' with at
 * least one ':' names PCI addresses ("0000:01:00.0", "01:00.0", "01:*"); the lone "*" names
 * every device; anything else names serial numbers. A leading '!' excludes. */
enum device_pattern_kind { DEVICE_PATTERN_ANY, DEVICE_PATTERN_BDF, DEVICE_PATTERN_SERIAL };

enum device_choice {
    DEVICE_SELECTED,  /* a pattern selects it and none excludes it */
    DEVICE_EXCLUDED,  /* a '!' pattern matches it */
    DEVICE_NOT_LISTED, /* no pattern selects it */
    DEVICE_UNDECIDED, /* a serial pattern might decide it, and the serial is not known */
};

enum device_pattern_kind device_pattern_kind(const char *pattern);

/* What `devices` says about one controller. bdf is "SSSS:BB:DD.F" (matched also without the
 * segment when it is 0000); serial is NULL when nobody could read it without touching the
 * device. A list of '!' patterns only starts from "every device"; an empty list ("none")
 * selects nothing. why[] names the pattern that decided, or what is missing. */
enum device_choice device_select(const struct pattern_list *devices, const char *bdf,
                                 const char *serial, char *why, size_t why_len);

const char *device_choice_name(enum device_choice choice);

#endif
