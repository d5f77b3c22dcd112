/* The NVMe controllers under test: attached once, started with the placement a case needs, shut down at the end. */
#ifndef NVMETAL_TESTS_NVME_FIXTURE_H
#define NVMETAL_TESTS_NVME_FIXTURE_H

#include <stdbool.h>

#include "drivers/nvme/nvme.h"
#include "tests/suite/suite.h"

#define NVME_FIXTURE_MAX 8

struct nvme_fixture {
    unsigned count;
    struct nvme_controller *controllers[NVME_FIXTURE_MAX];
    bool attached[NVME_FIXTURE_MAX];
    uint64_t run_seed; /* makes every run's data patterns unique */
    const struct config *config;
};

/* Attaches every NVMe function in the inventory, sets up its CMB and PMR and
 * prints the decoded registers. Never fails: problems are kept per controller. */
void nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                        const struct config *cfg, uint64_t seed);
/* Shuts every started controller down; returns how many failed to. With
 * as_test_points, each failure is also a "not ok nvme.controller.shutdown". */
unsigned nvme_fixture_teardown(struct nvme_fixture *fx, void (*report)(const char *line),
                               bool as_test_points);

/* The default placement: SQs in the CMB where CMBSZ.SQS and config cmb allow. */
struct nvme_placement nvme_fixture_default_placement(const struct nvme_fixture *fx,
                                                     const struct nvme_controller *c);
struct nvme_placement nvme_fixture_host_placement(void);
/* Starts c with `placement` unless it already runs with it. Returns 0 or -1. */
int nvme_fixture_start(struct nvme_controller *c, const struct nvme_placement *placement);
/* The serial number matches config allow_write (and Identify has run). */
bool nvme_fixture_write_allowed(const struct nvme_fixture *fx, const struct nvme_controller *c);

/* Adds the decoded registers and c->error to a failure's YAML block and reports it. */
void nvme_fail(const char *id, struct nvme_controller *c, struct tap_result *r, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Runs fn for every attached controller; reports a SKIP when there is none
 * and a failure for each controller that could not be attached. */
void nvme_for_each(const char *id,
                   void (*fn)(const char *id, struct nvme_fixture *fx, struct nvme_controller *c));
/* Starts c with the placement or reports the failure; returns true when running. */
bool nvme_started_or_fail(const char *id, struct nvme_controller *c,
                          const struct nvme_placement *placement);

/* Defines a suite case `name` that runs the per-controller function `fn` on every controller. */
#define NVME_CASE_FOR_EACH_CONTROLLER(name, fn)                             \
    static void name(const struct suite_context *ctx, const char *id)      \
    {                                                                      \
        (void)ctx;                                                         \
        nvme_for_each(id, fn);                                             \
    }

/* The fixture main set up; NULL when no test needs it. */
struct nvme_fixture *nvme_fixture(void);
void nvme_fixture_register(struct nvme_fixture *fx);

#endif
