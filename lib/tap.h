/* TAP version 14 reporter: numbered test points, YAML failure blocks, plan and summary. */
#ifndef NVMETAL_LIB_TAP_H
#define NVMETAL_LIB_TAP_H

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

/* Every line tap produces goes to `emit`, without its trailing newline. */
void tap_begin(void (*emit)(const char *line));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void tap_result_init(struct tap_result *r);
/* Adds one key to the YAML block. A value with a newline becomes a '|' block scalar. */
void tap_yaml_add(struct tap_result *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "ok N - id: device description" (device may be NULL or ""), the YAML
 * block for failures (and for passes that carry one), or "# SKIP reason". */
void tap_report(const char *id, const char *device, const struct tap_result *r);

/* "1..N" and "# nvmetal: P passed, F failed, S skipped". */
void tap_end(void);
void tap_bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct tap_counts tap_counts(void);

#endif
