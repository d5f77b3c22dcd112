/* Console fan-out: every line goes, identically, to every registered sink. */
#ifndef NVMETAL_LIB_CONSOLE_H
#define NVMETAL_LIB_CONSOLE_H

#include <stddef.h>

typedef void (*console_sink)(const char *text, size_t len);
/* Told the ID of each test case as it starts (the screen's status line). */
typedef void (*console_status_sink)(const char *id);

#define CONSOLE_MAX_SINKS 4

/* Returns 0, or -1 when all sink slots are taken. */
int console_add_sink(const char *name, console_sink sink);
/* As console_add_sink, for a copy kept in memory: it gets every byte but the banner does not name it. */
int console_add_copy(const char *name, console_sink sink);
/* Gives the sink registered as name a status callback too; 0, or -1 when there is no such sink. */
int console_add_status(const char *name, console_status_sink status);
/* The test case that starts now, to every sink with a status callback. */
void console_status(const char *id);
/* Writes raw text to every sink. */
void console_write(const char *text, size_t len);
/* Writes one line and its newline; the TAP reporter's emit function. */
void console_write_line(const char *line);
/* Names of the active outputs (copies left out), comma separated, for the banner. */
void console_describe(char *out, size_t len);

#endif
