/* GOP pixel formats: which ones a console can draw on, and an RGB colour packed as one 32-bit pixel of each. */
#ifndef NVMETAL_LIB_FB_PIXEL_H
#define NVMETAL_LIB_FB_PIXEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* EFI_GRAPHICS_PIXEL_FORMAT (UEFI 2.10 section 12.9). */
enum fb_pixel_format {
    FB_PIXEL_RGB8 = 0,    /* PixelRedGreenBlueReserved8BitPerColor: byte 0 red */
    FB_PIXEL_BGR8 = 1,    /* PixelBlueGreenRedReserved8BitPerColor: byte 0 blue */
    FB_PIXEL_BITMASK = 2, /* PixelBitMask: the four masks say where each colour is */
    FB_PIXEL_BLT_ONLY = 3 /* PixelBltOnly: no framebuffer to write */
};

/* Where each colour sits in a 32-bit pixel. */
struct fb_pixel_layout {
    uint32_t format;
    uint8_t shift[3], bits[3]; /* red, green, blue */
};

/* Fills layout for format (masks: red, green, blue, reserved; read for FB_PIXEL_BITMASK only).
 * Returns 0, or -1 with why naming what cannot be drawn on: BltOnly, an unknown format, masks
 * that are empty, not contiguous, overlapping, or not a 32-bit pixel. */
int fb_pixel_layout_init(struct fb_pixel_layout *layout, uint32_t format, const uint32_t masks[4],
                         char *why, size_t why_len);

/* The 32-bit pixel of an 8-bit-per-colour RGB colour (scaled to each mask's width). */
uint32_t fb_pixel_pack(const struct fb_pixel_layout *layout, uint8_t red, uint8_t green, uint8_t blue);

/* "RGBx8888", "BGRx8888" or "bitmask R=0x..,G=0x..,B=0x.." for the banner. */
void fb_pixel_describe(uint32_t format, const uint32_t masks[4], char *out, size_t len);

#endif
