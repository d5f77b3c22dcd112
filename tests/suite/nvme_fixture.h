/* The NVMe controllers under test: attached once, started with the placement a case needs, shut down at the end. */
#ifndef NVMETAL_TESTS_NVME_FIXTURE_H
#define NVMETAL_TESTS_NVME_FIXTURE_H

#include <stdbool.h>

#include "boot/boot_info.h"
#include "drivers/nvme/nvme.h"
#include "tests/suite/suite.h"

/* A start that failed: later cases asking for the same placement SKIP with its reason
 * instead of taking the controller through the same failure again. */
struct nvme_start_failure {
    bool failed;
    struct nvme_placement placement;
    char reason[200];
};

/* One namespace under test and its TAP device name ("00:02.0 nsid 3"). The namespace is
 * looked up again after every start (a start identifies the namespaces afresh). */
struct nvme_target {
    struct nvme_controller *c;
    uint32_t nsid;
    char device[40];
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
    const struct config *config;
    const struct boot_info *boot; /* the firmware's NVMe serials (boot_firmware_nvme_serial) */
};

/* Attaches every NVMe function in the inventory, sets up its CMB and PMR and
 * prints the decoded registers. Problems are kept per controller; returns -1 only
 * when the heap cannot hold the controllers (then count is 0 and why[] says so). */
int nvme_fixture_setup(struct nvme_fixture *fx, const struct pci_inventory *inv,
                       const struct config *cfg, const struct boot_info *boot, uint64_t seed,
                       char why[120]);
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
/* The same for a namespace's test point (device "BB:DD.F nsid N"). */
void nvme_target_fail(const char *id, struct nvme_target *t, struct tap_result *r,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Runs fn for every attached controller; reports a SKIP when there is none
 * and a failure for each controller that could not be attached. */
void nvme_for_each(const char *id,
                   void (*fn)(const char *id, struct nvme_fixture *fx, struct nvme_controller *c));
/* Starts c with the placement or reports the failure (a first failure fails the test point,
 * a repeat of a failed start SKIPs naming it); returns true when running. */
bool nvme_started_or_fail(const char *id, struct nvme_controller *c,
                          const struct nvme_placement *placement);

/* Starts t's controller with `placement` and returns t's namespace, or reports the failure
 * (or, when the namespace disappeared, a failure naming it) and returns NULL. */
const struct nvme_namespace *nvme_target_start(const char *id, struct nvme_target *t,
                                               const struct nvme_placement *placement);
/* Runs fn for every active namespace of every controller (each controller started with its
 * default placement first). A controller without namespaces SKIPs once; an unusable
 * namespace SKIPs naming its problem unless `with_unusable` (then fn sees it too). */
void nvme_for_each_namespace(const char *id, bool with_unusable,
                             void (*fn)(const char *id, struct nvme_fixture *fx,
                                        struct nvme_target *t));

/* Defines a suite case `name` that runs the per-namespace function `fn` on every namespace. */
#define NVME_CASE_FOR_EACH_NAMESPACE(name, fn)                              \
    static void name(const struct suite_context *ctx, const char *id)      \
    {                                                                      \
        (void)ctx;                                                         \
        nvme_for_each_namespace(id, false, fn);                            \
    }

/* Defines a suite case `name` that runs the per-controller function `fn` on every controller. */
#define NVME_CASE_FOR_EACH_CONTROLLER(name, fn)                             \
    static void name(const struct suite_context *ctx, const char *id)      \
    {                                                                      \
        (void)ctx;                                                         \
        nvme_for_each(id, fn);                                             \
    }

/* The fixture main set up; NULL when no test needs it. */
struct nvme_fixture *nvme_fixture(void);
/* How many controllers it holds (0 without a fixture), for arrays sized by it. */
unsigned nvme_fixture_count(void);
void nvme_fixture_register(struct nvme_fixture *fx);

#endif
