/* Host tests for lib/fb_text.c and lib/fb_layout.c: glyph lines, cell writes, scrolling, change tracking, the console and summary screens. */
#include "check.h"

#include "lib/fb_layout.h"
#include "lib/fb_text.h"

/* A 4x3 font of three glyphs: ' ', '!' (a vertical bar in column 1), '"' (a frame). */
static const unsigned char fixture_glyphs[] = {
    0x00, 0x00, 0x00,  /* ' ' */
    0x40, 0x40, 0x40,  /* '!' .#.. */
    0xf0, 0x90, 0xf0,  /* '"' #### #..# #### */
};
static const struct fb_font fixture_font = {"fixture", 4, 3, 1, 0x20, 3, fixture_glyphs};

static void glyph_line_bits_in_order(void)
{
    uint32_t out[4];
    fb_glyph_line(&fixture_font, '"', 1, 1, 7, 0, out);
    CHECK_EQ_U64(out[0], 7);
    CHECK_EQ_U64(out[1], 0);
    CHECK_EQ_U64(out[2], 0);
    CHECK_EQ_U64(out[3], 7);
    fb_glyph_line(&fixture_font, '!', 0, 1, 7, 0, out);
    CHECK_EQ_U64(out[0], 0);
    CHECK_EQ_U64(out[1], 7);
    CHECK_EQ_U64(out[2], 0);
}

/* Scale 2: each glyph pixel is a 2x2 block; line y shows glyph row y / 2. */
static void glyph_line_magnified(void)
{
    uint32_t out[8];
    fb_glyph_line(&fixture_font, '!', 5, 2, 9, 1, out);
    const uint32_t want[8] = {1, 1, 9, 9, 1, 1, 1, 1};
    for (unsigned x = 0; x < 8; x++)
        CHECK_EQ_U64(out[x], want[x]);
}

/* A character the font lacks draws as '?'; here the font lacks '?' too, so it is blank. */
static void glyph_outside_font_is_blank_here(void)
{
    uint32_t out[4] = {5, 5, 5, 5};
    fb_glyph_line(&fixture_font, 'A', 0, 1, 7, 3, out);
    for (unsigned x = 0; x < 4; x++)
        CHECK_EQ_U64(out[x], 3);
}

#define COLS 6
#define ROWS 4
static struct fb_cell cells[COLS * ROWS], shown[COLS * ROWS];
static uint8_t changed[ROWS];
static struct fb_grid grid;

struct drawn {
    unsigned count;
    char text[ROWS][COLS + 1];
};

static void record(void *ctx, unsigned row, unsigned col, struct fb_cell cell)
{
    struct drawn *d = ctx;
    d->count++;
    d->text[row][col] = (char)cell.ch;
}

static struct drawn draw(void)
{
    struct drawn d;
    memset(&d, 0, sizeof d);
    for (unsigned r = 0; r < ROWS; r++)
        memset(d.text[r], '.', COLS);
    fb_grid_draw_changes(&grid, record, &d);
    return d;
}

static void row_text(unsigned row, char out[COLS + 1])
{
    for (unsigned c = 0; c < COLS; c++)
        out[c] = (char)grid.cells[row * COLS + c].ch;
    out[COLS] = '\0';
}

static void first_draw_covers_every_cell_then_nothing(void)
{
    fb_grid_init(&grid, COLS, ROWS, cells, shown, changed);
    CHECK_EQ_U64(draw().count, COLS * ROWS);
    CHECK_EQ_U64(draw().count, 0);
}

static void only_changed_cells_are_drawn(void)
{
    fb_grid_init(&grid, COLS, ROWS, cells, shown, changed);
    draw();
    fb_grid_put(&grid, 1, 2, "ab", 2, FB_TEXT, FB_BACKGROUND);
    struct drawn d = draw();
    CHECK_EQ_U64(d.count, 2);
    CHECK_STR(d.text[1], "..ab..");
    /* The same text again draws nothing; the same letter in another colour draws it. */
    fb_grid_put(&grid, 1, 2, "ab", 2, FB_TEXT, FB_BACKGROUND);
    CHECK_EQ_U64(draw().count, 0);
    fb_grid_put(&grid, 1, 3, "b", 1, FB_RED, FB_BACKGROUND);
    CHECK_EQ_U64(draw().count, 1);
    /* A blank's foreground does not show: recolouring blanks draws nothing. */
    fb_grid_clear_row(&grid, 3, FB_GREEN, FB_BACKGROUND);
    CHECK_EQ_U64(draw().count, 0);
    fb_grid_clear_row(&grid, 3, FB_GREEN, FB_BAR);
    CHECK_EQ_U64(draw().count, COLS);
}

static void put_clips_at_the_row_end(void)
{
    fb_grid_init(&grid, COLS, ROWS, cells, shown, changed);
    CHECK_EQ_U64(fb_grid_put(&grid, 0, 4, "xyz", 3, FB_TEXT, FB_BACKGROUND), COLS);
    char t[COLS + 1];
    row_text(0, t);
    CHECK_STR(t, "    xy");
    row_text(1, t);
    CHECK_STR(t, "      ");
    CHECK_EQ_U64(fb_grid_put(&grid, ROWS, 0, "x", 1, FB_TEXT, FB_BACKGROUND), 0); /* no row */
}

static void scroll_moves_region_only(void)
{
    fb_grid_init(&grid, COLS, ROWS, cells, shown, changed);
    const char *lines[ROWS] = {"head", "one", "two", "stat"};
    for (unsigned r = 0; r < ROWS; r++)
        fb_grid_put(&grid, r, 0, lines[r], strlen(lines[r]), FB_TEXT, FB_BACKGROUND);
    draw();
    fb_grid_scroll_up(&grid, 1, 3, FB_BACKGROUND);
    char t[COLS + 1];
    row_text(0, t);
    CHECK_STR(t, "head  ");
    row_text(1, t);
    CHECK_STR(t, "two   ");
    row_text(2, t);
    CHECK_STR(t, "      ");
    row_text(3, t);
    CHECK_STR(t, "stat  ");
    /* Only the cells that now differ: "one" -> "two" (3) and "two" -> blanks (3). */
    struct drawn d = draw();
    CHECK_EQ_U64(d.count, 6);
    CHECK_STR(d.text[0], "......");
    CHECK_STR(d.text[3], "......");
}

/* ---- the console layout on a larger grid ---- */
#define LCOLS 40
#define LROWS 8
#define LROWS_MAX 13
static struct fb_cell lcells[LCOLS * LROWS_MAX], lshown[LCOLS * LROWS_MAX];
static uint8_t lchanged[LROWS_MAX];
static struct fb_grid lgrid;

static void lrow(unsigned row, char out[LCOLS + 1])
{
    for (unsigned c = 0; c < LCOLS; c++)
        out[c] = (char)lgrid.cells[row * LCOLS + c].ch;
    out[LCOLS] = '\0';
    for (int c = LCOLS - 1; c >= 0 && out[c] == ' '; c--)
        out[c] = '\0';
}

static void check_row(unsigned row, const char *want, int line)
{
    char t[LCOLS + 1];
    lrow(row, t);
    if (strcmp(t, want) != 0)
        check_fail(__FILE__, line, "row %u is \"%s\", expected \"%s\"", row, t, want);
}
#define CHECK_ROW(row, want) check_row((row), (want), __LINE__)

static struct fb_layout layout;

static void feed(const char *text)
{
    fb_layout_feed(&layout, text, strlen(text));
}

static void console_header_lines_status(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS, lcells, lshown, lchanged);
    const char *const header[] = {"nvmetal 0.1.0", "firmware: X"};
    fb_layout_begin(&layout, &lgrid, header, 2);
    CHECK_ROW(0, " nvmetal 0.1.0");
    CHECK_ROW(1, " firmware: X");
    CHECK_ROW(LROWS - 1, " test: -  passed 0  failed 0  skipped 0");
    CHECK_EQ_U64(lgrid.cells[0].bg, FB_BAR);
    /* Chunked writes make one line; '\r' is dropped. */
    feed("ok 1 - pci.en");
    feed("umerate\r");
    feed("\n");
    CHECK_ROW(2, "ok 1 - pci.enumerate");
    CHECK_EQ_U64(lgrid.cells[2 * LCOLS + 0].fg, FB_GREEN);
    CHECK_EQ_U64(lgrid.cells[2 * LCOLS + 1].fg, FB_GREEN);
    CHECK_EQ_U64(lgrid.cells[2 * LCOLS + 3].fg, FB_TEXT);
    fb_layout_status(&layout, "nvme.io.verify");
    feed("not ok 2 - nvme.io.verify: 00:03.0\n  ---\n  got: 5\n  ...\n");
    CHECK_ROW(3, "not ok 2 - nvme.io.verify: 00:03.0");
    CHECK_EQ_U64(lgrid.cells[3 * LCOLS + 0].fg, FB_RED);
    CHECK_EQ_U64(lgrid.cells[5 * LCOLS + 2].fg, FB_RED); /* its YAML */
    CHECK_ROW(LROWS - 1, " test: nv passed 1  failed 1  skipped 0");
    CHECK_EQ_U64(lgrid.cells[(LROWS - 1) * LCOLS + LCOLS - 2].bg, FB_RED);
}

static void console_scrolls_under_the_header(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS, lcells, lshown, lchanged);
    const char *const header[] = {"head"};
    fb_layout_begin(&layout, &lgrid, header, 1);
    char line[48];
    /* Region rows 1..6: 6 lines fit, the 7th scrolls the first out. */
    for (unsigned i = 1; i <= 8; i++) {
        snprintf(line, sizeof line, "# line %u\n", i);
        feed(line);
    }
    CHECK_ROW(0, " head");
    CHECK_ROW(1, "# line 3");
    CHECK_ROW(6, "# line 8");
    CHECK_EQ_U64(lgrid.cells[6 * LCOLS].fg, FB_DIM);
    feed("ok 9 - a # SKIP no\n");
    CHECK_ROW(6, "ok 9 - a # SKIP no");
    CHECK_EQ_U64(lgrid.cells[6 * LCOLS].fg, FB_YELLOW);
    CHECK_ROW(1, "# line 4");
    /* A line longer than the screen is cut there. */
    feed("# 0123456789012345678901234567890123456789-cut\n");
    CHECK_ROW(6, "# 01234567890123456789012345678901234567");
}

static void console_says_which_lines_draw_at_once(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS, lcells, lshown, lchanged);
    fb_layout_begin(&layout, &lgrid, NULL, 0);
    CHECK(!fb_layout_feed(&layout, "ok 1 - a\n", 9));
    CHECK(!fb_layout_feed(&layout, "# diag\n", 7));
    CHECK(fb_layout_feed(&layout, "# nvmetal: 1 passed, 0 failed, 0 skipped\n", 41));
    CHECK(fb_layout_feed(&layout, "1..1\n", 5));
    CHECK(fb_layout_feed(&layout, "Bail out! no timer\n", 19));
    CHECK(!fb_layout_feed(&layout, "1..", 3)); /* not a line yet */
}

static void summary_of_a_failed_run(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS + 5, lcells, lshown, lchanged);
    struct tap_tally t;
    tap_tally_init(&t);
    const char *lines[] = {"ok 1 - a", "not ok 2 - b.c: dev", "  ---", "  got: 1", "  ...",
                           "ok 3 - d # SKIP x", "not ok 4 - e: no YAML, so this"};
    for (unsigned i = 0; i < CHECK_COUNT(lines); i++)
        tap_tally_line(&t, lines[i]);
    const char *const footer[] = {"saved: \\results", "press a key"};
    fb_layout_summary(&t, &lgrid, footer, 2);
    CHECK_ROW(1, "  FAIL");
    CHECK_EQ_U64(lgrid.cells[1 * LCOLS + 2].bg, FB_RED);
    CHECK_EQ_U64(lgrid.cells[1 * LCOLS + 30].bg, FB_RED);
    CHECK_ROW(3, "  passed 1   failed 2   skipped 1");
    CHECK_ROW(5, "  failed:");
    CHECK_ROW(6, "    b.c");
    CHECK_ROW(7, "      got: 1");
    CHECK_ROW(8, "    e");
    CHECK_ROW(9, "      no YAML, so this");
    CHECK_ROW(10, "");
    CHECK_ROW(11, "  saved: \\results");
    CHECK_ROW(12, "  press a key");
}

static void summary_counts_what_does_not_fit(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS, lcells, lshown, lchanged);
    struct tap_tally t;
    tap_tally_init(&t);
    char line[32];
    for (unsigned i = 1; i <= 5; i++) {
        snprintf(line, sizeof line, "not ok %u - f%u", i, i);
        tap_tally_line(&t, line);
    }
    const char *const footer[] = {"key"};
    fb_layout_summary(&t, &lgrid, footer, 1);
    /* rows: 1 verdict, 3 counts, 5 "failed:", 6 one ID, then the "more" line, 7 footer */
    CHECK_ROW(5, "  failed:");
    CHECK_ROW(6, "    ... and 5 more (see the serial log)");
    CHECK_ROW(7, "  key");
    uint8_t colour;
    CHECK_STR(fb_layout_verdict(&t, &colour), "FAIL");
}

/* Not all failures fit over their why: one row each, the why after the ID. */
static void summary_one_row_each_when_crowded(void)
{
    fb_grid_init(&lgrid, LCOLS, LROWS + 2, lcells, lshown, lchanged);
    struct tap_tally t;
    tap_tally_init(&t);
    tap_tally_line(&t, "not ok 1 - f.one: first why");
    tap_tally_line(&t, "not ok 2 - f.two");
    tap_tally_line(&t, "  ---");
    tap_tally_line(&t, "  lba: 7");
    tap_tally_line(&t, "  ...");
    tap_tally_line(&t, "not ok 3 - f.three: third");
    const char *const footer[] = {"key"};
    fb_layout_summary(&t, &lgrid, footer, 1);
    /* 10 rows: footer at 9, a blank at 8, rows 6..7 for the list: two rows each would need 6 */
    CHECK_ROW(6, "    f.one  first why");
    CHECK_ROW(7, "    ... and 2 more (see the serial log)");
    CHECK_ROW(8, "");
    CHECK_ROW(9, "  key");
    CHECK_EQ_U64(lgrid.cells[6 * LCOLS + 4].fg, FB_RED);
    CHECK_EQ_U64(lgrid.cells[6 * LCOLS + 11].fg, FB_DIM);
    /* Two more rows: all three fit on one row each, still not on two. */
    fb_grid_init(&lgrid, LCOLS, LROWS + 4, lcells, lshown, lchanged);
    fb_layout_summary(&t, &lgrid, footer, 1);
    CHECK_ROW(6, "    f.one  first why");
    CHECK_ROW(7, "    f.two  lba: 7");
    CHECK_ROW(8, "    f.three  third");
    CHECK_ROW(9, "");
    CHECK_ROW(11, "  key");
}

static void verdict_words(void)
{
    struct tap_tally t;
    uint8_t colour;
    tap_tally_init(&t);
    CHECK_STR(fb_layout_verdict(&t, &colour), "PASS");
    tap_tally_line(&t, "ok 1 - a # SKIP x");
    CHECK_STR(fb_layout_verdict(&t, &colour), "SKIPPED");
    CHECK_EQ_U64(colour, FB_YELLOW);
    tap_tally_line(&t, "ok 2 - b");
    CHECK_STR(fb_layout_verdict(&t, &colour), "PASS");
    CHECK_EQ_U64(colour, FB_GREEN);
    tap_tally_line(&t, "not ok 3 - c");
    CHECK_STR(fb_layout_verdict(&t, &colour), "FAIL");
    tap_tally_line(&t, "Bail out! gone");
    CHECK_STR(fb_layout_verdict(&t, &colour), "BAIL OUT");
    CHECK_EQ_U64(colour, FB_RED);
}

static const struct check_case cases[] = {
    CHECK_CASE(glyph_line_bits_in_order),
    CHECK_CASE(glyph_line_magnified),
    CHECK_CASE(glyph_outside_font_is_blank_here),
    CHECK_CASE(first_draw_covers_every_cell_then_nothing),
    CHECK_CASE(only_changed_cells_are_drawn),
    CHECK_CASE(put_clips_at_the_row_end),
    CHECK_CASE(scroll_moves_region_only),
    CHECK_CASE(console_header_lines_status),
    CHECK_CASE(console_scrolls_under_the_header),
    CHECK_CASE(console_says_which_lines_draw_at_once),
    CHECK_CASE(summary_of_a_failed_run),
    CHECK_CASE(summary_counts_what_does_not_fit),
    CHECK_CASE(summary_one_row_each_when_crowded),
    CHECK_CASE(verdict_words),
};

int main(void)
{
    return CHECK_RUN("fb_text", cases);
}
