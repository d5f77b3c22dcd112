/* Region accessors: memcpy for host RAM, one 8-byte MMIO access at a time for CMB and PMR. */
#include "drivers/nvme/nvme_memory.h"

#include <string.h>

#include "arch/x86_64/mmio.h"
#include "lib/dma_pool.h"

const char *nvme_memory_kind_name(enum nvme_memory_kind kind)
{
    switch (kind) {
    case NVME_MEMORY_HOST: return "host";
    case NVME_MEMORY_CMB: return "CMB";
    case NVME_MEMORY_PMR: return "PMR";
    }
    return "?";
}

int nvme_host_alloc(uint64_t bytes, uint64_t align, struct nvme_region *out)
{
    struct page_pool *pool = dma_pool();
    uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t address = pool ? page_alloc(pool, pages, align) : 0;
    if (!address)
        return -1;
    *out = (struct nvme_region){NVME_MEMORY_HOST, address, address, pages * PAGE_SIZE};
    memset((void *)(uintptr_t)address, 0, pages * PAGE_SIZE);
    return 0;
}

void nvme_host_free(struct nvme_region *region)
{
    if (region->kind == NVME_MEMORY_HOST && region->bytes)
        page_free(dma_pool(), region->cpu, region->bytes / PAGE_SIZE);
    region->bytes = 0;
}

struct nvme_region nvme_region_slice(const struct nvme_region *region, uint64_t offset,
                                     uint64_t bytes)
{
    return (struct nvme_region){region->kind, region->cpu + offset, region->bus + offset, bytes};
}

static bool is_device(const struct nvme_region *region)
{
    return region->kind != NVME_MEMORY_HOST;
}

void nvme_region_write64(const struct nvme_region *region, uint64_t offset, uint64_t value)
{
    if (is_device(region))
        mmio_write64(region->cpu + offset, value);
    else
        *(volatile uint64_t *)(uintptr_t)(region->cpu + offset) = value;
}

uint64_t nvme_region_read64(const struct nvme_region *region, uint64_t offset)
{
    if (is_device(region))
        return mmio_read64(region->cpu + offset);
    return *(volatile uint64_t *)(uintptr_t)(region->cpu + offset);
}

void nvme_region_zero(const struct nvme_region *region)
{
    if (!is_device(region)) {
        memset((void *)(uintptr_t)region->cpu, 0, region->bytes);
        return;
    }
    for (uint64_t offset = 0; offset < region->bytes; offset += 8)
        mmio_write64(region->cpu + offset, 0);
}

void nvme_region_write(const struct nvme_region *region, uint64_t offset, const void *src,
                       uint64_t bytes)
{
    if (!is_device(region)) {
        memcpy((void *)(uintptr_t)(region->cpu + offset), src, bytes);
        return;
    }
    const uint8_t *from = src;
    for (uint64_t i = 0; i < bytes; i += 8) {
        uint64_t word;
        memcpy(&word, from + i, 8); /* RAM to register: the copy is on our side */
        mmio_write64(region->cpu + offset + i, word);
    }
}

void nvme_region_read(const struct nvme_region *region, uint64_t offset, void *dst,
                      uint64_t bytes)
{
    if (!is_device(region)) {
        memcpy(dst, (const void *)(uintptr_t)(region->cpu + offset), bytes);
        return;
    }
    uint8_t *to = dst;
    for (uint64_t i = 0; i < bytes; i += 8) {
        uint64_t word = mmio_read64(region->cpu + offset + i);
        memcpy(to + i, &word, 8);
    }
}

void nvme_region_write_width(const struct nvme_region *region, uint64_t offset, unsigned width,
                             uint64_t value)
{
    uint64_t address = region->cpu + offset;
    switch (width) {
    case 1: mmio_write8(address, (uint8_t)value); break;
    case 2: mmio_write16(address, (uint16_t)value); break;
    case 4: mmio_write32(address, (uint32_t)value); break;
    default: mmio_write64(address, value); break;
    }
}

uint64_t nvme_region_read_width(const struct nvme_region *region, uint64_t offset, unsigned width)
{
    uint64_t address = region->cpu + offset;
    switch (width) {
    case 1: return mmio_read8(address);
    case 2: return mmio_read16(address);
    case 4: return mmio_read32(address);
    default: return mmio_read64(address);
    }
}
