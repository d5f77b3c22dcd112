/* Host tests for lib/dmar_select.c and lib/dmar_plan.c: which VT-d unit covers each PCI function, on real machines' DMARs with synthetic inventories (expected units read off the iasl disassembly by hand) and on crafted tables. */
#include "check.h"
#include "fixtures/file_bytes.h"
#include "fixtures/table_builder.h"
#include "lib/dmar.h"
#include "lib/dmar_plan.h"
#include "lib/dmar_select.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

/* The Makefile points this at the repository's ../shared/acpi-samples (where CI lays shared/). */
#ifndef ACPI_SAMPLES_DIR
#error "ACPI_SAMPLES_DIR must name the folder of real tables (tests/host/Makefile sets it)"
#endif

/* ---- a synthetic inventory ---- */

/* One function of an inventory and the unit it must land in. `unit` is the expected DRHD's
 * register base (0: no unit covers it), `reason` and `scope` how (scope: the index of the
 * deciding scope in that DRHD's list as iasl shows them, -1 for INCLUDE_PCI_ALL and none). */
struct row {
    const char *label;
    struct dmar_bdf bdf;
    uint8_t base_class, subclass;
    bool bridge;
    uint8_t secondary, subordinate;
    uint64_t unit;
    enum dmar_cover_reason reason;
    int scope;
};

struct inventory {
    const struct row *rows;
    unsigned count;
};

static bool inventory_bridge(void *ctx, struct dmar_bdf at, uint8_t *secondary,
                             uint8_t *subordinate)
{
    const struct inventory *inv = ctx;
    for (unsigned i = 0; i < inv->count; i++) {
        const struct row *r = &inv->rows[i];
        if (r->bridge && r->bdf.segment == at.segment && r->bdf.bus == at.bus &&
            r->bdf.device == at.device && r->bdf.function == at.function) {
            *secondary = r->secondary;
            *subordinate = r->subordinate;
            return true;
        }
    }
    return false;
}

#define BDF(b, d, f) {0, (b), (d), (f)}
#define SEG_BDF(s, b, d, f) {(s), (b), (d), (f)}

/* Every inventory starts with these three (the issue's): an NVMe at 01:00.0 behind the root
 * port 00:1d.0 (secondary = subordinate = 1), and an iGPU at 00:02.0. */
#define ROOT_PORT(unit, reason, scope) \
    {"root port", BDF(0, 0x1d, 0), 0x06, 0x04, true, 1, 1, (unit), (reason), (scope)}
#define NVME(unit, reason, scope) \
    {"NVMe", BDF(1, 0, 0), 0x01, 0x08, false, 0, 0, (unit), (reason), (scope)}
#define IGPU(unit, reason, scope) \
    {"iGPU", BDF(0, 2, 0), 0x03, 0x00, false, 0, 0, (unit), (reason), (scope)}

#define ALL DMAR_COVER_INCLUDE_PCI_ALL
#define ENDPOINT DMAR_COVER_ENDPOINT
#define BRIDGE DMAR_COVER_BRIDGE
#define BELOW DMAR_COVER_BELOW_BRIDGE
#define NONE DMAR_COVER_NONE

static const char *const reason_names[] = {"none", "endpoint", "bridge", "below bridge",
                                           "INCLUDE_PCI_ALL"};

static struct dmar_info info;

static void bdf_text(struct dmar_bdf a, char *out, size_t len)
{
    if (a.segment)
        snprintf(out, len, "%04x:%02x:%02x.%x", a.segment, a.bus, a.device, a.function);
    else
        snprintf(out, len, "%02x:%02x.%x", a.bus, a.device, a.function);
}

static bool same_function(struct dmar_bdf a, struct dmar_bdf b)
{
    return a.segment == b.segment && a.bus == b.bus && a.device == b.device &&
           a.function == b.function;
}

static uint64_t base_of(int unit)
{
    return unit >= 0 && (unsigned)unit < info.unit_count ? info.units[unit].register_base : 0;
}

/* Every row's cover against its expectation; prints "# table, device, unit base, reason". */
static void expect_rows(const char *table, const struct row *rows, unsigned count)
{
    struct inventory inv = {rows, count};
    struct dmar_topology topo = {inventory_bridge, &inv};
    for (unsigned i = 0; i < count; i++) {
        const struct row *r = &rows[i];
        struct dmar_cover c;
        int unit = dmar_unit_for(&info, &topo, r->bdf, &c);
        char where[32], text[400];
        bdf_text(r->bdf, where, sizeof where);
        dmar_cover_describe(&info, &c, text, sizeof text);
        char base[24] = "none";
        if (c.unit >= 0)
            snprintf(base, sizeof base, "0x%llx", (unsigned long long)base_of(c.unit));
        printf("# %s, %s %s, %s, %s\n", table, where, r->label, base, text);
        if (unit != c.unit || base_of(unit) != r->unit || c.reason != r->reason ||
            c.scope != r->scope)
            check_fail(__FILE__, __LINE__, "%s: %s %s landed in unit 0x%llx (%s, scope %d); "
                       "expected 0x%llx (%s, scope %d)", table, where, r->label,
                       (unsigned long long)base_of(unit), reason_names[c.reason], c.scope,
                       (unsigned long long)r->unit, reason_names[r->reason], r->scope);
        CHECK((c.unit < 0) == (c.reason == DMAR_COVER_NONE));
        CHECK(same_function(c.function, r->bdf));
    }
}

static void load_sample(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.dat", ACPI_SAMPLES_DIR, name);
    uint8_t *bytes;
    size_t length;
    dmar_free(&info);
    if (file_bytes_read(path, &bytes, &length) != 0) {
        check_fail(__FILE__, __LINE__, "%s: %s (CI lays shared/ beside the repository)", path,
                   strerror(errno));
        return;
    }
    char why[ACPI_WHY_LEN] = "";
    CHECK_EQ_U64(dmar_parse(bytes, length, &info, why), 0);
    CHECK_STR(why, "");
    free(bytes);
}

/* Table notes as captured lines, for CHECK_LINES. */
static void capture_note(void *ctx, const char *line)
{
    const char *table = ctx;
    if (table)
        printf("# %s note: %s\n", table, line);
    check_capture_line(line);
}

static unsigned notes_of(const char *table)
{
    check_line_count = 0;
    return dmar_select_notes(&info, capture_note, (void *)table);
}

/* Units' interrupt sources, as the report lists them: "DRHD 0x...: IOAPIC #2 00:1e.7, ...". */
static void print_units(const char *table)
{
    for (unsigned k = 0; k < info.unit_count; k++) {
        char scopes[1200];
        dmar_scopes_describe(&info.units[k].scopes, scopes, sizeof scopes);
        printf("# %s unit %u: DRHD 0x%llx segment %u%s: %s\n", table, k,
               (unsigned long long)info.units[k].register_base, info.units[k].segment,
               info.units[k].flags & DMAR_INCLUDE_PCI_ALL ? " INCLUDE_PCI_ALL" : "", scopes);
    }
}

/* The unit holding the display (base class 03), by dmar_assign over the same rows. */
static void expect_display_unit(const struct row *rows, unsigned count, uint64_t display_base,
                                unsigned uncovered)
{
    struct inventory inv = {rows, count};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_pci_device devices[32];
    struct dmar_cover covers[32];
    struct dmar_unit_holds holds[16];
    CHECK(count <= 32 && info.unit_count <= 16);
    for (unsigned i = 0; i < count; i++)
        devices[i] = (struct dmar_pci_device){rows[i].bdf, rows[i].base_class, rows[i].subclass};
    CHECK_EQ_U64(dmar_assign(&info, &topo, devices, count, covers, holds), uncovered);
    unsigned display_units = 0, functions = 0;
    for (unsigned k = 0; k < info.unit_count; k++) {
        functions += holds[k].functions;
        if (!holds[k].displays) {
            CHECK_EQ_U64(holds[k].first_display, (uint64_t)-1);
            continue;
        }
        display_units++;
        CHECK_EQ_U64(info.units[k].register_base, display_base);
        CHECK(holds[k].first_display >= 0 && devices[holds[k].first_display].base_class == 3);
    }
    CHECK_EQ_U64(display_units, display_base ? 1 : 0);
    CHECK_EQ_U64(functions + uncovered, count);
    for (unsigned i = 0; i < count; i++)
        CHECK_EQ_U64(base_of(covers[i].unit), rows[i].unit);
}

/* ---- the real machines (expected units read off each .dsl by hand) ---- */

/* asrock-x99ex4-L381 (Broadwell-EP): DRHD 0xFBFFD000 (flags 0) scopes only the endpoint
 * 00:1B.0 (HD audio); DRHD 0xFBFFC000 is INCLUDE_PCI_ALL with IOAPIC #1 F0:1F.7, IOAPIC #2
 * 00:05.4 and HPET F0:0F.0, and it is the last DRHD. So only 00:1b.0 lands in 0xFBFFD000;
 * the NVMe, its root port, the iGPU and the IIO's IOxAPIC function 00:05.4 (an IOAPIC scope
 * is no PCI scope) all land in 0xFBFFC000. The ATSR's bridges 00:01.0 and 00:03.0 make no
 * unit: 00:03.0 (a root port, buses 02-02) and the device below it stay INCLUDE_PCI_ALL. */
static const struct row asrock_rows[] = {
    NVME(0xfbffc000, ALL, -1),
    ROOT_PORT(0xfbffc000, ALL, -1),
    IGPU(0xfbffc000, ALL, -1),
    {"HD audio", BDF(0, 0x1b, 0), 0x04, 0x03, false, 0, 0, 0xfbffd000, ENDPOINT, 0},
    {"IOxAPIC function", BDF(0, 5, 4), 0x08, 0x00, false, 0, 0, 0xfbffc000, ALL, -1},
    {"ATSR root port", BDF(0, 3, 0), 0x06, 0x04, true, 2, 2, 0xfbffc000, ALL, -1},
    {"behind ATSR port", BDF(2, 0, 0), 0x02, 0x00, false, 0, 0, 0xfbffc000, ALL, -1},
};

static void asrock_x99ex4(void)
{
    const char *name = "asrock-x99ex4-L381-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 2);
    print_units(name);
    expect_rows(name, asrock_rows, CHECK_COUNT(asrock_rows));
    expect_display_unit(asrock_rows, CHECK_COUNT(asrock_rows), 0xfbffc000, 0);
    CHECK_EQ_U64(notes_of(name), 0);
}

/* dell-m6800 (Haswell): one DRHD, 0xFED90000, INCLUDE_PCI_ALL, scopes IOAPIC #8 F0:1F.0 and
 * HPET F0:0F.0 only: every PCI function lands in it. The RMRR names 00:1D.0, 00:1A.0 and
 * 00:14.0 as endpoints: on this machine 00:1d.0 is an EHCI controller, not the root port of
 * the synthetic inventory; the RMRR decides no unit either way. */
static const struct row m6800_rows[] = {
    NVME(0xfed90000, ALL, -1),
    ROOT_PORT(0xfed90000, ALL, -1),
    IGPU(0xfed90000, ALL, -1),
    {"xHCI", BDF(0, 0x14, 0), 0x0c, 0x03, false, 0, 0, 0xfed90000, ALL, -1},
    {"EHCI", BDF(0, 0x1a, 0), 0x0c, 0x03, false, 0, 0, 0xfed90000, ALL, -1},
};

static void dell_m6800(void)
{
    const char *name = "dell-m6800-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 1);
    print_units(name);
    expect_rows(name, m6800_rows, CHECK_COUNT(m6800_rows));
    expect_display_unit(m6800_rows, CHECK_COUNT(m6800_rows), 0xfed90000, 0);
    CHECK_EQ_U64(notes_of(name), 0);
    /* The RMRR's scopes name functions, through the same path walk. */
    struct inventory inv = {m6800_rows, CHECK_COUNT(m6800_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    CHECK_EQ_U64(info.rmrr_count, 1);
    const struct dmar_scope *rmrr = info.rmrrs[0].scopes.scopes;
    CHECK(dmar_scope_names(&rmrr[0], 0, &topo, (struct dmar_bdf)BDF(0, 0x1d, 0)));
    CHECK(dmar_scope_names(&rmrr[2], 0, &topo, (struct dmar_bdf)BDF(0, 0x14, 0)));
    CHECK(!dmar_scope_names(&rmrr[0], 0, &topo, (struct dmar_bdf)BDF(1, 0, 0)));
    /* The RMRR is segment 0's: 0001:00:1d.0 is another function. */
    CHECK(!dmar_scope_names(&rmrr[0], info.rmrrs[0].segment, &topo,
                            (struct dmar_bdf)SEG_BDF(1, 0, 0x1d, 0)));
}

/* dell-xps13-9310 (Tiger Lake): four DRHDs on segment 0, the iGPU-only one first.
 *   0xFED90000: endpoint 00:02.0            -> the iGPU (scope 0)
 *   0xFED84000: bridge 00:07.0              -> Thunderbolt root port 0 and all below it
 *   0xFED86000: bridge 00:07.2              -> Thunderbolt root port 2 and all below it
 *   0xFED91000: INCLUDE_PCI_ALL, last; IOAPIC #2 00:1E.7, HPET 00:1E.6 -> everything else
 * The synthetic Thunderbolt ports: 00:07.0 buses 02-2b, 00:07.2 buses 2c-55, an NVMe in an
 * enclosure at 05:00.0 (below 00:07.0), a device at 2c:00.0 (below 00:07.2); 00:07.1, which
 * no scope names, and the Thunderbolt DMA controller 00:0d.2 go to 0xFED91000. */
static const struct row xps13_rows[] = {
    NVME(0xfed91000, ALL, -1),
    ROOT_PORT(0xfed91000, ALL, -1),
    IGPU(0xfed90000, ENDPOINT, 0),
    {"TBT root port 0", BDF(0, 7, 0), 0x06, 0x04, true, 0x02, 0x2b, 0xfed84000, BRIDGE, 0},
    {"TBT root port 1", BDF(0, 7, 1), 0x06, 0x04, true, 0x56, 0x7f, 0xfed91000, ALL, -1},
    {"TBT root port 2", BDF(0, 7, 2), 0x06, 0x04, true, 0x2c, 0x55, 0xfed86000, BRIDGE, 0},
    {"NVMe over TBT", BDF(0x05, 0, 0), 0x01, 0x08, false, 0, 0, 0xfed84000, BELOW, 0},
    {"device on TBT 2", BDF(0x2c, 0, 0), 0x02, 0x00, false, 0, 0, 0xfed86000, BELOW, 0},
    {"device on TBT 1", BDF(0x56, 0, 0), 0x02, 0x00, false, 0, 0, 0xfed91000, ALL, -1},
    {"TBT DMA", BDF(0, 0x0d, 2), 0x0c, 0x03, false, 0, 0, 0xfed91000, ALL, -1},
};

static void dell_xps13_9310(void)
{
    const char *name = "dell-xps13-9310-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 4);
    print_units(name);
    expect_rows(name, xps13_rows, CHECK_COUNT(xps13_rows));
    expect_display_unit(xps13_rows, CHECK_COUNT(xps13_rows), 0xfed90000, 0);
    CHECK_EQ_U64(notes_of(name), 0);
    /* The bridge range the cover reports is the inventory's. */
    struct inventory inv = {xps13_rows, CHECK_COUNT(xps13_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(0x05, 0, 0), &c);
    CHECK_EQ_U64(c.bridge.bus, 0);
    CHECK_EQ_U64(c.bridge.device, 7);
    CHECK_EQ_U64(c.bridge.function, 0);
    CHECK_EQ_U64(c.secondary_bus, 0x02);
    CHECK_EQ_U64(c.subordinate_bus, 0x2b);
    CHECK_EQ_U64(c.also_claimed, 0);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "DRHD 0xfed84000: below bridge 00:07.0 (buses 02-2b), bridge scope 0");
}

/* google-ecclesia-skx-server (Skylake-SP): three DRHDs, none INCLUDE_PCI_ALL, all segment 0:
 *   0xD37FC000: IOAPIC #15 80:05.4 (scope 0), endpoints 80:04.0..80:04.7 (scopes 1..8),
 *               bridge 80:00.0 (scope 9)
 *   0xE0FFC000: IOAPIC #16 85:05.4 (scope 0), bridge 85:00.0 (scope 1)
 *   0xEE7FC000: IOAPIC #17 AE:05.4 (scope 0), bridge AE:00.0 (scope 1)
 * Nothing names bus 0, 00:1d.0 or 00:02.0 and no unit is INCLUDE_PCI_ALL: the NVMe, its root
 * port and the iGPU land in no unit. The socket's CBDMA channels 80:04.0 and 80:04.7 are
 * endpoints of 0xD37FC000; the root ports 80:00.0, 85:00.0, ae:00.0 (synthetic buses 81,
 * 86, af) and the devices below them land in their units. 17:00.0, named only by an ATSR
 * (ATSR is no unit), and the IOxAPIC function 80:05.4 (named only by an IOAPIC scope) land
 * in none. */
static const struct row skx_rows[] = {
    NVME(0, NONE, -1),
    ROOT_PORT(0, NONE, -1),
    IGPU(0, NONE, -1),
    {"CBDMA 0", BDF(0x80, 4, 0), 0x08, 0x80, false, 0, 0, 0xd37fc000, ENDPOINT, 1},
    {"CBDMA 7", BDF(0x80, 4, 7), 0x08, 0x80, false, 0, 0, 0xd37fc000, ENDPOINT, 8},
    {"IOxAPIC function", BDF(0x80, 5, 4), 0x08, 0x00, false, 0, 0, 0, NONE, -1},
    {"root port 80", BDF(0x80, 0, 0), 0x06, 0x04, true, 0x81, 0x81, 0xd37fc000, BRIDGE, 9},
    {"NVMe on 80", BDF(0x81, 0, 0), 0x01, 0x08, false, 0, 0, 0xd37fc000, BELOW, 9},
    {"root port 85", BDF(0x85, 0, 0), 0x06, 0x04, true, 0x86, 0x86, 0xe0ffc000, BRIDGE, 1},
    {"NVMe on 85", BDF(0x86, 0, 0), 0x01, 0x08, false, 0, 0, 0xe0ffc000, BELOW, 1},
    {"root port ae", BDF(0xae, 0, 0), 0x06, 0x04, true, 0xaf, 0xaf, 0xee7fc000, BRIDGE, 1},
    {"NVMe on ae", BDF(0xaf, 0, 0), 0x01, 0x08, false, 0, 0, 0xee7fc000, BELOW, 1},
    {"ATSR root port 17", BDF(0x17, 0, 0), 0x06, 0x04, true, 0x18, 0x18, 0, NONE, -1},
    {"NVMe on 17", BDF(0x18, 0, 0), 0x01, 0x08, false, 0, 0, 0, NONE, -1},
};

static void google_skx_server(void)
{
    const char *name = "google-ecclesia-skx-server-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 3);
    print_units(name);
    expect_rows(name, skx_rows, CHECK_COUNT(skx_rows));
    expect_display_unit(skx_rows, CHECK_COUNT(skx_rows), 0, 6);
    CHECK_EQ_U64(notes_of(name), 1);
    CHECK_LINES("segment 0 has no INCLUDE_PCI_ALL DRHD: only the functions its 3 DRHDs' scopes "
                "name are remapped");
    struct inventory inv = {skx_rows, CHECK_COUNT(skx_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    CHECK_EQ_U64(dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(1, 0, 0), &c), (uint64_t)-1);
    CHECK_EQ_U64(c.segment_units, 3);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "no unit: none of segment 0's 3 DRHDs names it and none is INCLUDE_PCI_ALL");
}

/* lenovo-ideapadflex15: its only DRHD, INCLUDE_PCI_ALL, has register base 0 (a BIOS bug the
 * parser leaves out): no unit covers anything. The RMRRs (00:1D.0 and 00:14.0; 00:02.0) are
 * kept, and decide no unit. */
static const struct row lenovo_rows[] = {
    NVME(0, NONE, -1),
    ROOT_PORT(0, NONE, -1),
    IGPU(0, NONE, -1),
};

static void lenovo_ideapadflex15(void)
{
    const char *name = "lenovo-ideapadflex15-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 0);
    CHECK_EQ_U64(info.rmrr_count, 2);
    expect_rows(name, lenovo_rows, CHECK_COUNT(lenovo_rows));
    expect_display_unit(lenovo_rows, CHECK_COUNT(lenovo_rows), 0, 3);
    CHECK_EQ_U64(notes_of(name), 0);
    struct inventory inv = {lenovo_rows, CHECK_COUNT(lenovo_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(1, 0, 0), &c);
    CHECK_EQ_U64(c.segment_units, 0);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "no unit: the DMAR has no usable DRHD on segment 0");
}

/* surface-surface_book_2 (Kaby Lake): DRHD 0xFED90000 scopes the endpoint 00:02.0 (scope 0);
 * DRHD 0xFED91000, last, INCLUDE_PCI_ALL, scopes IOAPIC #2 F0:1F.0, HPET 00:1F.0 and ACPI
 * namespace devices #1..#4 00:15.0..00:15.3 and #9 00:1E.0. Namespace and HPET scopes name
 * no PCI function, so the I2C host 00:15.0 and the LPC bridge 00:1f.0 are INCLUDE_PCI_ALL's
 * like the NVMe and its root port; the iGPU is 0xFED90000's. */
static const struct row book2_rows[] = {
    NVME(0xfed91000, ALL, -1),
    ROOT_PORT(0xfed91000, ALL, -1),
    IGPU(0xfed90000, ENDPOINT, 0),
    {"I2C 0", BDF(0, 0x15, 0), 0x11, 0x80, false, 0, 0, 0xfed91000, ALL, -1},
    {"LPC", BDF(0, 0x1f, 0), 0x06, 0x01, false, 0, 0, 0xfed91000, ALL, -1},
};

static void surface_book_2(void)
{
    const char *name = "surface-surface_book_2-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 2);
    print_units(name);
    expect_rows(name, book2_rows, CHECK_COUNT(book2_rows));
    expect_display_unit(book2_rows, CHECK_COUNT(book2_rows), 0xfed90000, 0);
    CHECK_EQ_U64(notes_of(name), 0);
    struct dmar_unit_holds holds[2];
    struct dmar_pci_device none[1];
    dmar_assign(&info, NULL, none, 0, NULL, holds);
    CHECK_EQ_U64(holds[1].ioapics, 1);
    CHECK_EQ_U64(holds[1].hpets, 1);
    CHECK_EQ_U64(holds[1].namespace_devices, 5);
    CHECK_EQ_U64(holds[0].ioapics + holds[0].hpets + holds[0].namespace_devices, 0);
}

/* surface-surface_pro_10_business (Meteor Lake): DRHD 0xFC800000 scopes the endpoint
 * 00:02.0; DRHD 0xFC801000, last, INCLUDE_PCI_ALL, scopes IOAPIC #2 00:1E.7 and HPET
 * 00:1E.6. The SATC (00:02.0, 00:05.0, 00:0B.0) and SIDP list devices with an ATC and their
 * properties but are no units: the IPU 00:05.0 and NPU 00:0b.0 are INCLUDE_PCI_ALL's. */
static const struct row pro10_rows[] = {
    NVME(0xfc801000, ALL, -1),
    ROOT_PORT(0xfc801000, ALL, -1),
    IGPU(0xfc800000, ENDPOINT, 0),
    {"IPU", BDF(0, 5, 0), 0x04, 0x80, false, 0, 0, 0xfc801000, ALL, -1},
    {"NPU", BDF(0, 0x0b, 0), 0x12, 0x00, false, 0, 0, 0xfc801000, ALL, -1},
};

static void surface_pro_10_business(void)
{
    const char *name = "surface-surface_pro_10_business-dmar";
    load_sample(name);
    CHECK_EQ_U64(info.unit_count, 2);
    CHECK_EQ_U64(info.satc_count, 1);
    print_units(name);
    expect_rows(name, pro10_rows, CHECK_COUNT(pro10_rows));
    expect_display_unit(pro10_rows, CHECK_COUNT(pro10_rows), 0xfc800000, 0);
    CHECK_EQ_U64(notes_of(name), 0);
}

/* Every DMAR in the folder has its case above: a new sample must not pass unlooked-at. */
static const char *const sample_cases[] = {
    "asrock-x99ex4-L381-dmar.dat", "dell-m6800-dmar.dat", "dell-xps13-9310-dmar.dat",
    "google-ecclesia-skx-server-dmar.dat", "lenovo-ideapadflex15-dmar.dat",
    "surface-surface_book_2-dmar.dat", "surface-surface_pro_10_business-dmar.dat",
};

static void every_sample_has_a_case(void)
{
    DIR *dir = opendir(ACPI_SAMPLES_DIR);
    if (!dir) {
        check_fail(__FILE__, __LINE__, "%s: %s (CI lays shared/ beside the repository)",
                   ACPI_SAMPLES_DIR, strerror(errno));
        return;
    }
    unsigned seen = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t len = strlen(entry->d_name);
        if (len < 9 || strcmp(entry->d_name + len - 9, "-dmar.dat") != 0)
            continue;
        bool known = false;
        for (size_t i = 0; i < CHECK_COUNT(sample_cases) && !known; i++)
            known = strcmp(sample_cases[i], entry->d_name) == 0;
        if (!known)
            check_fail(__FILE__, __LINE__, "%s has no case in test_dmar_select.c", entry->d_name);
        seen++;
    }
    closedir(dir);
    CHECK_EQ_U64(seen, CHECK_COUNT(sample_cases));
}

/* ---- crafted tables ---- */

static struct table t;

static void parse_crafted(void)
{
    table_seal(&t);
    char why[ACPI_WHY_LEN] = "";
    dmar_free(&info);
    CHECK_EQ_U64(dmar_parse(t.bytes, t.length, &info, why), 0);
    CHECK_STR(why, "");
}

static void endpoint_drhd(uint64_t base, uint16_t segment, uint8_t flags, uint8_t bus,
                          uint8_t device, uint8_t function)
{
    size_t drhd = table_begin_drhd(&t, flags, segment, base);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, bus, device, function);
    table_end_structure(&t, drhd);
}

static void include_all_drhd(uint64_t base, uint16_t segment)
{
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, segment, base);
    table_add_device_scope(&t, DMAR_SCOPE_IOAPIC, 0xf0, 0x1f, 0);
    table_end_structure(&t, drhd);
}

/* Segment 0: the iGPU unit and an INCLUDE_PCI_ALL unit; segment 1: its own INCLUDE_PCI_ALL
 * unit. The same bus/device/function on another segment is another function. */
static const struct row two_segments_rows[] = {
    NVME(0xa1000000, ALL, -1),
    IGPU(0xa0000000, ENDPOINT, 0),
    {"NVMe seg 1", SEG_BDF(1, 1, 0, 0), 0x01, 0x08, false, 0, 0, 0xb0000000, ALL, -1},
    {"00:02.0 seg 1", SEG_BDF(1, 0, 2, 0), 0x03, 0x00, false, 0, 0, 0xb0000000, ALL, -1},
    {"NVMe seg 2", SEG_BDF(2, 1, 0, 0), 0x01, 0x08, false, 0, 0, 0, NONE, -1},
};

static void two_segments(void)
{
    table_begin_dmar(&t, 38, 1);
    endpoint_drhd(0xa0000000, 0, 0, 0, 2, 0);
    include_all_drhd(0xa1000000, 0);
    include_all_drhd(0xb0000000, 1);
    parse_crafted();
    expect_rows("two-segments", two_segments_rows, CHECK_COUNT(two_segments_rows));
    CHECK_EQ_U64(notes_of(NULL), 0);
    struct inventory inv = {two_segments_rows, CHECK_COUNT(two_segments_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)SEG_BDF(2, 1, 0, 0), &c);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "no unit: the DMAR has no usable DRHD on segment 2");
}

/* One INCLUDE_PCI_ALL unit (QEMU's shape without scopes): every function of its segment. */
static const struct row include_all_only_rows[] = {
    NVME(0xfed90000, ALL, -1),
    ROOT_PORT(0xfed90000, ALL, -1),
    IGPU(0xfed90000, ALL, -1),
    {"seg 1", SEG_BDF(1, 0, 3, 0), 0x01, 0x08, false, 0, 0, 0, NONE, -1},
};

static void include_pci_all_only(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed90000);
    table_end_structure(&t, drhd);
    parse_crafted();
    expect_rows("include-pci-all-only", include_all_only_rows,
                CHECK_COUNT(include_all_only_rows));
    struct inventory inv = {include_all_only_rows, CHECK_COUNT(include_all_only_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(1, 0, 0), &c);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "DRHD 0xfed90000: INCLUDE_PCI_ALL of segment 0, no scope names it");
    CHECK_EQ_U64(notes_of(NULL), 0);
}

/* An explicit endpoint wins over INCLUDE_PCI_ALL, even when the INCLUDE_PCI_ALL unit is
 * (against VT-d) listed first: the scope decides, not the order. */
static const struct row endpoint_wins_rows[] = {
    NVME(0xc1000000, ENDPOINT, 0),
    ROOT_PORT(0xc0000000, ALL, -1),
    IGPU(0xc0000000, ALL, -1),
};

static void endpoint_beats_include_pci_all(void)
{
    table_begin_dmar(&t, 38, 1);
    include_all_drhd(0xc0000000, 0);
    endpoint_drhd(0xc1000000, 0, 0, 1, 0, 0);
    parse_crafted();
    expect_rows("endpoint-beats-include-pci-all", endpoint_wins_rows,
                CHECK_COUNT(endpoint_wins_rows));
    CHECK_EQ_U64(notes_of(NULL), 1);
    CHECK_LINES("DRHD 0xc0000000 (INCLUDE_PCI_ALL) is not the last DRHD of segment 0: DRHD "
                "0xc1000000 follows it (VT-d requires it last; explicit scopes still win over "
                "it)");
}

/* A bridge scope covers the bridge and its secondary..subordinate buses, nothing beside:
 * root port 00:1c.0 with buses 02-05 (a switch at 02:00.0 leading to 03-04). A scope with a
 * path (00:1c.0 then 00.0) names 02:00.0 through the root port's secondary bus. */
static const struct row bridge_rows[] = {
    NVME(0xd1000000, ALL, -1),
    ROOT_PORT(0xd1000000, ALL, -1),
    IGPU(0xd1000000, ALL, -1),
    {"root port 1c", BDF(0, 0x1c, 0), 0x06, 0x04, true, 2, 5, 0xd0000000, BRIDGE, 0},
    {"switch up", BDF(2, 0, 0), 0x06, 0x04, true, 3, 4, 0xd0000000, BELOW, 0},
    {"below switch", BDF(4, 0, 0), 0x01, 0x08, false, 0, 0, 0xd0000000, BELOW, 0},
    {"bus 5", BDF(5, 0, 0), 0x02, 0x00, false, 0, 0, 0xd0000000, BELOW, 0},
    {"bus 6", BDF(6, 0, 0), 0x02, 0x00, false, 0, 0, 0xd1000000, ALL, -1},
    {"root port 1b", BDF(0, 0x1b, 0), 0x06, 0x04, true, 6, 6, 0xd1000000, ALL, -1},
};

static void bridge_scope_covers_bus_range(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xd0000000);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0x1c, 0);
    table_end_structure(&t, drhd);
    include_all_drhd(0xd1000000, 0);
    parse_crafted();
    expect_rows("bridge-scope", bridge_rows, CHECK_COUNT(bridge_rows));
    struct inventory inv = {bridge_rows, CHECK_COUNT(bridge_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    /* The path walk: 00:1c.0's secondary bus is 2, so (1c.0, 00.0) from bus 0 is 02:00.0. */
    struct dmar_scope s = {DMAR_SCOPE_ENDPOINT, 0, 0, 0, 2,
                           (struct dmar_hop[]){{0x1c, 0}, {0, 0}}};
    struct dmar_bdf target;
    CHECK_EQ_U64(dmar_scope_target(&s, 0, &topo, &target), 0);
    CHECK(same_function(target, (struct dmar_bdf)BDF(2, 0, 0)));
    /* Three hops: through the switch (02:00.0, secondary 3) to 03:00.0. */
    struct dmar_scope deep = {DMAR_SCOPE_ENDPOINT, 0, 0, 0, 3,
                              (struct dmar_hop[]){{0x1c, 0}, {0, 0}, {0, 0}}};
    CHECK_EQ_U64(dmar_scope_target(&deep, 7, &topo, &target), (uint64_t)-1); /* segment 7 */
    CHECK_EQ_U64(dmar_scope_target(&deep, 0, &topo, &target), 0);
    CHECK(same_function(target, (struct dmar_bdf)BDF(3, 0, 0)));
    /* A hop that is no bridge, no topology, an empty path: nothing is named. */
    struct dmar_scope through_endpoint = {DMAR_SCOPE_ENDPOINT, 0, 0, 0, 2,
                                          (struct dmar_hop[]){{0x02, 0}, {0, 0}}};
    CHECK_EQ_U64(dmar_scope_target(&through_endpoint, 0, &topo, &target), (uint64_t)-1);
    CHECK_EQ_U64(dmar_scope_target(&s, 0, NULL, &target), (uint64_t)-1);
    struct dmar_scope one = {DMAR_SCOPE_ENDPOINT, 0, 0, 0, 1, (struct dmar_hop[]){{0x1c, 0}}};
    CHECK_EQ_U64(dmar_scope_target(&one, 0, NULL, &target), 0); /* one hop needs no bridge */
    struct dmar_scope empty = {DMAR_SCOPE_ENDPOINT, 0, 0, 0, 0, NULL};
    CHECK_EQ_U64(dmar_scope_target(&empty, 0, &topo, &target), (uint64_t)-1);
}

/* Deeper scopes are more specific: unit E names the switch port 02:00.0 (through its path)
 * as a bridge, unit F the endpoint 04:00.0 by path; the root port's unit D still takes the
 * rest of 02-05. Each overlap is reported as also named by D. */
static const struct row nested_rows[] = {
    {"root port 1c", BDF(0, 0x1c, 0), 0x06, 0x04, true, 2, 5, 0xd0000000, BRIDGE, 0},
    {"switch up", BDF(2, 0, 0), 0x06, 0x04, true, 3, 4, 0xe0000000, BRIDGE, 0},
    {"switch down", BDF(3, 0, 0), 0x06, 0x04, true, 4, 4, 0xe0000000, BELOW, 0},
    {"NVMe below", BDF(4, 0, 0), 0x01, 0x08, false, 0, 0, 0xf0000000, ENDPOINT, 0},
    {"bus 5", BDF(5, 0, 0), 0x02, 0x00, false, 0, 0, 0xd0000000, BELOW, 0},
};

static void nested_scopes_most_specific_wins(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0xd0000000);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0x1c, 0);
    table_end_structure(&t, drhd);
    drhd = table_begin_drhd(&t, 0, 0, 0xe0000000);
    table_add_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, 0, 2, (const uint8_t[][2]){{0x1c, 0}, {0, 0}});
    table_end_structure(&t, drhd);
    drhd = table_begin_drhd(&t, 0, 0, 0xf0000000);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 0, 4,
                    (const uint8_t[][2]){{0x1c, 0}, {0, 0}, {0, 0}, {0, 0}});
    table_end_structure(&t, drhd);
    parse_crafted();
    expect_rows("nested-scopes", nested_rows, CHECK_COUNT(nested_rows));
    struct inventory inv = {nested_rows, CHECK_COUNT(nested_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(4, 0, 0), &c);
    CHECK_EQ_U64(c.also_claimed, 2);
    CHECK_EQ_U64(base_of(c.also_unit), 0xd0000000);
    char text[300];
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "DRHD 0xf0000000: endpoint scope 0 names it; also named by DRHD 0xd0000000 "
                    "and 1 more");
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(5, 0, 0), &c);
    CHECK_EQ_U64(c.also_claimed, 0);
    CHECK_EQ_U64(c.also_unit, (uint64_t)-1);
    /* Table facts: no INCLUDE_PCI_ALL unit on segment 0; no scope is listed twice (the
     * paths differ, though two of them name functions below another). */
    CHECK_EQ_U64(notes_of(NULL), 1);
}

/* A function no unit covers, beside units that cover others; and a bridge whose bus range
 * is unset (secondary 0) holds nothing below it. */
static const struct row uncovered_rows[] = {
    NVME(0, NONE, -1),
    IGPU(0x90000000, ENDPOINT, 0),
    {"unset port", BDF(0, 0x1c, 0), 0x06, 0x04, true, 0, 0, 0x91000000, BRIDGE, 0},
    {"bus 0 device", BDF(0, 0x1f, 0), 0x06, 0x01, false, 0, 0, 0, NONE, -1},
};

static void function_no_unit_covers(void)
{
    table_begin_dmar(&t, 38, 1);
    endpoint_drhd(0x90000000, 0, 0, 0, 2, 0);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0x91000000);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0x1c, 0);
    table_end_structure(&t, drhd);
    parse_crafted();
    expect_rows("no-unit", uncovered_rows, CHECK_COUNT(uncovered_rows));
    expect_display_unit(uncovered_rows, CHECK_COUNT(uncovered_rows), 0x90000000, 2);
    struct inventory inv = {uncovered_rows, CHECK_COUNT(uncovered_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(1, 0, 0), &c);
    CHECK_EQ_U64(c.segment_units, 2);
    CHECK_EQ_U64(notes_of(NULL), 1);
    CHECK_LINES("segment 0 has no INCLUDE_PCI_ALL DRHD: only the functions its 2 DRHDs' scopes "
                "name are remapped");
}

/* A DRHD at register base 0 is no unit: its scope names nothing. The NVMe it scopes falls to
 * INCLUDE_PCI_ALL; with the INCLUDE_PCI_ALL unit at 0 instead, what no scope names is lost. */
static const struct row base_zero_rows[] = {
    NVME(0x77000000, ALL, -1),
    IGPU(0x76000000, ENDPOINT, 0),
};
static const struct row base_zero_all_rows[] = {
    NVME(0, NONE, -1),
    IGPU(0x76000000, ENDPOINT, 0),
};

static void base_zero_unit_skipped(void)
{
    table_begin_dmar(&t, 38, 1);
    endpoint_drhd(0x76000000, 0, 0, 0, 2, 0);
    endpoint_drhd(0, 0, 0, 1, 0, 0);
    include_all_drhd(0x77000000, 0);
    parse_crafted();
    CHECK_EQ_U64(info.unit_count, 2);
    expect_rows("base-zero", base_zero_rows, CHECK_COUNT(base_zero_rows));

    table_begin_dmar(&t, 38, 1);
    endpoint_drhd(0x76000000, 0, 0, 0, 2, 0);
    include_all_drhd(0, 0);
    parse_crafted();
    CHECK_EQ_U64(info.unit_count, 1);
    expect_rows("base-zero-include-all", base_zero_all_rows, CHECK_COUNT(base_zero_all_rows));
}

/* Types that disagree with the inventory: an endpoint scope naming the bridge 00:1c.0 covers
 * that bridge alone (not the bus below it); a bridge scope naming the endpoint 00:02.0
 * covers that function alone. Both are flagged. */
static const struct row mismatch_rows[] = {
    {"port named endpoint", BDF(0, 0x1c, 0), 0x06, 0x04, true, 2, 2, 0x60000000, ENDPOINT, 0},
    {"below it", BDF(2, 0, 0), 0x01, 0x08, false, 0, 0, 0x61000000, ALL, -1},
    IGPU(0x60000000, BRIDGE, 1),
};

static void scope_type_disagrees_with_inventory(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0x60000000);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x1c, 0);
    table_add_device_scope(&t, DMAR_SCOPE_BRIDGE, 0, 2, 0);
    table_end_structure(&t, drhd);
    include_all_drhd(0x61000000, 0);
    parse_crafted();
    expect_rows("type-mismatch", mismatch_rows, CHECK_COUNT(mismatch_rows));
    struct inventory inv = {mismatch_rows, CHECK_COUNT(mismatch_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    char text[300];
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(0, 0x1c, 0), &c);
    CHECK(c.type_mismatch);
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "DRHD 0x60000000: endpoint scope 0 names it; its scope type is endpoint, "
                    "the inventory's function is a bridge");
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(0, 2, 0), &c);
    CHECK(c.type_mismatch);
    dmar_cover_describe(&info, &c, text, sizeof text);
    CHECK_STR(text, "DRHD 0x60000000: bridge scope 1 names it (the bridge itself); its scope "
                    "type is bridge, the inventory's function is no bridge");
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(2, 0, 0), &c);
    CHECK(!c.type_mismatch);
}

/* What the notes name: INCLUDE_PCI_ALL twice on a segment (the first is used), PCI scopes in
 * an INCLUDE_PCI_ALL unit, a scope listed twice in one unit and in two units. */
static void table_notes(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0x10000000);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    table_end_structure(&t, drhd);
    drhd = table_begin_drhd(&t, 0, 0, 0x11000000);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    table_end_structure(&t, drhd);
    drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0x12000000);
    table_add_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 0, 2, (const uint8_t[][2]){{0x1d, 0}, {0, 0}});
    table_end_structure(&t, drhd);
    include_all_drhd(0x13000000, 0);
    include_all_drhd(0x20000000, 1);
    parse_crafted();
    CHECK_EQ_U64(notes_of(NULL), 5);
    CHECK_LINES("DRHD 0x12000000 (INCLUDE_PCI_ALL) is not the last DRHD of segment 0: DRHD "
                "0x13000000 follows it (VT-d requires it last; explicit scopes still win over "
                "it)",
                "segment 0 has 2 INCLUDE_PCI_ALL DRHDs; the first, 0x12000000, takes the "
                "functions no scope names",
                "DRHD 0x10000000 lists endpoint 00:02.0 twice",
                "endpoint 00:02.0 is in the scope of DRHD 0x10000000 and of DRHD 0x11000000",
                "DRHD 0x12000000 is INCLUDE_PCI_ALL yet lists endpoint 00:1d.0/00.0 (VT-d allows "
                "only IOAPIC, HPET and namespace scopes there)");
    /* The selection: the first of the two INCLUDE_PCI_ALL units; the endpoint in it counts
     * as a scope naming 01:00.0. */
    static const struct row rows[] = {
        NVME(0x12000000, ENDPOINT, 0),
        ROOT_PORT(0x12000000, ALL, -1),
        {"iGPU", BDF(0, 2, 0), 0x03, 0x00, false, 0, 0, 0x10000000, ENDPOINT, 0},
        {"seg 1", SEG_BDF(1, 0, 2, 0), 0x03, 0x00, false, 0, 0, 0x20000000, ALL, -1},
    };
    expect_rows("notes", rows, CHECK_COUNT(rows));
    struct inventory inv = {rows, CHECK_COUNT(rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_cover c;
    dmar_unit_for(&info, &topo, (struct dmar_bdf)BDF(0, 2, 0), &c);
    CHECK_EQ_U64(c.also_claimed, 1);
    CHECK_EQ_U64(base_of(c.also_unit), 0x11000000);
}

/* Descriptions of scopes, and of a short buffer (truncated, still a string). */
static void descriptions(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0xfed91000);
    table_add_device_scope(&t, DMAR_SCOPE_IOAPIC, 0, 0x1e, 7);
    table_add_scope(&t, DMAR_SCOPE_HPET, 0, 3, 0xf0, 1, (const uint8_t[][2]){{0x0f, 0}});
    table_add_scope(&t, DMAR_SCOPE_ACPI_NAMESPACE, 0, 9, 0, 1, (const uint8_t[][2]){{0x1e, 0}});
    table_end_structure(&t, drhd);
    drhd = table_begin_drhd(&t, 0, 0, 0xfed90000);
    table_end_structure(&t, drhd);
    parse_crafted();
    char text[200];
    dmar_scopes_describe(&info.units[0].scopes, text, sizeof text);
    CHECK_STR(text, "IOAPIC #0 00:1e.7, HPET #3 f0:0f.0, ACPI namespace device #9 00:1e.0");
    dmar_scopes_describe(&info.units[1].scopes, text, sizeof text);
    CHECK_STR(text, "no scopes");
    dmar_scopes_describe(&info.units[0].scopes, text, 10);
    CHECK_STR(text, "IOAPIC #0");
    struct dmar_cover c;
    dmar_unit_for(&info, NULL, (struct dmar_bdf)BDF(0, 0x1e, 7), &c);
    CHECK_EQ_U64(c.reason, DMAR_COVER_INCLUDE_PCI_ALL); /* an IOAPIC scope decides nothing */
    dmar_cover_describe(&info, &c, text, 12);
    CHECK_STR(text, "DRHD 0xfed9");
}

/* ---- the plan (lib/dmar_plan.c): the unit taken over and what the display keeps ---- */

/* The plan's verdict on one sample's synthetic inventory (NVMe 01:00.0 under test, root port
 * 00:1d.0, iGPU 00:02.0): the unit taken over (0: none), the iGPU's unit, its RMRRs, and
 * what it keeps when the unit taken over offers ECAP.PT, and when it offers only 39-bit
 * tables without ECAP.PT. The RMRR counts are read off each .dsl: 00:02.0 is named by one
 * RMRR on the xps13-9310 (0x6c000000..0x707fffff), the ideapadflex15 (0x9b800000..
 * 0x9f9fffff) and the surface_book_2 (0x8d000000..0x8f7fffff), by none elsewhere. */
struct plan_expect {
    const char *sample;
    uint64_t taken;
    uint64_t igpu_unit;
    unsigned igpu_rmrrs;
    enum dmar_display_keep with_pt, without_pt;
};

#define UNTOUCHED DMAR_DISPLAY_UNIT_UNTOUCHED
static const struct plan_expect plans[] = {
    {"asrock-x99ex4-L381-dmar", 0xfbffc000, 0xfbffc000, 0, DMAR_DISPLAY_PASS_THROUGH,
     DMAR_DISPLAY_IDENTITY},
    {"dell-m6800-dmar", 0xfed90000, 0xfed90000, 0, DMAR_DISPLAY_PASS_THROUGH,
     DMAR_DISPLAY_IDENTITY},
    {"dell-xps13-9310-dmar", 0xfed91000, 0xfed90000, 1, UNTOUCHED, UNTOUCHED},
    {"google-ecclesia-skx-server-dmar", 0, 0, 0, DMAR_DISPLAY_NOT_REMAPPED,
     DMAR_DISPLAY_NOT_REMAPPED},
    {"lenovo-ideapadflex15-dmar", 0, 0, 1, DMAR_DISPLAY_NOT_REMAPPED, DMAR_DISPLAY_NOT_REMAPPED},
    {"surface-surface_book_2-dmar", 0xfed91000, 0xfed90000, 1, UNTOUCHED, UNTOUCHED},
    {"surface-surface_pro_10_business-dmar", 0xfc801000, 0xfc800000, 0, UNTOUCHED, UNTOUCHED},
};

static const struct row plan_rows[] = {
    NVME(0, NONE, -1),
    ROOT_PORT(0, NONE, -1),
    IGPU(0, NONE, -1),
};

/* "0xfed91000", or "none". */
static void base_text(int unit, char *out, size_t len)
{
    if (unit >= 0)
        snprintf(out, len, "0x%llx", (unsigned long long)base_of(unit));
    else
        snprintf(out, len, "none");
}

/* The units whose scopes list an interrupt source of `type` (IOAPIC, HPET), as "0x... #id". */
static void interrupt_units(uint8_t type, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned k = 0; k < info.unit_count && used < len; k++)
        for (unsigned i = 0; i < info.units[k].scopes.count && used < len; i++)
            if (info.units[k].scopes.scopes[i].type == type)
                used += (size_t)snprintf(out + used, len - used, "%s#%u->0x%llx", used ? " " : "",
                                         info.units[k].scopes.scopes[i].enumeration_id,
                                         (unsigned long long)info.units[k].register_base);
    if (!used)
        snprintf(out, len, "none");
}

static void plan_one(const struct plan_expect *e)
{
    load_sample(e->sample);
    struct inventory inv = {plan_rows, CHECK_COUNT(plan_rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_pci_device devices[3];
    bool under_test[3] = {true, false, false};
    struct dmar_cover covers[3];
    unsigned nvme_per_unit[16];
    CHECK(info.unit_count <= 16);
    for (unsigned i = 0; i < 3; i++)
        devices[i] = (struct dmar_pci_device){plan_rows[i].bdf, plan_rows[i].base_class,
                                              plan_rows[i].subclass};
    int taken = dmar_plan_unit(&info, &topo, devices, 3, under_test, covers, nvme_per_unit);
    CHECK_EQ_U64(base_of(taken), e->taken);
    CHECK_EQ_U64(base_of(covers[2].unit), e->igpu_unit);
    if (taken >= 0)
        CHECK_EQ_U64(nvme_per_unit[taken], 1);
    struct dmar_display_plan with_pt, without_pt;
    CHECK_EQ_U64(dmar_plan_displays(&info, &topo, devices, 3, covers, taken,
                                    (struct dmar_unit_offer){true, 48}, &with_pt, 1), 1);
    CHECK_EQ_U64(dmar_plan_displays(&info, &topo, devices, 3, covers, taken,
                                    (struct dmar_unit_offer){false, 39}, &without_pt, 1), 1);
    CHECK_EQ_U64(with_pt.device, 2);
    CHECK_EQ_U64(with_pt.rmrrs, e->igpu_rmrrs);
    if (with_pt.keep != e->with_pt || without_pt.keep != e->without_pt)
        check_fail(__FILE__, __LINE__, "%s: the iGPU keeps %s / %s; expected %s / %s", e->sample,
                   dmar_display_keep_name(with_pt.keep), dmar_display_keep_name(without_pt.keep),
                   dmar_display_keep_name(e->with_pt), dmar_display_keep_name(e->without_pt));
    char nvme[24], port[24], igpu[24], taken_text[24], ioapics[200], hpets[200];
    base_text(covers[0].unit, nvme, sizeof nvme);
    base_text(covers[1].unit, port, sizeof port);
    base_text(covers[2].unit, igpu, sizeof igpu);
    base_text(taken, taken_text, sizeof taken_text);
    interrupt_units(DMAR_SCOPE_IOAPIC, ioapics, sizeof ioapics);
    interrupt_units(DMAR_SCOPE_HPET, hpets, sizeof hpets);
    printf("# plan | %s | %u DRHD | NVMe 01:00.0 %s | root port 00:1d.0 %s | iGPU 00:02.0 %s "
           "(%u RMRR) | IOAPIC %s | HPET %s | taken over %s | iGPU with PT: %s, without: %s\n",
           e->sample, info.unit_count, nvme, port, igpu, with_pt.rmrrs, ioapics, hpets,
           taken_text, dmar_display_keep_name(with_pt.keep),
           dmar_display_keep_name(without_pt.keep));
}

static void plan_every_sample(void)
{
    CHECK_EQ_U64(CHECK_COUNT(plans), CHECK_COUNT(sample_cases));
    for (size_t i = 0; i < CHECK_COUNT(plans); i++)
        plan_one(&plans[i]);
}

/* One INCLUDE_PCI_ALL unit holding the NVMe and the iGPU, whose RMRR lies at 2^39 (beyond 3-level
 * tables, inside 4-level ones): without ECAP.PT and with 39-bit tables the framebuffer cannot
 * be kept, so the unit is refused; with 48-bit tables the identity domain keeps it; with
 * ECAP.PT the iGPU is passed through. A second display the RMRR does not name keeps
 * identity. Nothing marked: the first unit. Marked and uncovered: none. */
static void plan_display_rmrr_reach(void)
{
    table_begin_dmar(&t, 47, 1);
    include_all_drhd(0xfed90000, 0);
    size_t rmrr = table_begin_rmrr(&t, 0, 1ull << 39, (1ull << 39) + 0xffffff);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 2, 0);
    table_end_structure(&t, rmrr);
    parse_crafted();
    static const struct row rows[] = {
        NVME(0xfed90000, ALL, -1),
        IGPU(0xfed90000, ALL, -1),
        {"VGA", BDF(0, 1, 0), 0x03, 0x00, false, 0, 0, 0xfed90000, ALL, -1},
    };
    struct inventory inv = {rows, CHECK_COUNT(rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_pci_device devices[3];
    for (unsigned i = 0; i < 3; i++)
        devices[i] = (struct dmar_pci_device){rows[i].bdf, rows[i].base_class, rows[i].subclass};
    bool under_test[3] = {true, false, false}, none[3] = {false, false, false};
    struct dmar_cover covers[3];
    CHECK_EQ_U64(dmar_plan_unit(&info, &topo, devices, 3, none, covers, NULL), 0);
    CHECK_EQ_U64(dmar_plan_unit(&info, &topo, devices, 3, under_test, covers, NULL), 0);
    struct dmar_display_plan p[2];
    CHECK_EQ_U64(dmar_plan_displays(&info, &topo, devices, 3, covers, 0,
                                    (struct dmar_unit_offer){false, 39}, p, 2), 2);
    CHECK_EQ_U64(p[0].device, 1);
    CHECK_EQ_U64(p[0].keep, DMAR_DISPLAY_CANNOT_KEEP);
    CHECK_EQ_U64(p[0].rmrrs, 1);
    CHECK_EQ_U64(p[0].unreachable_rmrr, 0);
    CHECK_EQ_U64(p[1].device, 2);
    CHECK_EQ_U64(p[1].keep, DMAR_DISPLAY_IDENTITY);
    CHECK_EQ_U64(p[1].unreachable_rmrr, (uint64_t)-1);
    dmar_plan_displays(&info, &topo, devices, 3, covers, 0, (struct dmar_unit_offer){false, 48}, p, 2);
    CHECK_EQ_U64(p[0].keep, DMAR_DISPLAY_IDENTITY);
    CHECK_EQ_U64(p[0].unreachable_rmrr, (uint64_t)-1);
    dmar_plan_displays(&info, &topo, devices, 3, covers, 0, (struct dmar_unit_offer){true, 39}, p, 2);
    CHECK_EQ_U64(p[0].keep, DMAR_DISPLAY_PASS_THROUGH);
    CHECK_EQ_U64(p[1].keep, DMAR_DISPLAY_PASS_THROUGH);
    /* Neither PT nor an address width: nothing to keep it with. */
    dmar_plan_displays(&info, &topo, devices, 3, covers, 0, (struct dmar_unit_offer){false, 0}, p, 2);
    CHECK_EQ_U64(p[1].keep, DMAR_DISPLAY_CANNOT_KEEP);
    /* Another unit taken over: this one is left as found, whatever it offers. */
    dmar_plan_displays(&info, &topo, devices, 3, covers, -1, (struct dmar_unit_offer){false, 39}, p, 1);
    CHECK_EQ_U64(p[0].keep, DMAR_DISPLAY_UNIT_UNTOUCHED);
    /* A controller under test outside every unit's segment: no unit to take over. */
    devices[0].bdf.segment = 1;
    CHECK_EQ_U64(dmar_plan_unit(&info, &topo, devices, 3, under_test, covers, NULL), (uint64_t)-1);
    CHECK_EQ_U64(dmar_sagaw_reach_bits(0x2), 39);
    CHECK_EQ_U64(dmar_sagaw_reach_bits(0x6), 48);
    CHECK_EQ_U64(dmar_sagaw_reach_bits(0x8), 0);
    CHECK_STR(dmar_display_keep_name(DMAR_DISPLAY_IDENTITY), "identity_with_rmrrs");
}

/* Two units holding NVMe controllers: the one holding more wins, ties go to table order. */
static void plan_most_nvme_wins(void)
{
    table_begin_dmar(&t, 38, 1);
    endpoint_drhd(0xa0000000, 0, 0, 3, 0, 0);
    include_all_drhd(0xa1000000, 0);
    parse_crafted();
    static const struct row rows[] = {
        {"NVMe 3", BDF(3, 0, 0), 0x01, 0x08, false, 0, 0, 0xa0000000, ENDPOINT, 0},
        {"NVMe 4", BDF(4, 0, 0), 0x01, 0x08, false, 0, 0, 0xa1000000, ALL, -1},
        {"NVMe 5", BDF(5, 0, 0), 0x01, 0x08, false, 0, 0, 0xa1000000, ALL, -1},
    };
    struct inventory inv = {rows, CHECK_COUNT(rows)};
    struct dmar_topology topo = {inventory_bridge, &inv};
    struct dmar_pci_device devices[3];
    for (unsigned i = 0; i < 3; i++)
        devices[i] = (struct dmar_pci_device){rows[i].bdf, rows[i].base_class, rows[i].subclass};
    bool all[3] = {true, true, true}, tie[3] = {true, true, false};
    unsigned per_unit[2];
    CHECK_EQ_U64(dmar_plan_unit(&info, &topo, devices, 3, all, NULL, per_unit), 1);
    CHECK_EQ_U64(per_unit[0], 1);
    CHECK_EQ_U64(per_unit[1], 2);
    CHECK_EQ_U64(dmar_plan_unit(&info, &topo, devices, 3, tie, NULL, per_unit), 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(asrock_x99ex4),
    CHECK_CASE(dell_m6800),
    CHECK_CASE(dell_xps13_9310),
    CHECK_CASE(google_skx_server),
    CHECK_CASE(lenovo_ideapadflex15),
    CHECK_CASE(surface_book_2),
    CHECK_CASE(surface_pro_10_business),
    CHECK_CASE(every_sample_has_a_case),
    CHECK_CASE(two_segments),
    CHECK_CASE(include_pci_all_only),
    CHECK_CASE(endpoint_beats_include_pci_all),
    CHECK_CASE(bridge_scope_covers_bus_range),
    CHECK_CASE(nested_scopes_most_specific_wins),
    CHECK_CASE(function_no_unit_covers),
    CHECK_CASE(base_zero_unit_skipped),
    CHECK_CASE(scope_type_disagrees_with_inventory),
    CHECK_CASE(table_notes),
    CHECK_CASE(descriptions),
    CHECK_CASE(plan_every_sample),
    CHECK_CASE(plan_display_rmrr_reach),
    CHECK_CASE(plan_most_nvme_wins),
};

int main(void)
{
    int status = CHECK_RUN("dmar_select", cases);
    dmar_free(&info);
    table_free(&t);
    return status;
}
