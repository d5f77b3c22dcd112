/* What the screen console shows, as cells: a header, the TAP lines scrolling in colour, a status line; and the end-of-run summary. */
#ifndef NVMETAL_LIB_FB_LAYOUT_H
#define NVMETAL_LIB_FB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/fb_text.h"
#include "lib/tap_tally.h"

#define FB_LAYOUT_LINE_MAX 320 /* longer lines are cut: the serial log has them whole */
#define FB_LAYOUT_HEADER_MAX 4

struct fb_layout {
    struct fb_grid *grid;
    struct tap_tally tally;
    unsigned header_rows;   /* rows 0 .. header_rows - 1; the status line is the last row */
    unsigned next_row;      /* where the next line goes until the region is full */
    bool last_point_failed; /* its YAML is shown in red too */
    char line[FB_LAYOUT_LINE_MAX];
    size_t line_len;
    char current[TAP_TALLY_ID_LEN]; /* the test running now, "" before the first */
};

/* Starts the screen on grid: header lines (at most FB_LAYOUT_HEADER_MAX) on the bar, an empty
 * region, the status line. */
void fb_layout_begin(struct fb_layout *l, struct fb_grid *grid, const char *const *header,
                     unsigned header_count);
/* Console text (any chunking). Returns true when a line completed that should be on the screen
 * at once, not at the next deferred draw: a Bail out!, the summary, the plan. */
bool fb_layout_feed(struct fb_layout *l, const char *text, size_t len);
/* The test that starts now, on the status line. */
void fb_layout_status(struct fb_layout *l, const char *id);

/* The verdict word of a tally, as the image's exit code decides it (boot/main.c verdict_of):
 * "BAIL OUT", "FAIL", "SKIPPED" (every point skipped) or "PASS". */
const char *fb_layout_verdict(const struct tap_tally *t, uint8_t *colour);
/* The end-of-run screen on grid (blanked first): verdict, counts, failed IDs each with its
 * first YAML line (or its description when it has none), then the footer lines. */
void fb_layout_summary(const struct tap_tally *t, struct fb_grid *grid, const char *const *footer,
                       unsigned footer_count);

#endif
