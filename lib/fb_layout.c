/* The screen console's cells: header bar, coloured TAP lines scrolling, status line; the summary screen. */
#include "lib/fb_layout.h"

#include <stdio.h>
#include <string.h>

static unsigned status_row(const struct fb_layout *l)
{
    return l->grid->rows - 1;
}

static void put_text(struct fb_grid *g, unsigned row, unsigned col, const char *text, uint8_t fg,
                     uint8_t bg)
{
    fb_grid_put(g, row, col, text, strlen(text), fg, bg);
}

static void draw_status(struct fb_layout *l)
{
    struct fb_grid *g = l->grid;
    unsigned row = status_row(l);
    fb_grid_clear_row(g, row, FB_BAR_TEXT, FB_BAR);
    char left[TAP_TALLY_ID_LEN + 16], counts[96];
    const struct tap_tally *t = &l->tally;
    snprintf(counts, sizeof(counts), "passed %u  failed %u  skipped %u ", t->passed, t->failed,
             t->skipped);
    size_t n = strlen(counts);
    unsigned col = g->cols > n ? g->cols - (unsigned)n : 0;
    /* The counts win on a narrow screen: the ID is cut a blank before them. */
    snprintf(left, sizeof(left), " test: %s", l->current[0] ? l->current : "-");
    size_t left_len = strlen(left);
    fb_grid_put(g, row, 0, left, col && left_len > col - 1 ? col - 1 : left_len, FB_BAR_TEXT, FB_BAR);
    /* The failed count in red once there is one: the eye finds it without reading. */
    fb_grid_put(g, row, col, counts, n, FB_BAR_TEXT, t->failed ? FB_RED : FB_BAR);
}

void fb_layout_begin(struct fb_layout *l, struct fb_grid *grid, const char *const *header,
                     unsigned header_count)
{
    memset(l, 0, sizeof(*l));
    l->grid = grid;
    tap_tally_init(&l->tally);
    if (header_count > FB_LAYOUT_HEADER_MAX)
        header_count = FB_LAYOUT_HEADER_MAX;
    /* A grid too small for a header, a region and a status line shows the region only. */
    if (grid->rows < header_count + 3)
        header_count = 0;
    l->header_rows = header_count;
    for (unsigned r = 0; r < header_count; r++) {
        fb_grid_clear_row(grid, r, FB_BAR_TEXT, FB_BAR);
        fb_grid_put(grid, r, 1, header[r], strlen(header[r]), FB_BAR_TEXT, FB_BAR);
    }
    l->next_row = header_count;
    draw_status(l);
}

/* The colour of a whole line; an "ok" line colours its first word only. */
static uint8_t line_colour(struct fb_layout *l, enum tap_line_kind kind)
{
    switch (kind) {
    case TAP_LINE_NOT_OK:
    case TAP_LINE_BAIL_OUT:
        return FB_RED;
    case TAP_LINE_SKIP:
        return FB_YELLOW;
    case TAP_LINE_DIAG:
        return FB_DIM;
    case TAP_LINE_YAML:
        return l->last_point_failed ? FB_RED : FB_DIM;
    default:
        return FB_TEXT;
    }
}

static void show_line(struct fb_layout *l, const char *line, size_t len, enum tap_line_kind kind)
{
    struct fb_grid *g = l->grid;
    unsigned bottom = status_row(l);
    if (l->header_rows >= bottom)
        return;
    if (l->next_row >= bottom) {
        fb_grid_scroll_up(g, l->header_rows, bottom, FB_BACKGROUND);
        l->next_row = bottom - 1;
    } else {
        fb_grid_clear_row(g, l->next_row, FB_TEXT, FB_BACKGROUND);
    }
    unsigned row = l->next_row++;
    if (kind == TAP_LINE_OK) {
        unsigned col = fb_grid_put(g, row, 0, line, 2, FB_GREEN, FB_BACKGROUND);
        fb_grid_put(g, row, col, line + 2, len - 2, FB_TEXT, FB_BACKGROUND);
    } else {
        fb_grid_put(g, row, 0, line, len, line_colour(l, kind), FB_BACKGROUND);
    }
}

static bool end_line(struct fb_layout *l)
{
    l->line[l->line_len] = '\0';
    enum tap_line_kind kind = tap_tally_line(&l->tally, l->line);
    if (kind == TAP_LINE_NOT_OK)
        l->last_point_failed = true;
    else if (kind != TAP_LINE_YAML)
        l->last_point_failed = false;
    show_line(l, l->line, l->line_len, kind);
    bool now = kind == TAP_LINE_BAIL_OUT || kind == TAP_LINE_PLAN ||
               strncmp(l->line, "# nvmetal: ", 11) == 0;
    if (kind == TAP_LINE_OK || kind == TAP_LINE_SKIP || kind == TAP_LINE_NOT_OK)
        draw_status(l);
    l->line_len = 0;
    return now;
}

bool fb_layout_feed(struct fb_layout *l, const char *text, size_t len)
{
    bool now = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            now |= end_line(l);
        } else if (c == '\r') {
            continue;
        } else if (l->line_len < FB_LAYOUT_LINE_MAX - 1) {
            l->line[l->line_len++] = (c == '\t') ? ' ' : c;
        }
    }
    return now;
}

void fb_layout_status(struct fb_layout *l, const char *id)
{
    snprintf(l->current, sizeof(l->current), "%s", id ? id : "");
    draw_status(l);
}

const char *fb_layout_verdict(const struct tap_tally *t, uint8_t *colour)
{
    unsigned total = t->passed + t->failed + t->skipped;
    if (t->bailed_out) {
        *colour = FB_RED;
        return "BAIL OUT";
    }
    if (t->failed) {
        *colour = FB_RED;
        return "FAIL";
    }
    if (total && t->skipped == total) {
        *colour = FB_YELLOW;
        return "SKIPPED";
    }
    *colour = FB_GREEN;
    return "PASS";
}

/* The first YAML line is the machine-readable why; without YAML, the description. */
static const char *failure_why(const struct tap_tally_failure *f)
{
    return f->first_yaml[0] ? f->first_yaml : f->reason;
}

void fb_layout_summary(const struct tap_tally *t, struct fb_grid *grid, const char *const *footer,
                       unsigned footer_count)
{
    for (unsigned r = 0; r < grid->rows; r++)
        fb_grid_clear_row(grid, r, FB_TEXT, FB_BACKGROUND);
    uint8_t colour;
    const char *verdict = fb_layout_verdict(t, &colour);
    char text[160];
    unsigned row = 1;
    /* The verdict as a bar of its colour across the screen: readable from across the room. */
    fb_grid_clear_row(grid, row, FB_BACKGROUND, colour);
    put_text(grid, row, 2, verdict, FB_BACKGROUND, colour);
    row += 2;
    snprintf(text, sizeof(text), "passed %u   failed %u   skipped %u", t->passed, t->failed,
             t->skipped);
    put_text(grid, row, 2, text, FB_TEXT, FB_BACKGROUND);
    row += 2;
    if (t->bailed_out) {
        snprintf(text, sizeof(text), "Bail out! %s", t->bail_reason);
        put_text(grid, row++, 2, text, FB_RED, FB_BACKGROUND);
        row++;
    }
    /* The footer keeps its rows at the bottom; the failures get what is left. */
    unsigned footer_top = grid->rows > footer_count ? grid->rows - footer_count : row;
    if (t->failed) {
        put_text(grid, row++, 2, "failed:", FB_RED, FB_BACKGROUND);
        /* Each ID over its why when all of them fit so (rows before a blank row and the
         * footer); else one row each, the why after the ID, so more IDs are seen. */
        unsigned two_row_need = t->failed > t->failures_kept ? 1 : 0;
        for (unsigned i = 0; i < t->failures_kept; i++)
            two_row_need += failure_why(&t->failures[i])[0] ? 2 : 1;
        bool two_rows = row + two_row_need + 1 <= footer_top;
        unsigned shown = 0;
        for (; shown < t->failures_kept; shown++) {
            const struct tap_tally_failure *f = &t->failures[shown];
            const char *why = failure_why(f);
            unsigned need = (two_rows && why[0]) ? 2 : 1;
            bool last = shown + 1 == t->failures_kept && t->failed == t->failures_kept;
            if (row + need + (last ? 0 : 1) + 1 > footer_top) /* a blank row before the footer */
                break;
            unsigned col = fb_grid_put(grid, row, 4, f->id, strlen(f->id), FB_RED, FB_BACKGROUND);
            if (two_rows && why[0])
                put_text(grid, ++row, 6, why, FB_DIM, FB_BACKGROUND);
            else if (why[0])
                put_text(grid, row, col + 2, why, FB_DIM, FB_BACKGROUND);
            row++;
        }
        if (shown < t->failed) {
            snprintf(text, sizeof(text), "... and %u more (see the serial log)", t->failed - shown);
            put_text(grid, row++, 4, text, FB_RED, FB_BACKGROUND);
        }
    }
    if (footer_top < row)
        footer_top = row;
    for (unsigned i = 0; i < footer_count; i++)
        put_text(grid, footer_top + i, 2, footer[i], FB_TEXT, FB_BACKGROUND);
}
