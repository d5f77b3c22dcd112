/* Host tests for drivers/vtd/vtd_fault.c: fault records as QEMU writes them, reason names and the one-line format. */
#include "check.h"
#include "drivers/vtd/vtd_fault.h"

#define F_BIT (1ull << 63)
#define T_READ (1ull << 62)
#define QEMU_PASID_FILL (0xffffull << 40) /* QEMU's page-walk faults carry this */
#define PP_BIT (1ull << 31)

static uint64_t reason_field(uint8_t reason)
{
    return (uint64_t)reason << 32;
}

static void describe(const struct vtd_fault *f, char *out, size_t len)
{
    snprintf(out, len, "valid %d sid 0x%04x reason 0x%02x read %d address 0x%llx pasid_present %u "
             "interrupt %d index %u", f->valid, f->source_id, f->reason, f->read,
             (unsigned long long)f->address, f->pasid_present, f->interrupt, f->interrupt_index);
}

/* vtd_fault_decode(low, high) gives exactly the fields named, and 0 in every other one. */
#define CHECK_DECODES(low, high, ...) \
    check_decodes(__LINE__, (low), (high), (struct vtd_fault){__VA_ARGS__})

static void check_decodes(int line, uint64_t low, uint64_t high, struct vtd_fault expected)
{
    struct vtd_fault got = vtd_fault_decode(low, high);
    if (got.valid == expected.valid && got.source_id == expected.source_id &&
        got.reason == expected.reason && got.read == expected.read &&
        got.address == expected.address && got.pasid_present == expected.pasid_present &&
        got.interrupt == expected.interrupt && got.interrupt_index == expected.interrupt_index)
        return;
    char got_text[128], expected_text[128];
    describe(&got, got_text, sizeof got_text);
    describe(&expected, expected_text, sizeof expected_text);
    check_fail(__FILE__, line, "decode(0x%llx, 0x%llx): got %s, expected %s",
               (unsigned long long)low, (unsigned long long)high, got_text, expected_text);
}

/* The record (low, high) formats to exactly `expected`. */
#define CHECK_FORMAT(low, high, expected)                          \
    do {                                                           \
        struct vtd_fault f_ = vtd_fault_decode((low), (high));     \
        char line_[160];                                           \
        vtd_fault_format(&f_, line_, sizeof line_);                \
        CHECK_STR(line_, (expected));                              \
    } while (0)

static void qemu_read_fault(void)
{
    /* A read by 03:00.0 from an unmapped IOVA, with the low bits of the address present. */
    uint64_t high = F_BIT | T_READ | QEMU_PASID_FILL | reason_field(0x06) | 0x0300;
    CHECK_DECODES(0x1000000abcull, high, .valid = true, .source_id = 0x0300, .reason = 0x06,
                  .read = true, .address = 0x1000000000ull);
    CHECK_FORMAT(0x1000000abcull, high,
                 "SID 03:00.0 read of 0x1000000000: reason 0x06 read from a page without read "
                 "permission");
}

static void write_fault_and_reserved_bit(void)
{
    /* 00:03.0 writing below the interrupt window: T clear means a write. */
    uint64_t high = F_BIT | reason_field(0x05) | 0x0018;
    CHECK_DECODES(0xfed00000, high, .valid = true, .source_id = 0x0018, .reason = 0x05,
                  .address = 0xfed00000);
    CHECK_FORMAT(0xfed00000, high,
                 "SID 00:03.0 write of 0xfed00000: reason 0x05 write to a page without write "
                 "permission");

    /* A reserved-bit fault: the 0xFFFF above the reason must not leak into it. */
    high = F_BIT | T_READ | QEMU_PASID_FILL | reason_field(0x0c) | 0xfffb;
    CHECK_DECODES(0xe000000000ull, high, .valid = true, .source_id = 0xfffb, .reason = 0x0c,
                  .read = true, .address = 0xe000000000ull);
    CHECK_FORMAT(0xe000000000ull, high,
                 "SID ff:1f.3 read of 0xe000000000: reason 0x0c reserved bit set in "
                 "second-level paging entry");
}

static void interrupt_fault(void)
{
    /* An interrupt request from 00:03.0 through IRTE 5, not present: FI (index) in bits 63:48
     * of the low qword, no address, T meaningless. */
    uint64_t high = F_BIT | T_READ | reason_field(0x22) | 0x0018;
    CHECK_DECODES(5ull << 48 | 0xfee00000ull, high, .valid = true, .source_id = 0x0018,
                  .reason = 0x22, .interrupt = true, .interrupt_index = 5);
    CHECK_FORMAT(5ull << 48, high,
                 "SID 00:03.0 interrupt request, index 5: reason 0x22 interrupt remapping entry "
                 "not present");
    CHECK_FORMAT(0, F_BIT | reason_field(0x26) | 0x0010,
                 "SID 00:02.0 interrupt request, index 0: reason 0x26 interrupt request failed "
                 "source validation");
}

static void fields_stay_apart(void)
{
    /* Each field alone at its extreme. */
    CHECK_DECODES(~0ull, 0, .address = 0xfffffffffffff000ull);
    CHECK_DECODES(0, 0xffff, .source_id = 0xffff);
    CHECK_DECODES(0, PP_BIT, .pasid_present = 1);
    CHECK_DECODES(0, reason_field(0xff), .reason = 0xff);
    CHECK_DECODES(0, T_READ, .read = true);
    CHECK_DECODES(0, F_BIT, .valid = true);
    /* Every bit outside the fields (30:16, 61:40, the page offset) and nothing comes out. */
    CHECK_DECODES(0xfff, 0x3fffff007fff0000ull);
}

static void reason_names(void)
{
    static const char *const expected[] = {
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
        [0x20] = "interrupt request with a reserved field set",
        [0x21] = "interrupt index beyond the remapping table",
        [0x22] = "interrupt remapping entry not present",
        [0x23] = "error reading the interrupt remapping table",
        [0x24] = "reserved bit set in an interrupt remapping entry",
        [0x25] = "compatibility-format interrupt blocked",
        [0x26] = "interrupt request failed source validation",
    };
    for (unsigned reason = 0x01; reason < CHECK_COUNT(expected); reason++)
        if (expected[reason])
            CHECK_STR(vtd_fault_reason_name((uint8_t)reason), expected[reason]);
    static const uint8_t unknown[] = {0x00, 0x0e, 0x10, 0x1f, 0x27, 0x30, 0x7f, 0x80, 0xff};
    for (unsigned i = 0; i < CHECK_COUNT(unknown); i++)
        CHECK_STR(vtd_fault_reason_name(unknown[i]), "reason not known to nvmetal");
}

static void format_edges(void)
{
    CHECK_FORMAT(0, F_BIT | reason_field(0x30) | 0x0a0f,
                 "SID 0a:01.7 write of 0x0: reason 0x30 reason not known to nvmetal");

    /* A slot whose F bit is clear holds no fault, whatever else it says. */
    CHECK_FORMAT(0x2000, T_READ | reason_field(0x01) | 0x0008,
                 "SID 00:01.0 read of 0x2000: reason 0x01 root entry not present (F clear: "
                 "not a recorded fault)");

    /* A short buffer gets a terminated prefix and nothing past its end. */
    char small[12];
    memset(small, 'x', sizeof small);
    struct vtd_fault f = vtd_fault_decode(0x2000, F_BIT | T_READ | reason_field(0x01) | 0x0008);
    vtd_fault_format(&f, small, 8);
    CHECK_STR(small, "SID 00:");
    CHECK_EQ_U64(small[8], 'x');
}

static const struct check_case cases[] = {
    CHECK_CASE(qemu_read_fault),
    CHECK_CASE(write_fault_and_reserved_bit),
    CHECK_CASE(interrupt_fault),
    CHECK_CASE(fields_stay_apart),
    CHECK_CASE(reason_names),
    CHECK_CASE(format_edges),
};

int main(void)
{
    return CHECK_RUN("vtd_fault", cases);
}
