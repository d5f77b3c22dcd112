/* VT-d driver internals shared by its files: register access, cache flushes, invalidation. */
#ifndef NVMETAL_DRIVERS_VTD_INTERNAL_H
#define NVMETAL_DRIVERS_VTD_INTERNAL_H

#include "drivers/vtd/vtd.h"

/* drivers/vtd/vtd_reg_access.c: calls nothing else of the driver. */
uint32_t vtd_read32(const struct vtd_unit *u, uint64_t offset);
void vtd_write32(const struct vtd_unit *u, uint64_t offset, uint32_t value);
uint64_t vtd_read64(const struct vtd_unit *u, uint64_t offset);
void vtd_write64(const struct vtd_unit *u, uint64_t offset, uint64_t value);
int vtd_wait32(struct vtd_unit *u, uint64_t offset, uint32_t mask, uint32_t value, const char *what);
/* One GCMD operation: the persistent bits as GSTS has them, `bit` set or cleared, then the
 * bounded wait for GSTS to show it (one-shot bits: their completion). */
int vtd_global_command(struct vtd_unit *u, uint32_t bit, bool on, const char *what);
/* drivers/vtd/vtd_memory.c */
void vtd_flush_cpu_cache(const struct vtd_unit *u, const void *cpu, uint64_t bytes);
uint64_t vtd_alloc_table_page(void *ctx);

/* drivers/vtd/vtd_invalidate.c */
int vtd_invalidate_context_all(struct vtd_unit *u);
int vtd_invalidate_iotlb_all(struct vtd_unit *u);
/* The interrupt entry cache: every entry (index < 0), or 2^mask entries from index; queued
 * invalidation only (VT-d has no register for it). */
int vtd_invalidate_iec(struct vtd_unit *u, int index, unsigned mask);

#endif
