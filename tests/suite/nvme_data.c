/* Data helpers for NVMe tests: format-driven transfers with their metadata, patterns staged through RAM for device memory. */
#include "tests/suite/nvme_data.h"

#include "drivers/nvme/nvme_format.h"
#include "tests/suite/suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ns_data_format(const struct nvme_namespace *ns, struct ns_data_format *out)
{
    ns_data_format_for(ns, NVME_IO_READ, out);
}

void ns_data_format_for(const struct nvme_namespace *ns, uint8_t opcode,
                        struct ns_data_format *out)
{
    const struct nvme_namespace_identity *id = &ns->identity;
    out->prinfo = 0;
    /* PI-only metadata: the controller generates it on writes and checks it on reads. The
     * reference tag is only defined for types 1 and 2. Compare goes without: QEMU refuses
     * PRACT there (Invalid Protection Information), so the host carries the PI, unchecked. */
    if (id->pi_type && id->metadata_bytes == 8 && opcode != NVME_IO_COMPARE)
        out->prinfo = NVME_PRINFO_PRACT | NVME_PRINFO_CHECK_GUARD |
                      (id->pi_type != 3 ? NVME_PRINFO_CHECK_REF : 0);
    struct nvme_transfer_layout layout;
    char why[96];
    nvme_transfer_layout(id, out->prinfo, &layout, why); /* prinfo is only set with PI */
    out->block_bytes = layout.data_bytes_per_block;
    out->metadata_bytes = layout.metadata_bytes_per_block;
}

uint32_t ns_blocks_fitting(const struct nvme_controller *c, const struct ns_data_format *f,
                           uint64_t bytes)
{
    uint64_t limit = nvme_max_transfer_bytes(c);
    if (bytes > limit)
        bytes = limit;
    return (uint32_t)(bytes / f->block_bytes);
}

/* The separate metadata buffer for `blocks` (none when the format carries none). */
static int metadata_for(struct nvme_controller *c, const struct ns_data_format *f,
                        const struct nvme_region *data, uint32_t blocks,
                        struct nvme_region *metadata)
{
    metadata->bytes = 0;
    if (!f->metadata_bytes)
        return 0;
    /* The controller takes metadata from where it takes the data: CMB data, CMB metadata. */
    enum nvme_memory_kind kind = data->kind == NVME_MEMORY_CMB ? NVME_MEMORY_CMB : NVME_MEMORY_HOST;
    return nvme_alloc(c, kind, (uint64_t)blocks * f->metadata_bytes, metadata);
}

static void fill_metadata(const struct nvme_region *metadata, uint64_t lba,
                          const struct ns_data_format *f, uint32_t blocks, uint64_t seed)
{
    uint64_t bytes = (uint64_t)blocks * f->metadata_bytes;
    if (metadata->kind == NVME_MEMORY_HOST) {
        pattern_fill_metadata((void *)(uintptr_t)metadata->cpu, lba, f->metadata_bytes, blocks,
                              seed);
        return;
    }
    void *staging = malloc(bytes);
    if (!staging)
        return; /* zeros stay: the read-back check of the metadata case would show it */
    pattern_fill_metadata(staging, lba, f->metadata_bytes, blocks, seed);
    nvme_region_write(metadata, 0, staging, bytes);
    free(staging);
}

static struct nvme_io data_io(const struct nvme_namespace *ns, const struct ns_data_format *f,
                              uint8_t opcode, uint64_t lba, uint32_t blocks,
                              const struct nvme_region *data, const struct nvme_region *list,
                              const struct nvme_region *metadata)
{
    return (struct nvme_io){.opcode = opcode, .nsid = ns->nsid, .lba = lba, .blocks = blocks,
                            .data = data, .list = list,
                            .metadata = metadata->bytes ? metadata : NULL, .prinfo = f->prinfo,
                            .reference_tag = (uint32_t)lba};
}

int ns_data_io(struct nvme_controller *c, const struct nvme_namespace *ns, uint8_t opcode,
               uint64_t lba, uint32_t blocks, const struct nvme_region *data,
               const struct nvme_region *list, uint64_t seed)
{
    struct ns_data_format f;
    ns_data_format_for(ns, opcode, &f);
    struct nvme_region metadata;
    if (metadata_for(c, &f, data, blocks, &metadata) != 0)
        return -1;
    if (metadata.bytes && opcode == NVME_IO_WRITE)
        fill_metadata(&metadata, lba, &f, blocks, seed);
    struct nvme_io io = data_io(ns, &f, opcode, lba, blocks, data, list, &metadata);
    int status = nvme_io_run(c, &io, NULL);
    nvme_free(c, &metadata);
    return status;
}

int ns_data_prepare(struct nvme_controller *c, const struct nvme_namespace *ns, uint8_t opcode,
                    uint64_t lba, uint32_t blocks, const struct nvme_region *data,
                    const struct nvme_region *list, struct nvme_region *metadata,
                    struct nvme_command *cmd)
{
    struct ns_data_format f;
    ns_data_format_for(ns, opcode, &f);
    if (metadata_for(c, &f, data, blocks, metadata) != 0)
        return -1;
    struct nvme_io io = data_io(ns, &f, opcode, lba, blocks, data, list, metadata);
    if (nvme_prepare_io(c, &io, cmd) == 0)
        return 0;
    nvme_free(c, metadata);
    return -1;
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

void yaml_add_mismatch(struct suite_case *t, const struct pattern_mismatch *m)
{
    report_yaml(t, "first_mismatch_lba", "%llu", (unsigned long long)m->lba);
    report_yaml(t, "offset_in_block", "%u", m->offset);
    report_yaml(t, "expected", "0x%016llx", (unsigned long long)m->expected);
    report_yaml(t, "got", "0x%016llx", (unsigned long long)m->got);
}

void yaml_add_format(struct suite_case *t, const struct nvme_namespace *ns)
{
    const struct nvme_namespace_identity *id = &ns->identity;
    report_yaml(t, "lba_format", "%u", id->lba_format);
    report_yaml(t, "block_bytes", "%u", id->block_bytes);
    report_yaml(t, "metadata_bytes", "%u", id->metadata_bytes);
    report_yaml(t, "extended_lba", "%s", id->extended_lba ? "true" : "false");
    report_yaml(t, "pi_type", "%u", id->pi_type);
    report_yaml(t, "csi", "0x%02x", ns->csi);
}
