/* Data helpers for NVMe tests: patterned buffers in any region, verified transfers, the LBA map. */
#ifndef NVMETAL_TESTS_NVME_DATA_H
#define NVMETAL_TESTS_NVME_DATA_H

#include "drivers/nvme/nvme.h"
#include "lib/pattern.h"
#include "lib/tap.h"

/* Each area of tests writes its own LBAs, so no test reads another's leftovers. */
#define LBA_AREA_IO_VERIFY 0u
#define LBA_AREA_CMB       4096u
#define LBA_AREA_COPY      8192u
#define LBA_AREA_PMR_DMA   12288u
#define LBA_AREAS_END      16384u

/* The first namespace, when it is large enough for the LBA map; NULL otherwise. */
const struct nvme_namespace *nvme_test_namespace(const struct nvme_controller *c);
/* The same, reporting a SKIP for test point `id` when there is none. */
const struct nvme_namespace *nvme_test_namespace_or_skip(const char *id,
                                                         const struct nvme_controller *c);

/* Pattern into / check out of a region of any kind (device memory via RAM). */
int region_fill_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                        uint32_t blocks, uint64_t seed);
int region_check_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                         uint32_t blocks, uint64_t seed, struct pattern_mismatch *mismatch);
/* Byte-compares two regions (any kinds); returns the first differing offset or -1. */
int64_t region_compare(const struct nvme_region *a, const struct nvme_region *b, uint64_t bytes);

/* Adds "first mismatch" keys to a YAML block. */
void yaml_add_mismatch(struct tap_result *r, const struct pattern_mismatch *m);

#endif
