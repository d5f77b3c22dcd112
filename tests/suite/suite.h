/* The in-image test suite: test cases, selected by ID glob, each reporting TAP test points. */
#ifndef NVMETAL_TESTS_SUITE_H
#define NVMETAL_TESTS_SUITE_H

#include "boot/boot_info.h"
#include "drivers/pci/pci.h"
#include "lib/acpi_discover.h"
#include "lib/config.h"
#include "lib/tap.h"

struct nvme_controller;
struct nvme_fixture;
struct vtd_state;

/* Everything the boot flow learned and the fixtures built from it: every case gets it. */
struct suite_context {
    const struct boot_info *boot;
    const struct config *config;
    const struct acpi_platform *acpi;
    const struct pci_inventory *pci;
    struct nvme_fixture *nvme; /* the NVMe controllers config devices selects (maybe none) */
    struct vtd_state *vtd;     /* VT-d as far as a case brought it (vtd_reach); NULL before */
    bool vtd_attempted;        /* vtd_reach tried to allocate it (it stays NULL without heap) */
};

/* What a case needs, acted on by the runner so that no case repeats the loop or the check. */
enum case_flag {
    CASE_PER_CONTROLLER = 1u << 0, /* once per selected NVMe controller that attached */
    CASE_PER_NAMESPACE = 1u << 1,  /* once per active, usable namespace, its controller started
                                    * with the default placement */
    CASE_UNUSABLE_TOO = 1u << 2,   /* with CASE_PER_NAMESPACE: unusable namespaces as well */
    CASE_NVME = 1u << 3,           /* an NVMe case: vtd.nvme.translated runs it again */
    CASE_ONCE_PER_BOOT = 1u << 4,  /* an NVMe case that the translated pass leaves out */
    CASE_NEEDS_VTD = 1u << 5,      /* VT-d translation on; else the runner SKIPs (no VT-d) or
                                    * fails (iommu = require, or a unit that did not come up) */
};

struct suite_case;
struct test_case {
    const char *id; /* stable dotted ID: area.feature.case */
    void (*run)(struct suite_case *t);
    unsigned flags; /* enum case_flag */
};

#define REPORT_PREFIX_LEN   64
#define REPORT_PREFIX_DEPTH 4

/* One running case: its context and ID, the subject the runner gave it, and the test point it
 * is building. The device a point names is the prefix stack ("00:03.0", then "nsid 1"). */
struct suite_case {
    struct suite_context *ctx;
    const char *id;
    struct nvme_controller *c; /* the subject: a failure carries its error and registers */
    uint32_t nsid;             /* with a namespace subject; 0 otherwise */
    struct tap_result point;   /* the next point's YAML keys; empty again after each report */
    char prefix[REPORT_PREFIX_LEN];
    unsigned char prefix_ends[REPORT_PREFIX_DEPTH];
    unsigned depth;
};

/* Every glob of config.tests matches at least one case ID. Returns 0, or -1 with why[]
 * naming the first glob that matches nothing. */
int suite_check_selection(const struct config *cfg, char *why, size_t len);
/* Runs every case whose ID matches config.tests; returns how many ran. */
unsigned suite_run(struct suite_context *ctx);
/* Runs again the selected CASE_NVME cases that are not CASE_ONCE_PER_BOOT (the translated
 * pass); returns how many ran. */
unsigned suite_run_nvme_again(struct suite_context *ctx);

/* A case about to run as `id`: no prefix, no subject, no keys yet. */
void report_begin(struct suite_case *t, struct suite_context *ctx, const char *id);
/* The device part of the next point's line, as pushed: "" when none. */
const char *report_prefix(const struct suite_case *t);
/* Adds one element ("00:03.0", "nsid 1", "vtd@0xfed90000"), space-separated from the last. */
void report_prefix_push(struct suite_case *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_prefix_pop(struct suite_case *t);
/* Makes c (and nsid, when not 0) the subject of the next points and pushes its device name;
 * report_subject_end undoes both. */
void report_subject(struct suite_case *t, struct nvme_controller *c, uint32_t nsid);
void report_subject_end(struct suite_case *t);
/* Back to no prefix, no subject and no keys: the runner's loops call it between subjects, so
 * nothing one subject's run left behind reaches the next one's points. */
void report_reset(struct suite_case *t);

/* A machine-readable key of the next test point (lib/tap.h tap_yaml_add). */
void report_yaml(struct suite_case *t, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One test point: pass or fail as `pass` says, with the description and the keys so far. A
 * failure with a controller subject also carries its error, its nsid and its registers. */
void report(struct suite_case *t, bool pass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void report_pass(struct suite_case *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_fail(struct suite_case *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A SKIP: the description is its reason; the keys added so far go with it. */
void report_skip(struct suite_case *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The case tables, one per area. */
extern const struct test_case platform_test_cases[];
extern const unsigned platform_test_case_count;
extern const struct test_case pci_test_cases[];
extern const unsigned pci_test_case_count;
extern const struct test_case nvme_controller_test_cases[];
extern const unsigned nvme_controller_test_case_count;
extern const struct test_case nvme_format_test_cases[];
extern const unsigned nvme_format_test_case_count;
extern const struct test_case nvme_zns_test_cases[];
extern const unsigned nvme_zns_test_case_count;
extern const struct test_case nvme_multipath_test_cases[];
extern const unsigned nvme_multipath_test_case_count;
extern const struct test_case nvme_cmb_test_cases[];
extern const unsigned nvme_cmb_test_case_count;
extern const struct test_case nvme_pmr_test_cases[];
extern const unsigned nvme_pmr_test_case_count;
extern const struct test_case nvme_bench_test_cases[];
extern const unsigned nvme_bench_test_case_count;
extern const struct test_case vtd_unit_test_cases[];
extern const unsigned vtd_unit_test_case_count;
extern const struct test_case vtd_translated_test_cases[];
extern const unsigned vtd_translated_test_case_count;
extern const struct test_case vtd_isolation_test_cases[];
extern const unsigned vtd_isolation_test_case_count;
extern const struct test_case vtd_p2p_test_cases[];
extern const unsigned vtd_p2p_test_case_count;
extern const struct test_case vtd_bench_test_cases[];
extern const unsigned vtd_bench_test_case_count;
extern const struct test_case nvme_shutdown_test_cases[];
extern const unsigned nvme_shutdown_test_case_count;

#endif
