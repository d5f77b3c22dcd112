/* Identify page parsers: controller, namespace and active namespace list, with checks for impossible values. */
#include "drivers/nvme/nvme_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_regs.h"

/* Identify Controller offsets (NVMe 1.4 figure 247). */
#define IDCTRL_VID    0
#define IDCTRL_SSVID  2
#define IDCTRL_SN     4
#define IDCTRL_MN     24
#define IDCTRL_FR     64
#define IDCTRL_CMIC   76
#define IDCTRL_MDTS   77
#define IDCTRL_CNTLID 78
#define IDCTRL_VER    80
#define IDCTRL_OACS   256
#define IDCTRL_SQES   512
#define IDCTRL_CQES   513
#define IDCTRL_NN     516
#define IDCTRL_ONCS   520
#define IDCTRL_VWC    525
#define IDCTRL_SGLS   536
#define IDCTRL_SUBNQN 768
#define IDCTRL_SUBNQN_BYTES 256

/* Identify Namespace offsets (figure 249). */
#define IDNS_NSZE  0
#define IDNS_NCAP  8
#define IDNS_NUSE  16
#define IDNS_NSFEAT 24
#define IDNS_NLBAF 25
#define IDNS_FLBAS 26
#define IDNS_MC    27
#define IDNS_DPC   28
#define IDNS_DPS   29
#define IDNS_NMIC  30
#define IDNS_LBAF  128
#define IDNS_LBAF_MAX NVME_LBA_FORMATS_MAX
#define PI_TUPLE_BYTES 8

/* Namespace Identification Descriptor list (CNS 03h, NVMe 2.0 figure 274). */
#define NIDT_CSI 0x04

/* Zoned Identify Namespace (ZNS 1.0 figure 8). */
#define ZNS_ZOC  0
#define ZNS_OZCS 2
#define ZNS_MAR  4
#define ZNS_MOR  8
#define ZNS_LBAFE 2816 /* 16 bytes per LBA format: ZSZE (8), ZDES (1) */
#define ZNS_LBAFE_BYTES 16

/* The only queue entry sizes nvmetal builds: 64-byte SQEs and 16-byte CQEs (log2 6 and 4). */
#define SQES_LOG2 6
#define CQES_LOG2 4

/* Data sizes are 2^LBADS; the spec requires at least 512 bytes, and nothing real exceeds 64 KiB. */
#define LBADS_MIN 9
#define LBADS_MAX 16

#define ACTIVE_NS_LIST_MAX (NVME_IDENTIFY_BYTES / 4)

/* Identify data is little-endian like the CPU; memcpy because the fields are unaligned. */
static uint16_t page_u16(const uint8_t *page, size_t offset)
{
    uint16_t v;
    memcpy(&v, page + offset, sizeof v);
    return v;
}

static uint32_t page_u32(const uint8_t *page, size_t offset)
{
    uint32_t v;
    memcpy(&v, page + offset, sizeof v);
    return v;
}

static uint64_t page_u64(const uint8_t *page, size_t offset)
{
    uint64_t v;
    memcpy(&v, page + offset, sizeof v);
    return v;
}

/* Copies a space-padded ASCII field into a C string. Trailing padding goes (some devices pad
 * with NULs instead of spaces); anything unprintable left inside becomes '?' so that a serial
 * number can be printed on the console and matched against allow_write safely. */
static void copy_ascii_field(char *out, const uint8_t *field, size_t width)
{
    size_t len = width;
    while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\0'))
        len--;
    for (size_t i = 0; i < len; i++)
        out[i] = (field[i] >= 0x20 && field[i] < 0x7f) ? (char)field[i] : '?';
    out[len] = '\0';
}

static bool page_is_all_zero(const uint8_t *page)
{
    for (size_t i = 0; i < NVME_IDENTIFY_BYTES; i++)
        if (page[i])
            return false;
    return true;
}

static int reject(char why[96], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int reject(char why[96], const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(why, 96, fmt, args);
    va_end(args);
    return -1;
}

int nvme_parse_identify_controller(const uint8_t page[NVME_IDENTIFY_BYTES],
                                   struct nvme_controller_identity *out, char why[96])
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    /* A controller that is not ready, or a DMA that never landed, leaves the page as it was. */
    if (page_is_all_zero(page))
        return reject(why, "identify page is all zeros");

    _Static_assert(sizeof out->serial == IDCTRL_MN - IDCTRL_SN + 1, "SN is 20 bytes");
    _Static_assert(sizeof out->model == IDCTRL_FR - IDCTRL_MN + 1, "MN is 40 bytes");
    _Static_assert(sizeof out->firmware == 8 + 1, "FR is 8 bytes");
    out->vendor_id = page_u16(page, IDCTRL_VID);
    out->subsystem_vendor_id = page_u16(page, IDCTRL_SSVID);
    copy_ascii_field(out->serial, page + IDCTRL_SN, sizeof out->serial - 1);
    copy_ascii_field(out->model, page + IDCTRL_MN, sizeof out->model - 1);
    copy_ascii_field(out->firmware, page + IDCTRL_FR, sizeof out->firmware - 1);
    out->mdts = page[IDCTRL_MDTS];
    out->controller_id = page_u16(page, IDCTRL_CNTLID);
    out->version = page_u32(page, IDCTRL_VER);
    out->oacs = page_u16(page, IDCTRL_OACS);
    out->sqes = page[IDCTRL_SQES];
    out->cqes = page[IDCTRL_CQES];
    out->namespace_count = page_u32(page, IDCTRL_NN);
    out->oncs = page_u16(page, IDCTRL_ONCS);
    out->vwc = page[IDCTRL_VWC];
    out->volatile_write_cache = nvme_VWC_PRESENT(out->vwc);
    out->sgls = page_u32(page, IDCTRL_SGLS);
    out->multipath = page[IDCTRL_CMIC];
    _Static_assert(sizeof out->subsystem_nqn == IDCTRL_SUBNQN_BYTES + 1, "SUBNQN is 256 bytes");
    copy_ascii_field(out->subsystem_nqn, page + IDCTRL_SUBNQN, IDCTRL_SUBNQN_BYTES);

    /* The low nibble is the required entry size; I/O queues are created with exactly 6 and 4
     * (QEMU fails CC.EN for anything else), so a different requirement cannot be met. */
    if (nvme_SQES_REQ(out->sqes) != SQES_LOG2)
        return reject(why, "SQES 0x%02x does not allow 64-byte entries", out->sqes);
    if (nvme_CQES_REQ(out->cqes) != CQES_LOG2)
        return reject(why, "CQES 0x%02x does not allow 16-byte entries", out->cqes);
    return 0;
}

int nvme_parse_identify_namespace(const uint8_t page[NVME_IDENTIFY_BYTES],
                                  struct nvme_namespace_identity *out, char why[96])
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    out->size_blocks = page_u64(page, IDNS_NSZE);
    out->capacity_blocks = page_u64(page, IDNS_NCAP);
    out->utilization_blocks = page_u64(page, IDNS_NUSE);
    unsigned nlbaf = page[IDNS_NLBAF];
    uint8_t flbas = page[IDNS_FLBAS];
    /* Up to 16 formats the index is bits 3:0; beyond, bits 6:5 are its upper two bits. */
    unsigned format = nvme_FLBAS_LBAFL(flbas) | (unsigned)nvme_FLBAS_LBAFU(flbas) << 4;

    /* An inactive namespace identifies as all zeros, so size comes first for a clear reason. */
    if (out->size_blocks == 0)
        return reject(why, "namespace size is 0 blocks");
    if (out->capacity_blocks > out->size_blocks)
        return reject(why, "NCAP %llu exceeds NSZE %llu",
                      (unsigned long long)out->capacity_blocks,
                      (unsigned long long)out->size_blocks);
    if (nlbaf >= IDNS_LBAF_MAX)
        return reject(why, "NLBAF %u is beyond the %u LBA formats a namespace can have", nlbaf,
                      IDNS_LBAF_MAX);
    if (format > nlbaf)
        return reject(why, "formatted LBA format %u is beyond NLBAF %u", format, nlbaf);

    /* Every format is kept for the report; only the formatted one has to make sense. */
    for (unsigned i = 0; i <= nlbaf; i++)
        out->lba_formats[i] = page_u32(page, IDNS_LBAF + 4 * i);
    uint32_t lbaf = out->lba_formats[format];
    unsigned lbads = nvme_LBAF_LBADS(lbaf);
    if (lbads < LBADS_MIN || lbads > LBADS_MAX)
        return reject(why, "LBA format %u has LBADS %u, outside %u..%u", format, lbads, LBADS_MIN,
                      LBADS_MAX);
    out->lba_format_count = (uint8_t)(nlbaf + 1);
    out->lba_format = (uint8_t)format;
    out->flbas = flbas;
    out->block_bytes = 1u << lbads;
    out->metadata_bytes = nvme_LBAF_MS(lbaf);
    out->features = page[IDNS_NSFEAT];
    out->extended_lba = nvme_FLBAS_EXTENDED(flbas) != 0;
    out->metadata_caps = page[IDNS_MC];
    out->pi_caps = page[IDNS_DPC];
    out->dps = page[IDNS_DPS];
    out->pi_type = nvme_DPS_PIT(out->dps);
    out->pi_first = nvme_DPS_PIP(out->dps) != 0;
    out->multipath = page[IDNS_NMIC];
    if (out->pi_type > 3)
        return reject(why, "DPS names protection type %u (only 1..3 exist)", out->pi_type);
    if (out->pi_type && out->metadata_bytes < PI_TUPLE_BYTES)
        return reject(why, "protection type %u with %u bytes of metadata (PI needs 8)",
                      out->pi_type, out->metadata_bytes);
    if (out->extended_lba && !out->metadata_bytes)
        return reject(why, "FLBAS says extended LBA but LBA format %u has no metadata", format);
    return 0;
}

int nvme_parse_namespace_descriptors(const uint8_t page[NVME_IDENTIFY_BYTES], uint8_t *csi,
                                     char why[96])
{
    *csi = NVME_CSI_NVM;
    why[0] = '\0';
    size_t at = 0;
    while (at < NVME_IDENTIFY_BYTES) {
        uint8_t type = page[at];
        if (type == 0) /* the list ends with a zero descriptor type */
            return 0;
        /* Its 4-byte header, then its NIDL bytes, must both fit. */
        if (at + 4 > NVME_IDENTIFY_BYTES || at + 4 + page[at + 1] > NVME_IDENTIFY_BYTES)
            return reject(why, "descriptor type %u at byte %zu runs past the page", type, at);
        uint8_t length = page[at + 1];
        if (type == NIDT_CSI) {
            if (length != 1)
                return reject(why, "CSI descriptor has length %u, not 1", length);
            *csi = page[at + 4];
        }
        at += 4 + length;
    }
    return 0;
}

int nvme_parse_zoned_namespace(const uint8_t page[NVME_IDENTIFY_BYTES], uint8_t lba_format,
                               struct nvme_zoned_namespace_identity *out, char why[96])
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    if (lba_format >= IDNS_LBAF_MAX)
        return reject(why, "LBA format %u has no zone format extension", lba_format);
    out->zone_operation_characteristics = page_u16(page, ZNS_ZOC);
    out->optional_zoned_command_support = page_u16(page, ZNS_OZCS);
    out->max_active_resources = page_u32(page, ZNS_MAR);
    out->max_open_resources = page_u32(page, ZNS_MOR);
    size_t extension = ZNS_LBAFE + (size_t)ZNS_LBAFE_BYTES * lba_format;
    out->zone_size_blocks = page_u64(page, extension);
    out->zone_descriptor_extension_bytes = (uint16_t)(page[extension + 8] * 64u);
    if (out->zone_size_blocks == 0)
        return reject(why, "zone size (ZSZE) of LBA format %u is 0", lba_format);
    return 0;
}

int nvme_parse_zone_report(const uint8_t *report, size_t bytes, struct nvme_zone *zones,
                           unsigned max, uint64_t *reported)
{
    *reported = 0;
    if (bytes < NVME_ZONE_REPORT_HEADER_BYTES)
        return -1;
    *reported = page_u64(report, 0);
    size_t fit = (bytes - NVME_ZONE_REPORT_HEADER_BYTES) / NVME_ZONE_DESCRIPTOR_BYTES;
    unsigned stored = 0;
    for (size_t i = 0; i < fit && i < *reported && stored < max; i++) {
        const uint8_t *d = report + NVME_ZONE_REPORT_HEADER_BYTES + i * NVME_ZONE_DESCRIPTOR_BYTES;
        zones[stored++] = (struct nvme_zone){
            .type = d[0] & 0xf, .state = d[1] >> 4, .attributes = d[2],
            .capacity = page_u64(d, 8), .start = page_u64(d, 16), .write_pointer = page_u64(d, 24)};
    }
    return (int)stored;
}

int nvme_parse_active_namespaces(const uint8_t page[NVME_IDENTIFY_BYTES], uint32_t *nsids,
                                 unsigned max)
{
    /* The whole list is checked even past `max`: a list out of order is a broken page, and a
     * caller with a small array must not be told it is fine. */
    unsigned stored = 0;
    uint32_t previous = 0;
    for (size_t i = 0; i < ACTIVE_NS_LIST_MAX; i++) {
        uint32_t nsid = page_u32(page, 4 * i);
        if (nsid == 0)
            break;
        if (nsid <= previous)
            return -1;
        previous = nsid;
        if (stored < max)
            nsids[stored++] = nsid;
    }
    return (int)stored;
}
