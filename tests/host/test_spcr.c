/* Host tests for lib/spcr.c: crafted SPCR tables of revisions 1 to 4 (I/O COM1, 32-bit MMIO, each baud code), then truncated, corrupted and out-of-range ones. */
#include "check.h"
#include "fixtures/guard_page.h"
#include "lib/spcr.h"

#include <stdlib.h>

#define CHECKSUM_OFFSET 9
#define TABLE_ROOM      128 /* bytes of every crafted table's buffer */

static void put_le(uint8_t *t, size_t offset, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        t[offset + i] = (uint8_t)(value >> (8 * i));
}

/* Length and checksum over `length` bytes; the body is written first. */
static void seal(uint8_t *t, uint32_t length)
{
    put_le(t, 4, length, 4);
    t[CHECKSUM_OFFSET] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + t[i]);
    t[CHECKSUM_OFFSET] = (uint8_t)-sum;
}

static void put_gas(uint8_t *t, uint8_t space, uint8_t bits, uint8_t access, uint64_t address)
{
    t[40] = space;
    t[41] = bits;
    t[42] = 0;
    t[43] = access;
    put_le(t, 44, address, 8);
}

/* What a PC's firmware publishes for COM1: revision 2, full 16550 at I/O 0x3f8, 8-bit
 * registers with byte accesses, 115200 8N1, VT-UTF8, not a PCI device. */
static void com1_table(uint8_t t[static TABLE_ROOM], uint8_t revision)
{
    memset(t, 0, TABLE_ROOM);
    memcpy(t, "SPCR", 4);
    t[8] = revision;
    memcpy(t + 10, "NVMTAL", 6);
    memcpy(t + 16, "TESTSPCR", 8);
    t[36] = SPCR_TYPE_16550;
    put_gas(t, ACPI_SPACE_IO, 8, 1, 0x3f8);
    t[52] = 0x01; /* PC-AT 8259 IRQ */
    t[53] = 4;
    put_le(t, 54, 4, 4);
    t[58] = 7;    /* 115200 */
    t[59] = 0;    /* no parity */
    t[60] = 1;    /* one stop bit */
    t[61] = 0;
    t[62] = 2;    /* VT-UTF8 */
    put_le(t, 64, 0xffff, 2);
    put_le(t, 66, 0xffff, 2);
    seal(t, SPCR_LENGTH_REV1);
}

/* The MMIO 16550 of the issue: 32-bit registers at 0xfe032000 with a 4-byte stride. */
static void mmio32_table(uint8_t t[static TABLE_ROOM])
{
    com1_table(t, 2);
    t[36] = SPCR_TYPE_16550_GAS;
    put_gas(t, ACPI_SPACE_MEMORY, 32, 3, 0xfe032000);
    seal(t, SPCR_LENGTH_REV1);
}

/* Revision 4: Precise Baud Rate 0 (the code counts), namespace "\_SB.URT0" after the fixed part. */
static uint32_t rev4_table(uint8_t t[static TABLE_ROOM])
{
    static const char path[] = "\\_SB.URT0"; /* 10 bytes with the NUL */
    com1_table(t, 4);
    put_le(t, 76, 1843200, 4);
    put_le(t, 80, 0, 4);
    put_le(t, 84, sizeof path, 2);
    put_le(t, 86, SPCR_LENGTH_REV4, 2);
    memcpy(t + SPCR_LENGTH_REV4, path, sizeof path);
    uint32_t length = SPCR_LENGTH_REV4 + (uint32_t)sizeof path;
    seal(t, length);
    return length;
}

static int parse(const uint8_t *t, size_t avail, struct spcr_info *info, char *why)
{
    why[0] = '\0';
    const uint8_t *guarded = at_end_of_readable_memory(t, avail);
    int status = spcr_parse(guarded, avail, info, why);
    /* Every reason fits its buffer whole, so nothing a reader needs is cut. */
    CHECK(strlen(why) + 1 < ACPI_WHY_LEN);
    return status;
}

/* Re-seals the table and expects this exact rejection. */
static void expect_reject(uint8_t *t, uint32_t length, const char *reason)
{
    struct spcr_info info;
    char why[ACPI_WHY_LEN];
    seal(t, length);
    CHECK_EQ_U64(parse(t, length, &info, why), (uint64_t)-1);
    CHECK_STR(why, reason);
}

static void io_port_com1(void)
{
    uint8_t t[TABLE_ROOM];
    com1_table(t, 2);
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_STR(why, "");
    CHECK_EQ_U64(info.revision, 2);
    CHECK_EQ_U64(info.interface_type, SPCR_TYPE_16550);
    CHECK_EQ_U64(info.space_id, ACPI_SPACE_IO);
    CHECK_EQ_U64(info.address, 0x3f8);
    CHECK_EQ_U64(info.register_bits, 8);
    CHECK_EQ_U64(info.access_size, 1);
    CHECK_EQ_U64(info.access_bits, 8);
    CHECK_EQ_U64(info.baud_code, 7);
    CHECK_EQ_U64(info.baud, 115200);
    CHECK(!info.baud_from_precise);
    CHECK_EQ_U64(info.uart_clock_hz, 0);
    CHECK_EQ_U64(info.parity, 0);
    CHECK_EQ_U64(info.stop_bits, 1);
    CHECK_EQ_U64(info.flow_control, 0);
    CHECK_EQ_U64(info.terminal_type, 2);
    CHECK_EQ_U64(info.interrupt_type, 1);
    CHECK_EQ_U64(info.irq, 4);
    CHECK_EQ_U64(info.global_system_interrupt, 4);
    CHECK(!info.is_pci);
    CHECK_STR(info.namespace_string, "");
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at I/O 0x3f8, 8-bit registers, 115200 baud");
}

static void mmio_32bit_registers(void)
{
    uint8_t t[TABLE_ROOM];
    mmio32_table(t);
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.interface_type, SPCR_TYPE_16550_GAS);
    CHECK_EQ_U64(info.space_id, ACPI_SPACE_MEMORY);
    CHECK_EQ_U64(info.address, 0xfe032000);
    CHECK_EQ_U64(info.register_bits, 32); /* stride 4 */
    CHECK_EQ_U64(info.access_bits, 32);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at MMIO 0xfe032000, 32-bit registers, 115200 baud");

    /* 32-bit stride, byte accesses: said, since it is not what the registers' width implies. */
    put_gas(t, ACPI_SPACE_MEMORY, 32, 1, 0xfe032000);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.register_bits, 32);
    CHECK_EQ_U64(info.access_bits, 8);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at MMIO 0xfe032000, 32-bit registers (8-bit accesses), 115200 baud");

    /* 16-bit registers with word accesses. */
    put_gas(t, ACPI_SPACE_MEMORY, 16, 2, 0xfe032000);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.register_bits, 16);
    CHECK_EQ_U64(info.access_bits, 16);
}

/* Access size 0 is "undefined (legacy)": the register width decides the access width. */
static void access_size_0_with_bit_width_32(void)
{
    uint8_t t[TABLE_ROOM];
    mmio32_table(t);
    put_gas(t, ACPI_SPACE_MEMORY, 32, 0, 0xfe032000);
    seal(t, SPCR_LENGTH_REV1);
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.access_size, 0);
    CHECK_EQ_U64(info.register_bits, 32);
    CHECK_EQ_U64(info.access_bits, 32);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at MMIO 0xfe032000, 32-bit registers, 115200 baud");

    /* The same for the I/O COM1 many x86 firmwares publish with access size 0. */
    com1_table(t, 1);
    put_gas(t, ACPI_SPACE_IO, 8, 0, 0x2f8);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.revision, 1);
    CHECK_EQ_U64(info.address, 0x2f8);
    CHECK_EQ_U64(info.access_bits, 8);
}

static void baud_codes(void)
{
    static const struct { uint8_t code; uint32_t baud; const char *tail; } rows[] = {
        {0, 0, ", baud as the firmware set it"},
        {3, 9600, ", 9600 baud"},
        {4, 19200, ", 19200 baud"},
        {6, 57600, ", 57600 baud"},
        {7, 115200, ", 115200 baud"},
    };
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200], expected[200];
    for (size_t i = 0; i < CHECK_COUNT(rows); i++) {
        com1_table(t, 2);
        t[58] = rows[i].code;
        seal(t, SPCR_LENGTH_REV1);
        CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
        CHECK_EQ_U64(info.baud_code, rows[i].code);
        CHECK_EQ_U64(info.baud, rows[i].baud);
        spcr_describe(&info, line, sizeof line);
        snprintf(expected, sizeof expected, "SPCR rev 2: 16550 at I/O 0x3f8, 8-bit registers%s",
                 rows[i].tail);
        CHECK_STR(line, expected);
    }
    static const uint8_t reserved[] = {1, 2, 5, 8, 0xff};
    for (size_t i = 0; i < CHECK_COUNT(reserved); i++) {
        com1_table(t, 2);
        t[58] = reserved[i];
        snprintf(expected, sizeof expected,
                 "SPCR: configured baud rate code %u is reserved (0 as is, 3 9600, 4 19200, "
                 "6 57600, 7 115200)", reserved[i]);
        expect_reject(t, SPCR_LENGTH_REV1, expected);
    }
}

static void truncated(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN];
    com1_table(t, 2);
    /* The buffer ends one byte before the table's own length. */
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1 - 1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "SPCR: length 80 exceeds the 79 bytes available");
    CHECK_EQ_U64(parse(t, 20, &info, why), (uint64_t)-1);
    CHECK_STR(why, "SPCR: only 20 bytes available, the header needs 36");
    /* A table whose own length stops inside the fixed part (checksum right). */
    expect_reject(t, 60, "SPCR: length 60 is shorter than revision 2's 80 bytes");
    expect_reject(t, 36, "SPCR: length 36 is shorter than revision 2's 80 bytes");
    /* Revision 4 needs 88. */
    com1_table(t, 4);
    expect_reject(t, SPCR_LENGTH_REV1, "SPCR: length 80 is shorter than revision 4's 88 bytes");
}

static void bad_checksum_and_signature(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN];
    com1_table(t, 2);
    t[58] = 6; /* changed after sealing */
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "SPCR: checksum byte sum is 0xff, not 0");
    com1_table(t, 2);
    memcpy(t, "DBG2", 4);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), (uint64_t)-1);
    CHECK_STR(why, "SPCR: signature is 'DBG2'");
}

static void revisions(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    com1_table(t, 0);
    expect_reject(t, SPCR_LENGTH_REV1, "SPCR: revision 0 is not 1..4");
    com1_table(t, 5);
    expect_reject(t, SPCR_LENGTH_REV1, "SPCR: revision 5 is not 1..4");

    /* Bytes 76..79 are reserved before revision 3, the UART clock from it. */
    com1_table(t, 2);
    put_le(t, 76, 48000000, 4);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.uart_clock_hz, 0);
    t[8] = 3;
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.revision, 3);
    CHECK_EQ_U64(info.uart_clock_hz, 48000000);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 3: 16550 at I/O 0x3f8, 8-bit registers, 115200 baud, 48000000 Hz clock");
}

static void revision4_precise_baud_and_namespace(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    uint32_t length = rev4_table(t);
    CHECK_EQ_U64(parse(t, length, &info, why), 0);
    CHECK_EQ_U64(info.revision, 4);
    CHECK_EQ_U64(info.baud, 115200);
    CHECK(!info.baud_from_precise);
    CHECK_EQ_U64(info.uart_clock_hz, 1843200);
    CHECK_STR(info.namespace_string, "\\_SB.URT0");

    /* A Precise Baud Rate overrides the code, a reserved code included. */
    put_le(t, 80, 1500000, 4);
    t[58] = 5;
    seal(t, length);
    CHECK_EQ_U64(parse(t, length, &info, why), 0);
    CHECK_EQ_U64(info.baud, 1500000);
    CHECK(info.baud_from_precise);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 4: 16550 at I/O 0x3f8, 8-bit registers, 1500000 baud, 1843200 Hz clock");

    /* "." is the namespace string of a UART without a device object. */
    length = rev4_table(t);
    put_le(t, 84, 2, 2);
    memcpy(t + 88, ".", 2);
    seal(t, 90);
    CHECK_EQ_U64(parse(t, 90, &info, why), 0);
    CHECK_STR(info.namespace_string, ".");

    length = rev4_table(t);
    put_le(t, 84, 0, 2);
    expect_reject(t, length,
                  "SPCR: namespace string length is 0 (it holds at least \".\" and a NUL)");
    length = rev4_table(t);
    put_le(t, 86, 80, 2);
    expect_reject(t, length, "SPCR: namespace string at offset 80 overlaps the 88-byte fixed part");
    length = rev4_table(t);
    put_le(t, 84, 11, 2);
    expect_reject(t, length,
                  "SPCR: namespace string of 11 bytes at offset 88 passes the table's end (98)");
    length = rev4_table(t);
    put_le(t, 86, 0xfff0, 2);
    expect_reject(t, length,
                  "SPCR: namespace string of 10 bytes at offset 65520 passes the table's end (98)");
    length = rev4_table(t);
    t[97] = 'X';
    expect_reject(t, length,
                  "SPCR: namespace string of 10 bytes at offset 88 is not NUL-terminated");
    /* A revision-4 table cut at its namespace string, read at the very end of memory. */
    length = rev4_table(t);
    put_le(t, 84, 10, 2);
    expect_reject(t, 92, "SPCR: namespace string of 10 bytes at offset 88 passes the table's end (92)");
}

static void interface_types(void)
{
    static const struct { uint8_t type; const char *reason; } rows[] = {
        {0x03, "SPCR: interface type 0x03 (ARM PL011 UART) is not a 16550"},
        {0x05, "SPCR: interface type 0x05 (NVIDIA 16550) is not a 16550"},
        {0x07, "SPCR: interface type 0x07 (reserved) is not a 16550"},
        {0x0e, "SPCR: interface type 0x0e (ARM SBSA generic UART) is not a 16550"},
        {0x14, "SPCR: interface type 0x14 (Intel LPSS UART) is not a 16550"},
        {0x15, "SPCR: interface type 0x15 (RISC-V SBI console) is not a 16550"},
        {0x16, "SPCR: interface type 0x16 (reserved) is not a 16550"},
        {0xff, "SPCR: interface type 0xff (reserved) is not a 16550"},
    };
    uint8_t t[TABLE_ROOM];
    for (size_t i = 0; i < CHECK_COUNT(rows); i++) {
        com1_table(t, 2);
        t[36] = rows[i].type;
        expect_reject(t, SPCR_LENGTH_REV1, rows[i].reason);
    }
    /* The three 16550s are accepted; the subset says so. */
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    com1_table(t, 2);
    t[36] = SPCR_TYPE_16550_SUBSET;
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 subset (16450) at I/O 0x3f8, 8-bit registers, 115200 baud");
    CHECK_STR(spcr_interface_name(SPCR_TYPE_16550_GAS), "16550");
}

static void base_address_rejects(void)
{
    static const struct {
        uint8_t space, bits, offset, access;
        uint64_t address;
        const char *reason;
    } rows[] = {
        {2, 8, 0, 1, 0x3f8, "SPCR: base address is in address space 2 (PCI configuration space), not system memory or I/O"},
        {0x7f, 8, 0, 1, 0x3f8, "SPCR: base address is in address space 127 (functional fixed hardware), not system memory or I/O"},
        {9, 8, 0, 1, 0x3f8, "SPCR: base address is in address space 9 (not defined for a UART), not system memory or I/O"},
        {1, 8, 0, 1, 0, "SPCR: base address is 0 (console redirection disabled)"},
        {0, 32, 0, 3, 0, "SPCR: base address is 0 (console redirection disabled)"},
        {0, 64, 0, 4, 0xfe032000, "SPCR: register bit width 64 is not 8, 16 or 32"},
        {0, 0, 0, 3, 0xfe032000, "SPCR: register bit width 0 is not 8, 16 or 32"},
        {1, 8, 4, 1, 0x3f8, "SPCR: register bit offset 4 is not 0"},
        {0, 32, 0, 4, 0xfe032000, "SPCR: access size 4 is not 0 (undefined), 1, 2 or 3 (byte, word, dword)"},
        {0, 8, 0, 3, 0xfe032000, "SPCR: access size 3 (32-bit) is wider than the 8-bit registers"},
        {0, 16, 0, 3, 0xfe032000, "SPCR: access size 3 (32-bit) is wider than the 16-bit registers"},
        {1, 8, 0, 1, 0xfff9, "SPCR: I/O base 0xfff9: its 8 bytes of registers pass 0xffff"},
        {1, 32, 0, 3, 0xffe8, "SPCR: I/O base 0xffe8: its 32 bytes of registers pass 0xffff"},
        {1, 8, 0, 1, 0x100000000ull, "SPCR: I/O base 0x100000000: its 8 bytes of registers pass 0xffff"},
        {0, 32, 0, 3, 0xffffffffffffffe4ull, "SPCR: MMIO base 0xffffffffffffffe4: its registers wrap past the end of memory"},
    };
    uint8_t t[TABLE_ROOM];
    for (size_t i = 0; i < CHECK_COUNT(rows); i++) {
        com1_table(t, 2);
        put_gas(t, rows[i].space, rows[i].bits, rows[i].access, rows[i].address);
        t[42] = rows[i].offset;
        expect_reject(t, SPCR_LENGTH_REV1, rows[i].reason);
    }
    /* The last register blocks that still fit. */
    struct spcr_info info;
    char why[ACPI_WHY_LEN];
    com1_table(t, 2);
    put_gas(t, 1, 8, 1, 0xfff8);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    put_gas(t, 0, 32, 3, 0xffffffffffffffe0ull);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
}

static void line_setting_rejects(void)
{
    static const struct { size_t offset; uint8_t value; const char *reason; } rows[] = {
        {59, 1, "SPCR: parity 1 is reserved (0: no parity)"},
        {60, 0, "SPCR: stop bits 0 is reserved (1: one stop bit)"},
        {60, 2, "SPCR: stop bits 2 is reserved (1: one stop bit)"},
        {61, 0x08, "SPCR: flow control 0x08 sets reserved bits (3..7)"},
        {61, 0x83, "SPCR: flow control 0x83 sets reserved bits (3..7)"},
        {62, 4, "SPCR: terminal type 4 is reserved (0 VT100, 1 VT100+, 2 VT-UTF8, 3 ANSI)"},
    };
    uint8_t t[TABLE_ROOM];
    for (size_t i = 0; i < CHECK_COUNT(rows); i++) {
        com1_table(t, 2);
        t[rows[i].offset] = rows[i].value;
        expect_reject(t, SPCR_LENGTH_REV1, rows[i].reason);
    }
    /* Flow control is named (the driver does not use it). */
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    com1_table(t, 2);
    t[61] = SPCR_FLOW_RTS_CTS | SPCR_FLOW_DCD;
    t[62] = 3;
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK_EQ_U64(info.flow_control, 3);
    CHECK_EQ_U64(info.terminal_type, 3);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at I/O 0x3f8, 8-bit registers, 115200 baud, flow control DCD RTS/CTS (not used)");
}

static void pci_fields(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN], line[200];
    /* An Intel AMT serial-over-LAN function at 00:16.3, its I/O BAR at 0xf0e0. */
    com1_table(t, 2);
    put_gas(t, ACPI_SPACE_IO, 8, 1, 0xf0e0);
    put_le(t, 64, 0x8c3d, 2);
    put_le(t, 66, 0x8086, 2);
    t[68] = 0;
    t[69] = 0x16;
    t[70] = 3;
    put_le(t, 71, 1, 4);
    t[75] = 0;
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK(info.is_pci);
    CHECK_EQ_U64(info.pci_vendor_id, 0x8086);
    CHECK_EQ_U64(info.pci_device_id, 0x8c3d);
    CHECK_EQ_U64(info.pci_device, 0x16);
    CHECK_EQ_U64(info.pci_function, 3);
    CHECK_EQ_U64(info.pci_flags, 1);
    spcr_describe(&info, line, sizeof line);
    CHECK_STR(line, "SPCR rev 2: 16550 at I/O 0xf0e0, 8-bit registers, 115200 baud, PCI 0000:00:16.3 [8086:8c3d]");

    t[69] = 32;
    expect_reject(t, SPCR_LENGTH_REV1, "SPCR: PCI device 32 function 3 is out of range (0..31, 0..7)");
    t[69] = 0x16;
    t[70] = 8;
    expect_reject(t, SPCR_LENGTH_REV1, "SPCR: PCI device 22 function 8 is out of range (0..31, 0..7)");

    /* Not a PCI device: 0xffff IDs (or vendor 0, as some tables leave it); the rest is ignored. */
    com1_table(t, 2);
    t[69] = 0xff;
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK(!info.is_pci);
    put_le(t, 64, 0, 2);
    put_le(t, 66, 0, 2);
    seal(t, SPCR_LENGTH_REV1);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    CHECK(!info.is_pci);
}

/* A parse starts from a zeroed result (nothing of an earlier table stays); spcr_describe never
 * writes past its length. */
static void result_zeroed_and_describe_fits(void)
{
    uint8_t t[TABLE_ROOM];
    struct spcr_info info;
    char why[ACPI_WHY_LEN];
    com1_table(t, 2);
    t[60] = 0;
    seal(t, SPCR_LENGTH_REV1);
    memset(&info, 0xa5, sizeof info);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), (uint64_t)-1);
    CHECK_EQ_U64(info.revision, 2); /* decoded as far as it went */
    CHECK_EQ_U64(info.namespace_string[0], 0);

    mmio32_table(t);
    CHECK_EQ_U64(parse(t, SPCR_LENGTH_REV1, &info, why), 0);
    char small[24];
    memset(small, 'x', sizeof small);
    spcr_describe(&info, small, 10);
    CHECK_STR(small, "SPCR rev ");
    CHECK_EQ_U64((uint8_t)small[10], 'x');
    spcr_describe(&info, small, 0); /* nothing written */
    CHECK_EQ_U64((uint8_t)small[0], 'S');
}

static const struct check_case cases[] = {
    CHECK_CASE(io_port_com1),
    CHECK_CASE(mmio_32bit_registers),
    CHECK_CASE(access_size_0_with_bit_width_32),
    CHECK_CASE(baud_codes),
    CHECK_CASE(truncated),
    CHECK_CASE(bad_checksum_and_signature),
    CHECK_CASE(revisions),
    CHECK_CASE(revision4_precise_baud_and_namespace),
    CHECK_CASE(interface_types),
    CHECK_CASE(base_address_rejects),
    CHECK_CASE(line_setting_rejects),
    CHECK_CASE(pci_fields),
    CHECK_CASE(result_zeroed_and_describe_fits),
};

int main(void)
{
    return CHECK_RUN("spcr", cases);
}
