/* 16550 UART driver: detection by scratch register, 115200 8N1, polled transmit with a bound. */
#include "drivers/uart16550.h"

#include "arch/x86_64/port_io.h"

/* Register offsets from the base port (DLAB=0 unless noted). */
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
#define LSR_THR_EMPTY      0x20
#define DIVISOR_115200     1    /* 1.8432 MHz / 16 / 115200 */

/* Each byte takes ~87 us at 115200 baud; this bounds a dead transmitter. */
#define TRANSMIT_SPINS     200000u

static uint16_t uart_port;
static bool uart_present;

bool uart16550_init(uint16_t port)
{
    static const uint8_t patterns[] = {0x5a, 0xa5};
    for (unsigned i = 0; i < sizeof(patterns); i++) {
        port_out8(port + UART_SCRATCH, patterns[i]);
        if (port_in8(port + UART_SCRATCH) != patterns[i])
            return false;
    }
    /* Floating buses read 0xff; a real LSR never has every bit set. */
    if (port_in8(port + UART_LINE_STATUS) == 0xff)
        return false;

    port_out8(port + UART_INT_ENABLE, 0x00);
    port_out8(port + UART_LINE_CONTROL, LCR_DLAB);
    port_out8(port + UART_DATA, DIVISOR_115200 & 0xff);
    port_out8(port + UART_INT_ENABLE, DIVISOR_115200 >> 8);
    port_out8(port + UART_LINE_CONTROL, LCR_8N1);
    port_out8(port + UART_FIFO_CONTROL, FCR_ENABLE_CLEAR);
    port_out8(port + UART_MODEM_CONTROL, MCR_DTR_RTS_OUT2);
    uart_port = port;
    uart_present = true;
    return true;
}

static void transmit(uint8_t byte)
{
    for (unsigned spin = 0; spin < TRANSMIT_SPINS; spin++) {
        if (port_in8(uart_port + UART_LINE_STATUS) & LSR_THR_EMPTY) {
            port_out8(uart_port + UART_DATA, byte);
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
