/* Config parser: strict `key = value` settings from \nvmetal.cfg and EFI load options. */
#include "lib/config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A piece of the input text: values are checked where they lie, never copied whole. */
struct span {
    const char *start;
    size_t len;
};

enum key_id {
    KEY_TESTS,
    KEY_ALLOW_WRITE,
    KEY_ALLOW_WRITE_OVER_DATA,
    KEY_ALLOW_WRITE_OUTSIDE_MAP,
    KEY_DEVICES,
    KEY_EXIT_BOOT_SERVICES,
    KEY_CONSOLE,
    KEY_TIMEOUT_S,
    KEY_DMA_POOL_MB,
    KEY_EXIT_ACTION,
    KEY_SELFTEST,
    KEY_IOMMU,
    KEY_CMB,
    KEY_PMR,
    KEY_BENCH,
    KEY_TAP_VERSION,
    KEY_SCREEN,
    KEY_END_WAIT,
    KEY_END_WAIT_S,
    KEY_SAVE_RESULTS,
    KEY_AFTER_SAVE,
    KEY_COUNT
};

enum value_kind { VALUE_PATTERNS, VALUE_CHOICE, VALUE_NUMBER };

struct choice {
    const char *word;
    unsigned value;
};

/* For each value, the first word listed is the one config_describe prints. */
static const struct choice bool_words[] = {
    {"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0}, {"on", 1}, {"off", 0}, {"1", 1}, {"0", 0},
};
static const struct choice console_words[] = {
    {"auto", CONSOLE_AUTO},
    {"serial", CONSOLE_SERIAL},
};
static const struct choice exit_action_words[] = {
    {"reset", EXIT_ACTION_RESET},
    {"shutdown", EXIT_ACTION_SHUTDOWN},
    {"halt", EXIT_ACTION_HALT},
};
static const struct choice selftest_words[] = {
    {"none", SELFTEST_NONE},
    {"exception", SELFTEST_EXCEPTION},
    {"hang", SELFTEST_HANG},
};

static const struct choice screen_words[] = {
    {"auto", 1},
    {"off", 0},
};
static const struct choice end_wait_words[] = {
    {"auto", END_WAIT_AUTO},
    {"key", END_WAIT_KEY},
    {"no", END_WAIT_NO},
};
static const struct choice save_results_words[] = {
    {"auto", SAVE_RESULTS_AUTO},
    {"yes", SAVE_RESULTS_YES},
    {"no", SAVE_RESULTS_NO},
};
static const struct choice after_save_words[] = {
    {"shutdown", AFTER_SAVE_SHUTDOWN},
    {"run", AFTER_SAVE_RUN},
};

static const struct choice feature_words[] = {
    {"auto", FEATURE_AUTO},
    {"off", FEATURE_OFF},
    {"require", FEATURE_REQUIRE},
};

struct key_spec {
    const char *name;
    enum value_kind kind;
    const struct choice *choices; /* VALUE_CHOICE */
    unsigned choice_count;
    unsigned min, max;            /* VALUE_NUMBER, inclusive */
    bool none_means_empty;        /* VALUE_PATTERNS: the word "none" is the empty list */
    bool bang_excludes;           /* VALUE_PATTERNS: a leading '!' makes an exclusion */
    size_t offset, size;          /* the field in struct config */
};

/* A key's field: one place says where its value goes. Scalars are bool or 4 bytes wide. */
#define FIELD(member) .offset = offsetof(struct config, member), \
                      .size = sizeof(((struct config *)0)->member)

#define WORDS(table) .choices = (table), .choice_count = sizeof(table) / sizeof((table)[0])

/* Also the order config_describe prints the keys in. */
static const struct key_spec key_specs[KEY_COUNT] = {
    [KEY_TESTS] = {FIELD(tests), .name = "tests", .kind = VALUE_PATTERNS},
    [KEY_ALLOW_WRITE] = {FIELD(allow_write), .name = "allow_write", .kind = VALUE_PATTERNS,
                         .none_means_empty = true},
    [KEY_ALLOW_WRITE_OVER_DATA] = {FIELD(allow_write_over_data), .name = "allow_write_over_data",
                                   .kind = VALUE_CHOICE,
                                   WORDS(bool_words)},
    [KEY_ALLOW_WRITE_OUTSIDE_MAP] = {FIELD(allow_write_outside_map),
                                     .name = "allow_write_outside_map", .kind = VALUE_CHOICE,
                                     WORDS(bool_words)},
    [KEY_DEVICES] = {FIELD(devices), .name = "devices", .kind = VALUE_PATTERNS,
                     .none_means_empty = true,
                     .bang_excludes = true},
    [KEY_EXIT_BOOT_SERVICES] = {FIELD(exit_boot_services), .name = "exit_boot_services",
                                .kind = VALUE_CHOICE,
                                WORDS(bool_words)},
    [KEY_CONSOLE] = {FIELD(console), .name = "console", .kind = VALUE_CHOICE, WORDS(console_words)},
    [KEY_TIMEOUT_S] = {FIELD(timeout_s), .name = "timeout_s", .kind = VALUE_NUMBER, .min = 1, .max = 86400},
    [KEY_DMA_POOL_MB] = {FIELD(dma_pool_mb), .name = "dma_pool_mb", .kind = VALUE_NUMBER, .min = 1,
                         .max = 1024},
    [KEY_EXIT_ACTION] = {FIELD(exit_action), .name = "exit_action", .kind = VALUE_CHOICE,
                         WORDS(exit_action_words)},
    [KEY_SELFTEST] = {FIELD(selftest), .name = "selftest", .kind = VALUE_CHOICE, WORDS(selftest_words)},
    [KEY_IOMMU] = {FIELD(iommu), .name = "iommu", .kind = VALUE_CHOICE, WORDS(feature_words)},
    [KEY_CMB] = {FIELD(cmb), .name = "cmb", .kind = VALUE_CHOICE, WORDS(feature_words)},
    [KEY_PMR] = {FIELD(pmr), .name = "pmr", .kind = VALUE_CHOICE, WORDS(feature_words)},
    [KEY_BENCH] = {FIELD(bench), .name = "bench", .kind = VALUE_CHOICE, WORDS(bool_words)},
    [KEY_TAP_VERSION] = {FIELD(tap_version), .name = "tap_version", .kind = VALUE_NUMBER, .min = 13,
                         .max = 14},
    [KEY_SCREEN] = {FIELD(screen), .name = "screen", .kind = VALUE_CHOICE, WORDS(screen_words)},
    [KEY_END_WAIT] = {FIELD(end_wait), .name = "end_wait", .kind = VALUE_CHOICE, WORDS(end_wait_words)},
    [KEY_END_WAIT_S] = {FIELD(end_wait_s), .name = "end_wait_s", .kind = VALUE_NUMBER, .min = 0,
                        .max = 86400},
    [KEY_SAVE_RESULTS] = {FIELD(save_results), .name = "save_results", .kind = VALUE_CHOICE,
                          WORDS(save_results_words)},
    [KEY_AFTER_SAVE] = {FIELD(after_save), .name = "after_save", .kind = VALUE_CHOICE,
                        WORDS(after_save_words)},
};

_Static_assert(sizeof(enum feature_choice) == sizeof(unsigned), "enum fields are 4 bytes");
_Static_assert(sizeof(enum exit_action) == sizeof(unsigned), "enum fields are 4 bytes");
_Static_assert(sizeof(enum end_wait) == sizeof(unsigned) && sizeof(enum save_results) == sizeof(unsigned) &&
                   sizeof(enum after_save) == sizeof(unsigned),
               "enum fields are 4 bytes");

/* Where each key's value lives in struct config, and how wide it is there. */
static void *field_of(struct config *cfg, enum key_id key)
{
    return (char *)cfg + key_specs[key].offset;
}

static void store_scalar(struct config *cfg, enum key_id key, unsigned value)
{
    void *field = field_of(cfg, key);
    if (key_specs[key].size == sizeof(bool))
        *(bool *)field = value != 0;
    else
        memcpy(field, &value, sizeof(value)); /* unsigned and enum fields: 4 bytes */
}

static unsigned load_scalar(const struct config *cfg, enum key_id key)
{
    const void *field = field_of((struct config *)cfg, key);
    if (key_specs[key].size == sizeof(bool))
        return *(const bool *)field;
    unsigned value;
    memcpy(&value, field, sizeof(value));
    return value;
}

static const struct pattern_list *patterns_of(const struct config *cfg, enum key_id key)
{
    return field_of((struct config *)cfg, key);
}

static void store_patterns(struct config *cfg, enum key_id key, const struct pattern_list *list)
{
    *(struct pattern_list *)field_of(cfg, key) = *list;
}

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->tests.count = 1;
    strcpy(cfg->tests.items[0], "*");
    cfg->devices.count = 1;
    strcpy(cfg->devices.items[0], "*");
    cfg->exit_boot_services = true;
    cfg->console = CONSOLE_AUTO;
    cfg->timeout_s = 120;
    cfg->dma_pool_mb = 16;
    cfg->exit_action = EXIT_ACTION_RESET;
    cfg->selftest = SELFTEST_NONE;
    cfg->iommu = FEATURE_AUTO;
    cfg->cmb = FEATURE_AUTO;
    cfg->pmr = FEATURE_AUTO;
    cfg->bench = false;
    cfg->tap_version = 13;
    cfg->screen = true;
    cfg->end_wait = END_WAIT_AUTO;
    cfg->end_wait_s = 0;
    cfg->save_results = SAVE_RESULTS_AUTO;
    cfg->after_save = AFTER_SAVE_SHUTDOWN;
}

/* One parse call: settings go to a scratch copy so a bad line leaves the caller's config as it was. */
struct parse_run {
    struct config work;
    unsigned first_seen[KEY_COUNT]; /* line or token number that set each key; 0 = not yet */
    const char *source;             /* file name; NULL while parsing load options */
    unsigned position;              /* current line (file) or key=value token (options) */
    struct config_error *err;
};

static void parse_run_begin(struct parse_run *run, const struct config *cfg, const char *source,
                            struct config_error *err)
{
    memset(run, 0, sizeof *run);
    run->work = *cfg;
    run->source = source;
    run->err = err;
}

static const char *position_noun(const struct parse_run *run)
{
    return run->source ? "line" : "load option";
}

static int __attribute__((format(printf, 2, 3))) fail(struct parse_run *run, const char *fmt, ...)
{
    if (!run->err)
        return -1;
    if (run->source)
        snprintf(run->err->where, sizeof run->err->where, "%s line %u", run->source,
                 run->position);
    else
        snprintf(run->err->where, sizeof run->err->where, "load option %u", run->position);
    va_list args;
    va_start(args, fmt);
    vsnprintf(run->err->message, sizeof run->err->message, fmt, args);
    va_end(args);
    return -1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
    while (s.len && is_blank(s.start[0])) {
        s.start++;
        s.len--;
    }
    while (s.len && is_blank(s.start[s.len - 1]))
        s.len--;
    return s;
}

static bool span_is(struct span s, const char *word)
{
    size_t n = strlen(word);
    return s.len == n && memcmp(s.start, word, n) == 0;
}

/* Tabs are the only control byte a config line may hold; anything else is probably a mangled file. */
static int check_printable(struct parse_run *run, struct span s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.start[i];
        if (c != '\t' && (c < 0x20 || c > 0x7e))
            return fail(run, "non-printable byte 0x%02x at column %zu", c, i + 1);
    }
    return 0;
}

static int apply_choice(struct parse_run *run, enum key_id key, struct span value)
{
    const struct key_spec *spec = &key_specs[key];
    for (unsigned i = 0; i < spec->choice_count; i++) {
        if (span_is(value, spec->choices[i].word)) {
            store_scalar(&run->work, key, spec->choices[i].value);
            return 0;
        }
    }
    char words[80] = "";
    size_t used = 0;
    for (unsigned i = 0; i < spec->choice_count && used < sizeof words; i++)
        used += (size_t)snprintf(words + used, sizeof words - used, "%s%s", i ? ", " : "",
                                 spec->choices[i].word);
    return fail(run, "%s: '%.*s' is not one of %s", spec->name, (int)value.len, value.start,
                words);
}

static int apply_number(struct parse_run *run, enum key_id key, struct span value)
{
    const struct key_spec *spec = &key_specs[key];
    unsigned long number = 0;
    for (size_t i = 0; i < value.len; i++) {
        char c = value.start[i];
        if (c < '0' || c > '9')
            return fail(run, "%s: '%.*s' is not a decimal number", spec->name, (int)value.len,
                        value.start);
        /* Stop accumulating once past the maximum, so long inputs cannot overflow. */
        if (number <= spec->max)
            number = number * 10 + (unsigned long)(c - '0');
    }
    if (number < spec->min || number > spec->max)
        return fail(run, "%s: '%.*s' is out of range %u..%u", spec->name, (int)value.len,
                    value.start, spec->min, spec->max);
    store_scalar(&run->work, key, (unsigned)number);
    return 0;
}

static bool is_pattern_separator(char c)
{
    return c == ',' || is_blank(c);
}

static int apply_patterns(struct parse_run *run, enum key_id key, struct span value)
{
    const struct key_spec *spec = &key_specs[key];
    struct pattern_list list;
    memset(&list, 0, sizeof list);
    if (spec->none_means_empty && span_is(value, "none")) {
        store_patterns(&run->work, key, &list);
        return 0;
    }
    size_t i = 0;
    while (i < value.len) {
        if (is_pattern_separator(value.start[i])) {
            i++;
            continue;
        }
        struct span item = {value.start + i, 0};
        while (i < value.len && !is_pattern_separator(value.start[i]))
            i++;
        item.len = (size_t)(value.start + i - item.start);
        /* '#' and '=' would not survive a round trip through a config file. */
        for (size_t j = 0; j < item.len; j++)
            if (item.start[j] == '#' || item.start[j] == '=')
                return fail(run, "%s: '%c' is not allowed in pattern '%.*s'", spec->name,
                            item.start[j], (int)item.len, item.start);
        /* "none" is the empty list, so it must stand alone: inside a list ("none,", ",none")
         * it would read as a serial named "none" while the config prints as "none". */
        if (spec->none_means_empty && span_is(item, "none"))
            return fail(run, "%s: 'none' means no pattern and must be the whole value, not part "
                        "of a list", spec->name);
        /* '!' only leads an exclusion, and an exclusion needs something to exclude. */
        for (size_t j = 0; j < item.len; j++)
            if (item.start[j] == '!' && (!spec->bang_excludes || j > 0 || item.len == 1))
                return fail(run, "%s: '!' %s in '%.*s'", spec->name,
                            spec->bang_excludes ? "must start a pattern and be followed by one"
                                                : "is not allowed",
                            (int)item.len, item.start);
        if (item.len > CONFIG_PATTERN_LEN - 1)
            return fail(run, "%s: pattern '%.*s' is longer than %d characters", spec->name,
                        (int)item.len, item.start, CONFIG_PATTERN_LEN - 1);
        if (list.count == CONFIG_MAX_PATTERNS)
            return fail(run, "%s: more than %d patterns", spec->name, CONFIG_MAX_PATTERNS);
        memcpy(list.items[list.count++], item.start, item.len);
    }
    if (list.count == 0)
        return fail(run, "%s: no patterns in '%.*s'", spec->name, (int)value.len, value.start);
    store_patterns(&run->work, key, &list);
    return 0;
}

static enum key_id find_key(struct span name)
{
    for (unsigned key = 0; key < KEY_COUNT; key++)
        if (span_is(name, key_specs[key].name))
            return (enum key_id)key;
    return KEY_COUNT;
}

/* Applies one "key=value" (already split at the first '=') to the scratch config. */
static int apply_setting(struct parse_run *run, struct span name, struct span value)
{
    name = trim(name);
    value = trim(value);
    if (name.len == 0)
        return fail(run, "missing key before '='");
    enum key_id key = find_key(name);
    if (key == KEY_COUNT)
        return fail(run, "unknown key '%.*s'", (int)name.len, name.start);
    const struct key_spec *spec = &key_specs[key];
    if (run->first_seen[key])
        return fail(run, "duplicate key '%s' (first set at %s %u)", spec->name,
                    position_noun(run), run->first_seen[key]);
    if (value.len == 0)
        return fail(run, "%s: empty value", spec->name);
    run->first_seen[key] = run->position;
    switch (spec->kind) {
    case VALUE_PATTERNS: return apply_patterns(run, key, value);
    case VALUE_CHOICE: return apply_choice(run, key, value);
    case VALUE_NUMBER: return apply_number(run, key, value);
    }
    return -1;
}

/* Splits a setting at its first '='; a later '=' belongs to the value and is judged there. */
static int apply_assignment(struct parse_run *run, struct span text)
{
    const char *equals = memchr(text.start, '=', text.len);
    if (!equals)
        return fail(run, "missing '=' in '%.*s'", (int)text.len, text.start);
    struct span name = {text.start, (size_t)(equals - text.start)};
    struct span value = {equals + 1, (size_t)(text.start + text.len - equals - 1)};
    return apply_setting(run, name, value);
}

int config_parse_file(struct config *cfg, const char *text, size_t len, const char *source,
                      struct config_error *err)
{
    struct parse_run run;
    parse_run_begin(&run, cfg, source ? source : "config", err);
    size_t pos = 0;
    /* Windows editors may save with a UTF-8 byte order mark; it is not part of line 1. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *newline = memchr(text + pos, '\n', len - pos);
        size_t end = newline ? (size_t)(newline - text) : len;
        struct span line = {text + pos, end - pos};
        pos = end + 1;
        run.position++;
        if (line.len && line.start[line.len - 1] == '\r')
            line.len--;
        if (check_printable(&run, line) < 0)
            return -1;
        const char *comment = memchr(line.start, '#', line.len);
        if (comment)
            line.len = (size_t)(comment - line.start);
        line = trim(line);
        if (line.len == 0)
            continue;
        if (apply_assignment(&run, line) < 0)
            return -1;
    }
    *cfg = run.work;
    return 0;
}

static bool is_option_separator(char c)
{
    return c == ' ' || c == '\t' || c == ';';
}

int config_parse_options(struct config *cfg, const char *text, size_t len,
                         struct config_error *err)
{
    struct parse_run run;
    parse_run_begin(&run, cfg, NULL, err);
    /* EFI load options are usually a NUL-terminated string; the text ends at the NUL. */
    const char *nul = len ? memchr(text, '\0', len) : NULL;
    if (nul)
        len = (size_t)(nul - text);
    bool first_token = true;
    size_t pos = 0;
    for (;;) {
        while (pos < len && is_option_separator(text[pos]))
            pos++;
        if (pos >= len)
            break;
        struct span token = {text + pos, 0};
        while (pos < len && !is_option_separator(text[pos]))
            pos++;
        token.len = (size_t)(text + pos - token.start);
        bool has_equals = memchr(token.start, '=', token.len) != NULL;
        if (first_token && !has_equals) {
            first_token = false; /* the program name, as the UEFI shell passes it */
            continue;
        }
        first_token = false;
        run.position++;
        if (check_printable(&run, token) < 0 || apply_assignment(&run, token) < 0)
            return -1;
    }
    *cfg = run.work;
    return 0;
}

bool glob_match(const char *pattern, const char *text)
{
    /* On a mismatch after a '*', let that star absorb one more character and retry. */
    const char *star = NULL;
    const char *star_text = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            star_text = text;
        } else if (*pattern && (*pattern == '?' || *pattern == *text)) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++star_text;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

bool pattern_list_matches(const struct pattern_list *list, const char *text)
{
    for (unsigned i = 0; i < list->count && i < CONFIG_MAX_PATTERNS; i++)
        if (glob_match(list->items[i], text))
            return true;
    return false;
}

bool pattern_list_matches_prefixed(const struct pattern_list *list, const char *prefix,
                                   const char *text)
{
    size_t n = strlen(prefix);
    for (unsigned i = 0; i < list->count && i < CONFIG_MAX_PATTERNS; i++)
        if (strncmp(list->items[i], prefix, n) == 0 && glob_match(list->items[i], text))
            return true;
    return false;
}

static const char *choice_word(const struct key_spec *spec, unsigned value)
{
    for (unsigned i = 0; i < spec->choice_count; i++)
        if (spec->choices[i].value == value)
            return spec->choices[i].word;
    return "?";
}

void config_describe(const struct config *cfg, void (*emit)(const char *line))
{
    char line[32 + CONFIG_MAX_PATTERNS * (CONFIG_PATTERN_LEN + 2)];
    for (unsigned key = 0; key < KEY_COUNT; key++) {
        const struct key_spec *spec = &key_specs[key];
        size_t used = (size_t)snprintf(line, sizeof line, "%s = ", spec->name);
        if (spec->kind == VALUE_PATTERNS) {
            const struct pattern_list *list = patterns_of(cfg, (enum key_id)key);
            if (list->count == 0)
                snprintf(line + used, sizeof line - used, "none");
            for (unsigned i = 0; i < list->count && i < CONFIG_MAX_PATTERNS; i++)
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%.*s",
                                         i ? ", " : "", CONFIG_PATTERN_LEN, list->items[i]);
        } else if (spec->kind == VALUE_CHOICE) {
            snprintf(line + used, sizeof line - used, "%s",
                     choice_word(spec, load_scalar(cfg, (enum key_id)key)));
        } else {
            snprintf(line + used, sizeof line - used, "%u", load_scalar(cfg, (enum key_id)key));
        }
        emit(line);
    }
}
