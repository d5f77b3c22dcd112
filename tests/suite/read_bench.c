/* Timed reads: a fixed number at a queue depth, latencies sorted for the median and p99, IOPS over the whole run; nothing allocated inside the loop. */
#include "tests/suite/read_bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_format.h"
#include "tests/suite/nvme_data.h"

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static unsigned long long tsc_to_ns(uint64_t ticks, uint64_t hz)
{
    return (unsigned long long)((unsigned __int128)ticks * 1000000000u / hz);
}

bool read_bench_format_or_skip(struct suite_case *t, const struct nvme_namespace *ns,
                               struct ns_data_format *f)
{
    ns_data_format(ns, f);
    if (!f->metadata_bytes)
        return true;
    char format[64];
    report_skip(t, "separate_metadata", "format %s needs a separate metadata buffer per read",
                nvme_format_describe(&ns->identity, format, sizeof(format)));
    return false;
}

int read_bench_alloc(struct nvme_controller *c, uint64_t buffer_bytes, struct read_bench_memory *m)
{
    *m = (struct read_bench_memory){0};
    m->latency = malloc(READ_BENCH_READS * sizeof(uint64_t));
    if (!m->latency)
        return -1;
    for (unsigned b = 0; b < READ_BENCH_MAX_DEPTH; b++)
        if (nvme_alloc(c, NVME_MEMORY_HOST, buffer_bytes, &m->buffers[b]) != 0)
            return -1;
    return 0;
}

void read_bench_free(struct nvme_controller *c, struct read_bench_memory *m)
{
    for (unsigned b = 0; b < READ_BENCH_MAX_DEPTH; b++)
        if (m->buffers[b].bytes)
            nvme_free(c, &m->buffers[b]);
    free(m->latency);
    m->latency = NULL;
}

int read_bench_run(struct nvme_controller *c, const struct nvme_namespace *ns, unsigned depth,
                   uint32_t blocks, struct read_bench_memory *m, struct read_bench_figures *out)
{
    uint64_t span = LBA_AREAS_END / blocks; /* stay inside the test LBA map */
    uint64_t submitted_at[READ_BENCH_MAX_DEPTH];
    uint16_t slot_of_command[READ_BENCH_MAX_DEPTH] = {0}; /* 0: free (command IDs start at 1) */
    unsigned issued = 0, done = 0;
    if (depth > READ_BENCH_MAX_DEPTH)
        depth = READ_BENCH_MAX_DEPTH;
    uint64_t start = rdtsc();
    while (done < READ_BENCH_READS) {
        while (issued < READ_BENCH_READS && issued - done < depth) {
            /* Completions may come back in any order: take a slot no command holds. */
            unsigned slot = 0;
            while (slot_of_command[slot] != 0)
                slot++;
            struct nvme_command cmd;
            struct nvme_region no_metadata;
            if (ns_data_prepare(c, ns, NVME_IO_READ, (issued % span) * blocks, blocks,
                                &m->buffers[slot], NULL, &no_metadata, &cmd) != 0 ||
                nvme_submit(c, &c->io, &cmd) != 0)
                return -1;
            submitted_at[slot] = rdtsc();
            slot_of_command[slot] = cmd.command_id;
            issued++;
        }
        struct nvme_completion cpl;
        if (nvme_reap(c, &c->io, &cpl) != 0 || (cpl.status >> 1) != 0)
            return -1;
        uint64_t now = rdtsc();
        for (unsigned slot = 0; slot < depth; slot++) {
            if (slot_of_command[slot] == cpl.command_id) {
                m->latency[done++] = now - submitted_at[slot];
                slot_of_command[slot] = 0;
                break;
            }
        }
    }
    uint64_t elapsed = rdtsc() - start;
    qsort(m->latency, READ_BENCH_READS, sizeof(uint64_t), compare_u64);
    uint64_t hz = timer_tsc_hz();
    out->iops = (uint64_t)READ_BENCH_READS * hz / (elapsed ? elapsed : 1);
    out->median_ns = tsc_to_ns(m->latency[READ_BENCH_READS / 2], hz);
    out->p99_ns = tsc_to_ns(m->latency[READ_BENCH_READS * 99 / 100], hz);
    return 0;
}

void read_bench_report(struct suite_case *t, const char *label, unsigned depth,
                       const struct read_bench_figures *f)
{
    /* The diagnostic lines are what make bench reads; the same figures go in the point's YAML
     * for TAP consumers (never on its line: they differ on every run). */
    tap_diag("bench %s %s_qd%u_iops=%llu", report_prefix(t), label, depth, f->iops);
    tap_diag("bench %s %s_qd%u_median_ns=%llu", report_prefix(t), label, depth, f->median_ns);
    tap_diag("bench %s %s_qd%u_p99_ns=%llu", report_prefix(t), label, depth, f->p99_ns);
    char key[48];
    snprintf(key, sizeof(key), "%s_qd%u_iops", label, depth);
    report_yaml(t, key, "%llu", f->iops);
    snprintf(key, sizeof(key), "%s_qd%u_median_ns", label, depth);
    report_yaml(t, key, "%llu", f->median_ns);
    snprintf(key, sizeof(key), "%s_qd%u_p99_ns", label, depth);
    report_yaml(t, key, "%llu", f->p99_ns);
}

bool read_bench_depths(struct suite_case *t, const struct nvme_namespace *ns, uint32_t blocks,
                       struct read_bench_memory *m, const char *label)
{
    static const unsigned depths[] = {1, READ_BENCH_MAX_DEPTH};
    for (unsigned d = 0; d < 2; d++) {
        struct read_bench_figures f;
        if (read_bench_run(t->c, ns, depths[d], blocks, m, &f) != 0)
            return false;
        read_bench_report(t, label, depths[d], &f);
    }
    return true;
}
