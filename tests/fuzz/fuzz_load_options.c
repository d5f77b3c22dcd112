/* libFuzzer harness for lib/load_options.c: EFI LoadOptions bytes decoded as efi_main does, then parsed as load options. */
#include "fuzz_common.h"

#include "lib/config.h"
#include "lib/load_options.h"

static const uint8_t auto_boot_entry_guid[16] = {
    0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d, 0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2};

static bool is_text_unit(uint16_t unit)
{
    return (unit >= 0x20 && unit < 0x7f) || unit == '\t' || unit == '\r' || unit == '\n';
}

/* The kind the header promises for these bytes and this much room, modelled independently. */
static int expected_kind(const uint8_t *p, size_t bytes, size_t out_len, size_t *chars)
{
    *chars = 0;
    if (bytes == 0)
        return LOAD_OPTIONS_NONE;
    if (bytes == 16 && memcmp(p, auto_boot_entry_guid, 16) == 0)
        return LOAD_OPTIONS_AUTO_BOOT_ENTRY;
    if (bytes % 2)
        return -1;
    size_t n = 0;
    for (; n < bytes / 2; n++) {
        uint16_t unit = (uint16_t)fuzz_le(p + 2 * n, 2);
        if (unit == 0)
            break;
        if (!is_text_unit(unit) || n + 1 >= out_len)
            return -1;
    }
    *chars = n;
    return n ? LOAD_OPTIONS_TEXT : LOAD_OPTIONS_EMPTY;
}

static void decode(const uint8_t *data, size_t size, size_t out_len, size_t why_len)
{
    uint8_t *options = fuzz_copy(data, size);
    char *out = fuzz_text_buffer(out_len);
    char *why = fuzz_text_buffer(why_len);
    int kind = load_options_decode(options, size, out, out_len, why, why_len);
    size_t chars;
    int expected = expected_kind(data, size, out_len, &chars);
    FUZZ_CHECK(kind == expected, "%zu bytes into %zu: kind %d, expected %d", size, out_len, kind,
               expected);
    /* After a refusal out[] holds nothing promised; why[] always ends inside its room. */
    fuzz_check_string(why, why_len, kind == -1 && why_len > 1, "load options why");
    if (kind != -1) {
        fuzz_check_string(out, out_len, false, "load options text");
        FUZZ_CHECK(why[0] == '\0', "why '%s' for kind %d", why, kind);
        FUZZ_CHECK(strlen(out) == chars, "%zu characters decoded, %zu expected", strlen(out),
                   chars);
        for (size_t i = 0; i < chars; i++)
            FUZZ_CHECK((uint8_t)out[i] == data[2 * i] && data[2 * i + 1] == 0,
                       "character %zu differs", i + 1);
    }

    /* What efi_main does next with text: config_parse_options(strlen), on the file's config. */
    if (kind == LOAD_OPTIONS_TEXT) {
        struct config cfg, before;
        config_defaults(&cfg);
        before = cfg;
        struct config_error err;
        memset(&err, 0xa5, sizeof err);
        if (config_parse_options(&cfg, out, strlen(out), &err) != 0) {
            fuzz_check_string(err.where, sizeof err.where, true, "config_error.where");
            fuzz_check_string(err.message, sizeof err.message, true, "config_error.message");
            FUZZ_CHECK(memcmp(&cfg, &before, sizeof cfg) == 0, "refused options changed the config");
        }
    }
    free(why);
    free(out);
    free(options);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* efi_main's room (CONFIG_FILE_MAX + 1 and a CONFIG_MESSAGE_LEN reason), and tight ones. */
    decode(data, size, 65537, CONFIG_MESSAGE_LEN);
    decode(data, size, 1, 1);
    decode(data, size, 8, 16);
    /* No options at all. */
    char out[4], why[4];
    FUZZ_CHECK(load_options_decode(NULL, size, out, sizeof out, why, sizeof why) ==
                   LOAD_OPTIONS_NONE,
               "NULL options");
    return 0;
}
