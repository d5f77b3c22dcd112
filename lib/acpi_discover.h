/* ACPI discovery: follows the firmware's RSDP through the XSDT to the tables nvmetal uses. */
#ifndef NVMETAL_LIB_ACPI_DISCOVER_H
#define NVMETAL_LIB_ACPI_DISCOVER_H

#include <stdbool.h>

#include "lib/acpi.h"

/* What was found; every *_why is empty when that step succeeded. */
struct acpi_platform {
    uint64_t rsdp_address;
    struct acpi_rsdp_info rsdp;
    char rsdp_why[ACPI_WHY_LEN];

    bool using_xsdt;
    uint64_t root_address;
    /* From the heap, sized from the root table's length: every entry it lists, in its order
     * (a null entry's signature reads "null"). */
    uint64_t *tables;
    char (*table_signatures)[5];
    unsigned table_count;
    char root_why[ACPI_WHY_LEN];

    bool has_mcfg, has_fadt, has_hpet;
    struct acpi_mcfg_allocation *mcfg; /* from the heap: every allocation the MCFG holds */
    unsigned mcfg_count;
    char mcfg_why[ACPI_WHY_LEN];
    struct acpi_fadt_info fadt;
    char fadt_why[ACPI_WHY_LEN];
    struct acpi_hpet_info hpet;
    char hpet_why[ACPI_WHY_LEN];
};

/* Reads the tables in place (they are identity mapped). Never trusts a table
 * that fails its checks; each failure is recorded, the rest continues. */
void acpi_discover(uint64_t rsdp_address, struct acpi_platform *out);

#endif
