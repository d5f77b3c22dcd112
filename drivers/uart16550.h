/* 16550 UART driver: detection, 115200 8N1 setup, polled transmit. */
#ifndef NVMETAL_DRIVERS_UART16550_H
#define NVMETAL_DRIVERS_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_PORT 0x3f8

/* Probes for a 16550 at `port` without trusting it is there: the scratch
 * register must hold two patterns and the line status must look sane.
 * On success programs 115200 8N1 with FIFOs and returns true. */
bool uart16550_init(uint16_t port);
/* Sends bytes, turning "\n" into "\r\n"; gives up on a transmitter that never
 * empties rather than hanging (a missing cable must not stop the run). */
void uart16550_write(const char *text, unsigned long len);

#endif
