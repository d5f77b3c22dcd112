/* Writes the generated seed inputs: valid ACPI tables and a DMAR as QEMU builds them, QEMU-like Identify pages, configs, PMR records, tiny disks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/pattern.h"
#include "lib/pmr_record.h"

/* usage: make_seeds OUT_DIR; writes OUT_DIR/<harness>/<name> for each harness. */

static const char *out_dir;

struct blob {
    uint8_t bytes[8192];
    size_t length;
};

static void put_le(uint8_t *p, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static void append_le(struct blob *b, uint64_t value, size_t width)
{
    put_le(b->bytes + b->length, value, width);
    b->length += width;
}

static void append_bytes(struct blob *b, const void *bytes, size_t n)
{
    memcpy(b->bytes + b->length, bytes, n);
    b->length += n;
}

static void write_seed(const char *harness, const char *name, const void *bytes, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, harness);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, harness, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void write_blob(const char *harness, const char *name, const struct blob *b)
{
    write_seed(harness, name, b->bytes, b->length);
}

static void write_text(const char *harness, const char *name, const char *text, size_t n)
{
    write_seed(harness, name, text, n);
}

/* ---- ACPI: what QEMU 7.2's q35 machine publishes (BOCHS/BXPC ids) ---- */

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)-sum;
}

static void begin_sdt(struct blob *b, const char *signature, uint8_t revision)
{
    memset(b, 0, sizeof *b);
    memcpy(b->bytes, signature, 4);
    b->bytes[8] = revision;
    memcpy(b->bytes + 10, "BOCHS ", 6);
    memcpy(b->bytes + 16, "BXPC    ", 8);
    put_le(b->bytes + 24, 1, 4);
    memcpy(b->bytes + 28, "BXPC", 4);
    put_le(b->bytes + 32, 1, 4);
    b->length = 36;
}

static void seal_sdt(struct blob *b)
{
    put_le(b->bytes + 4, b->length, 4);
    fix_checksum(b->bytes, b->length, 9);
}

static void acpi_seeds(void)
{
    struct blob b;

    /* RSDP 1.0 (20 bytes) and 2.0 (36 bytes, pointing at an XSDT). */
    memset(&b, 0, sizeof b);
    memcpy(b.bytes, "RSD PTR ", 8);
    memcpy(b.bytes + 9, "BOCHS ", 6);
    put_le(b.bytes + 16, 0x7ffe2316, 4);
    fix_checksum(b.bytes, 20, 8);
    b.length = 20;
    write_blob("acpi", "rsdp-v1", &b);
    b.bytes[15] = 2;
    put_le(b.bytes + 20, 36, 4);
    put_le(b.bytes + 24, 0x7ffe23a2, 8);
    fix_checksum(b.bytes, 20, 8);
    fix_checksum(b.bytes, 36, 32);
    b.length = 36;
    write_blob("acpi", "rsdp-v2", &b);

    /* XSDT and RSDT naming FACP, APIC, HPET, MCFG, WAET. */
    static const uint64_t tables[] = {0x7ffe2136, 0x7ffe222a, 0x7ffe22ba, 0x7ffe22f2, 0x7ffe232e};
    begin_sdt(&b, "XSDT", 1);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        append_le(&b, tables[i], 8);
    seal_sdt(&b);
    write_blob("acpi", "xsdt-qemu", &b);
    begin_sdt(&b, "RSDT", 1);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        append_le(&b, tables[i], 4);
    seal_sdt(&b);
    write_blob("acpi", "rsdt-qemu", &b);

    /* MCFG: ECAM at 0xb0000000 for segment 0, buses 0..255; and two segments. */
    begin_sdt(&b, "MCFG", 1);
    b.length = 44;
    append_le(&b, 0xb0000000, 8);
    append_le(&b, 0, 2);
    append_le(&b, 0x00, 1);
    append_le(&b, 0xff, 1);
    append_le(&b, 0, 4);
    seal_sdt(&b);
    write_blob("acpi", "mcfg-qemu", &b);
    append_le(&b, 0xe0000000, 8);
    append_le(&b, 1, 2);
    append_le(&b, 0x80, 1);
    append_le(&b, 0xbf, 1);
    append_le(&b, 0, 4);
    seal_sdt(&b);
    write_blob("acpi", "mcfg-two-segments", &b);

    /* FADT: revision 1 (116 bytes, no reset register), QEMU's revision 3 (244 bytes: PM timer
     * at I/O 0x608 also as X_PM_TMR_BLK, reset register 0xcf9 value 0x0f), revision 6 (276). */
    begin_sdt(&b, "FACP", 1);
    b.length = 116;
    put_le(b.bytes + 76, 0x608, 4);
    b.bytes[91] = 4; /* PM_TMR_LEN */
    put_le(b.bytes + 112, 0x000084a5, 4);
    seal_sdt(&b);
    write_blob("acpi", "fadt-rev1", &b);
    b.bytes[8] = 3;
    b.length = 244;
    put_le(b.bytes + 112, 0x000084a5 | (1u << 10), 4);
    b.bytes[116] = 1; /* RESET_REG: system I/O, 8 bits at 0xcf9 */
    b.bytes[117] = 8;
    put_le(b.bytes + 120, 0xcf9, 8);
    b.bytes[128] = 0x0f;
    b.bytes[208] = 1; /* X_PM_TMR_BLK: system I/O, 32 bits at 0x608 */
    b.bytes[209] = 32;
    put_le(b.bytes + 212, 0x608, 8);
    seal_sdt(&b);
    write_blob("acpi", "fadt-qemu-rev3", &b);
    b.bytes[8] = 6;
    b.length = 276;
    seal_sdt(&b);
    write_blob("acpi", "fadt-rev6", &b);

    /* HPET at 0xfed00000. */
    begin_sdt(&b, "HPET", 1);
    append_le(&b, 0x8086a201, 4);
    append_le(&b, 0, 1);  /* memory */
    append_le(&b, 0, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0xfed00000, 8);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    append_le(&b, 0, 1);
    seal_sdt(&b);
    write_blob("acpi", "hpet-qemu", &b);
}

/* ---- SPCR: COM1 at I/O 0x3f8 as PC firmware names it, an MMIO 16550 with 32-bit registers,
 * revision 4 with its namespace string, and a PL011 (refused) ---- */

static void spcr_body(struct blob *b, uint8_t revision, uint8_t type, uint8_t space, uint8_t bits,
                      uint8_t access, uint64_t address, uint8_t baud_code)
{
    begin_sdt(b, "SPCR", revision);
    b->bytes[36] = type;
    b->bytes[40] = space;
    b->bytes[41] = bits;
    b->bytes[43] = access;
    put_le(b->bytes + 44, address, 8);
    b->bytes[52] = 1;   /* 8259 IRQ 4 */
    b->bytes[53] = 4;
    b->bytes[58] = baud_code;
    b->bytes[60] = 1;   /* one stop bit */
    put_le(b->bytes + 64, 0xffff, 2); /* not a PCI device */
    put_le(b->bytes + 66, 0xffff, 2);
    b->length = 80;
}

static void spcr_seeds(void)
{
    struct blob b;
    spcr_body(&b, 2, 0x00, 1, 8, 1, 0x3f8, 7);
    seal_sdt(&b);
    write_blob("spcr", "spcr-com1-rev2", &b);
    spcr_body(&b, 1, 0x00, 1, 8, 0, 0x2f8, 0);
    seal_sdt(&b);
    write_blob("spcr", "spcr-com2-rev1-as-is", &b);
    spcr_body(&b, 2, 0x12, 0, 32, 3, 0xfe032000, 7);
    seal_sdt(&b);
    write_blob("spcr", "spcr-mmio32-rev2", &b);
    spcr_body(&b, 3, 0x12, 0, 32, 0, 0xfe032000, 6);
    put_le(b.bytes + 76, 48000000, 4);
    seal_sdt(&b);
    write_blob("spcr", "spcr-mmio32-rev3-clock", &b);
    spcr_body(&b, 4, 0x00, 1, 8, 1, 0x3f8, 7);
    put_le(b.bytes + 80, 115200, 4);
    put_le(b.bytes + 84, 10, 2);
    put_le(b.bytes + 86, 88, 2);
    memcpy(b.bytes + 88, "\\_SB.URT0", 10);
    b.length = 98;
    seal_sdt(&b);
    write_blob("spcr", "spcr-rev4-namespace", &b);
    spcr_body(&b, 2, 0x03, 0, 32, 3, 0x9000000, 7);
    seal_sdt(&b);
    write_blob("spcr", "spcr-pl011", &b);
}

/* ---- DMAR ---- */

static size_t begin_structure(struct blob *b, uint16_t type)
{
    size_t start = b->length;
    append_le(b, type, 2);
    append_le(b, 0, 2);
    return start;
}

static void end_structure(struct blob *b, size_t start)
{
    put_le(b->bytes + start + 2, b->length - start, 2);
}

/* A device scope with a path of `hops` (device, function) pairs. */
static void add_scope(struct blob *b, uint8_t type, uint8_t enumeration_id, uint8_t bus,
                      const uint8_t *path, size_t hops)
{
    append_le(b, type, 1);
    append_le(b, 6 + 2 * hops, 1);
    append_le(b, 0, 2);
    append_le(b, enumeration_id, 1);
    append_le(b, bus, 1);
    append_bytes(b, path, 2 * hops);
}

static void begin_dmar(struct blob *b, uint8_t haw_field, uint8_t flags)
{
    begin_sdt(b, "DMAR", 1);
    append_le(b, haw_field, 1);
    append_le(b, flags, 1);
    b->length = 48;
}

static void dmar_seeds(void)
{
    struct blob b;
    static const uint8_t ioapic_path[] = {0x00, 0x00};

    /* QEMU intel-iommu,intremap=on,aw-bits=39: one DRHD with INCLUDE_PCI_ALL and the IOAPIC. */
    begin_dmar(&b, 38, 0x01);
    size_t s = begin_structure(&b, 0);
    append_le(&b, 0x01, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    append_le(&b, 0xfed90000, 8);
    add_scope(&b, 3, 0, 0xff, ioapic_path, 1);
    end_structure(&b, s);
    seal_sdt(&b);
    write_blob("dmar", "dmar-qemu", &b);

    /* Every structure type: an iGPU-only unit, a catch-all unit with IOAPIC and HPET, an RMRR
     * for a USB controller, ATSR, RHSA, ANDD, SATC, SIDP and an unknown type 127. */
    begin_dmar(&b, 45, 0x05);
    static const uint8_t igpu[] = {0x02, 0x00};
    static const uint8_t behind_root_port[] = {0x1c, 0x00, 0x00, 0x00};
    static const uint8_t usb[] = {0x14, 0x00};
    static const uint8_t lpc[] = {0x1f, 0x00};
    s = begin_structure(&b, 0);
    append_le(&b, 0, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    append_le(&b, 0xfed90000, 8);
    add_scope(&b, 1, 0, 0, igpu, 1);
    end_structure(&b, s);
    s = begin_structure(&b, 0);
    append_le(&b, 0x01, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    append_le(&b, 0xfed91000, 8);
    add_scope(&b, 3, 2, 0xf0, lpc, 1);
    add_scope(&b, 4, 0, 0x00, lpc, 1);
    add_scope(&b, 2, 0, 0x00, behind_root_port, 2);
    end_structure(&b, s);
    s = begin_structure(&b, 1);
    append_le(&b, 0, 2);
    append_le(&b, 0, 2);
    append_le(&b, 0x3e2e0000, 8);
    append_le(&b, 0x3e2fffff, 8);
    add_scope(&b, 1, 0, 0, usb, 1);
    end_structure(&b, s);
    s = begin_structure(&b, 2);
    append_le(&b, 0, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    add_scope(&b, 2, 0, 0, behind_root_port, 1);
    end_structure(&b, s);
    s = begin_structure(&b, 3);
    append_le(&b, 0, 4);
    append_le(&b, 0xfed91000, 8);
    append_le(&b, 0, 4);
    end_structure(&b, s);
    s = begin_structure(&b, 4);
    append_le(&b, 0, 3);
    append_le(&b, 1, 1);
    append_bytes(&b, "\\_SB.PCI0.I2C1", sizeof "\\_SB.PCI0.I2C1");
    end_structure(&b, s);
    s = begin_structure(&b, 5);
    append_le(&b, 0, 1);
    append_le(&b, 0, 1);
    append_le(&b, 0, 2);
    add_scope(&b, 1, 0, 0, igpu, 1);
    end_structure(&b, s);
    s = begin_structure(&b, 6); /* SIDP: reserved, segment, scopes with flags in byte 2 */
    append_le(&b, 0, 2);
    append_le(&b, 0, 2);
    add_scope(&b, 1, 0, 0, usb, 1);
    b.bytes[b.length - 6] = 0x10; /* ATC_REQUIRED */
    end_structure(&b, s);
    s = begin_structure(&b, 127); /* a type from the future: skipped by its length */
    append_le(&b, 0, 4);
    end_structure(&b, s);
    seal_sdt(&b);
    write_blob("dmar", "dmar-every-type", &b);
}

/* ---- config: file text, optionally NUL + load options ---- */

static void config_seed(const char *name, const char *file, const char *options)
{
    char text[4096];
    size_t n = strlen(file);
    memcpy(text, file, n);
    if (options) {
        text[n++] = '\0';
        memcpy(text + n, options, strlen(options));
        n += strlen(options);
    }
    write_text("config", name, text, n);
}

static void config_seeds(void)
{
    config_seed("every-key",
                "tests = pci.*, nvme.cmb.*, vtd.?nit.*\n"
                "allow_write = nvmetal-0, S4EWNX0R*\n"
                "exit_boot_services = no\n"
                "console = serial\n"
                "timeout_s = 86400\n"
                "dma_pool_mb = 1024\n"
                "exit_action = halt\n"
                "selftest = hang\n"
                "iommu = require\n"
                "cmb = off\n"
                "pmr = require\n"
                "bench = yes\n",
                NULL);
    config_seed("crlf-bom-comments",
                "\xef\xbb\xbf# written on Windows\r\n"
                "\ttests = platform.*\t# only the platform\r\n"
                "\r\n"
                "exit_action = shutdown\r\n"
                "bench = false\r\n",
                NULL);
    config_seed("file-and-options", "tests = *\nallow_write = none\n",
                "nvmetal.efi tests=pci.* timeout_s=30;bench=on allow_write=nvmetal-*");
    config_seed("options-only", "", "nvmetal.efi exit_boot_services=no console=auto iommu=off");
    config_seed("options-no-program-name", "", "dma_pool_mb=1;selftest=exception;pmr=auto");
}

/* ---- NVMe Identify pages, as QEMU 7.2 answers for -device nvme,serial=nvmetal-0 ---- */

static void put_ascii(uint8_t *page, size_t offset, size_t width, const char *text)
{
    memset(page + offset, ' ', width);
    memcpy(page + offset, text, strlen(text));
}

static void identify_seeds(void)
{
    static uint8_t page[4096];

    memset(page, 0, sizeof page);
    put_le(page + 0, 0x1b36, 2);
    put_le(page + 2, 0x1af4, 2);
    put_ascii(page, 4, 20, "nvmetal-0");
    put_ascii(page, 24, 40, "QEMU NVMe Ctrl");
    put_ascii(page, 64, 8, "7.2.22");
    page[77] = 7;
    put_le(page + 80, 0x00010400, 4);
    page[512] = 0x66;
    page[513] = 0x44;
    put_le(page + 516, 256, 4);
    put_le(page + 520, 0x015d, 2);
    page[525] = 0x07;
    memcpy(page + 768, "nqn.2019-08.org.qemu:nvmetal-0", strlen("nqn.2019-08.org.qemu:nvmetal-0"));
    write_seed("nvme_identify", "controller-qemu", page, sizeof page);

    /* 1 GiB namespace, format 4 (4 KiB + 8 bytes metadata) formatted, PI type 1. */
    memset(page, 0, sizeof page);
    put_le(page + 0, 262144, 8);
    put_le(page + 8, 262144, 8);
    put_le(page + 16, 1000, 8);
    page[24] = 0x04;
    page[25] = 7;
    page[26] = 0x14;
    page[27] = 0x03;
    page[28] = 0x1f;
    page[29] = 0x01;
    page[30] = 0x01;
    put_le(page + 128 + 4 * 0, 9u << 16, 4);
    put_le(page + 128 + 4 * 1, (9u << 16) | 8, 4);
    put_le(page + 128 + 4 * 4, (12u << 16) | 8, 4);
    write_seed("nvme_identify", "namespace-qemu", page, sizeof page);

    /* Active namespace list: 1, 2, 3, 17. */
    memset(page, 0, sizeof page);
    put_le(page + 0, 1, 4);
    put_le(page + 4, 2, 4);
    put_le(page + 8, 3, 4);
    put_le(page + 12, 17, 4);
    write_seed("nvme_identify", "active-namespaces", page, 16);

    /* Descriptor list: EUI-64, NGUID, UUID, CSI = zoned. */
    memset(page, 0, sizeof page);
    size_t at = 0;
    static const uint8_t lengths[] = {8, 16, 16, 1};
    for (uint8_t type = 1; type <= 4; type++) {
        page[at] = type;
        page[at + 1] = lengths[type - 1];
        memset(page + at + 4, 0x10 + type, lengths[type - 1]);
        at += 4u + lengths[type - 1];
    }
    page[at - 1] = 2; /* the CSI: zoned */
    write_seed("nvme_identify", "descriptors", page, at + 4);

    /* Zoned Identify Namespace: 4 MiB zones of 512-byte blocks (8192) in format 0, of 4 KiB
     * blocks (1024) in format 4; MAR and MOR "no limit". */
    memset(page, 0, sizeof page);
    put_le(page + 4, 0xffffffff, 4);
    put_le(page + 8, 0xffffffff, 4);
    put_le(page + 2816 + 16 * 0, 8192, 8);
    put_le(page + 2816 + 16 * 4, 1024, 8);
    page[2816 + 16 * 4 + 8] = 1;
    write_seed("nvme_identify", "zoned-namespace", page, sizeof page);

    /* Zone report: 4 zones reported, all in the buffer; then a partial one (8 reported, 2 sent). */
    static uint8_t report[64 + 4 * 64];
    memset(report, 0, sizeof report);
    put_le(report, 4, 8);
    for (unsigned i = 0; i < 4; i++) {
        uint8_t *d = report + 64 + 64 * i;
        d[0] = 0x2;
        d[1] = (uint8_t)((i == 1 ? 0x2 : 0x1) << 4);
        put_le(d + 8, 8192, 8);
        put_le(d + 16, 8192ull * i, 8);
        put_le(d + 24, 8192ull * i + (i == 1 ? 16 : 0), 8);
    }
    write_seed("nvme_zone_report", "four-zones", report, sizeof report);
    put_le(report, 8, 8);
    write_seed("nvme_zone_report", "partial", report, 64 + 2 * 64);
}

/* ---- PMR records, as nvme.pmr.power_cycle writes them ---- */

static void pmr_seeds(void)
{
    static const struct {
        const char *name;
        uint64_t generation, seed;
        uint32_t payload;
    } records[] = {
        {"generation-1", 1, 0x6e766d6574616c31ull, 64},
        {"generation-2-1k", 2, 0x1234, 1024},
        {"generation-9-page", 9, 0xfeedfacecafebeefull, 4096 - 48},
    };
    static uint8_t buffer[8192];
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        memset(buffer, 0, sizeof buffer);
        size_t n = pmr_record_build(buffer, sizeof buffer, records[i].generation, records[i].seed,
                                    records[i].payload);
        if (!n) {
            fprintf(stderr, "make_seeds: pmr_record_build refused %s\n", records[i].name);
            exit(1);
        }
        write_seed("pmr_record", records[i].name, buffer, n);
    }
    write_seed("pmr_record", "magic-only", PMR_RECORD_MAGIC, 8);
}

/* ---- EFI load options: UCS-2, as the UEFI shell and boot entries pass them ---- */

static void ucs2_seed(const char *name, const char *text, size_t trailing_zero_units)
{
    uint8_t bytes[512];
    size_t n = 0;
    for (const char *c = text; *c; c++) {
        bytes[n++] = (uint8_t)*c;
        bytes[n++] = 0;
    }
    for (size_t i = 0; i < 2 * trailing_zero_units; i++)
        bytes[n++] = 0;
    write_seed("load_options", name, bytes, n);
}

static void load_options_seeds(void)
{
    ucs2_seed("shell", "nvmetal.efi tests=pci.* timeout_s=30", 1);
    ucs2_seed("boot-entry", "allow_write=nvmetal-*;bench=yes\r\n", 0);
    ucs2_seed("empty", "", 1);
    static const uint8_t auto_boot_entry_guid[16] = {0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f,
                                                     0x59, 0x4d, 0x85, 0x0e, 0xe2, 0x1a,
                                                     0x52, 0x2c, 0x59, 0xb2};
    write_seed("load_options", "edk2-auto-boot-entry", auto_boot_entry_guid, 16);
}

/* ---- disks: tiny namespaces with partition tables and filesystems ---- */

static void disk_mbr_entry(uint8_t *sector, unsigned i, uint8_t boot, uint8_t type,
                           uint32_t first, uint32_t count)
{
    uint8_t *e = sector + 446 + 16 * i;
    e[0] = boot;
    e[4] = type;
    put_le(e + 8, first, 4);
    put_le(e + 12, count, 4);
    sector[510] = 0x55;
    sector[511] = 0xaa;
}

static void disk_ext_superblock(uint8_t *fs)
{
    uint8_t *sb = fs + 1024;
    put_le(sb + 0, 2048, 4);
    put_le(sb + 4, 8192, 4);
    put_le(sb + 24, 0, 4);
    put_le(sb + 32, 8192, 4);
    put_le(sb + 40, 2048, 4);
    put_le(sb + 56, 0xef53, 2);
    put_le(sb + 76, 1, 4);
}

static void disk_fat_boot_sector(uint8_t *b, uint16_t sectors)
{
    memcpy(b, "\xeb\x3c\x90MTOO4043", 11);
    put_le(b + 11, 512, 2);
    b[13] = 1;
    put_le(b + 14, 1, 2);
    b[16] = 2;
    put_le(b + 17, 224, 2);
    put_le(b + 19, sectors, 2);
    b[21] = 0xf0;
    put_le(b + 22, 9, 2);
    memcpy(b + 54, "FAT12   ", 8);
    disk_mbr_entry(b, 0, 0x80, 0x01, 0, sectors); /* as mformat writes it */
}

/* A GPT of `blocks` blocks with 4 entries (one 512-byte block of them, or part of a bigger
 * one) at LBA 2 and, for the backup, at LBA blocks - 2; partitions [first, last]. */
static void disk_gpt(uint8_t *disk, uint32_t bb, uint32_t blocks, const uint64_t (*parts)[2],
                     unsigned count)
{
    disk_mbr_entry(disk, 0, 0x00, 0xee, 1, blocks - 1);
    uint8_t *entries = disk + 2 * bb;
    for (unsigned i = 0; i < count; i++) {
        uint8_t *e = entries + 128 * i;
        memset(e, 0x40 + i, 16);
        memset(e + 16, 0x50 + i, 16);
        put_le(e + 32, parts[i][0], 8);
        put_le(e + 40, parts[i][1], 8);
    }
    uint32_t entries_crc = crc32_ieee(entries, 4 * 128);
    memcpy(disk + (blocks - 2) * bb, entries, 4 * 128);
    for (unsigned backup = 0; backup < 2; backup++) {
        uint64_t my = backup ? blocks - 1 : 1, other = backup ? 1 : blocks - 1;
        uint8_t *h = disk + my * bb;
        memcpy(h, "EFI PART", 8);
        put_le(h + 8, 0x00010000, 4);
        put_le(h + 12, 92, 4);
        put_le(h + 24, my, 8);
        put_le(h + 32, other, 8);
        put_le(h + 40, 3, 8);
        put_le(h + 48, blocks - 3, 8);
        memset(h + 56, 0x5a, 16);
        put_le(h + 72, backup ? blocks - 2 : 2, 8);
        put_le(h + 80, 4, 4);
        put_le(h + 84, 128, 4);
        put_le(h + 88, entries_crc, 4);
        put_le(h + 16, crc32_ieee(h, 92), 4);
    }
}

static void disk_signature_seeds(void)
{
    static uint8_t disk[32768];

    /* 512-byte blocks, 16 KiB: a FAT at LBA 8, an ext at LBA 16. */
    memset(disk, 0, sizeof disk);
    static const uint64_t parts_512[][2] = {{8, 15}, {16, 29}};
    disk_gpt(disk, 512, 32, parts_512, 2);
    disk_fat_boot_sector(disk + 8 * 512, 8);
    memset(disk + 8 * 512 + 446, 0, 16); /* inside a partition: no mformat entry */
    disk_ext_superblock(disk + 16 * 512);
    write_seed("disk_signature", "gpt-512-fat-ext", disk, 32 * 512);

    /* 4 KiB blocks, 32 KiB: an ext at LBA 3. */
    memset(disk, 0, sizeof disk);
    static const uint64_t parts_4096[][2] = {{3, 5}};
    disk_gpt(disk, 4096, 8, parts_4096, 1);
    disk_ext_superblock(disk + 3 * 4096);
    write_seed("disk_signature", "gpt-4096-ext", disk, 8 * 4096);

    memset(disk, 0, sizeof disk);
    disk_fat_boot_sector(disk, 2880);
    write_seed("disk_signature", "fat-superfloppy", disk, 512);

    memset(disk, 0, sizeof disk);
    disk_mbr_entry(disk, 0, 0x80, 0x83, 2, 6);
    disk_ext_superblock(disk + 2 * 512);
    write_seed("disk_signature", "mbr-ext", disk, 8 * 512);

    /* A swap area and a LUKS header, whole-namespace. */
    memset(disk, 0, sizeof disk);
    memcpy(disk + 4086, "SWAPSPACE2", 10);
    write_seed("disk_signature", "swap", disk, 4096);
    memset(disk, 0, sizeof disk);
    memcpy(disk, "LUKS\xba\xbe\0\2", 8);
    write_seed("disk_signature", "luks2", disk, 512);

    /* The image's own blocks, LBA 0 made MBR-shaped and resealed: ours, so nothing. */
    pattern_fill(disk, 0, 512, 8, 0x6e766d6574616c31ull);
    memset(disk + 446, 0, 64);
    disk_mbr_entry(disk, 0, 0x00, 0x83, 2, 6);
    put_le(disk + 24, crc32_ieee(disk + 32, 512 - 32), 4);
    write_seed("disk_signature", "pattern-blocks", disk, 8 * 512);
}

/* QEMU's NVMe: 65 entries, table at BAR0 + 0x2000, PBA at + 0x3000, BAR0 a 16 KiB mem64. */
static void msix_seeds(void)
{
    struct blob b = {0};
    append_le(&b, 64u << 16 | 0x11, 4);
    append_le(&b, 0x2000, 4);
    append_le(&b, 0x3000, 4);
    append_le(&b, 3 /* PCI_BAR_MEM64 */, 1);
    append_le(&b, 0xfebd0000, 8);
    append_le(&b, 0x4000, 8);
    write_blob("msix", "msix-qemu-nvme", &b);
    /* Table and PBA in different BARs, one of them a 32-bit BAR. */
    b.length = 0;
    append_le(&b, 7u << 16 | 0x11, 4);
    append_le(&b, 0x0000 | 2, 4);
    append_le(&b, 0x0800 | 0, 4);
    append_le(&b, 2 /* PCI_BAR_MEM32 */, 1);
    append_le(&b, 0xfe000000, 8);
    append_le(&b, 0x1000, 8);
    for (unsigned i = 0; i < 17; i++)
        append_le(&b, 0, 1);
    append_le(&b, 2, 1);
    append_le(&b, 0xfe100000, 8);
    append_le(&b, 0x1000, 8);
    write_blob("msix", "msix-two-bars", &b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        perror(out_dir);
        return 1;
    }
    acpi_seeds();
    dmar_seeds();
    spcr_seeds();
    config_seeds();
    identify_seeds();
    pmr_seeds();
    load_options_seeds();
    disk_signature_seeds();
    msix_seeds();
    return 0;
}
