/* VT-d fault recording: decoding a 128-bit fault record and naming its reason. */
#ifndef NVMETAL_DRIVERS_VTD_FAULT_H
#define NVMETAL_DRIVERS_VTD_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtd_fault {
    bool valid;          /* F bit (63 of the high qword) */
    uint16_t source_id;  /* bus << 8 | device << 3 | function */
    uint8_t reason;      /* FR, bits 39:32 of the high qword */
    bool read;           /* T bit 62: 1 = read request (QEMU: 1 = read) */
    uint64_t address;    /* page address (low qword with bits 11:0 clear); 0 for interrupts */
    bool interrupt;      /* an interrupt request (reasons 0x20..0x2f): no address, no T */
    uint16_t interrupt_index; /* with interrupt: FI, the IRTE index the request named */
    uint8_t pasid_present;
};

/* Decodes a record from its low and high qwords. Bits 55:40 (where QEMU puts
 * 0xFFFF for page-walk faults) are ignored. */
struct vtd_fault vtd_fault_decode(uint64_t low, uint64_t high);
/* "read from a page without read permission"-style name for a reason code, from a table. */
const char *vtd_fault_reason_name(uint8_t reason);
/* "SID 00:03.0 read of 0x1000000000: reason 0x06 <name>", or for an interrupt request
 * "SID 00:03.0 interrupt request, index 3: reason 0x22 <name>" */
void vtd_fault_format(const struct vtd_fault *f, char *out, size_t len);

#endif
