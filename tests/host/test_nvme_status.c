/* Host tests for drivers/nvme/nvme_status.c: names by status code type, the DNR and More flags, unknown codes. */
#include "check.h"

#include "drivers/nvme/nvme_spec.h"

struct description {
    uint16_t status;
    const char *text;
};

static void check_descriptions(const struct description *rows, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char out[96];
        memset(out, 'x', sizeof out);
        CHECK(nvme_status_describe(rows[i].status, out, sizeof out) == out);
        CHECK_STR(out, rows[i].text);
    }
}
#define CHECK_DESCRIPTIONS(...)                                            \
    do {                                                                   \
        static const struct description rows_[] = {__VA_ARGS__};          \
        check_descriptions(rows_, CHECK_COUNT(rows_));                     \
    } while (0)

static void success_has_no_flags(void)
{
    CHECK_DESCRIPTIONS({NVME_STATUS_SUCCESS, "Success (0x0000)"});
}

static void invalid_use_of_cmb_with_dnr(void)
{
    CHECK_DESCRIPTIONS({NVME_STATUS_DNR | NVME_STATUS_INVALID_USE_OF_CMB,
                        "Invalid Use of Controller Memory Buffer (0x4012, DNR)"});
}

/* The statuses QEMU is known to return to nvmetal (platform-facts.md), and the table's ends. */
static void generic_codes(void)
{
    CHECK_DESCRIPTIONS({NVME_STATUS_DATA_TRANSFER_ERROR, "Data Transfer Error (0x0004)"},
                       {0x4002, "Invalid Field in Command (0x4002, DNR)"},
                       {0x400c, "Command Sequence Error (0x400c, DNR)"},
                       {0x0022, "Transient Transport Error (0x0022)"},
                       {0x0084, "Format In Progress (0x0084)"});
}

/* The same SC means different things under different SCTs. */
static void status_code_type_selects_the_table(void)
{
    CHECK_DESCRIPTIONS({0x0001, "Invalid Command Opcode (0x0001)"},
                       {0x0101, "Invalid Queue Identifier (0x0101)"},
                       {0x4101, "Invalid Queue Identifier (0x4101, DNR)"},
                       {0x0100, "Completion Queue Invalid (0x0100)"},
                       {0x0110, "Firmware Activation Requires NVM Subsystem Reset (0x0110)"},
                       {0x0182, "Attempted Write to Read Only Range (0x0182)"},
                       {0x0080, "LBA Out of Range (0x0080)"},
                       {0x0180, "Conflicting Attributes (0x0180)"},
                       {0x0280, "Write Fault (0x0280)"},
                       {0x0281, "Unrecovered Read Error (0x0281)"},
                       {0x0287, "Deallocated or Unwritten Logical Block (0x0287)"});
}

static void more_flag_and_both_flags(void)
{
    CHECK_DESCRIPTIONS({0x2006, "Internal Error (0x2006, More)"},
                       {0x6285, "Compare Failure (0x6285, DNR, More)"});
}

/* Gaps inside known tables stay unknown rather than borrowing a neighbour's name. */
static void unknown_codes_name_sct_and_sc(void)
{
    CHECK_DESCRIPTIONS({0x0380, "SCT 3 SC 0x80 (0x0380)"},
                       {0x4380, "SCT 3 SC 0x80 (0x4380, DNR)"},
                       {0x0017, "SCT 0 SC 0x17 (0x0017)"},
                       {0x0104, "SCT 1 SC 0x04 (0x0104)"},
                       {0x0200, "SCT 2 SC 0x00 (0x0200)"},
                       {0x0023, "SCT 0 SC 0x23 (0x0023)"},
                       {0x0712, "SCT 7 SC 0x12 (0x0712)"});
}

/* CRD (bits 12:11) is not a name's business but stays visible in the raw value. */
static void retry_delay_bits_kept_in_hex(void)
{
    CHECK_DESCRIPTIONS({0x1804, "Data Transfer Error (0x1804)"});
}

static void truncates_into_a_small_buffer(void)
{
    char out[8];
    memset(out, 'x', sizeof out);
    CHECK(nvme_status_describe(0x4012, out, sizeof out) == out);
    CHECK_STR(out, "Invalid");
    char untouched = 'x';
    CHECK(nvme_status_describe(0x4012, &untouched, 0) == &untouched);
    CHECK_EQ_U64(untouched, 'x');
}

static const struct check_case cases[] = {
    CHECK_CASE(success_has_no_flags),
    CHECK_CASE(invalid_use_of_cmb_with_dnr),
    CHECK_CASE(generic_codes),
    CHECK_CASE(status_code_type_selects_the_table),
    CHECK_CASE(more_flag_and_both_flags),
    CHECK_CASE(unknown_codes_name_sct_and_sc),
    CHECK_CASE(retry_delay_bits_kept_in_hex),
    CHECK_CASE(truncates_into_a_small_buffer),
};

int main(void)
{
    return CHECK_RUN("nvme_status", cases);
}
