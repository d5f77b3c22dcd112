/* Strict decoding of EFI load options: printable-ASCII UCS-2 text, an empty string, EDK2's auto-boot marker, or a refusal naming the character. */
#include "lib/load_options.h"

#include <stdio.h>
#include <string.h>

/* EDK2's boot manager gives the boot entries it creates itself (removable media, the
 * default path) this GUID as their optional data: it says who made the entry, nothing
 * for the image (MdeModulePkg BmBoot.c, mBmAutoCreateBootOptionGuid). */
static const uint8_t auto_boot_entry_guid[16] = {
    0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d, 0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2};

static int is_text_unit(uint16_t unit)
{
    return (unit >= 0x20 && unit < 0x7f) || unit == '\t' || unit == '\r' || unit == '\n';
}

int load_options_decode(const void *options, size_t bytes, char *out, size_t out_len,
                        char *why, size_t why_len)
{
    out[0] = '\0';
    why[0] = '\0';
    if (!options || bytes == 0)
        return LOAD_OPTIONS_NONE;
    if (bytes == sizeof(auto_boot_entry_guid) &&
        memcmp(options, auto_boot_entry_guid, sizeof(auto_boot_entry_guid)) == 0)
        return LOAD_OPTIONS_AUTO_BOOT_ENTRY;
    if (bytes % 2) {
        snprintf(why, why_len, "load options are %zu bytes, not UCS-2 text (an odd length)", bytes);
        return -1;
    }
    const uint8_t *p = options;
    size_t chars = bytes / 2, n = 0;
    for (; n < chars; n++) {
        uint16_t unit = (uint16_t)(p[2 * n] | p[2 * n + 1] << 8);
        if (unit == 0)
            break;
        if (!is_text_unit(unit)) {
            snprintf(why, why_len, "load option character %zu is U+%04X: only printable ASCII, "
                     "tab and line ends are accepted (a pasted no-break space or quote?)", n + 1,
                     unit);
            return -1;
        }
        if (n + 1 >= out_len) {
            snprintf(why, why_len, "load options are longer than %zu characters", out_len - 1);
            return -1;
        }
        out[n] = (char)unit;
    }
    out[n] = '\0';
    return n ? LOAD_OPTIONS_TEXT : LOAD_OPTIONS_EMPTY;
}
