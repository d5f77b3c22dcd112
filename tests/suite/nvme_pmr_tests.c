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

static bool has_pmr(struct suite_case *t)
{
    const struct nvme_controller *c = t->c;
    enum feature_choice wanted = t->ctx->config->pmr;
    if (c->pmr.present && c->pmr.region.bytes >= PMR_MIN_BYTES)
        return true;
    const char *code = wanted == FEATURE_OFF ? "pmr_off"
                       : c->pmr.present      ? "pmr_small"
                                             : "pmrs_zero";
    const char *why = c->pmr.problem[0]        ? c->pmr.problem
                      : wanted == FEATURE_OFF ? "pmr = off in the config"
                      : c->pmr.present             ? "PMR smaller than the 80 KiB the cases use"
                                                   : "CAP.PMRS=0: no PMR";
    if (wanted == FEATURE_REQUIRE || c->pmr.problem[0]) {
        report_fail(t, "no usable PMR: %s", why);
    } else {
        report_skip(t, code, "%s", why);
    }
    return false;
}

static bool pmr_writes_allowed(struct suite_case *t)
{
    /* The serial number comes from Identify: the controller must have run once. */
    struct nvme_placement p = placement_default(t->ctx, t->c);
    return case_start(t, t->c, &p) && case_write_allowed(t, t->c, "PMR writes");
}

static bool enabled_or_fail(struct suite_case *t)
{
    if (nvme_pmr_enable(t->c) == 0)
        return true;
    report_fail(t, "PMR did not become ready");
    return false;
}

static struct nvme_region scratch(const struct nvme_controller *c)
{
    return nvme_region_slice(&c->pmr.region, PMR_SCRATCH_OFFSET, PMR_SCRATCH_BYTES);
}

static void discover(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!has_pmr(t))
        return;
    char fields[160];
    const struct nvme_register_table *pmrcap = nvme_register_table_named("PMRCAP");
    bitfield_format(pmrcap->fields, pmrcap->field_count, c->pmr.pmrcap, fields, sizeof(fields));
    report_pass(t, "%llu KiB in BAR%u at 0x%llx; PMRCAP %s",
               (unsigned long long)(c->pmr.region.bytes / 1024), c->pmr.bir,
               (unsigned long long)c->pmr.region.cpu, fields);
}

static void enable(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!has_pmr(t))
        return;
    uint64_t start = time_now_us();
    if (!enabled_or_fail(t))
        return;
    uint64_t took = time_now_us() - start;
    uint32_t pmrsts = nvme_reg_read32(c, NVME_REG(pmrsts));
    /* The bound is the controller's (PMRTO); the time is a measurement and goes in the YAML. */
    report_yaml(t, "duration_us", "%llu", (unsigned long long)took);
    report_yaml(t, "budget_ms", "%llu", (unsigned long long)(c->pmr.ready_budget_us / 1000));
    report_pass(t, "PMRCTL.EN=1: PMRSTS.NRDY=0 within %llu ms; PMRSTS 0x%08x%s",
                    (unsigned long long)(c->pmr.ready_budget_us / 1000), pmrsts,
                    c->pmr.controller_memory_space ? ", PMRMSC programmed" : "");
}

/* Reads the record left by an earlier boot, then (where allowed) writes the next one. */
static void power_cycle(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !enabled_or_fail(t))
        return;
    size_t bytes = sizeof(struct pmr_record_header) + PMR_RECORD_PAYLOAD;
    uint8_t *ram = malloc(bytes);
    if (!ram) {
        report_fail(t, "no heap");
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
    report_yaml(t, "found", "%s", state == PMR_RECORD_VALID ? "valid"
                                    : state == PMR_RECORD_CORRUPT ? "corrupt" : "none");
    if (state == PMR_RECORD_VALID)
        report_yaml(t, "found_generation", "%llu", (unsigned long long)found.generation);
    report_yaml(t, "found_record", "%s", why);
    if (state == PMR_RECORD_CORRUPT) {
        free(ram);
        report_fail(t, "a record was left but does not verify: it did not persist intact");
        return;
    }
    if (!pmr_writes_allowed(t)) {
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
    bool intact = pmr_record_reads_back(ram, bytes, next, why);
    free(ram);
    report_yaml(t, "generation", "%llu", (unsigned long long)next);
    if (!intact) {
        report_yaml(t, "readback", "%s", why);
        report_fail(t, "the record just written does not read back");
        return;
    }
    report_pass(t, "an earlier boot's record verified if there was one; the "
                    "next generation written, flushed (PMRSTS read) and read back");
}

static const unsigned widths[] = {1, 2, 4, 8};

static uint64_t width_value(unsigned width, unsigned slot, uint64_t seed)
{
    uint64_t v = (seed ^ (0x9e3779b97f4a7c15ull * (slot + 1))) >> 3;
    return width == 8 ? v : v & ((1ull << (8 * width)) - 1);
}

/* Each width writes its own 64 bytes, read back with the same width after a flush. */
static void access_widths(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !pmr_writes_allowed(t) || !enabled_or_fail(t))
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
                report_yaml(t, "width", "%u bytes", widths[w]);
                report_yaml(t, "offset", "0x%x", PMR_SCRATCH_OFFSET + 64 * w + i * widths[w]);
                report_yaml(t, "expected", "0x%llx", (unsigned long long)want);
                report_yaml(t, "got", "0x%llx", (unsigned long long)got);
                report_fail(t, "PMR did not hold a %u-byte write", widths[w]);
                return;
            }
        }
    }
    report_pass(t, "1-, 2-, 4- and 8-byte writes read back with their own width after "
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

static void disable_hides_data(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !pmr_writes_allowed(t) || !enabled_or_fail(t))
        return;
    uint64_t seed = fx->run_seed ^ 0xd15;
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    uint32_t pmrsts = nvme_pmr_disable(c);
    bool hidden = check_scratch(c, seed, &m) != 0;
    report_yaml(t, "pmrsts_disabled", "0x%08x", pmrsts);
    if (!(pmrsts & NVME_PMRSTS_NRDY) || !hidden) {
        nvme_pmr_enable(c);
        report_fail(t, "PMRCTL.EN=0 left %s", !(pmrsts & NVME_PMRSTS_NRDY)
                                                          ? "PMRSTS.NRDY clear"
                                                          : "the data visible");
        return;
    }
    if (!enabled_or_fail(t))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(t, &m);
        report_fail(t, "data lost across PMR disable and enable");
        return;
    }
    report_pass(t, "EN=0 set NRDY (PMRSTS 0x%08x) and hid the data; EN=1 showed it intact",
               pmrsts);
}

static void survives_reset(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !pmr_writes_allowed(t) || !enabled_or_fail(t))
        return;
    uint64_t seed = fx->run_seed ^ 0x5e7;
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    struct nvme_placement p = c->placement;
    if (nvme_disable(c) != 0 || nvme_start(c, &p) != 0) {
        report_fail(t, "controller reset (CC.EN 1->0->1) failed");
        return;
    }
    if (!(nvme_reg_read32(c, NVME_REG(pmrctl)) & NVME_PMRCTL_EN) && !enabled_or_fail(t))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(t, &m);
        report_fail(t, "PMR data changed across a controller reset");
        return;
    }
    report_pass(t, "%u KiB pattern intact across CC.EN 1->0->1", PMR_SCRATCH_BYTES / 1024);
}

static void survives_flr(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !pmr_writes_allowed(t) || !enabled_or_fail(t))
        return;
    uint64_t seed = fx->run_seed ^ 0xf17;
    struct pattern_mismatch m;
    fill_scratch(c, seed);
    struct nvme_placement p = c->placement;
    char why[120];
    if (nvme_disable(c) != 0) {
        report_fail(t, "controller would not stop before FLR");
        return;
    }
    if (pci_function_level_reset(c->pci, why) != 0) {
        report_skip(t, "flr_impossible", "FLR not possible: %s", why);
        return;
    }
    /* FLR resets the controller: the CMB window and queues are set up again. */
    c->started = false;
    if ((c->cmb.present && nvme_cmb_setup(c) != 0) || nvme_start(c, &p) != 0) {
        report_fail(t, "controller did not come back after FLR");
        return;
    }
    uint32_t pmrctl = nvme_reg_read32(c, NVME_REG(pmrctl));
    if (!(pmrctl & NVME_PMRCTL_EN) && !enabled_or_fail(t))
        return;
    if (check_scratch(c, seed, &m) != 0) {
        yaml_add_mismatch(t, &m);
        report_fail(t, "PMR data changed across FLR");
        return;
    }
    report_pass(t, "%u KiB pattern intact across a function-level reset (PMRCTL.EN %s it)",
               PMR_SCRATCH_BYTES / 1024, pmrctl & NVME_PMRCTL_EN ? "survived" : "was restored after");
}

/* Read LBAs into the PMR, write them from the PMR elsewhere, read back and compare. */
static void dma_target(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_pmr(t) || !pmr_writes_allowed(t) || !enabled_or_fail(t))
        return;
    const struct nvme_namespace *ns = nvme_test_namespace_or_skip(t, c, true);
    if (!ns)
        return;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    char format[64];
    if (f.metadata_bytes) {
        /* The metadata would have to live in the PMR too, outside the scratch area. */
        report_skip(t, "separate_metadata", "nsid %u format %s carries separate metadata", ns->nsid,
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
    if (nvme_alloc(c, NVME_MEMORY_HOST, bytes, &staging) != 0 ||
        nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &list) != 0) {
        report_fail(t, "no DMA memory");
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
            yaml_add_mismatch(t, &m);
        report_fail(t, status ? "transfer through the PMR failed"
                                    : "data copied through the PMR reads back wrong");
        return;
    }
    report_yaml(t, "pmr_address", "0x%llx", (unsigned long long)area.bus);
    report_pass(t, "LBAs %llu.. read into the PMR at 0x%llx, written from it to LBA %llu, "
               "read back with the source's pattern", (unsigned long long)source,
               (unsigned long long)area.bus, (unsigned long long)target);
}

const struct test_case nvme_pmr_test_cases[] = {
    {"nvme.pmr.discover", discover, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.enable", enable, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.power_cycle", power_cycle, CASE_PER_CONTROLLER | CASE_NVME | CASE_ONCE_PER_BOOT},
    {"nvme.pmr.access_widths", access_widths, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.disable_hides_data", disable_hides_data, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.survives_reset", survives_reset, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.survives_flr", survives_flr, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.pmr.dma_target", dma_target, CASE_PER_CONTROLLER | CASE_NVME},
};
const unsigned nvme_pmr_test_case_count = sizeof(nvme_pmr_test_cases) / sizeof(nvme_pmr_test_cases[0]);
