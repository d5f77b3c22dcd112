/* Console fan-out: one write reaches every sink (serial, firmware console) in the same bytes. */
#include "lib/console.h"

#include <stdio.h>
#include <string.h>

struct console_slot {
    const char *name;
    console_sink sink;
};

static struct console_slot slots[CONSOLE_MAX_SINKS];

int console_add_sink(const char *name, console_sink sink)
{
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS; i++) {
        if (!slots[i].sink) {
            slots[i] = (struct console_slot){name, sink};
            return 0;
        }
    }
    return -1;
}

void console_write(const char *text, size_t len)
{
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS; i++)
        if (slots[i].sink)
            slots[i].sink(text, len);
}

void console_write_line(const char *line)
{
    console_write(line, strlen(line));
    console_write("\n", 1);
}

void console_describe(char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS && used < len; i++) {
        if (!slots[i].sink)
            continue;
        int n = snprintf(out + used, len - used, "%s%s", used ? "," : "", slots[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!out[0])
        snprintf(out, len, "none");
}
