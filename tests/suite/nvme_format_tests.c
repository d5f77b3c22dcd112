/* Namespace format cases: metadata round trips, end-to-end protection (PI) generated, checked and provoked, Write Zeroes, deallocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_format.h"
#include "lib/t10_pi.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"

#define CASE_BLOCKS 8u         /* blocks per step of a case */
#define APPLICATION_TAG 0x4e56 /* "NV": what the cases put in, and expect back in, PI tuples */

/* The first LBA of a case's slot in the format area. */
static uint64_t slot_lba(unsigned slot)
{
    return LBA_AREA_FORMAT + (uint64_t)slot * LBA_AREA_FORMAT_SLOT;
}

/* One command's buffers for a layout: data (with metadata interleaved when extended) and,
 * for a separate-metadata format, the metadata buffer. */
struct transfer {
    struct nvme_transfer_layout layout;
    uint32_t block_bytes, metadata_bytes; /* of the format */
    uint32_t blocks;
    struct nvme_region data, metadata;
};

static int transfer_alloc(struct nvme_controller *c, const struct nvme_namespace *ns,
                          uint8_t prinfo, uint32_t blocks, struct transfer *t, char *why)
{
    memset(t, 0, sizeof(*t));
    if (nvme_transfer_layout(&ns->identity, prinfo, &t->layout, why) != 0)
        return -1;
    t->block_bytes = ns->identity.block_bytes;
    t->metadata_bytes = ns->identity.metadata_bytes;
    t->blocks = blocks;
    if (nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)blocks * t->layout.data_bytes_per_block,
                   &t->data) != 0)
        return -1;
    if (t->layout.metadata_bytes_per_block &&
        nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)blocks * t->layout.metadata_bytes_per_block,
                   &t->metadata) != 0) {
        nvme_free(c, &t->data);
        return -1;
    }
    return 0;
}

static void transfer_free(struct nvme_controller *c, struct transfer *t)
{
    nvme_free(c, &t->data);
    nvme_free(c, &t->metadata);
}

static uint8_t *block_data(const struct transfer *t, uint32_t i)
{
    return (uint8_t *)(uintptr_t)t->data.cpu + (uint64_t)i * t->layout.data_bytes_per_block;
}

/* Block i's metadata, interleaved or separate; NULL when the command carries none. */
static uint8_t *block_metadata(const struct transfer *t, uint32_t i)
{
    if (t->layout.metadata_bytes_per_block)
        return (uint8_t *)(uintptr_t)t->metadata.cpu + (uint64_t)i * t->metadata_bytes;
    if (t->layout.data_bytes_per_block > t->block_bytes)
        return block_data(t, i) + t->block_bytes;
    return NULL;
}

static int transfer_run(struct nvme_controller *c, const struct nvme_namespace *ns,
                        uint8_t opcode, uint64_t lba, uint8_t prinfo, struct transfer *t)
{
    struct nvme_io io = {.opcode = opcode, .nsid = ns->nsid, .lba = lba, .blocks = t->blocks,
                         .data = &t->data, .metadata = t->metadata.bytes ? &t->metadata : NULL,
                         .prinfo = prinfo, .reference_tag = (uint32_t)lba,
                         .application_tag = APPLICATION_TAG, .application_mask = 0xffff};
    return nvme_io_run(c, &io, NULL);
}

/* Data pattern blocks of the format's data size, and metadata pattern words, per block. */
static void fill_blocks(const struct transfer *t, uint64_t lba, uint64_t seed)
{
    for (uint32_t i = 0; i < t->blocks; i++) {
        pattern_fill(block_data(t, i), lba + i, t->block_bytes, 1, seed);
        uint8_t *md = block_metadata(t, i);
        if (md)
            pattern_fill_metadata(md, lba + i, t->metadata_bytes, 1, seed);
    }
}

static int check_blocks(const struct transfer *t, uint64_t lba, uint64_t seed, bool metadata,
                        struct pattern_mismatch *m)
{
    for (uint32_t i = 0; i < t->blocks; i++) {
        if (pattern_check(block_data(t, i), lba + i, t->block_bytes, 1, seed, m) != 0)
            return -1;
        uint8_t *md = block_metadata(t, i);
        if (metadata && md && pattern_check_metadata(md, lba + i, t->metadata_bytes, 1, seed, m))
            return -2;
    }
    return 0;
}

static bool allowed_for_writes(struct suite_case *t, const struct nvme_namespace **ns)
{
    struct nvme_placement p = placement_host();
    *ns = case_start_namespace(t, &p);
    return *ns && ns_data_allowed_or_skip(t, t->c, *ns, true);
}

/* Host-carried metadata (separate buffer or extended LBA) survives a write and a read. */
static void io_metadata(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    const struct nvme_namespace *ns;
    if (!allowed_for_writes(t, &ns))
        return;
    char format[64];
    nvme_format_describe(&ns->identity, format, sizeof(format));
    if (!ns->identity.metadata_bytes) {
        report_yaml(t, "format", "%s", format);
        report_skip(t, "no_metadata", "format %s has no metadata", format);
        return;
    }
    yaml_add_format(t, ns);
    uint64_t lba = slot_lba(0), seed = t->c->identity.controller_id ^ fx->run_seed ^ 0x3d7a;
    struct transfer out, in;
    char why[96];
    /* PRINFO 0: even on a PI namespace the metadata is then the host's, unchecked. */
    if (transfer_alloc(t->c, ns, 0, CASE_BLOCKS, &out, why) != 0) {
        report_fail(t, "no DMA memory");
        return;
    }
    if (transfer_alloc(t->c, ns, 0, CASE_BLOCKS, &in, why) != 0) {
        transfer_free(t->c, &out);
        report_fail(t, "no DMA memory");
        return;
    }
    fill_blocks(&out, lba, seed);
    struct pattern_mismatch m;
    int status = transfer_run(t->c, ns, NVME_IO_WRITE, lba, 0, &out);
    if (status == 0)
        status = transfer_run(t->c, ns, NVME_IO_READ, lba, 0, &in);
    int bad = status == 0 ? check_blocks(&in, lba, seed, true, &m) : 0;
    uint64_t metadata_at = in.metadata.bus;
    transfer_free(t->c, &out);
    transfer_free(t->c, &in);
    report_yaml(t, "lbas", "%llu-%llu", (unsigned long long)lba,
                 (unsigned long long)(lba + CASE_BLOCKS));
    if (status != 0 || bad) {
        if (bad)
            yaml_add_mismatch(t, &m);
        report_fail(t, status ? "write or read with metadata failed"
                                    : bad == -1 ? "data read back wrong"
                                                : "metadata read back wrong");
        return;
    }
    report_yaml(t, "metadata_buffer", "%s", metadata_at ? "separate (MPTR)" : "interleaved");
    report_pass(t, "%u blocks of %s: data and metadata read back "
             "as written", CASE_BLOCKS, format);
}

static void pi_of(const struct transfer *t, const struct nvme_namespace *ns, uint32_t i,
                  struct t10_pi_tuple *tuple)
{
    uint8_t *md = block_metadata(t, i);
    t10_pi_unpack(md + (ns->identity.pi_first ? 0 : t->metadata_bytes - 8), tuple);
}

static void put_pi(const struct transfer *t, const struct nvme_namespace *ns, uint32_t i,
                   const struct t10_pi_tuple *tuple)
{
    uint8_t *md = block_metadata(t, i);
    t10_pi_pack(tuple, md + (ns->identity.pi_first ? 0 : t->metadata_bytes - 8));
}

/* The tuple the spec defines for block i: with the PI last in more than 8 bytes of metadata
 * the guard covers the data and the metadata bytes before the PI; first, the data alone. */
static struct t10_pi_tuple expected_pi(const struct transfer *t, const struct nvme_namespace *ns,
                                       uint32_t i, uint64_t lba)
{
    uint16_t guard = t10_crc16(0, block_data(t, i), t->block_bytes);
    if (!ns->identity.pi_first)
        guard = t10_crc16(guard, block_metadata(t, i), t->metadata_bytes - 8);
    return (struct t10_pi_tuple){guard, APPLICATION_TAG, (uint32_t)(lba + i)};
}

/* Every tuple of `t` as the spec defines it for `lba`.. (type 3: the reference tag is free). */
static int check_pi(const struct transfer *t, const struct nvme_namespace *ns, uint64_t lba,
                    struct tap_result *r)
{
    for (uint32_t i = 0; i < t->blocks; i++) {
        struct t10_pi_tuple got, want = expected_pi(t, ns, i, lba);
        pi_of(t, ns, i, &got);
        if (got.guard != want.guard || got.application_tag != want.application_tag ||
            (ns->identity.pi_type != 3 && got.reference_tag != want.reference_tag)) {
            tap_yaml_add(r, "lba", "%llu", (unsigned long long)(lba + i));
            tap_yaml_add(r, "expected_pi", "guard 0x%04x app 0x%04x ref 0x%08x", want.guard,
                         want.application_tag, want.reference_tag);
            tap_yaml_add(r, "got_pi", "guard 0x%04x app 0x%04x ref 0x%08x", got.guard,
                         got.application_tag, got.reference_tag);
            return -1;
        }
    }
    return 0;
}

/* Reads one block with `checks` and returns its status. */
static int read_checked(struct nvme_controller *c, const struct nvme_namespace *ns, uint64_t lba,
                        uint8_t checks, struct transfer *scratch)
{
    uint32_t blocks = scratch->blocks;
    scratch->blocks = 1;
    int status = transfer_run(c, ns, NVME_IO_READ, lba, checks, scratch);
    scratch->blocks = blocks;
    return status;
}

/* The three sides of end-to-end protection on a PI namespace: the controller generates PI
 * (PRACT) that the host can verify; host-generated PI passes the controller's checks; a
 * deliberately wrong tag and a wrong guard are caught with their own status codes. */
static void io_protection(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    const struct nvme_namespace *ns;
    if (!allowed_for_writes(t, &ns))
        return;
    char format[64], why[96];
    nvme_format_describe(&ns->identity, format, sizeof(format));
    unsigned type = ns->identity.pi_type;
    if (!type) {
        report_yaml(t, "format", "%s", format);
        report_skip(t, "no_pi", "format %s has no protection information", format);
        return;
    }
    struct nvme_controller *c = t->c;
    yaml_add_format(t, ns);
    uint8_t all_checks = NVME_PRINFO_CHECK_GUARD | NVME_PRINFO_CHECK_APP |
                         (type != 3 ? NVME_PRINFO_CHECK_REF : 0);
    uint64_t generated = slot_lba(1), host = generated + CASE_BLOCKS,
             wrong = host + CASE_BLOCKS, seed = fx->run_seed ^ 0x91;
    struct transfer plain, carried;
    /* Step 1: PRACT write; the controller computes every tuple. With 8 bytes of metadata
     * nothing but data moves; with more, the host's metadata goes along and PI is inserted. */
    if (transfer_alloc(c, ns, NVME_PRINFO_PRACT | all_checks, CASE_BLOCKS, &plain, why) != 0 ||
        transfer_alloc(c, ns, all_checks, CASE_BLOCKS, &carried, why) != 0) {
        report_fail(t, "no DMA memory");
        return;
    }
    fill_blocks(&plain, generated, seed);
    const char *step = "PRACT write";
    int status = transfer_run(c, ns, NVME_IO_WRITE, generated, NVME_PRINFO_PRACT | all_checks,
                              &plain);
    /* Read back with the PI carried to the host and checked by the controller on the way. */
    if (status == 0) {
        step = "read with PRCHK of the generated PI";
        status = transfer_run(c, ns, NVME_IO_READ, generated, all_checks, &carried);
    }
    struct pattern_mismatch m;
    if (status == 0 && check_blocks(&carried, generated, seed, false, &m) != 0) {
        yaml_add_mismatch(t, &m);
        status = -1;
        step = "data of the PRACT write read back";
    }
    if (status == 0 && check_pi(&carried, ns, generated, &t->point) != 0) {
        status = -1;
        step = "PI the controller generated, checked by the host (T10 CRC-16 guard)";
    }
    /* Step 2: host-generated PI, written and read with every check on. */
    if (status == 0) {
        fill_blocks(&carried, host, seed);
        for (uint32_t i = 0; i < carried.blocks; i++) {
            struct t10_pi_tuple pi = expected_pi(&carried, ns, i, host);
            put_pi(&carried, ns, i, &pi);
        }
        step = "write of host-generated PI with PRCHK";
        status = transfer_run(c, ns, NVME_IO_WRITE, host, all_checks, &carried);
    }
    if (status == 0) {
        memset((void *)(uintptr_t)carried.data.cpu, 0, carried.data.bytes);
        step = "read of host-generated PI with PRCHK";
        status = transfer_run(c, ns, NVME_IO_READ, host, all_checks, &carried);
    }
    if (status == 0 && (check_blocks(&carried, host, seed, false, &m) != 0 ||
                        check_pi(&carried, ns, host, &t->point) != 0)) {
        status = -1;
        step = "host-generated PI read back";
    }
    /* Step 3: block 0 with a wrong tag (reference; application for type 3, whose reference
     * tag is not checked), block 1 with a wrong guard; written unchecked, read checked. */
    int tag_status = -1, guard_status = -1;
    uint16_t want_tag_status = type != 3 ? NVME_STATUS_REF_TAG_CHECK : NVME_STATUS_APP_TAG_CHECK;
    uint8_t tag_check = type != 3 ? NVME_PRINFO_CHECK_REF : NVME_PRINFO_CHECK_APP;
    if (status == 0) {
        fill_blocks(&carried, wrong, seed);
        for (uint32_t i = 0; i < carried.blocks; i++) {
            struct t10_pi_tuple pi = expected_pi(&carried, ns, i, wrong);
            if (i == 0 && type != 3)
                pi.reference_tag ^= 0x00010000;
            if (i == 0 && type == 3)
                pi.application_tag ^= 0x0101;
            if (i == 1)
                pi.guard ^= 0x8001;
            put_pi(&carried, ns, i, &pi);
        }
        step = "write of deliberately wrong PI without checks";
        status = transfer_run(c, ns, NVME_IO_WRITE, wrong, 0, &carried);
    }
    if (status == 0) {
        tag_status = read_checked(c, ns, wrong, tag_check, &carried);
        guard_status = read_checked(c, ns, wrong + 1, NVME_PRINFO_CHECK_GUARD, &carried);
        if (nvme_status_without_flags((uint16_t)tag_status) != want_tag_status ||
            nvme_status_without_flags((uint16_t)guard_status) != NVME_STATUS_GUARD_CHECK) {
            char a[80], b[80];
            report_yaml(t, "tag_read", "%s, want 0x%04x", tag_status < 0 ? c->error :
                         nvme_status_describe((uint16_t)tag_status, a, sizeof(a)), want_tag_status);
            report_yaml(t, "guard_read", "%s, want 0x%04x", guard_status < 0 ? c->error :
                         nvme_status_describe((uint16_t)guard_status, b, sizeof(b)),
                         NVME_STATUS_GUARD_CHECK);
            status = -1;
            step = "reads of the wrong tag and the wrong guard";
        }
    }
    transfer_free(c, &plain);
    transfer_free(c, &carried);
    report_yaml(t, "generated_lbas", "%llu-%llu", (unsigned long long)generated,
                 (unsigned long long)(generated + CASE_BLOCKS));
    report_yaml(t, "host_pi_lbas", "%llu-%llu", (unsigned long long)host,
                 (unsigned long long)(host + CASE_BLOCKS));
    report_yaml(t, "wrong_tag_lba", "%llu", (unsigned long long)wrong);
    report_yaml(t, "wrong_guard_lba", "%llu", (unsigned long long)(wrong + 1));
    if (status != 0) {
        report_yaml(t, "step", "%s", step);
        if (status > 0) {
            char text[80];
            report_yaml(t, "status", "%s", nvme_status_describe((uint16_t)status, text,
                                                                  sizeof(text)));
        }
        report_fail(t, "end-to-end protection did not hold");
        return;
    }
    report_yaml(t, "tag_status", "0x%04x", nvme_status_without_flags((uint16_t)tag_status));
    report_yaml(t, "guard_status", "0x%04x", nvme_status_without_flags((uint16_t)guard_status));
    report_pass(t, "type %u: controller PI verified by the host, "
             "host PI passed the checks, wrong %s tag and guard caught", type,
             type != 3 ? "reference" : "application");
}

/* The data of every block is zero; interleaved metadata (PI the controller wrote for the
 * zeroes, say) is not data. */
static bool data_is_zero(const struct nvme_region *region, const struct ns_data_format *f,
                         const struct nvme_namespace *ns, uint32_t blocks)
{
    for (uint32_t b = 0; b < blocks; b++)
        for (uint32_t offset = 0; offset < ns->identity.block_bytes; offset += 8)
            if (nvme_region_read64(region, (uint64_t)b * f->block_bytes + offset))
                return false;
    return true;
}

/* Writes a pattern, then (Write Zeroes or deallocate) over it, then reads it. */
static int write_then(struct suite_case *t, const struct nvme_namespace *ns, uint64_t lba, uint32_t blocks,
                      bool zeroes, struct nvme_region *back, int *read_status)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    struct nvme_controller *c = t->c;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    uint64_t bytes = (uint64_t)blocks * f.block_bytes;
    if (nvme_alloc(c, NVME_MEMORY_HOST, bytes, back) != 0)
        return -1;
    region_fill_pattern(back, lba, f.block_bytes, blocks, fx->run_seed);
    int status = ns_data_io(c, ns, NVME_IO_WRITE, lba, blocks, back, NULL, fx->run_seed);
    if (status == 0)
        status = zeroes ? nvme_write_zeroes(c, ns->nsid, lba, blocks)
                        : nvme_deallocate(c, ns->nsid, lba, blocks);
    if (status != 0)
        return status;
    memset((void *)(uintptr_t)back->cpu, 0xa5, bytes); /* a read that moves nothing shows */
    *read_status = ns_data_io(c, ns, NVME_IO_READ, lba, blocks, back, NULL, fx->run_seed);
    return 0;
}

static void io_write_zeroes(struct suite_case *t)
{
    const struct nvme_namespace *ns;
    if (!allowed_for_writes(t, &ns))
        return;
    if (!(t->c->identity.oncs & NVME_ONCS_WRITE_ZEROES)) {
        report_yaml(t, "oncs", "0x%04x", t->c->identity.oncs);
        report_skip(t, "no_write_zeroes", "ONCS.WZS=0: no Write Zeroes (ONCS 0x%04x)",
                    t->c->identity.oncs);
        return;
    }
    struct ns_data_format f;
    ns_data_format(ns, &f);
    uint32_t blocks = ns_blocks_fitting(t->c, &f, 16u * 1024);
    uint64_t lba = slot_lba(2);
    struct nvme_region back;
    int read_status = -1;
    report_yaml(t, "lbas", "%llu-%llu", (unsigned long long)lba,
                 (unsigned long long)(lba + blocks));
    int status = write_then(t, ns, lba, blocks, true, &back, &read_status);
    bool zero = status == 0 && read_status == 0 && data_is_zero(&back, &f, ns, blocks);
    nvme_free(t->c, &back);
    if (status != 0 || read_status != 0 || !zero) {
        report_yaml(t, "read_status", "%d", read_status);
        report_fail(t, status ? "write or Write Zeroes failed" : read_status
                         ? "read after Write Zeroes failed" : "blocks read back non-zero after "
                         "Write Zeroes");
        return;
    }
    report_pass(t, "%u patterned blocks read back as zeros after "
             "Write Zeroes", blocks);
}

/* Dataset Management deallocation with DULBE on: the spec makes deallocation advisory, so
 * either the blocks stay (old data) or they read back as deallocated (0x0287); anything else
 * (other data, another error) fails. The outcome is a YAML key the scenarios hold against
 * the namespace image. */
static void io_deallocate(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    const struct nvme_namespace *ns;
    if (!allowed_for_writes(t, &ns))
        return;
    struct nvme_controller *c = t->c;
    if (!(c->identity.oncs & NVME_ONCS_DSM)) {
        report_yaml(t, "oncs", "0x%04x", c->identity.oncs);
        report_skip(t, "no_dsm", "ONCS.DSMS=0: no Dataset Management (ONCS 0x%04x)",
                   c->identity.oncs);
        return;
    }
    if (!(ns->identity.features & NVME_NSFEAT_DAE)) {
        report_skip(t, "no_dae", "NSFEAT.DAE=0: the namespace cannot report deallocated blocks");
        return;
    }
    uint32_t previous = 0;
    int status = nvme_get_feature(c, NVME_FEATURE_ERROR_RECOVERY, ns->nsid, &previous);
    if (status == 0)
        status = nvme_set_feature(c, NVME_FEATURE_ERROR_RECOVERY, ns->nsid,
                                  previous | NVME_ERROR_RECOVERY_DULBE, NULL);
    if (status != 0) {
        report_fail(t, "Error Recovery feature (DULBE) could not be set");
        return;
    }
    struct ns_data_format f;
    ns_data_format(ns, &f);
    uint32_t blocks = ns_blocks_fitting(c, &f, 32u * 1024);
    uint64_t lba = slot_lba(3);
    struct nvme_region back;
    int read_status = -1;
    status = write_then(t, ns, lba, blocks, false, &back, &read_status);
    struct pattern_mismatch m;
    bool kept = status == 0 && read_status == 0 &&
                region_check_pattern(&back, lba, f.block_bytes, blocks, fx->run_seed, &m) == 0;
    bool deallocated = status == 0 &&
                       nvme_status_without_flags((uint16_t)read_status) == NVME_STATUS_DEALLOCATED;
    nvme_free(c, &back);
    /* Back as it was, so no later read of an unwritten block fails. */
    int restored = nvme_set_feature(c, NVME_FEATURE_ERROR_RECOVERY, ns->nsid, previous, NULL);
    report_yaml(t, "lbas", "%llu-%llu", (unsigned long long)lba,
                 (unsigned long long)(lba + blocks));
    report_yaml(t, "read_status", "0x%04x", read_status < 0 ? 0xffff : read_status);
    if (status != 0 || restored != 0 || (!kept && !deallocated)) {
        char text[80];
        report_yaml(t, "expected", "the old pattern, or %s",
                     nvme_status_describe(NVME_STATUS_DEALLOCATED, text, sizeof(text)));
        report_fail(t, status ? "write or Dataset Management failed"
                                    : restored ? "DULBE could not be turned off again"
                                               : "a deallocated range read back neither kept "
                                                 "nor reported deallocated");
        return;
    }
    report_yaml(t, "outcome", "%s", deallocated ? "deallocated" : "kept");
    report_pass(t, "%u blocks deallocated with DULBE on: %s",
             blocks, deallocated ? "the read reported Deallocated or Unwritten Logical Block"
                                 : "the controller kept them (deallocation is advisory)");
}

const struct test_case nvme_format_test_cases[] = {
    {"nvme.io.metadata", io_metadata, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.io.protection", io_protection, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.io.write_zeroes", io_write_zeroes, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.io.deallocate", io_deallocate, CASE_PER_NAMESPACE | CASE_NVME},
};
const unsigned nvme_format_test_case_count =
    sizeof(nvme_format_test_cases) / sizeof(nvme_format_test_cases[0]);
