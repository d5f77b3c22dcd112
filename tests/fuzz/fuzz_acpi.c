/* libFuzzer harness for lib/acpi.c: RSDP, XSDT, RSDT, MCFG, FADT and HPET parsing, each result checked against the bytes. */
#include "fuzz_common.h"

#include "lib/acpi.h"

#define HEADER 36u

/* acpi_discover sizes the array from the table's length; the parsers still take a room
 * argument, so a tiny array and a roomy one exercise "n entries, room for max" at both ends. */
static const unsigned root_max[] = {2, 64};

static void check_failure(int status, const char *why, const char *parser)
{
    FUZZ_CHECK(status == -1, "%s returned %d", parser, status);
    fuzz_check_string(why, ACPI_WHY_LEN, true, parser);
}

/* What acpi_check_table promises when it accepts: the signature, 36 <= length <= avail, sum 0. */
static void check_header(const uint8_t *t, size_t size, const char signature[4])
{
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = acpi_check_table(t, size, signature, why);
    if (status == 0) {
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        FUZZ_CHECK(memcmp(t, signature, 4) == 0, "accepted signature '%.4s' as '%.4s'", t,
                   signature);
        FUZZ_CHECK(length >= HEADER && length <= size, "accepted length %u of %zu bytes", length,
                   size);
        FUZZ_CHECK(fuzz_byte_sum(t, length) == 0, "accepted a bad checksum");
    } else {
        check_failure(status, why, "acpi_check_table");
    }
    free(why);
}

static void fuzz_rsdp(const uint8_t *t, size_t size)
{
    struct acpi_rsdp_info *out = malloc(sizeof *out);
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = acpi_parse_rsdp(t, size, out, why);
    if (status == 0) {
        FUZZ_CHECK(size >= 20 && memcmp(t, "RSD PTR ", 8) == 0, "accepted a non-RSDP");
        FUZZ_CHECK(fuzz_byte_sum(t, 20) == 0, "accepted a bad 1.0 checksum");
        FUZZ_CHECK(out->revision == t[15], "revision %u, byte 15 is %u", out->revision, t[15]);
        FUZZ_CHECK(memcmp(out->oem_id, t + 9, 6) == 0 && out->oem_id[6] == '\0', "OEM ID");
        FUZZ_CHECK(out->rsdt_address == fuzz_le(t + 16, 4), "RSDT address");
        if (t[15] >= 2) {
            uint32_t length = (uint32_t)fuzz_le(t + 20, 4);
            FUZZ_CHECK(size >= 36 && length >= 36 && length <= size,
                       "revision %u accepted with length %u of %zu bytes", t[15], length, size);
            FUZZ_CHECK(fuzz_byte_sum(t, length) == 0, "accepted a bad extended checksum");
            FUZZ_CHECK(out->xsdt_address == fuzz_le(t + 24, 8), "XSDT address");
        } else {
            FUZZ_CHECK(out->xsdt_address == 0, "ACPI 1.0 RSDP with an XSDT address");
        }
    } else {
        check_failure(status, why, "acpi_parse_rsdp");
    }
    free(why);
    free(out);
}

/* XSDT (8-byte entries) or RSDT (4-byte entries). */
static void fuzz_root(const uint8_t *t, size_t size, bool xsdt)
{
    size_t width = xsdt ? 8 : 4;
    for (size_t m = 0; m < sizeof root_max / sizeof root_max[0]; m++) {
        unsigned max = root_max[m];
        uint64_t *entries = malloc(max * sizeof *entries);
        char *why = fuzz_text_buffer(ACPI_WHY_LEN);
        unsigned count = 0xdeadbeef;
        int status = xsdt ? acpi_parse_xsdt(t, size, entries, max, &count, why)
                          : acpi_parse_rsdt(t, size, entries, max, &count, why);
        if (status == 0) {
            uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
            FUZZ_CHECK(count <= max, "count %u, room for %u", count, max);
            FUZZ_CHECK((length - HEADER) % width == 0 && count == (length - HEADER) / width,
                       "count %u from length %u", count, length);
            for (unsigned i = 0; i < count; i++)
                FUZZ_CHECK(entries[i] == fuzz_le(t + HEADER + i * width, width), "entry %u", i);
        } else {
            check_failure(status, why, xsdt ? "acpi_parse_xsdt" : "acpi_parse_rsdt");
        }
        free(why);
        free(entries);
    }
}

/* acpi_mcfg_count sizes the array; acpi_parse_mcfg fills it, and refuses an array too small. */
static void fuzz_mcfg(const uint8_t *t, size_t size)
{
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    unsigned n = 0xdeadbeef;
    int counted = acpi_mcfg_count(t, size, &n, why);
    if (counted == 0) {
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        FUZZ_CHECK(length >= 44 && (length - 44) % 16 == 0 && n >= 1 && n == (length - 44) / 16,
                   "%u allocations counted in a %u-byte MCFG", n, length);
    } else {
        check_failure(counted, why, "acpi_mcfg_count");
    }
    free(why);

    /* Room for exactly the count, one fewer, and acpi_discover's old fixed 8. */
    unsigned maxes[] = {counted == 0 ? n : 1, counted == 0 ? n - 1 : 0, 8};
    for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
        unsigned max = maxes[m];
        struct acpi_mcfg_allocation *out = malloc(max * sizeof *out);
        why = fuzz_text_buffer(ACPI_WHY_LEN);
        unsigned count = 0xdeadbeef;
        int status = acpi_parse_mcfg(t, size, out, max, &count, why);
        if (status == 0) {
            FUZZ_CHECK(counted == 0 && count == n && count <= max,
                       "%u allocations stored, %u counted, room for %u", count, n, max);
            for (unsigned i = 0; i < count; i++) {
                const uint8_t *e = t + 44 + 16 * i;
                FUZZ_CHECK(out[i].base == fuzz_le(e, 8) && out[i].base != 0, "allocation %u base", i);
                FUZZ_CHECK(out[i].segment == fuzz_le(e + 8, 2), "allocation %u segment", i);
                FUZZ_CHECK(out[i].bus_start == e[10] && out[i].bus_end == e[11] &&
                               out[i].bus_start <= out[i].bus_end,
                           "allocation %u buses %02x..%02x", i, out[i].bus_start, out[i].bus_end);
            }
        } else {
            /* *count is not promised on failure (acpi_discover clears it itself). */
            check_failure(status, why, "acpi_parse_mcfg");
        }
        free(why);
        free(out);
    }
}

/* The FADT fields, modelled from their offsets: a field past the table's length is absent. */
static void fuzz_fadt(const uint8_t *t, size_t size)
{
    struct acpi_fadt_info *out = malloc(sizeof *out);
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = acpi_parse_fadt(t, size, out, why);
    if (status == 0) {
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        uint32_t flags = length >= 116 ? (uint32_t)fuzz_le(t + 112, 4) : 0;
        FUZZ_CHECK(out->pm_timer_32bit == ((flags >> 8) & 1), "TMR_VAL_EXT");
        uint32_t port = 0;
        uint64_t x_address = length >= 220 ? fuzz_le(t + 212, 8) : 0;
        if (length >= 220 && t[208] == ACPI_SPACE_IO && x_address != 0 && x_address <= 0xffff)
            port = (uint32_t)x_address;
        else if (length >= 80)
            port = (uint32_t)fuzz_le(t + 76, 4);
        FUZZ_CHECK(out->pm_timer_port == port, "PM timer port 0x%x, expected 0x%x",
                   out->pm_timer_port, port);
        if (length >= 129) {
            const uint8_t *gas = t + 116;
            FUZZ_CHECK(out->reset_register.space_id == gas[0] &&
                           out->reset_register.bit_width == gas[1] &&
                           out->reset_register.bit_offset == gas[2] &&
                           out->reset_register.access_size == gas[3] &&
                           out->reset_register.address == fuzz_le(gas + 4, 8),
                       "reset register");
            FUZZ_CHECK(out->reset_value == t[128], "reset value");
            bool usable = (gas[0] == ACPI_SPACE_MEMORY || gas[0] == ACPI_SPACE_IO) &&
                          fuzz_le(gas + 4, 8) != 0;
            FUZZ_CHECK(out->reset_supported == (((flags >> 10) & 1) && usable), "RESET_REG_SUP");
        } else {
            FUZZ_CHECK(!out->reset_supported && out->reset_register.address == 0,
                       "reset register from a %u-byte FADT", length);
        }
    } else {
        check_failure(status, why, "acpi_parse_fadt");
    }
    free(why);
    free(out);
}

static void fuzz_hpet(const uint8_t *t, size_t size)
{
    struct acpi_hpet_info *out = malloc(sizeof *out);
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = acpi_parse_hpet(t, size, out, why);
    if (status == 0) {
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        FUZZ_CHECK(length >= 52 && t[40] == ACPI_SPACE_MEMORY, "HPET base from length %u space %u",
                   length, t[40]);
        FUZZ_CHECK(out->base == fuzz_le(t + 44, 8) && out->base != 0, "HPET base 0x%llx",
                   (unsigned long long)out->base);
    } else {
        check_failure(status, why, "acpi_parse_hpet");
    }
    free(why);
    free(out);
}

static const char *const signatures[] = {"XSDT", "RSDT", "MCFG", "FACP", "HPET"};

static void fuzz_table(const uint8_t *t, size_t size, const char *signature)
{
    check_header(t, size, signature);
    if (!strcmp(signature, "XSDT"))
        fuzz_root(t, size, true);
    else if (!strcmp(signature, "RSDT"))
        fuzz_root(t, size, false);
    else if (!strcmp(signature, "MCFG"))
        fuzz_mcfg(t, size);
    else if (!strcmp(signature, "FACP"))
        fuzz_fadt(t, size);
    else
        fuzz_hpet(t, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1: the bytes as given, to every parser (the signature and checksum checks). */
    uint8_t *t = fuzz_copy(data, size);
    fuzz_rsdp(t, size);
    for (size_t s = 0; s < sizeof signatures / sizeof signatures[0]; s++)
        fuzz_table(t, size, signatures[s]);
    free(t);

    /* 2 and 3: random bytes rarely carry the right signature and checksum, so each table parser
     * also gets a copy with its signature and a fixed checksum, once with the input's own
     * length field (which may be shorter or longer than the input) and once with length = size. */
    if (size >= HEADER) {
        for (size_t s = 0; s < sizeof signatures / sizeof signatures[0]; s++) {
            for (int own_length = 1; own_length >= 0; own_length--) {
                t = fuzz_copy(data, size);
                memcpy(t, signatures[s], 4);
                if (!own_length && size <= UINT32_MAX)
                    fuzz_put_le(t + 4, size, 4);
                uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
                fuzz_fix_checksum(t, length < size ? length : size, 9);
                fuzz_table(t, size, signatures[s]);
                free(t);
            }
        }
    }
    if (size >= 20) {
        t = fuzz_copy(data, size);
        memcpy(t, "RSD PTR ", 8);
        fuzz_fix_checksum(t, 20, 8);
        fuzz_rsdp(t, size);
        if (size >= 36) {
            uint32_t length = (uint32_t)fuzz_le(t + 20, 4);
            if (length > size) { /* bytes 20..23 lie outside the 1.0 checksum */
                length = (uint32_t)size;
                fuzz_put_le(t + 20, length, 4);
            }
            if (length >= 33) /* the extended checksum at 32 covers all `length` bytes */
                fuzz_fix_checksum(t, length, 32);
            fuzz_rsdp(t, size);
        }
        free(t);
    }
    return 0;
}
