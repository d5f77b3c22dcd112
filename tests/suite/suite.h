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
/* A SKIP: the description is its reason for people, `code` (the YAML key `skip`, one of the
 * table below) the same for scripts; the keys added so far go with it. A value the reason
 * names that a script may check (a field, a count, what was found) is a key of its own. A
 * case that finds no namespace to use on its controller (nvme_test_namespace_or_skip) SKIPs
 * with the first namespace's refusal (namespace_unusable ... data_found) and its nsid.
 *
 *   code (key skip)         cause; [the value keys it adds]
 *   exit_boot_services_off  exit_boot_services = no in the config
 *   no_mcfg                 no MCFG: PCI uses CF8/CFC
 *   no_ecam_function        no function reachable through ECAM on segment 0
 *   no_bridges              no PCI bridge on the machine
 *   no_nvme                 no NVMe controller (class 01:08:02) found
 *   devices_none_selected   config devices selects none of the controllers; [found_count]
 *   devices_all_selected    config devices leaves no controller alone; [found_count]
 *   start_failed_earlier    the controller failed to start with this placement
 *   no_namespace            the controller has no active namespace
 *   not_conventional        no NVM command-set namespace to read or write
 *   namespace_unusable      the namespace is unusable; [problem]
 *   namespace_small         fewer blocks than the test LBA map
 *   metadata_unaligned      metadata not a multiple of 8 bytes
 *   zoned                   a zoned namespace: written only by nvme.zns.*
 *   allow_write             allow_write does not name the serial; [serial, denied]; for an
 *                           NVDIMM range: neither nvdimm-spa-N nor each NVDIMM's nvdimm-0xHANDLE
 *                           [policy, policy_reason]
 *   data_found              the data guard found a partition table or a filesystem
 *                           (allow_write_over_data = no); [found]
 *   guard_unreadable        the data guard could not read the namespace
 *   guard_no_heap           no heap for the data guard's verdicts
 *   not_zoned               not a zoned namespace; [csi]
 *   zone_small              the zone under test cannot hold the case
 *   no_metadata             the format has no metadata; [format]
 *   no_pi                   the format has no protection information; [format]
 *   separate_metadata       the format carries separate metadata
 *   no_write_zeroes         ONCS.WZS=0; [oncs]
 *   no_dsm                  ONCS.DSMS=0; [oncs]
 *   no_dae                  NSFEAT.DAE=0
 *   no_shared_namespace     no namespace two controllers of one subsystem share
 *   cmb_off                 cmb = off in the config
 *   cmbs_zero               CAP.CMBS=0: no CMB
 *   cmbsz_field_zero        a CMBSZ support bit the case needs is 0; [field]
 *   no_cmb_reader           no controller whose CMB takes read data
 *   no_writable_peer        no second controller allow_write names
 *   translated              the peer's DMA is translated (vtd.p2p.cmb_copy instead)
 *   formats_differ          the two namespaces' formats differ or carry separate metadata
 *   pmr_off                 pmr = off in the config
 *   pmrs_zero               CAP.PMRS=0: no PMR
 *   pmr_small               the PMR is smaller than the case needs
 *   flr_impossible          no Function Level Reset
 *   bench_off               bench = no in the config
 *   iommu_off               iommu = off in the config
 *   no_dmar                 no DMAR table: no Intel VT-d
 *   base0_drhd              every DRHD has register base 0 (a firmware bug)
 *   no_unit_for_nvme        no DRHD's device scope holds an NVMe controller under test
 *   unit_absent             nothing answers at the base of the DRHD holding the NVMe
 *                           controllers (registers read all ones or all zero); never written
 *   display_unreachable_rmrr  a display in the unit's scope, no ECAP.PT, and its RMRR lies
 *                           beyond the identity domain's reach: the unit is left untouched
 *   sagaw_zero              CAP.SAGAW=0: the unit cannot translate DMA
 *   too_few_controllers     too few controllers in the unit's scope; [needed, have]
 *   none_in_scope           no NVMe controller in a DRHD's scope
 *   no_nvme_domain          no NVMe domain to map into
 *   no_qi                   ECAP.QI=0: no queued invalidation
 *   one_domain              all translated controllers share one domain
 *   no_p2p_pair             no CMB reader with a writable peer in another domain
 *   beyond_reach            the CMB BAR lies beyond the unit's address reach; [reach_bits]
 *   no_dma_memory           no DMA memory for the case
 *   no_lapic                the local APIC is disabled
 *   no_msix                 no MSI-X capability, or its table is unusable; [problem]
 *   no_msi                  no MSI capability, or a reserved Multiple Message Capable; [problem]
 *   no_msi_requester        no device that raises an MSI on request (QEMU's edu device)
 *   no_ir                   ECAP.IR=0: the unit taken over does not remap interrupts; [ecap]
 *   not_in_unit             the controller is outside the scope of the unit taken over
 *   no_eim                  the CPU is in x2APIC mode and the unit has no ECAP.EIM
 *   no_nfit                 no NFIT table: the platform describes no NVDIMM
 *   no_persistent_range     the NFIT names no persistent-memory SPA range
 *   not_in_memory_map       the memory map describes a persistent range as nothing at all
 *                           (nvdimm.io.* and persistence.*: and allow_write_outside_map = no)
 *   not_persistent          the SPA range is not persistent memory
 *   map_truncated           the memory map was cut: where a range lies cannot be told
 *   map_conflict            a persistent range overlaps memory of another type: never touched
 *   no_nvdimm               no NVDIMM is mapped into the range
 *   not_armed               an NVDIMM of the range is flagged not armed: read-only
 *   nvdimm_small            the range is smaller than the case's layout; [length]
 *   no_capabilities         no platform capabilities structure, or it leaves the memory
 *                           controller's flush unstated
 *                           (OVMF lists no NVDIMM); [outside_map]
 *   coalescing_not_changeable  Set Features Interrupt Coalescing or Vector Configuration
 *                           refused (the controller's status); [set_features_status]
 *   qemu_no_cfis            QEMU's intel-iommu delivered a compatibility-format interrupt
 *                           with CFIS=0 (it does not implement the block); [delivered]
 */
void report_skip(struct suite_case *t, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
extern const struct test_case irq_test_cases[];
extern const unsigned irq_test_case_count;
extern const struct test_case irq_msi_test_cases[];
extern const unsigned irq_msi_test_case_count;
extern const struct test_case vtd_unit_test_cases[];
extern const unsigned vtd_unit_test_case_count;
extern const struct test_case irq_bench_test_cases[];
extern const unsigned irq_bench_test_case_count;
extern const struct test_case vtd_ir_bench_test_cases[];
extern const unsigned vtd_ir_bench_test_case_count;
extern const struct test_case vtd_ir_test_cases[];
extern const unsigned vtd_ir_test_case_count;
extern const struct test_case vtd_enable_test_cases[];
extern const unsigned vtd_enable_test_case_count;
extern const struct test_case vtd_translated_test_cases[];
extern const unsigned vtd_translated_test_case_count;
extern const struct test_case vtd_isolation_test_cases[];
extern const unsigned vtd_isolation_test_case_count;
extern const struct test_case vtd_p2p_test_cases[];
extern const unsigned vtd_p2p_test_case_count;
extern const struct test_case vtd_bench_test_cases[];
extern const unsigned vtd_bench_test_case_count;
extern const struct test_case nvdimm_bench_test_cases[];
extern const unsigned nvdimm_bench_test_case_count;
extern const struct test_case nvdimm_dma_test_cases[];
extern const unsigned nvdimm_dma_test_case_count;
extern const struct test_case nvdimm_io_test_cases[];
extern const unsigned nvdimm_io_test_case_count;
extern const struct test_case nvdimm_test_cases[];
extern const unsigned nvdimm_test_case_count;
extern const struct test_case nvme_shutdown_test_cases[];
extern const unsigned nvme_shutdown_test_case_count;

#endif
