/* VT-d probes: canary pages, one-page Read/Compare commands aimed at chosen addresses, and the fault they must cause. */
#ifndef NVMETAL_TESTS_VTD_PROBE_H
#define NVMETAL_TESTS_VTD_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/suite/vtd_fixture.h"

#define MAX_FAULTS 8

/* A host page whose contents prove whether any DMA reached it. */
struct canary {
    uint64_t physical;
};

/* A pool page filled with the canary byte; its address goes in the next point's YAML
 * (canary_physical: the allocator's choice, so never on the point's line). */
bool canary_make(struct suite_case *t, struct canary *k);
bool canary_intact(const struct canary *k);
/* Fills the page with the canary byte again. */
void canary_refill(const struct canary *k);
void canary_free(struct canary *k);

/* A one-page Read: the controller writes one page of LBA data to `target` (a bus address:
 * physical, or an IOVA of its domain). Returns the status field, or -1 (c->error). */
int dma_write_probe(struct suite_context *ctx, struct nvme_controller *c, uint64_t target);
/* A one-page Compare: the controller reads one page at `source` (and writes nothing, to
 * memory or media). True when the read went through: the Compare completed (matching or
 * not) and the unit recorded no fault. The YAML gets read_probe. */
bool dma_read_succeeds(struct suite_case *t, struct nvme_controller *c, uint64_t source);
/* The controller has Compare (ONCS bit 0), so a read probe exists. */
bool can_probe_reads(const struct nvme_controller *c);

/* Expects exactly one fault: b's source ID writing `iova`'s page, reason 5. The YAML gets
 * expected_fault, every fault_N recorded, and on a match matched_fault and iova; text[]
 * names the match without its address (which differs between runs). */
bool expect_fault(struct suite_case *t, const struct vtd_binding *b, uint64_t iova, char *text,
                  unsigned len);
/* fault_1..fault_N, one decoded record each. */
void yaml_add_faults(struct suite_case *t, const struct vtd_fault *faults, unsigned n);

/* The translated, running controllers with a namespace that a case aims its probes with. */
struct subjects {
    unsigned count;
    struct nvme_controller **c;
    struct vtd_binding **b;
};
/* Declares `name`, with room for every controller of the fixture. */
#define SUBJECTS(t, name)                                                      \
    struct nvme_controller *name##_c[(t)->ctx->nvme->count + 1];               \
    struct vtd_binding *name##_b[(t)->ctx->nvme->count + 1];                   \
    struct subjects name = {0, name##_c, name##_b}
/* Fills `out` (each controller moved to its domain and started); at least `want` of them, or
 * a SKIP saying how many there are. The unit's fault record starts empty. */
bool subjects_ready(struct suite_case *t, struct subjects *out, unsigned want);

#endif
