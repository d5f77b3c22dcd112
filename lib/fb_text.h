/* A text grid for a framebuffer: cells of character and colours, scrolling, and which cells changed since the last draw. */
#ifndef NVMETAL_LIB_FB_TEXT_H
#define NVMETAL_LIB_FB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fb_font.h"

/* Colours by name; the driver packs each into its pixel format once. */
enum fb_colour {
    FB_BACKGROUND,
    FB_TEXT,
    FB_DIM,       /* diagnostics, YAML */
    FB_GREEN,     /* ok, PASS */
    FB_RED,       /* not ok, FAIL, Bail out */
    FB_YELLOW,    /* SKIP */
    FB_BAR,       /* header and status line background */
    FB_BAR_TEXT,
    FB_COLOUR_COUNT
};

/* The RGB of each colour (what the harness expects to find in a screendump). */
extern const uint8_t fb_colour_rgb[FB_COLOUR_COUNT][3];

struct fb_cell {
    uint8_t ch; /* a code point of the font; anything else draws as '?' */
    uint8_t fg, bg; /* enum fb_colour */
};

struct fb_grid {
    unsigned cols, rows;
    struct fb_cell *cells;  /* cols * rows: what should be on the screen */
    struct fb_cell *shown;  /* cols * rows: what was drawn last (fg = 0xff: unknown) */
    uint8_t *row_changed;   /* rows: a cell of the row was written since the last draw */
};

/* Storage is the caller's: cells and shown hold cols * rows each, row_changed rows. The grid
 * starts blank and wholly undrawn, so the first draw covers every cell. */
void fb_grid_init(struct fb_grid *grid, unsigned cols, unsigned rows, struct fb_cell *cells,
                  struct fb_cell *shown, uint8_t *row_changed);
/* Blanks one row in colours fg on bg. */
void fb_grid_clear_row(struct fb_grid *grid, unsigned row, uint8_t fg, uint8_t bg);
/* Writes text from (row, col), clipped at the row's end; returns the column after it. */
unsigned fb_grid_put(struct fb_grid *grid, unsigned row, unsigned col, const char *text, size_t len,
                     uint8_t fg, uint8_t bg);
/* Rows top+1 .. bottom-1 move up one; row bottom-1 is blanked (bg). */
void fb_grid_scroll_up(struct fb_grid *grid, unsigned top, unsigned bottom, uint8_t bg);
/* Calls draw for each cell that differs from what was drawn, then records it as drawn;
 * returns how many cells were drawn. */
unsigned fb_grid_draw_changes(struct fb_grid *grid,
                              void (*draw)(void *ctx, unsigned row, unsigned col, struct fb_cell cell),
                              void *ctx);

/* The same for one row only. */
unsigned fb_grid_draw_row_changes(struct fb_grid *grid, unsigned row,
                                  void (*draw)(void *ctx, unsigned row, unsigned col, struct fb_cell cell),
                                  void *ctx);

/* Pixel line y (0 .. font height * scale - 1) of character ch magnified scale times, as
 * font width * scale pixels fg on bg into out. */
void fb_glyph_line(const struct fb_font *font, uint8_t ch, unsigned y, unsigned scale, uint32_t fg,
                   uint32_t bg, uint32_t *out);

#endif
