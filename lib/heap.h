/* The malloc heap: a region reserved before ExitBootServices, handed to newlib's sbrk. */
#ifndef NVMETAL_LIB_HEAP_H
#define NVMETAL_LIB_HEAP_H

#include <stddef.h>

void heap_init(void *base, size_t bytes);

#endif
