/* Timed reads at a queue depth, the figures every read benchmark prints (IOPS, median and p99 latency), and its buffers. */
#ifndef NVMETAL_TESTS_READ_BENCH_H
#define NVMETAL_TESTS_READ_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/nvme/nvme.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/suite.h"

#define READ_BENCH_READS     2000u
#define READ_BENCH_MAX_DEPTH 16u
#define READ_BENCH_MAX_READ  (16u * 1024) /* four pages: its PRP list is the command slot's own */

struct read_bench_figures {
    unsigned long long iops, median_ns, p99_ns;
};

/* The namespace's format fits a benchmark read (no separate metadata buffer per command,
 * which would be an allocation inside the timed loop); else a SKIP separate_metadata. */
bool read_bench_format_or_skip(struct suite_case *t, const struct nvme_namespace *ns,
                               struct ns_data_format *f);

/* What the timed loop needs, allocated before it: a buffer per command in flight (the
 * largest read each) and the latency array. */
struct read_bench_memory {
    struct nvme_region buffers[READ_BENCH_MAX_DEPTH];
    uint64_t *latency;
};
int read_bench_alloc(struct nvme_controller *c, uint64_t buffer_bytes, struct read_bench_memory *m);
void read_bench_free(struct nvme_controller *c, struct read_bench_memory *m);

/* Keeps `depth` reads of `blocks` in flight (LBAs inside the test map) until READ_BENCH_READS
 * completed, each reaped as the I/O CQ says (polled, or on its interrupt). Returns 0, or -1
 * (c->error) when a read failed. */
int read_bench_run(struct nvme_controller *c, const struct nvme_namespace *ns, unsigned depth,
                   uint32_t blocks, struct read_bench_memory *m, struct read_bench_figures *out);

/* "# bench WHERE LABEL_qdD_iops=..." (median, p99 likewise) and the YAML keys LABEL_qdD_iops,
 * LABEL_qdD_median_ns, LABEL_qdD_p99_ns of the next point. */
void read_bench_report(struct suite_case *t, const char *label, unsigned depth,
                       const struct read_bench_figures *f);
/* read_bench_run and read_bench_report at QD 1, then at READ_BENCH_MAX_DEPTH, on t's
 * controller; false when a read failed (c->error). */
bool read_bench_depths(struct suite_case *t, const struct nvme_namespace *ns, uint32_t blocks,
                       struct read_bench_memory *m, const char *label);

#endif
