/* NVMe fixture: attach and describe every controller, start them as cases need, shut them all down. */
#include "tests/suite/nvme_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"

static struct nvme_fixture *registered;

struct nvme_fixture *nvme_fixture(void)
{
    return registered;
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

void nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                        const struct config *cfg, uint64_t seed)
{
    memset(fx, 0, sizeof(*fx));
    fx->run_seed = seed;
    fx->config = cfg;
    for (unsigned i = 0; i < inv->count && fx->count < NVME_FIXTURE_MAX; i++) {
        const struct pci_function *f = &inv->functions[i];
        if (!nvme_is_controller(f))
            continue;
        struct nvme_controller *c = calloc(1, sizeof(*c));
        if (!c)
            break;
        unsigned slot = fx->count++;
        fx->controllers[slot] = c;
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

bool nvme_fixture_write_allowed(const struct nvme_fixture *fx, const struct nvme_controller *c)
{
    return c->identity.serial[0] && pattern_list_matches(&fx->config->allow_write, c->identity.serial);
}

void nvme_fail(const char *id, struct nvme_controller *c, struct tap_result *r, const char *fmt,
               ...)
{
    static char dump[2048];
    if (c->error[0])
        tap_yaml_add(r, "error", "%s", c->error);
    nvme_format_registers(c, dump, sizeof(dump));
    tap_yaml_add(r, "registers", "%s", dump);
    r->outcome = TAP_FAIL;
    va_list args;
    va_start(args, fmt);
    vsnprintf(r->description, sizeof(r->description), fmt, args);
    va_end(args);
    tap_report(id, c->name, r);
}

void nvme_for_each(const char *id,
                   void (*fn)(const char *id, struct nvme_fixture *fx, struct nvme_controller *c))
{
    struct nvme_fixture *fx = nvme_fixture();
    if (!fx || fx->count == 0) {
        suite_skip(id, NULL, "no NVMe controller (class 01:08:02) found");
        return;
    }
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        if (!fx->attached[i]) {
            struct tap_result r;
            tap_result_init(&r);
            tap_yaml_add(&r, "error", "%s", c->error);
            suite_fail(id, c->name, &r, "controller could not be attached");
            continue;
        }
        fn(id, fx, c);
    }
}

bool nvme_started_or_fail(const char *id, struct nvme_controller *c,
                          const struct nvme_placement *placement)
{
    if (nvme_fixture_start(c, placement) == 0)
        return true;
    struct tap_result r;
    tap_result_init(&r);
    tap_yaml_add(&r, "placement", "admin SQ %s, I/O SQ %s, I/O CQ %s",
                 nvme_memory_kind_name(placement->admin_sq), nvme_memory_kind_name(placement->io_sq),
                 nvme_memory_kind_name(placement->io_cq));
    nvme_fail(id, c, &r, "controller did not start");
    return false;
}
