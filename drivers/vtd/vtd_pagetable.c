/* VT-d second-level page tables (VT-d 3.x 9.8): map, unmap and look up IOVAs through 3 or 4 levels. */
#include "drivers/vtd/vtd_pagetable.h"

#include <stddef.h>

#define ENTRIES_PER_TABLE 512u
#define BITS_PER_LEVEL 9u
#define PAGE_SHIFT 12u
/* An entry is present when it grants anything: VT-d has no separate present bit. */
#define PTE_PRESENT (VTD_PTE_READ | VTD_PTE_WRITE)
/* The address field is bits 51:12, so nothing at or above this can be mapped. */
#define PHYSICAL_LIMIT (1ull << 52)

/* Level 1 entries map 4 KiB, level 2 2 MiB, level 3 1 GiB, level 4 512 GiB. */
static unsigned level_shift(unsigned level)
{
    return PAGE_SHIFT + BITS_PER_LEVEL * (level - 1);
}

static uint64_t level_bytes(unsigned level)
{
    return 1ull << level_shift(level);
}

static unsigned entry_index(unsigned level, uint64_t iova)
{
    return (unsigned)(iova >> level_shift(level)) & (ENTRIES_PER_TABLE - 1);
}

/* The first IOVA past the region that iova's entry at `level` covers. */
static uint64_t region_end(uint64_t iova, unsigned level)
{
    return (iova | (level_bytes(level) - 1)) + 1;
}

/* 2^39 for 3 levels, 2^48 for 4: one level above the top covers the whole table. */
static uint64_t table_reach(const struct vtd_pagetable *pt)
{
    return level_bytes(pt->levels + 1);
}

static bool levels_supported(unsigned levels)
{
    return levels == 3 || levels == 4;
}

static bool is_present(uint64_t entry)
{
    return (entry & PTE_PRESENT) != 0;
}

/* A present entry that maps memory rather than pointing at the next table. PS means a large
 * page only at levels 2 and 3; at level 1 every entry is a leaf. */
static bool is_leaf(uint64_t entry, unsigned level)
{
    return level == 1 || ((level == 2 || level == 3) && (entry & VTD_PTE_LARGE));
}

static uint64_t *table_of(const struct vtd_pagetable *pt, uint64_t physical)
{
    return pt->table_at(pt->ctx, physical);
}

static uint64_t *child_table(const struct vtd_pagetable *pt, uint64_t entry)
{
    return table_of(pt, entry & VTD_PTE_ADDRESS_MASK);
}

static void write_back(const struct vtd_pagetable *pt, const void *cpu, uint64_t bytes)
{
    if (pt->flush)
        pt->flush(pt->ctx, cpu, bytes);
}

/* One 64-bit store, so the unit never reads half an entry, then written back for units that
 * do not snoop the CPU's caches. */
static void write_entry(const struct vtd_pagetable *pt, uint64_t *entry, uint64_t value)
{
    *(volatile uint64_t *)entry = value;
    write_back(pt, entry, sizeof *entry);
}

/* A zeroed page for a table, or 0. A page the address field cannot hold exactly is refused
 * (and lost: there is no way to hand it back), since using it would set reserved bits. */
static uint64_t new_table(struct vtd_pagetable *pt)
{
    uint64_t page = pt->alloc_page(pt->ctx);
    if (page == 0 || (page & ~VTD_PTE_ADDRESS_MASK) != 0)
        return 0;
    pt->tables_allocated++;
    return page;
}

/* The table an upper-level entry points to, linking a new empty one when the entry is empty. */
static uint64_t *next_table(struct vtd_pagetable *pt, uint64_t *entry)
{
    if (is_present(*entry))
        return child_table(pt, *entry);
    uint64_t page = new_table(pt);
    if (page == 0)
        return NULL;
    uint64_t *table = table_of(pt, page);
    /* The zeros must reach memory before the unit can follow the link: stale bytes below a
     * cached zero page would read as present entries. */
    write_back(pt, table, VTD_PAGE_4K);
    /* Non-leaf entries grant both; the leaf decides, and a bit missing above would fault. */
    write_entry(pt, entry, page | PTE_PRESENT);
    return table;
}

/* Descends from the root towards iova and returns the first entry that is empty or a leaf,
 * with its level. *granted (when given) is what every entry on the way allows, as the unit
 * checks R and W at each level. */
static uint64_t *deepest_entry(const struct vtd_pagetable *pt, uint64_t iova, unsigned *level,
                               uint64_t *granted)
{
    uint64_t *table = table_of(pt, pt->root);
    uint64_t allowed = PTE_PRESENT;
    for (unsigned at = pt->levels;; at--) {
        uint64_t *entry = &table[entry_index(at, iova)];
        allowed &= *entry;
        if (!is_present(*entry) || is_leaf(*entry, at)) {
            *level = at;
            if (granted)
                *granted = allowed;
            return entry;
        }
        table = child_table(pt, *entry);
    }
}

/* The entry at leaf_level for iova, linking tables on the way down; NULL when a table cannot
 * be allocated or a leaf is in the way. */
static uint64_t *leaf_slot(struct vtd_pagetable *pt, uint64_t iova, unsigned leaf_level)
{
    uint64_t *table = table_of(pt, pt->root);
    for (unsigned level = pt->levels; level > leaf_level; level--) {
        uint64_t *entry = &table[entry_index(level, iova)];
        if (is_present(*entry) && is_leaf(*entry, level))
            return NULL;
        table = next_table(pt, entry);
        if (!table)
            return NULL;
    }
    return &table[entry_index(leaf_level, iova)];
}

/* True when any page of [iova, end) is mapped. An empty upper entry clears its whole region. */
static bool any_mapped(const struct vtd_pagetable *pt, uint64_t iova, uint64_t end)
{
    while (iova < end) {
        unsigned level;
        if (is_present(*deepest_entry(pt, iova, &level, NULL)))
            return true;
        iova = region_end(iova, level);
    }
    return false;
}

/* Replaces a large leaf at `level` with a table of leaves one level down that map the same
 * memory with the same rights (2 MiB leaves under a 1 GiB one, 4 KiB under a 2 MiB one). */
static int split_leaf(struct vtd_pagetable *pt, uint64_t *entry, unsigned level)
{
    uint64_t page = new_table(pt);
    if (page == 0)
        return -1;
    uint64_t *table = table_of(pt, page);
    unsigned child_level = level - 1;
    uint64_t first = *entry & VTD_PTE_ADDRESS_MASK & ~(level_bytes(level) - 1);
    uint64_t flags = (*entry & PTE_PRESENT) | (child_level > 1 ? VTD_PTE_LARGE : 0);
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        table[i] = (first + i * level_bytes(child_level)) | flags;
    write_back(pt, table, VTD_PAGE_4K);
    write_entry(pt, entry, page | PTE_PRESENT);
    return 0;
}

/* Clears every leaf in [iova, end) (4 KiB aligned, within reach) and returns the bytes they
 * mapped. Tables left empty stay linked: freeing them would need a page-free callback and
 * an invalidation of the unit's paging-structure caches, which is not worth it for the few
 * tables nvmetal builds. */
static uint64_t clear_range(struct vtd_pagetable *pt, uint64_t iova, uint64_t end)
{
    uint64_t cleared = 0;
    while (iova < end) {
        unsigned level;
        uint64_t *entry = deepest_entry(pt, iova, &level, NULL);
        uint64_t next = region_end(iova, level);
        if (!is_present(*entry)) {
            iova = next;
            continue;
        }
        if (next - level_bytes(level) == iova && next <= end) {
            write_entry(pt, entry, 0);
            cleared += level_bytes(level);
            iova = next;
            continue;
        }
        /* Only part of a large leaf goes: split it, then walk again into the new table. */
        if (split_leaf(pt, entry, level) == 0)
            continue;
        /* No page for the split. Revoking more than asked makes the rest fault visibly,
         * where keeping the whole leaf would leave the device the access being taken away. */
        write_entry(pt, entry, 0);
        cleared += (next < end ? next : end) - iova;
        iova = next;
    }
    return cleared;
}

int vtd_pagetable_init(struct vtd_pagetable *pt, unsigned levels, uint64_t (*alloc_page)(void *),
                       uint64_t *(*table_at)(void *, uint64_t),
                       void (*flush)(void *, const void *, uint64_t), void *ctx)
{
    /* levels stays 0 until the root exists, so a table whose init failed refuses every call. */
    *pt = (struct vtd_pagetable){
        .alloc_page = alloc_page,
        .table_at = table_at,
        .flush = flush,
        .ctx = ctx,
    };
    if (!levels_supported(levels) || !alloc_page || !table_at)
        return -1;
    uint64_t root = new_table(pt);
    if (root == 0)
        return -1;
    write_back(pt, table_of(pt, root), VTD_PAGE_4K);
    pt->root = root;
    pt->levels = levels;
    return 0;
}

/* A 2 MiB leaf fits where both addresses sit on a 2 MiB boundary and 2 MiB remain. */
static bool large_leaf_fits(uint64_t iova, uint64_t physical, uint64_t remaining)
{
    return ((iova | physical) & (VTD_PAGE_2M - 1)) == 0 && remaining >= VTD_PAGE_2M;
}

int vtd_pagetable_map(struct vtd_pagetable *pt, uint64_t iova, uint64_t physical, uint64_t bytes,
                      uint64_t permissions)
{
    if (!levels_supported(pt->levels) || ((iova | physical | bytes) & (VTD_PAGE_4K - 1)) != 0)
        return -1;
    /* No rights would be an empty entry; any other bit is one nvmetal does not mean to set. */
    if (permissions == 0 || (permissions & ~PTE_PRESENT) != 0)
        return -1;
    uint64_t reach = table_reach(pt);
    if (iova >= reach || bytes > reach - iova)
        return -1;
    if (physical >= PHYSICAL_LIMIT || bytes > PHYSICAL_LIMIT - physical)
        return -1;
    uint64_t end = iova + bytes;
    if (any_mapped(pt, iova, end))
        return -1;

    for (uint64_t at = iova; at < end;) {
        uint64_t target = physical + (at - iova);
        bool large = large_leaf_fits(at, target, end - at);
        uint64_t *entry = leaf_slot(pt, at, large ? 2 : 1);
        /* A level-2 entry that is present here is a table an earlier unmap emptied (leaves
         * were ruled out above): fill it with 4 KiB leaves rather than orphan it. */
        if (large && entry && is_present(*entry)) {
            large = false;
            entry = leaf_slot(pt, at, 1);
        }
        if (!entry) {
            /* Take back the leaves this call wrote (whole ones: nothing to split). Tables it
             * linked stay, empty, as after an unmap. */
            clear_range(pt, iova, at);
            return -1;
        }
        write_entry(pt, entry, target | permissions | (large ? VTD_PTE_LARGE : 0));
        at += large ? VTD_PAGE_2M : VTD_PAGE_4K;
    }
    return 0;
}

uint64_t vtd_pagetable_unmap(struct vtd_pagetable *pt, uint64_t iova, uint64_t bytes)
{
    if (!levels_supported(pt->levels) || bytes == 0)
        return 0;
    uint64_t reach = table_reach(pt);
    if (iova >= reach)
        return 0;
    uint64_t end = bytes > reach - iova ? reach : iova + bytes;
    /* Whole pages: every page the range touches is cleared. reach is page aligned, so
     * rounding end up cannot pass it. */
    iova &= ~(VTD_PAGE_4K - 1);
    end = (end + VTD_PAGE_4K - 1) & ~(VTD_PAGE_4K - 1);
    return clear_range(pt, iova, end);
}

bool vtd_pagetable_lookup(const struct vtd_pagetable *pt, uint64_t iova, uint64_t *physical,
                          uint64_t *permissions)
{
    if (!levels_supported(pt->levels) || iova >= table_reach(pt))
        return false;
    unsigned level;
    uint64_t granted;
    uint64_t entry = *deepest_entry(pt, iova, &level, &granted);
    if (!is_present(entry))
        return false;
    uint64_t offset_mask = level_bytes(level) - 1;
    if (physical)
        *physical = (entry & VTD_PTE_ADDRESS_MASK & ~offset_mask) | (iova & offset_mask);
    if (permissions)
        *permissions = granted;
    return true;
}
