/* JUnit writer: two passes over the TAP lines (counts for the suite's attributes, then the testcases), XML escaped as it goes. */
#include "lib/junit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Longer point and bail-out lines than this are cut in the failure text (the image's are < 600). */
#define TAP_LINE_MAX 1024

struct out {
    char *buf;
    size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, o->len++)
        if (o->len + 1 < o->cap)
            o->buf[o->len] = s[i];
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* XML text or attribute value: markup escaped, what XML 1.0 cannot hold dropped. */
static void put_escaped(struct out *o, const char *s, size_t n, bool attribute)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '&')
            puts_(o, "&amp;");
        else if (c == '<')
            puts_(o, "&lt;");
        else if (c == '>')
            puts_(o, "&gt;");
        else if (attribute && c == '"')
            puts_(o, "&quot;");
        else if (attribute && c == '\n')
            puts_(o, "&#10;");
        else if (attribute && c == '\t')
            puts_(o, "&#09;");
        else if (c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7f))
            put(o, (const char *)&c, 1);
    }
}

struct span {
    const char *p;
    size_t n;
};

static bool starts(struct span s, const char *prefix)
{
    size_t k = strlen(prefix);
    return s.n >= k && memcmp(s.p, prefix, k) == 0;
}

static struct span trim(struct span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

/* The next line of the text (without its newline); false at the end. */
static bool next_line(const char *text, size_t len, size_t *at, struct span *line)
{
    if (*at >= len)
        return false;
    const char *start = text + *at;
    const char *nl = memchr(start, '\n', len - *at);
    size_t n = nl ? (size_t)(nl - start) : len - *at;
    *line = (struct span){start, n};
    *at += n + (nl ? 1 : 0);
    return true;
}

struct point {
    bool ok, failed, skip, todo;
    struct span description, reason, id, name_rest; /* name = id + name_rest */
    struct span number;
    struct span yaml;                                /* the block's lines, indent kept */
    bool has_yaml;
};

static bool is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "BB:DD.F" or "SSSS:BB:DD.F", then "/PASS": its length, 0 when s does not start with one. */
static size_t device_length(struct span s)
{
    size_t i = 0;
    if (s.n >= 5 && is_hex(s.p[0]) && is_hex(s.p[1]) && is_hex(s.p[2]) && is_hex(s.p[3]) && s.p[4] == ':' &&
        s.n >= 12 && s.p[7] == ':')
        i = 5;
    if (s.n < i + 7 || !is_hex(s.p[i]) || !is_hex(s.p[i + 1]) || s.p[i + 2] != ':' || !is_hex(s.p[i + 3]) ||
        !is_hex(s.p[i + 4]) || s.p[i + 5] != '.' || s.p[i + 6] < '0' || s.p[i + 6] > '7')
        return 0;
    i += 7;
    if (i < s.n && s.p[i] == '/') {
        size_t j = i + 1;
        while (j < s.n && (is_id_char(s.p[j]) || s.p[j] == '-'))
            j++;
        if (j > i + 1)
            i = j;
    }
    return i;
}

/* "ID", "ID: DEVICE" or "ID: DEVICE nsid N", followed by ':', a blank or the end. */
static void parse_name(struct point *pt)
{
    struct span d = pt->description;
    size_t i = 0;
    while (i < d.n && is_id_char(d.p[i]))
        i++;
    pt->id = (struct span){d.p, i};
    pt->name_rest = (struct span){d.p + i, 0};
    if (i && i + 1 < d.n && d.p[i] == ':' && (d.p[i + 1] == ' ' || d.p[i + 1] == '\t')) {
        size_t j = i + 1;
        while (j < d.n && (d.p[j] == ' ' || d.p[j] == '\t'))
            j++;
        size_t dev = device_length((struct span){d.p + j, d.n - j});
        if (dev) {
            size_t end = j + dev;
            struct span after = {d.p + end, d.n - end};
            size_t k = 0;
            while (k < after.n && after.p[k] == ' ')
                k++;
            if (k && after.n - k > 5 && memcmp(after.p + k, "nsid ", 5) == 0) {
                size_t m = k + 5;
                while (m < after.n && after.p[m] >= '0' && after.p[m] <= '9')
                    m++;
                if (m > k + 5 && (m == after.n || after.p[m] == ':' || after.p[m] == ' '))
                    end += m;
            }
            if (end == d.n || d.p[end] == ':' || d.p[end] == ' ' || d.p[end] == '\t')
                pt->name_rest = (struct span){d.p + i, end - i};
        }
    }
    if (!pt->id.n) { /* the description's first word, as tap_tools names such a point */
        size_t w = 0;
        while (w < d.n && d.p[w] != ' ')
            w++;
        if (w && d.p[w - 1] == ':')
            w--;
        pt->id = (struct span){d.p, w};
    }
}

/* "ok N - text # SKIP reason": the parts, or false for a line that is not a test point. */
static bool parse_point(struct span line, struct point *pt)
{
    memset(pt, 0, sizeof(*pt));
    size_t i;
    if (starts(line, "not ok"))
        i = 6;
    else if (starts(line, "ok"))
        i = 2, pt->ok = true;
    else
        return false;
    if (i < line.n && is_id_char(line.p[i]))
        return false;
    while (i < line.n && line.p[i] == ' ')
        i++;
    size_t number_at = i;
    while (i < line.n && line.p[i] >= '0' && line.p[i] <= '9')
        i++;
    pt->number = (struct span){line.p + number_at, i - number_at};
    while (i < line.n && line.p[i] == ' ')
        i++;
    if (i < line.n && line.p[i] == '-')
        i++;
    struct span rest = {line.p + i, line.n - i};
    /* The image escapes no '#': the first one starts the directive. */
    const char *hash = memchr(rest.p, '#', rest.n);
    struct span desc = {rest.p, hash ? (size_t)(hash - rest.p) : rest.n};
    pt->description = trim(desc);
    if (hash) {
        struct span directive = trim((struct span){hash + 1, rest.n - (size_t)(hash - rest.p) - 1});
        if (directive.n >= 4 && (strncasecmp(directive.p, "SKIP", 4) == 0 || strncasecmp(directive.p, "TODO", 4) == 0)) {
            pt->skip = strncasecmp(directive.p, "SKIP", 4) == 0;
            pt->todo = !pt->skip;
            size_t k = 4;
            while (k < directive.n && directive.p[k] != ' ')
                k++;
            pt->reason = trim((struct span){directive.p + k, directive.n - k});
        }
    }
    pt->failed = !pt->ok && !pt->todo;
    parse_name(pt);
    return true;
}

struct tally {
    unsigned points, failures, skipped, bail_outs, plan;
    bool has_plan, has_version;
    unsigned version;
};

/* The YAML block right after a point: "  ---" to "  ...". Advances *at past it. */
static bool take_yaml(const char *text, size_t len, size_t *at, struct span *yaml)
{
    size_t peek = *at;
    struct span line;
    if (!next_line(text, len, &peek, &line) || !(line.n == 5 && memcmp(line.p, "  ---", 5) == 0))
        return false;
    size_t body = peek;
    size_t body_end = peek;
    while (next_line(text, len, &peek, &line)) {
        if (line.n == 5 && memcmp(line.p, "  ...", 5) == 0) {
            *yaml = (struct span){text + body, body_end - body};
            *at = peek;
            return true;
        }
        if (!starts(line, "  ") && trim(line).n)
            break;
        body_end = peek;
    }
    *yaml = (struct span){text + body, body_end - body};
    *at = body_end;
    return true;
}

/* The YAML block without its two-space indent, one "\n" per line. */
static void put_yaml(struct out *o, struct span yaml)
{
    size_t at = 0;
    struct span line;
    while (next_line(yaml.p, yaml.n, &at, &line)) {
        if (starts(line, "  "))
            line.p += 2, line.n -= 2;
        put_escaped(o, line.p, line.n, false);
        puts_(o, "\n");
    }
}

static void put_name(struct out *o, const struct point *pt)
{
    put_escaped(o, pt->id.p, pt->id.n, true);
    put_escaped(o, pt->name_rest.p, pt->name_rest.n, true);
}

static void put_testcase(struct out *o, const struct point *pt)
{
    puts_(o, "    <testcase classname=\"");
    put_escaped(o, pt->id.p, pt->id.n, true);
    puts_(o, "\" name=\"");
    put_name(o, pt);
    puts_(o, "\" time=\"0\"");
    bool body = pt->failed || pt->skip || pt->has_yaml || pt->todo;
    if (!body) {
        puts_(o, " />\n");
        return;
    }
    puts_(o, ">\n");
    if (pt->failed) {
        /* Without a YAML block the point's line stands for it, as tap_tools writes it. */
        char line[TAP_LINE_MAX];
        snprintf(line, sizeof(line), "not ok %.*s - %.*s", (int)pt->number.n, pt->number.p,
                 (int)pt->description.n, pt->description.p);
        puts_(o, "      <failure message=\"");
        if (pt->description.n)
            put_escaped(o, pt->description.p, pt->description.n, true);
        else
            put_escaped(o, line, strlen(line), true);
        puts_(o, "\" type=\"not ok\">");
        if (pt->has_yaml)
            put_yaml(o, pt->yaml);
        else
            put_escaped(o, line, strlen(line), false);
        puts_(o, "</failure>\n");
    } else if (pt->skip) {
        puts_(o, "      <skipped message=\"");
        put_escaped(o, pt->reason.p, pt->reason.n, true);
        puts_(o, "\" />\n");
    }
    if (pt->has_yaml || pt->todo) {
        puts_(o, "      <system-out>");
        if (pt->todo) {
            puts_(o, "TODO ");
            put_escaped(o, pt->reason.p, pt->reason.n, false);
            puts_(o, "\n");
        }
        if (pt->has_yaml)
            put_yaml(o, pt->yaml);
        puts_(o, "</system-out>\n");
    }
    puts_(o, "    </testcase>\n");
}

static void put_error_case(struct out *o, const char *name, const char *type, struct span message,
                           struct span text)
{
    puts_(o, "    <testcase classname=\"");
    puts_(o, name);
    puts_(o, "\" name=\"");
    puts_(o, name);
    puts_(o, "\" time=\"0\">\n      <error message=\"");
    put_escaped(o, message.p, message.n, true);
    puts_(o, "\" type=\"");
    puts_(o, type);
    puts_(o, "\">");
    put_escaped(o, text.p, text.n, false);
    puts_(o, "</error>\n    </testcase>\n");
}

static bool parse_plan(struct span line, unsigned *plan)
{
    if (!starts(line, "1.."))
        return false;
    size_t i = 3;
    unsigned n = 0;
    if (i >= line.n || line.p[i] < '0' || line.p[i] > '9')
        return false;
    for (; i < line.n && line.p[i] >= '0' && line.p[i] <= '9'; i++)
        n = n * 10 + (unsigned)(line.p[i] - '0');
    *plan = n;
    return true;
}

static void count(const char *tap, size_t len, struct tally *t)
{
    memset(t, 0, sizeof(*t));
    size_t at = 0;
    struct span line;
    struct point pt;
    while (next_line(tap, len, &at, &line)) {
        if (parse_point(line, &pt)) {
            t->points++;
            t->failures += pt.failed;
            t->skipped += !pt.failed && pt.skip;
            struct span yaml;
            take_yaml(tap, len, &at, &yaml);
        } else if (starts(line, "Bail out!")) {
            t->bail_outs++;
        } else if (!t->has_version && starts(line, "TAP version ")) {
            t->has_version = true;
            t->version = (unsigned)(line.p[12] - '0') * 10 + (unsigned)(line.p[13] - '0');
        } else if (!t->has_plan && parse_plan(line, &t->plan)) {
            t->has_plan = true;
        }
    }
}

size_t junit_from_tap(const char *tap, size_t len, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    struct tally t;
    count(tap, len, &t);
    char problem[120] = "";
    if (!t.bail_outs && !t.has_plan)
        snprintf(problem, sizeof(problem),
                 "no plan: the run ended before the image printed its plan (%u test points seen)", t.points);
    else if (!t.bail_outs && t.plan != t.points)
        snprintf(problem, sizeof(problem), "plan 1..%u, but %u test points", t.plan, t.points);
    unsigned errors = t.bail_outs + (problem[0] ? 1 : 0);
    char counts[160];
    snprintf(counts, sizeof(counts), "tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"0\"",
             t.points + errors, t.failures, errors, t.skipped);
    puts_(&o, "<?xml version='1.0' encoding='utf-8'?>\n<testsuites name=\"nvmetal\" ");
    puts_(&o, counts);
    puts_(&o, ">\n  <testsuite name=\"nvmetal\" ");
    puts_(&o, counts);
    char props[160];
    snprintf(props, sizeof(props), "<property name=\"tap_version\" value=\"%s\" />\n",
             t.has_version ? (t.version == 14 ? "14" : "13") : "");
    puts_(&o, ">\n    <properties>\n      ");
    puts_(&o, props);
    if (t.has_plan)
        snprintf(props, sizeof(props), "      <property name=\"tap_plan\" value=\"1..%u\" />\n", t.plan);
    else
        snprintf(props, sizeof(props), "      <property name=\"tap_plan\" value=\"none\" />\n");
    puts_(&o, props);
    puts_(&o, "    </properties>\n");

    size_t at = 0;
    struct span line;
    struct point pt;
    while (next_line(tap, len, &at, &line)) {
        if (parse_point(line, &pt)) {
            pt.has_yaml = take_yaml(tap, len, &at, &pt.yaml);
            put_testcase(&o, &pt);
        }
    }
    at = 0;
    while (next_line(tap, len, &at, &line)) {
        if (!starts(line, "Bail out!"))
            continue;
        struct span reason = trim((struct span){line.p + 9, line.n - 9});
        char text[TAP_LINE_MAX];
        snprintf(text, sizeof(text), "Bail out!%s%.*s", reason.n ? " " : "", (int)reason.n, reason.p);
        struct span message = reason.n ? reason : (struct span){text, strlen(text)};
        put_error_case(&o, "bail_out", "bail out", message, (struct span){text, strlen(text)});
    }
    if (problem[0])
        put_error_case(&o, "plan", "plan", (struct span){problem, strlen(problem)},
                       (struct span){problem, strlen(problem)});
    bool any_diagnostic = false;
    at = 0;
    while (next_line(tap, len, &at, &line)) {
        if (parse_point(line, &pt)) {
            struct span yaml;
            take_yaml(tap, len, &at, &yaml);
        } else if (starts(line, "#")) {
            struct span l = line;
            if (l.n && l.p[l.n - 1] == '\r')
                l.n--;
            puts_(&o, any_diagnostic ? "" : "    <system-out>");
            any_diagnostic = true;
            put_escaped(&o, l.p, l.n, false);
            puts_(&o, "\n");
        }
    }
    puts_(&o, any_diagnostic ? "</system-out>\n" : "    <system-out />\n");
    puts_(&o, "  </testsuite>\n</testsuites>\n");
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len;
}
