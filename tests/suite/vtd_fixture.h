/* The VT-d state the suite builds once: the parsed DMAR, the unit taken over, a domain per NVMe controller. */
#ifndef NVMETAL_TESTS_VTD_FIXTURE_H
#define NVMETAL_TESTS_VTD_FIXTURE_H

#include "drivers/nvme/nvme.h"
#include "drivers/vtd/vtd.h"
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
    /* Every DRHD has register base 0 (a firmware bug, dmar_unit_verdict): no unit exists to
     * program. Like SAGAW = 0, what the platform is, so a SKIP unless iommu = require. */
    bool no_usable_unit;
    char takeover_notes[200];
    struct vtd_unit unit; /* the first DRHD unit, which the NVMe controllers sit behind */
    unsigned pass_through, identity_mapped;
    /* Without ECAP.PT every other device in scope shares this 1:1 domain
     * over RAM and the RMRRs; NULL when pass-through is used instead. */
    struct vtd_domain *identity;
    uint64_t identity_bytes;
    struct vtd_binding *bindings; /* one per NVMe source ID, for every controller in scope */
    unsigned binding_count;
    char why_not[200]; /* why translation is not on, for SKIPs and failures */
};

enum vtd_stage { VTD_STAGE_NONE, VTD_STAGE_PARSED, VTD_STAGE_TAKEN_OVER, VTD_STAGE_ENABLED };

/* Brings VT-d as far as `stage` (parse the DMAR, take the unit over, build the
 * tables and enable translation), each step once and in order. The state says
 * how far it got (dmar_found, taken_over, enabled) and why_not explains a stop.
 * NULL only when the heap cannot hold the state. */
struct vtd_state *vtd_reach(const struct suite_context *ctx, enum vtd_stage stage);
/* Turns translation off (after the NVMe controllers are shut down). */
void vtd_teardown(void (*report)(const char *line));

#endif
