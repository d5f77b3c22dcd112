/* Run log capture: a linear buffer filled by the console fan-out until the run's last line. */
#include "lib/log_capture.h"

#include <string.h>

static char *buffer;
static size_t capacity, kept, offered;
static bool capturing;

void log_capture_start(char *buf, size_t cap)
{
    buffer = buf;
    capacity = buf ? cap : 0;
    kept = offered = 0;
    capturing = true;
}

void log_capture_write(const char *text, size_t len)
{
    if (!capturing)
        return;
    offered += len;
    size_t room = capacity - kept;
    size_t take = len < room ? len : room;
    if (take) {
        memcpy(buffer + kept, text, take);
        kept += take;
    }
}

void log_capture_stop(void)
{
    capturing = false;
}

const char *log_capture_text(void)
{
    return buffer;
}

size_t log_capture_kept(void)
{
    return kept;
}

size_t log_capture_offered(void)
{
    return offered;
}
