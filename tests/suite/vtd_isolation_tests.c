/* VT-d isolation cases: DMA to unmapped, read-only, stale and foreign IOVAs faults and leaves a canary untouched; other devices still reach RAM. */
#include <stdio.h>
#include <string.h>

#include "drivers/vtd/vtd_regs.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/vtd_fixture.h"
#include "tests/suite/vtd_probe.h"

/* The isolation verdict on the current subject: the fault was recorded and the canary stayed. */
static void report_isolation(struct suite_case *t, bool faulted, bool intact, const char *fault,
                             const char *what)
{
    if (faulted && intact) {
        report_pass(t, "%s: %s; canary page untouched", what, fault);
        return;
    }
    vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
    report_fail(t, "%s: %s", what, !faulted ? "no matching fault record" : "the canary page was written");
}

/* DMA to an IOVA nobody mapped, chosen equal to a canary's physical address:
 * without translation the data would land in the canary. */
static void unmapped_iova(struct suite_case *t)
{
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 1))
        return;
    for (unsigned i = 0; i < subjects.count; i++) {
        struct nvme_controller *c = subjects.c[i];
        struct canary k;
        char fault[160];
        report_subject(t, c, 0);
        if (!canary_make(t, &k)) {
            report_fail(t, "no DMA memory for a canary");
        } else {
            int status = dma_write_probe(t->ctx, c, k.physical);
            report_yaml(t, "nvme_status", "%d (QEMU completes blocked DMA with 0)", status);
            bool faulted = expect_fault(t, subjects.b[i], k.physical, fault, sizeof(fault));
            report_isolation(t, faulted, canary_intact(&k), fault,
                             "read into unmapped IOVA = canary's physical address");
            canary_free(&k);
        }
        report_subject_end(t);
    }
}

static void read_only_one(struct suite_case *t, struct nvme_controller *c, struct vtd_binding *b)
{
    struct canary k = {0};
    char fault[160];
    uint64_t iova = 0;
    if (!canary_make(t, &k) || !(iova = vtd_map(b->domain, k.physical, PAGE_SIZE, VTD_PTE_READ))) {
        canary_free(&k);
        report_fail(t, "cannot set up a read-only mapping");
        return;
    }
    /* First show the mapping exists (a device read through it works), so the
     * write's fault is about permission, not about a missing page. */
    bool readable = can_probe_reads(c) && dma_read_succeeds(t, c, iova);
    /* The read left a cached translation; QEMU then blocks the write silently
     * from its IOTLB, without a fault record. Flushing that page makes the
     * write be judged from the table, as hardware would record it. */
    vtd_invalidate_iotlb(b->domain, iova, PAGE_SIZE);
    dma_write_probe(t->ctx, c, iova);
    bool faulted = expect_fault(t, b, iova, fault, sizeof(fault));
    vtd_unmap(b->domain, iova, PAGE_SIZE);
    if (can_probe_reads(c) && !readable) {
        vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
        report_fail(t, "the read-only mapping did not let the device read");
    } else {
        report_isolation(t, faulted, canary_intact(&k), fault,
                         can_probe_reads(c)
                             ? "a device read through a read-only mapping worked, its write"
                             : "device write to a read-only mapping (no Compare command to "
                               "show the read side)");
    }
    canary_free(&k);
}

static void read_only_mapping(struct suite_case *t)
{
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 1))
        return;
    for (unsigned i = 0; i < subjects.count; i++) {
        report_subject(t, subjects.c[i], 0);
        read_only_one(t, subjects.c[i], subjects.b[i]);
        report_subject_end(t);
    }
}

static void stale_one(struct suite_case *t, struct nvme_controller *c, struct vtd_binding *b,
                      const char *mode)
{
    struct canary k = {0};
    char fault[160];
    uint64_t iova = 0;
    if (!canary_make(t, &k) ||
        !(iova = vtd_map(b->domain, k.physical, PAGE_SIZE, VTD_PTE_READ | VTD_PTE_WRITE))) {
        canary_free(&k);
        report_fail(t, "cannot map a page");
        return;
    }
    int status = dma_write_probe(t->ctx, c, iova);
    bool arrived = status == 0 && !canary_intact(&k);
    canary_refill(&k);
    int unmapped = vtd_unmap(b->domain, iova, PAGE_SIZE);
    dma_write_probe(t->ctx, c, iova);
    bool faulted = expect_fault(t, b, iova, fault, sizeof(fault));
    bool intact = canary_intact(&k);
    canary_free(&k);
    if (!arrived || unmapped != 0) {
        vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
        report_fail(t, arrived ? "%s invalidation failed" : "the mapped page never "
                    "received the data (%s invalidation)", mode);
        return;
    }
    char what[80];
    snprintf(what, sizeof(what), "data arrived while mapped; after unmap + %s invalidation", mode);
    report_isolation(t, faulted, intact, fault, what);
}

/* Map, use, unmap + invalidate, use again: the second use must fault. */
static void stale_translation(struct suite_case *t, enum vtd_invalidation how)
{
    struct vtd_unit *u = &t->ctx->vtd->unit;
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 1))
        return;
    const char *mode = how == VTD_INVALIDATE_QUEUED ? "queued" : "register-based";
    if (vtd_use_invalidation(u, how) != 0) {
        if (how == VTD_INVALIDATE_QUEUED && !vtd_ECAP_QI(u->ecap)) {
            report_skip(t, "no_qi", "ECAP.QI=0: the unit has no queued invalidation");
            return;
        }
        vtd_yaml_add_unit(t, u);
        report_fail(t, "cannot switch to %s invalidation", mode);
        return;
    }
    for (unsigned i = 0; i < subjects.count; i++) {
        report_subject(t, subjects.c[i], 0);
        stale_one(t, subjects.c[i], subjects.b[i], mode);
        report_subject_end(t);
    }
    if (vtd_use_invalidation(u, VTD_INVALIDATE_REGISTER) != 0)
        tap_diag("vtd: could not return to register-based invalidation: %s", u->error);
}

static void stale_register(struct suite_case *t)
{
    stale_translation(t, VTD_INVALIDATE_REGISTER);
}

static void stale_queued(struct suite_case *t)
{
    stale_translation(t, VTD_INVALIDATE_QUEUED);
}

/* B uses an IOVA that is mapped only in A's domain: B must fault, A's page stay as it was. */
static void other_domain(struct suite_case *t)
{
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 2))
        return;
    unsigned a = 0, b = 1;
    while (b < subjects.count && subjects.b[b]->domain == subjects.b[a]->domain)
        b++;
    if (b == subjects.count) {
        report_skip(t, "one_domain", "all translated controllers share one domain (one source ID)");
        return;
    }
    struct nvme_controller *ca = subjects.c[a], *cb = subjects.c[b];
    struct vtd_domain *da = subjects.b[a]->domain;
    struct canary k = {0};
    char fault[160];
    uint64_t iova = 0;
    if (!canary_make(t, &k) ||
        !(iova = vtd_map(da, k.physical, PAGE_SIZE, VTD_PTE_READ | VTD_PTE_WRITE))) {
        canary_free(&k);
        report_subject(t, cb, 0);
        report_fail(t, "cannot map a page in A's domain");
        report_subject_end(t);
        return;
    }
    report_yaml(t, "a", "%s domain %u maps IOVA 0x%llx", ca->name, da->id, (unsigned long long)iova);
    /* A can use the IOVA (shown by a read), B, in another domain, cannot. */
    bool a_reads = can_probe_reads(ca) && dma_read_succeeds(t, ca, iova);
    dma_write_probe(t->ctx, cb, iova);
    bool faulted = expect_fault(t, subjects.b[b], iova, fault, sizeof(fault));
    vtd_unmap(da, iova, PAGE_SIZE);
    if (can_probe_reads(ca) && !a_reads) {
        report_subject(t, ca, 0);
        vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
        report_fail(t, "A could not use its own IOVA");
    } else {
        report_subject(t, cb, 0);
        report_isolation(t, faulted, canary_intact(&k), fault,
                         can_probe_reads(ca) ? "A read through the IOVA in its domain; B's DMA to it"
                                             : "B's DMA to an IOVA of A's domain");
    }
    report_subject_end(t);
    canary_free(&k);
}

/* What every non-NVMe device in scope gets (pass-through, or the identity domain)
 * must let DMA reach RAM at its physical address: lend that context to one NVMe
 * controller for a moment and have it write a page by physical address. */
static void others_reach_ram(struct suite_case *t)
{
    struct vtd_state *s = t->ctx->vtd;
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 1))
        return;
    struct nvme_controller *c = subjects.c[0];
    struct vtd_binding *b = subjects.b[0];
    const char *what = s->identity ? "the identity domain" : "pass-through";
    struct canary k;
    report_subject(t, c, 0);
    if (!canary_make(t, &k)) {
        report_fail(t, "no DMA memory for a target page");
        report_subject_end(t);
        return;
    }
    /* The controller's queues must be addressable under the lent context too:
     * stop it, move it to physical addresses, lend, run, stop, and undo. */
    struct nvme_placement p = c->placement;
    int lent = nvme_set_dma_mapper(c, NULL);
    if (lent == 0)
        lent = vtd_set_context(&s->unit, b->requester_id, s->identity);
    int status = lent == 0 ? nvme_start(c, &p) : -1;
    if (status == 0)
        status = dma_write_probe(t->ctx, c, k.physical);
    bool arrived = status == 0 && !canary_intact(&k);
    int restored = nvme_shutdown(c);
    if (vtd_set_context(&s->unit, b->requester_id, b->domain) != 0 || vtd_translate(c, b) != 0)
        restored = -1;
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&s->unit, faults, MAX_FAULTS);
    canary_free(&k);
    report_yaml(t, "context", "%s for SID 0x%04x", what, b->requester_id);
    report_yaml(t, "lent_context", "%s", s->identity ? "identity" : "pass-through");
    yaml_add_faults(t, faults, n);
    if (lent != 0 || restored != 0 || !arrived || n) {
        vtd_yaml_add_unit(t, &s->unit);
        report_fail(t, "DMA by physical address under %s did not reach RAM cleanly", what);
    } else {
        /* The page's address is in the YAML (canary_physical), not on the point's line. */
        report_pass(t, "with the context other devices have (%s), a read landed in a RAM page "
                    "by its physical address with no fault; own domain restored", what);
    }
    report_subject_end(t);
}

const struct test_case vtd_isolation_test_cases[] = {
    {"vtd.isolation.unmapped_iova", unmapped_iova, CASE_NEEDS_VTD},
    {"vtd.isolation.read_only", read_only_mapping, CASE_NEEDS_VTD},
    {"vtd.isolation.stale_register", stale_register, CASE_NEEDS_VTD},
    {"vtd.isolation.stale_queued", stale_queued, CASE_NEEDS_VTD},
    {"vtd.isolation.other_domain", other_domain, CASE_NEEDS_VTD},
    {"vtd.scope.others_reach_ram", others_reach_ram, CASE_NEEDS_VTD},
};
const unsigned vtd_isolation_test_case_count =
    sizeof(vtd_isolation_test_cases) / sizeof(vtd_isolation_test_cases[0]);
