/* A TAP reader for the screen: counts the test points of the lines it is fed and keeps each failure's ID and first YAML line. */
#ifndef NVMETAL_LIB_TAP_TALLY_H
#define NVMETAL_LIB_TAP_TALLY_H

#include <stdbool.h>

#define TAP_TALLY_FAILURES   24 /* failures kept by ID; more are only counted */
#define TAP_TALLY_ID_LEN     64
#define TAP_TALLY_YAML_LEN   96

/* What a line is, which also decides its colour on the screen. */
enum tap_line_kind {
    TAP_LINE_OTHER,    /* version, plan, anything else */
    TAP_LINE_OK,
    TAP_LINE_SKIP,     /* ok ... # SKIP */
    TAP_LINE_NOT_OK,
    TAP_LINE_DIAG,     /* # ... */
    TAP_LINE_YAML,     /* inside a ---/... block, its markers included */
    TAP_LINE_BAIL_OUT,
    TAP_LINE_PLAN      /* 1..N */
};

struct tap_tally_failure {
    char id[TAP_TALLY_ID_LEN];
    char first_yaml[TAP_TALLY_YAML_LEN]; /* "" when the point had no YAML */
    char reason[TAP_TALLY_YAML_LEN];     /* the description after "ID: ", or "" */
};

struct tap_tally {
    unsigned passed, failed, skipped;
    bool bailed_out, plan_seen;
    char bail_reason[TAP_TALLY_YAML_LEN];
    unsigned failures_kept;
    struct tap_tally_failure failures[TAP_TALLY_FAILURES];
    /* Reader state: inside a YAML block, and whether it belongs to a kept failure. */
    bool in_yaml, yaml_of_kept_failure, yaml_first_taken;
};

void tap_tally_init(struct tap_tally *t);
/* One line without its newline (a trailing '\r' is ignored); returns what it was. */
enum tap_line_kind tap_tally_line(struct tap_tally *t, const char *line);
/* The test ID of an "ok"/"not ok" line ("nvme.io.verify"), into id; false if it has none. */
bool tap_line_id(const char *line, char *id, unsigned len);

#endif
