/* The screen console: the GOP framebuffer left after ExitBootServices, drawn as a TAP console sink with a status line and an end-of-run summary. */
#ifndef NVMETAL_DRIVERS_FRAMEBUFFER_FB_CONSOLE_H
#define NVMETAL_DRIVERS_FRAMEBUFFER_FB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The framebuffer as GOP described it (boot/boot_info.h struct boot_framebuffer). */
struct fb_console_mode {
    uint64_t base, size;
    uint32_t width, height, pixels_per_scan_line, pixel_format;
    uint32_t masks[4]; /* red, green, blue, reserved: PixelBitMask only */
};

/* Takes the framebuffer over: checks the mode, blanks it, shows the header lines (at most 4).
 * Returns 0, or -1 with why saying why there is no screen console. */
int fb_console_start(const struct fb_console_mode *mode, const char *const *header,
                     unsigned header_count, char *why, size_t why_len);
/* "WxH FORMAT, COLSxROWS cells, font NAME" for the banner. */
void fb_console_describe(char *out, size_t len);
/* The console sink: TAP text, drawn at most every 100 ms (and at once for the verdict lines). */
void fb_console_write(const char *text, size_t len);
/* The console status callback: the case that starts now (the status line is drawn at once). */
void fb_console_status(const char *id);
/* Draws whatever is not on the screen yet. */
void fb_console_flush(void);
/* The end-of-run screen in large text: verdict, counts, failed IDs with their first YAML line,
 * then footer_lines. Nothing draws on the screen after it. True when it was drawn (there is a
 * screen console, and this was its first summary). */
bool fb_console_summary(const char *const *footer_lines, unsigned footer_count);

#endif
