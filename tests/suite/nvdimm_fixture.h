/* What the NVDIMM cases share: the NFIT parsed, the memory map as spans, and each persistent range taken as far as the write policy lets a case take it. */
#ifndef NVMETAL_TESTS_NVDIMM_FIXTURE_H
#define NVMETAL_TESTS_NVDIMM_FIXTURE_H

#include <stdbool.h>

#include "drivers/nvdimm/nvdimm.h"
#include "lib/nfit.h"
#include "lib/nvdimm_policy.h"
#include "tests/suite/suite.h"

#define NFIT_MAX_BYTES (1u << 20) /* read of an NFIT at most */

/* The firmware's NFIT, or NULL. */
const struct acpi_header *nvdimm_find_nfit(const struct acpi_platform *a);

struct nvdimm_setup {
    struct nfit_info *nfit;
    struct span *spans;
    struct nvdimm_map map;
    uint64_t seed; /* this run's: its patterns and record are its own */
};

/* The NFIT found and parsed and the memory map turned into spans; else the case's SKIP
 * (no_nfit) or failure is reported and false returned. nvdimm_setup_free in either case. */
bool nvdimm_setup_load(struct suite_case *t, struct nvdimm_setup *s);
void nvdimm_setup_free(struct nvdimm_setup *s);

/* How far a case may go with one range. */
enum nvdimm_access { NVDIMM_NO_ACCESS, NVDIMM_READ_ONLY, NVDIMM_READ_WRITE };

/* The NFIT and the map loaded (nvdimm_setup_load's SKIP or failure otherwise), then for each
 * persistent range, with its name ("nvdimm-spa-2") pushed as the point's prefix: the
 * verdict's keys (policy, policy_reason), then `run` with the access the verdict allows
 * (reads where the memory map, or allow_write_outside_map, lets the range be touched at all;
 * writes where the verdict is NVDIMM_WRITABLE). NVDIMM_NO_ACCESS ranges SKIP with the
 * verdict's code without calling run. No persistent range: SKIP no_persistent_range. */
typedef void (*nvdimm_range_case)(struct suite_case *t, struct nvdimm_setup *s,
                                  const struct nvdimm_range *r, enum nvdimm_access access,
                                  enum nvdimm_verdict verdict, const char *why);
void nvdimm_each_range(struct suite_case *t, nvdimm_range_case run);

/* A write refused by the verdict: the SKIP with its code and reason. */
void nvdimm_skip_write(struct suite_case *t, enum nvdimm_verdict verdict, const char *why);

/* NFIT structures referred to by index, for the cases' YAML. */
const struct nfit_range *nvdimm_setup_range(const struct nvdimm_setup *s, uint16_t spa_index);

#endif
