/* Host tests for drivers/nvme/nvme_describe.c: QEMU 7.2's registers, Identify Controller and namespace as the diagnostic lines show them. */
#include "check.h"

#include <stdarg.h>

#include "drivers/nvme/nvme_describe.h"
#include "drivers/nvme/nvme_regs.h"
#include "fixtures/nvme_pages.h"

/* The register file the describer reads, by byte offset. */
static uint32_t registers[0x1000 / 4];

uint32_t nvme_reg_read32(const struct nvme_controller *c, uint64_t offset)
{
    return registers[offset / 4];
}

uint64_t nvme_reg_read64(const struct nvme_controller *c, uint64_t offset)
{
    return registers[offset / 4] | (uint64_t)registers[offset / 4 + 1] << 32;
}

static void set64(uint64_t offset, uint64_t value)
{
    registers[offset / 4] = (uint32_t)value;
    registers[offset / 4 + 1] = (uint32_t)(value >> 32);
}

static void __attribute__((format(printf, 1, 2))) capture(const char *fmt, ...)
{
    char line[1200];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    check_capture_line(line);
}

static struct nvme_controller controller;

/* QEMU 7.2 with a CMB and a PMR, as the firmware leaves it: CAP, VS and PMRCAP set, the rest 0. */
static struct nvme_controller *qemu_controller(void)
{
    memset(registers, 0, sizeof registers);
    memset(&controller, 0, sizeof controller);
    snprintf(controller.name, sizeof controller.name, "00:02.0");
    controller.cap = 0x034018200f0107ffull;
    set64(NVME_REG(cap), controller.cap);
    registers[NVME_REG(vs) / 4] = 0x00010400;
    registers[NVME_REG(pmrcap) / 4] = 0x01000898;
    check_line_count = 0;
    return &controller;
}

static void registers_as_found(void)
{
    nvme_describe_registers(qemu_controller(), capture);
    CHECK_LINES(
        "nvme 00:02.0 CAP 0x034018200f0107ff MQES=0x7ff (+1 = 2048 entries) CQR=1 AMS=0 (round "
        "robin) TO=0xf (7500 ms) DSTRD=0 (4 B) NSSRS=0 CSS=0xc1 (NVM, I/O command sets, admin "
        "only) BPS=0 CPS=0 (not reported) MPSMIN=0 (4 KiB) MPSMAX=4 (64 KiB) PMRS=1 CMBS=1 "
        "NSSS=0 CRMS=0 (none)",
        "nvme 00:02.0 VS 0x00010400 MJR=1 MNR=4 TER=0 (NVMe 1.4.0)",
        "nvme 00:02.0 CC 0x00000000 EN=0 CSS=0 (NVM) MPS=0 (4 KiB) AMS=0 (round robin) SHN=0 "
        "(none) IOSQES=0 (1 B) IOCQES=0 (1 B) CRIME=0",
        "nvme 00:02.0 CSTS 0x00000000 RDY=0 CFS=0 SHST=0 (normal operation) NSSRO=0 PP=0",
        "nvme 00:02.0 AQA 0x00000000 ASQS=0 (+1 = 1 entries) ACQS=0 (+1 = 1 entries)",
        "nvme 00:02.0 ASQ 0x0000000000000000 ASQB=0",
        "nvme 00:02.0 ACQ 0x0000000000000000 ACQB=0",
        "nvme 00:02.0 CMBLOC 0x00000000 (reads 0 until CMBMSC.CRE=1)",
        "nvme 00:02.0 CMBSZ 0x00000000 (reads 0 until CMBMSC.CRE=1)",
        "nvme 00:02.0 CMBMSC 0x0000000000000000 CRE=0 CMSE=0 CBA=0",
        "nvme 00:02.0 CMBSTS 0x00000000 CBAI=0",
        "nvme 00:02.0 PMRCAP 0x01000898 RDS=1 WDS=1 BIR=4 PMRTU=0 (500 ms) PMRWBM=2 PMRTO=0 "
        "(0 x 500 ms) CMSS=1",
        "nvme 00:02.0 PMRCTL 0x00000000 EN=0",
        "nvme 00:02.0 PMRSTS 0x00000000 ERR=0 NRDY=0 HSTS=0 (normal operation) CBAI=0",
        "nvme 00:02.0 PMREBS 0x00000000 PMRSZU=0 (1 B) RBB=0 PMRWBZ=0 (0 B)",
        "nvme 00:02.0 PMRSWTP 0x00000000 PMRSWTU=0 (1 B/s) PMRSWTV=0 (0 B/s)",
        "nvme 00:02.0 PMRMSCL 0x00000000 CMSE=0 CBA=0",
        "nvme 00:02.0 PMRMSCU 0x00000000 CBA=0");
}

/* With CMBMSC.CRE=1 (or a pre-1.4 CMB) CMBLOC and CMBSZ are decoded like the rest; without a
 * CMB or PMR their registers are left out. */
static void cmb_registers_once_enabled_and_absent(void)
{
    struct nvme_controller *c = qemu_controller();
    set64(NVME_REG(cmbmsc), 0xe000000003ull);
    registers[NVME_REG(cmbloc) / 4] = 0x00000062;
    registers[NVME_REG(cmbsz) / 4] = 0x0004021d;
    nvme_describe_registers(c, capture);
    CHECK_STR(check_lines[7], "nvme 00:02.0 CMBLOC 0x00000062 BIR=2 CQMMS=0 CQPDS=0 CDPMLS=1 "
                              "CDPCILS=1 CDMMMS=0 CQDA=0 OFST=0");
    CHECK_STR(check_lines[8], "nvme 00:02.0 CMBSZ 0x0004021d SQS=1 CQS=0 LISTS=1 RDS=1 WDS=1 "
                              "SZU=2 (1 MiB) SZ=0x40 (64 MiB)");
    CHECK_STR(check_lines[9], "nvme 00:02.0 CMBMSC 0x000000e000000003 CRE=1 CMSE=1 "
                              "CBA=0xe000000 (0xe000000000)");

    c = qemu_controller();
    c->cap &= ~(NVME_CAP_CMBS | NVME_CAP_PMRS);
    set64(NVME_REG(cap), c->cap);
    registers[NVME_REG(pmrcap) / 4] = 0;
    nvme_describe_registers(c, capture);
    CHECK_EQ_U64(check_line_count, 7);
    CHECK_STR(check_lines[6], "nvme 00:02.0 ACQ 0x0000000000000000 ACQB=0");

    /* A pre-1.4 CMB: CAP.CMBS=0, CMBSZ shown without CRE. */
    registers[NVME_REG(cmbsz) / 4] = 0x00003001;
    check_line_count = 0;
    nvme_describe_registers(c, capture);
    CHECK_EQ_U64(check_line_count, 11);
    CHECK_STR(check_lines[8], "nvme 00:02.0 CMBSZ 0x00003001 SQS=1 CQS=0 LISTS=0 RDS=0 WDS=0 "
                              "SZU=0 (4 KiB) SZ=3 (12 KiB)");
}

static uint8_t page[NVME_IDENTIFY_BYTES];

static void put_le(size_t offset, uint64_t value, size_t width)
{
    nvme_page_put_le(page, offset, value, width);
}

/* QEMU 7.2's Identify Controller for serial nvmetal-0, with its SUBNQN. */
static void qemu_identify_controller(struct nvme_controller *c)
{
    nvme_page_qemu_controller(page);
    memcpy(page + 768, "nqn.2019-08.org.qemu:nvmetal-0", 30);
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &c->identity, why), 0);
}

static void controller_identity(void)
{
    struct nvme_controller *c = qemu_controller();
    qemu_identify_controller(c);
    c->cmb.present = true;
    c->cmb.cmbloc = 0x00000062;
    c->cmb.cmbsz = 0x0004021d;
    nvme_describe_controller(c, "00:02.0", capture);
    CHECK_LINES(
        "nvme 00:02.0 SN \"nvmetal-0\" MN \"QEMU NVMe Ctrl\" FR \"7.2.22\" CNTLID 0 VER 0x00010400 "
        "(NVMe 1.4.0)",
        "nvme 00:02.0 VID 0x1b36 SSVID 0x1af4 MDTS 7 (512 KiB) NN 256 CMIC 0x00 (none)",
        "nvme 00:02.0 SQES 0x66 REQ=6 (64 B) MAX=6 (64 B) CQES 0x44 REQ=4 (16 B) MAX=4 (16 B) "
        "VWC 0x07 PRESENT=1 FLUSH=3 (broadcast NSID supported)",
        "nvme 00:02.0 OACS 0x010a (Format NVM, NS Management and Attachment, Doorbell Buffer "
        "Config)",
        "nvme 00:02.0 ONCS 0x015d (Compare, Dataset Management, Write Zeroes, Save and Select, "
        "Timestamp, Copy)",
        "nvme 00:02.0 SGLS 0x00000001 (SGLs, no alignment)",
        "nvme 00:02.0 SUBNQN \"nqn.2019-08.org.qemu:nvmetal-0\"",
        "nvme 00:02.0 CMBLOC 0x00000062 BIR=2 CQMMS=0 CQPDS=0 CDPMLS=1 CDPCILS=1 CDMMMS=0 CQDA=0 "
        "OFST=0 (read with CMBMSC.CRE=1; BAR2 + 0 B)",
        "nvme 00:02.0 CMBSZ 0x0004021d SQS=1 CQS=0 LISTS=1 RDS=1 WDS=1 SZU=2 (1 MiB) SZ=0x40 "
        "(64 MiB)");

    /* NVMe 1.0: no version, no MDTS limit; 64 KiB pages make MDTS bigger; a CMB at an offset. */
    page[77] = 0;
    put_le(80, 0, 4);
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_controller(page, &c->identity, why), 0);
    c->cmb.cmbloc = 0x00003002;
    c->cmb.legacy = true;
    check_line_count = 0;
    nvme_describe_controller(c, "00:02.0/vtd", capture);
    CHECK_EQ_U64(check_line_count, 9);
    CHECK_STR(check_lines[0], "nvme 00:02.0/vtd SN \"nvmetal-0\" MN \"QEMU NVMe Ctrl\" FR "
                              "\"7.2.22\" CNTLID 0 VER 0x00000000 (not reported)");
    CHECK_STR(check_lines[1], "nvme 00:02.0/vtd VID 0x1b36 SSVID 0x1af4 MDTS 0 (no limit) NN 256 "
                              "CMIC 0x00 (none)");
    CHECK_STR(check_lines[7], "nvme 00:02.0/vtd CMBLOC 0x00003002 BIR=2 CQMMS=0 CQPDS=0 CDPMLS=0 "
                              "CDPCILS=0 CDMMMS=0 CQDA=0 OFST=3 (pre-1.4 CMB; BAR2 + 3 MiB)");
    c->identity.mdts = 5;
    c->cap |= nvme_put_CAP_MPSMIN(4);
    c->cmb.present = false;
    check_line_count = 0;
    nvme_describe_controller(c, "00:02.0", capture);
    CHECK_EQ_U64(check_line_count, 7);
    CHECK_STR(check_lines[1], "nvme 00:02.0 VID 0x1b36 SSVID 0x1af4 MDTS 5 (2 MiB) NN 256 CMIC "
                              "0x00 (none)");
}

/* QEMU's default namespace (8 formats, format 0 in use), then one formatted 4096+8 with PI. */
static void namespace_and_every_lba_format(void)
{
    memset(page, 0, sizeof page);
    put_le(0, 131072, 8);
    put_le(8, 131072, 8);
    put_le(16, 131072, 8);
    page[24] = 0x14;
    page[25] = 7;
    page[27] = 0x03;
    page[28] = 0x1f;
    static const uint32_t lbaf[] = {0x00090000, 0x00090008, 0x00090010, 0x00090040,
                                    0x000c0000, 0x000c0008, 0x000c0010, 0x000c0040};
    for (unsigned i = 0; i < CHECK_COUNT(lbaf); i++)
        put_le(128 + 4 * i, lbaf[i], 4);
    struct nvme_namespace ns = {.nsid = 1, .usable = true, .csi = NVME_CSI_NVM};
    char why[96];
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns.identity, why), 0);
    check_line_count = 0;
    nvme_describe_namespace(&ns, "00:02.0 nsid 1", capture);
    CHECK_LINES(
        "nvme 00:02.0 nsid 1: 131072 blocks of 512 B (LBA format 0 of 8), NCAP 131072 NUSE "
        "131072, CSI 0x00",
        "nvme 00:02.0 nsid 1: FLBAS 0x00 LBAFL=0 EXTENDED=0 LBAFU=0 (LBA format 0) NSFEAT 0x14 "
        "(deallocated or unwritten error, optimal I/O fields)",
        "nvme 00:02.0 nsid 1: MC 0x03 (extended LBA, separate buffer) DPC 0x1f (type 1, type 2, "
        "type 3, PI first, PI last) DPS 0x00 PIT=0 (none) PIP=0 NMIC 0x00 (none)",
        "nvme 00:02.0 nsid 1: LBAF0 0x00090000 MS=0 (0 B) LBADS=9 (512 B) RP=0 (best), in use",
        "nvme 00:02.0 nsid 1: LBAF1 0x00090008 MS=8 (8 B) LBADS=9 (512 B) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF2 0x00090010 MS=0x10 (16 B) LBADS=9 (512 B) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF3 0x00090040 MS=0x40 (64 B) LBADS=9 (512 B) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF4 0x000c0000 MS=0 (0 B) LBADS=0xc (4 KiB) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF5 0x000c0008 MS=8 (8 B) LBADS=0xc (4 KiB) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF6 0x000c0010 MS=0x10 (16 B) LBADS=0xc (4 KiB) RP=0 (best)",
        "nvme 00:02.0 nsid 1: LBAF7 0x000c0040 MS=0x40 (64 B) LBADS=0xc (4 KiB) RP=0 (best)");

    page[26] = 0x15; /* format 5, extended */
    page[29] = 0x01;
    page[30] = 0x01;
    CHECK_EQ_U64(nvme_parse_identify_namespace(page, &ns.identity, why), 0);
    check_line_count = 0;
    nvme_describe_namespace(&ns, "00:03.0 nsid 2", capture);
    CHECK_EQ_U64(check_line_count, 11);
    CHECK_STR(check_lines[0], "nvme 00:03.0 nsid 2: 131072 blocks of 4096+8 B extended, PI type 1 "
                              "(last 8 bytes) (LBA format 5 of 8), NCAP 131072 NUSE 131072, CSI "
                              "0x00");
    CHECK_STR(check_lines[1], "nvme 00:03.0 nsid 2: FLBAS 0x15 LBAFL=5 EXTENDED=1 LBAFU=0 (LBA "
                              "format 5) NSFEAT 0x14 (deallocated or unwritten error, optimal I/O "
                              "fields)");
    CHECK(strstr(check_lines[2], "DPS 0x01 PIT=1 (type 1) PIP=0 NMIC 0x01 (shared)") != NULL);
    CHECK_STR(check_lines[8], "nvme 00:03.0 nsid 2: LBAF5 0x000c0008 MS=8 (8 B) LBADS=0xc (4 KiB) "
                              "RP=0 (best), in use");
}

static const struct check_case cases[] = {
    CHECK_CASE(registers_as_found),
    CHECK_CASE(cmb_registers_once_enabled_and_absent),
    CHECK_CASE(controller_identity),
    CHECK_CASE(namespace_and_every_lba_format),
};

int main(void)
{
    return CHECK_RUN("nvme_describe", cases);
}
