/* A bitmap console font as image/font_to_c.py emits it from a PSF file: one bit per pixel, rows top down. */
#ifndef NVMETAL_LIB_FB_FONT_H
#define NVMETAL_LIB_FB_FONT_H

struct fb_font {
    const char *name;          /* the PSF file it came from, e.g. "Lat15-Terminus16" */
    unsigned width, height;    /* pixels of one glyph */
    unsigned bytes_per_row;    /* (width + 7) / 8; the leftmost pixel is the top bit */
    unsigned first, count;     /* code points first .. first + count - 1 */
    const unsigned char *glyphs; /* count * height * bytes_per_row bytes */
};

/* The font the build generates (build/gen/font_console.c). */
extern const struct fb_font fb_console_font;

#endif
