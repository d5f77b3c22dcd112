/* The NVDIMM write policy: the memory map first (nothing that may be RAM or MMIO is written), then the NVDIMMs' state, then the user's word. */
#include "lib/nvdimm_policy.h"

#include <stdio.h>

void nvdimm_range_name(const struct nfit_range *r, char *out, size_t len)
{
    snprintf(out, len, NVDIMM_NAME_PREFIX "spa-%u", r->index);
}

void nvdimm_handle_name(uint32_t handle, char *out, size_t len)
{
    snprintf(out, len, NVDIMM_NAME_PREFIX "0x%08x", handle);
}

enum nvdimm_placement nvdimm_place(const struct nvdimm_map *map, const struct nfit_range *r,
                                   uint64_t *detail, uint32_t *other_kind)
{
    uint64_t gap = r->base;
    if (span_covers(map->spans, map->count, map->persistent_kind, r->base, r->length, &gap)) {
        *detail = r->base;
        return NVDIMM_IN_MAP;
    }
    for (unsigned k = 0; k < map->count; k++) {
        if (map->spans[k].kind == map->persistent_kind)
            continue;
        if (span_first_overlap(&map->spans[k], 1, r->base, r->length)) {
            *detail = map->spans[k].start;
            *other_kind = map->spans[k].kind;
            return NVDIMM_MAP_CONFLICT;
        }
    }
    *detail = gap;
    return NVDIMM_OUTSIDE_MAP;
}

enum nvdimm_verdict nvdimm_write_verdict(const struct nfit_info *n, const struct nfit_range *r,
                                         const struct nvdimm_map *map,
                                         const struct pattern_list *allow_write,
                                         bool allow_outside_map, char *why, size_t len)
{
    char name[32];
    nvdimm_range_name(r, name, sizeof(name));
    if (r->kind != NFIT_RANGE_PERSISTENT) {
        snprintf(why, len, "%s is %s, not persistent memory", name, nfit_range_kind_name(r->kind));
        return NVDIMM_NOT_PERSISTENT;
    }
    if (map->truncated) {
        snprintf(why, len, "the memory map was cut short: where %s lies cannot be told", name);
        return NVDIMM_MAP_TRUNCATED;
    }
    uint64_t detail = 0;
    uint32_t kind = 0;
    enum nvdimm_placement place = nvdimm_place(map, r, &detail, &kind);
    if (place == NVDIMM_MAP_CONFLICT) {
        snprintf(why, len, "%s overlaps memory map type %u at 0x%llx", name, kind,
                 (unsigned long long)detail);
        return NVDIMM_CONFLICT;
    }
    if (place == NVDIMM_OUTSIDE_MAP && !allow_outside_map) {
        snprintf(why, len, "%s is not EfiPersistentMemory from 0x%llx in the memory map "
                 "(allow_write_outside_map = no)", name, (unsigned long long)detail);
        return NVDIMM_NOT_IN_MAP;
    }
    unsigned dimms = 0, named = 0;
    char unnamed[32] = "";
    for (unsigned i = 0; i < n->mapping_count; i++) {
        const struct nfit_mapping *m = &n->mappings[i];
        if (m->range_index != r->index)
            continue;
        dimms++;
        char handle[32];
        nvdimm_handle_name(m->device_handle, handle, sizeof(handle));
        if (m->state_flags & NFIT_STATE_NOT_ARMED) {
            snprintf(why, len, "%s (in %s) is flagged not armed: written data may not persist",
                     handle, name);
            return NVDIMM_NOT_ARMED;
        }
        if (pattern_list_matches_prefixed(allow_write, NVDIMM_NAME_PREFIX, handle))
            named++;
        else if (!unnamed[0])
            snprintf(unnamed, sizeof(unnamed), "%s", handle);
    }
    if (!dimms) {
        snprintf(why, len, "no NVDIMM is mapped into %s", name);
        return NVDIMM_NO_NVDIMM;
    }
    if (pattern_list_matches_prefixed(allow_write, NVDIMM_NAME_PREFIX, name)) {
        snprintf(why, len, "allow_write names %s", name);
        return NVDIMM_WRITABLE;
    }
    if (named == dimms) {
        snprintf(why, len, "allow_write names every NVDIMM of %s (%u)", name, dimms);
        return NVDIMM_WRITABLE;
    }
    snprintf(why, len, "allow_write names neither %s nor %s", name, unnamed);
    return NVDIMM_NOT_NAMED;
}

const char *nvdimm_verdict_code(enum nvdimm_verdict v)
{
    static const char *const codes[] = {
        [NVDIMM_WRITABLE] = "writable",       [NVDIMM_NOT_PERSISTENT] = "not_persistent",
        [NVDIMM_MAP_TRUNCATED] = "map_truncated", [NVDIMM_CONFLICT] = "map_conflict",
        [NVDIMM_NOT_IN_MAP] = "not_in_memory_map", [NVDIMM_NO_NVDIMM] = "no_nvdimm",
        [NVDIMM_NOT_ARMED] = "not_armed",     [NVDIMM_NOT_NAMED] = "allow_write",
    };
    return (unsigned)v < sizeof(codes) / sizeof(codes[0]) ? codes[v] : "unknown";
}
