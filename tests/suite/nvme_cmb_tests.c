/* CMB test cases: discovery, where queues, PRP lists and data may live, misuse rejected, copies between controllers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_cmb.h"
#include "lib/range.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_regs.h"
#include "lib/dma_pool.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"

#define CMB_TEST_BLOCKS_BYTES (16u * 1024) /* four pages: enough for a PRP list */

/* Reports SKIP (or FAIL under cmb = require) when c has no usable CMB; true when it has. */
static bool has_cmb(struct suite_case *t)
{
    const struct nvme_controller *c = t->c;
    enum feature_choice wanted = t->ctx->config->cmb;
    if (c->cmb.present)
        return true;
    const char *why = c->cmb.problem[0] ? c->cmb.problem
                      : wanted == FEATURE_OFF ? "cmb = off in the config"
                                              : "CAP.CMBS=0: no CMB";
    if (wanted == FEATURE_REQUIRE || c->cmb.problem[0]) {
        report_fail(t, "no usable CMB: %s", why);
    } else {
        report_skip(t, wanted == FEATURE_OFF ? "cmb_off" : "cmbs_zero", "%s", why);
    }
    return false;
}

/* The CMB's size field must allow what a case puts there. */
static bool cmb_allows(struct suite_case *t, uint32_t bit, const char *name)
{
    if (t->c->cmb.cmbsz & bit)
        return true;
    report_yaml(t, "field", "%s", name);
    report_skip(t, "cmbsz_field_zero", "CMBSZ.%s=0", name);
    return false;
}

static void discover(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!has_cmb(t))
        return;
    const struct nvme_cmb *cmb = &c->cmb;
    char fields[160];
    const struct nvme_register_table *cmbsz = nvme_register_table_named("CMBSZ");
    bitfield_format(cmbsz->fields, cmbsz->field_count, cmb->cmbsz, fields, sizeof(fields));
    report_yaml(t, "scheme", "%s", cmb->legacy ? "legacy" : "cmbmsc");
    report_pass(t, "%s scheme, %llu KiB in BAR%u at 0x%llx, controller address 0x%llx; %s",
               cmb->legacy ? "legacy (pre-1.4)" : "NVMe 1.4 CMBMSC",
               (unsigned long long)(cmb->window.bytes / 1024), cmb->bir,
               (unsigned long long)cmb->window.cpu, (unsigned long long)cmb->window.bus, fields);
}

/* The controller serves any address in [CBA, CBA+size) from its own memory,
 * before translation: host buffers there would be silently misrouted. */
static void window_excludes_host(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!has_cmb(t))
        return;
    const struct nvme_region *w = &c->cmb.window;
    const struct page_pool *pool = dma_pool();
    report_yaml(t, "window", "0x%llx..0x%llx", (unsigned long long)w->bus,
                 (unsigned long long)(w->bus + w->bytes - 1));
    /* The window is the BAR (the machine's); the pool is where the firmware gave it: YAML only. */
    report_yaml(t, "dma_pool", "0x%llx..0x%llx", (unsigned long long)pool->base,
                 (unsigned long long)(pool->base + (uint64_t)pool->pages * PAGE_SIZE - 1));
    if (ranges_overlap(w->bus, w->bytes, pool->base, (uint64_t)pool->pages * PAGE_SIZE)) {
        report_fail(t, "CMB window overlaps the DMA pool");
        return;
    }
    report_pass(t, "window 0x%llx..0x%llx clear of the DMA pool",
                    (unsigned long long)w->bus, (unsigned long long)(w->bus + w->bytes - 1));
}

static bool identify_controller_into(struct nvme_controller *c, uint8_t *page)
{
    if (nvme_identify(c, NVME_IDENTIFY_CONTROLLER, 0) != 0)
        return false;
    memcpy(page, c->identify_page, NVME_IDENTIFY_BYTES);
    return true;
}

static void admin_sq_compare(struct suite_case *t, const struct nvme_placement *host,
                             const struct nvme_placement *cmb, uint8_t *by_host_sq,
                             uint8_t *by_cmb_sq);

/* Identify with the admin SQ in the CMB must return the page a host SQ returned. */
static void admin_sq(struct suite_case *t)
{
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_SQS, "SQS"))
        return;
    struct nvme_placement host = placement_host();
    struct nvme_placement cmb = host;
    cmb.admin_sq = NVME_MEMORY_CMB;
    uint8_t *by_host_sq = malloc(2 * NVME_IDENTIFY_BYTES);
    uint8_t *by_cmb_sq = by_host_sq + NVME_IDENTIFY_BYTES;
    if (!by_host_sq) {
        report_fail(t, "no heap");
        return;
    }
    admin_sq_compare(t, &host, &cmb, by_host_sq, by_cmb_sq);
    free(by_host_sq);
}

static void admin_sq_compare(struct suite_case *t, const struct nvme_placement *host,
                             const struct nvme_placement *cmb, uint8_t *by_host_sq,
                             uint8_t *by_cmb_sq)
{
    struct nvme_controller *c = t->c;
    if (!case_start(t, c, host))
        return;
    if (!identify_controller_into(c, by_host_sq)) {
        report_fail(t, "Identify with the admin SQ in host memory failed");
        return;
    }
    if (!case_start(t, c, cmb))
        return;
    if (!identify_controller_into(c, by_cmb_sq)) {
        report_fail(t, "Identify with the admin SQ in the CMB failed");
        return;
    }
    for (unsigned i = 0; i < NVME_IDENTIFY_BYTES; i++) {
        if (by_host_sq[i] != by_cmb_sq[i]) {
            report_yaml(t, "offset", "%u", i);
            report_yaml(t, "expected", "0x%02x", by_host_sq[i]);
            report_yaml(t, "got", "0x%02x", by_cmb_sq[i]);
            report_fail(t, "Identify differs between admin SQ in host memory and in the CMB");
            return;
        }
    }
    /* Where in the CMB the queue went is the allocator's choice (it depends on the cases that
     * ran before): YAML, so the point's line does not change with the selection. */
    report_yaml(t, "admin_sq_address", "0x%llx", (unsigned long long)c->admin.sq.bus);
    report_pass(t, "admin SQ in the CMB; Identify Controller identical to the "
                    "host-SQ answer");
}

/* The CMB cases' transfer: up to 16 KiB of whole data blocks of the namespace's format,
 * at most one command (MDTS). */
struct cmb_transfer {
    struct ns_data_format f;
    uint32_t blocks;
    uint64_t bytes;
};

static struct cmb_transfer cmb_transfer(const struct nvme_controller *c,
                                        const struct nvme_namespace *ns)
{
    struct cmb_transfer x;
    ns_data_format(ns, &x.f);
    x.blocks = ns_blocks_fitting(c, &x.f, CMB_TEST_BLOCKS_BYTES);
    x.bytes = (uint64_t)x.blocks * x.f.block_bytes;
    return x;
}

/* Reads the transfer at `lba` into a fresh host buffer; 0 on success. */
static int read_into_host(struct nvme_controller *c, const struct nvme_namespace *ns, uint64_t lba,
                          const struct cmb_transfer *x, uint64_t seed, struct nvme_region *out)
{
    if (nvme_alloc(c, NVME_MEMORY_HOST, x->bytes, out) != 0)
        return -1;
    if (ns_data_io(c, ns, NVME_IO_READ, lba, x->blocks, out, NULL, seed) != 0) {
        nvme_free(c, out);
        return -1;
    }
    return 0;
}

/* Writes this run's pattern to the CMB test LBAs where allowed, so later
 * comparisons are against data nobody could have left there. */
static bool seed_cmb_area(const struct suite_context *ctx, struct nvme_controller *c,
                          const struct nvme_namespace *ns)
{
    const struct nvme_fixture *fx = ctx->nvme;
    char why[160];
    if (ns_data_refusal(ctx, c, ns, true, why, sizeof(why)))
        return false;
    struct cmb_transfer x = cmb_transfer(c, ns);
    struct nvme_region staging;
    if (!x.blocks || nvme_alloc(c, NVME_MEMORY_HOST, x.bytes, &staging) != 0)
        return false;
    region_fill_pattern(&staging, LBA_AREA_CMB, x.f.block_bytes, x.blocks, fx->run_seed);
    bool ok = ns_data_io(c, ns, NVME_IO_WRITE, LBA_AREA_CMB, x.blocks, &staging, NULL,
                         fx->run_seed) == 0;
    nvme_free(c, &staging);
    return ok;
}

/* Runs one placement and compares a read through it with the reference read. */
static void placement_read_matches(struct suite_case *t, const struct nvme_placement *p,
                                   const char *what)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    struct nvme_placement host = placement_host();
    if (!case_start(t, c, &host))
        return;
    const struct nvme_namespace *ns = nvme_test_namespace_or_skip(t, c, false);
    if (!ns)
        return;
    uint32_t nsid = ns->nsid;
    struct cmb_transfer x = cmb_transfer(c, ns);
    struct nvme_region reference, through;
    bool patterned = seed_cmb_area(t->ctx, c, ns);
    if (read_into_host(c, ns, LBA_AREA_CMB, &x, fx->run_seed, &reference) != 0) {
        report_fail(t, "reference read with host queues failed");
        return;
    }
    if (!case_start(t, c, p) || !(ns = nvme_namespace_by_nsid(c, nsid))) {
        nvme_free(c, &reference);
        return;
    }
    if (read_into_host(c, ns, LBA_AREA_CMB, &x, fx->run_seed, &through) != 0) {
        nvme_free(c, &reference);
        report_fail(t, "read with %s failed", what);
        return;
    }
    int64_t differs = region_compare(&reference, &through, x.bytes);
    struct pattern_mismatch m;
    bool pattern_bad = patterned && region_check_pattern(&through, LBA_AREA_CMB, x.f.block_bytes,
                                                         x.blocks, fx->run_seed, &m) != 0;
    nvme_free(c, &reference);
    nvme_free(c, &through);
    if (differs >= 0 || pattern_bad) {
        if (differs >= 0)
            report_yaml(t, "first_difference", "byte %lld", (long long)differs);
        if (pattern_bad)
            yaml_add_mismatch(t, &m);
        report_fail(t, "data read with %s does not match", what);
        return;
    }
    char why[160] = "";
    ns_data_refusal(t->ctx, c, ns, true, why, sizeof(why));
    report_pass(t, "%s: nsid %u, %u blocks at LBA %u match the host-queue read%s%s%s",
               what, nsid, x.blocks, LBA_AREA_CMB, patterned ? " and this run's pattern" : " (",
               patterned ? "" : why, patterned ? "" : ")");
}

static void io_sq(struct suite_case *t)
{
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_SQS, "SQS"))
        return;
    struct nvme_placement p = placement_host();
    p.io_sq = NVME_MEMORY_CMB;
    placement_read_matches(t, &p, "I/O SQ in the CMB");
}

static void io_cq(struct suite_case *t)
{
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_CQS, "CQS"))
        return;
    struct nvme_placement p = placement_host();
    p.io_cq = NVME_MEMORY_CMB;
    placement_read_matches(t, &p, "I/O CQ in the CMB");
}

/* Starts c with its default placement and picks the namespace for a CMB data case. */
static const struct nvme_namespace *cmb_case_namespace(struct suite_case *t, bool writes)
{
    struct nvme_placement p = placement_default(t->ctx, t->c);
    if (!case_start(t, t->c, &p))
        return NULL;
    return nvme_test_namespace_or_skip(t, t->c, writes);
}

/* A read whose PRP list lives in the CMB while the data pages are host memory. */
static void prp_list(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_LISTS, "LISTS"))
        return;
    const struct nvme_namespace *ns = cmb_case_namespace(t, false);
    if (!ns)
        return;
    struct cmb_transfer x = cmb_transfer(c, ns);
    struct nvme_region reference, data_pages, list;
    if (read_into_host(c, ns, LBA_AREA_CMB, &x, fx->run_seed, &reference) != 0) {
        report_fail(t, "reference read failed");
        return;
    }
    /* 512 bytes into its first page, the buffer touches three pages even when MDTS caps the
     * transfer at 8 KiB: PRP2 must then point at a list. */
    if (nvme_alloc(c, NVME_MEMORY_HOST, x.bytes + PAGE_SIZE, &data_pages) != 0 ||
        nvme_alloc(c, NVME_MEMORY_CMB, PAGE_SIZE, &list) != 0) {
        nvme_free(c, &reference);
        report_fail(t, "cannot allocate the buffers");
        return;
    }
    struct nvme_region data = nvme_region_slice(&data_pages, 512, x.bytes);
    int status = ns_data_io(c, ns, NVME_IO_READ, LBA_AREA_CMB, x.blocks, &data, &list,
                            fx->run_seed);
    int64_t differs = status == 0 ? region_compare(&reference, &data, x.bytes) : -1;
    uint64_t list_bus = list.bus;
    unsigned pages = (unsigned)((512 + x.bytes - 1) / PAGE_SIZE + 1);
    nvme_free(c, &reference);
    nvme_free(c, &data_pages);
    nvme_free(c, &list);
    if (status != 0 || differs >= 0) {
        report_yaml(t, "prp_list", "0x%llx", (unsigned long long)list_bus);
        if (differs >= 0)
            report_yaml(t, "first_difference", "byte %lld", (long long)differs);
        report_fail(t, status ? "read with a PRP list in the CMB failed"
                                    : "read with a PRP list in the CMB returned other data");
        return;
    }
    /* An allocation in the CMB: its address is YAML, not part of the point's line. */
    report_yaml(t, "prp_list_address", "0x%llx", (unsigned long long)list_bus);
    report_pass(t, "a PRP list in the CMB described %u host pages; data matches",
                    pages - 1);
}

/* WDS: the controller writes read data into its own CMB. */
static void read_into_cmb(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_WDS, "WDS"))
        return;
    const struct nvme_namespace *ns = cmb_case_namespace(t, false);
    if (!ns)
        return;
    struct cmb_transfer x = cmb_transfer(c, ns);
    struct nvme_region reference, in_cmb, list;
    if (read_into_host(c, ns, LBA_AREA_CMB, &x, fx->run_seed, &reference) != 0) {
        report_fail(t, "reference read failed");
        return;
    }
    /* All of a command's data must be in the CMB, PRP list (and metadata) included. */
    if (nvme_alloc(c, NVME_MEMORY_CMB, x.bytes, &in_cmb) != 0 ||
        nvme_alloc(c, NVME_MEMORY_CMB, PAGE_SIZE, &list) != 0) {
        nvme_free(c, &reference);
        report_fail(t, "cannot allocate in the CMB");
        return;
    }
    int status = ns_data_io(c, ns, NVME_IO_READ, LBA_AREA_CMB, x.blocks, &in_cmb, &list,
                            fx->run_seed);
    int64_t differs = status == 0 ? region_compare(&reference, &in_cmb, x.bytes) : -1;
    uint64_t where = in_cmb.bus;
    nvme_free(c, &reference);
    nvme_free(c, &in_cmb);
    nvme_free(c, &list);
    if (status != 0 || differs >= 0) {
        if (differs >= 0)
            report_yaml(t, "first_difference", "byte %lld", (long long)differs);
        report_fail(t, status ? "read into the CMB failed" : "CMB holds other data");
        return;
    }
    report_yaml(t, "address", "0x%llx", (unsigned long long)where); /* the CMB allocator's */
    report_pass(t, "%llu bytes read into the CMB match the host read",
                    (unsigned long long)x.bytes);
}

/* RDS: the controller takes write data from its own CMB. */
static void write_from_cmb(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!has_cmb(t) || !cmb_allows(t, NVME_CMBSZ_RDS, "RDS"))
        return;
    const struct nvme_namespace *ns = cmb_case_namespace(t, true);
    if (!ns)
        return;
    struct cmb_transfer x = cmb_transfer(c, ns);
    uint64_t lba = LBA_AREA_CMB + x.blocks; /* next to the area the read cases use */
    uint64_t seed = fx->run_seed ^ 0xc3b;
    struct nvme_region in_cmb, list, back;
    if (nvme_alloc(c, NVME_MEMORY_CMB, x.bytes, &in_cmb) != 0 ||
        nvme_alloc(c, NVME_MEMORY_CMB, PAGE_SIZE, &list) != 0) {
        report_fail(t, "cannot allocate in the CMB");
        return;
    }
    region_fill_pattern(&in_cmb, lba, x.f.block_bytes, x.blocks, seed);
    int status = ns_data_io(c, ns, NVME_IO_WRITE, lba, x.blocks, &in_cmb, &list, seed);
    uint64_t where = in_cmb.bus;
    nvme_free(c, &in_cmb);
    nvme_free(c, &list);
    if (status != 0 || read_into_host(c, ns, lba, &x, seed, &back) != 0) {
        report_fail(t, "write from the CMB or the read back failed");
        return;
    }
    struct pattern_mismatch m;
    int bad = region_check_pattern(&back, lba, x.f.block_bytes, x.blocks, seed, &m);
    nvme_free(c, &back);
    if (bad) {
        yaml_add_mismatch(t, &m);
        report_fail(t, "data written from the CMB reads back wrong");
        return;
    }
    report_yaml(t, "address", "0x%llx", (unsigned long long)where); /* the CMB allocator's */
    report_pass(t, "%llu bytes written from the CMB read back with this run's "
                    "pattern", (unsigned long long)x.bytes);
}

/* PRP1 in the CMB and PRP2 in host memory: NVMe forbids mixing, the controller must refuse. */
static void mixed_prp_rejected(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    if (!has_cmb(t))
        return;
    const struct nvme_namespace *ns = cmb_case_namespace(t, false);
    if (!ns)
        return;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    /* Two pages of CMB, so that the driver builds PRP1 + PRP2; PRP2 is then swapped for a
     * host page. */
    uint32_t blocks = ns_blocks_fitting(c, &f, 2 * PAGE_SIZE);
    struct nvme_region first, second, metadata = {0};
    if (nvme_alloc(c, NVME_MEMORY_CMB, 2 * PAGE_SIZE, &first) != 0 ||
        nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &second) != 0) {
        report_fail(t, "cannot allocate the buffers");
        return;
    }
    struct nvme_command read;
    struct nvme_completion cpl;
    int status = -1;
    uint64_t bytes = (uint64_t)blocks * f.block_bytes;
    if (blocks && (PAGE_SIZE < bytes) &&
        ns_data_prepare(c, ns, NVME_IO_READ, LBA_AREA_CMB, blocks, &first, NULL, &metadata,
                        &read) == 0) {
        read.prp2 = second.bus;
        status = nvme_submit_and_wait(c, &c->io, &read, &cpl);
    } else if (!blocks || bytes <= PAGE_SIZE) {
        snprintf(c->error, sizeof(c->error), "%u blocks of %u bytes do not span two pages", blocks,
                 f.block_bytes);
    }
    nvme_free(c, &first);
    nvme_free(c, &second);
    nvme_free(c, &metadata);
    char text[80];
    report_yaml(t, "expected", "Invalid Use of Controller Memory Buffer (SCT 0 SC 0x12)");
    report_yaml(t, "got", "%s", status < 0 ? c->error : nvme_status_describe((uint16_t)status, text, sizeof(text)));
    if (status < 0 || nvme_status_without_flags((uint16_t)status) != NVME_STATUS_INVALID_USE_OF_CMB) {
        report_fail(t, "PRP1 in the CMB with PRP2 in host memory was not refused as it must be");
        return;
    }
    report_pass(t, "PRP1 in the CMB + PRP2 in host memory refused: %s",
               nvme_status_describe((uint16_t)status, text, sizeof(text)));
}

/* A reads into its CMB; B writes straight from A's CMB (peer-to-peer); B's data must match A's. */
static void copy_between_controllers(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    struct nvme_controller *a = NULL, *b = NULL;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!fx->attached[i] || controller_start(c, &(struct nvme_placement){0}) != 0)
            continue;
        if (!a && c->cmb.present && (c->cmb.cmbsz & NVME_CMBSZ_WDS) &&
            nvme_test_namespace(t->ctx, c, false))
            a = c;
        else if (!b && nvme_test_namespace(t->ctx, c, true))
            b = c;
    }
    if (!a) {
        report_skip(t, "no_cmb_reader",
                    "no controller has a CMB that takes read data (CAP.CMBS=0 or "
                    "CMBSZ.WDS=0 everywhere) and a namespace to read");
        return;
    }
    report_subject(t, a, 0);
    if (!b) {
        report_skip(t, "no_writable_peer",
                    "no second controller with a conventional namespace whose "
                   "serial allow_write names");
        return;
    }
    if (b->mapper) {
        /* B's DMA goes through its IOMMU domain, where A's raw BAR address means nothing. */
        report_skip(t, "translated",
                    "%s's DMA is translated: the IOMMU version is vtd.p2p.cmb_copy",
                   b->name);
        return;
    }
    const struct nvme_namespace *ns_a = nvme_test_namespace(t->ctx, a, false);
    const struct nvme_namespace *ns_b = nvme_test_namespace(t->ctx, b, true);
    struct cmb_transfer ta = cmb_transfer(a, ns_a), tb = cmb_transfer(b, ns_b);
    char fa[64], fb[64];
    if (ta.f.block_bytes != tb.f.block_bytes || ta.f.metadata_bytes || tb.f.metadata_bytes ||
        ta.blocks != tb.blocks) {
        report_skip(t, "formats_differ", "formats differ or carry separate metadata (%s and %s)",
                   nvme_format_describe(&ns_a->identity, fa, sizeof(fa)),
                   nvme_format_describe(&ns_b->identity, fb, sizeof(fb)));
        return;
    }
    struct nvme_region reference, in_a, list_a, back;
    if (read_into_host(a, ns_a, LBA_AREA_CMB, &ta, fx->run_seed, &reference) != 0) {
        report_fail(t, "reference read on A failed");
        return;
    }
    if (nvme_alloc(a, NVME_MEMORY_CMB, ta.bytes, &in_a) != 0 ||
        nvme_alloc(a, NVME_MEMORY_CMB, PAGE_SIZE, &list_a) != 0) {
        nvme_free(a, &reference);
        report_fail(t, "cannot allocate in A's CMB");
        return;
    }
    int status = ns_data_io(a, ns_a, NVME_IO_READ, LBA_AREA_CMB, ta.blocks, &in_a, &list_a,
                            fx->run_seed);
    /* B addresses A's CMB by A's bus address: to B that is ordinary (peer) memory,
     * so B's PRP list may sit in host memory (NULL: the driver picks a host page). */
    if (status == 0)
        status = ns_data_io(b, ns_b, NVME_IO_WRITE, LBA_AREA_COPY, tb.blocks, &in_a, NULL,
                            fx->run_seed);
    int back_status = status == 0 ? read_into_host(b, ns_b, LBA_AREA_COPY, &tb, fx->run_seed,
                                                   &back) : -1;
    int64_t differs = back_status == 0 ? region_compare(&reference, &back, ta.bytes) : -1;
    report_yaml(t, "source", "%s CMB 0x%llx", a->name, (unsigned long long)in_a.bus);
    nvme_free(a, &in_a);
    nvme_free(a, &list_a);
    nvme_free(a, &reference);
    if (back_status == 0)
        nvme_free(b, &back);
    if (status != 0 || back_status != 0 || differs >= 0) {
        if (differs >= 0)
            report_yaml(t, "first_difference", "byte %lld", (long long)differs);
        if (status != 0 && b->error[0]) { /* B's command failed: the point is B's */
            report_subject_end(t);
            report_subject(t, b, 0);
        }
        report_fail(t, "copy from A's CMB to B did not arrive intact");
        return;
    }
    report_yaml(t, "source_controller", "%s", a->name);
    report_yaml(t, "target_controller", "%s", b->name);
    report_yaml(t, "target_lba", "%u", LBA_AREA_COPY);
    report_pass(t, "%u KiB read into %s's CMB, written by %s straight from it "
                    "to LBA %u, read back identical", (unsigned)(ta.bytes / 1024), a->name, b->name, LBA_AREA_COPY);
}

const struct test_case nvme_cmb_test_cases[] = {
    {"nvme.cmb.discover", discover, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.window_excludes_host", window_excludes_host, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.admin_sq", admin_sq, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.io_sq", io_sq, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.cq", io_cq, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.prp_list", prp_list, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.read_into_cmb", read_into_cmb, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.write_from_cmb", write_from_cmb, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.mixed_prp_rejected", mixed_prp_rejected, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.cmb.copy_between_controllers", copy_between_controllers, CASE_NVME},
};
const unsigned nvme_cmb_test_case_count = sizeof(nvme_cmb_test_cases) / sizeof(nvme_cmb_test_cases[0]);
