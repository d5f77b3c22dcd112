/* Host tests for lib/load_options.c: shell command lines decode, anything that is not printable-ASCII UCS-2 is refused with its position, EDK2's boot-entry marker is recognized. */
#include "check.h"

#include "lib/load_options.h"

static char out[64], why[160];

/* UCS-2 LE of an ASCII string, optionally NUL-terminated, into units[]; returns bytes. */
static size_t ucs2(uint8_t *units, const char *text, int terminate)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        units[2 * i] = (uint8_t)text[i];
        units[2 * i + 1] = 0;
    }
    if (terminate) {
        units[2 * n] = units[2 * n + 1] = 0;
        n++;
    }
    return 2 * n;
}

static void shell_command_line(void)
{
    uint8_t units[128];
    size_t bytes = ucs2(units, "fs0:\\nvmetal.efi tests=pci.* allow_write=none", 1);
    CHECK_EQ_U64(load_options_decode(units, bytes, out, sizeof out, why, sizeof why),
                 LOAD_OPTIONS_TEXT);
    CHECK_STR(out, "fs0:\\nvmetal.efi tests=pci.* allow_write=none");
    /* Without a terminator the size ends the text. */
    bytes = ucs2(units, "a=b\tc=d\r\n", 0);
    CHECK_EQ_U64(load_options_decode(units, bytes, out, sizeof out, why, sizeof why),
                 LOAD_OPTIONS_TEXT);
    CHECK_STR(out, "a=b\tc=d\r\n");
}

static void nothing_and_empty(void)
{
    uint8_t units[4] = {0, 0, 'x', 0};
    CHECK_EQ_U64(load_options_decode(NULL, 0, out, sizeof out, why, sizeof why), LOAD_OPTIONS_NONE);
    CHECK_EQ_U64(load_options_decode(units, 0, out, sizeof out, why, sizeof why), LOAD_OPTIONS_NONE);
    CHECK_EQ_U64(load_options_decode(units, 2, out, sizeof out, why, sizeof why), LOAD_OPTIONS_EMPTY);
    /* Text after the terminator is not options. */
    CHECK_EQ_U64(load_options_decode(units, 4, out, sizeof out, why, sizeof why), LOAD_OPTIONS_EMPTY);
    CHECK_STR(out, "");
}

static void no_break_space_refused_with_position(void)
{
    uint8_t units[128];
    size_t bytes = ucs2(units, "nvmetal.efi allow_write=none", 1);
    units[2 * 11] = 0xa0; /* the space after "nvmetal.efi" becomes U+00A0 */
    units[2 * 11 + 1] = 0x00;
    CHECK_EQ_U64((uint64_t)load_options_decode(units, bytes, out, sizeof out, why, sizeof why),
                 (uint64_t)-1);
    CHECK(strstr(why, "character 12 is U+00A0") != NULL);
    /* A right double quote (U+201D) and a control character: the same, each its position. */
    ucs2(units, "ab", 1);
    units[2] = 0x1d;
    units[3] = 0x20;
    CHECK_EQ_U64((uint64_t)load_options_decode(units, 6, out, sizeof out, why, sizeof why), (uint64_t)-1);
    CHECK(strstr(why, "character 2 is U+201D") != NULL);
    ucs2(units, "ab", 1);
    units[0] = 0x07;
    CHECK_EQ_U64((uint64_t)load_options_decode(units, 6, out, sizeof out, why, sizeof why), (uint64_t)-1);
    CHECK(strstr(why, "character 1 is U+0007") != NULL);
}

static void binary_and_odd_refused(void)
{
    uint8_t odd[3] = {'a', 0, 'b'};
    CHECK_EQ_U64((uint64_t)load_options_decode(odd, 3, out, sizeof out, why, sizeof why), (uint64_t)-1);
    CHECK(strstr(why, "odd length") != NULL);
    /* 16 bytes that are not EDK2's marker: binary, refused at its first unit. */
    uint8_t guid[16] = {0x4f, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
                        0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2};
    CHECK_EQ_U64((uint64_t)load_options_decode(guid, 16, out, sizeof out, why, sizeof why), (uint64_t)-1);
    CHECK(strstr(why, "character 1 is U+AC4F") != NULL);
}

static void edk2_auto_boot_marker(void)
{
    uint8_t guid[16] = {0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
                        0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2};
    CHECK_EQ_U64(load_options_decode(guid, 16, out, sizeof out, why, sizeof why),
                 LOAD_OPTIONS_AUTO_BOOT_ENTRY);
    CHECK_STR(out, "");
}

static void longer_than_the_buffer_refused(void)
{
    uint8_t units[400];
    char text[200];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    size_t bytes = ucs2(units, text, 1);
    CHECK_EQ_U64((uint64_t)load_options_decode(units, bytes, out, sizeof out, why, sizeof why),
                 (uint64_t)-1);
    CHECK(strstr(why, "longer than 63 characters") != NULL);
}

static const struct check_case cases[] = {
    CHECK_CASE(shell_command_line),
    CHECK_CASE(nothing_and_empty),
    CHECK_CASE(no_break_space_refused_with_position),
    CHECK_CASE(binary_and_odd_refused),
    CHECK_CASE(edk2_auto_boot_marker),
    CHECK_CASE(longer_than_the_buffer_refused),
};

int main(void)
{
    return CHECK_RUN("load_options", cases);
}
