/* ACPI discovery: follows the firmware's RSDP through the XSDT to the tables nvmetal uses. */
#ifndef NVMETAL_LIB_ACPI_DISCOVER_H
#define NVMETAL_LIB_ACPI_DISCOVER_H

#include <stdbool.h>

#include "lib/acpi.h"

#define ACPI_MAX_TABLES       64

/* What was found; every *_why is empty when that step succeeded. */
struct acpi_platform {
    uint64_t rsdp_address;
    struct acpi_rsdp_info rsdp;
    char rsdp_why[ACPI_WHY_LEN];

    bool using_xsdt;
    uint64_t root_address;
    uint64_t tables[ACPI_MAX_TABLES];
    char table_signatures[ACPI_MAX_TABLES][5];
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
