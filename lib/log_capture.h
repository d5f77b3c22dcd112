/* The run's console output kept in memory, byte for byte, for the copy saved on the stick. */
#ifndef NVMETAL_LIB_LOG_CAPTURE_H
#define NVMETAL_LIB_LOG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Keeps what follows in buf (capacity bytes); bytes past it are counted, not kept. */
void log_capture_start(char *buf, size_t capacity);
/* A console sink (lib/console.h): appends text. */
void log_capture_write(const char *text, size_t len);
/* Stops keeping: later writes (after the plan line) are not part of the saved log. */
void log_capture_stop(void);
const char *log_capture_text(void);
size_t log_capture_kept(void);
/* Every byte written while capturing, kept or not. */
size_t log_capture_offered(void);

#endif
