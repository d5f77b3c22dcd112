/* VT-d fault records: decoding the two qwords of a primary fault record and naming its reason. */
#include "drivers/vtd/vtd_fault.h"

#include <stdio.h>

/* Fields of the high qword (bits 127:64 of the record; VT-d 3.x, Fault Recording Registers).
 * Bits 55:40 hold a PASID value that QEMU fills with 0xFFFF for page-walk faults, so nothing
 * reads them. */
#define FAULT_SOURCE_ID_MASK 0xffffull
#define FAULT_PASID_PRESENT_BIT 31
#define FAULT_REASON_SHIFT 32
#define FAULT_REASON_MASK 0xffull
#define FAULT_TYPE_READ_BIT 62
#define FAULT_VALID_BIT 63
#define FAULT_PAGE_MASK (~0xfffull)
#define FAULT_INTERRUPT_INDEX_SHIFT 48 /* interrupt faults: FI bits 63:48 of the low qword */
#define FAULT_FIRST_INTERRUPT_REASON 0x20
#define FAULT_LAST_INTERRUPT_REASON 0x2f

/* Reasons for requests without PASID in legacy and second-level translation (appendix A). */
static const char *const reason_names[] = {
    [0x01] = "root entry not present",
    [0x02] = "context entry not present",
    [0x03] = "context entry programmed wrongly",
    [0x04] = "address beyond MGAW or AGAW",
    [0x05] = "write to a page without write permission",
    [0x06] = "read from a page without read permission",
    [0x07] = "error reading a second-level paging entry",
    [0x08] = "error reading the root entry",
    [0x09] = "error reading the context entry",
    [0x0a] = "reserved bit set in root entry",
    [0x0b] = "reserved bit set in context entry",
    [0x0c] = "reserved bit set in second-level paging entry",
    [0x0d] = "translation type blocked by context entry",
    /* Interrupt requests (interrupt remapping fault conditions, appendix A). */
    [0x20] = "interrupt request with a reserved field set",
    [0x21] = "interrupt index beyond the remapping table",
    [0x22] = "interrupt remapping entry not present",
    [0x23] = "error reading the interrupt remapping table",
    [0x24] = "reserved bit set in an interrupt remapping entry",
    [0x25] = "compatibility-format interrupt blocked",
    [0x26] = "interrupt request failed source validation",
};

static bool high_bit(uint64_t high, unsigned bit)
{
    return (high >> bit) & 1;
}

struct vtd_fault vtd_fault_decode(uint64_t low, uint64_t high)
{
    struct vtd_fault f = {
        .valid = high_bit(high, FAULT_VALID_BIT),
        .source_id = (uint16_t)(high & FAULT_SOURCE_ID_MASK),
        .reason = (uint8_t)((high >> FAULT_REASON_SHIFT) & FAULT_REASON_MASK),
        .read = high_bit(high, FAULT_TYPE_READ_BIT),
        .address = low & FAULT_PAGE_MASK,
        .pasid_present = high_bit(high, FAULT_PASID_PRESENT_BIT),
    };
    f.interrupt = f.reason >= FAULT_FIRST_INTERRUPT_REASON && f.reason <= FAULT_LAST_INTERRUPT_REASON;
    if (f.interrupt) {
        f.interrupt_index = (uint16_t)(low >> FAULT_INTERRUPT_INDEX_SHIFT);
        f.address = 0;
        f.read = false;
    }
    return f;
}

const char *vtd_fault_reason_name(uint8_t reason)
{
    if (reason < sizeof reason_names / sizeof reason_names[0] && reason_names[reason])
        return reason_names[reason];
    return "reason not known to nvmetal";
}

void vtd_fault_format(const struct vtd_fault *f, char *out, size_t len)
{
    /* A record without F is a stale slot, not a fault: say so rather than pass it off as one. */
    const char *stale = f->valid ? "" : " (F clear: not a recorded fault)";
    if (f->interrupt) {
        snprintf(out, len, "SID %02x:%02x.%x interrupt request, index %u: reason 0x%02x %s%s",
                 f->source_id >> 8, (f->source_id >> 3) & 0x1f, f->source_id & 0x7,
                 f->interrupt_index, f->reason, vtd_fault_reason_name(f->reason), stale);
        return;
    }
    snprintf(out, len, "SID %02x:%02x.%x %s of 0x%llx: reason 0x%02x %s%s", f->source_id >> 8,
             (f->source_id >> 3) & 0x1f, f->source_id & 0x7, f->read ? "read" : "write",
             (unsigned long long)f->address, f->reason, vtd_fault_reason_name(f->reason), stale);
}
