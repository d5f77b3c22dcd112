/* PS/2 controller (i8042) polling: key-down detection without interrupts, in scan code set 1 or 2. */
#include "drivers/i8042.h"

#include <stdint.h>

#include "arch/x86_64/port_io.h"

#define I8042_DATA_PORT   0x60
#define I8042_STATUS_PORT 0x64

#define STATUS_OUTPUT_FULL 0x01 /* a byte waits in the data port */
#define STATUS_FROM_AUX    0x20 /* ... and it came from the mouse */

/* Bytes that are not a key going down: controller answers, prefixes, the set 2 break prefix. */
#define SCAN_EXTENDED      0xe0
#define SCAN_PAUSE_PREFIX  0xe1
#define SCAN_SET2_RELEASE  0xf0
#define SCAN_ACK           0xfa
#define SCAN_SELF_TEST_OK  0xaa
#define SCAN_RESEND        0xfe
#define SCAN_ECHO          0xee
#define SCAN_SET1_RELEASE  0x80 /* set 1: bit 7 marks a key going up */

/* Enough to drain the controller's and the keyboard's buffers (16 bytes) with room to spare. */
#define MAX_BYTES_PER_LOOK 32

/* Set 2 sends F0 then the released key's code: that code is not a press. */
static bool next_is_release;

bool i8042_present(void)
{
    return port_in8(I8042_STATUS_PORT) != 0xff;
}

static bool is_key_down(uint8_t code)
{
    if (next_is_release) {
        next_is_release = false;
        return false;
    }
    switch (code) {
    case SCAN_SET2_RELEASE:
        next_is_release = true;
        return false;
    case 0x00: case SCAN_EXTENDED: case SCAN_PAUSE_PREFIX: case SCAN_ACK:
    case SCAN_SELF_TEST_OK: case SCAN_RESEND: case SCAN_ECHO: case 0xff:
        return false;
    default:
        return !(code & SCAN_SET1_RELEASE);
    }
}

bool i8042_key_pressed(void)
{
    for (unsigned i = 0; i < MAX_BYTES_PER_LOOK; i++) {
        uint8_t status = port_in8(I8042_STATUS_PORT);
        if (status == 0xff || !(status & STATUS_OUTPUT_FULL))
            return false;
        uint8_t code = port_in8(I8042_DATA_PORT);
        if (!(status & STATUS_FROM_AUX) && is_key_down(code))
            return true;
    }
    return false;
}

void i8042_discard_pending(void)
{
    for (unsigned i = 0; i < MAX_BYTES_PER_LOOK; i++) {
        uint8_t status = port_in8(I8042_STATUS_PORT);
        if (status == 0xff || !(status & STATUS_OUTPUT_FULL))
            break;
        (void)port_in8(I8042_DATA_PORT);
    }
    next_is_release = false;
}
