/* Host tests for lib/acpi_discover.c and drivers/pci/pci_config.c: a server-sized XSDT/RSDT and a 12-segment MCFG, every entry found and every ECAM region used. */
#include "arch/x86_64/port_io.h"
#include "check.h"
#include "fixtures/table_builder.h"
#include "lib/acpi_discover.h"
#include "pci_config.h"

#include <stdlib.h>
#include <sys/mman.h>

#define SERVER_TABLES 100 /* more than the 64 acpi_discover once had room for */
#define MCFG_INDEX    40  /* where the MCFG sits among them */
#define NULL_INDEX    77  /* a null entry, which a firmware may leave */
#define ECAM_REGIONS  12  /* more than the 8 pci_config once had room for */

/* ---- port I/O stand-ins: CF8/CFC is only counted, never reached ---- */

static unsigned cf8_writes;
static uint32_t cf8_last;

uint8_t port_in8(uint16_t port) { return 0xee; }
uint16_t port_in16(uint16_t port) { return 0xeeee; }
uint32_t port_in32(uint16_t port) { return 0xeeeeeeeeu; }
void port_out8(uint16_t port, uint8_t value) {}
void port_out16(uint16_t port, uint16_t value) {}
void port_out32(uint16_t port, uint32_t value)
{
    if (port == 0xcf8) {
        cf8_writes++;
        cf8_last = value;
    }
}

/* ---- building tables in host memory; acpi_discover reads them through their addresses ---- */

static uint64_t address_of(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* A bare 36-byte SDT header; entries or a body are appended, then table_seal. */
static void begin_sdt(struct table *t, const char signature[4])
{
    table_free(t);
    static const uint8_t header[36] = {0};
    table_append_bytes(t, header, sizeof header);
    memcpy(t->bytes, signature, 4);
    t->bytes[8] = 1;
    memcpy(t->bytes + 10, "NVMTAL", 6);
}

static void put_le(uint8_t *p, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static uint8_t checksum_for(const uint8_t *bytes, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + bytes[i]);
    return (uint8_t)(0x100 - sum);
}

/* An RSDP: revision 0 (ACPI 1.0, RSDT only) or 2 (with the XSDT). */
static void build_rsdp(uint8_t r[36], uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "NVMTAL", 6);
    r[15] = revision;
    put_le(r + 16, rsdt, 4);
    put_le(r + 20, 36, 4);
    put_le(r + 24, xsdt, 8);
    r[8] = checksum_for(r, 20);
    r[32] = checksum_for(r, 36);
}

static void signature_of(unsigned i, char out[5])
{
    snprintf(out, 5, "T%03u", i);
}

/* Twelve allocations over six segments, two host bridges (bus ranges) each; every region's
 * base puts its first bus's function 0 on pages[i], so a config access shows which region
 * served it. */
static uint8_t *ecam_pages[ECAM_REGIONS];

static uint16_t region_segment(unsigned i) { return (uint16_t)(i / 2); }
static uint8_t region_first_bus(unsigned i) { return (uint8_t)((i % 2 ? 0x80 : 0x00) + i); }
static uint8_t region_last_bus(unsigned i) { return (uint8_t)(region_first_bus(i) + 0x0f); }

static void build_mcfg(struct table *t)
{
    table_begin_mcfg(t);
    for (unsigned i = 0; i < ECAM_REGIONS; i++) {
        if (!ecam_pages[i]) {
            ecam_pages[i] = aligned_alloc(4096, 4096);
            memset(ecam_pages[i], 0, 4096);
        }
        put_le(ecam_pages[i], 0x1b360000u | i, 4); /* vendor ID i: which region served */
        put_le(ecam_pages[i] + 0x100, 0x00010000u | i, 4); /* extended space, past CF8's reach */
        uint64_t base = address_of(ecam_pages[i]) - ((uint64_t)region_first_bus(i) << 20);
        table_add_mcfg_allocation(t, base, region_segment(i), region_first_bus(i),
                                  region_last_bus(i));
    }
    table_seal(t);
}

/* The server: SERVER_TABLES entries, one of them the MCFG, one null; the rest tables of
 * their own signature. */
static struct table tables[SERVER_TABLES], root, mcfg;
static struct acpi_platform platform;

static void build_server_tables(void)
{
    build_mcfg(&mcfg);
    for (unsigned i = 0; i < SERVER_TABLES; i++) {
        char signature[5];
        signature_of(i, signature);
        begin_sdt(&tables[i], signature);
        table_seal(&tables[i]);
    }
}

/* acpi_discover keeps its arrays for the whole run (the image never frees them); here each
 * case's are released before the next discovery, so LeakSanitizer sees none left over. */
static void release_platform(void)
{
    free(platform.tables);
    free(platform.table_signatures);
    free(platform.mcfg);
    memset(&platform, 0, sizeof platform);
}

static void discover(const uint8_t rsdp[36])
{
    release_platform();
    acpi_discover(address_of(rsdp), &platform);
}

static uint64_t entry_address(unsigned i)
{
    if (i == NULL_INDEX)
        return 0;
    return address_of(i == MCFG_INDEX ? mcfg.bytes : tables[i].bytes);
}

static void check_server_entries(const struct acpi_platform *p)
{
    CHECK_STR(p->root_why, "");
    CHECK_EQ_U64(p->table_count, SERVER_TABLES);
    for (unsigned i = 0; i < p->table_count && i < SERVER_TABLES; i++) {
        char expected[5];
        signature_of(i, expected);
        CHECK_EQ_U64(p->tables[i], entry_address(i));
        CHECK_STR(p->table_signatures[i],
                  i == MCFG_INDEX ? "MCFG" : i == NULL_INDEX ? "null" : expected);
    }
    CHECK(p->has_mcfg);
    CHECK_STR(p->mcfg_why, "");
    CHECK_EQ_U64(p->mcfg_count, ECAM_REGIONS);
}

/* The server's tables behind an XSDT that lists every one of them, discovered. */
static void discover_server_xsdt(void)
{
    build_server_tables();
    begin_sdt(&root, "XSDT");
    for (unsigned i = 0; i < SERVER_TABLES; i++)
        table_append_le(&root, entry_address(i), 8);
    table_seal(&root);
    static uint8_t rsdp[36]; /* stays valid after the call, like firmware memory */
    build_rsdp(rsdp, 2, 0, address_of(root.bytes));
    discover(rsdp);
}

static void xsdt_with_100_entries(void)
{
    discover_server_xsdt();
    CHECK(platform.using_xsdt);
    CHECK_EQ_U64(platform.root_address, address_of(root.bytes));
    check_server_entries(&platform);
    /* Tables found past entry 64 are parsed too: nothing here names a FADT or an HPET. */
    CHECK_STR(platform.fadt_why, "no FADT (FACP) table");
}

/* An ACPI 1.0 RSDT holds 32-bit addresses: the tables live below 4 GiB (MAP_32BIT). */
static void rsdt_with_100_entries(void)
{
    build_server_tables();
    size_t bytes = 36 + 4 * SERVER_TABLES + mcfg.length + 36 * SERVER_TABLES;
    uint8_t *low = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    CHECK(low != MAP_FAILED);
    if (low == MAP_FAILED)
        return;
    uint8_t *at = low + 36 + 4 * SERVER_TABLES;
    uint64_t addresses[SERVER_TABLES];
    for (unsigned i = 0; i < SERVER_TABLES; i++) {
        const struct table *from = i == MCFG_INDEX ? &mcfg : &tables[i];
        addresses[i] = i == NULL_INDEX ? 0 : address_of(at);
        memcpy(at, from->bytes, from->length);
        at += from->length;
    }
    begin_sdt(&root, "RSDT");
    for (unsigned i = 0; i < SERVER_TABLES; i++)
        table_append_le(&root, addresses[i], 4);
    table_seal(&root);
    memcpy(low, root.bytes, root.length);
    uint8_t rsdp[36];
    build_rsdp(rsdp, 0, (uint32_t)address_of(low), 0);
    discover(rsdp);
    CHECK(!platform.using_xsdt);
    CHECK_STR(platform.root_why, "");
    CHECK_EQ_U64(platform.table_count, SERVER_TABLES);
    for (unsigned i = 0; i < platform.table_count && i < SERVER_TABLES; i++) {
        char expected[5];
        signature_of(i, expected);
        CHECK_EQ_U64(platform.tables[i], addresses[i]);
        CHECK_STR(platform.table_signatures[i],
                  i == MCFG_INDEX ? "MCFG" : i == NULL_INDEX ? "null" : expected);
    }
    CHECK_EQ_U64(platform.mcfg_count, ECAM_REGIONS);
    munmap(low, bytes);
}

/* Sizing from the length does not make a malformed root table acceptable. */
static void root_table_still_checked(void)
{
    build_server_tables();
    begin_sdt(&root, "XSDT");
    for (unsigned i = 0; i < 3; i++)
        table_append_le(&root, entry_address(i), 8);
    table_append_le(&root, 0, 4);
    table_seal(&root);
    uint8_t rsdp[36];
    build_rsdp(rsdp, 2, 0, address_of(root.bytes));
    discover(rsdp);
    CHECK_STR(platform.root_why, "XSDT: 28 bytes of entries is not a multiple of 8");
    CHECK_EQ_U64(platform.table_count, 0);
    CHECK_STR(platform.mcfg_why, "root table unusable");

    begin_sdt(&root, "XSDT");
    table_seal(&root);
    build_rsdp(rsdp, 2, 0, address_of(root.bytes));
    discover(rsdp);
    CHECK_STR(platform.root_why, "");
    CHECK_EQ_U64(platform.table_count, 0);
    CHECK_STR(platform.mcfg_why, "no MCFG table");

    build_rsdp(rsdp, 0, 0, 0);
    discover(rsdp);
    CHECK_STR(platform.root_why, "RSDP: no XSDT, and the RSDT address is 0");
    CHECK_EQ_U64(platform.table_count, 0);
}

/* All twelve MCFG allocations serve config accesses, the ninth to twelfth too. */
static void twelve_ecam_regions_all_used(void)
{
    discover_server_xsdt();
    CHECK_EQ_U64(platform.mcfg_count, ECAM_REGIONS);
    pci_config_init(platform.mcfg, platform.mcfg_count);

    const struct acpi_mcfg_allocation *regions = NULL;
    CHECK_EQ_U64(pci_config_regions(&regions), ECAM_REGIONS);
    CHECK(regions == platform.mcfg);
    cf8_writes = 0;
    for (unsigned i = 0; i < ECAM_REGIONS; i++) {
        struct pci_address a = {region_segment(i), region_first_bus(i), 0, 0};
        CHECK(pci_config_has_extended_space(a));
        CHECK_EQ_U64(pci_config_read32(a, 0), 0x1b360000u | i);
        CHECK_EQ_U64(pci_config_read16(a, 0), i);
        CHECK_EQ_U64(pci_config_read8(a, 2), 0x36);
        CHECK_EQ_U64(pci_config_read32(a, 0x100), 0x00010000u | i);
        pci_config_write32(a, 0x10, 0xfe000000u + i);
        pci_config_write16(a, 0x04, 0x0006);
        CHECK_EQ_U64(pci_config_read32(a, 0x10), 0xfe000000u + i);
        CHECK_EQ_U64(ecam_pages[i][0x04], 0x06);
        /* The region's last bus is its own too (not backed here: only asked, not read). */
        struct pci_address last = {region_segment(i), region_last_bus(i), 31, 7};
        CHECK(pci_config_has_extended_space(last));
    }
    CHECK_EQ_U64(cf8_writes, 0);

    /* Outside every region: segment 0 falls back to CF8/CFC, other segments are unreachable. */
    struct pci_address gap = {0, 0x40, 0, 0};
    CHECK(!pci_config_has_extended_space(gap));
    CHECK_EQ_U64(pci_config_read32(gap, 0), 0xeeeeeeeeu);
    CHECK_EQ_U64(cf8_writes, 1);
    CHECK_EQ_U64(cf8_last, 0x80400000u);
    CHECK_EQ_U64(pci_config_read32(gap, 0x100), 0xffffffffu);
    struct pci_address beyond = {ECAM_REGIONS / 2, 0, 0, 0};
    CHECK(!pci_config_has_extended_space(beyond));
    CHECK_EQ_U64(pci_config_read32(beyond, 0), 0xffffffffu);
    CHECK_EQ_U64(cf8_writes, 1);

    pci_config_init(NULL, 0);
    CHECK_EQ_U64(pci_config_regions(&regions), 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(xsdt_with_100_entries),
    CHECK_CASE(rsdt_with_100_entries),
    CHECK_CASE(root_table_still_checked),
    CHECK_CASE(twelve_ecam_regions_all_used),
};

int main(void)
{
    int status = CHECK_RUN("acpi_discover", cases);
    release_platform();
    for (unsigned i = 0; i < SERVER_TABLES; i++)
        table_free(&tables[i]);
    table_free(&root);
    table_free(&mcfg);
    for (unsigned i = 0; i < ECAM_REGIONS; i++)
        free(ecam_pages[i]);
    return status;
}
