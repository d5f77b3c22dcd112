/* Platform test cases: ACPI tables the firmware handed over, and the memory we reserved before exit. */
#include <stdio.h>
#include <string.h>

#include "lib/dma_pool.h"
#include "tests/suite/suite.h"

/* 16 signatures, 80 characters: one diagnostic line of a long root table's list. */
#define ROOT_SIGNATURES_PER_LINE 16

static void acpi_rsdp(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct acpi_platform *a = ctx->acpi;
    if (a->rsdp_why[0]) {
        report_yaml(t, "rsdp_address", "0x%llx", (unsigned long long)a->rsdp_address);
        report_yaml(t, "reason", "%s", a->rsdp_why);
        report_fail(t, "RSDP unusable");
        return;
    }
    /* Where the firmware put its tables is its allocation, not a property of the test:
     * the address goes in the YAML, so the point's line is the same on every boot. */
    report_yaml(t, "rsdp_address", "0x%llx", (unsigned long long)a->rsdp_address);
    report_yaml(t, "root_table_address", "0x%llx",
                 (unsigned long long)(a->rsdp.xsdt_address ? a->rsdp.xsdt_address
                                                           : a->rsdp.rsdt_address));
    report_pass(t, "revision %u, OEM \"%s\", root table %s", a->rsdp.revision,
                    a->rsdp.oem_id, a->rsdp.xsdt_address ? "XSDT" : "RSDT");
}

/* Entries [first, end) of the root table, space-separated, into out. */
static void join_signatures(const struct acpi_platform *a, unsigned first, unsigned end,
                            char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = first; i < end && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i > first ? " " : "",
                                 a->table_signatures[i]);
}

static void acpi_root_table(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct acpi_platform *a = ctx->acpi;
    const char *name = a->using_xsdt ? "XSDT" : "RSDT";
    if (a->root_why[0]) {
        report_yaml(t, "table", "%s at 0x%llx", name, (unsigned long long)a->root_address);
        report_yaml(t, "reason", "%s", a->root_why);
        report_fail(t, "%s unusable", name);
        return;
    }
    /* The signatures on the point's line while they fit it; a server's 60-100 do not, and
     * then every one goes to diagnostic lines first, so none is cut off the description. */
    char head[48], list[TAP_DESCRIPTION_LEN];
    snprintf(head, sizeof(head), "%s lists %u tables: ", name, a->table_count);
    if (strlen(head) + 5 * (size_t)a->table_count <= sizeof(list)) {
        join_signatures(a, 0, a->table_count, list, sizeof(list));
        report_pass(t, "%s%s", head, list);
        return;
    }
    unsigned lines = 0;
    for (unsigned first = 0; first < a->table_count; first += ROOT_SIGNATURES_PER_LINE, lines++) {
        unsigned end = first + ROOT_SIGNATURES_PER_LINE < a->table_count
                           ? first + ROOT_SIGNATURES_PER_LINE : a->table_count;
        join_signatures(a, first, end, list, sizeof(list));
        tap_diag("acpi: %s entries %u..%u: %s", name, first, end - 1, list);
    }
    report_yaml(t, "root_table", "%s", name);
    report_yaml(t, "tables", "%u", a->table_count);
    report_pass(t, "%s lists %u tables, every signature in the %u lines above", name,
               a->table_count, lines);
}

static void acpi_mcfg(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct acpi_platform *a = ctx->acpi;
    if (!a->has_mcfg) {
        report_skip(t, "no_mcfg", "%s: PCI uses CF8/CFC, extended config space unreachable",
                   a->mcfg_why);
        return;
    }
    if (a->mcfg_why[0]) {
        report_yaml(t, "reason", "%s", a->mcfg_why);
        report_fail(t, "MCFG rejected; PCI falls back to CF8/CFC");
        return;
    }
    const struct acpi_mcfg_allocation *m = &a->mcfg[0];
    report_pass(t, "%u ECAM region%s, first: segment %u buses %02x-%02x at 0x%llx",
               a->mcfg_count, a->mcfg_count == 1 ? "" : "s", m->segment, m->bus_start,
               m->bus_end, (unsigned long long)m->base);
}

/* Returns the index of the map region wholly containing [base, base+bytes), or -1. */
static int containing_region(const struct boot_info *b, uint64_t base, uint64_t bytes)
{
    for (unsigned i = 0; i < b->memory_map_count; i++) {
        const struct boot_memory_region *r = &b->memory_map[i];
        uint64_t end = r->physical_start + r->pages * 4096u;
        if (base >= r->physical_start && base + bytes <= end)
            return (int)i;
    }
    return -1;
}

static void check_reservation(struct suite_case *t, const char *what, uint64_t base,
                              uint64_t bytes)
{
    const struct boot_info *b = t->ctx->boot;
    report_prefix_push(t, "%s", what);
    int region = containing_region(b, base, bytes);
    if (region >= 0 && b->memory_map[region].type == BOOT_MEMORY_LOADER_DATA) {
        /* The firmware picks the addresses (they move with the image's size): YAML only. */
        report_yaml(t, "range", "0x%llx..0x%llx", (unsigned long long)base,
                     (unsigned long long)(base + bytes - 1));
        report_yaml(t, "map_region", "%d", region);
        report_pass(t, "lies in EfiLoaderData of the final memory map");
        report_prefix_pop(t);
        return;
    }
    report_yaml(t, "expected", "an EfiLoaderData region holding 0x%llx..0x%llx",
                 (unsigned long long)base, (unsigned long long)(base + bytes - 1));
    if (region >= 0)
        report_yaml(t, "got", "region %d of type %u", region, b->memory_map[region].type);
    else
        report_yaml(t, "got", "no single region of %u holds it", b->memory_map_count);
    report_fail(t, "reservation not where the firmware said it would be");
    report_prefix_pop(t);
}

static void memory_reservations(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct boot_info *b = ctx->boot;
    if (b->memory_map_count == 0) {
        report_fail(t, "no memory map was captured");
        return;
    }
    check_reservation(t, "dma-pool", b->dma_pool_base, b->dma_pool_bytes);
    check_reservation(t, "heap", b->heap_base, b->heap_bytes);
}

static void exit_boot_services(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct boot_info *b = ctx->boot;
    /* What the firmware said before it let go (read from its variables before the exit):
     * whether it only starts signed images. */
    static const char *const flag[] = {"absent", "0", "1"};
    report_yaml(t, "secure_boot", "%s", flag[b->secure_boot + 1]);
    report_yaml(t, "setup_mode", "%s", flag[b->setup_mode + 1]);
    if (!ctx->config->exit_boot_services) {
        report_skip(t, "exit_boot_services_off",
                    "exit_boot_services = no: firmware keeps the machine");
        return;
    }
    /* main bails out before the suite when the exit failed, so reaching here
     * with the flag clear would be a bookkeeping bug worth failing on. */
    if (!b->boot_services_exited) {
        report_yaml(t, "boot_error", "%s", b->boot_error);
        report_fail(t, "boot services still active");
        return;
    }
    /* How many tries the exit took depends on firmware events racing it, and the map's size
     * on the firmware's allocations: both are measurements, kept out of the point's line. */
    report_yaml(t, "get_memory_map_attempts", "%u", b->exit_boot_services_attempts);
    report_yaml(t, "memory_map_regions", "%u", b->memory_map_count);
    report_pass(t, "firmware released the machine; the final memory map was kept");
}

static bool page_in_use(const struct page_pool *pool, size_t page)
{
    return (pool->bitmap[page / 8] >> (page % 8)) & 1;
}

/* The largest alignment (2 MiB at most) at which `pages` free pages lie in a row inside the
 * pool, read from the bitmap (not from page_alloc, the allocator under test): a small pool
 * (dma_pool_mb = 1) may hold no 2 MiB boundary, and what already runs holds some pages. 0
 * when no run is free at any alignment. */
static uint64_t run_alignment(const struct page_pool *pool, size_t pages)
{
    for (uint64_t align = 2u << 20; align >= PAGE_SIZE; align >>= 1) {
        uint64_t first = (pool->base + align - 1) & ~(align - 1);
        for (uint64_t at = first; at + pages * PAGE_SIZE <= pool->base + (uint64_t)pool->pages * PAGE_SIZE;
             at += align) {
            size_t start = (size_t)((at - pool->base) / PAGE_SIZE), used = 0;
            for (size_t k = 0; k < pages && !used; k++)
                used = page_in_use(pool, start + k);
            if (!used)
                return align;
        }
    }
    return 0;
}

/* The allocator hands out aligned, disjoint, writable runs inside the pool and takes them back. */
static void dma_pool_pages(struct suite_case *t)
{
    report_prefix_push(t, "dma-pool");
    struct page_pool *pool = dma_pool();
    const size_t big_pages = 16;
    size_t free_before = pool->free_pages;
    uint64_t pool_end = pool->base + (uint64_t)pool->pages * PAGE_SIZE;
    report_yaml(t, "pool", "0x%llx..0x%llx", (unsigned long long)pool->base,
                 (unsigned long long)pool_end - 1);
    report_yaml(t, "pool_pages", "%zu", pool->pages);
    report_yaml(t, "free_pages_before", "%zu", free_before);
    if (free_before < big_pages + 1) {
        report_yaml(t, "pages_needed", "%zu", big_pages + 1);
        report_fail(t, "the pool has too few free pages for the case "
                   "(dma_pool_mb is too small for what already runs)");
        return;
    }
    uint64_t one = page_alloc(pool, 1, 0);
    /* Asked for at the largest alignment a free run has now, after the single page. */
    const uint64_t big_align = run_alignment(pool, big_pages);
    report_yaml(t, "run", "%zu pages aligned to %llu KiB", big_pages,
                (unsigned long long)(big_align >> 10));
    uint64_t big = big_align ? page_alloc(pool, big_pages, big_align) : 0;
    report_yaml(t, "one_page", "0x%llx", (unsigned long long)one);
    report_yaml(t, "aligned_run", "0x%llx", (unsigned long long)big);
    const char *problem = NULL;
    if (one && !big_align)
        problem = "no 16 free pages lie in a row in the pool after the single page";
    else if (!one || !big)
        problem = "the allocator returned no page or no aligned run although enough pages were free";
    else if (one < pool->base || one >= pool_end || big < pool->base ||
             big + big_pages * PAGE_SIZE > pool_end)
        problem = "an allocation lies outside the pool";
    else if (big & (big_align - 1))
        problem = "the run is not aligned as asked";
    else if (one >= big && one < big + big_pages * PAGE_SIZE)
        problem = "the page and the run overlap";
    if (problem) {
        report_fail(t, "%s", problem);
        return;
    }
    /* Plain RAM: the pattern must read back before the pages go back. */
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)big;
    for (size_t i = 0; i < big_pages * PAGE_SIZE / 8; i++)
        words[i] = big + i * 8;
    for (size_t i = 0; i < big_pages * PAGE_SIZE / 8; i++) {
        if (words[i] != big + i * 8) {
            report_yaml(t, "mismatch_at", "0x%llx", (unsigned long long)(big + i * 8));
            report_fail(t, "pool memory did not hold a pattern");
            return;
        }
    }
    if (page_free(pool, one, 1) != 0 || page_free(pool, big, big_pages) != 0 ||
        pool->free_pages != free_before) {
        report_yaml(t, "free_pages", "%zu, was %zu", pool->free_pages, free_before);
        report_fail(t, "pages did not all come back");
        return;
    }
    /* The base (and with a small pool the alignment it allows) is the firmware's choice: the
     * YAML has both (pool, run); the line keeps only what the config decides. */
    report_pass(t, "%zu pages; an aligned %zu-page run held a pattern "
                    "and every page came back", pool->pages, big_pages);
}

const struct test_case platform_test_cases[] = {
    {"platform.acpi.rsdp", acpi_rsdp, 0},
    {"platform.acpi.root_table", acpi_root_table, 0},
    {"platform.acpi.mcfg", acpi_mcfg, 0},
    {"platform.boot.exit_boot_services", exit_boot_services, 0},
    {"platform.memory.reservations", memory_reservations, 0},
    {"platform.memory.dma_pool", dma_pool_pages, 0},
};
const unsigned platform_test_case_count = sizeof(platform_test_cases) / sizeof(platform_test_cases[0]);
