/* Host tests for lib/nvdimm_policy.c: which NFIT ranges may be written, against the memory map, the NVDIMMs' armed state and allow_write as a user writes it. */
#include <string.h>

#include "check.h"
#include "lib/nvdimm_policy.h"

#define PM   14u /* EfiPersistentMemory */
#define RAM  7u  /* EfiConventionalMemory */
#define BASE 0x100000000ull
#define SIZE (64ull << 20)

/* allow_write = VALUE, parsed the way the image parses it. */
static struct pattern_list allow(const char *value)
{
    struct config cfg;
    struct config_error err;
    char text[256];
    config_defaults(&cfg);
    snprintf(text, sizeof(text), "allow_write = %s", value);
    CHECK_EQ_U64(config_parse_file(&cfg, text, strlen(text), "nvmetal.cfg", &err), 0);
    return cfg.allow_write;
}

/* QEMU 7.2's shape: one persistent range (SPA index 2) holding NVDIMM handle 1. */
static struct nfit_info qemu_nfit(uint16_t state_flags)
{
    struct nfit_info n = {.range_count = 1, .mapping_count = 1};
    n.ranges[0] = (struct nfit_range){.index = 2, .kind = NFIT_RANGE_PERSISTENT, .base = BASE,
                                      .length = SIZE};
    n.mappings[0] = (struct nfit_mapping){.device_handle = 1, .range_index = 2, .control_index = 3,
                                          .region_size = SIZE, .state_flags = state_flags};
    return n;
}

static enum nvdimm_verdict verdict(const struct nfit_info *n, const struct span *spans, unsigned count,
                                   const char *allow_write, bool outside, char *why)
{
    struct nvdimm_map map = {.spans = spans, .count = count, .persistent_kind = PM};
    struct pattern_list a = allow(allow_write);
    return nvdimm_write_verdict(n, &n->ranges[0], &map, &a, outside, why, 160);
}

static void names(void)
{
    struct nfit_info n = qemu_nfit(0);
    char out[32];
    nvdimm_range_name(&n.ranges[0], out, sizeof(out));
    CHECK_STR(out, "nvdimm-spa-2");
    nvdimm_handle_name(0x00010203, out, sizeof(out));
    CHECK_STR(out, "nvdimm-0x00010203");
}

/* OVMF's case: the map leaves the range out. Written only with allow_write_outside_map, and only
 * when a pattern starting "nvdimm-" names it. */
static void outside_the_map(void)
{
    struct nfit_info n = qemu_nfit(0);
    const struct span ram[] = {{0x100000, 0x1000000, RAM}};
    char why[160];
    CHECK_EQ_U64(verdict(&n, ram, 1, "nvdimm-spa-2", false, why), NVDIMM_NOT_IN_MAP);
    CHECK(strstr(why, "allow_write_outside_map = no") && strstr(why, "from 0x100000000"));
    CHECK_STR(nvdimm_verdict_code(NVDIMM_NOT_IN_MAP), "not_in_memory_map");
    CHECK_EQ_U64(verdict(&n, ram, 1, "nvdimm-spa-2", true, why), NVDIMM_WRITABLE);
    CHECK_STR(why, "allow_write names nvdimm-spa-2");
    CHECK_EQ_U64(verdict(&n, ram, 1, "nvdimm-0x00000001", true, why), NVDIMM_WRITABLE);
    CHECK_EQ_U64(verdict(&n, ram, 1, "nvdimm-*", true, why), NVDIMM_WRITABLE);
    /* A glob meant for NVMe serials never reaches an NVDIMM. */
    static const char *const not_nvdimm[] = {"*", "nvmetal-*", "none", "*spa-2", "?vdimm-spa-2",
                                             "nvdimm-spa-3", "nvdimm-0x1"};
    for (unsigned i = 0; i < CHECK_COUNT(not_nvdimm); i++) {
        CHECK_EQ_U64(verdict(&n, ram, 1, not_nvdimm[i], true, why), NVDIMM_NOT_NAMED);
        CHECK_STR(why, "allow_write names neither nvdimm-spa-2 nor nvdimm-0x00000001");
    }
    CHECK_STR(nvdimm_verdict_code(NVDIMM_NOT_NAMED), "allow_write");
}

static void in_the_map(void)
{
    struct nfit_info n = qemu_nfit(0);
    const struct span pm[] = {{0x100000, 0x1000000, RAM}, {BASE, SIZE / 2, PM}, {BASE + SIZE / 2, SIZE / 2, PM}};
    char why[160];
    uint64_t detail = 0;
    uint32_t kind = 0;
    struct nvdimm_map map = {.spans = pm, .count = 3, .persistent_kind = PM};
    CHECK_EQ_U64(nvdimm_place(&map, &n.ranges[0], &detail, &kind), NVDIMM_IN_MAP);
    CHECK_EQ_U64(verdict(&n, pm, 3, "nvdimm-spa-2", false, why), NVDIMM_WRITABLE);
    CHECK_EQ_U64(verdict(&n, pm, 3, "SN1234", false, why), NVDIMM_NOT_NAMED);
    /* Half of it in the map, the rest absent: outside, from the half. */
    map.count = 2;
    CHECK_EQ_U64(nvdimm_place(&map, &n.ranges[0], &detail, &kind), NVDIMM_OUTSIDE_MAP);
    CHECK_EQ_U64(detail, BASE + SIZE / 2);
    CHECK_EQ_U64(verdict(&n, pm, 2, "nvdimm-spa-2", false, why), NVDIMM_NOT_IN_MAP);
}

/* Memory of another type over any byte of the range: never written, whatever the config says. */
static void conflicts(void)
{
    struct nfit_info n = qemu_nfit(0);
    const struct span over[] = {{BASE, SIZE / 2, PM}, {BASE + SIZE - 0x1000, 0x2000, RAM}};
    char why[160];
    CHECK_EQ_U64(verdict(&n, over, 2, "nvdimm-*", true, why), NVDIMM_CONFLICT);
    CHECK_STR(why, "nvdimm-spa-2 overlaps memory map type 7 at 0x103fff000");
    struct nvdimm_map map = {.spans = over, .count = 2, .persistent_kind = PM, .truncated = true};
    struct pattern_list a = allow("nvdimm-*");
    CHECK_EQ_U64(nvdimm_write_verdict(&n, &n.ranges[0], &map, &a, true, why, sizeof why),
                 NVDIMM_MAP_TRUNCATED);
}

static void armed_and_kinds(void)
{
    struct nfit_info n = qemu_nfit(NFIT_STATE_NOT_ARMED);
    char why[160];
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-spa-2", true, why), NVDIMM_NOT_ARMED);
    CHECK_STR(why, "nvdimm-0x00000001 (in nvdimm-spa-2) is flagged not armed: written data may not persist");
    n = qemu_nfit(NFIT_STATE_SMART_EVENTS | NFIT_STATE_NOTIFY_ENABLED); /* not a refusal */
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-spa-2", true, why), NVDIMM_WRITABLE);
    n.ranges[0].kind = NFIT_RANGE_VOLATILE;
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-*", true, why), NVDIMM_NOT_PERSISTENT);
    n = qemu_nfit(0);
    n.mappings[0].range_index = 0; /* the NVDIMM maps into no range */
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-*", true, why), NVDIMM_NO_NVDIMM);
}

/* Two NVDIMMs interleaved into one range: writing it writes both, so naming one is not enough. */
static void interleaved(void)
{
    struct nfit_info n = qemu_nfit(0);
    n.mapping_count = 2;
    n.mappings[1] = n.mappings[0];
    n.mappings[1].device_handle = 0x101;
    char why[160];
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-0x00000001", true, why), NVDIMM_NOT_NAMED);
    CHECK_STR(why, "allow_write names neither nvdimm-spa-2 nor nvdimm-0x00000101");
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-0x00000001, nvdimm-0x00000101", true, why), NVDIMM_WRITABLE);
    CHECK_STR(why, "allow_write names every NVDIMM of nvdimm-spa-2 (2)");
    n.mappings[1].state_flags = NFIT_STATE_NOT_ARMED;
    CHECK_EQ_U64(verdict(&n, NULL, 0, "nvdimm-spa-2", true, why), NVDIMM_NOT_ARMED);
}

static const struct check_case cases[] = {
    CHECK_CASE(names),     CHECK_CASE(outside_the_map), CHECK_CASE(in_the_map),
    CHECK_CASE(conflicts), CHECK_CASE(armed_and_kinds), CHECK_CASE(interleaved),
};

int main(void)
{
    return CHECK_RUN("nvdimm_policy", cases);
}
