/* The malloc heap: newlib's sbrk over the region reserved before ExitBootServices. */
#include "lib/heap.h"

#include <errno.h>
#include <stdint.h>

#undef errno
extern int errno;

void *sbrk(ptrdiff_t increment); /* x86_64-elf newlib's name for it (MISSING_SYSCALL_NAMES) */

static uint8_t *heap_start, *heap_end, *heap_break;

void heap_init(void *base, size_t bytes)
{
    heap_start = heap_break = base;
    heap_end = heap_start + bytes;
}

void *sbrk(ptrdiff_t increment)
{
    if (!heap_start || heap_break + increment > heap_end || heap_break + increment < heap_start) {
        errno = ENOMEM;
        return (void *)-1;
    }
    uint8_t *previous = heap_break;
    heap_break += increment;
    return previous;
}
