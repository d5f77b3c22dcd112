/* PMR test cases: discovery, enable, persistence across disable, reset, FLR and power cycles, DMA target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_pmr.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_regs.h"
#include "drivers/pci/pci_path.h"
#include "lib/pmr_record.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"

/* PMR layout: the power-cycle record first, then a scratch area for the other cases. */
#define PMR_RECORD_OFFSET   0u
#define PMR_RECORD_PAYLOAD  4096u
#define PMR_SCRATCH_OFFSET  (64u * 1024)
#define PMR_SCRATCH_BYTES   (16u * 1024)
#define PMR_MIN_BYTES       (PMR_SCRATCH_OFFSET + PMR_SCRATCH_BYTES)
#define PMR_PATTERN_BLOCK   512u

static bool has_pmr(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (c->pmr.present && c->pmr.region.bytes >= PMR_MIN_BYTES)
        return true;
    const char *why = c->pmr.problem[0]        ? c->pmr.problem
                      : fx->config->pmr == FEATURE_OFF ? "pmr = off in the config"
                      : c->pmr.present             ? "PMR smaller than the 80 KiB the cases use"
                                                   : "CAP.PMRS=0: no PMR";
    if (fx->config->pmr == FEATURE_REQUIRE || c->pmr.problem[0]) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_fail(id, c, &r, "no usable PMR: %s", why);
    } else {
        suite_skip(id, c->name, "%s", why);
    }
    return false;
}

static bool pmr_writes_allowed(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    /* The serial number comes from Identify: the controller must have run once. */
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return false;
    if (nvme_fixture_write_allowed(fx, c))
        return true;
    suite_skip(id, c->name, "allow_write does not name serial %s: no PMR writes",
               c->identity.serial);
    return false;
}

static bool enabled_or_fail(const char *id, struct nvme_controller *c)
{
    if (nvme_pmr_enable(c) == 0)
        return true;
    struct tap_result r;
    tap_result_init(&r);
    nvme_fail(id, c, &r, "PMR did not become ready");
    return false;
}

static struct nvme_region scratch(const struct nvme_controller *c)
{
    return nvme_region_slice(&c->pmr.region, PMR_SCRATCH_OFFSET, PMR_SCRATCH_BYTES);
}

static void discover(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c))
        return;
    char fields[160];
    const struct nvme_register_table *pmrcap = nvme_register_table_named("PMRCAP");
    bitfield_format(pmrcap->fields, pmrcap->field_count, c->pmr.pmrcap, fields, sizeof(fields));
    suite_pass(id, c->name, "%llu KiB in BAR%u at 0x%llx; PMRCAP %s",
               (unsigned long long)(c->pmr.region.bytes / 1024), c->pmr.bir,
               (unsigned long long)c->pmr.region.cpu, fields);
}

static void enable(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c))
        return;
    uint64_t start = time_now_us();
    if (!enabled_or_fail(id, c))
        return;
    uint64_t took = time_now_us() - start;
    uint32_t pmrsts = nvme_reg_read32(c, NVME_REG(pmrsts));
    /* The bound is the controller's (PMRTO); the time is a measurement and goes in the YAML. */
    struct tap_result r;
    tap_result_init(&r);
    tap_yaml_add(&r, "duration_us", "%llu", (unsigned long long)took);
    tap_yaml_add(&r, "budget_ms", "%llu", (unsigned long long)(c->pmr.ready_budget_us / 1000));
    suite_pass_with(id, c->name, &r, "PMRCTL.EN=1: PMRSTS.NRDY=0 within %llu ms; PMRSTS 0x%08x%s",
                    (unsigned long long)(c->pmr.ready_budget_us / 1000), pmrsts,
                    c->pmr.controller_memory_space ? ", PMRMSC programmed" : "");
}

/* Reads the record left by an earlier boot, then (where allowed) writes the next one. */
static void power_cycle(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !enabled_or_fail(id, c))
        return;
    size_t bytes = sizeof(struct pmr_record_header) + PMR_RECORD_PAYLOAD;
    uint8_t *ram = malloc(bytes);
    struct tap_result r;
    tap_result_init(&r);
    if (!ram) {
        nvme_fail(id, c, &r, "no heap");
        return;
    }
    struct nvme_region area = nvme_region_slice(&c->pmr.region, PMR_RECORD_OFFSET, bytes);
    nvme_region_read(&area, 0, ram, bytes);
    struct pmr_record_header found;
    char why[96];
    enum pmr_record_state state = pmr_record_verify(ram, bytes, &found, why);
    char previous[120];
    if (state == PMR_RECORD_VALID)
        snprintf(previous, sizeof(previous), "found generation %llu from an earlier boot, verified",
                 (unsigned long long)found.generation);
    else
        snprintf(previous, sizeof(previous), "found no record (%s)", why);
    tap_diag("nvme %s PMR record: %s", c->name, previous);
    /* What an earlier boot left (and so the generation written now) is state carried between
     * boots, not part of the test's name: the YAML says it, the line stays the same. */
    tap_yaml_add(&r, "found", "%s", state == PMR_RECORD_VALID ? "valid"
                                    : state == PMR_RECORD_CORRUPT ? "corrupt" : "none");
    if (state == PMR_RECORD_VALID)
        tap_yaml_add(&r, "found_generation", "%llu", (unsigned long long)found.generation);
    tap_yaml_add(&r, "found_record", "%s", why);
    if (state == PMR_RECORD_CORRUPT) {
        free(ram);
        nvme_fail(id, c, &r, "a record was left but does not verify: it did not persist intact");
        return;
    }
    if (!pmr_writes_allowed(id, fx, c)) {
        free(ram);
        return;
    }
    uint64_t next = state == PMR_RECORD_VALID ? found.generation + 1 : 1;
    pmr_record_build(ram, bytes, next, fx->run_seed, PMR_RECORD_PAYLOAD);
    nvme_region_write(&area, 0, ram, bytes);
    nvme_pmr_flush(c);
    /* Read back through the device, not from our RAM copy. */
    memset(ram, 0, bytes);
    nvme_region_read(&area, 0, ram, bytes);
    struct pmr_record_header written;
    enum pmr_record_state check = pmr_record_verify(ram, bytes, &written, why);
    free(ram);
    tap_yaml_add(&r, "generation", "%llu", (unsigned long long)next);
    if (check != PMR_RECORD_VALID || written.generation != next) {
        tap_yaml_add(&r, "readback", "%s", why);
        nvme_fail(id, c, &r, "the record just written does not read back");
        return;
    }
    suite_pass_with(id, c->name, &r, "an earlier boot's record verified if there was one; the "
                    "next generation written, flushed (PMRSTS read) and read back");
}

static const unsigned widths[] = {1, 2, 4, 8};

static uint64_t width_value(unsigned width, unsigned slot, uint64_t seed)
{
    uint64_t v = (seed ^ (0x9e3779b97f4a7c15ull * (slot + 1))) >> 3;
    return width == 8 ? v : v & ((1ull << (8 * width)) - 1);
}

/* Each width writes its own 64 bytes, read back with the same width after a flush. */
static void access_widths(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !pmr_writes_allowed(id, fx, c) || !enabled_or_fail(id, c))
        return;
    struct nvme_region area = scratch(c);
    for (unsigned w = 0; w < 4; w++)
        for (unsigned i = 0; i < 64 / widths[w]; i++)
            nvme_region_write_width(&area, 64 * w + i * widths[w], widths[w],
                                    width_value(widths[w], i, fx->run_seed));
    nvme_pmr_flush(c);
    for (unsigned w = 0; w < 4; w++) {
        for (unsigned i = 0; i < 64 / widths[w]; i++) {
            uint64_t got = nvme_region_read_width(&area, 64 * w + i * widths[w], widths[w]);
            uint64_t want = width_value(widths[w], i, fx->run_seed);
            if (got != want) {
                struct tap_result r;
                tap_result_init(&r);
                tap_yaml_add(&r, "width", "%u bytes", widths[w]);
                tap_yaml_add(&r, "offset", "0x%x", PMR_SCRATCH_OFFSET + 64 * w + i * widths[w]);
                tap_yaml_add(&r, "expected", "0x%llx", (unsigned long long)want);
                tap_yaml_add(&r, "got", "0x%llx", (unsigned long long)got);
                nvme_fail(id, c, &r, "PMR did not hold a %u-byte write", widths[w]);
                return;
            }
        }
    }
    suite_pass(id, c->name, "1-, 2-, 4- and 8-byte writes read back with their own width after "
               "a flush");
}

static int fill_scratch(struct nvme_controller *c, uint64_t seed)
{
    struct nvme_region area = scratch(c);
    int result = region_fill_pattern(&area, 0, PMR_PATTERN_BLOCK,
                                     PMR_SCRATCH_BYTES / PMR_PATTERN_BLOCK, seed);
    nvme_pmr_flush(c);
    return result;
}

static int check_scratch(struct nvme_controller *c, uint64_t seed, struct pattern_mismatch *m)
{
    struct nvme_region area = scratch(c);
    return region_check_pattern(&area, 0, PMR_PATTERN_BLOCK, PMR_SCRATCH_BYTES / PMR_PATTERN_BLOCK,
                                seed, m);
}

static void disable_hides_data(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !pmr_writes_allowed(id, fx, c) || !enabled_or_fail(id, c))
        return;
    uint64_t seed = fx->run_seed ^ 0xd15;
    struct tap_result r;
    tap_result_init(&r);
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    uint32_t pmrsts = nvme_pmr_disable(c);
    bool hidden = check_scratch(c, seed, &m) != 0;
    tap_yaml_add(&r, "pmrsts_disabled", "0x%08x", pmrsts);
    if (!(pmrsts & NVME_PMRSTS_NRDY) || !hidden) {
        nvme_pmr_enable(c);
        nvme_fail(id, c, &r, "PMRCTL.EN=0 left %s", !(pmrsts & NVME_PMRSTS_NRDY)
                                                          ? "PMRSTS.NRDY clear"
                                                          : "the data visible");
        return;
    }
    if (!enabled_or_fail(id, c))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(&r, &m);
        nvme_fail(id, c, &r, "data lost across PMR disable and enable");
        return;
    }
    suite_pass(id, c->name, "EN=0 set NRDY (PMRSTS 0x%08x) and hid the data; EN=1 showed it intact",
               pmrsts);
}

static void survives_reset(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !pmr_writes_allowed(id, fx, c) || !enabled_or_fail(id, c))
        return;
    uint64_t seed = fx->run_seed ^ 0x5e7;
    struct tap_result r;
    tap_result_init(&r);
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    struct nvme_placement p = c->placement;
    if (nvme_disable(c) != 0 || nvme_start(c, &p) != 0) {
        nvme_fail(id, c, &r, "controller reset (CC.EN 1->0->1) failed");
        return;
    }
    if (!(nvme_reg_read32(c, NVME_REG(pmrctl)) & NVME_PMRCTL_EN) && !enabled_or_fail(id, c))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(&r, &m);
        nvme_fail(id, c, &r, "PMR data changed across a controller reset");
        return;
    }
    suite_pass(id, c->name, "%u KiB pattern intact across CC.EN 1->0->1", PMR_SCRATCH_BYTES / 1024);
}

static void survives_flr(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !pmr_writes_allowed(id, fx, c) || !enabled_or_fail(id, c))
        return;
    uint64_t seed = fx->run_seed ^ 0xf17;
    struct tap_result r;
    tap_result_init(&r);
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    struct nvme_placement p = c->placement;
    char why[120];
    if (nvme_disable(c) != 0) {
        nvme_fail(id, c, &r, "controller would not stop before FLR");
        return;
    }
    if (pci_function_level_reset(c->pci, why) != 0) {
        suite_skip(id, c->name, "FLR not possible: %s", why);
        return;
    }
    /* FLR resets the controller: the CMB window and queues are set up again. */
    c->started = false;
    if ((c->cmb.present && nvme_cmb_setup(c) != 0) || nvme_start(c, &p) != 0) {
        nvme_fail(id, c, &r, "controller did not come back after FLR");
        return;
    }
    uint32_t pmrctl = nvme_reg_read32(c, NVME_REG(pmrctl));
    if (!(pmrctl & NVME_PMRCTL_EN) && !enabled_or_fail(id, c))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(&r, &m);
        nvme_fail(id, c, &r, "PMR data changed across FLR");
        return;
    }
    suite_pass(id, c->name, "%u KiB pattern intact across a function-level reset (PMRCTL.EN %s it)",
               PMR_SCRATCH_BYTES / 1024, pmrctl & NVME_PMRCTL_EN ? "survived" : "was restored after");
}

/* Read LBAs into the PMR, write them from the PMR elsewhere, read back and compare. */
static void dma_target(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    if (!has_pmr(id, fx, c) || !pmr_writes_allowed(id, fx, c) || !enabled_or_fail(id, c))
        return;
    const struct nvme_namespace *ns = nvme_test_namespace_or_skip(id, fx, c, true);
    if (!ns)
        return;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    char format[64];
    if (f.metadata_bytes) {
        /* The metadata would have to live in the PMR too, outside the scratch area. */
        suite_skip(id, c->name, "nsid %u format %s carries separate metadata", ns->nsid,
                   nvme_format_describe(&ns->identity, format, sizeof(format)));
        return;
    }
    uint32_t block = f.block_bytes;
    uint32_t blocks = ns_blocks_fitting(c, &f, PMR_SCRATCH_BYTES);
    uint64_t bytes = (uint64_t)blocks * block;
    uint64_t source = LBA_AREA_PMR_DMA, target = LBA_AREA_PMR_DMA + blocks;
    uint64_t seed = fx->run_seed ^ 0xd3a;
    struct nvme_region staging, list, back;
    struct nvme_region area = nvme_region_slice(&c->pmr.region, PMR_SCRATCH_OFFSET, bytes);
    struct tap_result r;
    tap_result_init(&r);
    if (nvme_alloc(c, NVME_MEMORY_HOST, bytes, &staging) != 0 ||
        nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &list) != 0) {
        nvme_fail(id, c, &r, "no DMA memory");
        return;
    }
    region_fill_pattern(&staging, source, block, blocks, seed);
    /* The PRP list must not mix with PMR data in one command: it lives in host memory here,
     * which QEMU accepts for PMR data without CMSE (ordinary DMA to BAR4). */
    int status = ns_data_io(c, ns, NVME_IO_WRITE, source, blocks, &staging, NULL, seed);
    nvme_region_zero(&area);
    if (status == 0)
        status = ns_data_io(c, ns, NVME_IO_READ, source, blocks, &area, &list, seed);
    if (status == 0)
        status = ns_data_io(c, ns, NVME_IO_WRITE, target, blocks, &area, &list, seed);
    int back_status = -1;
    if (status == 0 && nvme_alloc(c, NVME_MEMORY_HOST, bytes, &back) == 0)
        back_status = ns_data_io(c, ns, NVME_IO_READ, target, blocks, &back, NULL, seed);
    struct pattern_mismatch m;
    bool bad = back_status == 0 && region_check_pattern(&back, source, block, blocks, seed, &m) != 0;
    nvme_free(c, &staging);
    nvme_free(c, &list);
    if (back_status == 0)
        nvme_free(c, &back);
    if (status != 0 || back_status != 0 || bad) {
        if (bad)
            yaml_add_mismatch(&r, &m);
        nvme_fail(id, c, &r, status ? "transfer through the PMR failed"
                                    : "data copied through the PMR reads back wrong");
        return;
    }
    suite_pass(id, c->name, "LBAs %llu.. read into the PMR at 0x%llx, written from it to LBA %llu, "
               "read back with the source's pattern", (unsigned long long)source,
               (unsigned long long)area.bus, (unsigned long long)target);
}

NVME_CASE_FOR_EACH_CONTROLLER(run_discover, discover)
NVME_CASE_FOR_EACH_CONTROLLER(run_enable, enable)
NVME_CASE_FOR_EACH_CONTROLLER(run_power_cycle, power_cycle)
NVME_CASE_FOR_EACH_CONTROLLER(run_access_widths, access_widths)
NVME_CASE_FOR_EACH_CONTROLLER(run_disable, disable_hides_data)
NVME_CASE_FOR_EACH_CONTROLLER(run_reset, survives_reset)
NVME_CASE_FOR_EACH_CONTROLLER(run_flr, survives_flr)
NVME_CASE_FOR_EACH_CONTROLLER(run_dma_target, dma_target)

/* power_cycle first: it must see what the previous boot left before anything writes. */
const struct test_case nvme_pmr_test_cases[] = {
    {"nvme.pmr.discover", run_discover},
    {"nvme.pmr.enable", run_enable},
    {"nvme.pmr.power_cycle", run_power_cycle},
    {"nvme.pmr.access_widths", run_access_widths},
    {"nvme.pmr.disable_hides_data", run_disable},
    {"nvme.pmr.survives_reset", run_reset},
    {"nvme.pmr.survives_flr", run_flr},
    {"nvme.pmr.dma_target", run_dma_target},
};
const unsigned nvme_pmr_test_case_count = sizeof(nvme_pmr_test_cases) / sizeof(nvme_pmr_test_cases[0]);
