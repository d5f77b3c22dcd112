/* SPCR parser: header and checksum, then the interface type, the register block (GAS), the line settings and the PCI and namespace fields, each checked. */
#include "lib/spcr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Field offsets (Microsoft's SPCR specification; ACPICA's struct acpi_table_spcr). */
#define OFF_INTERFACE_TYPE  36
#define OFF_BASE_ADDRESS    40 /* GAS: space, bit width, bit offset, access size, address */
#define OFF_INTERRUPT_TYPE  52
#define OFF_IRQ             53
#define OFF_GSI             54
#define OFF_BAUD            58
#define OFF_PARITY          59
#define OFF_STOP_BITS       60
#define OFF_FLOW_CONTROL    61
#define OFF_TERMINAL_TYPE   62
#define OFF_PCI_DEVICE_ID   64
#define OFF_PCI_VENDOR_ID   66
#define OFF_PCI_BUS         68
#define OFF_PCI_DEVICE      69
#define OFF_PCI_FUNCTION    70
#define OFF_PCI_FLAGS       71
#define OFF_PCI_SEGMENT     75
#define OFF_UART_CLOCK      76 /* revision 3+; reserved before */
#define OFF_PRECISE_BAUD    80 /* revision 4 */
#define OFF_NAMESPACE_LEN   84
#define OFF_NAMESPACE_OFF   86

/* A 16550 has eight registers; the last (scratch) ends the block. */
#define UART_REGISTERS 8u
#define IO_SPACE_END   0x10000ull

const char *spcr_interface_name(uint8_t type)
{
    static const char *const names[] = {
        [0x00] = "16550",
        [0x01] = "16550 subset (16450)",
        [0x02] = "MAX311xE SPI UART",
        [0x03] = "ARM PL011 UART",
        [0x04] = "MSM8x60 UART",
        [0x05] = "NVIDIA 16550",
        [0x06] = "TI OMAP UART",
        [0x08] = "APM88xxxx UART",
        [0x09] = "MSM8974 UART",
        [0x0a] = "SAM5250 UART",
        [0x0b] = "Intel USIF UART",
        [0x0c] = "i.MX 6 UART",
        [0x0d] = "ARM SBSA 32-bit UART",
        [0x0e] = "ARM SBSA generic UART",
        [0x0f] = "ARM DCC",
        [0x10] = "BCM2835 UART",
        [0x11] = "SDM845 UART (1.8432 MHz)",
        [0x12] = "16550",
        [0x13] = "SDM845 UART (7.372 MHz)",
        [0x14] = "Intel LPSS UART",
        [0x15] = "RISC-V SBI console",
    };
    if (type < sizeof names / sizeof names[0] && names[type])
        return names[type];
    return "reserved";
}

static bool is_16550(uint8_t type)
{
    return type == SPCR_TYPE_16550 || type == SPCR_TYPE_16550_SUBSET || type == SPCR_TYPE_16550_GAS;
}

/* Configured Baud Rate codes; 1, 2, 5 and 8+ are reserved. */
static int baud_of_code(uint8_t code, uint32_t *baud)
{
    switch (code) {
    case 0: *baud = 0; return 0;
    case 3: *baud = 9600; return 0;
    case 4: *baud = 19200; return 0;
    case 6: *baud = 57600; return 0;
    case 7: *baud = 115200; return 0;
    default: return -1;
    }
}

static const char *space_name(uint8_t space)
{
    switch (space) {
    case 0x02: return "PCI configuration space";
    case 0x03: return "embedded controller";
    case 0x04: return "SMBus";
    case 0x0a: return "platform communications channel";
    case 0x7f: return "functional fixed hardware";
    default: return "not defined for a UART";
    }
}

/* The register block: a 16550 of 8-, 16- or 32-bit registers in I/O or memory space. */
static int parse_base_address(const uint8_t *t, struct spcr_info *out, char *why)
{
    uint8_t space = t[OFF_BASE_ADDRESS], bits = t[OFF_BASE_ADDRESS + 1];
    uint8_t offset = t[OFF_BASE_ADDRESS + 2], access = t[OFF_BASE_ADDRESS + 3];
    uint64_t address = acpi_read_le(t + OFF_BASE_ADDRESS + 4, 8);
    if (space != ACPI_SPACE_IO && space != ACPI_SPACE_MEMORY)
        return acpi_reject(why, "SPCR: base address is in address space %u (%s), not system memory or I/O",
                           space, space_name(space));
    if (address == 0)
        return acpi_reject(why, "SPCR: base address is 0 (console redirection disabled)");
    if (bits != 8 && bits != 16 && bits != 32)
        return acpi_reject(why, "SPCR: register bit width %u is not 8, 16 or 32", bits);
    if (offset != 0)
        return acpi_reject(why, "SPCR: register bit offset %u is not 0", offset);
    if (access > 3)
        return acpi_reject(why, "SPCR: access size %u is not 0 (undefined), 1, 2 or 3 (byte, word, dword)",
                           access);
    uint8_t access_bits = access ? (uint8_t)(8u << (access - 1)) : bits;
    if (access_bits > bits)
        return acpi_reject(why, "SPCR: access size %u (%u-bit) is wider than the %u-bit registers", access,
                           access_bits, bits);
    /* The scratch register's last byte must lie in the space. */
    uint64_t span = (UART_REGISTERS - 1) * (bits / 8u) + access_bits / 8u;
    if (space == ACPI_SPACE_IO && (address >= IO_SPACE_END || IO_SPACE_END - address < span))
        return acpi_reject(why, "SPCR: I/O base 0x%llx: its %llu bytes of registers pass 0xffff",
                           (unsigned long long)address, (unsigned long long)span);
    if (space == ACPI_SPACE_MEMORY && address > UINT64_MAX - (span - 1))
        return acpi_reject(why, "SPCR: MMIO base 0x%llx: its registers wrap past the end of memory",
                           (unsigned long long)address);
    out->space_id = space;
    out->address = address;
    out->register_bits = bits;
    out->access_size = access;
    out->access_bits = access_bits;
    return 0;
}

static int parse_line_settings(const uint8_t *t, struct spcr_info *out, char *why)
{
    /* Revision 4's Precise Baud Rate, when not 0, overrides the code. */
    uint32_t precise = out->revision >= 4 ? (uint32_t)acpi_read_le(t + OFF_PRECISE_BAUD, 4) : 0;
    out->baud_code = t[OFF_BAUD];
    if (precise) {
        out->baud = precise;
        out->baud_from_precise = true;
    } else if (baud_of_code(out->baud_code, &out->baud) != 0) {
        return acpi_reject(why, "SPCR: configured baud rate code %u is reserved (0 as is, 3 9600, "
                                "4 19200, 6 57600, 7 115200)", out->baud_code);
    }
    if (out->revision >= 3)
        out->uart_clock_hz = (uint32_t)acpi_read_le(t + OFF_UART_CLOCK, 4);
    out->parity = t[OFF_PARITY];
    out->stop_bits = t[OFF_STOP_BITS];
    out->flow_control = t[OFF_FLOW_CONTROL];
    out->terminal_type = t[OFF_TERMINAL_TYPE];
    if (out->parity != 0)
        return acpi_reject(why, "SPCR: parity %u is reserved (0: no parity)", out->parity);
    if (out->stop_bits != 1)
        return acpi_reject(why, "SPCR: stop bits %u is reserved (1: one stop bit)", out->stop_bits);
    if (out->flow_control & ~(SPCR_FLOW_DCD | SPCR_FLOW_RTS_CTS | SPCR_FLOW_XON_XOFF))
        return acpi_reject(why, "SPCR: flow control 0x%02x sets reserved bits (3..7)", out->flow_control);
    if (out->terminal_type > 3)
        return acpi_reject(why, "SPCR: terminal type %u is reserved (0 VT100, 1 VT100+, 2 VT-UTF8, 3 ANSI)",
                           out->terminal_type);
    return 0;
}

static int parse_pci(const uint8_t *t, struct spcr_info *out, char *why)
{
    out->pci_device_id = (uint16_t)acpi_read_le(t + OFF_PCI_DEVICE_ID, 2);
    out->pci_vendor_id = (uint16_t)acpi_read_le(t + OFF_PCI_VENDOR_ID, 2);
    /* "Must be 0xFFFF if it is not a PCI device"; no vendor is 0 either. */
    out->is_pci = out->pci_device_id != SPCR_PCI_NONE && out->pci_vendor_id != SPCR_PCI_NONE &&
                  out->pci_vendor_id != 0;
    if (!out->is_pci)
        return 0;
    out->pci_segment = t[OFF_PCI_SEGMENT];
    out->pci_bus = t[OFF_PCI_BUS];
    out->pci_device = t[OFF_PCI_DEVICE];
    out->pci_function = t[OFF_PCI_FUNCTION];
    out->pci_flags = (uint32_t)acpi_read_le(t + OFF_PCI_FLAGS, 4);
    if (out->pci_device > 31 || out->pci_function > 7)
        return acpi_reject(why, "SPCR: PCI device %u function %u is out of range (0..31, 0..7)",
                           out->pci_device, out->pci_function);
    return 0;
}

/* Revision 4's NUL-terminated namespace path, inside the table after the fixed part. */
static int parse_namespace(const uint8_t *t, uint32_t length, struct spcr_info *out, char *why)
{
    uint32_t n = (uint32_t)acpi_read_le(t + OFF_NAMESPACE_LEN, 2);
    uint32_t at = (uint32_t)acpi_read_le(t + OFF_NAMESPACE_OFF, 2);
    if (n == 0)
        return acpi_reject(why, "SPCR: namespace string length is 0 (it holds at least \".\" and a NUL)");
    if (at < SPCR_LENGTH_REV4)
        return acpi_reject(why, "SPCR: namespace string at offset %u overlaps the 88-byte fixed part", at);
    if (at + n > length)
        return acpi_reject(why, "SPCR: namespace string of %u bytes at offset %u passes the table's end (%u)",
                           n, at, length);
    if (t[at + n - 1] != '\0')
        return acpi_reject(why, "SPCR: namespace string of %u bytes at offset %u is not NUL-terminated", n,
                           at);
    size_t i = 0;
    for (; i + 1 < sizeof out->namespace_string && i + 1 < n && t[at + i]; i++)
        out->namespace_string[i] = (t[at + i] >= 0x20 && t[at + i] < 0x7f) ? (char)t[at + i] : '?';
    out->namespace_string[i] = '\0';
    return 0;
}

int spcr_parse(const void *table, size_t avail, struct spcr_info *out, char why[ACPI_WHY_LEN])
{
    memset(out, 0, sizeof *out);
    if (acpi_check_table(table, avail, "SPCR", why) < 0)
        return -1;
    const uint8_t *t = table;
    uint32_t length = (uint32_t)acpi_read_le(t + 4, 4);
    uint8_t revision = t[8];
    if (revision == 0 || revision > SPCR_REVISION_MAX)
        return acpi_reject(why, "SPCR: revision %u is not 1..%u", revision, SPCR_REVISION_MAX);
    uint32_t needed = revision >= 4 ? SPCR_LENGTH_REV4 : SPCR_LENGTH_REV1;
    if (length < needed)
        return acpi_reject(why, "SPCR: length %u is shorter than revision %u's %u bytes", length, revision,
                           needed);
    out->revision = revision;
    out->interface_type = t[OFF_INTERFACE_TYPE];
    if (!is_16550(out->interface_type))
        return acpi_reject(why, "SPCR: interface type 0x%02x (%s) is not a 16550", out->interface_type,
                           spcr_interface_name(out->interface_type));
    if (parse_base_address(t, out, why) < 0 || parse_line_settings(t, out, why) < 0 ||
        parse_pci(t, out, why) < 0)
        return -1;
    out->interrupt_type = t[OFF_INTERRUPT_TYPE];
    out->irq = t[OFF_IRQ];
    out->global_system_interrupt = (uint32_t)acpi_read_le(t + OFF_GSI, 4);
    if (revision >= 4 && parse_namespace(t, length, out, why) < 0)
        return -1;
    return 0;
}

/* snprintf that appends and never overruns. */
static void __attribute__((format(printf, 4, 5))) append(char *out, size_t len, size_t *used,
                                                          const char *fmt, ...)
{
    if (*used >= len)
        return;
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(out + *used, len - *used, fmt, args);
    va_end(args);
    if (n > 0)
        *used = *used + (size_t)n < len ? *used + (size_t)n : len;
}

void spcr_describe(const struct spcr_info *s, char *out, size_t len)
{
    if (!len)
        return;
    size_t used = 0;
    out[0] = '\0';
    append(out, len, &used, "SPCR rev %u: %s at %s 0x%llx, %u-bit registers", s->revision,
           spcr_interface_name(s->interface_type), s->space_id == ACPI_SPACE_IO ? "I/O" : "MMIO",
           (unsigned long long)s->address, s->register_bits);
    if (s->access_bits != s->register_bits)
        append(out, len, &used, " (%u-bit accesses)", s->access_bits);
    if (s->baud)
        append(out, len, &used, ", %u baud", s->baud);
    else
        append(out, len, &used, ", baud as the firmware set it");
    if (s->uart_clock_hz)
        append(out, len, &used, ", %u Hz clock", s->uart_clock_hz);
    if (s->flow_control)
        append(out, len, &used, ", flow control%s%s%s (not used)",
               s->flow_control & SPCR_FLOW_DCD ? " DCD" : "",
               s->flow_control & SPCR_FLOW_RTS_CTS ? " RTS/CTS" : "",
               s->flow_control & SPCR_FLOW_XON_XOFF ? " XON/XOFF" : "");
    if (s->is_pci)
        append(out, len, &used, ", PCI %04x:%02x:%02x.%u [%04x:%04x]", s->pci_segment, s->pci_bus,
               s->pci_device, s->pci_function, s->pci_vendor_id, s->pci_device_id);
}
