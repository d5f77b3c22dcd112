/* ACPI discovery: RSDP -> XSDT (or RSDT) -> MCFG, FADT, HPET, each validated before use. */
#include "lib/acpi_discover.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Larger than any table a firmware has reason to publish; a bigger length
 * field is treated as corrupt instead of being read. */
#define ACPI_TABLE_READ_LIMIT (1u << 20)
#define RSDP_V2_BYTES 36

static const void *physical(uint64_t address)
{
    return (const void *)(uintptr_t)address;
}

/* How much of the table at `address` the checks may read: its own length, capped. */
static size_t readable_bytes(uint64_t address)
{
    const struct acpi_header *h = physical(address);
    return h->length < ACPI_TABLE_READ_LIMIT ? h->length : ACPI_TABLE_READ_LIMIT;
}

/* Sized from the table, so a ninth (or hundredth) allocation is never the reason to reject it. */
static void parse_mcfg(struct acpi_platform *p, const void *table, size_t avail)
{
    unsigned n;
    if (acpi_mcfg_count(table, avail, &n, p->mcfg_why) != 0)
        return;
    p->mcfg = calloc(n, sizeof(*p->mcfg));
    if (!p->mcfg) {
        snprintf(p->mcfg_why, ACPI_WHY_LEN, "MCFG: no heap for its %u allocations", n);
        return;
    }
    acpi_parse_mcfg(table, avail, p->mcfg, n, &p->mcfg_count, p->mcfg_why);
}

static void find_tables(struct acpi_platform *p)
{
    for (unsigned i = 0; i < p->table_count; i++) {
        uint64_t address = p->tables[i];
        if (!address) {
            snprintf(p->table_signatures[i], 5, "null");
            continue;
        }
        memcpy(p->table_signatures[i], physical(address), 4);
        p->table_signatures[i][4] = '\0';
        size_t avail = readable_bytes(address);
        const void *table = physical(address);
        if (!memcmp(table, "MCFG", 4) && !p->has_mcfg) {
            p->has_mcfg = true;
            parse_mcfg(p, table, avail);
        } else if (!memcmp(table, "FACP", 4) && !p->has_fadt) {
            p->has_fadt = true;
            acpi_parse_fadt(table, avail, &p->fadt, p->fadt_why);
        } else if (!memcmp(table, "HPET", 4) && !p->has_hpet) {
            p->has_hpet = true;
            acpi_parse_hpet(table, avail, &p->hpet, p->hpet_why);
        }
    }
    if (!p->has_mcfg)
        snprintf(p->mcfg_why, ACPI_WHY_LEN, "no MCFG table");
    if (!p->has_fadt)
        snprintf(p->fadt_why, ACPI_WHY_LEN, "no FADT (FACP) table");
    if (!p->has_hpet)
        snprintf(p->hpet_why, ACPI_WHY_LEN, "no HPET table");
    if (p->mcfg_why[0])
        p->mcfg_count = 0;
}

void acpi_discover(uint64_t rsdp_address, struct acpi_platform *p)
{
    memset(p, 0, sizeof(*p));
    p->rsdp_address = rsdp_address;
    snprintf(p->mcfg_why, ACPI_WHY_LEN, "not reached");
    snprintf(p->fadt_why, ACPI_WHY_LEN, "not reached");
    snprintf(p->hpet_why, ACPI_WHY_LEN, "not reached");
    if (!rsdp_address) {
        snprintf(p->rsdp_why, ACPI_WHY_LEN, "firmware published no ACPI configuration table");
        snprintf(p->root_why, ACPI_WHY_LEN, "no RSDP");
        return;
    }
    if (acpi_parse_rsdp(physical(rsdp_address), RSDP_V2_BYTES, &p->rsdp, p->rsdp_why) != 0) {
        snprintf(p->root_why, ACPI_WHY_LEN, "no valid RSDP");
        return;
    }
    int status;
    p->mcfg_why[0] = p->fadt_why[0] = p->hpet_why[0] = '\0';
    if (p->rsdp.xsdt_address) {
        p->using_xsdt = true;
        p->root_address = p->rsdp.xsdt_address;
        status = acpi_parse_xsdt(physical(p->root_address), readable_bytes(p->root_address),
                                 p->tables, ACPI_MAX_TABLES, &p->table_count, p->root_why);
    } else {
        p->root_address = p->rsdp.rsdt_address;
        status = acpi_parse_rsdt(physical(p->root_address), readable_bytes(p->root_address),
                                 p->tables, ACPI_MAX_TABLES, &p->table_count, p->root_why);
    }
    if (status != 0) {
        p->table_count = 0;
        snprintf(p->mcfg_why, ACPI_WHY_LEN, "root table unusable");
        snprintf(p->fadt_why, ACPI_WHY_LEN, "root table unusable");
        snprintf(p->hpet_why, ACPI_WHY_LEN, "root table unusable");
        return;
    }
    find_tables(p);
}
