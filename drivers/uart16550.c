/* 16550 UART driver: registers in I/O or memory space at any stride, each access of the port's exact width; detection, divisor, polled transmit with a bound. */
#include "drivers/uart16550.h"

#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/port_io.h"

/* Register numbers (DLAB=0 unless noted); the offset is number * stride. */
#define UART_DATA          0 /* THR/RBR; divisor low when DLAB=1 */
#define UART_INT_ENABLE    1 /* divisor high when DLAB=1 */
#define UART_FIFO_CONTROL  2
#define UART_LINE_CONTROL  3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS   5
#define UART_SCRATCH       7

#define LCR_8N1            0x03
#define LCR_DLAB           0x80
#define FCR_ENABLE_CLEAR   0x07 /* enable FIFOs, clear both */
#define MCR_DTR_RTS_OUT2   0x0b
#define LSR_DATA_READY     0x01
#define LSR_THR_EMPTY      0x20

/* Each byte takes ~87 us at 115200 baud (~1 ms at 9600); this bounds a dead transmitter. */
#define TRANSMIT_SPINS     200000u

static struct uart16550_port uart;
static bool uart_present;

/* One access of the port's width; a 16550 register is 8 bits, the rest reads as 0. */
static uint8_t reg_read(const struct uart16550_port *p, unsigned reg)
{
    uint64_t at = p->base + (uint64_t)reg * p->stride;
    if (p->space == UART16550_IO) {
        uint16_t io = (uint16_t)at;
        return p->access_bytes == 4   ? (uint8_t)port_in32(io)
               : p->access_bytes == 2 ? (uint8_t)port_in16(io)
                                      : port_in8(io);
    }
    return p->access_bytes == 4   ? (uint8_t)mmio_read32(at)
           : p->access_bytes == 2 ? (uint8_t)mmio_read16(at)
                                  : mmio_read8(at);
}

static void reg_write(const struct uart16550_port *p, unsigned reg, uint8_t value)
{
    uint64_t at = p->base + (uint64_t)reg * p->stride;
    if (p->space == UART16550_IO) {
        uint16_t io = (uint16_t)at;
        if (p->access_bytes == 4)
            port_out32(io, value);
        else if (p->access_bytes == 2)
            port_out16(io, value);
        else
            port_out8(io, value);
    } else if (p->access_bytes == 4) {
        mmio_write32(at, value);
    } else if (p->access_bytes == 2) {
        mmio_write16(at, value);
    } else {
        mmio_write8(at, value);
    }
}

/* The divisor nearest `baud`, refused when it is out of the latch's range or more than 3 % off. */
static bool divisor_for(uint32_t clock_hz, uint32_t baud, uint16_t *divisor, char *why,
                        size_t why_len)
{
    uint64_t sixteen_baud = 16ull * baud;
    uint64_t d = (clock_hz + sixteen_baud / 2) / sixteen_baud;
    uint64_t actual = d ? clock_hz / (16 * d) : 0;
    uint64_t error = actual > baud ? actual - baud : baud - actual;
    if (d == 0 || d > 0xffff || error * 100 > 3ull * baud) {
        snprintf(why, why_len, "%u baud cannot be set from a %u Hz clock", baud, clock_hz);
        return false;
    }
    *divisor = (uint16_t)d;
    return true;
}

static bool shape_is_valid(const struct uart16550_port *p)
{
    bool width = p->access_bytes == 1 || p->access_bytes == 2 || p->access_bytes == 4;
    bool stride = p->stride == 1 || p->stride == 2 || p->stride == 4;
    uint64_t span = 7ull * p->stride + p->access_bytes; /* through the scratch register */
    bool io_fits = p->space != UART16550_IO || p->base <= 0x10000ull - span;
    return width && stride && p->access_bytes <= p->stride && io_fits && p->base != 0;
}

bool uart16550_init(const struct uart16550_port *p, char *why, size_t why_len)
{
    if (!shape_is_valid(p)) {
        snprintf(why, why_len, "unusable register layout (stride %u, %u-byte accesses)", p->stride,
                 p->access_bytes);
        return false;
    }
    uint16_t divisor = 0;
    uint32_t clock_hz = p->clock_hz ? p->clock_hz : UART16550_CLOCK_HZ;
    if (p->baud && !divisor_for(clock_hz, p->baud, &divisor, why, why_len))
        return false;
    if (p->probe_scratch) {
        static const uint8_t patterns[] = {0x5a, 0xa5};
        for (unsigned i = 0; i < sizeof(patterns); i++) {
            reg_write(p, UART_SCRATCH, patterns[i]);
            uint8_t back = reg_read(p, UART_SCRATCH);
            if (back != patterns[i]) {
                snprintf(why, why_len, "scratch register read 0x%02x after 0x%02x was written",
                         back, patterns[i]);
                return false;
            }
        }
    }
    /* Floating buses read all ones; a real LSR never has every bit set. */
    if (reg_read(p, UART_LINE_STATUS) == 0xff) {
        snprintf(why, why_len, "line status reads 0xff: nothing answers there");
        return false;
    }

    reg_write(p, UART_INT_ENABLE, 0x00);
    if (p->baud) {
        reg_write(p, UART_LINE_CONTROL, LCR_DLAB);
        reg_write(p, UART_DATA, divisor & 0xff);
        reg_write(p, UART_INT_ENABLE, divisor >> 8);
        reg_write(p, UART_LINE_CONTROL, LCR_8N1);
    } else {
        /* "As is": the firmware's divisor and format stay; only the latch must be closed. */
        uint8_t lcr = reg_read(p, UART_LINE_CONTROL);
        if (lcr & LCR_DLAB)
            reg_write(p, UART_LINE_CONTROL, lcr & ~LCR_DLAB);
    }
    reg_write(p, UART_FIFO_CONTROL, FCR_ENABLE_CLEAR);
    reg_write(p, UART_MODEM_CONTROL, MCR_DTR_RTS_OUT2);
    uart = *p;
    uart_present = true;
    return true;
}

static void transmit(uint8_t byte)
{
    for (unsigned spin = 0; spin < TRANSMIT_SPINS; spin++) {
        if (reg_read(&uart, UART_LINE_STATUS) & LSR_THR_EMPTY) {
            reg_write(&uart, UART_DATA, byte);
            return;
        }
    }
    /* Stuck transmitter: stop using it so the rest of the run is not slowed. */
    uart_present = false;
}

void uart16550_write(const char *text, unsigned long len)
{
    for (unsigned long i = 0; i < len && uart_present; i++) {
        if (text[i] == '\n')
            transmit('\r');
        transmit((uint8_t)text[i]);
    }
}

bool uart16550_read_byte(uint8_t *byte)
{
    if (!uart_present)
        return false;
    uint8_t status = reg_read(&uart, UART_LINE_STATUS);
    if (status == 0xff || !(status & LSR_DATA_READY))
        return false;
    *byte = reg_read(&uart, UART_DATA);
    return true;
}

bool uart16550_present(void)
{
    return uart_present;
}
