/* The VT-d state the suite builds once: the parsed DMAR, the unit taken over, a domain per NVMe controller. */
#ifndef NVMETAL_TESTS_VTD_FIXTURE_H
#define NVMETAL_TESTS_VTD_FIXTURE_H

#include "drivers/nvme/nvme.h"
#include "drivers/vtd/vtd.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/suite.h"

struct vtd_binding {
    struct nvme_controller *controller;
    struct vtd_domain *domain;
    uint16_t requester_id;
    struct nvme_dma_mapper mapper;
};

struct vtd_state {
    bool dmar_found;
    char dmar_why[ACPI_WHY_LEN];
    struct dmar_info dmar;
    bool attached, taken_over, enabled;
    char takeover_notes[200];
    struct vtd_unit unit; /* the first DRHD unit, which the NVMe controllers sit behind */
    unsigned pass_through, identity_mapped;
    /* Without ECAP.PT every other device in scope shares this 1:1 domain
     * over RAM and the RMRRs; NULL when pass-through is used instead. */
    struct vtd_domain *identity;
    uint64_t identity_bytes;
    struct vtd_binding bindings[NVME_FIXTURE_MAX];
    unsigned binding_count;
    char why_not[200]; /* why translation is not on, for SKIPs and failures */
};

/* Parses DMAR, takes the unit over, builds tables, enables translation, once.
 * Returns the state with `enabled` set, or with why_not explaining why not;
 * NULL only when the heap cannot hold the state. */
struct vtd_state *vtd_ready(const struct suite_context *ctx);
/* The state if parsing was attempted; NULL before. */
struct vtd_state *vtd_state(void);
/* Turns translation off (after the NVMe controllers are shut down). */
void vtd_teardown(void (*report)(const char *line));

#endif
