/* Host tests for drivers/pci/pci_bar.c: BAR kinds and sizes from original and probe readings, format_size. */
#include "check.h"
#include "pci_bar.h"

/* A decode that must succeed, with every field compared. */
struct bar_case {
    const char *what;
    uint32_t original_low, original_high, probe_low, probe_high;
    enum pci_bar_kind kind;
    bool prefetchable;
    uint64_t address, size;
};

static void check_decoded(const struct bar_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const struct bar_case *c = &cases[i];
        struct pci_bar bar;
        memset(&bar, 0xee, sizeof bar);
        int rc = pci_bar_decode(c->original_low, c->original_high, c->probe_low, c->probe_high,
                                &bar);
        if (rc != 0 || bar.kind != c->kind || bar.prefetchable != c->prefetchable ||
            bar.address != c->address || bar.size != c->size)
            check_fail(__FILE__, __LINE__,
                       "%s: rc %d kind %s prefetchable %d address 0x%llx size 0x%llx; expected "
                       "kind %s prefetchable %d address 0x%llx size 0x%llx",
                       c->what, rc, pci_bar_kind_name(bar.kind), bar.prefetchable,
                       (unsigned long long)bar.address, (unsigned long long)bar.size,
                       pci_bar_kind_name(c->kind), c->prefetchable,
                       (unsigned long long)c->address, (unsigned long long)c->size);
    }
}

static void valid_bars(void)
{
    static const struct bar_case cases[] = {
        {"io 32 bytes", 0x0000c041, 0, 0xffffffe1, 0, PCI_BAR_IO, false, 0xc040, 32},
        {"io, 16-bit decoder", 0x0000c001, 0, 0x0000ffe1, 0, PCI_BAR_IO, false, 0xc000, 32},
        {"io 256 bytes", 0x0000e001, 0, 0xffffff01, 0, PCI_BAR_IO, false, 0xe000, 256},
        {"io 4 bytes", 0x00000f01, 0, 0xfffffffd, 0, PCI_BAR_IO, false, 0xf00, 4},
        {"mem32 4K", 0xfebf0000, 0, 0xfffff000, 0, PCI_BAR_MEM32, false, 0xfebf0000, 0x1000},
        {"mem32 16M prefetchable", 0xfd000008, 0, 0xff000008, 0, PCI_BAR_MEM32, true,
         0xfd000000, 16ull << 20},
        {"mem32 2G", 0x80000000, 0, 0x80000000, 0, PCI_BAR_MEM32, false, 0x80000000, 2ull << 30},
        {"mem32 unassigned", 0x00000000, 0, 0xffffc000, 0, PCI_BAR_MEM32, false, 0, 0x4000},
        {"mem64 prefetchable 1G above 4G", 0x0000000c, 0x000000e0, 0xc000000c, 0xffffffff,
         PCI_BAR_MEM64, true, 0xe000000000ull, 1ull << 30},
        {"mem64 16K below 4G", 0xfebd0004, 0, 0xffffc004, 0xffffffff, PCI_BAR_MEM64, false,
         0xfebd0000, 0x4000},
        {"mem64 4G", 0x0000000c, 0x00000080, 0x0000000c, 0xffffffff, PCI_BAR_MEM64, true,
         0x8000000000ull, 4ull << 30},
        {"mem64 64G", 0x0000000c, 0x00000040, 0x0000000c, 0xfffffff0, PCI_BAR_MEM64, true,
         0x4000000000ull, 64ull << 30},
        {"below 1M", 0x000d0002, 0, 0xffff0002, 0, PCI_BAR_MEM1M, false, 0xd0000, 0x10000},
        {"not implemented", 0, 0, 0, 0, PCI_BAR_UNUSED, false, 0, 0},
    };
    check_decoded(cases, CHECK_COUNT(cases));
}

static void invalid_bars(void)
{
    static const struct {
        const char *what;
        uint32_t original_low, original_high, probe_low, probe_high;
    } cases[] = {
        {"reserved memory type 0b11", 0x00000006, 0, 0xfffff006, 0},
        {"hole in a mem32 mask", 0xfe000000, 0, 0xff0ff000, 0},
        {"hole in an io mask", 0x0000c001, 0, 0xffff7fe1, 0},
        {"io upper half partly decoded", 0x0000c001, 0, 0x00ffffe1, 0},
        {"hole in the high dword", 0x0000000c, 0, 0xc000000c, 0xfffffff7},
        {"high dword not ones above the low one", 0x0000000c, 0, 0xc000000c, 0x7fffffff},
        {"mem64 with nothing writable", 0x0000000c, 0, 0x0000000c, 0},
        {"mem32 type bits only", 0x00000008, 0, 0x00000008, 0},
        {"io type bit only", 0x00000001, 0, 0x00000001, 0},
        {"probe changed the kind", 0x00000000, 0, 0xfffff001, 0},
        {"probe changed prefetchable", 0xfd000008, 0, 0xff000000, 0},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct pci_bar bar;
        int rc = pci_bar_decode(cases[i].original_low, cases[i].original_high,
                                cases[i].probe_low, cases[i].probe_high, &bar);
        if (rc != -1)
            check_fail(__FILE__, __LINE__, "%s: accepted (rc %d, size 0x%llx)", cases[i].what,
                       rc, (unsigned long long)bar.size);
    }
}

static void is_64bit(void)
{
    CHECK(pci_bar_is_64bit(0x0000000c));
    CHECK(pci_bar_is_64bit(0xfebd0004));
    CHECK(!pci_bar_is_64bit(0x00000000));
    CHECK(!pci_bar_is_64bit(0xfd000008));
    CHECK(!pci_bar_is_64bit(0x00000002)); /* below 1M */
    CHECK(!pci_bar_is_64bit(0x00000006)); /* reserved */
    CHECK(!pci_bar_is_64bit(0x0000c005)); /* I/O: bit 2 is an address bit */
}

static void kind_names(void)
{
    CHECK_STR(pci_bar_kind_name(PCI_BAR_IO), "io");
    CHECK_STR(pci_bar_kind_name(PCI_BAR_MEM32), "mem32");
    CHECK_STR(pci_bar_kind_name(PCI_BAR_MEM64), "mem64");
    CHECK_STR(pci_bar_kind_name(PCI_BAR_MEM1M), "mem1M");
    CHECK_STR(pci_bar_kind_name(PCI_BAR_UNUSED), "unused");
    CHECK_STR(pci_bar_kind_name((enum pci_bar_kind)42), "?");
}

static void sizes(void)
{
    static const struct {
        uint64_t bytes;
        const char *text;
    } cases[] = {
        {0, "0"},
        {512, "512"},
        {1000, "1000"},
        {1024, "1K"},
        {1500, "1500"},
        {16384, "16K"},
        {1ull << 20, "1M"},
        {1536ull << 10, "1536K"},
        {3ull << 19, "1536K"},
        {256ull << 20, "256M"},
        {1ull << 30, "1G"},
        {4ull << 30, "4G"},
        {3ull << 29, "1536M"},
        {1ull << 40, "1T"},
        {1ull << 63, "8388608T"},
        {~0ull, "18446744073709551615"},
    };
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        char text[32];
        format_size(cases[i].bytes, text, sizeof text);
        CHECK_STR(text, cases[i].text);
    }
    char small[3] = {'x', 'x', 'x'};
    format_size(16384, small, sizeof small);
    CHECK_STR(small, "16");
    format_size(16384, small, 0); /* len 0 writes nothing */
    CHECK_STR(small, "16");
}

static const struct check_case cases[] = {
    CHECK_CASE(valid_bars),
    CHECK_CASE(invalid_bars),
    CHECK_CASE(is_64bit),
    CHECK_CASE(kind_names),
    CHECK_CASE(sizes),
};

int main(void)
{
    return CHECK_RUN("pci_bar", cases);
}
