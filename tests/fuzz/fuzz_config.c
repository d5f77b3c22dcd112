/* libFuzzer harness for lib/config.c: the config file and load options parsers, and the round trip through config_describe. */
#include "fuzz_common.h"

#include "lib/config.h"
#include "lib/device_select.h"

/* Input: the \nvmetal.cfg text, then optionally a NUL and the load options, applied on top of
 * the file as efi_main does (an input with no NUL has no load options). */

/* config_describe's text, one "key = value" line each, as a config file. */
static char described[4 * 1024 * 4];
static size_t described_len;

static void collect_line(const char *line)
{
    size_t n = strlen(line);
    FUZZ_CHECK(described_len + n + 1 < sizeof described, "config_describe printed %zu bytes",
               described_len + n + 1);
    memcpy(described + described_len, line, n);
    described_len += n;
    described[described_len++] = '\n';
}

static void describe(const struct config *cfg)
{
    described_len = 0;
    config_describe(cfg, collect_line);
    described[described_len] = '\0';
}

static void check_error(const struct config_error *err)
{
    fuzz_check_string(err->where, sizeof err->where, true, "config_error.where");
    fuzz_check_string(err->message, sizeof err->message, true, "config_error.message");
}

static void check_patterns(const struct pattern_list *list, const char *key, unsigned min)
{
    FUZZ_CHECK(list->count >= min && list->count <= CONFIG_MAX_PATTERNS, "%s: %u patterns", key,
               list->count);
    for (unsigned i = 0; i < list->count; i++) {
        const char *item = list->items[i];
        fuzz_check_string(item, CONFIG_PATTERN_LEN, true, key);
        /* A pattern has no separator, comment or '=' and only printable bytes: anything else
         * could not be printed back as one pattern. '!' only leads a devices exclusion. */
        for (const char *c = item; *c; c++) {
            FUZZ_CHECK(*c > 0x20 && *c < 0x7f && *c != ',' && *c != '#' && *c != '=',
                       "%s pattern %u '%s' holds byte 0x%02x", key, i, item, (unsigned char)*c);
            FUZZ_CHECK(*c != '!' || (c == item && c[1] && strcmp(key, "devices") == 0),
                       "%s pattern %u '%s' holds a '!' that is no exclusion", key, i, item);
        }
    }
}

/* Every value a parse can leave is one the README's table allows. */
static void check_config(const struct config *cfg)
{
    check_patterns(&cfg->tests, "tests", 1);
    check_patterns(&cfg->allow_write, "allow_write", 0);
    check_patterns(&cfg->devices, "devices", 0);
    FUZZ_CHECK(cfg->timeout_s >= 1 && cfg->timeout_s <= 86400, "timeout_s %u", cfg->timeout_s);
    FUZZ_CHECK(cfg->dma_pool_mb >= 1 && cfg->dma_pool_mb <= 1024, "dma_pool_mb %u",
               cfg->dma_pool_mb);
    FUZZ_CHECK(cfg->console <= CONSOLE_SERIAL, "console %d", cfg->console);
    FUZZ_CHECK(cfg->exit_action <= EXIT_ACTION_HALT, "exit_action %d", cfg->exit_action);
    FUZZ_CHECK(cfg->selftest <= SELFTEST_HANG, "selftest %d", cfg->selftest);
    FUZZ_CHECK(cfg->iommu <= FEATURE_REQUIRE && cfg->cmb <= FEATURE_REQUIRE &&
                   cfg->pmr <= FEATURE_REQUIRE,
               "iommu %d cmb %d pmr %d", cfg->iommu, cfg->cmb, cfg->pmr);
}

/* The described text, each line marked so that tests/fuzz/run.sh shows it. */
static void print_described(void)
{
    for (const char *line = described; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        fprintf(stderr, "fuzz: | %.*s\n", (int)n, line);
        line += n + (end != NULL);
    }
}

static void print_patterns(const char *key, const struct pattern_list *list)
{
    fprintf(stderr, "fuzz:   %s: %u pattern(s)", key, list->count);
    for (unsigned i = 0; i < list->count && i < CONFIG_MAX_PATTERNS; i++)
        fprintf(stderr, " \"%.*s\"", CONFIG_PATTERN_LEN, list->items[i]);
    fputc('\n', stderr);
}

static bool same_patterns(const struct pattern_list *a, const struct pattern_list *b)
{
    if (a->count != b->count)
        return false;
    for (unsigned i = 0; i < a->count; i++)
        if (strncmp(a->items[i], b->items[i], CONFIG_PATTERN_LEN) != 0)
            return false;
    return true;
}

/* Field by field, naming the first field that differs. */
static const char *first_difference(const struct config *a, const struct config *b)
{
    if (!same_patterns(&a->tests, &b->tests))
        return "tests";
    if (!same_patterns(&a->allow_write, &b->allow_write))
        return "allow_write";
    if (a->allow_write_over_data != b->allow_write_over_data)
        return "allow_write_over_data";
    if (!same_patterns(&a->devices, &b->devices))
        return "devices";
    if (a->exit_boot_services != b->exit_boot_services)
        return "exit_boot_services";
    if (a->console != b->console)
        return "console";
    if (a->timeout_s != b->timeout_s)
        return "timeout_s";
    if (a->dma_pool_mb != b->dma_pool_mb)
        return "dma_pool_mb";
    if (a->exit_action != b->exit_action)
        return "exit_action";
    if (a->selftest != b->selftest)
        return "selftest";
    if (a->iommu != b->iommu)
        return "iommu";
    if (a->cmb != b->cmb)
        return "cmb";
    if (a->pmr != b->pmr)
        return "pmr";
    if (a->bench != b->bench)
        return "bench";
    return NULL;
}

/* What the parsers made of the input must survive config_describe and a parse of its text. */
static void check_round_trip(const struct config *parsed)
{
    describe(parsed);
    struct config again;
    config_defaults(&again);
    struct config_error err;
    memset(&err, 0xa5, sizeof err);
    int status = config_parse_file(&again, described, described_len, "described", &err);
    if (status != 0) {
        fprintf(stderr, "fuzz: config_describe printed a config that does not parse:\n");
        print_described();
        FUZZ_CHECK(status == 0, "%.*s: %.*s", (int)sizeof err.where, err.where,
                   (int)sizeof err.message, err.message);
    }
    const char *field = first_difference(parsed, &again);
    if (field) {
        fprintf(stderr, "fuzz: config_describe printed:\n");
        print_described();
        fprintf(stderr, "fuzz: which parses to a different config; first parse, then reparse:\n");
        print_patterns("tests", &parsed->tests);
        print_patterns("tests", &again.tests);
        print_patterns("allow_write", &parsed->allow_write);
        print_patterns("allow_write", &again.allow_write);
        print_patterns("devices", &parsed->devices);
        print_patterns("devices", &again.devices);
        FUZZ_CHECK(field == NULL, "round trip changed %s", field);
    }
}

/* What devices decides for a few controllers: a known choice with its reason; an exclusion
 * only from a '!' pattern; "undecided" only when the serial is unknown. */
static void check_selection(const struct config *cfg)
{
    static const char *const bdfs[] = {"0000:00:02.0", "0000:3b:00.0", "0001:01:00.0"};
    static const char *const serials[] = {NULL, "nvmetal-0", "S3EVNX0K123456"};
    bool any_exclusion = false;
    for (unsigned i = 0; i < cfg->devices.count; i++)
        any_exclusion |= cfg->devices.items[i][0] == '!';
    for (unsigned b = 0; b < sizeof(bdfs) / sizeof(bdfs[0]); b++) {
        for (unsigned k = 0; k < sizeof(serials) / sizeof(serials[0]); k++) {
            char why[160];
            memset(why, 0xa5, sizeof why);
            enum device_choice choice = device_select(&cfg->devices, bdfs[b], serials[k], why,
                                                      sizeof why);
            FUZZ_CHECK(choice <= DEVICE_UNDECIDED, "device_select returned %d", choice);
            fuzz_check_string(why, sizeof why, false, "device_select why");
            FUZZ_CHECK(choice != DEVICE_EXCLUDED || any_exclusion,
                       "%s excluded without a '!' pattern: %s", bdfs[b], why);
            FUZZ_CHECK(choice != DEVICE_UNDECIDED || !serials[k],
                       "%s undecided with serial %s known: %s", bdfs[b], serials[k], why);
        }
    }
}

/* Runs one parser on an exact-size copy; a failure must leave *cfg untouched and say where. */
static void parse_one(struct config *cfg, const uint8_t *text, size_t len, bool file)
{
    char *copy = (char *)fuzz_copy(text, len);
    struct config before = *cfg;
    struct config_error *err = (struct config_error *)fuzz_text_buffer(sizeof *err);
    int status = file ? config_parse_file(cfg, copy, len, "nvmetal.cfg", err)
                      : config_parse_options(cfg, copy, len, err);
    if (status == 0) {
        check_config(cfg);
        check_selection(cfg);
    } else {
        FUZZ_CHECK(status == -1, "parse returned %d", status);
        FUZZ_CHECK(memcmp(&before, cfg, sizeof before) == 0,
                   "a rejected %s changed the config", file ? "file" : "load option");
        check_error(err);
    }
    free(err);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t file_len = nul ? (size_t)(nul - data) : size;

    struct config cfg;
    config_defaults(&cfg);
    check_config(&cfg);
    parse_one(&cfg, data, file_len, true);
    if (nul)
        parse_one(&cfg, nul + 1, size - file_len - 1, false);
    check_round_trip(&cfg);

    /* The load options alone on the defaults, and the whole input as one options string
     * (the parser must stop at the NUL itself). */
    if (nul) {
        config_defaults(&cfg);
        parse_one(&cfg, nul + 1, size - file_len - 1, false);
        check_round_trip(&cfg);
    }
    config_defaults(&cfg);
    parse_one(&cfg, data, size, false);
    check_round_trip(&cfg);
    return 0;
}
