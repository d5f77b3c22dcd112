/* Config: the strict parser for \nvmetal.cfg and EFI load-option overrides. */
#ifndef NVMETAL_LIB_CONFIG_H
#define NVMETAL_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_PATTERNS 16
#define CONFIG_PATTERN_LEN  64
#define CONFIG_MESSAGE_LEN  160

/* A list of shell-style globs ('*', '?'), e.g. tests = pci.*, nvme.cmb.* */
struct pattern_list {
    unsigned count;
    char items[CONFIG_MAX_PATTERNS][CONFIG_PATTERN_LEN];
};

enum console_choice { CONSOLE_AUTO, CONSOLE_SERIAL };
enum exit_action { EXIT_ACTION_RESET, EXIT_ACTION_SHUTDOWN, EXIT_ACTION_HALT };
enum selftest { SELFTEST_NONE, SELFTEST_EXCEPTION, SELFTEST_HANG };
/* At the end of a run, before leaving: auto waits for a key on a real machine only (under QEMU
 * the verdict goes to isa-debug-exit at once); key waits everywhere; no never waits. */
enum end_wait { END_WAIT_AUTO, END_WAIT_KEY, END_WAIT_NO };
/* Whether the run's TAP is kept for the stick (firmware variables, written by the next boot):
 * auto = on a real machine, not under QEMU. */
enum save_results { SAVE_RESULTS_AUTO, SAVE_RESULTS_YES, SAVE_RESULTS_NO };
/* What the boot that wrote a previous run's results does next. */
enum after_save { AFTER_SAVE_SHUTDOWN, AFTER_SAVE_RUN };
/* auto: use it where the controller has it; off: never; require: its absence fails. */
enum feature_choice { FEATURE_AUTO, FEATURE_OFF, FEATURE_REQUIRE };

struct config {
    struct pattern_list tests;       /* default: "*" (every test) */
    struct pattern_list allow_write; /* serial numbers; default: none */
    struct pattern_list devices;     /* NVMe controllers to touch, BDF or serial, '!' excludes;
                                      * default: "*" (lib/device_select.h) */
    bool allow_write_over_data;      /* write where a partition table or filesystem was
                                      * found; default: no */
    bool allow_write_outside_map;    /* write an NVDIMM range allow_write names though the
                                      * memory map leaves it out (OVMF lists none); default: no */
    bool exit_boot_services;         /* default: true */
    enum console_choice console;     /* default: auto */
    unsigned timeout_s;              /* global watchdog, 1..86400, default 120 */
    unsigned dma_pool_mb;            /* DMA pool size, 1..1024, default 16 */
    enum exit_action exit_action;    /* what to do without isa-debug-exit; default reset */
    enum selftest selftest;          /* deliberate fault for harness tests; default none */
    enum feature_choice iommu;       /* VT-d translation tests; default auto */
    enum feature_choice cmb;         /* queues and data in the CMB; default auto */
    enum feature_choice pmr;         /* PMR tests; default auto */
    bool bench;                      /* print in-image figures; default off */
    unsigned tap_version;            /* 13 (what Debian 12's prove reads) or 14; default 13 */
    bool screen;                     /* the framebuffer console; default auto (true) */
    enum end_wait end_wait;          /* default auto */
    unsigned end_wait_s;             /* 0 = until a key; else at most this long; default 0 */
    enum save_results save_results;  /* default auto */
    enum after_save after_save;      /* default shutdown */
};

/* Where a bad line came from: "nvmetal.cfg line 3" or "load option 2". */
struct config_error {
    char where[48];
    char message[CONFIG_MESSAGE_LEN];
};

void config_defaults(struct config *cfg);

/* Applies file syntax: `key = value` lines, '#' comments, blank lines, CRLF ok.
 * Returns 0, or -1 with err filled at the first unknown key, bad value,
 * duplicate key, or malformed line. `source` names the file ("nvmetal.cfg"). */
int config_parse_file(struct config *cfg, const char *text, size_t len,
                      const char *source, struct config_error *err);

/* Applies load options: `key=value` tokens separated by spaces or ';'.
 * A first token without '=' is the program name (as a shell passes it) and is skipped. */
int config_parse_options(struct config *cfg, const char *text, size_t len,
                         struct config_error *err);

bool glob_match(const char *pattern, const char *text);
bool pattern_list_matches(const struct pattern_list *list, const char *text);
/* The same, counting only patterns that begin with the literal `prefix` (so that "*" never
 * names what only a deliberate "nvdimm-..." may). */
bool pattern_list_matches_prefixed(const struct pattern_list *list, const char *prefix,
                                   const char *text);

/* Writes the effective config as "key = value" text, one key per line. */
void config_describe(const struct config *cfg, void (*emit)(const char *line));

#endif
