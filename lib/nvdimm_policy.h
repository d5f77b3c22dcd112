/* Whether an NFIT persistent-memory range may be written: where the memory map puts it, whether allow_write names it, whether its NVDIMMs are armed. Pure, host-tested. */
#ifndef NVMETAL_LIB_NVDIMM_POLICY_H
#define NVMETAL_LIB_NVDIMM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/nfit.h"
#include "lib/span_cover.h"

/* The only allow_write patterns that can name an NVDIMM begin with this: "*" never does. */
#define NVDIMM_NAME_PREFIX "nvdimm-"

/* The firmware's memory map as spans, and which span kind is EfiPersistentMemory. */
struct nvdimm_map {
    const struct span *spans;
    unsigned count;
    bool truncated;
    uint32_t persistent_kind;
};

/* Where the map puts a range. */
enum nvdimm_placement {
    NVDIMM_IN_MAP,       /* wholly EfiPersistentMemory */
    NVDIMM_MAP_CONFLICT, /* a byte of it is memory of another type: never written */
    NVDIMM_OUTSIDE_MAP,  /* partly or wholly absent from the map, no other type there */
};
/* *detail: the conflicting span's start (CONFLICT) or the first address not covered (OUTSIDE). */
enum nvdimm_placement nvdimm_place(const struct nvdimm_map *map, const struct nfit_range *r,
                                   uint64_t *detail, uint32_t *other_kind);

enum nvdimm_verdict {
    NVDIMM_WRITABLE,
    NVDIMM_NOT_PERSISTENT, /* not a persistent-memory range */
    NVDIMM_MAP_TRUNCATED,  /* the memory map was cut: coverage unknown */
    NVDIMM_CONFLICT,       /* overlaps memory of another type */
    NVDIMM_NOT_IN_MAP,     /* left out of the map, and allow_write_outside_map = no */
    NVDIMM_NO_NVDIMM,      /* no NVDIMM is mapped into it */
    NVDIMM_NOT_ARMED,      /* an NVDIMM mapped into it is flagged not armed */
    NVDIMM_NOT_NAMED,      /* allow_write names neither the range nor every NVDIMM in it */
};

/* The first reason the range may not be written, in the order above, with why[] naming the
 * range, the NVDIMM or the key to set; NVDIMM_WRITABLE with why[] saying what named it. */
enum nvdimm_verdict nvdimm_write_verdict(const struct nfit_info *n, const struct nfit_range *r,
                                         const struct nvdimm_map *map,
                                         const struct pattern_list *allow_write,
                                         bool allow_outside_map, char *why, size_t len);
/* The SKIP code a refusal is reported with ("not_persistent", ..., "allow_write"). */
const char *nvdimm_verdict_code(enum nvdimm_verdict v);

/* "nvdimm-spa-2": the name allow_write gives a range by its SPA range structure index. */
void nvdimm_range_name(const struct nfit_range *r, char *out, size_t len);
/* "nvdimm-0x00000001": the name allow_write gives an NVDIMM by its NFIT device handle. */
void nvdimm_handle_name(uint32_t handle, char *out, size_t len);

#endif
