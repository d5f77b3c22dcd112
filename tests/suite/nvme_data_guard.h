/* Data guard: before a namespace's first write, look where the cases would write for a partition table or a filesystem. */
#ifndef NVMETAL_TESTS_NVME_DATA_GUARD_H
#define NVMETAL_TESTS_NVME_DATA_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "drivers/nvme/nvme.h"

/* What the guard saw on one namespace, read once per controller and NSID before the image
 * wrote anything there (later calls return the same record, so the image's own writes never
 * change it). */
struct nvme_data_verdict {
    bool found;      /* what[] lists each structure found and its LBA */
    bool unreadable; /* what[] says which read failed: such a namespace is not written */
    char what[200];  /* empty when nothing was found */
    uint64_t end;    /* LBAs [0, end) were read (every LBA a write case uses) ... */
    uint64_t last;   /* ... and this one, the last (== end - 1 when it lay inside) */
};

/* Reads LBAs [0, LBA_AREAS_END) and the last LBA of `ns` and looks for a partition table or
 * a known filesystem (lib/disk_signature.h); the first call prints a "# data guard:" line when
 * something was found. NULL only when the heap cannot hold the record. */
const struct nvme_data_verdict *nvme_data_guard_look(struct nvme_controller *c,
                                                     const struct nvme_namespace *ns);

/* NULL when the data cases may write `ns`: nothing found, or `over_data` (config
 * allow_write_over_data) says to write over what was found (said once on the console).
 * Otherwise the SKIP code (data_found, guard_unreadable, guard_no_heap: tests/suite/suite.h)
 * and why[] naming what was found, or the read that failed; over_data never writes a
 * namespace the guard could not read. */
const char *nvme_data_guard(struct nvme_controller *c, const struct nvme_namespace *ns,
                            bool over_data, char *why, size_t len);

#endif
