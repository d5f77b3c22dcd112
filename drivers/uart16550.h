/* 16550 UART driver: in I/O or memory space, any register stride and access width; 8N1 at a set baud rate or as the firmware left it; polled transmit and receive. */
#ifndef NVMETAL_DRIVERS_UART16550_H
#define NVMETAL_DRIVERS_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1_PORT 0x3f8
#define UART16550_CLOCK_HZ 1843200u /* a PC UART's 1.8432 MHz crystal */

enum uart16550_space { UART16550_IO, UART16550_MMIO };

struct uart16550_port {
    enum uart16550_space space;
    uint64_t base;        /* I/O port or physical address of register 0 */
    uint8_t stride;       /* bytes from one register to the next: 1, 2 or 4 */
    uint8_t access_bytes; /* width of every access: 1, 2 or 4, at most the stride */
    uint32_t baud;        /* 0: keep the divisor and line format the firmware programmed */
    uint32_t clock_hz;    /* 0: UART16550_CLOCK_HZ */
    bool probe_scratch;   /* a guessed port must hold two patterns in its scratch register */
};

/* The legacy COM1 at I/O 0x3f8, 115200 baud, probed. */
#define UART16550_COM1                                                                    \
    ((struct uart16550_port){.space = UART16550_IO, .base = COM1_PORT, .stride = 1,       \
                             .access_bytes = 1, .baud = 115200, .probe_scratch = true})

/* Sets `port` up and makes it the one uart16550_write sends to. It must look like a 16550
 * first: its line status does not read all ones (nothing decoding there), and with
 * probe_scratch its scratch register holds 0x5a and 0xa5. Then: interrupts off, the divisor
 * for `baud` (or, for baud 0, the firmware's divisor and line format kept), 8N1, FIFOs on,
 * DTR/RTS/OUT2. Returns false with the reason in why[] and leaves the current port as it was. */
bool uart16550_init(const struct uart16550_port *port, char *why, size_t why_len);
/* Sends bytes, turning "\n" into "\r\n"; gives up on a transmitter that never
 * empties rather than hanging (a missing cable must not stop the run). */
void uart16550_write(const char *text, unsigned long len);
/* A port was set up and its transmitter has not died. */
bool uart16550_present(void);
/* A received byte, if one waits (never blocks); false without a port or a byte. */
bool uart16550_read_byte(uint8_t *byte);

#endif
