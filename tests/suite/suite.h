/* The in-image test suite: test cases, selected by ID glob, each reporting TAP test points. */
#ifndef NVMETAL_TESTS_SUITE_H
#define NVMETAL_TESTS_SUITE_H

#include "boot/boot_info.h"
#include "drivers/pci/pci.h"
#include "lib/acpi_discover.h"
#include "lib/config.h"
#include "lib/tap.h"

/* Everything the boot flow learned, for the test cases to examine. */
struct suite_context {
    const struct boot_info *boot;
    const struct config *config;
    const struct acpi_platform *acpi;
    const struct pci_inventory *pci;
};

struct test_case {
    const char *id; /* stable dotted ID: area.feature.case */
    void (*run)(const struct suite_context *ctx, const char *id);
};

/* Every glob of config.tests matches at least one case ID. Returns 0, or -1 with why[]
 * naming the first glob that matches nothing. */
int suite_check_selection(const struct config *cfg, char *why, size_t len);
/* Runs every case whose ID matches config.tests; returns how many ran. */
unsigned suite_run(const struct suite_context *ctx);

/* Helpers for test cases: one call, one TAP test point. */
void suite_pass(const char *id, const char *device, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void suite_skip(const char *id, const char *device, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A pass that carries the machine-readable keys the case added with tap_yaml_add. */
void suite_pass_with(const char *id, const char *device, struct tap_result *details,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A failure carries a result the case filled with tap_yaml_add. */
void suite_fail(const char *id, const char *device, struct tap_result *details,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

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
extern const struct test_case vtd_test_cases[];
extern const unsigned vtd_test_case_count;
extern const struct test_case nvme_shutdown_test_cases[];
extern const unsigned nvme_shutdown_test_case_count;

#endif
