/* ACPI table parsers: header and checksum validation, then RSDP, XSDT/RSDT, MCFG, FADT and HPET decoding. */
#include "lib/acpi.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Root System Description Pointer; ACPI 1.0 ends after rsdt_address (20 bytes). */
struct __attribute__((packed)) acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length; /* ACPI 2.0+ from here */
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};
#define RSDP_V1_LENGTH 20u
#define RSDP_V2_LENGTH 36u
_Static_assert(offsetof(struct acpi_rsdp, length) == RSDP_V1_LENGTH, "RSDP 1.0 is 20 bytes");
_Static_assert(sizeof(struct acpi_rsdp) == RSDP_V2_LENGTH, "RSDP 2.0 is 36 bytes");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "XSDT address at 24");

#define ACPI_HEADER_LENGTH ((uint32_t)sizeof(struct acpi_header))

/* MCFG: the header, 8 reserved bytes, then an array of allocations. */
struct __attribute__((packed)) acpi_mcfg_fixed {
    struct acpi_header header;
    uint8_t reserved[8];
};
_Static_assert(sizeof(struct acpi_mcfg_fixed) == 44, "MCFG allocations start at 44");

struct __attribute__((packed)) acpi_mcfg_entry {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start;
    uint8_t bus_end;
    uint32_t reserved;
};
_Static_assert(sizeof(struct acpi_mcfg_entry) == 16, "MCFG allocation is 16 bytes");
_Static_assert(offsetof(struct acpi_mcfg_entry, bus_start) == 10, "MCFG start bus at 10");

/* FADT ("FACP") up to X_PM_TMR_BLK, the last field read here. Revision 1 tables end at 116. */
struct __attribute__((packed)) acpi_fadt {
    struct acpi_header header;
    uint32_t firmware_ctrl;
    uint32_t dsdt;
    uint8_t reserved0;
    uint8_t preferred_pm_profile;
    uint16_t sci_int;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk;
    uint32_t pm1b_evt_blk;
    uint32_t pm1a_cnt_blk;
    uint32_t pm1b_cnt_blk;
    uint32_t pm2_cnt_blk;
    uint32_t pm_tmr_blk;
    uint32_t gpe0_blk;
    uint32_t gpe1_blk;
    uint8_t pm1_evt_len;
    uint8_t pm1_cnt_len;
    uint8_t pm2_cnt_len;
    uint8_t pm_tmr_len;
    uint8_t gpe0_blk_len;
    uint8_t gpe1_blk_len;
    uint8_t gpe1_base;
    uint8_t cst_cnt;
    uint16_t p_lvl2_lat;
    uint16_t p_lvl3_lat;
    uint16_t flush_size;
    uint16_t flush_stride;
    uint8_t duty_offset;
    uint8_t duty_width;
    uint8_t day_alrm;
    uint8_t mon_alrm;
    uint8_t century;
    uint16_t iapc_boot_arch;
    uint8_t reserved1;
    uint32_t flags;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint16_t arm_boot_arch;
    uint8_t minor_version;
    uint64_t x_firmware_ctrl;
    uint64_t x_dsdt;
    struct acpi_gas x_pm1a_evt_blk;
    struct acpi_gas x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk;
    struct acpi_gas x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk;
    struct acpi_gas x_pm_tmr_blk;
};
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK at 76");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags at 112");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG at 116");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE at 128");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK at 208");
_Static_assert(sizeof(struct acpi_fadt) == 220, "FADT prefix ends after X_PM_TMR_BLK");

#define FADT_PWR_BUTTON    (1u << 4) /* set: the power button is a control method device */
#define FADT_TMR_VAL_EXT   (1u << 8)
#define FADT_BOOT_ARCH_8042 (1u << 1)
#define FADT_RESET_REG_SUP (1u << 10)

struct __attribute__((packed)) acpi_hpet {
    struct acpi_header header;
    uint32_t event_timer_block_id;
    struct acpi_gas base_address;
    uint8_t hpet_number;
    uint16_t minimum_tick;
    uint8_t page_protection;
};
_Static_assert(offsetof(struct acpi_hpet, base_address) == 40, "HPET base address at 40");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET table is 56 bytes");

int acpi_reject(char *why, const char *fmt, ...)
{
    if (why) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(why, ACPI_WHY_LEN, fmt, args);
        va_end(args);
    }
    return -1;
}

static uint8_t byte_sum(const void *bytes, size_t len)
{
    const uint8_t *p = bytes;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

uint64_t acpi_read_le(const uint8_t *p, size_t width)
{
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

/* A signature as printable text, so a corrupt one cannot spoil the message. */
static void printable_signature(const char *raw, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (raw[i] >= 0x20 && raw[i] < 0x7f) ? raw[i] : '?';
    out[len] = '\0';
}

int acpi_check_table(const void *table, size_t avail, const char signature[4],
                     char why[ACPI_WHY_LEN])
{
    if (avail < ACPI_HEADER_LENGTH)
        return acpi_reject(why, "%.4s: only %zu bytes available, the header needs 36", signature,
                           avail);
    struct acpi_header header;
    memcpy(&header, table, sizeof header);
    if (memcmp(header.signature, signature, 4) != 0) {
        char found[5];
        printable_signature(header.signature, 4, found);
        return acpi_reject(why, "%.4s: signature is '%s'", signature, found);
    }
    if (header.length < ACPI_HEADER_LENGTH)
        return acpi_reject(why, "%.4s: length %u is shorter than the 36-byte header", signature,
                           header.length);
    if (header.length > avail)
        return acpi_reject(why, "%.4s: length %u exceeds the %zu bytes available", signature,
                           header.length, avail);
    uint8_t sum = byte_sum(table, header.length);
    if (sum != 0)
        return acpi_reject(why, "%.4s: checksum byte sum is 0x%02x, not 0", signature, sum);
    return 0;
}

/* The table's own length, for use after acpi_check_table has accepted it. */
static uint32_t table_length(const void *table)
{
    return (uint32_t)acpi_read_le((const uint8_t *)table + offsetof(struct acpi_header, length),
                             sizeof(uint32_t));
}

/* Validates a fixed-layout table and copies as much of it as its length holds into *layout;
 * the rest of *layout is zero, because fields past the table's end are absent. */
static int load_table(const void *table, size_t avail, const char signature[4], void *layout,
                      size_t layout_size, uint32_t *length, char *why)
{
    if (acpi_check_table(table, avail, signature, why) < 0)
        return -1;
    *length = table_length(table);
    memset(layout, 0, layout_size);
    memcpy(layout, table, *length < layout_size ? *length : layout_size);
    return 0;
}

int acpi_parse_rsdp(const void *rsdp, size_t avail, struct acpi_rsdp_info *out,
                    char why[ACPI_WHY_LEN])
{
    if (avail < RSDP_V1_LENGTH)
        return acpi_reject(why, "RSDP: only %zu bytes available, needs 20", avail);
    struct acpi_rsdp raw;
    memset(&raw, 0, sizeof raw);
    memcpy(&raw, rsdp, avail < sizeof raw ? avail : sizeof raw);
    if (memcmp(raw.signature, "RSD PTR ", 8) != 0) {
        char found[9];
        printable_signature(raw.signature, 8, found);
        return acpi_reject(why, "RSDP: signature is '%s', not 'RSD PTR '", found);
    }
    uint8_t sum = byte_sum(rsdp, RSDP_V1_LENGTH);
    if (sum != 0)
        return acpi_reject(why, "RSDP: checksum byte sum of the first 20 bytes is 0x%02x, not 0", sum);
    memset(out, 0, sizeof *out);
    if (raw.revision >= 2) {
        if (avail < RSDP_V2_LENGTH)
            return acpi_reject(why, "RSDP: revision %u needs 36 bytes, only %zu available",
                               raw.revision, avail);
        if (raw.length < RSDP_V2_LENGTH)
            return acpi_reject(why, "RSDP: revision %u length %u is shorter than 36", raw.revision,
                               raw.length);
        if (raw.length > avail)
            return acpi_reject(why, "RSDP: length %u exceeds the %zu bytes available", raw.length,
                               avail);
        sum = byte_sum(rsdp, raw.length);
        if (sum != 0)
            return acpi_reject(why, "RSDP: extended checksum byte sum is 0x%02x, not 0", sum);
        out->xsdt_address = raw.xsdt_address;
    }
    out->revision = raw.revision;
    memcpy(out->oem_id, raw.oem_id, sizeof raw.oem_id);
    out->oem_id[sizeof raw.oem_id] = '\0';
    out->rsdt_address = raw.rsdt_address;
    return 0;
}

/* XSDT and RSDT differ only in their signature and the width of each entry. */
static int parse_root_table(const void *table, size_t avail, const char signature[4],
                            size_t entry_width, uint64_t *entries, unsigned max, unsigned *count,
                            char *why)
{
    *count = 0;
    if (acpi_check_table(table, avail, signature, why) < 0)
        return -1;
    uint32_t entry_bytes = table_length(table) - ACPI_HEADER_LENGTH;
    if (entry_bytes % entry_width != 0)
        return acpi_reject(why, "%.4s: %u bytes of entries is not a multiple of %zu", signature,
                           entry_bytes, entry_width);
    size_t n = entry_bytes / entry_width;
    if (n > max)
        return acpi_reject(why, "%.4s: %zu entries, room for %u", signature, n, max);
    const uint8_t *first = (const uint8_t *)table + ACPI_HEADER_LENGTH;
    for (size_t i = 0; i < n; i++)
        entries[i] = acpi_read_le(first + i * entry_width, entry_width);
    *count = (unsigned)n;
    return 0;
}

int acpi_parse_xsdt(const void *table, size_t avail, uint64_t *entries, unsigned max,
                    unsigned *count, char why[ACPI_WHY_LEN])
{
    return parse_root_table(table, avail, "XSDT", sizeof(uint64_t), entries, max, count, why);
}

int acpi_parse_rsdt(const void *table, size_t avail, uint64_t *entries, unsigned max,
                    unsigned *count, char why[ACPI_WHY_LEN])
{
    return parse_root_table(table, avail, "RSDT", sizeof(uint32_t), entries, max, count, why);
}

int acpi_mcfg_count(const void *table, size_t avail, unsigned *count, char why[ACPI_WHY_LEN])
{
    *count = 0;
    if (acpi_check_table(table, avail, "MCFG", why) < 0)
        return -1;
    uint32_t length = table_length(table);
    if (length < sizeof(struct acpi_mcfg_fixed))
        return acpi_reject(why, "MCFG: length %u is shorter than the 44-byte fixed part", length);
    uint32_t entry_bytes = length - (uint32_t)sizeof(struct acpi_mcfg_fixed);
    if (entry_bytes % sizeof(struct acpi_mcfg_entry) != 0)
        return acpi_reject(why, "MCFG: %u bytes of allocations is not a multiple of 16", entry_bytes);
    if (entry_bytes == 0)
        return acpi_reject(why, "MCFG has no allocations");
    *count = entry_bytes / (uint32_t)sizeof(struct acpi_mcfg_entry);
    return 0;
}

int acpi_parse_mcfg(const void *table, size_t avail, struct acpi_mcfg_allocation *out,
                    unsigned max, unsigned *count, char why[ACPI_WHY_LEN])
{
    unsigned n;
    if (acpi_mcfg_count(table, avail, &n, why) < 0)
        return -1;
    *count = 0;
    if (n > max)
        return acpi_reject(why, "MCFG: %u allocations, room for %u", n, max);
    const uint8_t *first = (const uint8_t *)table + sizeof(struct acpi_mcfg_fixed);
    for (unsigned i = 0; i < n; i++) {
        struct acpi_mcfg_entry entry;
        memcpy(&entry, first + i * sizeof entry, sizeof entry);
        if (entry.bus_start > entry.bus_end)
            return acpi_reject(why, "MCFG allocation %u: bus range %02x..%02x is reversed", i,
                               entry.bus_start, entry.bus_end);
        if (entry.base == 0)
            return acpi_reject(why, "MCFG allocation %u: ECAM base is 0", i);
        out[i].base = entry.base;
        out[i].segment = entry.segment;
        out[i].bus_start = entry.bus_start;
        out[i].bus_end = entry.bus_end;
    }
    *count = n;
    return 0;
}

/* Old FADT revisions are short: a field past the table's length is absent, not garbage. */
#define FADT_HAS(length, field) \
    ((length) >= offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field))

static bool gas_is_usable(const struct acpi_gas *gas)
{
    return (gas->space_id == ACPI_SPACE_MEMORY || gas->space_id == ACPI_SPACE_IO) &&
           gas->address != 0;
}

int acpi_parse_fadt(const void *table, size_t avail, struct acpi_fadt_info *out,
                    char why[ACPI_WHY_LEN])
{
    struct acpi_fadt fadt;
    uint32_t length;
    if (load_table(table, avail, "FACP", &fadt, sizeof fadt, &length, why) < 0)
        return -1;
    memset(out, 0, sizeof *out);

    uint32_t flags = FADT_HAS(length, flags) ? fadt.flags : 0;
    out->pm_timer_32bit = (flags & FADT_TMR_VAL_EXT) != 0;

    /* The 64-bit block wins when it names an I/O port; a memory-mapped timer is not usable here. */
    struct acpi_gas x_timer = fadt.x_pm_tmr_blk;
    if (FADT_HAS(length, x_pm_tmr_blk) && x_timer.space_id == ACPI_SPACE_IO &&
        x_timer.address != 0 && x_timer.address <= 0xffff)
        out->pm_timer_port = (uint32_t)x_timer.address;
    else if (FADT_HAS(length, pm_tmr_blk))
        out->pm_timer_port = fadt.pm_tmr_blk;

    /* PM1 event block: status then enable registers, pm1_evt_len bytes in all (at least 4). */
    struct acpi_gas x_event = fadt.x_pm1a_evt_blk;
    unsigned event_len = FADT_HAS(length, pm1_evt_len) ? fadt.pm1_evt_len : 0;
    uint64_t event_block = 0;
    if (FADT_HAS(length, x_pm1a_evt_blk) && x_event.space_id == ACPI_SPACE_IO && x_event.address)
        event_block = x_event.address;
    else if (FADT_HAS(length, pm1_evt_len))
        event_block = fadt.pm1a_evt_blk;
    if (event_block && event_len >= 4 && event_block + event_len <= 0x10000) {
        out->pm1a_status_port = (uint16_t)event_block;
        out->pm1a_enable_port = (uint16_t)(event_block + event_len / 2);
    }
    out->power_button_fixed = FADT_HAS(length, flags) && !(flags & FADT_PWR_BUTTON);
    /* Revision 1 tables have no IAPC_BOOT_ARCH: a PC of that age has an 8042. */
    out->has_8042 = fadt.header.revision < 2 || !FADT_HAS(length, iapc_boot_arch) ||
                    (fadt.iapc_boot_arch & FADT_BOOT_ARCH_8042);

    if (FADT_HAS(length, reset_value)) {
        out->reset_register = fadt.reset_reg;
        out->reset_value = fadt.reset_value;
        out->reset_supported = (flags & FADT_RESET_REG_SUP) && gas_is_usable(&out->reset_register);
    }
    return 0;
}

int acpi_parse_hpet(const void *table, size_t avail, struct acpi_hpet_info *out,
                    char why[ACPI_WHY_LEN])
{
    struct acpi_hpet hpet;
    uint32_t length;
    if (load_table(table, avail, "HPET", &hpet, sizeof hpet, &length, why) < 0)
        return -1;
    size_t needed = offsetof(struct acpi_hpet, base_address) + sizeof(struct acpi_gas);
    if (length < needed)
        return acpi_reject(why, "HPET: length %u is too short for the base address (needs %zu)",
                           length, needed);
    if (hpet.base_address.space_id != ACPI_SPACE_MEMORY)
        return acpi_reject(why, "HPET: base address is in address space %u, not memory",
                           hpet.base_address.space_id);
    if (hpet.base_address.address == 0)
        return acpi_reject(why, "HPET: base address is 0");
    out->base = hpet.base_address.address;
    return 0;
}
