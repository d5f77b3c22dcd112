/* PS/2 controller (i8042): whether one answers, and whether a key was pressed since the last look. */
#ifndef NVMETAL_DRIVERS_I8042_H
#define NVMETAL_DRIVERS_I8042_H

#include <stdbool.h>

/* A status register that reads all ones means nothing decodes ports 0x60/0x64. */
bool i8042_present(void);
/* Reads and drops what the keyboard sent before now (keys pressed during the run). */
void i8042_discard_pending(void);
/* True when a key-down arrived from the keyboard (mouse bytes, acknowledgements and key-up
 * codes are read and dropped). Reads at most a few bytes: it never waits. */
bool i8042_key_pressed(void);

#endif
