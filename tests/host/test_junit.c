/* Host tests for lib/junit.c: byte for byte what image/tap_tools.py junit wrote for the same TAP (fixtures), sizing, truncation. */
#include "check.h"

#include "fixtures/file_bytes.h"
#include "lib/junit.h"

#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>

#ifndef JUNIT_FIXTURES
#error "JUNIT_FIXTURES names tests/host/fixtures/junit"
#endif

/* Each NAME.tap beside the NAME.xml `python3 image/tap_tools.py junit NAME.tap NAME.xml` wrote:
 * a passing run with SKIPs, failures with YAML, a bail-out (tap-consumers' runs), markup and
 * quotes in descriptions, YAML and reasons, a TODO, a point without YAML, no plan, a short plan. */
static const char *const fixtures[] = {"pass", "fail", "bail", "odd", "no-plan", "short"};

static void same_as_tap_tools(void)
{
    for (size_t i = 0; i < CHECK_COUNT(fixtures); i++) {
        char path[512];
        uint8_t *tap = NULL, *xml = NULL;
        size_t tap_len = 0, xml_len = 0;
        snprintf(path, sizeof(path), "%s/%s.tap", JUNIT_FIXTURES, fixtures[i]);
        CHECK_EQ_U64(file_bytes_read(path, &tap, &tap_len), 0);
        snprintf(path, sizeof(path), "%s/%s.xml", JUNIT_FIXTURES, fixtures[i]);
        CHECK_EQ_U64(file_bytes_read(path, &xml, &xml_len), 0);
        size_t need = junit_from_tap((const char *)tap, tap_len, NULL, 0);
        char *out = malloc(need + 1);
        CHECK_EQ_U64(junit_from_tap((const char *)tap, tap_len, out, need + 1), need);
        if (need != xml_len || memcmp(out, xml, xml_len) != 0) {
            size_t at = 0;
            while (at < need && at < xml_len && out[at] == (char)xml[at])
                at++;
            fprintf(stderr, "    %s: %zu bytes vs tap_tools' %zu, first difference at byte %zu\n",
                    fixtures[i], need, xml_len, at);
            CHECK(false);
        }
        free(out);
        free(tap);
        free(xml);
    }
}

/* A buffer too small gets a NUL-terminated prefix and the full length back. */
static void truncated_output(void)
{
    const char *tap = "TAP version 13\nok 1 - pci.enumerate\n1..1\n";
    size_t need = junit_from_tap(tap, strlen(tap), NULL, 0);
    char small[40];
    memset(small, 'x', sizeof(small));
    CHECK_EQ_U64(junit_from_tap(tap, strlen(tap), small, sizeof(small)), need);
    CHECK_EQ_U64(strlen(small), sizeof(small) - 1);
    CHECK(strncmp(small, "<?xml version='1.0' encoding='utf-8'?>", 38) == 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(same_as_tap_tools),
    CHECK_CASE(truncated_output),
};

int main(void)
{
    return CHECK_RUN("junit", cases);
}
