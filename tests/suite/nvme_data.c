/* Data helpers for NVMe tests: patterns staged through RAM for device memory, region comparison. */
#include "tests/suite/nvme_data.h"

#include "tests/suite/suite.h"

#include <stdlib.h>
#include <string.h>

const struct nvme_namespace *nvme_test_namespace(const struct nvme_controller *c)
{
    if (!c->namespace_count || c->namespaces[0].identity.size_blocks < LBA_AREAS_END)
        return NULL;
    return &c->namespaces[0];
}

const struct nvme_namespace *nvme_test_namespace_or_skip(const char *id,
                                                         const struct nvme_controller *c)
{
    const struct nvme_namespace *ns = nvme_test_namespace(c);
    if (!ns)
        suite_skip(id, c->name, "no namespace with %u blocks for the test LBA map", LBA_AREAS_END);
    return ns;
}

int region_fill_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                        uint32_t blocks, uint64_t seed)
{
    uint64_t bytes = (uint64_t)block_bytes * blocks;
    if (region->kind == NVME_MEMORY_HOST) {
        pattern_fill((void *)(uintptr_t)region->cpu, lba, block_bytes, blocks, seed);
        return 0;
    }
    void *staging = malloc(bytes);
    if (!staging)
        return -1;
    pattern_fill(staging, lba, block_bytes, blocks, seed);
    nvme_region_write(region, 0, staging, bytes);
    free(staging);
    return 0;
}

int region_check_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                         uint32_t blocks, uint64_t seed, struct pattern_mismatch *mismatch)
{
    uint64_t bytes = (uint64_t)block_bytes * blocks;
    if (region->kind == NVME_MEMORY_HOST)
        return pattern_check((const void *)(uintptr_t)region->cpu, lba, block_bytes, blocks, seed,
                             mismatch);
    void *staging = malloc(bytes);
    if (!staging)
        return -1;
    nvme_region_read(region, 0, staging, bytes);
    int result = pattern_check(staging, lba, block_bytes, blocks, seed, mismatch);
    free(staging);
    return result;
}

int64_t region_compare(const struct nvme_region *a, const struct nvme_region *b, uint64_t bytes)
{
    for (uint64_t offset = 0; offset < bytes; offset += 8)
        if (nvme_region_read64(a, offset) != nvme_region_read64(b, offset))
            return (int64_t)offset;
    return -1;
}

void yaml_add_mismatch(struct tap_result *r, const struct pattern_mismatch *m)
{
    tap_yaml_add(r, "first_mismatch_lba", "%llu", (unsigned long long)m->lba);
    tap_yaml_add(r, "offset_in_block", "%u", m->offset);
    tap_yaml_add(r, "expected", "0x%016llx", (unsigned long long)m->expected);
    tap_yaml_add(r, "got", "0x%016llx", (unsigned long long)m->got);
}
