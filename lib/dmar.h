/* DMAR table parser: DRHD, RMRR, ATSR, RHSA, ANDD, SATC and SIDP structures with their device scopes. */
#ifndef NVMETAL_LIB_DMAR_H
#define NVMETAL_LIB_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"

/* Remapping structure types (VT-d 4.1 section 8.2). */
enum dmar_structure_type {
    DMAR_TYPE_DRHD = 0, /* DMA remapping hardware unit */
    DMAR_TYPE_RMRR = 1, /* reserved memory region */
    DMAR_TYPE_ATSR = 2, /* root port ATS capability */
    DMAR_TYPE_RHSA = 3, /* remapping hardware static affinity */
    DMAR_TYPE_ANDD = 4, /* ACPI namespace device declaration */
    DMAR_TYPE_SATC = 5, /* SoC integrated address translation cache */
    DMAR_TYPE_SIDP = 6, /* SoC integrated device property */
};

enum dmar_scope_type {
    DMAR_SCOPE_ENDPOINT = 1,
    DMAR_SCOPE_BRIDGE = 2,
    DMAR_SCOPE_IOAPIC = 3,
    DMAR_SCOPE_HPET = 4,
    DMAR_SCOPE_ACPI_NAMESPACE = 5,
};

/* Device scope flags (VT-d 4.1, byte 2 of a scope; reserved outside SIDP). */
#define DMAR_SCOPE_REQ_WO_PASID_NESTED_NOTALLOWED 0x01
#define DMAR_SCOPE_REQ_WO_PASID_PWSNP_NOTALLOWED  0x02
#define DMAR_SCOPE_REQ_WO_PASID_PGSNP_NOTALLOWED  0x04
#define DMAR_SCOPE_ATC_HARDENED                   0x08
#define DMAR_SCOPE_ATC_REQUIRED                   0x10

struct dmar_hop {
    uint8_t device, function;
};

struct dmar_scope {
    uint8_t type;
    uint8_t flags;
    uint8_t enumeration_id;
    uint8_t start_bus;
    uint8_t path_length;   /* hops; a scope's one-byte length allows up to 124 */
    struct dmar_hop *path; /* path_length (device, function) hops from start_bus */
};

struct dmar_scope_list {
    unsigned count;
    struct dmar_scope *scopes;
};

/* Every decoded structure records where it starts in the table, for messages and checks. */

/* DMA Remapping Hardware Unit Definition. */
struct dmar_unit {
    uint32_t offset;
    uint8_t flags; /* bit 0 INCLUDE_PCI_ALL */
    uint8_t size;  /* VT-d 3.x+: register set is 2^size 4 KiB pages; reserved (0) before */
    uint16_t segment;
    uint64_t register_base;
    struct dmar_scope_list scopes;
};
#define DMAR_INCLUDE_PCI_ALL 0x01

/* Reserved Memory Region Reporting: memory a device keeps using; must stay mapped. */
struct dmar_rmrr {
    uint32_t offset;
    uint16_t segment;
    uint64_t base, limit; /* limit is the last byte, inclusive */
    struct dmar_scope_list scopes;
};

struct dmar_atsr {
    uint32_t offset;
    uint8_t flags; /* bit 0 ALL_PORTS */
    uint16_t segment;
    struct dmar_scope_list scopes;
};

struct dmar_rhsa {
    uint32_t offset;
    uint64_t register_base; /* always one of the units' bases: others are listed as problems */
    uint32_t proximity_domain;
};

struct dmar_andd {
    uint32_t offset;
    uint8_t acpi_device_number;
    char *object_name; /* NUL-terminated, any length the structure holds */
};

/* SoC Integrated Address Translation Cache: integrated devices with an ATC. */
struct dmar_satc {
    uint32_t offset;
    uint8_t flags; /* bit 0 ATC_REQUIRED */
    uint16_t segment;
    struct dmar_scope_list scopes;
};
#define DMAR_SATC_ATC_REQUIRED 0x01

/* SoC Integrated Device Property: properties of integrated devices, in each scope's flags. */
struct dmar_sidp {
    uint32_t offset;
    uint16_t segment;
    struct dmar_scope_list scopes;
};

/* A structure that was malformed (or, for an RHSA, named no unit) and was not kept. */
#define DMAR_PROBLEM_LEN 128
struct dmar_problem {
    uint32_t offset;   /* of the structure in the table */
    uint16_t type;     /* its type, as its header says; 0xffff when no header was readable */
    bool walk_stopped; /* its length hid the next structure: nothing after it was read */
    /* A DRHD whose register base is 0: a known firmware bug (Linux warns and uses no such
     * unit either). No unit was made; nothing else in the table is put in doubt by it. */
    bool zero_base_unit;
    char text[DMAR_PROBLEM_LEN];
};

/* Every array is sized from the table itself (a first pass counts what it holds), so
 * nothing a firmware publishes is cut off by a limit of nvmetal's. */
struct dmar_info {
    uint8_t host_address_width; /* HAW field + 1, in bits */
    uint8_t flags;              /* bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN */
    unsigned unit_count, rmrr_count, atsr_count, rhsa_count, andd_count, satc_count, sidp_count;
    struct dmar_unit *units;
    struct dmar_rmrr *rmrrs;
    struct dmar_atsr *atsrs;
    struct dmar_rhsa *rhsas;
    struct dmar_andd *andds;
    struct dmar_satc *satcs;
    struct dmar_sidp *sidps;
    /* Structures of types later than SIDP: skipped by their length, counted here. */
    unsigned unknown_count;
    /* Structures that were malformed and skipped (not trusted), one line each, all of them. */
    unsigned problem_count;
    struct dmar_problem *problems;
    void *storage; /* the one allocation every array above lives in; see dmar_free */
};

/* Parses the whole table (header checked with acpi_check_table) into arrays it allocates
 * with malloc, all in one block. Returns 0 when the table itself is sound (individual bad
 * structures are skipped and listed in problems), or -1 with why[] when the header or
 * length is unusable or the memory cannot be had; then nothing stays allocated. */
int dmar_parse(const void *table, size_t avail, struct dmar_info *out, char why[ACPI_WHY_LEN]);

/* Releases what dmar_parse allocated and clears *info; safe after a failed parse. */
void dmar_free(struct dmar_info *info);

/* Whether a problem can hide or change what a device's DMA goes through: a DRHD or RMRR
 * that was dropped, or a walk that stopped (anything may have followed). A problem in an
 * ATSR, RHSA, ANDD, SATC or SIDP cannot. */
bool dmar_problem_affects_remapping(const struct dmar_problem *problem);

/* What a parsed DMAR leaves to program, judged from the table alone (a unit's registers,
 * e.g. CAP.SAGAW=0, can still rule it out later). */
enum dmar_unit_verdict {
    DMAR_UNITS_USABLE,          /* at least one DRHD was kept */
    DMAR_UNITS_ALL_ZERO_BASE,   /* every DRHD has register base 0 (a firmware bug): the
                                 * platform has no VT-d unit to program; a fact, not a fault */
    DMAR_UNITS_NONE_TRUSTED,    /* none kept, and a DRHD was malformed or the walk stopped:
                                 * what the table meant cannot be told */
    DMAR_UNITS_NONE_LISTED,     /* the table, read to its end, holds no DRHD at all */
};
/* Which of the above holds, with one line in why[] (len bytes) for every verdict but
 * DMAR_UNITS_USABLE, which leaves it empty; e.g. "the DMAR's only DRHD has register base 0
 * (a firmware bug); no usable VT-d unit". */
enum dmar_unit_verdict dmar_unit_verdict(const struct dmar_info *info, char *why, size_t len);

/* Source ID (bus << 8 | device << 3 | function) of a scope's target, given a
 * function that returns the secondary bus of the bridge at (bus, dev, fn), or
 * -1 when there is no such bridge. Returns -1 when the path cannot be walked. */
int dmar_scope_source_id(const struct dmar_scope *scope,
                         int (*secondary_bus_of)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn),
                         void *ctx);

#endif
