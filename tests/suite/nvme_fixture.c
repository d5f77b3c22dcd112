/* NVMe fixture: attach and describe every controller, start them as cases need, shut them all down. */
#include "tests/suite/nvme_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_describe.h"
#include "drivers/nvme/nvme_pmr.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"

/* One line per register, each field with what its value means (nvme show-regs -H). */
static void print_registers(const struct nvme_controller *c)
{
    nvme_describe_registers(c, tap_diag);
}

int nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                       const struct config *cfg, uint64_t seed, char why[120])
{
    memset(fx, 0, sizeof(*fx));
    fx->run_seed = seed;
    unsigned total = 0;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (nvme_is_controller(f) && f->left_alone)
            fx->left_alone++;
        else
            total += nvme_is_controller(f);
    }
    if (!total)
        return 0;
    fx->controllers = calloc(total, sizeof(*fx->controllers));
    fx->attached = calloc(total, sizeof(*fx->attached));
    fx->start_failures = calloc(total, sizeof(*fx->start_failures));
    for (unsigned i = 0; fx->controllers && fx->attached && fx->start_failures && i < total; i++)
        if (!(fx->controllers[i] = calloc(1, sizeof(struct nvme_controller))))
            break;
    if (!fx->controllers || !fx->attached || !fx->start_failures || !fx->controllers[total - 1]) {
        snprintf(why, 120, "no heap for %u NVMe controllers (%zu bytes each)", total,
                 sizeof(struct nvme_controller));
        fx->count = 0;
        return -1;
    }
    for (unsigned i = 0; i < inv->count; i++) {
        const struct pci_function *f = &inv->functions[i];
        /* Left alone at the user's word (config devices): never attached, never reset. */
        if (!nvme_is_controller(f) || f->left_alone)
            continue;
        unsigned slot = fx->count++;
        struct nvme_controller *c = fx->controllers[slot];
        fx->attached[slot] = nvme_attach(c, f, inv) == 0;
        if (!fx->attached[slot]) {
            tap_diag("nvme %s cannot be attached: %s", c->name, c->error);
            continue;
        }
        /* Registers as found, before CMBMSC or PMRCTL are touched. */
        tap_diag("nvme %s firmware left CC 0x%08x CSTS 0x%08x; registers as found:", c->name,
                 c->firmware_cc, c->firmware_csts);
        print_registers(c);
        if (cfg->cmb != FEATURE_OFF && nvme_cmb_setup(c) != 0)
            tap_diag("nvme %s CMB unusable: %s", c->name, c->cmb.problem);
        if (cfg->pmr != FEATURE_OFF && nvme_pmr_setup(c) != 0)
            tap_diag("nvme %s PMR unusable: %s", c->name, c->pmr.problem);
    }
    return 0;
}

unsigned nvme_fixture_teardown(struct suite_context *ctx, void (*report_line)(const char *line),
                               bool as_test_points)
{
    struct nvme_fixture *fx = ctx->nvme;
    struct suite_case t;
    report_begin(&t, ctx, "nvme.controller.shutdown");
    unsigned failures = 0;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!fx->attached[i])
            continue;
        bool was_started = c->started;
        char line[256];
        if (nvme_shutdown(c) != 0) {
            failures++;
            if (as_test_points) {
                report_subject(&t, c, 0);
                report_fail(&t, "shutdown before exit failed");
                report_subject_end(&t);
            } else if (report_line) {
                snprintf(line, sizeof(line), "nvme %s shutdown failed: %s", c->name, c->error);
                report_line(line);
            }
        } else if (report_line && was_started) {
            snprintf(line, sizeof(line), "nvme %s shut down (CSTS.SHST complete, CC.EN=0)",
                     c->name);
            report_line(line);
        }
    }
    return failures;
}

struct nvme_placement placement_host(void)
{
    return (struct nvme_placement){NVME_MEMORY_HOST, NVME_MEMORY_HOST, NVME_MEMORY_HOST};
}

struct nvme_placement placement_default(const struct suite_context *ctx,
                                        const struct nvme_controller *c)
{
    struct nvme_placement p = placement_host();
    if (ctx->config->cmb != FEATURE_OFF && c->cmb.present && (c->cmb.cmbsz & NVME_CMBSZ_SQS))
        p.admin_sq = p.io_sq = NVME_MEMORY_CMB;
    return p;
}

int controller_start(struct nvme_controller *c, const struct nvme_placement *placement)
{
    if (c->started && memcmp(&c->placement, placement, sizeof(*placement)) == 0)
        return 0;
    return nvme_start(c, placement);
}

static struct nvme_start_failure *start_failure_of(const struct nvme_fixture *fx,
                                                   const struct nvme_controller *c)
{
    for (unsigned i = 0; i < fx->count; i++)
        if (fx->controllers[i] == c)
            return &fx->start_failures[i];
    return NULL;
}

bool write_allowed(const struct suite_context *ctx, const struct nvme_controller *c)
{
    return c->identity.serial[0] && pattern_list_matches(&ctx->config->allow_write, c->identity.serial);
}

void write_refusal_keys(struct suite_case *t, const struct nvme_controller *c, const char *what)
{
    report_yaml(t, "serial", "%s", c->identity.serial);
    report_yaml(t, "denied", "%s", what);
}

bool case_write_allowed(struct suite_case *t, const struct nvme_controller *c, const char *what)
{
    if (write_allowed(t->ctx, c))
        return true;
    write_refusal_keys(t, c, what);
    report_skip(t, "allow_write", "allow_write does not name serial %s: no %s",
                c->identity.serial, what);
    return false;
}

/* The fixture, or a SKIP (and false) when there is no controller at all. */
static bool controllers_or_skip(struct suite_case *t)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (fx->count)
        return true;
    if (fx->left_alone) {
        report_yaml(t, "found_count", "%u", fx->left_alone);
        report_skip(t, "devices_none_selected",
                    "config devices selects none of the %u NVMe controllers found", fx->left_alone);
    } else {
        report_skip(t, "no_nvme", "no NVMe controller (class 01:08:02) found");
    }
    return false;
}

/* Controller i is usable, or the point fails on it with the attach error. */
static bool attached_or_fail(struct suite_case *t, unsigned i)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (fx->attached[i])
        return true;
    struct nvme_controller *c = fx->controllers[i];
    report_prefix_push(t, "%s", c->name);
    report_yaml(t, "error", "%s", c->error);
    report_fail(t, "controller could not be attached");
    report_prefix_pop(t);
    return false;
}

void nvme_fixture_each_controller(struct suite_case *t, void (*run)(struct suite_case *t))
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!controllers_or_skip(t))
        return;
    for (unsigned i = 0; i < fx->count; i++) {
        if (!attached_or_fail(t, i))
            continue;
        report_subject(t, fx->controllers[i], 0);
        run(t);
        report_reset(t);
    }
}

static bool start_or_report(struct suite_case *t, struct nvme_controller *c,
                            const struct nvme_placement *placement);

bool case_start(struct suite_case *t, struct nvme_controller *c,
                const struct nvme_placement *placement)
{
    if (t->c == c && !t->nsid)
        return start_or_report(t, c, placement);
    /* A start problem is the controller's, whatever the case's subject: its point names the
     * controller alone ("00:03.0", not "00:03.0 nsid 1"). */
    struct nvme_controller *subject = t->c;
    uint32_t nsid = t->nsid;
    if (subject)
        report_subject_end(t);
    report_subject(t, c, 0);
    bool started = start_or_report(t, c, placement);
    report_subject_end(t);
    if (subject)
        report_subject(t, subject, nsid);
    return started;
}

static bool start_or_report(struct suite_case *t, struct nvme_controller *c,
                            const struct nvme_placement *placement)
{
    struct nvme_start_failure *earlier = start_failure_of(t->ctx->nvme, c);
    bool same = earlier && earlier->failed &&
                memcmp(&earlier->placement, placement, sizeof(*placement)) == 0;
    if (same && !(c->started && memcmp(&c->placement, placement, sizeof(*placement)) == 0)) {
        report_skip(t, "start_failed_earlier",
                    "the controller failed to start with this placement earlier: %s",
                    earlier->reason);
        return false;
    }
    if (controller_start(c, placement) == 0)
        return true;
    if (earlier) {
        earlier->failed = true;
        earlier->placement = *placement;
        snprintf(earlier->reason, sizeof(earlier->reason), "%s", c->error);
    }
    report_yaml(t, "placement", "admin SQ %s, I/O SQ %s, I/O CQ %s",
                nvme_memory_kind_name(placement->admin_sq), nvme_memory_kind_name(placement->io_sq),
                nvme_memory_kind_name(placement->io_cq));
    report_fail(t, "controller did not start; it was stopped (CC.EN=0)");
    return false;
}

const struct nvme_namespace *case_start_namespace(struct suite_case *t,
                                                  const struct nvme_placement *placement)
{
    if (!case_start(t, t->c, placement))
        return NULL;
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(t->c, t->nsid);
    if (!ns)
        report_fail(t, "nsid %u is no longer an active namespace after a restart", t->nsid);
    return ns;
}

void nvme_fixture_each_namespace(struct suite_case *t, void (*run)(struct suite_case *t),
                                 bool with_unusable)
{
    const struct nvme_fixture *fx = t->ctx->nvme;
    if (!controllers_or_skip(t))
        return;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!attached_or_fail(t, i))
            continue;
        report_subject(t, c, 0);
        struct nvme_placement p = placement_default(t->ctx, c);
        bool started = case_start(t, c, &p);
        if (started && !c->namespace_count)
            report_skip(t, "no_namespace", "no active namespace");
        report_subject_end(t);
        if (!started || !c->namespace_count)
            continue;
        /* NSIDs first: a case may restart the controller, which rebuilds the table. */
        unsigned count = c->namespace_count;
        uint32_t *nsids = malloc(count * sizeof(*nsids));
        if (!nsids) {
            report_subject(t, c, 0);
            report_fail(t, "no heap for %u namespace IDs", count);
            report_subject_end(t);
            continue;
        }
        for (unsigned k = 0; k < count; k++)
            nsids[k] = c->namespaces[k].nsid;
        for (unsigned k = 0; k < count; k++) {
            report_subject(t, c, nsids[k]);
            const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsids[k]);
            if (ns && !ns->usable && !with_unusable) {
                report_yaml(t, "problem", "%s", ns->problem);
                report_skip(t, "namespace_unusable", "namespace unusable: %s", ns->problem);
            } else {
                run(t);
            }
            report_reset(t);
        }
        free(nsids);
    }
}
