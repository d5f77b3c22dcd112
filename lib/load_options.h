/* EFI load options: the UCS-2 text a shell or boot entry hands the image, decoded strictly, or recognized as not ours. */
#ifndef NVMETAL_LIB_LOAD_OPTIONS_H
#define NVMETAL_LIB_LOAD_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum load_options_kind {
    LOAD_OPTIONS_NONE,            /* no load options at all */
    LOAD_OPTIONS_EMPTY,           /* an empty string (a lone NUL) */
    LOAD_OPTIONS_TEXT,            /* decoded into out[] */
    LOAD_OPTIONS_AUTO_BOOT_ENTRY, /* EDK2's auto-created boot entry marker: not options */
};

/* Decodes `bytes` of load options. Text must be UCS-2 of printable ASCII, tab, CR or LF,
 * ending at a NUL or at `bytes`; it is copied into out[] (at most out_len - 1 chars).
 * Returns the kind, or -1 with why[] naming the first character that is not such text
 * (its 1-based position and code point), an odd length, or text longer than out[]. */
int load_options_decode(const void *options, size_t bytes, char *out, size_t out_len,
                        char *why, size_t why_len);

#endif
