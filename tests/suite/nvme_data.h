/* Data helpers for NVMe tests: the LBA map, how a namespace's format is driven, patterned buffers, verified transfers. */
#ifndef NVMETAL_TESTS_NVME_DATA_H
#define NVMETAL_TESTS_NVME_DATA_H

#include "drivers/nvme/nvme.h"
#include "lib/pattern.h"
#include "lib/tap.h"
#include "tests/suite/nvme_fixture.h"

/* Each area of tests writes its own LBAs, so no test reads another's leftovers. */
#define LBA_AREA_IO_VERIFY 0u
#define LBA_AREA_CMB       4096u
#define LBA_AREA_COPY      8192u
#define LBA_AREA_PMR_DMA   12288u
#define LBA_AREA_FORMAT    14336u /* metadata, protection, Write Zeroes, deallocation, multipath */
#define LBA_AREA_FORMAT_SLOT 256u  /* each of those cases has 256 blocks from FORMAT + k * SLOT */
#define LBA_AREAS_END      16384u

/* How the data cases drive one namespace: on a PI namespace with 8 bytes of metadata the
 * controller inserts and checks the PI (PRACT); any other metadata is carried by the host,
 * interleaved (extended LBA) or in a separate buffer, with the metadata pattern. */
struct ns_data_format {
    uint8_t prinfo;          /* for every Read and Write of the data cases */
    uint32_t block_bytes;    /* per block in the data buffer: the pattern block size */
    uint32_t metadata_bytes; /* per block in a separate metadata buffer; 0 = none */
};

/* Policy (tests/suite/nvme_data_policy.c). Why the data cases cannot run on a namespace: the
 * SKIP code (tests/suite/suite.h) with the reason in why[], or NULL when they can: unusable,
 * too small for the LBA map, metadata not a multiple of 8 bytes. `writes`: also a zoned
 * namespace (written only at its write pointer, by the nvme.zns cases), one whose controller
 * allow_write does not name, and one where the data guard found a partition table or
 * filesystem (tests/suite/nvme_data_guard.h). */
const char *ns_data_refusal(const struct suite_context *ctx, struct nvme_controller *c,
                            const struct nvme_namespace *ns, bool writes, char *why, size_t len);
/* The value keys of a refusal's SKIP (problem; serial, denied; found) on the next point. */
void ns_refusal_keys(struct suite_case *t, struct nvme_controller *c,
                     const struct nvme_namespace *ns, const char *code);
/* ns_data_refusal, reported as a SKIP of the current point; true when it may run. */
bool ns_data_allowed_or_skip(struct suite_case *t, struct nvme_controller *c,
                             const struct nvme_namespace *ns, bool writes);
void ns_data_format(const struct nvme_namespace *ns, struct ns_data_format *out);
/* The format as one opcode sees it (Compare carries PI-only metadata itself; see the .c). */
void ns_data_format_for(const struct nvme_namespace *ns, uint8_t opcode,
                        struct ns_data_format *out);
/* The first namespace the data cases can read (writes: and write) on c, for the cases that
 * test a controller feature (CMB, PMR, VT-d) rather than a namespace; NULL when none. */
const struct nvme_namespace *nvme_test_namespace(const struct suite_context *ctx,
                                                 struct nvme_controller *c, bool writes);
/* The same, reporting a SKIP of the current point when there is none. */
const struct nvme_namespace *nvme_test_namespace_or_skip(struct suite_case *t,
                                                         struct nvme_controller *c, bool writes);
/* Blocks of `f` that fit in `bytes` and in one command (MDTS); at least 1 when one block fits. */
uint32_t ns_blocks_fitting(const struct nvme_controller *c, const struct ns_data_format *f,
                           uint64_t bytes);

/* Read or Write of `blocks` at `lba` in the namespace's data format. A separate metadata
 * buffer, where the format has one, is allocated beside the data (in the CMB when the data
 * is there) and, on a write, filled with the metadata pattern of `seed`. Returns the status
 * field, or -1 (c->error). */
int ns_data_io(struct nvme_controller *c, const struct nvme_namespace *ns, uint8_t opcode,
               uint64_t lba, uint32_t blocks, const struct nvme_region *data,
               const struct nvme_region *list, uint64_t seed);
/* A one-command raw form of the same for cases that change fields before submitting
 * (metadata kept in *metadata for the caller to free with nvme_free). */
int ns_data_prepare(struct nvme_controller *c, const struct nvme_namespace *ns, uint8_t opcode,
                    uint64_t lba, uint32_t blocks, const struct nvme_region *data,
                    const struct nvme_region *list, struct nvme_region *metadata,
                    struct nvme_command *cmd);

/* Pattern into / check out of a region of any kind (device memory via RAM). */
int region_fill_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                        uint32_t blocks, uint64_t seed);
int region_check_pattern(const struct nvme_region *region, uint64_t lba, uint32_t block_bytes,
                         uint32_t blocks, uint64_t seed, struct pattern_mismatch *mismatch);
/* Byte-compares two regions (any kinds); returns the first differing offset or -1. */
int64_t region_compare(const struct nvme_region *a, const struct nvme_region *b, uint64_t bytes);

/* Adds "first mismatch" keys to a YAML block. */
void yaml_add_mismatch(struct suite_case *t, const struct pattern_mismatch *m);
/* Adds the namespace's format keys (lba_format, block_bytes, metadata_bytes, extended_lba,
 * pi_type, csi) to a YAML block. */
void yaml_add_format(struct suite_case *t, const struct nvme_namespace *ns);

#endif
