/* One NVDIMM persistent-memory range as the CPU sees it: 8-byte stores and loads, each write made durable by the chosen method and then by the NVDIMMs' flush hints, where the NFIT gives any. */
#ifndef NVMETAL_DRIVERS_NVDIMM_H
#define NVMETAL_DRIVERS_NVDIMM_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cache_flush.h"
#include "lib/nfit.h"

#define NVDIMM_MAX_HINTS 8u /* flush hint addresses written per range: one per NVDIMM */

struct nvdimm_range {
    uint16_t spa_index;
    uint64_t base, length;
    uint64_t hints[NVDIMM_MAX_HINTS]; /* the first flush hint of each NVDIMM mapped into it */
    unsigned hint_count;
    struct cache_flush_support cpu;
};

/* The range of SPA structure `r` and the flush hints of the NVDIMMs mapped into it. */
void nvdimm_range_open(const struct nfit_info *n, const struct nfit_range *r,
                       struct nvdimm_range *out);

/* `bytes` (a multiple of 8) from src to the range at `offset` (8-aligned, inside it), with
 * method m: cached stores then the line flush m, or non-temporal stores; then an SFENCE and a
 * write to each flush hint (which drains the memory controller's write queues), fenced again.
 * The caller has checked that the range may be written. */
void nvdimm_write(const struct nvdimm_range *r, uint64_t offset, const void *src, size_t bytes,
                  enum cache_write_method m);
/* 8-byte loads of the range into dst (a multiple of 8 bytes, 8-aligned offset). */
void nvdimm_read(const struct nvdimm_range *r, uint64_t offset, void *dst, size_t bytes);

#endif
