/* Console fan-out: one write reaches every sink (serial, firmware console) in the same bytes. */
#include "lib/console.h"

#include <stdio.h>
#include <string.h>

struct console_slot {
    const char *name;
    console_sink sink;
    console_status_sink status; /* NULL: the sink shows no status */
    int listed;                 /* 0: a copy kept in memory, not an output the banner names */
};

static struct console_slot slots[CONSOLE_MAX_SINKS];

static int add_slot(const char *name, console_sink sink, int listed)
{
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS; i++) {
        if (!slots[i].sink) {
            slots[i] = (struct console_slot){name, sink, NULL, listed};
            return 0;
        }
    }
    return -1;
}

int console_add_sink(const char *name, console_sink sink)
{
    return add_slot(name, sink, 1);
}

int console_add_copy(const char *name, console_sink sink)
{
    return add_slot(name, sink, 0);
}

int console_add_status(const char *name, console_status_sink status)
{
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS; i++) {
        if (slots[i].sink && strcmp(slots[i].name, name) == 0) {
            slots[i].status = status;
            return 0;
        }
    }
    return -1;
}

void console_status(const char *id)
{
    for (unsigned i = 0; i < CONSOLE_MAX_SINKS; i++)
        if (slots[i].sink && slots[i].status)
            slots[i].status(id);
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
        if (!slots[i].sink || !slots[i].listed)
            continue;
        int n = snprintf(out + used, len - used, "%s%s", used ? "," : "", slots[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!out[0])
        snprintf(out, len, "none");
}
