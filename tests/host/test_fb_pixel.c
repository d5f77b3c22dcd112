/* Host tests for lib/fb_pixel.c: RGB and BGR byte order, bit masks of any position and width, the formats refused. */
#include "check.h"

#include "lib/fb_pixel.h"

static const uint32_t no_masks[4] = {0, 0, 0, 0};

/* Byte 0 of a pixel is its lowest byte in memory (x86 is little-endian). */
static uint8_t byte_of(uint32_t pixel, unsigned i)
{
    uint8_t bytes[4];
    memcpy(bytes, &pixel, 4);
    return bytes[i];
}

static void rgb_puts_red_in_byte_0(void)
{
    struct fb_pixel_layout l;
    char why[96];
    CHECK_EQ_U64(fb_pixel_layout_init(&l, FB_PIXEL_RGB8, no_masks, why, sizeof why), 0);
    uint32_t p = fb_pixel_pack(&l, 0x11, 0x22, 0x33);
    CHECK_EQ_U64(byte_of(p, 0), 0x11);
    CHECK_EQ_U64(byte_of(p, 1), 0x22);
    CHECK_EQ_U64(byte_of(p, 2), 0x33);
    CHECK_EQ_U64(byte_of(p, 3), 0);
}

static void bgr_puts_blue_in_byte_0(void)
{
    struct fb_pixel_layout l;
    char why[96];
    CHECK_EQ_U64(fb_pixel_layout_init(&l, FB_PIXEL_BGR8, no_masks, why, sizeof why), 0);
    uint32_t p = fb_pixel_pack(&l, 0x11, 0x22, 0x33);
    CHECK_EQ_U64(byte_of(p, 0), 0x33);
    CHECK_EQ_U64(byte_of(p, 1), 0x22);
    CHECK_EQ_U64(byte_of(p, 2), 0x11);
    CHECK_EQ_U64(p, 0x00112233);
}

/* A bit-mask format laid out like BGR packs exactly like BGR, for every level. */
static void bitmask_as_bgr_equals_bgr(void)
{
    const uint32_t masks[4] = {0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000};
    struct fb_pixel_layout mask, bgr;
    char why[96];
    CHECK_EQ_U64(fb_pixel_layout_init(&mask, FB_PIXEL_BITMASK, masks, why, sizeof why), 0);
    CHECK_EQ_U64(fb_pixel_layout_init(&bgr, FB_PIXEL_BGR8, no_masks, why, sizeof why), 0);
    unsigned differ = 0;
    for (unsigned v = 0; v < 256; v++)
        differ += fb_pixel_pack(&mask, (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v ^ 0x5a)) !=
                  fb_pixel_pack(&bgr, (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v ^ 0x5a));
    CHECK_EQ_U64(differ, 0);
}

/* 10-bit colours (a 2:10:10:10 mode): full scale fills the field, zero leaves it empty,
 * and each level lands in its own field only. */
static void bitmask_ten_bit_fields(void)
{
    const uint32_t masks[4] = {0x3ff00000, 0x000ffc00, 0x000003ff, 0xc0000000};
    struct fb_pixel_layout l;
    char why[96];
    CHECK_EQ_U64(fb_pixel_layout_init(&l, FB_PIXEL_BITMASK, masks, why, sizeof why), 0);
    CHECK_EQ_U64(fb_pixel_pack(&l, 255, 0, 0), 0x3ff00000);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 255, 0), 0x000ffc00);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 0, 255), 0x000003ff);
    CHECK_EQ_U64(fb_pixel_pack(&l, 255, 255, 255), 0x3fffffff);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 0, 0), 0);
    /* 128/255 of 1023, rounded: 513.5... -> 514 */
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 0, 128), (128u * 1023 + 127) / 255);
}

/* Narrow fields at odd places (5:6:5 in the top half, reserved low): levels scale down, rounded. */
static void bitmask_narrow_fields_anywhere(void)
{
    const uint32_t masks[4] = {0xf8000000, 0x07e00000, 0x001f0000, 0x0000ffff};
    struct fb_pixel_layout l;
    char why[96];
    CHECK_EQ_U64(fb_pixel_layout_init(&l, FB_PIXEL_BITMASK, masks, why, sizeof why), 0);
    CHECK_EQ_U64(fb_pixel_pack(&l, 255, 255, 255), 0xffff0000);
    CHECK_EQ_U64(fb_pixel_pack(&l, 255, 0, 0), 0xf8000000);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 255, 0), 0x07e00000);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 0, 255), 0x001f0000);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0, 0x80, 0) >> 21, (0x80u * 63 + 127) / 255);
    CHECK_EQ_U64(fb_pixel_pack(&l, 0x04, 0, 0), 0); /* 4*31/255 = 0.49: below half a step */
    CHECK_EQ_U64(fb_pixel_pack(&l, 0x05, 0, 0) >> 27, 1); /* 5*31/255 = 0.6, rounds to 1 */
}

static void refuses(uint32_t format, uint32_t r, uint32_t g, uint32_t b, uint32_t x, const char *why_has)
{
    const uint32_t masks[4] = {r, g, b, x};
    struct fb_pixel_layout l;
    char why[96] = "";
    CHECK_EQ_U64(fb_pixel_layout_init(&l, format, masks, why, sizeof why), (uint64_t)-1);
    if (!strstr(why, why_has))
        check_fail(__FILE__, __LINE__, "why \"%s\" lacks \"%s\"", why, why_has);
}

static void refused_formats_and_masks(void)
{
    refuses(FB_PIXEL_BLT_ONLY, 0, 0, 0, 0, "PixelBltOnly");
    refuses(4, 0, 0, 0, 0, "pixel format 4 unknown");
    refuses(FB_PIXEL_BITMASK, 0, 0x0000ff00, 0x000000ff, 0xff000000, "red mask 0x00000000 is empty");
    refuses(FB_PIXEL_BITMASK, 0x00ff0000, 0x0000f0f0, 0x0000000f, 0xff000000, "green mask 0x0000f0f0 is not contiguous");
    refuses(FB_PIXEL_BITMASK, 0x00ff0000, 0x0001ff00, 0x000000ff, 0xff000000, "green mask 0x0001ff00 overlaps");
    refuses(FB_PIXEL_BITMASK, 0x00ff0000, 0x0000ff00, 0x000000ff, 0xff800000, "reserved mask 0xff800000 overlaps");
    refuses(FB_PIXEL_BITMASK, 0xf800, 0x07e0, 0x001f, 0, "pixel of 2 bytes");
    refuses(FB_PIXEL_BITMASK, 0xff0000, 0xff00, 0xff, 0, "pixel of 3 bytes");
}

static void describes_each_format(void)
{
    char out[96];
    fb_pixel_describe(FB_PIXEL_RGB8, no_masks, out, sizeof out);
    CHECK_STR(out, "RGBx8888");
    fb_pixel_describe(FB_PIXEL_BGR8, no_masks, out, sizeof out);
    CHECK_STR(out, "BGRx8888");
    const uint32_t masks[4] = {0x3ff00000, 0x000ffc00, 0x000003ff, 0xc0000000};
    fb_pixel_describe(FB_PIXEL_BITMASK, masks, out, sizeof out);
    CHECK_STR(out, "bitmask R=0x3ff00000,G=0x000ffc00,B=0x000003ff,X=0xc0000000");
}

static const struct check_case cases[] = {
    CHECK_CASE(rgb_puts_red_in_byte_0),
    CHECK_CASE(bgr_puts_blue_in_byte_0),
    CHECK_CASE(bitmask_as_bgr_equals_bgr),
    CHECK_CASE(bitmask_ten_bit_fields),
    CHECK_CASE(bitmask_narrow_fields_anywhere),
    CHECK_CASE(refused_formats_and_masks),
    CHECK_CASE(describes_each_format),
};

int main(void)
{
    return CHECK_RUN("fb_pixel", cases);
}
