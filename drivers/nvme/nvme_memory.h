/* Memory the controller reads or writes: host RAM from the DMA pool, or device memory (CMB, PMR). */
#ifndef NVMETAL_DRIVERS_NVME_MEMORY_H
#define NVMETAL_DRIVERS_NVME_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nvme_memory_kind { NVME_MEMORY_HOST, NVME_MEMORY_CMB, NVME_MEMORY_PMR };

/* One contiguous region as the CPU sees it (cpu) and as the controller is told
 * to address it (bus). Device memory is touched only through width-exact
 * 8-byte accessors; host memory through plain stores. */
struct nvme_region {
    enum nvme_memory_kind kind;
    uint64_t cpu;
    uint64_t bus;
    uint64_t bytes;
};

const char *nvme_memory_kind_name(enum nvme_memory_kind kind); /* "host", "CMB", "PMR" */

/* Host pages from the DMA pool, zeroed; bus address = physical. Returns 0 or -1. */
int nvme_host_alloc(uint64_t bytes, uint64_t align, struct nvme_region *out);
void nvme_host_free(struct nvme_region *region);

/* A sub-range of a region (offset and bytes must lie inside it). */
struct nvme_region nvme_region_slice(const struct nvme_region *region, uint64_t offset,
                                     uint64_t bytes);

/* Offsets and lengths are multiples of 8 for device memory. */
void nvme_region_zero(const struct nvme_region *region);
void nvme_region_write(const struct nvme_region *region, uint64_t offset, const void *src,
                       uint64_t bytes);
void nvme_region_read(const struct nvme_region *region, uint64_t offset, void *dst,
                      uint64_t bytes);
void nvme_region_write64(const struct nvme_region *region, uint64_t offset, uint64_t value);
uint64_t nvme_region_read64(const struct nvme_region *region, uint64_t offset);

/* One access of exactly `width` bytes (1, 2, 4 or 8) at an offset aligned to it. */
void nvme_region_write_width(const struct nvme_region *region, uint64_t offset, unsigned width,
                             uint64_t value);
uint64_t nvme_region_read_width(const struct nvme_region *region, uint64_t offset,
                                unsigned width);

#endif
