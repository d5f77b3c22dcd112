/* Console fan-out: every line goes, identically, to every registered sink. */
#ifndef NVMETAL_LIB_CONSOLE_H
#define NVMETAL_LIB_CONSOLE_H

#include <stddef.h>

typedef void (*console_sink)(const char *text, size_t len);

#define CONSOLE_MAX_SINKS 4

/* Returns 0, or -1 when all sink slots are taken. */
int console_add_sink(const char *name, console_sink sink);
/* Writes raw text to every sink. */
void console_write(const char *text, size_t len);
/* Writes one line and its newline; the TAP reporter's emit function. */
void console_write_line(const char *line);
/* Names of the active sinks, comma separated, for the banner. */
void console_describe(char *out, size_t len);

#endif
