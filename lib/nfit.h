/* NFIT (ACPI 6.5 section 5.2.26, the NVDIMM Firmware Interface Table): the system-physical address ranges of persistent memory, the NVDIMMs mapped into them, their control regions and flush hints, and what the platform promises on power loss. */
#ifndef NVMETAL_LIB_NFIT_H
#define NVMETAL_LIB_NFIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"

#define NFIT_HEADER_BYTES 40u /* the ACPI header and 4 reserved bytes */
#define NFIT_MAX_RANGES   16u
#define NFIT_MAX_MAPPINGS 32u
#define NFIT_MAX_CONTROLS 32u
#define NFIT_MAX_FLUSHES  32u
#define NFIT_MAX_HINTS    4u  /* flush hint addresses kept per NVDIMM */

/* Structure types. */
enum nfit_type {
    NFIT_TYPE_SPA = 0,          /* System Physical Address Range */
    NFIT_TYPE_MAPPING = 1,      /* NVDIMM Region Mapping */
    NFIT_TYPE_INTERLEAVE = 2,
    NFIT_TYPE_SMBIOS = 3,
    NFIT_TYPE_CONTROL = 4,      /* NVDIMM Control Region */
    NFIT_TYPE_BLOCK_WINDOW = 5,
    NFIT_TYPE_FLUSH_HINT = 6,
    NFIT_TYPE_CAPABILITIES = 7, /* Platform Capabilities */
};

/* What an SPA range's Address Range Type GUID names. */
enum nfit_range_kind {
    NFIT_RANGE_PERSISTENT,      /* byte-addressable persistent memory */
    NFIT_RANGE_VOLATILE,
    NFIT_RANGE_CONTROL,         /* NVDIMM control region */
    NFIT_RANGE_BLOCK,           /* NVDIMM block data window */
    NFIT_RANGE_OTHER,           /* a virtual disk/CD region, or a GUID nvmetal does not know */
};

/* Mapping state flags (NVDIMM State Flags). */
#define NFIT_STATE_SAVE_FAILED     (1u << 0)
#define NFIT_STATE_RESTORE_FAILED  (1u << 1)
#define NFIT_STATE_FLUSH_FAILED    (1u << 2)
#define NFIT_STATE_NOT_ARMED       (1u << 3) /* data written now may not survive a power loss */
#define NFIT_STATE_SMART_EVENTS    (1u << 4)
#define NFIT_STATE_NOTIFY_ENABLED  (1u << 5)
#define NFIT_STATE_NOT_MAPPED      (1u << 6) /* the region is mapped to no SPA range */

/* Platform capability bits. */
#define NFIT_CAP_CPU_CACHE_FLUSH   (1u << 0) /* CPU caches are flushed to the NVDIMMs on power loss */
#define NFIT_CAP_MEMORY_FLUSH      (1u << 1) /* the memory controller's buffers are (ADR) */
#define NFIT_CAP_MIRRORING         (1u << 2)

struct nfit_range {
    uint16_t index;       /* SPA Range Structure Index, never 0 */
    uint16_t flags;
    uint32_t proximity;
    enum nfit_range_kind kind;
    uint8_t guid[16];     /* as in the table */
    uint64_t base, length;
    uint64_t attributes;  /* EFI memory attributes (EFI_MEMORY_UC ... EFI_MEMORY_NV) */
};

struct nfit_mapping {
    uint32_t device_handle;   /* NFIT Device Handle */
    uint16_t physical_id, region_id;
    uint16_t range_index;     /* the SPA range it maps into; 0: none */
    uint16_t control_index;   /* its control region */
    uint64_t region_size, region_offset, physical_base;
    uint16_t interleave_index, interleave_ways;
    uint16_t state_flags;     /* NFIT_STATE_* */
};

struct nfit_control {
    uint16_t index;
    uint16_t vendor_id, device_id, revision_id;
    uint16_t subsystem_vendor_id, subsystem_device_id, subsystem_revision_id;
    uint32_t serial;
    uint16_t format_code;     /* Region Format Interface Code */
    uint16_t block_windows;
};

struct nfit_flush {
    uint32_t device_handle;
    uint16_t hint_count;      /* as the table gives it */
    uint64_t hints[NFIT_MAX_HINTS]; /* the first of them */
};

struct nfit_info {
    uint8_t revision;
    struct nfit_range ranges[NFIT_MAX_RANGES];
    unsigned range_count;
    struct nfit_mapping mappings[NFIT_MAX_MAPPINGS];
    unsigned mapping_count;
    struct nfit_control controls[NFIT_MAX_CONTROLS];
    unsigned control_count;
    struct nfit_flush flushes[NFIT_MAX_FLUSHES];
    unsigned flush_count;
    bool has_capabilities;
    uint8_t highest_capability; /* the last capability bit the platform says is valid */
    uint32_t capabilities;      /* NFIT_CAP_*, bits above highest_capability cleared */
    unsigned interleave_count, smbios_count, block_window_count, unknown_count;
    unsigned structure_count;
};

/* Parses an NFIT. `avail` is how many bytes may be read. Returns 0, or -1 with the reason in
 * why[] ("NFIT: ..."). Rejected: what acpi_check_table rejects; a structure whose length is
 * below its type's minimum or runs past the table; an SPA range with index 0, an index used
 * twice, length 0 or an end past 2^64; a flush hint structure shorter than its count says;
 * more SPA ranges, mappings, control regions or flush hint structures than the arrays hold
 * (none is ever dropped); a mapping or a flush hint naming an SPA range or control region the
 * table does not hold; two capability structures. Nothing past `avail` or the table is read. */
int nfit_parse(const void *table, size_t avail, struct nfit_info *out, char why[ACPI_WHY_LEN]);

/* "persistent memory", "volatile memory", "control region", "block window", "other". */
const char *nfit_range_kind_name(enum nfit_range_kind kind);
/* The SPA range with this index, or NULL. */
const struct nfit_range *nfit_range_by_index(const struct nfit_info *info, uint16_t index);
/* The mapping's state flags by name ("not_armed, save_failed"), "none" for 0. */
void nfit_state_describe(uint16_t flags, char *out, size_t len);

#endif
