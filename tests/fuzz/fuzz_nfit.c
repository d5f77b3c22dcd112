/* libFuzzer harness for lib/nfit.c and the NVDIMM write policy on what it accepts: nfit_parse on the bytes as given and re-signed as an NFIT; an accepted table's ranges are unique, non-empty and inside 2^64, every mapping's references resolve, counts fit the arrays, a refusal says why; no range is ever writable unless an nvdimm- name allows it, and never when not persistent, not armed or over other memory. */
#include "fuzz_common.h"

#include "lib/nfit.h"
#include "lib/nvdimm_policy.h"

/* Each range against a map that holds it as persistent memory, one that gives its first byte to
 * RAM, and none; with allow_write = * (never enough) and nvdimm-*. */
static void check_policy(const struct nfit_info *n)
{
    struct pattern_list star = {.count = 1}, any = {.count = 1};
    strcpy(star.items[0], "*");
    strcpy(any.items[0], "nvdimm-*");
    for (unsigned i = 0; i < n->range_count; i++) {
        const struct nfit_range *r = &n->ranges[i];
        const struct span pm = {r->base, r->length, 14}, ram = {r->base, 1, 7};
        const struct nvdimm_map maps[3] = {{&pm, 1, false, 14}, {&ram, 1, false, 14}, {NULL, 0, false, 14}};
        bool armed = true;
        for (unsigned k = 0; k < n->mapping_count; k++)
            if (n->mappings[k].range_index == r->index && (n->mappings[k].state_flags & NFIT_STATE_NOT_ARMED))
                armed = false;
        for (unsigned m = 0; m < 3; m++) {
            char why[160];
            memset(why, 'x', sizeof why);
            enum nvdimm_verdict v = nvdimm_write_verdict(n, r, &maps[m], &star, true, why, sizeof why);
            FUZZ_CHECK(v != NVDIMM_WRITABLE, "range %u writable by allow_write = *", r->index);
            FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL, "verdict reason not terminated");
            v = nvdimm_write_verdict(n, r, &maps[m], &any, m != 2, why, sizeof why);
            if (v == NVDIMM_WRITABLE)
                FUZZ_CHECK(r->kind == NFIT_RANGE_PERSISTENT && armed && m != 1,
                           "range %u writable: kind %d armed %d map %u", r->index, r->kind, armed, m);
            if (m == 0 && r->kind == NFIT_RANGE_PERSISTENT && armed)
                FUZZ_CHECK(v == NVDIMM_WRITABLE || v == NVDIMM_NO_NVDIMM, "range %u refused: %s",
                           r->index, why);
        }
    }
}

static void check_accepted(const struct nfit_info *n)
{
    FUZZ_CHECK(n->range_count <= NFIT_MAX_RANGES && n->mapping_count <= NFIT_MAX_MAPPINGS &&
                   n->control_count <= NFIT_MAX_CONTROLS && n->flush_count <= NFIT_MAX_FLUSHES,
               "counts past the arrays");
    for (unsigned i = 0; i < n->range_count; i++) {
        const struct nfit_range *r = &n->ranges[i];
        FUZZ_CHECK(r->index != 0 && r->length != 0 && r->base <= UINT64_MAX - (r->length - 1),
                   "range %u: index %u 0x%llx + 0x%llx", i, r->index, (unsigned long long)r->base,
                   (unsigned long long)r->length);
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(n->ranges[j].index != r->index, "index %u twice", r->index);
        FUZZ_CHECK(nfit_range_by_index(n, r->index) == &n->ranges[i], "lookup of %u", r->index);
    }
    for (unsigned i = 0; i < n->mapping_count; i++) {
        const struct nfit_mapping *m = &n->mappings[i];
        FUZZ_CHECK(!m->range_index || nfit_range_by_index(n, m->range_index), "mapping %u: range %u",
                   i, m->range_index);
        bool control = false;
        for (unsigned k = 0; k < n->control_count; k++)
            control |= n->controls[k].index == m->control_index;
        FUZZ_CHECK(control, "mapping %u: control region %u", i, m->control_index);
        char state[96];
        memset(state, 'x', sizeof state);
        nfit_state_describe(m->state_flags, state, sizeof state);
        FUZZ_CHECK(memchr(state, '\0', sizeof state) != NULL, "state text not terminated");
    }
    if (n->has_capabilities && n->highest_capability < 31)
        FUZZ_CHECK(!(n->capabilities >> (n->highest_capability + 1)), "capability bits past the highest");
    unsigned counted = n->range_count + n->mapping_count + n->control_count + n->flush_count +
                       n->has_capabilities + n->interleave_count + n->smbios_count +
                       n->block_window_count + n->unknown_count;
    FUZZ_CHECK(counted == n->structure_count, "%u structures, %u counted", n->structure_count, counted);
}

static void fuzz_parse(const uint8_t *t, size_t size)
{
    struct nfit_info *n = malloc(sizeof(*n));
    if (!n)
        abort();
    char why[ACPI_WHY_LEN];
    memset(why, 'x', sizeof why);
    if (nfit_parse(t, size, n, why) == 0) {
        check_accepted(n);
        check_policy(n);
    }
    else
        FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL, "reason not terminated");
    free(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *t = fuzz_copy(data, size);
    fuzz_parse(t, size);
    free(t);
    /* Re-signed with a fixed checksum and length = size, so the structure walk is reached. */
    if (size >= NFIT_HEADER_BYTES && size <= UINT32_MAX) {
        t = fuzz_copy(data, size);
        memcpy(t, "NFIT", 4);
        fuzz_put_le(t + 4, size, 4);
        fuzz_fix_checksum(t, size, 9);
        fuzz_parse(t, size);
        free(t);
    }
    return 0;
}
