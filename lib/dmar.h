/* DMAR table parser: DRHD, RMRR, ATSR, RHSA and ANDD structures with their device scopes. */
#ifndef NVMETAL_LIB_DMAR_H
#define NVMETAL_LIB_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"

#define DMAR_MAX_UNITS       8
#define DMAR_MAX_RMRRS       8
#define DMAR_MAX_ATSRS       4
#define DMAR_MAX_RHSAS       8
#define DMAR_MAX_ANDDS       4
#define DMAR_MAX_SCOPES      32 /* per structure */
#define DMAR_MAX_PATH        8  /* (device, function) hops in one scope */
#define DMAR_MAX_PROBLEMS    8

enum dmar_scope_type {
    DMAR_SCOPE_ENDPOINT = 1,
    DMAR_SCOPE_BRIDGE = 2,
    DMAR_SCOPE_IOAPIC = 3,
    DMAR_SCOPE_HPET = 4,
    DMAR_SCOPE_ACPI_NAMESPACE = 5,
};

struct dmar_scope {
    uint8_t type;
    uint8_t enumeration_id;
    uint8_t start_bus;
    uint8_t path_length;
    struct { uint8_t device, function; } path[DMAR_MAX_PATH];
};

struct dmar_scope_list {
    unsigned count;
    struct dmar_scope scopes[DMAR_MAX_SCOPES];
};

/* DMA Remapping Hardware Unit Definition. */
struct dmar_unit {
    uint8_t flags;        /* bit 0 INCLUDE_PCI_ALL */
    uint16_t segment;
    uint64_t register_base;
    struct dmar_scope_list scopes;
};
#define DMAR_INCLUDE_PCI_ALL 0x01

/* Reserved Memory Region Reporting: memory a device keeps using; must stay mapped. */
struct dmar_rmrr {
    uint16_t segment;
    uint64_t base, limit; /* limit is the last byte, inclusive */
    struct dmar_scope_list scopes;
};

struct dmar_atsr {
    uint8_t flags; /* bit 0 ALL_PORTS */
    uint16_t segment;
    struct dmar_scope_list scopes;
};

struct dmar_rhsa {
    uint64_t register_base;
    uint32_t proximity_domain;
};

struct dmar_andd {
    uint8_t acpi_device_number;
    char object_name[64];
};

struct dmar_info {
    uint8_t host_address_width; /* HAW field + 1, in bits */
    uint8_t flags;              /* bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN */
    unsigned unit_count, rmrr_count, atsr_count, rhsa_count, andd_count;
    struct dmar_unit units[DMAR_MAX_UNITS];
    struct dmar_rmrr rmrrs[DMAR_MAX_RMRRS];
    struct dmar_atsr atsrs[DMAR_MAX_ATSRS];
    struct dmar_rhsa rhsas[DMAR_MAX_RHSAS];
    struct dmar_andd andds[DMAR_MAX_ANDDS];
    /* Structures that were malformed and skipped (not trusted), one line each. */
    unsigned problem_count;
    char problems[DMAR_MAX_PROBLEMS][96];
};

/* Parses the whole table (header checked with acpi_check_table). Returns 0
 * when the table itself is sound (individual bad structures are skipped and
 * listed in problems), or -1 with why[] when the header/length is unusable.
 * Unknown structure types are skipped silently only if their length is sane. */
int dmar_parse(const void *table, size_t avail, struct dmar_info *out, char why[ACPI_WHY_LEN]);

/* Source ID (bus << 8 | device << 3 | function) of a scope's target, given a
 * function that returns the secondary bus of the bridge at (bus, dev, fn), or
 * -1 when there is no such bridge. Returns -1 when the path cannot be walked. */
int dmar_scope_source_id(const struct dmar_scope *scope,
                         int (*secondary_bus_of)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn),
                         void *ctx);

#endif
