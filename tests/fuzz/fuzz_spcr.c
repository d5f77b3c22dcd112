/* libFuzzer harness for lib/spcr.c: spcr_parse on the bytes as given and re-signed as an SPCR, every accepted field checked against the bytes, spcr_describe within its buffer. */
#include "fuzz_common.h"

#include "lib/spcr.h"

#define HEADER 36u

static uint32_t baud_of(uint8_t code)
{
    switch (code) {
    case 0: return 0;
    case 3: return 9600;
    case 4: return 19200;
    case 6: return 57600;
    case 7: return 115200;
    default: return UINT32_MAX; /* reserved */
    }
}

/* What an accepted table promises, field by field, from its bytes. */
static void check_accepted(const uint8_t *t, size_t size, const struct spcr_info *s)
{
    uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
    FUZZ_CHECK(memcmp(t, "SPCR", 4) == 0 && length <= size && fuzz_byte_sum(t, length) == 0,
               "accepted a table that fails its header checks");
    FUZZ_CHECK(s->revision == t[8] && s->revision >= 1 && s->revision <= 4, "revision %u", t[8]);
    FUZZ_CHECK(length >= (s->revision >= 4 ? 88u : 80u), "revision %u accepted with length %u",
               s->revision, length);
    FUZZ_CHECK(s->interface_type == t[36] &&
                   (t[36] == 0x00 || t[36] == 0x01 || t[36] == 0x12),
               "interface type 0x%02x accepted", t[36]);
    FUZZ_CHECK(s->space_id == t[40] && (t[40] == ACPI_SPACE_IO || t[40] == ACPI_SPACE_MEMORY),
               "address space %u", t[40]);
    FUZZ_CHECK(s->register_bits == t[41] && (t[41] == 8 || t[41] == 16 || t[41] == 32),
               "register width %u", t[41]);
    FUZZ_CHECK(t[42] == 0, "bit offset %u accepted", t[42]);
    FUZZ_CHECK(s->access_size == t[43] && t[43] <= 3, "access size %u", t[43]);
    FUZZ_CHECK(s->access_bits == (t[43] ? 8u << (t[43] - 1) : t[41]) &&
                   s->access_bits <= s->register_bits,
               "access width %u from size %u, register %u", s->access_bits, t[43], t[41]);
    FUZZ_CHECK(s->address == fuzz_le(t + 44, 8) && s->address != 0, "address 0x%llx",
               (unsigned long long)s->address);
    uint64_t span = 7ull * (s->register_bits / 8) + s->access_bits / 8;
    if (s->space_id == ACPI_SPACE_IO)
        FUZZ_CHECK(s->address + span <= 0x10000, "I/O block 0x%llx + %llu past 0xffff",
                   (unsigned long long)s->address, (unsigned long long)span);
    else
        FUZZ_CHECK(s->address <= UINT64_MAX - (span - 1), "MMIO block wraps");
    FUZZ_CHECK(s->interrupt_type == t[52] && s->irq == t[53] &&
                   s->global_system_interrupt == fuzz_le(t + 54, 4),
               "interrupt fields");
    uint32_t precise = s->revision >= 4 ? (uint32_t)fuzz_le(t + 80, 4) : 0;
    FUZZ_CHECK(s->baud_code == t[58], "baud code");
    if (precise)
        FUZZ_CHECK(s->baud == precise && s->baud_from_precise, "precise baud %u, got %u", precise,
                   s->baud);
    else
        FUZZ_CHECK(s->baud == baud_of(t[58]) && !s->baud_from_precise, "baud %u from code %u",
                   s->baud, t[58]);
    FUZZ_CHECK(s->uart_clock_hz == (s->revision >= 3 ? fuzz_le(t + 76, 4) : 0), "UART clock");
    FUZZ_CHECK(s->parity == 0 && t[59] == 0 && s->stop_bits == 1 && t[60] == 1, "8N1 fields");
    FUZZ_CHECK(s->flow_control == t[61] && t[61] <= 7, "flow control 0x%02x", t[61]);
    FUZZ_CHECK(s->terminal_type == t[62] && t[62] <= 3, "terminal type %u", t[62]);
    uint16_t device_id = (uint16_t)fuzz_le(t + 64, 2), vendor_id = (uint16_t)fuzz_le(t + 66, 2);
    FUZZ_CHECK(s->pci_device_id == device_id && s->pci_vendor_id == vendor_id, "PCI IDs");
    FUZZ_CHECK(s->is_pci == (device_id != 0xffff && vendor_id != 0xffff && vendor_id != 0),
               "is_pci");
    if (s->is_pci)
        FUZZ_CHECK(s->pci_bus == t[68] && s->pci_device == t[69] && t[69] <= 31 &&
                       s->pci_function == t[70] && t[70] <= 7 &&
                       s->pci_flags == fuzz_le(t + 71, 4) && s->pci_segment == t[75],
                   "PCI location");
    const char *nul = memchr(s->namespace_string, '\0', sizeof s->namespace_string);
    FUZZ_CHECK(nul != NULL, "namespace string not terminated");
    if (s->revision >= 4) {
        uint32_t n = (uint32_t)fuzz_le(t + 84, 2), at = (uint32_t)fuzz_le(t + 86, 2);
        FUZZ_CHECK(n >= 1 && at >= 88 && at + n <= length && t[at + n - 1] == 0,
                   "namespace string of %u bytes at %u in a %u-byte table", n, at, length);
        for (size_t i = 0; s->namespace_string[i]; i++) {
            uint8_t c = t[at + i];
            FUZZ_CHECK(i + 1 < n && s->namespace_string[i] == ((c >= 0x20 && c < 0x7f) ? (char)c : '?'),
                       "namespace byte %zu", i);
        }
    } else {
        FUZZ_CHECK(s->namespace_string[0] == '\0', "namespace string before revision 4");
    }

    /* The description fits any buffer it is given, terminated inside it. */
    static const size_t lens[] = {1, 9, 40, 256};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *line = fuzz_text_buffer(lens[i]);
        spcr_describe(s, line, lens[i]);
        fuzz_check_string(line, lens[i], false, "spcr_describe");
        free(line);
    }
}

static void fuzz_parse(const uint8_t *t, size_t size)
{
    struct spcr_info *s = malloc(sizeof *s);
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = spcr_parse(t, size, s, why);
    if (status == 0) {
        check_accepted(t, size, s);
    } else {
        FUZZ_CHECK(status == -1, "spcr_parse returned %d", status);
        fuzz_check_string(why, ACPI_WHY_LEN, true, "spcr_parse");
        FUZZ_CHECK(strncmp(why, "SPCR: ", 6) == 0, "reason without its table: %s", why);
    }
    free(why);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *t = fuzz_copy(data, size);
    fuzz_parse(t, size);
    free(t);
    /* Re-signed with a fixed checksum, once with the input's own length field, once with
     * length = size, so the field checks are reached. */
    if (size >= HEADER) {
        for (int own_length = 1; own_length >= 0; own_length--) {
            t = fuzz_copy(data, size);
            memcpy(t, "SPCR", 4);
            if (!own_length && size <= UINT32_MAX)
                fuzz_put_le(t + 4, size, 4);
            uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
            fuzz_fix_checksum(t, length < size ? length : size, 9);
            fuzz_parse(t, size);
            free(t);
        }
    }
    return 0;
}
