/* The VT-d state the suite builds once: the parsed DMAR, the unit taken over, a domain per NVMe controller. */
#ifndef NVMETAL_TESTS_VTD_FIXTURE_H
#define NVMETAL_TESTS_VTD_FIXTURE_H

#include "drivers/nvme/nvme.h"
#include "drivers/vtd/vtd.h"
#include "drivers/vtd/vtd_inspect.h"
#include "lib/dmar_plan.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/suite.h"

struct vtd_binding {
    struct vtd_domain *domain;
    uint16_t requester_id;
    struct nvme_dma_mapper mapper;
};

struct vtd_state {
    bool dmar_found;
    char dmar_why[ACPI_WHY_LEN];
    struct dmar_info dmar;
    bool attached, taken_over, enabled;
    bool cannot_translate; /* SAGAW = 0: a unit built for interrupt remapping only */
    /* No unit can be programmed, as the platform is: every DRHD has register base 0 (a
     * firmware bug, dmar_unit_verdict), none holds an NVMe controller under test, nothing
     * answers at the chosen unit's base (unit_absent), or taking it over would cut a display's
     * RMRR off (display_unreachable_rmrr). Like SAGAW = 0, a SKIP unless iommu = require. */
    bool no_usable_unit;
    /* The DMAR parsed, but a DRHD or RMRR in it was malformed (or the walk stopped): what it
     * meant cannot be told, so no unit is touched (vtd.dmar.parse fails naming the problem). */
    bool dmar_untrusted;
    /* Every DRHD the DMAR lists, read before any is written (vtd_inspect, loads only): one
     * per dmar.units[]; NULL until VTD_STAGE_INSPECTED. */
    struct vtd_inspection *inspections;
    /* The plan (lib/dmar_plan.c) over the PCI inventory: devices[] is every function found,
     * covers[i] its unit, nvme_per_unit[k] the NVMe controllers under test units[k] holds. */
    struct dmar_pci_device *devices;
    bool *under_test;
    struct dmar_cover *covers;
    unsigned device_count;
    unsigned *nvme_per_unit;
    /* The display devices (class 03) and how each keeps its DMA; display_count may exceed
     * what displays[] holds only when the heap could not hold them all (then NULL). */
    struct dmar_display_plan *displays;
    unsigned display_count;
    char takeover_notes[200];
    struct vtd_unit unit; /* the DRHD unit taken over: the one holding the NVMe controllers */
    unsigned unit_index;  /* its index in dmar.units (lib/dmar_select.c chose it) */
    unsigned pass_through, identity_mapped;
    /* Without ECAP.PT every other device in scope shares this 1:1 domain
     * over RAM and the RMRRs; NULL when pass-through is used instead. */
    struct vtd_domain *identity;
    uint64_t identity_bytes;
    struct vtd_binding *bindings; /* one per NVMe source ID, for every controller in scope */
    unsigned binding_count;
    char why_not[200]; /* why translation is not on, for SKIPs and failures */
    /* why_not's SKIP code (tests/suite/suite.h) where the platform cannot translate: iommu_off,
     * no_dmar, base0_drhd, no_unit_for_nvme, unit_absent, display_unreachable_rmrr, sagaw_zero;
     * NULL otherwise. */
    const char *skip_code;
    unsigned reached;  /* enum vtd_stage: how far the steps got */
    bool failed;       /* a step failed: later calls stop where it stopped */
};

/* PARSED: the DMAR read and a unit chosen, no register touched; INSPECTED: every unit's
 * registers read (loads only) and the display plan made; TAKEN_OVER: the chosen unit's
 * firmware state undone; ENABLED: translation on. */
enum vtd_stage {
    VTD_STAGE_NONE,
    VTD_STAGE_PARSED,
    VTD_STAGE_INSPECTED,
    VTD_STAGE_TAKEN_OVER,
    VTD_STAGE_ENABLED
};

/* Brings VT-d as far as `stage` (parse the DMAR, read every unit, take the chosen one over, build the
 * tables and enable translation), each step once and in order, keeping the state in
 * ctx->vtd. The state says how far it got (dmar_found, taken_over, enabled) and why_not
 * explains a stop. NULL only when the heap cannot hold the state. */
struct vtd_state *vtd_reach(struct suite_context *ctx, enum vtd_stage stage);
/* vtd_reach, or a failed point when the heap cannot hold the state. */
struct vtd_state *vtd_ready_or_fail(struct suite_case *t, enum vtd_stage stage);
/* Translation is on; else a SKIP where the platform cannot translate (no DMAR, SAGAW = 0,
 * no usable unit) unless iommu = require, and a failure with the unit's registers otherwise.
 * The runner calls it for CASE_NEEDS_VTD. */
bool vtd_enabled_or_report(struct suite_case *t);
/* The unit's error and decoded registers, as YAML of the next point. */
void vtd_yaml_add_unit(struct suite_case *t, const struct vtd_unit *u);
/* f lies in the scope of the unit taken over (its endpoint, a bridge above it, or
 * INCLUDE_PCI_ALL); false before that unit is attached. */
bool vtd_in_unit_scope(const struct suite_context *ctx, const struct pci_function *f);
/* The binding of c's source ID; NULL when c is in no domain (or VT-d never came up). */
struct vtd_binding *vtd_binding_of(struct suite_context *ctx, const struct nvme_controller *c);
/* Points c's host memory at its domain; its name gains "/vtd" for the points that follow. */
int vtd_translate(struct nvme_controller *c, struct vtd_binding *b);
/* Turns translation off (after the NVMe controllers are shut down). */
void vtd_teardown(struct suite_context *ctx, void (*report_line)(const char *line));

#endif
