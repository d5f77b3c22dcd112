/* ACPI table parsers: RSDP, XSDT/RSDT, MCFG, FADT, HPET. Byte buffers in, structs out. */
#ifndef NVMETAL_LIB_ACPI_H
#define NVMETAL_LIB_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_WHY_LEN 128

/* Fills why (ACPI_WHY_LEN bytes, when not NULL) and returns -1, so that every rejection of a
 * table parser is one statement. */
int acpi_reject(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ACPI fields are little-endian and, inside tables, not necessarily aligned. */
uint64_t acpi_read_le(const uint8_t *p, size_t width);

struct __attribute__((packed)) acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI SDT header is 36 bytes");

/* Generic Address Structure. */
struct __attribute__((packed)) acpi_gas {
    uint8_t space_id; /* 0 memory, 1 system I/O */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1

struct acpi_rsdp_info {
    uint8_t revision;
    char oem_id[7];
    uint32_t rsdt_address;
    uint64_t xsdt_address; /* 0 for ACPI 1.0 */
};

struct acpi_mcfg_allocation {
    uint64_t base; /* ECAM base for bus 0 of this segment */
    uint16_t segment;
    uint8_t bus_start;
    uint8_t bus_end;
};

struct acpi_fadt_info {
    uint32_t pm_timer_port;  /* 0 when absent */
    bool pm_timer_32bit;     /* FADT flags TMR_VAL_EXT */
    bool reset_supported;    /* flags RESET_REG_SUP and a usable reset register */
    struct acpi_gas reset_register;
    uint8_t reset_value;
    /* The PM1a event block's status register (its first half): I/O port, 0 when absent. Its
     * PWRBTN_STS bit latches a power-button press whether or not anyone takes the SCI. */
    uint16_t pm1a_status_port;
    uint16_t pm1a_enable_port; /* the second half: PWRBTN_EN (QEMU latches the status only with it) */
    bool power_button_fixed;  /* flags PWR_BUTTON clear: the button is the fixed feature */
    bool has_8042;            /* IAPC_BOOT_ARCH 8042: the firmware says a PS/2 controller exists */
};

struct acpi_hpet_info {
    uint64_t base; /* memory address of the HPET registers */
};

/* Every parser returns 0 on success, -1 with a human reason in why[] otherwise.
 * `avail` is how many bytes of the buffer may be read; a table whose length
 * field exceeds it, is shorter than its own minimum, or fails its checksum
 * is rejected. */
int acpi_check_table(const void *table, size_t avail, const char signature[4],
                     char why[ACPI_WHY_LEN]);
int acpi_parse_rsdp(const void *rsdp, size_t avail, struct acpi_rsdp_info *out,
                    char why[ACPI_WHY_LEN]);
/* Entries of an XSDT (64-bit) or RSDT (32-bit) as physical addresses. */
int acpi_parse_xsdt(const void *table, size_t avail, uint64_t *entries, unsigned max,
                    unsigned *count, char why[ACPI_WHY_LEN]);
int acpi_parse_rsdt(const void *table, size_t avail, uint64_t *entries, unsigned max,
                    unsigned *count, char why[ACPI_WHY_LEN]);
/* How many allocations an MCFG holds (its header, length and checksum checked): size the
 * array for acpi_parse_mcfg from this, so no allocation is ever left out. An MCFG with none
 * is rejected. */
int acpi_mcfg_count(const void *table, size_t avail, unsigned *count, char why[ACPI_WHY_LEN]);
/* Fills out[0..count) with every allocation. Rejected: what acpi_mcfg_count rejects, an
 * allocation with bus_start > bus_end or base 0, and more allocations than `max` (room
 * for fewer is the caller's mistake: size it with acpi_mcfg_count). */
int acpi_parse_mcfg(const void *table, size_t avail, struct acpi_mcfg_allocation *out,
                    unsigned max, unsigned *count, char why[ACPI_WHY_LEN]);
int acpi_parse_fadt(const void *table, size_t avail, struct acpi_fadt_info *out,
                    char why[ACPI_WHY_LEN]);
int acpi_parse_hpet(const void *table, size_t avail, struct acpi_hpet_info *out,
                    char why[ACPI_WHY_LEN]);

#endif
