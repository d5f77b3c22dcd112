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

/* Sized from the root table's own length, so a server's 100 tables are all listed: no entry
 * is ever the one too many, and none is the reason to reject the table. */
static int parse_root_table(struct acpi_platform *p)
{
    const char *signature = p->using_xsdt ? "XSDT" : "RSDT";
    size_t entry_width = p->using_xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
    if (!p->root_address) {
        snprintf(p->root_why, ACPI_WHY_LEN, "RSDP: no XSDT, and the RSDT address is 0");
        return -1;
    }
    const void *table = physical(p->root_address);
    size_t avail = readable_bytes(p->root_address);
    if (acpi_check_table(table, avail, signature, p->root_why) != 0)
        return -1;
    /* Accepted, so its length is `avail`; an odd tail the parser below rejects itself. */
    unsigned room = (unsigned)((avail - sizeof(struct acpi_header)) / entry_width);
    p->tables = calloc(room ? room : 1, sizeof(*p->tables));
    p->table_signatures = calloc(room ? room : 1, sizeof(*p->table_signatures));
    if (!p->tables || !p->table_signatures) {
        snprintf(p->root_why, ACPI_WHY_LEN, "%s: no heap for its %u entries", signature, room);
        return -1;
    }
    if (p->using_xsdt)
        return acpi_parse_xsdt(table, avail, p->tables, room, &p->table_count, p->root_why);
    return acpi_parse_rsdt(table, avail, p->tables, room, &p->table_count, p->root_why);
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
    p->mcfg_why[0] = p->fadt_why[0] = p->hpet_why[0] = '\0';
    p->using_xsdt = p->rsdp.xsdt_address != 0;
    p->root_address = p->using_xsdt ? p->rsdp.xsdt_address : p->rsdp.rsdt_address;
    if (parse_root_table(p) != 0) {
        p->table_count = 0;
        snprintf(p->mcfg_why, ACPI_WHY_LEN, "root table unusable");
        snprintf(p->fadt_why, ACPI_WHY_LEN, "root table unusable");
        snprintf(p->hpet_why, ACPI_WHY_LEN, "root table unusable");
        return;
    }
    find_tables(p);
}
