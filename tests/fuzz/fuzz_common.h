/* Shared by the libFuzzer harnesses: exact-size heap copies (so ASan sees every over-read), invariant checks that abort. */
#ifndef NVMETAL_TESTS_FUZZ_COMMON_H
#define NVMETAL_TESTS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash: libFuzzer saves the input as crash-<sha1> and stops. */
#define FUZZ_CHECK(cond, ...)                                                               \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "fuzz: invariant broken at %s:%d: %s\nfuzz: ", __FILE__, __LINE__, \
                    #cond);                                                                 \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fputc('\n', stderr);                                                            \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

/* A heap block of exactly `size` bytes holding `data`: one byte read past the end is an
 * ASan heap-buffer-overflow (malloc(0) still returns a distinct, unreadable block). */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size);
    if (!copy && size)
        abort();
    if (size)
        memcpy(copy, data, size);
    return copy;
}

/* The input padded with zeros (or cut) to a `bytes`-long heap block, for fixed-size pages. */
static inline uint8_t *fuzz_page(const uint8_t *data, size_t size, size_t bytes)
{
    uint8_t *page = calloc(1, bytes);
    if (!page)
        abort();
    memcpy(page, data, size < bytes ? size : bytes);
    return page;
}

/* An output buffer of exactly `bytes`, filled with a non-NUL byte so that a parser which
 * forgets the terminator is caught by fuzz_check_string. */
static inline char *fuzz_text_buffer(size_t bytes)
{
    char *buffer = malloc(bytes);
    if (!buffer)
        abort();
    memset(buffer, 0xa5, bytes);
    return buffer;
}

/* A why[]/message string: NUL-terminated inside its `capacity` and, when `nonempty`, saying something. */
#define fuzz_check_string(text, capacity, nonempty, what)                                  \
    do {                                                                                   \
        const char *fuzz_s_ = (text);                                                      \
        const char *fuzz_nul_ = memchr(fuzz_s_, '\0', (capacity));                         \
        FUZZ_CHECK(fuzz_nul_ != NULL, "%s is not NUL-terminated within %zu bytes", (what), \
                   (size_t)(capacity));                                                    \
        FUZZ_CHECK(!(nonempty) || fuzz_nul_ != fuzz_s_, "%s is empty", (what));            \
    } while (0)

static inline uint64_t fuzz_le(const uint8_t *p, size_t width)
{
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

static inline void fuzz_put_le(uint8_t *p, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static inline uint8_t fuzz_byte_sum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

/* Makes bytes [0, len) sum to 0 by adjusting the byte at `at` (an ACPI checksum field). */
static inline void fuzz_fix_checksum(uint8_t *p, size_t len, size_t at)
{
    p[at] = 0;
    p[at] = (uint8_t)-fuzz_byte_sum(p, len);
}

#endif
