/* Host tests for drivers/pci/pci_capabilities.c and pci_print.c: config spaces in host memory (ECAM), walked and printed as the lspci -vv-like inventory. */
#include "arch/x86_64/port_io.h"
#include "check.h"
#include "pci.h"
#include "pci_capabilities.h"

#include <stdlib.h>

/* CF8/CFC is never used: every function below is reached through ECAM. */
uint8_t port_in8(uint16_t port) { return 0xff; }
uint16_t port_in16(uint16_t port) { return 0xffff; }
uint32_t port_in32(uint16_t port) { return 0xffffffffu; }
void port_out8(uint16_t port, uint8_t value) {}
void port_out16(uint16_t port, uint16_t value) {}
void port_out32(uint16_t port, uint32_t value) {}

/* One 4 KiB config space per bus 1..FUNCTIONS, each the only function (00.0) of its bus. */
#define FUNCTIONS 4
static uint8_t *spaces[FUNCTIONS + 1];
static struct acpi_mcfg_allocation ecam[FUNCTIONS];

static uint8_t *space(uint8_t bus)
{
    if (!spaces[bus]) {
        spaces[bus] = aligned_alloc(4096, 4096);
        ecam[bus - 1] = (struct acpi_mcfg_allocation){
            .base = (uint64_t)(uintptr_t)spaces[bus] - ((uint64_t)bus << 20), .segment = 0,
            .bus_start = bus, .bus_end = bus};
    }
    memset(spaces[bus], 0, 4096);
    return spaces[bus];
}

static void put32(uint8_t *config, unsigned offset, uint32_t value)
{
    memcpy(config + offset, &value, sizeof value);
}

/* The header fields pci_enumerate reads before it walks the capabilities. */
static void header(uint8_t *config, uint32_t ids, uint32_t class_rev, uint8_t type, uint8_t caps)
{
    put32(config, 0x00, ids);
    put32(config, 0x04, caps ? 0x00100006u : 0x00000006u); /* status: capability list */
    put32(config, 0x08, class_rev);
    config[0x0e] = type;
    config[0x34] = caps;
}

static struct pci_inventory inventory;

static struct pci_function *function(uint8_t bus, const uint8_t *config)
{
    struct pci_function *f = &inventory.functions[inventory.count++];
    memset(f, 0, sizeof *f);
    f->address = (struct pci_address){0, bus, 0, 0};
    memcpy(&f->vendor_id, config, 2);
    memcpy(&f->device_id, config + 2, 2);
    memcpy(&f->command, config + 4, 2);
    f->revision = config[8];
    f->prog_if = config[9];
    f->subclass = config[10];
    f->base_class = config[11];
    f->header_type = config[0x0e] & PCI_HEADER_TYPE_MASK;
    f->bar_slots = f->header_type == PCI_HEADER_BRIDGE ? 2 : 6;
    return f;
}

/* QEMU 7.2's NVMe controller (lspci -vv in a Linux guest on the same machine): MSI-X at 0x40,
 * Express (an integrated endpoint on pcie.0) at 0x80, Power Management at 0x60. */
static void qemu_nvme(uint8_t bus)
{
    uint8_t *c = space(bus);
    header(c, 0x00101b36, 0x01080202, PCI_HEADER_ENDPOINT, 0x40);
    put32(c, 0x2c, 0x11001af4);
    put32(c, 0x40, 0x00408011); /* MSI-X, next 0x80, 65 vectors */
    put32(c, 0x44, 0x00002000); /* table: BAR0 + 0x2000 */
    put32(c, 0x48, 0x00003000); /* PBA: BAR0 + 0x3000 */
    put32(c, 0x60, 0x00030001); /* PM version 3, last */
    put32(c, 0x80, 0x00926010); /* Express v2, type 9, next 0x60 */
    put32(c, 0x84, 0x10008000); /* DevCap: MPS 128, RBE, FLR */
    struct pci_function *f = function(bus, c);
    pci_walk_capabilities(f);
    f->bars[0] = (struct pci_bar){PCI_BAR_MEM64, false, 0xe009004000ull, 16384};
    f->bars[2] = (struct pci_bar){PCI_BAR_MEM64, true, 0xe000000000ull, 64ull << 20};
    f->bars[4] = (struct pci_bar){PCI_BAR_MEM64, true, 0xe008000000ull, 8ull << 20};
}

/* A PCIe root port: Express, MSI, the subsystem IDs in SSVID, PM; AER and ACS extended. */
static void root_port(uint8_t bus)
{
    uint8_t *c = space(bus);
    header(c, 0x000c1b36, 0x06040000, PCI_HEADER_BRIDGE, 0x40);
    put32(c, 0x40, 0x01424810); /* Express v2 Root Port with a slot, next 0x48 */
    put32(c, 0x44, 0x00000001); /* DevCap: MPS 256 */
    put32(c, 0x48, 0x00805005); /* MSI 64-bit, next 0x50 */
    put32(c, 0x50, 0x0000580d); /* SSVID, next 0x58 */
    put32(c, 0x54, 0x11001af4);
    put32(c, 0x58, 0x00030001); /* PM version 3 */
    put32(c, 0x100, 0x14820001); /* AER v2, next 0x148 */
    put32(c, 0x148, 0x0001000d); /* ACS v1, last */
    struct pci_function *f = function(bus, c);
    pci_walk_capabilities(f);
    f->secondary_bus = 5;
    f->subordinate_bus = 5;
}

/* Kept out by config devices: config reads only, BARs as found. */
static void left_alone_nvme(uint8_t bus)
{
    uint8_t *c = space(bus);
    header(c, 0x00101b36, 0x01080202, PCI_HEADER_ENDPOINT, 0);
    struct pci_function *f = function(bus, c);
    pci_walk_capabilities(f);
    f->left_alone = true;
    snprintf(f->left_alone_why, sizeof f->left_alone_why, "config devices: excluded by '!%s'",
             "nvmetal-1");
    f->bar_raw[0] = 0xe0090004u;
    f->bar_raw[1] = 0x000000e0u;
}

/* A class pci.ids does not name, a capability lspci does not know that points at itself, an
 * I/O BAR with decoding off and a memory BAR the firmware left unassigned. */
static void odd_function(uint8_t bus)
{
    uint8_t *c = space(bus);
    header(c, 0x12348086, 0x42000010, PCI_HEADER_ENDPOINT, 0x40);
    put32(c, 0x04, 0x00100000); /* command 0: no decoding */
    put32(c, 0x40, 0x00004042);
    struct pci_function *f = function(bus, c);
    pci_walk_capabilities(f);
    f->bars[0] = (struct pci_bar){PCI_BAR_IO, false, 0xc000, 256};
    f->bars[1] = (struct pci_bar){PCI_BAR_MEM32, false, 0, 4096};
    f->bar_decode_failed = 1u << 5;
    f->bar_raw[5] = 0xfffffff6u;
}

static void build(void)
{
    pci_config_init(ecam, FUNCTIONS); /* used in place: the entries fill in as spaces appear */
    inventory.count = 0;
    qemu_nvme(1);
    root_port(2);
    left_alone_nvme(3);
    odd_function(4);
}

/* The walk keeps what the inventory decodes: the header dwords and the two after them. */
static void walk_keeps_capability_dwords(void)
{
    build();
    const struct pci_function *nvme = &inventory.functions[0];
    CHECK_EQ_U64(nvme->cap_count, 3);
    CHECK_STR(nvme->cap_problem, "");
    const struct pci_capability *msix = pci_find_capability(nvme, PCI_CAP_ID_MSIX, false);
    CHECK(msix != NULL);
    if (msix) {
        CHECK_EQ_U64(msix->offset, 0x40);
        CHECK_EQ_U64(msix->dwords[0], 0x00408011);
        CHECK_EQ_U64(msix->dwords[1], 0x00002000);
        CHECK_EQ_U64(msix->dwords[2], 0x00003000);
    }
    CHECK_EQ_U64(nvme->subsystem_vendor_id, 0x1af4);
    CHECK_EQ_U64(nvme->subsystem_id, 0x1100);
    const struct pci_function *port = &inventory.functions[1];
    CHECK_EQ_U64(port->cap_count, 6);
    CHECK_EQ_U64(port->subsystem_vendor_id, 0x1af4); /* from SSVID: a bridge has no 0x2c */
    const struct pci_capability *acs = pci_find_capability(port, 0x000d, true);
    CHECK(acs != NULL);
    if (acs) {
        CHECK_EQ_U64(acs->offset, 0x148);
        CHECK_EQ_U64(acs->dwords[0], 0x0001000d);
        CHECK_EQ_U64(acs->dwords[1], 0); /* extended: the header only */
    }
    CHECK_EQ_U64(inventory.functions[2].cap_count, 0);
    CHECK_STR(inventory.functions[3].cap_problem,
              "capability pointer 0x40 after 1 entries is invalid or loops");
    CHECK_EQ_U64(pci_MSIX_HEADER_TABLE_SIZE(0x00408011), 64);
    CHECK_EQ_U64(pci_EXP_HEADER_TYPE(0x00926010), PCI_EXP_TYPE_RC_ENDPOINT);
}

/* The inventory line by line, named as lspci -vv names things. */
static void inventory_as_lspci_names_it(void)
{
    build();
    check_line_count = 0;
    pci_print_inventory(&inventory, check_capture_line);
    CHECK_LINES(
        "pci 01:00.0 1b36:0010 class 01:08:02 Non-Volatile memory controller [NVM Express] (rev "
        "02), Subsystem: 1af4:1100",
        "pci   BAR0 mem64 0x000000e009004000 size 16K (Region 0: Memory, 64-bit, "
        "non-prefetchable)",
        "pci   BAR2 mem64 pref 0x000000e000000000 size 64M (Region 2: Memory, 64-bit, "
        "prefetchable)",
        "pci   BAR4 mem64 pref 0x000000e008000000 size 8M (Region 4: Memory, 64-bit, prefetchable)",
        "pci   Capabilities: [40] MSI-X: Enable- Count=65 Masked-, Vector table: BAR=0 "
        "offset=00002000, PBA: BAR=0 offset=00003000",
        "pci   Capabilities: [80] Express (v2) Root Complex Integrated Endpoint, MSI 00, DevCap: "
        "MaxPayload 128 bytes, PhantFunc 0, FLReset+",
        "pci   Capabilities: [60] Power Management version 3",
        "pci 02:00.0 1b36:000c class 06:04:00 PCI bridge [Normal decode] (rev 00), Subsystem: "
        "1af4:1100",
        "pci   bridge secondary 05 subordinate 05",
        "pci   Capabilities: [40] Express (v2) Root Port (Slot+), MSI 00, DevCap: MaxPayload 256 "
        "bytes, PhantFunc 0",
        "pci   Capabilities: [48] MSI: Enable- Count=1/1 Maskable- 64bit+",
        "pci   Capabilities: [50] Subsystem: 1af4:1100",
        "pci   Capabilities: [58] Power Management version 3",
        "pci   Capabilities: [100 v2] Advanced Error Reporting",
        "pci   Capabilities: [148 v1] Access Control Services",
        "pci 03:00.0 1b36:0010 class 01:08:02 Non-Volatile memory controller [NVM Express] (rev "
        "02)",
        "pci   left alone: config devices: excluded by '!nvmetal-1'; BARs not sized, dwords "
        "0xe0090004 0x000000e0 0x00000000 0x00000000 0x00000000 0x00000000",
        "pci 04:00.0 8086:1234 class 42:00:00 Class 4200 (rev 10)",
        "pci   BAR0 io 0x000000000000c000 size 256 (Region 0: I/O ports, disabled)",
        "pci   BAR1 mem32 0x0000000000000000 size 4K (Region 1: Memory, 32-bit, non-prefetchable, "
        "unassigned)",
        "pci   BAR5 invalid (reads 0xfffffff6)",
        "pci   Capabilities: [40] Capability ID 0x42",
        "pci   caps problem: capability pointer 0x40 after 1 entries is invalid or loops");
}

static const struct check_case cases[] = {
    CHECK_CASE(walk_keeps_capability_dwords),
    CHECK_CASE(inventory_as_lspci_names_it),
};

int main(void)
{
    return CHECK_RUN("pci_print", cases);
}
