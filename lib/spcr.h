/* SPCR (Microsoft Serial Port Console Redirection table, revisions 1 to 4): the UART the firmware names as its console. */
#ifndef NVMETAL_LIB_SPCR_H
#define NVMETAL_LIB_SPCR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"

/* Interface types (SPCR revision 1; from revision 2 the serial subtypes of Microsoft's DBG2). */
#define SPCR_TYPE_16550        0x00 /* fully 16550-compatible */
#define SPCR_TYPE_16550_SUBSET 0x01 /* 16450-compatible subset of the 16550 */
#define SPCR_TYPE_16550_GAS    0x12 /* 16550-compatible, parameters in the Generic Address Structure */

#define SPCR_LENGTH_REV1     80u /* revisions 1 to 3 */
#define SPCR_LENGTH_REV4     88u /* revision 4, before its namespace string */
#define SPCR_REVISION_MAX    4u
#define SPCR_PCI_NONE        0xffffu /* PCI device and vendor ID of a UART that is not a PCI function */
#define SPCR_NAMESPACE_LEN   64u

/* Flow control bits; 3..7 are reserved. */
#define SPCR_FLOW_DCD      (1u << 0)
#define SPCR_FLOW_RTS_CTS  (1u << 1)
#define SPCR_FLOW_XON_XOFF (1u << 2)

/* What an accepted SPCR says, decoded. Only tables naming a 16550 are accepted. */
struct spcr_info {
    uint8_t revision;
    uint8_t interface_type; /* SPCR_TYPE_16550, _16550_SUBSET or _16550_GAS */

    /* The register block, from the Generic Address Structure. */
    uint8_t space_id;      /* ACPI_SPACE_IO or ACPI_SPACE_MEMORY */
    uint64_t address;      /* I/O port or physical address of register 0 */
    uint8_t register_bits; /* GAS register bit width: 8, 16 or 32; the stride is register_bits / 8 */
    uint8_t access_size;   /* the GAS field as found: 0 (undefined), 1 byte, 2 word, 3 dword */
    uint8_t access_bits;   /* width of every access: from access_size, or register_bits when 0 */

    /* Line settings. baud 0 = "as is": keep what the firmware programmed. */
    uint8_t baud_code;       /* Configured Baud Rate: 0, 3, 4, 6 or 7 */
    uint32_t baud;           /* bits per second, 0 for "as is" */
    bool baud_from_precise;  /* revision 4's Precise Baud Rate overrode the code */
    uint32_t uart_clock_hz;  /* revision 3+, 0 = not given (a 16550's 1.8432 MHz) */
    uint8_t parity;          /* 0: none, the only value defined */
    uint8_t stop_bits;       /* 1: one, the only value defined */
    uint8_t flow_control;    /* SPCR_FLOW_* */
    uint8_t terminal_type;   /* 0 VT100, 1 VT100+, 2 VT-UTF8, 3 ANSI */

    /* Interrupt, as given (nvmetal polls). */
    uint8_t interrupt_type;
    uint8_t irq;
    uint32_t global_system_interrupt;

    /* The UART as a PCI function: device and vendor ID not SPCR_PCI_NONE (nor vendor 0). */
    bool is_pci;
    uint16_t pci_device_id, pci_vendor_id;
    uint8_t pci_segment, pci_bus, pci_device, pci_function;
    uint32_t pci_flags;

    /* Revision 4: the ACPI namespace path ("." for none), printable ASCII, cut to fit. */
    char namespace_string[SPCR_NAMESPACE_LEN];
};

/* Parses an SPCR of revision 1 to 4. `avail` is how many bytes may be read. Returns 0, or -1
 * with the reason in why[] ("SPCR: ..."). Rejected: what acpi_check_table rejects (length,
 * signature, checksum); revision 0 or above 4; a length shorter than the revision's fixed part
 * (80 bytes, 88 for revision 4); an interface type that is not a 16550 (named); a base address
 * outside system memory and I/O, at 0 (redirection disabled), with a bit offset, a register
 * width other than 8, 16 or 32 bits, an access size above 3 or wider than the register, or a
 * register block past the 64 KiB I/O space or the end of memory; a reserved baud rate code
 * (unless revision 4's Precise Baud Rate is given); parity other than none, stop bits other
 * than 1, reserved flow control bits, a terminal type above 3; a PCI UART's device or function
 * number out of range; revision 4's namespace string outside the table or not NUL-terminated.
 * Nothing past `avail` or the table's length is read. */
int spcr_parse(const void *table, size_t avail, struct spcr_info *out, char why[ACPI_WHY_LEN]);

/* The interface type's name ("16550", "ARM PL011 UART", ..., "reserved"). */
const char *spcr_interface_name(uint8_t interface_type);

/* One line for the banner: "SPCR rev 2: 16550 at MMIO 0xfe032000, 32-bit registers, 115200 baud". */
void spcr_describe(const struct spcr_info *info, char *out, size_t len);

#endif
