/* NVDIMM writes: a pattern through every write method the CPU has, a generation record across power cycles, and what the platform promises about persistence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cache_flush.h"
#include "drivers/nvdimm/nvdimm.h"
#include "lib/pattern.h"
#include "lib/pmr_record.h"
#include "tests/suite/nvdimm_fixture.h"
#include "tests/suite/suite.h"

/* Where in a range each case writes: the record first, the method areas after 1 MiB. Blocks are
 * pattern blocks whose LBA is their offset / NVDIMM_BLOCK, so a host oracle finds them in the
 * backing file without being told the layout. */
#define NVDIMM_BLOCK          4096u
#define RECORD_OFFSET         0u
#define RECORD_PAYLOAD        4096u
#define VERIFY_OFFSET         (1u << 20)
#define VERIFY_BYTES          (64u << 10) /* per method */
#define VERIFY_END            (VERIFY_OFFSET + CACHE_WRITE_METHODS * VERIFY_BYTES)

static const enum cache_write_method methods[CACHE_WRITE_METHODS] = {
    CACHE_WRITE_CLWB, CACHE_WRITE_CLFLUSHOPT, CACHE_WRITE_CLFLUSH, CACHE_WRITE_NON_TEMPORAL};

static void cpu_yaml(struct suite_case *t, const struct nvdimm_range *r)
{
    report_yaml(t, "cpu_clwb", "%u", r->cpu.clwb);
    report_yaml(t, "cpu_clflushopt", "%u", r->cpu.clflushopt);
    report_yaml(t, "cpu_clflush", "%u", r->cpu.clflush);
    report_yaml(t, "cache_line", "%u", r->cpu.line_bytes);
    report_yaml(t, "flush", "%s", cache_write_method_name(cache_flush_best(&r->cpu)));
    report_yaml(t, "flush_hints", "%u", r->hint_count);
}

/* One method's area: pattern written with it, read back through the CPU, compared. Returns 0, or
 * -1 with the mismatch in the point's keys. */
static int verify_method(struct suite_case *t, const struct nvdimm_range *r, enum cache_write_method m,
                         uint64_t offset, uint64_t seed, uint8_t *buffer)
{
    uint32_t blocks = VERIFY_BYTES / NVDIMM_BLOCK;
    pattern_fill(buffer, offset / NVDIMM_BLOCK, NVDIMM_BLOCK, blocks, seed);
    nvdimm_write(r, offset, buffer, VERIFY_BYTES, m);
    memset(buffer, 0, VERIFY_BYTES);
    nvdimm_read(r, offset, buffer, VERIFY_BYTES);
    struct pattern_mismatch miss;
    if (pattern_check(buffer, offset / NVDIMM_BLOCK, NVDIMM_BLOCK, blocks, seed, &miss) == 0)
        return 0;
    report_yaml(t, "method", "%s", cache_write_method_name(m));
    report_yaml(t, "mismatch_offset", "0x%llx",
                (unsigned long long)(miss.lba * NVDIMM_BLOCK + miss.offset));
    report_yaml(t, "expected", "0x%016llx", (unsigned long long)miss.expected);
    report_yaml(t, "got", "0x%016llx", (unsigned long long)miss.got);
    return -1;
}

static void io_verify_range(struct suite_case *t, struct nvdimm_setup *s, const struct nvdimm_range *r,
                            enum nvdimm_access access, enum nvdimm_verdict verdict, const char *why)
{
    cpu_yaml(t, r);
    if (access != NVDIMM_READ_WRITE) {
        nvdimm_skip_write(t, verdict, why);
        return;
    }
    if (r->length < VERIFY_END) {
        report_yaml(t, "length", "0x%llx", (unsigned long long)r->length);
        report_skip(t, "nvdimm_small", "the range is smaller than the 0x%x bytes the case writes in",
                    VERIFY_END);
        return;
    }
    uint8_t *buffer = malloc(VERIFY_BYTES);
    if (!buffer) {
        report_fail(t, "no heap for the pattern");
        return;
    }
    char tried[64] = "";
    size_t used = 0;
    const char *failed = NULL;
    report_yaml(t, "seed", "0x%016llx", (unsigned long long)s->seed);
    report_yaml(t, "bytes_per_method", "%u", VERIFY_BYTES);
    for (unsigned k = 0; k < CACHE_WRITE_METHODS && !failed; k++) {
        if (!cache_write_supported(&r->cpu, methods[k]))
            continue;
        uint64_t offset = VERIFY_OFFSET + (uint64_t)k * VERIFY_BYTES;
        char key[32];
        snprintf(key, sizeof(key), "offset_%s", cache_write_method_name(methods[k]));
        report_yaml(t, key, "0x%llx", (unsigned long long)offset);
        if (verify_method(t, r, methods[k], offset, s->seed, buffer) != 0)
            failed = cache_write_method_name(methods[k]);
        used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s%s", used ? " " : "",
                                 cache_write_method_name(methods[k]));
    }
    free(buffer);
    report_yaml(t, "methods", "%s", tried);
    if (failed)
        report_fail(t, "the pattern written with %s did not read back", failed);
    else
        report_pass(t, "0x%x bytes per write method (%s), each fenced and read back intact",
                    VERIFY_BYTES, tried);
}

static void io_verify(struct suite_case *t)
{
    nvdimm_each_range(t, io_verify_range);
}

/* Reads the record an earlier boot left at the range's start, then (where allowed) writes the
 * next generation with the best flush the CPU has and reads it back. */
static void power_cycle_range(struct suite_case *t, struct nvdimm_setup *s, const struct nvdimm_range *r,
                              enum nvdimm_access access, enum nvdimm_verdict verdict, const char *why)
{
    size_t bytes = sizeof(struct pmr_record_header) + RECORD_PAYLOAD;
    uint8_t *ram = malloc(bytes);
    if (!ram) {
        report_fail(t, "no heap");
        return;
    }
    nvdimm_read(r, RECORD_OFFSET, ram, bytes);
    struct pmr_record_header found;
    char record[96];
    enum pmr_record_state state = pmr_record_verify(ram, bytes, &found, record);
    report_yaml(t, "found", "%s", state == PMR_RECORD_VALID     ? "valid"
                                  : state == PMR_RECORD_CORRUPT ? "corrupt"
                                                                : "none");
    if (state == PMR_RECORD_VALID)
        report_yaml(t, "found_generation", "%llu", (unsigned long long)found.generation);
    report_yaml(t, "found_record", "%s", record);
    enum cache_write_method flush = cache_flush_best(&r->cpu);
    report_yaml(t, "flush", "%s", cache_write_method_name(flush));
    if (state == PMR_RECORD_CORRUPT) {
        free(ram);
        report_fail(t, "a record was left but does not verify: it did not persist intact");
        return;
    }
    if (access != NVDIMM_READ_WRITE) {
        free(ram);
        nvdimm_skip_write(t, verdict, why);
        return;
    }
    uint64_t next = state == PMR_RECORD_VALID ? found.generation + 1 : 1;
    pmr_record_build(ram, bytes, next, s->seed, RECORD_PAYLOAD);
    nvdimm_write(r, RECORD_OFFSET, ram, bytes, flush);
    memset(ram, 0, bytes);
    nvdimm_read(r, RECORD_OFFSET, ram, bytes);
    bool intact = pmr_record_reads_back(ram, bytes, next, record);
    free(ram);
    report_yaml(t, "generation", "%llu", (unsigned long long)next);
    if (!intact) {
        report_yaml(t, "readback", "%s", record);
        report_fail(t, "the record just written does not read back");
    } else if (state == PMR_RECORD_VALID) {
        report_pass(t, "generation %llu from an earlier boot verified; generation %llu written "
                    "(%s) and read back", (unsigned long long)found.generation,
                    (unsigned long long)next, cache_write_method_name(flush));
    } else {
        /* Nothing here says the medium kept anything: only the next boot can. */
        report_pass(t, "no record from an earlier boot, so nothing to show persisted; generation 1 "
                    "written (%s) and read back for the next boot", cache_write_method_name(flush));
    }
}

static void power_cycle(struct suite_case *t)
{
    nvdimm_each_range(t, power_cycle_range);
}

/* What the platform capabilities promise on power loss, what a write must do because of it, and
 * whether this CPU can do that; ranges flagged not armed are read-only to every write case. */
static void domain(struct suite_case *t)
{
    struct nvdimm_setup s;
    if (!nvdimm_setup_load(t, &s)) {
        nvdimm_setup_free(&s);
        return;
    }
    const struct nfit_info *n = s.nfit;
    struct cache_flush_support cpu = cache_flush_detect();
    unsigned not_armed = 0;
    for (unsigned i = 0; i < n->mapping_count; i++)
        not_armed += (n->mappings[i].state_flags & NFIT_STATE_NOT_ARMED) != 0;
    report_yaml(t, "not_armed", "%u", not_armed);
    report_yaml(t, "flush", "%s", cache_write_method_name(cache_flush_best(&cpu)));
    if (!n->has_capabilities) {
        report_yaml(t, "domain", "not_stated");
        report_skip(t, "no_capabilities", "the NFIT has no platform capabilities structure: the "
                    "persistence domain is not stated (writes flush the cache lines anyway)");
        nvdimm_setup_free(&s);
        return;
    }
    bool cpu_flush = n->capabilities & NFIT_CAP_CPU_CACHE_FLUSH;
    bool memory_flush = n->capabilities & NFIT_CAP_MEMORY_FLUSH;
    /* CPU caches flushed on power loss: a store is durable once globally visible (a fence);
     * the memory controller's buffers only: a cache line must be written back first. */
    const char *domain = cpu_flush ? "cpu_cache" : memory_flush ? "memory_controller" : "none";
    const char *needed = cpu_flush ? "sfence" : "cache_line_flush+sfence";
    report_yaml(t, "capabilities", "0x%x", n->capabilities);
    report_yaml(t, "highest_valid_bit", "%u", n->highest_capability);
    report_yaml(t, "domain", "%s", domain);
    report_yaml(t, "write_needs", "%s", needed);
    report_yaml(t, "mirroring", "%u", (n->capabilities & NFIT_CAP_MIRRORING) != 0);
    if (cpu_flush && !memory_flush)
        report_fail(t, "capabilities 0x%x: CPU cache flush on power loss without memory controller "
                    "flush, which ACPI forbids", n->capabilities);
    else if (!cpu_flush && n->highest_capability < 1)
        report_skip(t, "no_capabilities", "capabilities 0x%x with highest valid bit %u: whether "
                    "the memory controller is flushed on power loss is not stated",
                    n->capabilities, n->highest_capability);
    else if (!cpu_flush && !memory_flush)
        report_fail(t, "capabilities 0x%x (highest valid bit %u): the platform flushes nothing on "
                    "power loss: no write can be called durable", n->capabilities,
                    n->highest_capability);
    else if (!cpu_flush && !cpu.clflush && !cpu.clflushopt && !cpu.clwb)
        report_fail(t, "the domain is the memory controller but this CPU has no cache line flush");
    else
        report_pass(t, "persistence domain: %s (capabilities 0x%x); writes use %s, which is enough",
                    domain, n->capabilities, cpu_flush ? "a fence after their flush"
                                                       : cache_write_method_name(cache_flush_best(&cpu)));
    nvdimm_setup_free(&s);
}

const struct test_case nvdimm_io_test_cases[] = {
    {"nvdimm.persistence.domain", domain, 0},
    {"nvdimm.persistence.power_cycle", power_cycle, 0},
    {"nvdimm.io.verify", io_verify, 0},
};
const unsigned nvdimm_io_test_case_count = sizeof(nvdimm_io_test_cases) / sizeof(nvdimm_io_test_cases[0]);
