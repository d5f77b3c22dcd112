/* NVMe fixture: attach and describe every controller, start them as cases need, shut them all down. */
#include "tests/suite/nvme_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_pmr.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"

static struct nvme_fixture *registered;

struct nvme_fixture *nvme_fixture(void)
{
    return registered;
}

unsigned nvme_fixture_count(void)
{
    return registered ? registered->count : 0;
}

void nvme_fixture_register(struct nvme_fixture *fx)
{
    registered = fx;
}

static void print_registers(const struct nvme_controller *c)
{
    static char dump[2048];
    nvme_format_registers(c, dump, sizeof(dump));
    char *line = dump;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        tap_diag("nvme %s %s", c->name, line);
        line = next;
    }
}

int nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                       const struct config *cfg, const struct boot_info *boot, uint64_t seed,
                       char why[120])
{
    memset(fx, 0, sizeof(*fx));
    fx->run_seed = seed;
    fx->config = cfg;
    fx->boot = boot;
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

unsigned nvme_fixture_teardown(struct nvme_fixture *fx, void (*report)(const char *line),
                               bool as_test_points)
{
    unsigned failures = 0;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!fx->attached[i])
            continue;
        bool was_started = c->started;
        if (nvme_shutdown(c) != 0) {
            failures++;
            if (as_test_points) {
                struct tap_result r;
                tap_result_init(&r);
                nvme_fail("nvme.controller.shutdown", c, &r, "shutdown before exit failed");
            } else if (report) {
                char line[256];
                snprintf(line, sizeof(line), "nvme %s shutdown failed: %s", c->name, c->error);
                report(line);
            }
        } else if (report && was_started) {
            char line[96];
            snprintf(line, sizeof(line), "nvme %s shut down (CSTS.SHST complete, CC.EN=0)",
                     c->name);
            report(line);
        }
    }
    return failures;
}

struct nvme_placement nvme_fixture_host_placement(void)
{
    return (struct nvme_placement){NVME_MEMORY_HOST, NVME_MEMORY_HOST, NVME_MEMORY_HOST};
}

struct nvme_placement nvme_fixture_default_placement(const struct nvme_fixture *fx,
                                                     const struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_host_placement();
    if (fx->config->cmb != FEATURE_OFF && c->cmb.present && (c->cmb.cmbsz & NVME_CMBSZ_SQS))
        p.admin_sq = p.io_sq = NVME_MEMORY_CMB;
    return p;
}

int nvme_fixture_start(struct nvme_controller *c, const struct nvme_placement *placement)
{
    if (c->started && memcmp(&c->placement, placement, sizeof(*placement)) == 0)
        return 0;
    return nvme_start(c, placement);
}

static struct nvme_start_failure *start_failure_of(const struct nvme_controller *c)
{
    struct nvme_fixture *fx = nvme_fixture();
    for (unsigned i = 0; fx && i < fx->count; i++)
        if (fx->controllers[i] == c)
            return &fx->start_failures[i];
    return NULL;
}

bool nvme_fixture_write_allowed(const struct nvme_fixture *fx, const struct nvme_controller *c)
{
    return c->identity.serial[0] && pattern_list_matches(&fx->config->allow_write, c->identity.serial);
}

static void fail_with_registers(const char *id, const char *device, struct nvme_controller *c,
                                struct tap_result *r, const char *fmt, va_list args)
{
    static char dump[2048];
    if (c->error[0])
        tap_yaml_add(r, "error", "%s", c->error);
    nvme_format_registers(c, dump, sizeof(dump));
    tap_yaml_add(r, "registers", "%s", dump);
    r->outcome = TAP_FAIL;
    vsnprintf(r->description, sizeof(r->description), fmt, args);
    tap_report(id, device, r);
}

void nvme_fail(const char *id, struct nvme_controller *c, struct tap_result *r, const char *fmt,
               ...)
{
    va_list args;
    va_start(args, fmt);
    fail_with_registers(id, c->name, c, r, fmt, args);
    va_end(args);
}

void nvme_target_fail(const char *id, struct nvme_target *t, struct tap_result *r,
                      const char *fmt, ...)
{
    tap_yaml_add(r, "nsid", "%u", t->nsid);
    va_list args;
    va_start(args, fmt);
    fail_with_registers(id, t->device, t->c, r, fmt, args);
    va_end(args);
}

/* The fixture, or a SKIP of `id` (and NULL) when there is no controller at all. */
static struct nvme_fixture *fixture_or_skip(const char *id)
{
    struct nvme_fixture *fx = nvme_fixture();
    if (fx && fx->count)
        return fx;
    if (fx && fx->left_alone)
        suite_skip(id, NULL, "config devices selects none of the %u NVMe controllers found",
                   fx->left_alone);
    else
        suite_skip(id, NULL, "no NVMe controller (class 01:08:02) found");
    return NULL;
}

/* Controller i is usable, or `id` fails on it with the attach error. */
static bool attached_or_fail(const char *id, struct nvme_fixture *fx, unsigned i)
{
    if (fx->attached[i])
        return true;
    struct tap_result r;
    tap_result_init(&r);
    tap_yaml_add(&r, "error", "%s", fx->controllers[i]->error);
    suite_fail(id, fx->controllers[i]->name, &r, "controller could not be attached");
    return false;
}

void nvme_for_each(const char *id,
                   void (*fn)(const char *id, struct nvme_fixture *fx, struct nvme_controller *c))
{
    struct nvme_fixture *fx = fixture_or_skip(id);
    for (unsigned i = 0; fx && i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!attached_or_fail(id, fx, i))
            continue;
        fn(id, fx, c);
    }
}

bool nvme_started_or_fail(const char *id, struct nvme_controller *c,
                          const struct nvme_placement *placement)
{
    struct nvme_start_failure *earlier = start_failure_of(c);
    bool same = earlier && earlier->failed &&
                memcmp(&earlier->placement, placement, sizeof(*placement)) == 0;
    if (same && !(c->started && memcmp(&c->placement, placement, sizeof(*placement)) == 0)) {
        suite_skip(id, c->name, "the controller failed to start with this placement earlier: %s",
                   earlier->reason);
        return false;
    }
    if (nvme_fixture_start(c, placement) == 0)
        return true;
    if (earlier) {
        earlier->failed = true;
        earlier->placement = *placement;
        snprintf(earlier->reason, sizeof(earlier->reason), "%s", c->error);
    }
    struct tap_result r;
    tap_result_init(&r);
    tap_yaml_add(&r, "placement", "admin SQ %s, I/O SQ %s, I/O CQ %s",
                 nvme_memory_kind_name(placement->admin_sq), nvme_memory_kind_name(placement->io_sq),
                 nvme_memory_kind_name(placement->io_cq));
    nvme_fail(id, c, &r, "controller did not start; it was stopped (CC.EN=0)");
    return false;
}

const struct nvme_namespace *nvme_target_start(const char *id, struct nvme_target *t,
                                               const struct nvme_placement *placement)
{
    if (!nvme_started_or_fail(id, t->c, placement))
        return NULL;
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(t->c, t->nsid);
    if (!ns) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_target_fail(id, t, &r, "nsid %u is no longer an active namespace after a restart",
                         t->nsid);
    }
    return ns;
}

void nvme_for_each_namespace(const char *id, bool with_unusable,
                             void (*fn)(const char *id, struct nvme_fixture *fx,
                                        struct nvme_target *t))
{
    struct nvme_fixture *fx = fixture_or_skip(id);
    for (unsigned i = 0; fx && i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!attached_or_fail(id, fx, i))
            continue;
        struct nvme_placement p = nvme_fixture_default_placement(fx, c);
        if (!nvme_started_or_fail(id, c, &p))
            continue;
        if (!c->namespace_count) {
            suite_skip(id, c->name, "no active namespace");
            continue;
        }
        /* NSIDs first: a case may restart the controller, which rebuilds the table. */
        unsigned count = c->namespace_count;
        uint32_t *nsids = malloc(count * sizeof(*nsids));
        if (!nsids) {
            struct tap_result r;
            tap_result_init(&r);
            nvme_fail(id, c, &r, "no heap for %u namespace IDs", count);
            continue;
        }
        for (unsigned k = 0; k < count; k++)
            nsids[k] = c->namespaces[k].nsid;
        for (unsigned k = 0; k < count; k++) {
            struct nvme_target t = {.c = c, .nsid = nsids[k]};
            snprintf(t.device, sizeof(t.device), "%s nsid %u", c->name, nsids[k]);
            const struct nvme_namespace *ns = nvme_namespace_by_nsid(c, nsids[k]);
            if (ns && !ns->usable && !with_unusable) {
                suite_skip(id, t.device, "namespace unusable: %s", ns->problem);
                continue;
            }
            fn(id, fx, &t);
        }
        free(nsids);
    }
}
