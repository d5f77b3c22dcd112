/* Host unit-test harness: CHECK macros that record file, line and values, and a table-driven case runner. */
#ifndef NVMETAL_TESTS_HOST_CHECK_H
#define NVMETAL_TESTS_HOST_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct check_case {
    const char *name;
    void (*run)(void);
};

/* One table row per test function: CHECK_CASE(rsdp_v1) runs rsdp_v1() under the name "rsdp_v1". */
#define CHECK_CASE(fn) {#fn, fn}

/* The running case's failures; printed after its "not ok" line, so they are kept until it ends. */
static char check_details[16384];
static size_t check_details_len;
static unsigned check_failures;

static inline const char *check_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static inline void __attribute__((format(printf, 3, 4)))
check_fail(const char *file, int line, const char *fmt, ...)
{
    check_failures++;
    size_t room = sizeof check_details - check_details_len;
    int n = snprintf(check_details + check_details_len, room, "    %s:%d: ", check_basename(file),
                     line);
    if (n > 0 && (size_t)n < room) {
        check_details_len += (size_t)n;
        room -= (size_t)n;
        va_list args;
        va_start(args, fmt);
        n = vsnprintf(check_details + check_details_len, room, fmt, args);
        va_end(args);
        if (n > 0)
            check_details_len += (size_t)n < room ? (size_t)n : room - 1;
        room = sizeof check_details - check_details_len;
        if (room > 1)
            check_details[check_details_len++] = '\n';
        check_details[check_details_len] = '\0';
    }
}

#define CHECK(cond)                                                   \
    do {                                                              \
        if (!(cond))                                                  \
            check_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
    } while (0)

#define CHECK_EQ_U64(actual, expected)                                                          \
    do {                                                                                        \
        unsigned long long check_actual_ = (unsigned long long)(actual);                        \
        unsigned long long check_expected_ = (unsigned long long)(expected);                    \
        if (check_actual_ != check_expected_)                                                   \
            check_fail(__FILE__, __LINE__, "CHECK_EQ_U64(%s, %s): got 0x%llx (%llu), expected " \
                       "0x%llx (%llu)", #actual, #expected, check_actual_, check_actual_,      \
                       check_expected_, check_expected_);                                       \
    } while (0)

/* NULL equals only NULL, so a lookup that should fail can be checked the same way. */
#define CHECK_STR(actual, expected)                                                            \
    do {                                                                                       \
        const char *check_actual_ = (actual);                                                  \
        const char *check_expected_ = (expected);                                              \
        if ((check_actual_ == NULL) != (check_expected_ == NULL) ||                            \
            (check_actual_ && strcmp(check_actual_, check_expected_) != 0))                    \
            check_fail(__FILE__, __LINE__, "CHECK_STR(%s, %s): got %s%s%s, expected %s%s%s",   \
                       #actual, #expected, check_actual_ ? "\"" : "",                          \
                       check_actual_ ? check_actual_ : "NULL", check_actual_ ? "\"" : "",     \
                       check_expected_ ? "\"" : "",                                            \
                       check_expected_ ? check_expected_ : "NULL", check_expected_ ? "\"" : ""); \
    } while (0)

#define CHECK_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Lines a module under test emits through a callback, kept for CHECK_LINES. */
static char check_lines[64][1200];
static unsigned check_line_count;

static inline void check_capture_line(const char *line)
{
    if (check_line_count < CHECK_COUNT(check_lines))
        snprintf(check_lines[check_line_count++], sizeof check_lines[0], "%s", line);
}

/* Compares every line captured since check_line_count was reset with the expected ones. */
#define CHECK_LINES(...)                                                                         \
    do {                                                                                         \
        static const char *const check_expected_lines_[] = {__VA_ARGS__};                        \
        CHECK_EQ_U64(check_line_count, CHECK_COUNT(check_expected_lines_));                      \
        for (unsigned check_i_ = 0;                                                              \
             check_i_ < check_line_count && check_i_ < CHECK_COUNT(check_expected_lines_);      \
             check_i_++)                                                                         \
            CHECK_STR(check_lines[check_i_], check_expected_lines_[check_i_]);                   \
    } while (0)

/* Runs every case, prints "ok - file: case" or "not ok - file: case" plus details, then the
 * binary's "host-NAME: N passed, M failed" line. Returns the process exit status. */
static inline int check_run(const char *file, const char *name, const struct check_case *cases,
                            size_t count)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep what was printed if a sanitizer aborts */
    unsigned passed = 0, failed = 0;
    for (size_t i = 0; i < count; i++) {
        check_failures = 0;
        check_details_len = 0;
        check_details[0] = '\0';
        cases[i].run();
        if (check_failures == 0) {
            passed++;
            printf("ok - %s: %s\n", check_basename(file), cases[i].name);
        } else {
            failed++;
            printf("not ok - %s: %s\n%s", check_basename(file), cases[i].name, check_details);
        }
    }
    printf("host-%s: %u passed, %u failed\n", name, passed, failed);
    return failed ? 1 : 0;
}

#define CHECK_RUN(name, cases) check_run(__FILE__, (name), (cases), CHECK_COUNT(cases))

#endif
