/* The VT-d driver's API: take a remapping unit over, build its tables, invalidate, translate, catch faults. */
#ifndef NVMETAL_DRIVERS_VTD_H
#define NVMETAL_DRIVERS_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/vtd/vtd_fault.h"
#include "drivers/vtd/vtd_irte.h"
#include "drivers/vtd/vtd_pagetable.h"
#include "lib/dmar.h"

#define VTD_MAX_DOMAINS     64 /* one per NVMe source ID; also bounded by CAP.ND and the IOVA reach */
#define VTD_MAX_EXCLUSIONS  160 /* the interrupt window plus a CMB and a PMR per controller */
#define VTD_IOVA_BASE       0x1000000000ull /* 64 GiB: far from RAM, so IOVA != physical */
#define VTD_IOVA_SPAN       0x0800000000ull /* 32 GiB of IOVA per domain */
#define VTD_QUEUE_ENTRIES   256             /* one 4 KiB page of 16-byte descriptors */
#define VTD_IR_ENTRIES      256             /* one 4 KiB page of 16-byte IRTEs (IRTA.S = 7) */

struct vtd_unit;

/* One address space: a second-level page table and the IOVAs handed out in it. */
struct vtd_domain {
    struct vtd_unit *unit;
    uint16_t id;
    struct vtd_pagetable pagetable;
    uint64_t iova_next, iova_end;
};

enum vtd_invalidation { VTD_INVALIDATE_REGISTER, VTD_INVALIDATE_QUEUED };

struct vtd_unit {
    const struct dmar_unit *dmar;
    uint64_t base;
    uint64_t cap, ecap;
    uint32_t version;

    /* What firmware left, read before anything is touched. */
    uint32_t found_gsts, found_pmen, found_plmbase, found_plmlimit;
    uint64_t found_phmbase, found_phmlimit;

    unsigned levels;          /* second-level paging levels chosen from SAGAW */
    uint64_t root_table;      /* physical */
    uint64_t context_tables[256];
    enum vtd_invalidation invalidation;
    uint64_t queue;           /* physical base of the invalidation queue */
    unsigned queue_tail;      /* in descriptors */
    volatile uint32_t *wait_status; /* written by invalidation-wait descriptors */
    uint32_t wait_sequence;

    struct vtd_domain domains[VTD_MAX_DOMAINS];
    unsigned domain_count;
    struct { uint64_t base, bytes; } exclusions[VTD_MAX_EXCLUSIONS];
    unsigned exclusion_count;

    /* Interrupt remapping (vtd_ir_*): the table (physical, 0 until first enabled), and whether
     * it is in x2APIC mode (IRTA.EIME: 32-bit destinations). */
    uint64_t ir_table;
    bool ir_x2apic;

    bool translating;
    char error[200];
};

/* Reads VER/CAP/ECAP and what firmware left (GSTS, PMEN, PLMR/PHMR). */
int vtd_attach(struct vtd_unit *u, const struct dmar_unit *dmar);
/* Turns off what firmware left on (translation, queued invalidation, interrupt
 * remapping, protected memory regions), one GCMD operation at a time.
 * notes[] lists what was found on and turned off ("" when nothing was). */
int vtd_takeover(struct vtd_unit *u, char *notes, unsigned len);
/* Allocates the root table and picks the AGAW: 4 levels where SAGAW offers 48 bits, else 3. */
int vtd_prepare(struct vtd_unit *u);
/* Points the context entry for source ID `sid` at `domain`, or at pass-through
 * (translation type 2) when domain is NULL. Returns -1 when ECAP.PT is absent. */
int vtd_set_context(struct vtd_unit *u, uint16_t sid, const struct vtd_domain *domain);
/* A new domain with an empty page table; NULL (u->error says why) when the table, CAP.ND or
 * the unit's address width cannot hold another, or out of memory. */
struct vtd_domain *vtd_domain_create(struct vtd_unit *u);
/* IOVAs the allocator must never hand out (CMB/PMR windows, the interrupt range).
 * Returns -1 (u->error) when the table is full: an exclusion is never dropped. */
int vtd_exclude(struct vtd_unit *u, uint64_t base, uint64_t bytes);
/* Sets the root table pointer, invalidates everything, enables translation. */
int vtd_enable(struct vtd_unit *u);
/* Disables translation (GSTS.TES=0), leaving tables in memory. */
int vtd_disable(struct vtd_unit *u);

/* Maps physical pages at a fresh IOVA (never equal to the physical address, never
 * in an excluded window) and returns it, or 0. Invalidates as caching mode requires. */
uint64_t vtd_map(struct vtd_domain *d, uint64_t physical, uint64_t bytes, uint64_t permissions);
/* Maps at a chosen IOVA. */
int vtd_map_at(struct vtd_domain *d, uint64_t iova, uint64_t physical, uint64_t bytes,
               uint64_t permissions);
/* Removes the mapping and invalidates the IOTLB for it (page-selective where CAP.PSI). */
int vtd_unmap(struct vtd_domain *d, uint64_t iova, uint64_t bytes);
/* Invalidates the domain's IOTLB entries (page-selective when bytes != 0). */
int vtd_invalidate_iotlb(struct vtd_domain *d, uint64_t iova, uint64_t bytes);

/* Switches between register-based and queued invalidation (QIE). */
int vtd_use_invalidation(struct vtd_unit *u, enum vtd_invalidation how);

/* Interrupt remapping on: VTD_IR_ENTRIES entries, all not present; IRTA (EIME when x2apic:
 * ECAP.EIM needed), SIRTP, a global interrupt entry cache invalidation, IRE on, and
 * compatibility-format interrupts blocked (CFI=0) unless allow_compat. Turns queued
 * invalidation on first (the IEC has no register). Returns 0, or -1 (u->error) with IRE off. */
int vtd_ir_enable(struct vtd_unit *u, bool x2apic, bool allow_compat);
/* IRE off, then CFI off; the table stays in memory. */
int vtd_ir_disable(struct vtd_unit *u);
/* Compatibility-format interrupts pass (CFI=1) or are blocked (CFI=0) while IRE is on. */
int vtd_ir_allow_compat(struct vtd_unit *u, bool allow);
/* Writes entry `index` as the unit must see it: P cleared first, then the high qword, then the
 * low one with P; cache lines flushed. Does not invalidate (vtd_ir_invalidate does), so a case
 * can show what a stale cached entry does. Returns -1 (u->error) for an index past the table. */
int vtd_ir_write_entry(struct vtd_unit *u, unsigned index, struct vtd_irte e);
struct vtd_irte vtd_ir_read_entry(const struct vtd_unit *u, unsigned index);
/* Interrupt entry cache invalidation: of entry `index`, or of every entry when index < 0. */
int vtd_ir_invalidate(struct vtd_unit *u, int index);

/* Reads and clears every recorded fault; returns how many (up to max). */
unsigned vtd_collect_faults(struct vtd_unit *u, struct vtd_fault *out, unsigned max);

/* The live global status register (GSTS.TES shows translation is on). */
uint32_t vtd_read_gsts(const struct vtd_unit *u);

/* Decoded CAP, ECAP, GSTS, PMEN, FSTS lines for diagnostics and YAML. */
void vtd_format_registers(const struct vtd_unit *u, char *out, unsigned len);

#endif
