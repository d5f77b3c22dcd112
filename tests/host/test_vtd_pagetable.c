/* Host tests for drivers/vtd/vtd_pagetable.c: tables built in simulated memory and read back as a non-snooping unit would. */
#include "check.h"
#include "drivers/vtd/vtd_pagetable.h"

#include <stdbool.h>

#define SIM_PAGES 256
#define SIM_BASE 0x100000ull /* physical address of the first simulated page */
#define ENTRIES 512
#define RW (VTD_PTE_READ | VTD_PTE_WRITE)
#define GIB (1ull << 30)
/* Every bit a table entry written by nvmetal may hold. */
#define ALLOWED_BITS (VTD_PTE_ADDRESS_MASK | RW | VTD_PTE_LARGE)

/* Two views of the same pages: what the CPU wrote, and what the unit reads, which changes only
 * when a range is flushed. The unit's view starts as garbage, so a table page that was never
 * flushed after zeroing shows up as a difference. */
static uint64_t cpu_memory[SIM_PAGES][ENTRIES];
static uint64_t unit_memory[SIM_PAGES][ENTRIES];
static uint64_t scratch_page[ENTRIES];

static struct sim {
    unsigned pages_used;
    unsigned allocations_left;
    unsigned entry_flushes, page_flushes;
    bool odd_flush; /* a flush that was neither one entry nor one whole page */
} sim;

static void sim_reset(unsigned allocations)
{
    memset(cpu_memory, 0x5a, sizeof cpu_memory);
    memset(unit_memory, 0xa5, sizeof unit_memory);
    sim = (struct sim){.allocations_left = allocations};
}

static uint64_t sim_alloc_page(void *ctx)
{
    struct sim *s = ctx;
    if (s->allocations_left == 0 || s->pages_used == SIM_PAGES)
        return 0;
    s->allocations_left--;
    memset(cpu_memory[s->pages_used], 0, sizeof cpu_memory[0]);
    return SIM_BASE + VTD_PAGE_4K * s->pages_used++;
}

static unsigned page_number(uint64_t physical)
{
    return (unsigned)((physical - SIM_BASE) / VTD_PAGE_4K);
}

static bool is_sim_page(uint64_t physical)
{
    return physical >= SIM_BASE && (physical & (VTD_PAGE_4K - 1)) == 0 &&
           page_number(physical) < sim.pages_used;
}

static uint64_t *sim_table_at(void *ctx, uint64_t physical)
{
    if (!is_sim_page(physical)) {
        check_fail(__FILE__, __LINE__, "table_at(0x%llx): not an allocated page",
                   (unsigned long long)physical);
        return scratch_page;
    }
    return cpu_memory[page_number(physical)];
}

static void sim_flush(void *ctx, const void *cpu, uint64_t bytes)
{
    struct sim *s = ctx;
    size_t offset = (size_t)((const uint8_t *)cpu - (const uint8_t *)cpu_memory);
    if ((const uint8_t *)cpu < (const uint8_t *)cpu_memory || offset + bytes > sizeof cpu_memory) {
        s->odd_flush = true;
        return;
    }
    if (bytes == sizeof(uint64_t) && offset % sizeof(uint64_t) == 0)
        s->entry_flushes++;
    else if (bytes == VTD_PAGE_4K && offset % VTD_PAGE_4K == 0)
        s->page_flushes++;
    else
        s->odd_flush = true;
    memcpy((uint8_t *)unit_memory + offset, cpu, bytes);
}

static const uint64_t *unit_page(uint64_t physical)
{
    if (!is_sim_page(physical)) {
        check_fail(__FILE__, __LINE__, "the unit would read 0x%llx: not a table page",
                   (unsigned long long)physical);
        return scratch_page;
    }
    return unit_memory[page_number(physical)];
}

/* The entry the unit reads at `level` for iova, walking the flushed memory from the root;
 * 0 when the walk stops above that level. Written independently of the module on purpose. */
static uint64_t unit_entry(const struct vtd_pagetable *pt, uint64_t iova, unsigned level)
{
    uint64_t table = pt->root;
    for (unsigned at = pt->levels;; at--) {
        uint64_t entry = unit_page(table)[(iova >> (12 + 9 * (at - 1))) & (ENTRIES - 1)];
        if (at == level)
            return entry;
        if (!(entry & RW) || (at <= 3 && (entry & VTD_PTE_LARGE)))
            return 0;
        table = entry & VTD_PTE_ADDRESS_MASK;
    }
}

/* What the unit sees equals what the CPU wrote in every table page, every flush was of one
 * entry or one page, and no entry has a bit nvmetal never means to set. */
#define CHECK_UNIT_VIEW()                                                                     \
    do {                                                                                      \
        CHECK(!sim.odd_flush);                                                                \
        CHECK(memcmp(cpu_memory, unit_memory, sim.pages_used * VTD_PAGE_4K) == 0);            \
        unsigned stray_ = 0;                                                                  \
        for (unsigned p_ = 0; p_ < sim.pages_used; p_++)                                      \
            for (unsigned e_ = 0; e_ < ENTRIES; e_++)                                         \
                stray_ += (cpu_memory[p_][e_] & ~ALLOWED_BITS) != 0;                          \
        CHECK_EQ_U64(stray_, 0);                                                              \
    } while (0)

static struct vtd_pagetable new_table(unsigned levels, unsigned allocations)
{
    struct vtd_pagetable pt;
    sim_reset(allocations);
    CHECK_EQ_U64(vtd_pagetable_init(&pt, levels, sim_alloc_page, sim_table_at, sim_flush, &sim),
                 0);
    return pt;
}

#define UNLIMITED SIM_PAGES

/* lookup gives this physical address and these rights, or (rights 0) finds nothing. */
#define CHECK_LOOKUP(pt, iova, expected_physical, expected_rights)                        \
    do {                                                                                  \
        uint64_t physical_ = 0xdead, rights_ = 0xdead;                                    \
        bool found_ = vtd_pagetable_lookup((pt), (iova), &physical_, &rights_);           \
        CHECK_EQ_U64(found_, (expected_rights) != 0);                                     \
        if (found_ && (expected_rights) != 0) {                                           \
            CHECK_EQ_U64(physical_, (expected_physical));                                 \
            CHECK_EQ_U64(rights_, (expected_rights));                                     \
        }                                                                                 \
    } while (0)

static void init_checks_levels(void)
{
    struct vtd_pagetable pt;
    sim_reset(UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_init(&pt, 2, sim_alloc_page, sim_table_at, sim_flush, &sim),
                 (uint64_t)-1);
    CHECK_EQ_U64(vtd_pagetable_init(&pt, 5, sim_alloc_page, sim_table_at, sim_flush, &sim),
                 (uint64_t)-1);
    CHECK_EQ_U64(sim.pages_used, 0);

    pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(pt.levels, 3);
    CHECK_EQ_U64(pt.root, SIM_BASE);
    CHECK_EQ_U64(pt.tables_allocated, 1);
    CHECK_EQ_U64(sim.page_flushes, 1); /* the zeroed root reached memory */
    CHECK_UNIT_VIEW();
    CHECK_LOOKUP(&pt, 0, 0, 0);

    sim_reset(0);
    CHECK_EQ_U64(vtd_pagetable_init(&pt, 4, sim_alloc_page, sim_table_at, sim_flush, &sim),
                 (uint64_t)-1);
    /* A table whose init failed refuses everything instead of walking from address 0. */
    sim.allocations_left = UNLIMITED;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x2000, 0x1000, RW), (uint64_t)-1);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x1000, 0x1000), 0);
    CHECK_LOOKUP(&pt, 0x1000, 0, 0);
    CHECK_EQ_U64(sim.pages_used, 0);

    /* A coherent unit needs no flush callback. */
    sim_reset(UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_init(&pt, 4, sim_alloc_page, sim_table_at, NULL, &sim), 0);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x2000, 0x1000, RW), 0);
    CHECK_LOOKUP(&pt, 0x1000, 0x2000, RW);
    CHECK_EQ_U64(sim.entry_flushes + sim.page_flushes, 0);
}

static void map_4k_three_levels(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x12345000, 0x1000, VTD_PTE_READ), 0);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    /* Upper entries point at the next table with both rights; the leaf has only what was asked. */
    CHECK_EQ_U64(unit_entry(&pt, 0x1000, 3), (SIM_BASE + 0x1000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x1000, 2), (SIM_BASE + 0x2000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x1000, 1), 0x12345000 | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, 0x0000, 1), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x2000, 1), 0);
    CHECK_UNIT_VIEW();
    CHECK_LOOKUP(&pt, 0x1000, 0x12345000, VTD_PTE_READ);
    CHECK_LOOKUP(&pt, 0x1abc, 0x12345abc, VTD_PTE_READ);
    CHECK_LOOKUP(&pt, 0x0fff, 0, 0);
    CHECK_LOOKUP(&pt, 0x2000, 0, 0);

    /* Top index 511, middle 511, leaf 511: the last page of a 39-bit space. */
    uint64_t last = (1ull << 39) - 0x1000;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, last, 0xfffff000, 0x1000, VTD_PTE_WRITE), 0);
    CHECK_EQ_U64(unit_entry(&pt, last, 1), 0xfffff000 | VTD_PTE_WRITE);
    CHECK_LOOKUP(&pt, last + 0xff8, 0xfffffff8, VTD_PTE_WRITE);
    CHECK_EQ_U64(pt.tables_allocated, 5);
    CHECK_UNIT_VIEW();
}

static void map_4k_four_levels(void)
{
    struct vtd_pagetable pt = new_table(4, UNLIMITED);
    /* Above 2^39, where a 3-level table cannot reach. */
    uint64_t iova = 0x0000abcd12345000ull;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, iova, 0x3ffff000, 0x3000, RW), 0);
    CHECK_EQ_U64(pt.tables_allocated, 4);
    CHECK_EQ_U64(unit_entry(&pt, iova, 4), (SIM_BASE + 0x1000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, iova, 3), (SIM_BASE + 0x2000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, iova, 2), (SIM_BASE + 0x3000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, iova, 1), 0x3ffff000 | RW);
    CHECK_EQ_U64(unit_entry(&pt, iova + 0x2000, 1), 0x40001000 | RW);
    CHECK_LOOKUP(&pt, iova + 0x1234, 0x40000234, RW);
    CHECK_LOOKUP(&pt, iova + 0x3000, 0, 0);
    /* The same low 39 bits under another top-level index are a different address. */
    CHECK_LOOKUP(&pt, iova & ((1ull << 39) - 1), 0, 0);
    CHECK_UNIT_VIEW();
}

static void map_2m_leaves(void)
{
    struct vtd_pagetable pt = new_table(4, UNLIMITED);
    /* 4 MiB + 8 KiB with everything 2 MiB aligned: two large leaves, then two small ones. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, GIB, 0x80000000, 0x402000, RW), 0);
    CHECK_EQ_U64(pt.tables_allocated, 4);
    CHECK_EQ_U64(unit_entry(&pt, GIB, 2), 0x80000000 | VTD_PTE_LARGE | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x200000, 2), 0x80200000 | VTD_PTE_LARGE | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x400000, 2), (SIM_BASE + 0x3000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x400000, 1), 0x80400000 | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x401000, 1), 0x80401000 | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x402000, 1), 0);
    CHECK_LOOKUP(&pt, GIB, 0x80000000, RW);
    CHECK_LOOKUP(&pt, GIB + 0x1fffff, 0x801fffff, RW);
    CHECK_LOOKUP(&pt, GIB + 0x3ff123, 0x803ff123, RW);
    CHECK_LOOKUP(&pt, GIB + 0x401fff, 0x80401fff, RW);
    CHECK_LOOKUP(&pt, GIB + 0x402000, 0, 0);
    CHECK_LOOKUP(&pt, GIB - 1, 0, 0);
    CHECK_UNIT_VIEW();

    /* Physical 4 KiB off a 2 MiB boundary: small leaves only, under a table entry. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x80601000, 0x200000, VTD_PTE_READ), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x200000, 2) & (VTD_PTE_LARGE | RW), RW);
    unsigned leaves = 0;
    for (uint64_t iova = 0x200000; iova < 0x400000; iova += 0x1000)
        leaves += unit_entry(&pt, iova, 1) == ((0x80601000 + iova - 0x200000) | VTD_PTE_READ);
    CHECK_EQ_U64(leaves, 512);

    /* IOVA off a boundary with physical on one: small leaves as well. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x601000, 0x80800000, 0x200000, VTD_PTE_READ), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x601000, 1), 0x80800000 | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, 0x800000, 1), 0x809ff000 | VTD_PTE_READ);

    /* A 3-level table takes large leaves in its level-2 tables too. */
    pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x7fe00000, 0x7fe00000, 0x200000, VTD_PTE_WRITE), 0);
    CHECK_EQ_U64(pt.tables_allocated, 2);
    CHECK_EQ_U64(unit_entry(&pt, 0x7fe00000, 3), (SIM_BASE + 0x1000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x7fe00000, 2), 0x7fe00000 | VTD_PTE_LARGE | VTD_PTE_WRITE);
    CHECK_LOOKUP(&pt, 0x7fffffff, 0x7fffffff, VTD_PTE_WRITE);
    CHECK_UNIT_VIEW();
}

/* Refused calls must not allocate, write or flush anything. */
static uint64_t memory_before[SIM_PAGES][ENTRIES];
#define CHECK_REFUSED(pt, call)                                                          \
    do {                                                                                 \
        memcpy(memory_before, cpu_memory, sizeof memory_before);                         \
        struct sim sim_before_ = sim;                                                    \
        unsigned tables_before_ = (pt)->tables_allocated;                                \
        CHECK_EQ_U64((call), (uint64_t)-1);                                              \
        CHECK(memcmp(memory_before, cpu_memory, sizeof memory_before) == 0);             \
        CHECK_EQ_U64(sim.pages_used, sim_before_.pages_used);                            \
        CHECK_EQ_U64(sim.entry_flushes + sim.page_flushes,                               \
                     sim_before_.entry_flushes + sim_before_.page_flushes);              \
        CHECK_EQ_U64((pt)->tables_allocated, tables_before_);                            \
    } while (0)

static void reach_and_arguments(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    uint64_t top = 1ull << 39;
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, top, 0x1000, 0x1000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, top - 0x1000, 0x1000, 0x2000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1000, 0xfffffffffffff000ull, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1800, 0x1000, 0x1000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1010, 0x1000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1000, 0x1001, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1000, 0x1000, 0));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1000, 0x1000, RW | VTD_PTE_LARGE));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 0x1000, 0x1000, 1ull << 11));
    /* Physical addresses stop at bit 51. */
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, 1ull << 52, 0x1000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x1000, (1ull << 52) - 0x1000, 0x2000, RW));
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, (1ull << 52) - 0x1000, 0x1000, RW), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x1000, 1), 0x000ffffffffff000ull | RW);
    CHECK_LOOKUP(&pt, top, 0, 0);
    CHECK_LOOKUP(&pt, ~0ull, 0, 0);
    /* Nothing to map is not an error, and maps nothing. */
    unsigned tables = pt.tables_allocated;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x1000, 0, RW), 0);
    CHECK_EQ_U64(pt.tables_allocated, tables);

    pt = new_table(4, UNLIMITED);
    top = 1ull << 48;
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, top, 0x200000, 0x200000, RW));
    CHECK_EQ_U64(vtd_pagetable_map(&pt, top - 0x200000, 0x200000, 0x200000, RW), 0);
    CHECK_EQ_U64(unit_entry(&pt, top - 0x200000, 2), 0x200000 | VTD_PTE_LARGE | RW);
    CHECK_LOOKUP(&pt, top - 1, 0x3fffff, RW);
    CHECK_LOOKUP(&pt, top, 0, 0);
    CHECK_UNIT_VIEW();
}

static void overlap_refused(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x40000000, 0x400000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x800000, 0x50000000, 0x8000, RW), 0);
    /* Ends one page into a large leaf; starts under an empty level-2 entry, so a refusal that
     * came late would already have linked a table. */
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x100000, 0x60000000, 0x101000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x5ff000, 0x60000000, 0x1000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x200000, 0x40000000, 0x200000, RW));
    /* Ends on the last small page; starts on the last one. */
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x7fe000, 0x60000000, 0x3000, RW));
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, 0x807000, 0x60000000, 0x2000, RW));
    CHECK_LOOKUP(&pt, 0x100000, 0, 0);
    CHECK_LOOKUP(&pt, 0x7fe000, 0, 0);
    CHECK_LOOKUP(&pt, 0x808000, 0, 0);
    CHECK_LOOKUP(&pt, 0x5ff000, 0x403ff000, RW);
    /* Right next to the mappings is free. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x808000, 0x60000000, 0x1000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1ff000, 0x60001000, 0x1000, RW), 0);
    CHECK_UNIT_VIEW();
}

static void unmap_splits_a_large_leaf(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x40000000, 0x200000, RW), 0);
    CHECK_EQ_U64(pt.tables_allocated, 2);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x201000, 0x1000), 0x1000);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    CHECK_EQ_U64(unit_entry(&pt, 0x200000, 2), (SIM_BASE + 0x2000) | RW); /* PS gone */
    CHECK_EQ_U64(unit_entry(&pt, 0x200000, 1), 0x40000000 | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x201000, 1), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x202000, 1), 0x40002000 | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x3ff000, 1), 0x401ff000 | RW);
    CHECK_LOOKUP(&pt, 0x200fff, 0x40000fff, RW);
    CHECK_LOOKUP(&pt, 0x201000, 0, 0);
    CHECK_LOOKUP(&pt, 0x3ff800, 0x401ff800, RW);
    CHECK_UNIT_VIEW();

    /* The rest goes page by page: 511 pages were still mapped. */
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x200000, 0x200000), 0x1ff000);
    CHECK_LOOKUP(&pt, 0x200000, 0, 0);
    CHECK_LOOKUP(&pt, 0x3ff000, 0, 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x200000, 0x200000), 0);
    CHECK_UNIT_VIEW();

    /* The emptied table stays linked and is filled again, without a new allocation. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x80000000, 0x200000, VTD_PTE_READ), 0);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    CHECK_EQ_U64(unit_entry(&pt, 0x200000, 2), (SIM_BASE + 0x2000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, 0x3ff000, 1), 0x801ff000 | VTD_PTE_READ);
    CHECK_LOOKUP(&pt, 0x300000, 0x80100000, VTD_PTE_READ);
    CHECK_UNIT_VIEW();

    /* An unmap covering a whole large leaf clears it without splitting. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x400000, 0x80200000, 0x200000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x3ff000, 0x202000), 0x201000);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    CHECK_EQ_U64(unit_entry(&pt, 0x400000, 2), 0);
    CHECK_LOOKUP(&pt, 0x3fe000, 0x801fe000, VTD_PTE_READ);
    CHECK_UNIT_VIEW();
}

static void unmap_rounds_and_clamps(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x9000, 0x2000, RW), 0);
    /* A few bytes in a page take the whole page. */
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x1800, 0x10), 0x1000);
    CHECK_LOOKUP(&pt, 0x1000, 0, 0);
    CHECK_LOOKUP(&pt, 0x2000, 0xa000, RW);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x1fff, 2), 0x1000);
    CHECK_LOOKUP(&pt, 0x2000, 0, 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x1000, 0), 0);

    uint64_t last = (1ull << 39) - 0x1000;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, last, 0x9000, 0x1000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 1ull << 39, 0x1000), 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, last, ~0ull), 0x1000);
    CHECK_LOOKUP(&pt, last, 0, 0);
    CHECK_UNIT_VIEW();
}

/* A 1 GiB leaf as a unit reads it; nvmetal never writes one, but must walk and split one. */
static void one_gib_leaf(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    uint64_t *root = sim_table_at(&sim, pt.root);
    root[1] = 0x80000000 | VTD_PTE_LARGE | VTD_PTE_READ;
    sim_flush(&sim, &root[1], 8);
    CHECK_LOOKUP(&pt, GIB + 0x12345678, 0x92345678, VTD_PTE_READ);
    CHECK_LOOKUP(&pt, 2 * GIB, 0, 0);
    CHECK_REFUSED(&pt, vtd_pagetable_map(&pt, GIB + 0x3ff00000, 0x1000, 0x1000, RW));

    /* Unmapping one page splits it twice: 2 MiB leaves, then 4 KiB ones under the second. */
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, GIB + 0x201000, 0x1000), 0x1000);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    CHECK_EQ_U64(unit_entry(&pt, GIB, 3), (SIM_BASE + 0x1000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB, 2), 0x80000000 | VTD_PTE_LARGE | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x200000, 2), (SIM_BASE + 0x2000) | RW);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x400000, 2), 0x80400000 | VTD_PTE_LARGE | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x3fe00000, 2),
                 0xbfe00000 | VTD_PTE_LARGE | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x200000, 1), 0x80200000 | VTD_PTE_READ);
    CHECK_EQ_U64(unit_entry(&pt, GIB + 0x201000, 1), 0);
    CHECK_LOOKUP(&pt, GIB + 0x201000, 0, 0);
    CHECK_LOOKUP(&pt, GIB + 0x202345, 0x80202345, VTD_PTE_READ);
    CHECK_LOOKUP(&pt, GIB + 0x12345678, 0x92345678, VTD_PTE_READ);
    CHECK_UNIT_VIEW();
}

/* The unit checks R and W at every level, so lookup reports only what all of them allow. */
static void rights_are_checked_at_every_level(void)
{
    struct vtd_pagetable pt = new_table(4, UNLIMITED);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x5000, 0x1000, RW), 0);
    uint64_t *root = sim_table_at(&sim, pt.root);
    root[0] &= ~VTD_PTE_WRITE;
    CHECK_LOOKUP(&pt, 0x1000, 0x5000, VTD_PTE_READ);
    root[0] &= ~VTD_PTE_READ;
    CHECK_LOOKUP(&pt, 0x1000, 0, 0);
}

static void allocation_failure_rolls_back(void)
{
    /* Room for the root, one level-2 and one level-1 table: the third page of the range needs
     * a second level-1 table. */
    struct vtd_pagetable pt = new_table(3, 3);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1fe000, 0x40000000, 0x4000, RW), (uint64_t)-1);
    CHECK_EQ_U64(pt.tables_allocated, 3);
    CHECK_EQ_U64(unit_entry(&pt, 0x1fe000, 1), 0);
    CHECK_EQ_U64(unit_entry(&pt, 0x1ff000, 1), 0);
    CHECK_LOOKUP(&pt, 0x1fe000, 0, 0);
    CHECK_LOOKUP(&pt, 0x1ff000, 0, 0);
    CHECK_UNIT_VIEW();
    /* With one more page the same call succeeds, reusing the tables already linked. */
    sim.allocations_left = 1;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1fe000, 0x40000000, 0x4000, RW), 0);
    CHECK_EQ_U64(pt.tables_allocated, 4);
    CHECK_LOOKUP(&pt, 0x1fe000, 0x40000000, RW);
    CHECK_LOOKUP(&pt, 0x201000, 0x40003000, RW);
    CHECK_UNIT_VIEW();

    /* A large leaf mapped before the failure goes too; what was there before stays. */
    pt = new_table(3, 2);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x7000, 0x1000, RW), (uint64_t)-1);
    sim.allocations_left = 1;
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x1000, 0x7000, 0x1000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, GIB - 0x200000, 0x40000000, 0x201000, RW), (uint64_t)-1);
    CHECK_EQ_U64(unit_entry(&pt, GIB - 0x200000, 2), 0);
    CHECK_LOOKUP(&pt, GIB - 0x200000, 0, 0);
    CHECK_LOOKUP(&pt, 0x1000, 0x7000, RW);
    CHECK_UNIT_VIEW();
}

/* With no page to split into, the whole large leaf goes: the device loses more than asked
 * (and faults visibly) rather than keep the access being revoked. */
static void split_failure_revokes_the_whole_leaf(void)
{
    struct vtd_pagetable pt = new_table(3, 2);
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x40000000, 0x200000, RW), 0);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x201000, 0x1000), 0x1000);
    CHECK_EQ_U64(unit_entry(&pt, 0x200000, 2), 0);
    CHECK_LOOKUP(&pt, 0x200000, 0, 0);
    CHECK_LOOKUP(&pt, 0x3ff000, 0, 0);
    CHECK_UNIT_VIEW();
}

static void every_write_is_flushed(void)
{
    struct vtd_pagetable pt = new_table(3, UNLIMITED);
    CHECK_EQ_U64(sim.page_flushes, 1);
    CHECK_EQ_U64(sim.entry_flushes, 0);
    /* Two new tables (each flushed whole, then linked) and three leaves. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0, 0x10000, 0x3000, RW), 0);
    CHECK_EQ_U64(sim.page_flushes, 3);
    CHECK_EQ_U64(sim.entry_flushes, 5);
    CHECK_UNIT_VIEW();
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0, 0x3000), 0x3000);
    CHECK_EQ_U64(sim.entry_flushes, 8);
    CHECK_UNIT_VIEW();
    /* A split: the new table filled and flushed whole, then the one entry that links it. */
    CHECK_EQ_U64(vtd_pagetable_map(&pt, 0x200000, 0x200000, 0x200000, RW), 0);
    CHECK_EQ_U64(sim.entry_flushes, 9);
    CHECK_EQ_U64(vtd_pagetable_unmap(&pt, 0x200000, 0x1000), 0x1000);
    CHECK_EQ_U64(sim.page_flushes, 4);
    CHECK_EQ_U64(sim.entry_flushes, 11);
    CHECK_UNIT_VIEW();
}

static const struct check_case cases[] = {
    CHECK_CASE(init_checks_levels),
    CHECK_CASE(map_4k_three_levels),
    CHECK_CASE(map_4k_four_levels),
    CHECK_CASE(map_2m_leaves),
    CHECK_CASE(reach_and_arguments),
    CHECK_CASE(overlap_refused),
    CHECK_CASE(unmap_splits_a_large_leaf),
    CHECK_CASE(unmap_rounds_and_clamps),
    CHECK_CASE(one_gib_leaf),
    CHECK_CASE(rights_are_checked_at_every_level),
    CHECK_CASE(allocation_failure_rolls_back),
    CHECK_CASE(split_failure_revokes_the_whole_leaf),
    CHECK_CASE(every_write_is_flushed),
};

int main(void)
{
    return CHECK_RUN("vtd_pagetable", cases);
}
