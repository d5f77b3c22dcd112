/* Zoned namespace cases: the zone report, and one zone's life: reset, write at the write pointer, Zone Append, a misplaced write refused, read back, reset. */
#include <stdio.h>
#include <string.h>

#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_data_guard.h"
#include "tests/suite/nvme_fixture.h"

#define ZONES_REPORTED 8u
#define ZONE_UNDER_TEST 1u /* zone 0 may hold what others left; zone 1 is this case's */

static const struct nvme_namespace *zoned_or_skip(struct suite_case *t)
{
    struct nvme_placement p = placement_host();
    const struct nvme_namespace *ns = case_start_namespace(t, &p);
    if (!ns)
        return NULL;
    if (ns->csi != NVME_CSI_ZONED) {
        report_yaml(t, "csi", "0x%02x", ns->csi);
        report_skip(t, "not_zoned", "not a zoned namespace (CSI 0x%02x)", ns->csi);
        return NULL;
    }
    return ns;
}

static void zone_report(struct suite_case *t)
{
    const struct nvme_namespace *ns = zoned_or_skip(t);
    if (!ns)
        return;
    struct nvme_zone zones[ZONES_REPORTED];
    int n = nvme_zone_report(t->c, ns->nsid, 0, zones, ZONES_REPORTED);
    report_yaml(t, "zone_size_blocks", "%llu", (unsigned long long)ns->zoned.zone_size_blocks);
    if (n <= 0) {
        report_fail(t, "Zone Management Receive returned no zone");
        return;
    }
    for (int i = 0; i < n; i++) {
        uint64_t start = (uint64_t)i * ns->zoned.zone_size_blocks;
        if (zones[i].start != start || zones[i].capacity > ns->zoned.zone_size_blocks ||
            zones[i].type != NVME_ZONE_TYPE_SEQUENTIAL ||
            zones[i].write_pointer < start || zones[i].write_pointer > start + zones[i].capacity) {
            report_yaml(t, "zone", "%d: type %u state 0x%x start %llu capacity %llu wp %llu", i,
                         zones[i].type, zones[i].state, (unsigned long long)zones[i].start,
                         (unsigned long long)zones[i].capacity,
                         (unsigned long long)zones[i].write_pointer);
            report_fail(t, "zone %d contradicts the zone size or itself", i);
            return;
        }
    }
    report_yaml(t, "zones_checked", "%d", n);
    report_yaml(t, "zone_capacity_blocks", "%llu", (unsigned long long)zones[0].capacity);
    report_pass(t, "%d zones reported, sequential, each starting "
             "at its zone boundary with its write pointer inside", n);
}

static int report_one(struct nvme_controller *c, uint32_t nsid, uint64_t start,
                      struct nvme_zone *zone)
{
    return nvme_zone_report(c, nsid, start, zone, 1) == 1 ? 0 : -1;
}

static void zone_cycle(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    const struct nvme_namespace *ns = zoned_or_skip(t);
    if (!ns)
        return;
    struct nvme_controller *c = t->c;
    if (!case_write_allowed(t, c, "zone writes"))
        return;
    char guard_why[200];
    const char *refused = nvme_data_guard(c, ns, t->ctx->config->allow_write_over_data, guard_why,
                                          sizeof(guard_why));
    if (refused) {
        ns_refusal_keys(t, c, ns, refused);
        report_skip(t, refused, "%s", guard_why);
        return;
    }
    struct ns_data_format f;
    ns_data_format(ns, &f);
    uint64_t start = ZONE_UNDER_TEST * ns->zoned.zone_size_blocks;
    uint32_t blocks = ns_blocks_fitting(c, &f, 16u * 1024);
    if (start + 2 * (uint64_t)blocks + 1 > start + ns->zoned.zone_size_blocks ||
        start + ns->zoned.zone_size_blocks > ns->identity.size_blocks || f.metadata_bytes) {
        report_skip(t, "zone_small", "zone %u cannot hold the case (zone size %llu blocks, %u per "
                   "write, separate metadata %u)", ZONE_UNDER_TEST,
                   (unsigned long long)ns->zoned.zone_size_blocks, blocks, f.metadata_bytes);
        return;
    }
    struct nvme_region out, in;
    if (nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)2 * blocks * f.block_bytes, &out) != 0) {
        report_fail(t, "no DMA memory");
        return;
    }
    if (nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)2 * blocks * f.block_bytes, &in) != 0) {
        nvme_free(c, &out);
        report_fail(t, "no DMA memory");
        return;
    }
    struct nvme_region first = nvme_region_slice(&out, 0, (uint64_t)blocks * f.block_bytes);
    struct nvme_region second = nvme_region_slice(&out, first.bytes, first.bytes);
    region_fill_pattern(&first, start, f.block_bytes, blocks, fx->run_seed);
    region_fill_pattern(&second, start + blocks, f.block_bytes, blocks, fx->run_seed);
    struct nvme_zone zone = {0};
    const char *step = "reset";
    uint64_t appended_at = 0;
    int status = nvme_zone_reset(c, ns->nsid, start);
    if (status == 0 && (report_one(c, ns->nsid, start, &zone) != 0 ||
                        zone.write_pointer != start || zone.state != NVME_ZONE_STATE_EMPTY)) {
        status = -1;
        step = "report after reset: empty, write pointer at the zone start";
    }
    if (status == 0) {
        step = "write at the write pointer";
        status = ns_data_io(c, ns, NVME_IO_WRITE, start, blocks, &first, NULL, fx->run_seed);
    }
    if (status == 0) {
        step = "Zone Append";
        struct nvme_io append = {.opcode = NVME_IO_ZONE_APPEND, .nsid = ns->nsid, .lba = start,
                                 .blocks = blocks, .data = &second, .prinfo = f.prinfo,
                                 .reference_tag = (uint32_t)(start + blocks)};
        status = nvme_io_run(c, &append, &appended_at);
        if (status == 0 && appended_at != start + blocks) {
            status = -1;
            step = "Zone Append's assigned LBA equals the write pointer it found";
        }
    }
    if (status == 0 && (report_one(c, ns->nsid, start, &zone) != 0 ||
                        zone.write_pointer != start + 2 * (uint64_t)blocks)) {
        status = -1;
        step = "report after the writes: write pointer advanced by both";
    }
    int misplaced = -1;
    if (status == 0) {
        /* One block past the write pointer: the zone model must refuse it. */
        misplaced = ns_data_io(c, ns, NVME_IO_WRITE, zone.write_pointer + 1, 1, &first, NULL,
                               fx->run_seed);
        if (nvme_status_without_flags((uint16_t)misplaced) != NVME_STATUS_ZONE_INVALID_WRITE) {
            status = -1;
            step = "a write past the write pointer is refused with Zone Invalid Write";
        }
    }
    struct pattern_mismatch m;
    if (status == 0) {
        step = "read back";
        status = ns_data_io(c, ns, NVME_IO_READ, start, 2 * blocks, &in, NULL, fx->run_seed);
        if (status == 0 && region_check_pattern(&in, start, f.block_bytes, 2 * blocks,
                                                fx->run_seed, &m) != 0) {
            yaml_add_mismatch(t, &m);
            status = -1;
        }
    }
    nvme_free(c, &out);
    nvme_free(c, &in);
    report_yaml(t, "zone_start", "%llu", (unsigned long long)start);
    report_yaml(t, "blocks_per_write", "%u", blocks);
    report_yaml(t, "appended_lba", "%llu", (unsigned long long)appended_at);
    report_yaml(t, "write_pointer", "%llu", (unsigned long long)zone.write_pointer);
    report_yaml(t, "misplaced_write_status", "0x%04x", misplaced < 0 ? 0xffff : misplaced);
    if (status != 0) {
        report_yaml(t, "step", "%s", step);
        report_yaml(t, "zone_state", "0x%x", zone.state);
        report_fail(t, "zone %u did not behave as the zoned command set says",
                         ZONE_UNDER_TEST);
        return;
    }
    report_pass(t, "zone %u: reset, %u blocks at the write "
             "pointer, %u by Zone Append, misplaced write refused, read back", ZONE_UNDER_TEST,
             blocks, blocks);
}

const struct test_case nvme_zns_test_cases[] = {
    {"nvme.zns.report", zone_report, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.zns.zone_cycle", zone_cycle, CASE_PER_NAMESPACE | CASE_NVME},
};
const unsigned nvme_zns_test_case_count =
    sizeof(nvme_zns_test_cases) / sizeof(nvme_zns_test_cases[0]);
