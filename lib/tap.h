/* TAP reporter (version 13 by default, 14 on request): numbered test points, YAML blocks, summary and plan. */
#ifndef NVMETAL_LIB_TAP_H
#define NVMETAL_LIB_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define TAP_DESCRIPTION_LEN 200
#define TAP_YAML_LEN        4096

enum tap_outcome { TAP_PASS, TAP_FAIL, TAP_SKIP };

/* One test point's result, filled by a test case and handed to tap_report. */
struct tap_result {
    enum tap_outcome outcome;
    char description[TAP_DESCRIPTION_LEN]; /* one human line; the skip reason for TAP_SKIP */
    char yaml[TAP_YAML_LEN];               /* "key: value\n" lines, already indented by tap */
    size_t yaml_len;
};

struct tap_counts {
    unsigned total, passed, failed, skipped;
};

/* Every line tap produces goes to `emit`, without its trailing newline. `version` is 13 or 14
 * (the first line says which); what follows is the same for both: it is what TAP 13 consumers
 * (Debian 12's prove, TAP::Formatter::JUnit, tappy) read without complaint. */
void tap_begin(void (*emit)(const char *line), unsigned version);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void tap_result_init(struct tap_result *r);
/* Adds one key to the YAML block. A value with a newline becomes a '|' block scalar; a
 * one-line value is quoted where a YAML 1.1 reader would take it for anything but a string
 * of itself, and cut to TAP_YAML_VALUE_LEN bytes (marked "...") so no line is ever cut. */
#define TAP_YAML_VALUE_LEN 400
void tap_yaml_add(struct tap_result *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_yaml_addv(struct tap_result *r, const char *key, const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));
/* The block already holds `key` at its top level. */
bool tap_yaml_has(const struct tap_result *r, const char *key);

/* Prints "ok N - id: device description" (device may be NULL or "") or "# SKIP reason",
 * then the YAML block when the result carries keys (never an empty block). */
void tap_report(const char *id, const char *device, const struct tap_result *r);

/* "# nvmetal: P passed, F failed, S skipped", then the plan "1..N" as the last line. */
void tap_end(void);
void tap_bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct tap_counts tap_counts(void);

#endif
