/* TAP text to JUnit XML, for the results written on the stick: what image/tap_tools.py junit writes for the image's TAP. */
#ifndef NVMETAL_LIB_JUNIT_H
#define NVMETAL_LIB_JUNIT_H

#include <stddef.h>

/* One <testsuite name="nvmetal"> in a <testsuites>: a <testcase classname="ID" name="ID[: DEVICE
 * [nsid N]]"> per test point, "not ok" with a <failure> (message: the description; text: the
 * YAML block), "# SKIP" with <skipped message=REASON/>, the YAML also in <system-out>; a
 * "Bail out!" an <error> testcase "bail_out"; a missing plan, or one that disagrees with the
 * points (a run cut short), an <error> testcase "plan"; the '#' diagnostics in the suite's
 * <system-out>. Writes at most cap - 1 bytes and a NUL (nothing when cap is 0) and returns
 * the length of the whole document, so a call with cap 0 sizes the buffer. */
size_t junit_from_tap(const char *tap, size_t len, char *out, size_t cap);

#endif
