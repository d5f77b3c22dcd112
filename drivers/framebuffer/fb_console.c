/* The screen console: text cells drawn on the GOP framebuffer with 32-bit MMIO writes, redrawn only where they changed and at most every 100 ms. */
#include "drivers/framebuffer/fb_console.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "lib/fb_font.h"
#include "lib/fb_layout.h"
#include "lib/fb_pixel.h"
#include "lib/fb_text.h"

/* Under TCG every framebuffer write costs: draws are batched this far apart. */
#define DRAW_INTERVAL_MS 100
#define BYTES_PER_PIXEL  4
/* The summary's large text: each glyph pixel as a 2x2 block when the screen has the room. */
#define SUMMARY_SCALE     2
#define SUMMARY_MIN_COLS  60
#define SUMMARY_MIN_ROWS  16

static struct {
    bool on, summary_shown;
    uint64_t base;
    uint32_t width, height, pitch; /* pitch in pixels */
    uint32_t palette[FB_COLOUR_COUNT];
    const struct fb_font *font;
    unsigned scale;
    struct fb_grid grid;
    struct fb_layout layout;
    struct fb_cell *cells, *shown;
    uint8_t *row_changed;
    uint32_t *line; /* one pixel line of one cell, rendered in RAM before it is written */
    uint64_t last_draw_tsc;
    char format[80];
} fb;

static void fill_rect(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t pixel)
{
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++)
            mmio_write32(fb.base + ((uint64_t)y * fb.pitch + x) * BYTES_PER_PIXEL, pixel);
}

static void draw_cell(void *ctx, unsigned row, unsigned col, struct fb_cell cell)
{
    (void)ctx;
    unsigned cell_w = fb.font->width * fb.scale, cell_h = fb.font->height * fb.scale;
    uint64_t x0 = (uint64_t)col * cell_w, y0 = (uint64_t)row * cell_h;
    for (unsigned y = 0; y < cell_h; y++) {
        fb_glyph_line(fb.font, cell.ch, y, fb.scale, fb.palette[cell.fg], fb.palette[cell.bg], fb.line);
        uint64_t address = fb.base + ((y0 + y) * fb.pitch + x0) * BYTES_PER_PIXEL;
        for (unsigned x = 0; x < cell_w; x++)
            mmio_write32(address + (uint64_t)x * BYTES_PER_PIXEL, fb.line[x]);
    }
}

/* A grid over the whole screen in cells magnified scale times; the strips the cells do not
 * cover (width and height not multiples of a cell) are blanked once. */
static void start_grid(unsigned scale)
{
    fb.scale = scale;
    unsigned cols = fb.width / (fb.font->width * scale), rows = fb.height / (fb.font->height * scale);
    fb_grid_init(&fb.grid, cols, rows, fb.cells, fb.shown, fb.row_changed);
    uint32_t used_w = cols * fb.font->width * scale, used_h = rows * fb.font->height * scale;
    fill_rect(used_w, 0, fb.width, fb.height, fb.palette[FB_BACKGROUND]);
    fill_rect(0, used_h, used_w, fb.height, fb.palette[FB_BACKGROUND]);
}

static void draw_now(void)
{
    fb_grid_draw_changes(&fb.grid, draw_cell, NULL);
    fb.last_draw_tsc = rdtsc();
}

/* Before the TSC is calibrated (the banner) every write is drawn: there are a few only. */
static void draw_if_due(bool now)
{
    uint64_t hz = timer_tsc_hz();
    if (now || hz == 0 || rdtsc() - fb.last_draw_tsc >= hz / 1000 * DRAW_INTERVAL_MS)
        draw_now();
}

int fb_console_start(const struct fb_console_mode *mode, const char *const *header,
                     unsigned header_count, char *why, size_t why_len)
{
    struct fb_pixel_layout layout;
    if (fb_pixel_layout_init(&layout, mode->pixel_format, mode->masks, why, why_len) != 0)
        return -1;
    fb.font = &fb_console_font;
    if (mode->width < fb.font->width * 20 || mode->height < fb.font->height * 5) {
        snprintf(why, why_len, "%ux%u is too small for %ux%u cells", mode->width, mode->height,
                 fb.font->width, fb.font->height);
        return -1;
    }
    if (mode->pixels_per_scan_line < mode->width ||
        (uint64_t)mode->pixels_per_scan_line * mode->height * BYTES_PER_PIXEL > mode->size) {
        snprintf(why, why_len, "framebuffer of 0x%llx bytes is smaller than %u lines of %u pixels",
                 (unsigned long long)mode->size, mode->height, mode->pixels_per_scan_line);
        return -1;
    }
    unsigned cols = mode->width / fb.font->width, rows = mode->height / fb.font->height;
    fb.cells = malloc(sizeof(struct fb_cell) * cols * rows);
    fb.shown = malloc(sizeof(struct fb_cell) * cols * rows);
    fb.row_changed = malloc(rows);
    fb.line = malloc(sizeof(uint32_t) * fb.font->width * SUMMARY_SCALE);
    if (!fb.cells || !fb.shown || !fb.row_changed || !fb.line) {
        free(fb.cells), free(fb.shown), free(fb.row_changed), free(fb.line);
        snprintf(why, why_len, "no heap for %ux%u cells", cols, rows);
        return -1;
    }
    fb.base = mode->base;
    fb.width = mode->width;
    fb.height = mode->height;
    fb.pitch = mode->pixels_per_scan_line;
    for (unsigned c = 0; c < FB_COLOUR_COUNT; c++)
        fb.palette[c] = fb_pixel_pack(&layout, fb_colour_rgb[c][0], fb_colour_rgb[c][1],
                                      fb_colour_rgb[c][2]);
    fb_pixel_describe(mode->pixel_format, mode->masks, fb.format, sizeof(fb.format));
    start_grid(1);
    fb_layout_begin(&fb.layout, &fb.grid, header, header_count);
    draw_now();
    fb.on = true;
    return 0;
}

void fb_console_describe(char *out, size_t len)
{
    snprintf(out, len, "%ux%u %s, %ux%u cells, font %s", fb.width, fb.height, fb.format,
             fb.grid.cols, fb.grid.rows, fb.font ? fb.font->name : "none");
}

void fb_console_write(const char *text, size_t len)
{
    if (!fb.on || fb.summary_shown)
        return;
    bool now = fb_layout_feed(&fb.layout, text, len);
    draw_if_due(now);
}

void fb_console_status(const char *id)
{
    if (!fb.on || fb.summary_shown)
        return;
    fb_layout_status(&fb.layout, id);
    /* The status line at once, however soon after the last draw: the case may run for minutes
     * without a line, and the screen must name it meanwhile. The rest waits for its turn. */
    fb_grid_draw_row_changes(&fb.grid, fb.grid.rows - 1, draw_cell, NULL);
    draw_if_due(false);
}

void fb_console_flush(void)
{
    if (fb.on && !fb.summary_shown)
        draw_now();
}

bool fb_console_summary(const char *const *footer_lines, unsigned footer_count)
{
    if (!fb.on || fb.summary_shown)
        return false;
    fb.summary_shown = true;
    bool large = fb.width / (fb.font->width * SUMMARY_SCALE) >= SUMMARY_MIN_COLS &&
                 fb.height / (fb.font->height * SUMMARY_SCALE) >= SUMMARY_MIN_ROWS;
    start_grid(large ? SUMMARY_SCALE : 1);
    fb_layout_summary(&fb.layout.tally, &fb.grid, footer_lines, footer_count);
    draw_now();
    return true;
}
