/* A TAP reader for the screen: test point counts, failed IDs with their first YAML line, line kinds. */
#include "lib/tap_tally.h"

#include <stdio.h>
#include <string.h>

void tap_tally_init(struct tap_tally *t)
{
    memset(t, 0, sizeof(*t));
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "ok", "not ok" then end, space or '#' (TAP: "ok" alone is a point too). */
static const char *after_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(line, word, n) != 0)
        return NULL;
    char c = line[n];
    return (c == '\0' || c == ' ' || c == '#') ? line + n : NULL;
}

/* After the status word: an optional number, an optional " - ", then the description. */
static const char *description_of(const char *rest)
{
    while (*rest == ' ')
        rest++;
    while (*rest >= '0' && *rest <= '9')
        rest++;
    while (*rest == ' ')
        rest++;
    if (rest[0] == '-' && (rest[1] == ' ' || rest[1] == '\0'))
        rest += rest[1] ? 2 : 1;
    return rest;
}

bool tap_line_id(const char *line, char *id, unsigned len)
{
    const char *rest = after_word(line, "not ok");
    if (!rest)
        rest = after_word(line, "ok");
    if (!rest || len == 0)
        return false;
    const char *d = description_of(rest);
    unsigned n = 0;
    /* The image's descriptions are "ID: device ..." or "ID # SKIP ...". */
    while (d[n] && d[n] != ':' && d[n] != ' ' && d[n] != '#' && d[n] != '\r')
        n++;
    if (n == 0)
        return false;
    if (n >= len)
        n = len - 1;
    memcpy(id, d, n);
    id[n] = '\0';
    return true;
}

/* A "# SKIP" directive (any case) in the description: outside escapes, as tap.c writes it. */
static bool has_skip_directive(const char *line)
{
    for (const char *p = line; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p != '#')
            continue;
        const char *q = p + 1;
        while (*q == ' ')
            q++;
        if (strncasecmp(q, "skip", 4) == 0)
            return true;
    }
    return false;
}

static void copy_trimmed(char *out, size_t len, const char *text)
{
    while (*text == ' ')
        text++;
    snprintf(out, len, "%s", text);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\r' || out[n - 1] == ' '))
        out[--n] = '\0';
}

enum tap_line_kind tap_tally_line(struct tap_tally *t, const char *line)
{
    if (t->in_yaml) {
        if (strncmp(line, "  ...", 5) == 0 && (line[5] == '\0' || line[5] == '\r')) {
            t->in_yaml = false;
        } else if (t->yaml_of_kept_failure && !t->yaml_first_taken) {
            copy_trimmed(t->failures[t->failures_kept - 1].first_yaml, TAP_TALLY_YAML_LEN, line);
            t->yaml_first_taken = true;
        }
        return TAP_LINE_YAML;
    }
    if (strncmp(line, "  ---", 5) == 0 && (line[5] == '\0' || line[5] == '\r')) {
        t->in_yaml = true;
        t->yaml_first_taken = false;
        return TAP_LINE_YAML;
    }
    /* Any other line ends the point a YAML block could still belong to. */
    t->yaml_of_kept_failure = false;
    if (after_word(line, "not ok")) {
        t->failed++;
        if (t->failures_kept < TAP_TALLY_FAILURES) {
            struct tap_tally_failure *f = &t->failures[t->failures_kept++];
            if (!tap_line_id(line, f->id, sizeof(f->id)))
                snprintf(f->id, sizeof(f->id), "(no ID)");
            f->first_yaml[0] = '\0';
            f->reason[0] = '\0';
            const char *after_id = strchr(description_of(line + 6), ':');
            if (after_id)
                copy_trimmed(f->reason, sizeof(f->reason), after_id + 1);
            t->yaml_of_kept_failure = true;
        }
        return TAP_LINE_NOT_OK;
    }
    if (after_word(line, "ok")) {
        if (has_skip_directive(line)) {
            t->skipped++;
            return TAP_LINE_SKIP;
        }
        t->passed++;
        return TAP_LINE_OK;
    }
    if (starts_with(line, "Bail out!")) {
        t->bailed_out = true;
        copy_trimmed(t->bail_reason, sizeof(t->bail_reason), line + 9);
        return TAP_LINE_BAIL_OUT;
    }
    if (line[0] == '#')
        return TAP_LINE_DIAG;
    if (starts_with(line, "1..")) {
        t->plan_seen = true;
        return TAP_LINE_PLAN;
    }
    return TAP_LINE_OTHER;
}
