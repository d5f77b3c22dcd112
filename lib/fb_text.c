/* A text grid for a framebuffer: cell writes, scrolling, change tracking, and glyph lines rendered into RAM. */
#include "lib/fb_text.h"

#include <string.h>

/* Dark navy background; the text colours are far apart in every channel so a swapped red and
 * blue shows (the harness checks the green of "ok" and the red of "not ok"). */
const uint8_t fb_colour_rgb[FB_COLOUR_COUNT][3] = {
    [FB_BACKGROUND] = {0x00, 0x00, 0x28},
    [FB_TEXT] = {0xe0, 0xe0, 0xe0},
    [FB_DIM] = {0x90, 0x90, 0x90},
    [FB_GREEN] = {0x20, 0xe0, 0x20},
    [FB_RED] = {0xff, 0x30, 0x30},
    [FB_YELLOW] = {0xe0, 0xd0, 0x20},
    [FB_BAR] = {0x30, 0x40, 0x80},
    [FB_BAR_TEXT] = {0xff, 0xff, 0xff},
};

#define UNDRAWN 0xff

void fb_grid_init(struct fb_grid *grid, unsigned cols, unsigned rows, struct fb_cell *cells,
                  struct fb_cell *shown, uint8_t *row_changed)
{
    *grid = (struct fb_grid){cols, rows, cells, shown, row_changed};
    for (unsigned r = 0; r < rows; r++) {
        fb_grid_clear_row(grid, r, FB_TEXT, FB_BACKGROUND);
        for (unsigned c = 0; c < cols; c++)
            shown[r * cols + c] = (struct fb_cell){' ', UNDRAWN, UNDRAWN};
    }
}

void fb_grid_clear_row(struct fb_grid *grid, unsigned row, uint8_t fg, uint8_t bg)
{
    if (row >= grid->rows)
        return;
    for (unsigned c = 0; c < grid->cols; c++)
        grid->cells[row * grid->cols + c] = (struct fb_cell){' ', fg, bg};
    grid->row_changed[row] = 1;
}

unsigned fb_grid_put(struct fb_grid *grid, unsigned row, unsigned col, const char *text, size_t len,
                     uint8_t fg, uint8_t bg)
{
    if (row >= grid->rows)
        return col;
    for (size_t i = 0; i < len && col < grid->cols; i++, col++)
        grid->cells[row * grid->cols + col] = (struct fb_cell){(uint8_t)text[i], fg, bg};
    grid->row_changed[row] = 1;
    return col;
}

void fb_grid_scroll_up(struct fb_grid *grid, unsigned top, unsigned bottom, uint8_t bg)
{
    if (bottom > grid->rows)
        bottom = grid->rows;
    if (top + 1 >= bottom) {
        if (top < bottom)
            fb_grid_clear_row(grid, top, FB_TEXT, bg);
        return;
    }
    memmove(&grid->cells[top * grid->cols], &grid->cells[(top + 1) * grid->cols],
            (size_t)(bottom - 1 - top) * grid->cols * sizeof(struct fb_cell));
    for (unsigned r = top; r < bottom; r++)
        grid->row_changed[r] = 1;
    fb_grid_clear_row(grid, bottom - 1, FB_TEXT, bg);
}

static bool same_cell(struct fb_cell a, struct fb_cell b)
{
    /* Blanks in the same background look the same whatever their foreground. */
    if (a.ch == ' ' && b.ch == ' ')
        return a.bg == b.bg;
    return a.ch == b.ch && a.fg == b.fg && a.bg == b.bg;
}

unsigned fb_grid_draw_row_changes(struct fb_grid *grid, unsigned r,
                                  void (*draw)(void *ctx, unsigned row, unsigned col, struct fb_cell cell),
                                  void *ctx)
{
    if (r >= grid->rows || !grid->row_changed[r])
        return 0;
    grid->row_changed[r] = 0;
    unsigned drawn = 0;
    for (unsigned c = 0; c < grid->cols; c++) {
        struct fb_cell want = grid->cells[r * grid->cols + c];
        struct fb_cell *was = &grid->shown[r * grid->cols + c];
        if (was->bg != UNDRAWN && same_cell(want, *was))
            continue;
        draw(ctx, r, c, want);
        *was = want;
        drawn++;
    }
    return drawn;
}

unsigned fb_grid_draw_changes(struct fb_grid *grid,
                              void (*draw)(void *ctx, unsigned row, unsigned col, struct fb_cell cell),
                              void *ctx)
{
    unsigned drawn = 0;
    for (unsigned r = 0; r < grid->rows; r++)
        drawn += fb_grid_draw_row_changes(grid, r, draw, ctx);
    return drawn;
}

void fb_glyph_line(const struct fb_font *font, uint8_t ch, unsigned y, unsigned scale, uint32_t fg,
                   uint32_t bg, uint32_t *out)
{
    if (ch < font->first || ch >= font->first + font->count)
        ch = '?';
    unsigned line = y / scale;
    unsigned width = font->width * scale;
    /* Outside the glyph, or a font without '?': blank. */
    if (line >= font->height || ch < font->first || ch >= font->first + font->count) {
        for (unsigned x = 0; x < width; x++)
            out[x] = bg;
        return;
    }
    const unsigned char *bits = font->glyphs +
        ((size_t)(ch - font->first) * font->height + line) * font->bytes_per_row;
    for (unsigned x = 0; x < width; x++) {
        unsigned px = x / scale;
        bool ink = bits[px / 8] & (0x80u >> (px % 8));
        out[x] = ink ? fg : bg;
    }
}
