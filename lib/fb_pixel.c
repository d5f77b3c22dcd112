/* GOP pixel formats: RGB colours packed into the 32-bit pixel of RGB, BGR and bit-mask framebuffers. */
#include "lib/fb_pixel.h"

#include <stdio.h>

/* A mask as a shift and a width; false when it is empty or has a hole. */
static bool mask_field(uint32_t mask, uint8_t *shift, uint8_t *bits)
{
    if (!mask)
        return false;
    unsigned s = (unsigned)__builtin_ctz(mask);
    uint32_t field = mask >> s;
    if (field & (field + 1)) /* not of the form 0..01..1 */
        return false;
    *shift = (uint8_t)s;
    *bits = (uint8_t)__builtin_popcount(mask);
    return true;
}

int fb_pixel_layout_init(struct fb_pixel_layout *layout, uint32_t format, const uint32_t masks[4],
                         char *why, size_t why_len)
{
    static const char *const names[3] = {"red", "green", "blue"};
    *layout = (struct fb_pixel_layout){.format = format};
    if (format == FB_PIXEL_RGB8 || format == FB_PIXEL_BGR8) {
        /* byte 0 is the lowest byte of a little-endian pixel */
        uint8_t red_shift = format == FB_PIXEL_RGB8 ? 0 : 16;
        *layout = (struct fb_pixel_layout){
            .format = format, .shift = {red_shift, 8, (uint8_t)(16 - red_shift)}, .bits = {8, 8, 8}};
        return 0;
    }
    if (format == FB_PIXEL_BLT_ONLY) {
        snprintf(why, why_len, "PixelBltOnly, no framebuffer");
        return -1;
    }
    if (format != FB_PIXEL_BITMASK) {
        snprintf(why, why_len, "pixel format %u unknown", format);
        return -1;
    }
    uint32_t seen = 0;
    for (unsigned c = 0; c < 3; c++) {
        if (!mask_field(masks[c], &layout->shift[c], &layout->bits[c])) {
            snprintf(why, why_len, "PixelBitMask %s mask 0x%08x is %s", names[c], masks[c],
                     masks[c] ? "not contiguous" : "empty");
            return -1;
        }
        if (seen & masks[c]) {
            snprintf(why, why_len, "PixelBitMask %s mask 0x%08x overlaps another", names[c], masks[c]);
            return -1;
        }
        seen |= masks[c];
    }
    if (seen & masks[3]) {
        snprintf(why, why_len, "PixelBitMask reserved mask 0x%08x overlaps a colour", masks[3]);
        return -1;
    }
    /* The pixel is as wide as the highest mask bit reaches (UEFI 2.10 12.9): only 4 bytes are
     * drawn with 32-bit writes. */
    unsigned top = 31u - (unsigned)__builtin_clz(seen | masks[3]);
    if (top < 24) {
        snprintf(why, why_len, "PixelBitMask pixel of %u bytes, only 4 supported", top / 8 + 1);
        return -1;
    }
    return 0;
}

/* An 8-bit level as a level of a bits-wide field, rounded: 255 is the field's maximum. */
static uint32_t scale_level(uint8_t level, unsigned bits)
{
    uint64_t max = (bits >= 32) ? 0xffffffffull : ((1ull << bits) - 1);
    return (uint32_t)((level * max + 127) / 255);
}

uint32_t fb_pixel_pack(const struct fb_pixel_layout *layout, uint8_t red, uint8_t green, uint8_t blue)
{
    const uint8_t levels[3] = {red, green, blue};
    uint32_t pixel = 0;
    for (unsigned c = 0; c < 3; c++)
        pixel |= scale_level(levels[c], layout->bits[c]) << layout->shift[c];
    return pixel;
}

void fb_pixel_describe(uint32_t format, const uint32_t masks[4], char *out, size_t len)
{
    if (format == FB_PIXEL_RGB8)
        snprintf(out, len, "RGBx8888");
    else if (format == FB_PIXEL_BGR8)
        snprintf(out, len, "BGRx8888");
    else if (format == FB_PIXEL_BITMASK)
        snprintf(out, len, "bitmask R=0x%08x,G=0x%08x,B=0x%08x,X=0x%08x", masks[0], masks[1],
                 masks[2], masks[3]);
    else if (format == FB_PIXEL_BLT_ONLY)
        snprintf(out, len, "BltOnly");
    else
        snprintf(out, len, "format %u", format);
}
