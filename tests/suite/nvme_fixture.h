/* The NVMe controllers under test: attached once, started with the placement a case needs, shut down at the end. */
#ifndef NVMETAL_TESTS_NVME_FIXTURE_H
#define NVMETAL_TESTS_NVME_FIXTURE_H

#include <stdbool.h>

#include "drivers/nvme/nvme.h"
#include "tests/suite/suite.h"

/* A start that failed: later cases asking for the same placement SKIP with its reason
 * instead of taking the controller through the same failure again. */
struct nvme_start_failure {
    bool failed;
    struct nvme_placement placement;
    char reason[200];
};

/* Every NVMe controller in the inventory that config devices selects, however many: the
 * arrays hold `count`; `left_alone` more were found and not touched. */
struct nvme_fixture {
    unsigned count;
    unsigned left_alone;
    struct nvme_controller **controllers;
    bool *attached;
    struct nvme_start_failure *start_failures;
    uint64_t run_seed; /* makes every run's data patterns unique */
};

/* Attaches every NVMe function in the inventory, sets up its CMB and PMR (as cfg allows) and
 * prints the decoded registers. Problems are kept per controller; returns -1 only when the
 * heap cannot hold the controllers (then count is 0 and why[] says so). */
int nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                       const struct config *cfg, uint64_t seed, char why[120]);
/* Shuts every started controller down; returns how many failed to. With
 * as_test_points, each failure is also a "not ok nvme.controller.shutdown". */
unsigned nvme_fixture_teardown(struct suite_context *ctx, void (*report_line)(const char *line),
                               bool as_test_points);

/* The runner's loops for CASE_PER_CONTROLLER and CASE_PER_NAMESPACE: `run` sees each subject
 * in t->c (and t->nsid), its device name pushed. No controller at all is one SKIP; one that
 * did not attach, or (per namespace) did not start, fails; a controller without namespaces
 * SKIPs once, an unusable namespace SKIPs naming its problem unless `with_unusable`. */
void nvme_fixture_each_controller(struct suite_case *t, void (*run)(struct suite_case *t));
void nvme_fixture_each_namespace(struct suite_case *t, void (*run)(struct suite_case *t),
                                 bool with_unusable);

/* The default placement: SQs in the CMB where CMBSZ.SQS and config cmb allow. */
struct nvme_placement placement_default(const struct suite_context *ctx,
                                        const struct nvme_controller *c);
struct nvme_placement placement_host(void);
/* Starts c with `placement` unless it already runs with it. Returns 0 or -1. */
int controller_start(struct nvme_controller *c, const struct nvme_placement *placement);

/* Starts c with the placement or reports the failure on the current subject (a first failure
 * fails the point, a repeat of a failed start SKIPs naming it); true when running. */
bool case_start(struct suite_case *t, struct nvme_controller *c,
                const struct nvme_placement *placement);
/* Starts the subject's controller and returns its namespace t->nsid, or reports the failure
 * (or, when the namespace disappeared, a failure naming it) and returns NULL. */
const struct nvme_namespace *case_start_namespace(struct suite_case *t,
                                                  const struct nvme_placement *placement);

/* The serial number matches config allow_write (and Identify has run). */
bool write_allowed(const struct suite_context *ctx, const struct nvme_controller *c);
/* The same, or a SKIP allow_write "allow_write does not name serial S: no <what>". */
bool case_write_allowed(struct suite_case *t, const struct nvme_controller *c, const char *what);
/* The value keys of that SKIP: serial, and denied (what it would have written). */
void write_refusal_keys(struct suite_case *t, const struct nvme_controller *c, const char *what);

#endif
