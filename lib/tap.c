/* TAP reporter: numbered test points, YAML diagnostic blocks, summary and plan, in the TAP 13 that CI tools read. */
#include "lib/tap.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longer lines are cut: a serial console log is read by people and by line-based scripts. */
#define TAP_LINE_LEN 512

static void (*tap_emit)(const char *line);
static struct tap_counts tap_totals;

/* Appends to a fixed buffer, remembering whether anything failed to fit. */
struct text_builder {
    char *buf;
    size_t cap; /* including the terminating NUL */
    size_t used;
    bool overflow;
};

static void builder_start(struct text_builder *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    b->used = 0;
    b->overflow = false;
    buf[0] = '\0';
}

static void builder_add_bytes(struct text_builder *b, const char *text, size_t len)
{
    size_t room = b->cap - 1 - b->used;
    if (len > room) {
        len = room;
        b->overflow = true;
    }
    memcpy(b->buf + b->used, text, len);
    b->used += len;
    b->buf[b->used] = '\0';
}

static void builder_add(struct text_builder *b, const char *text)
{
    builder_add_bytes(b, text, strlen(text));
}

static void builder_add_char(struct text_builder *b, char c)
{
    builder_add_bytes(b, &c, 1);
}

static void emit_line(const char *line)
{
    if (tap_emit)
        tap_emit(line);
}

/* Emits prefix + each line of text; an empty line gets the prefix without its trailing blanks. */
static void emit_each_line(const char *prefix, const char *text, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *newline = memchr(text + pos, '\n', len - pos);
        size_t end = newline ? (size_t)(newline - text) : len;
        char line[TAP_LINE_LEN + 1];
        struct text_builder b;
        builder_start(&b, line, sizeof line);
        builder_add(&b, prefix);
        if (end == pos)
            while (b.used && b.buf[b.used - 1] == ' ')
                b.buf[--b.used] = '\0';
        builder_add_bytes(&b, text + pos, end - pos);
        emit_line(line);
        pos = end + 1;
    }
}

void tap_begin(void (*emit)(const char *line), unsigned version)
{
    tap_emit = emit;
    memset(&tap_totals, 0, sizeof tap_totals);
    emit_line(version == 14 ? "TAP version 14" : "TAP version 13");
}

void tap_diag(const char *fmt, ...)
{
    char text[TAP_YAML_LEN];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    if (text[0] == '\0')
        emit_line("#");
    else
        emit_each_line("# ", text, strlen(text));
}

void tap_result_init(struct tap_result *r)
{
    memset(r, 0, sizeof *r);
    r->outcome = TAP_PASS;
}

/* Plain YAML scalars cannot start with an indicator or hold ": " / " #"; such values get quotes.
 * So does any ':' (YAML 1.1 reads "00:02.0" as a base-60 number) and a word YAML 1.1 reads as a
 * boolean or null, so a reader gets back the text that was printed. */
static bool yaml_needs_quotes(const char *value)
{
    size_t len = strlen(value);
    if (len == 0 || value[0] == ' ' || value[len - 1] == ' ')
        return true;
    if (strchr("-?:,[]{}#&*!|>'\"%@`~", value[0]))
        return true;
    if (strchr(value, ':') || strstr(value, " #"))
        return true;
    static const char *const words[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(value, words[i]) == 0)
            return true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
            return true;
    return false;
}

static void add_quoted(struct text_builder *b, const char *value)
{
    builder_add_char(b, '"');
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char escaped[8];
        if (c == '"' || c == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)c;
            escaped[2] = '\0';
        } else if (c == '\t') {
            strcpy(escaped, "\\t");
        } else if (c == '\n') {
            strcpy(escaped, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(escaped, sizeof escaped, "\\x%02x", c);
        } else {
            escaped[0] = (char)c;
            escaped[1] = '\0';
        }
        builder_add(b, escaped);
    }
    builder_add_char(b, '"');
}

/* A cut line would end a quoted value without its closing quote: a one-line value longer than
 * TAP_YAML_VALUE_LEN is cut instead, keeping its start and ending in "...". */
static void cut_long_value(char *value)
{
    if (strlen(value) > TAP_YAML_VALUE_LEN)
        strcpy(value + TAP_YAML_VALUE_LEN - 3, "...");
}

/* Blanks at the start of the line at `pos` (ending at `end`), and whether the line is blank. */
static size_t leading_blanks(const char *value, size_t pos, size_t end, bool *blank_line)
{
    size_t blanks = 0;
    while (pos + blanks < end && value[pos + blanks] == ' ')
        blanks++;
    size_t rest = end - pos - blanks;
    *blank_line = rest == 0 || (rest == 1 && value[end - 1] == '\r');
    return blanks;
}

/* A '|' block scalar: each value line indented two more than the key, the value's common
 * indentation removed first. prove's YAML reader knows no indentation indicator ("|2"), so a
 * value whose first line would still start with a blank (it is indented more than a later
 * one) goes out as one double-quoted line with "\n" escapes instead. */
static void add_block(struct text_builder *b, const char *value)
{
    size_t len = strlen(value);
    if (len && value[len - 1] == '\n')
        len--; /* a trailing newline ends the last line rather than starting another */
    size_t indent = SIZE_MAX, first = SIZE_MAX;
    for (size_t pos = 0; pos <= len;) {
        const char *newline = memchr(value + pos, '\n', len - pos);
        size_t end = newline ? (size_t)(newline - value) : len;
        bool blank_line;
        size_t blanks = leading_blanks(value, pos, end, &blank_line);
        if (!blank_line) {
            indent = blanks < indent ? blanks : indent;
            first = first == SIZE_MAX ? blanks : first;
        }
        pos = end + 1;
    }
    if (indent == SIZE_MAX)
        indent = first = 0;
    if (first > indent) {
        char one_line[TAP_YAML_VALUE_LEN + 2];
        size_t n = len < TAP_YAML_VALUE_LEN + 1 ? len : TAP_YAML_VALUE_LEN + 1;
        memcpy(one_line, value, n);
        one_line[n] = '\0';
        cut_long_value(one_line);
        builder_add_char(b, ' ');
        add_quoted(b, one_line);
        builder_add_char(b, '\n');
        return;
    }
    builder_add(b, " |\n");
    for (size_t pos = 0; pos <= len;) {
        const char *newline = memchr(value + pos, '\n', len - pos);
        size_t end = newline ? (size_t)(newline - value) : len;
        size_t line_len = end - pos;
        if (line_len && value[end - 1] == '\r')
            line_len--;
        size_t skip = line_len < indent ? line_len : indent;
        builder_add(b, "  ");
        builder_add_bytes(b, value + pos + skip, line_len - skip);
        builder_add_char(b, '\n');
        pos = end + 1;
    }
}

bool tap_yaml_has(const struct tap_result *r, const char *key)
{
    size_t len = strlen(key);
    for (const char *line = r->yaml; line && *line;) {
        if (strncmp(line, key, len) == 0 && line[len] == ':')
            return true;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return false;
}

void tap_yaml_add(struct tap_result *r, const char *key, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    tap_yaml_addv(r, key, fmt, args);
    va_end(args);
}

void tap_yaml_addv(struct tap_result *r, const char *key, const char *fmt, va_list args)
{
    char value[TAP_YAML_LEN];
    vsnprintf(value, sizeof value, fmt, args);

    if (r->yaml_len >= TAP_YAML_LEN - 1)
        return;
    /* Build in place after the existing keys; if the entry does not fit whole, drop it. */
    struct text_builder b;
    builder_start(&b, r->yaml + r->yaml_len, TAP_YAML_LEN - r->yaml_len);
    builder_add(&b, key);
    builder_add_char(&b, ':');
    if (strchr(value, '\n')) {
        add_block(&b, value);
    } else {
        cut_long_value(value);
        builder_add_char(&b, ' ');
        if (yaml_needs_quotes(value))
            add_quoted(&b, value);
        else
            builder_add(&b, value);
        builder_add_char(&b, '\n');
    }
    if (b.overflow) {
        r->yaml[r->yaml_len] = '\0';
        return;
    }
    r->yaml_len += b.used;
}

/* TAP reads '#' in a description as the start of a directive unless it is escaped;
 * a newline would end the test point's line. */
static void add_description_text(struct text_builder *b, const char *text, bool escape_hash)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r')
            builder_add_char(b, ' ');
        else if (escape_hash && (*p == '#' || *p == '\\')) {
            builder_add_char(b, '\\');
            builder_add_char(b, *p);
        } else
            builder_add_char(b, *p);
    }
}

void tap_report(const char *id, const char *device, const struct tap_result *r)
{
    tap_totals.total++;
    if (r->outcome == TAP_FAIL)
        tap_totals.failed++;
    else if (r->outcome == TAP_SKIP)
        tap_totals.skipped++;
    else
        tap_totals.passed++;

    char line[TAP_LINE_LEN + 1];
    char number[32];
    struct text_builder b;
    builder_start(&b, line, sizeof line);
    snprintf(number, sizeof number, " %u - ", tap_totals.total);
    builder_add(&b, r->outcome == TAP_FAIL ? "not ok" : "ok");
    builder_add(&b, number);
    add_description_text(&b, id, true);

    bool has_device = device && device[0];
    bool has_description = r->description[0] != '\0';
    if (r->outcome == TAP_SKIP) {
        if (has_device) {
            builder_add(&b, ": ");
            add_description_text(&b, device, true);
        }
        builder_add(&b, " # SKIP");
        if (has_description) {
            builder_add_char(&b, ' ');
            add_description_text(&b, r->description, false);
        }
    } else if (has_device || has_description) {
        builder_add(&b, ": ");
        if (has_device)
            add_description_text(&b, device, true);
        if (has_device && has_description)
            builder_add_char(&b, ' ');
        if (has_description)
            add_description_text(&b, r->description, true);
    }
    emit_line(line);

    /* An empty block ("---" then "...") stops prove's YAML reader: no keys, no block. */
    if (r->yaml_len > 0) {
        /* yaml_len is trusted only as far as the buffer and its terminating NUL. */
        size_t yaml_len = r->yaml_len < TAP_YAML_LEN ? r->yaml_len : TAP_YAML_LEN - 1;
        const char *nul = memchr(r->yaml, '\0', yaml_len);
        if (nul)
            yaml_len = (size_t)(nul - r->yaml);
        emit_line("  ---");
        emit_each_line("  ", r->yaml, yaml_len);
        emit_line("  ...");
    }
}

/* The plan last: strict consumers flag anything after it, even a comment. */
void tap_end(void)
{
    char line[TAP_LINE_LEN + 1];
    snprintf(line, sizeof line, "# nvmetal: %u passed, %u failed, %u skipped", tap_totals.passed,
             tap_totals.failed, tap_totals.skipped);
    emit_line(line);
    snprintf(line, sizeof line, "1..%u", tap_totals.total);
    emit_line(line);
}

void tap_bail_out(const char *fmt, ...)
{
    char reason[TAP_LINE_LEN + 1];
    va_list args;
    va_start(args, fmt);
    vsnprintf(reason, sizeof reason, fmt, args);
    va_end(args);
    char line[TAP_LINE_LEN + 1];
    struct text_builder b;
    builder_start(&b, line, sizeof line);
    builder_add(&b, reason[0] ? "Bail out! " : "Bail out!");
    add_description_text(&b, reason, false);
    emit_line(line);
}

struct tap_counts tap_counts(void)
{
    return tap_totals;
}
