/* libFuzzer harness for the 4096-byte Identify page parsers of drivers/nvme/nvme_identify.c, each result checked against the page. */
#include "fuzz_common.h"

#include "drivers/nvme/nvme_spec.h"

#define WHY 96

static bool printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/* A space-padded ASCII field as copy_ascii_field promises it: trailing spaces and NULs gone,
 * every other byte kept in place, unprintable ones as '?'. */
static void check_ascii(const char *out, size_t capacity, const uint8_t *field, size_t width,
                        const char *what)
{
    fuzz_check_string(out, capacity, false, what);
    size_t len = strlen(out);
    FUZZ_CHECK(len <= width, "%s: %zu characters from a %zu-byte field", what, len, width);
    for (size_t i = 0; i < len; i++)
        FUZZ_CHECK(out[i] == (printable(field[i]) ? (char)field[i] : '?'), "%s: byte %zu", what,
                   i);
    for (size_t i = len; i < width; i++)
        FUZZ_CHECK(field[i] == ' ' || field[i] == '\0', "%s: dropped byte %zu (0x%02x)", what, i,
                   field[i]);
}

static void fuzz_controller(const uint8_t *page)
{
    struct nvme_controller_identity *id = malloc(sizeof *id);
    char *why = fuzz_text_buffer(WHY);
    int status = nvme_parse_identify_controller(page, id, why);
    if (status == 0) {
        FUZZ_CHECK((page[512] & 0xf) == 6 && (page[513] & 0xf) == 4, "SQES 0x%02x CQES 0x%02x",
                   page[512], page[513]);
        FUZZ_CHECK(id->vendor_id == fuzz_le(page, 2) && id->mdts == page[77] &&
                       id->controller_id == fuzz_le(page + 78, 2) &&
                       id->version == fuzz_le(page + 80, 4) && id->sqes == page[512] &&
                       id->cqes == page[513] && id->namespace_count == fuzz_le(page + 516, 4) &&
                       id->oncs == fuzz_le(page + 520, 2) &&
                       id->volatile_write_cache == (page[525] & 1) && id->multipath == page[76],
                   "controller fields differ from the page");
        check_ascii(id->serial, sizeof id->serial, page + 4, 20, "serial");
        check_ascii(id->model, sizeof id->model, page + 24, 40, "model");
        check_ascii(id->firmware, sizeof id->firmware, page + 64, 8, "firmware");
        check_ascii(id->subsystem_nqn, sizeof id->subsystem_nqn, page + 768, 256, "subnqn");
    } else {
        FUZZ_CHECK(status == -1, "nvme_parse_identify_controller returned %d", status);
        fuzz_check_string(why, WHY, true, "identify controller why");
    }
    free(why);
    free(id);
}

/* Returns the formatted LBA format of an accepted namespace page, or -1. */
static int fuzz_namespace(const uint8_t *page)
{
    struct nvme_namespace_identity *ns = malloc(sizeof *ns);
    char *why = fuzz_text_buffer(WHY);
    int status = nvme_parse_identify_namespace(page, ns, why);
    int format = -1;
    if (status == 0) {
        uint8_t flbas = page[26];
        unsigned expected_format = (flbas & 0xf) | ((unsigned)(flbas >> 5 & 3) << 4);
        uint32_t lbaf = (uint32_t)fuzz_le(page + 128 + 4 * expected_format, 4);
        unsigned lbads = (lbaf >> 16) & 0xff;
        FUZZ_CHECK(ns->size_blocks == fuzz_le(page, 8) && ns->size_blocks != 0 &&
                       ns->capacity_blocks == fuzz_le(page + 8, 8) &&
                       ns->capacity_blocks <= ns->size_blocks &&
                       ns->utilization_blocks == fuzz_le(page + 16, 8),
                   "NSZE/NCAP/NUSE");
        FUZZ_CHECK(ns->lba_format == expected_format && ns->lba_format < ns->lba_format_count &&
                       ns->lba_format_count == page[25] + 1u && ns->lba_format_count <= 64,
                   "format %u of %u (FLBAS 0x%02x NLBAF %u)", ns->lba_format,
                   ns->lba_format_count, flbas, page[25]);
        FUZZ_CHECK(lbads >= 9 && lbads <= 16 && ns->block_bytes == 1u << lbads,
                   "block bytes %u from LBADS %u", ns->block_bytes, lbads);
        FUZZ_CHECK(ns->metadata_bytes == (lbaf & 0xffff), "metadata bytes");
        FUZZ_CHECK(ns->extended_lba == ((flbas & 0x10) != 0) &&
                       (!ns->extended_lba || ns->metadata_bytes > 0),
                   "extended LBA without metadata");
        FUZZ_CHECK(ns->pi_type == (page[29] & 7) && ns->pi_type <= 3 &&
                       (!ns->pi_type || ns->metadata_bytes >= 8) &&
                       ns->pi_first == ((page[29] & 8) != 0),
                   "PI type %u with %u metadata bytes", ns->pi_type, ns->metadata_bytes);
        FUZZ_CHECK(ns->features == page[24] && ns->metadata_caps == page[27] &&
                       ns->pi_caps == page[28] && ns->multipath == page[30],
                   "NSFEAT/MC/DPC/NMIC");
        format = ns->lba_format;
    } else {
        FUZZ_CHECK(status == -1, "nvme_parse_identify_namespace returned %d", status);
        fuzz_check_string(why, WHY, true, "identify namespace why");
    }
    free(why);
    free(ns);
    return format;
}

static void fuzz_active_namespaces(const uint8_t *page)
{
    /* The list as the spec defines it: ascending NSIDs up to the first 0. */
    unsigned listed = 0;
    bool ascending = true;
    for (uint32_t previous = 0; listed < 1024; listed++) {
        uint32_t nsid = (uint32_t)fuzz_le(page + 4 * listed, 4);
        if (nsid == 0)
            break;
        if (nsid <= previous) {
            ascending = false;
            break;
        }
        previous = nsid;
    }
    static const unsigned maxes[] = {0, 1, 16, 1024};
    for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
        unsigned max = maxes[m];
        uint32_t *nsids = malloc(max * sizeof *nsids);
        int stored = nvme_parse_active_namespaces(page, nsids, max);
        if (!ascending) {
            FUZZ_CHECK(stored == -1, "a list out of order gave %d NSIDs (max %u)", stored, max);
        } else {
            unsigned expected = listed < max ? listed : max;
            FUZZ_CHECK(stored >= 0 && (unsigned)stored == expected,
                       "%d NSIDs stored, %u listed, room for %u", stored, listed, max);
            for (int i = 0; i < stored; i++)
                FUZZ_CHECK(nsids[i] == fuzz_le(page + 4 * i, 4), "NSID %d", i);
        }
        free(nsids);
    }
}

static void fuzz_descriptors(const uint8_t *page)
{
    /* Model: descriptors of 4 + NIDL bytes until a type 0; a CSI descriptor must have NIDL 1. */
    int expected = 0;
    uint8_t expected_csi = NVME_CSI_NVM;
    for (size_t at = 0; at < NVME_IDENTIFY_BYTES && page[at] != 0;) {
        if (at + 4 > NVME_IDENTIFY_BYTES || at + 4 + page[at + 1] > NVME_IDENTIFY_BYTES) {
            expected = -1;
            break;
        }
        if (page[at] == 0x04) {
            if (page[at + 1] != 1) {
                expected = -1;
                break;
            }
            expected_csi = page[at + 4];
        }
        at += 4u + page[at + 1];
    }
    uint8_t *csi = malloc(1);
    char *why = fuzz_text_buffer(WHY);
    int status = nvme_parse_namespace_descriptors(page, csi, why);
    FUZZ_CHECK(status == expected, "descriptor list: %d, expected %d", status, expected);
    if (status == 0)
        FUZZ_CHECK(*csi == expected_csi, "CSI %u, expected %u", *csi, expected_csi);
    else
        fuzz_check_string(why, WHY, true, "descriptor list why");
    free(why);
    free(csi);
}

static void fuzz_zoned(const uint8_t *page, unsigned lba_format)
{
    struct nvme_zoned_namespace_identity *z = malloc(sizeof *z);
    char *why = fuzz_text_buffer(WHY);
    int status = nvme_parse_zoned_namespace(page, (uint8_t)lba_format, z, why);
    if (status == 0) {
        const uint8_t *lbafe = page + 2816 + 16 * lba_format;
        FUZZ_CHECK(lba_format < 64, "zone format extension of LBA format %u", lba_format);
        FUZZ_CHECK(z->zone_size_blocks == fuzz_le(lbafe, 8) && z->zone_size_blocks != 0,
                   "zone size of format %u", lba_format);
        FUZZ_CHECK(z->zone_descriptor_extension_bytes == lbafe[8] * 64u, "ZDES");
        FUZZ_CHECK(z->zone_operation_characteristics == fuzz_le(page, 2) &&
                       z->optional_zoned_command_support == fuzz_le(page + 2, 2) &&
                       z->max_active_resources == fuzz_le(page + 4, 4) &&
                       z->max_open_resources == fuzz_le(page + 8, 4),
                   "ZOC/OZCS/MAR/MOR");
    } else {
        FUZZ_CHECK(status == -1, "nvme_parse_zoned_namespace returned %d", status);
        fuzz_check_string(why, WHY, true, "zoned namespace why");
    }
    free(why);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Every parser reads the same page: what one controller answered may be fed to any of them
     * when a command goes wrong, so each must cope with the others' pages. */
    uint8_t *page = fuzz_page(data, size, NVME_IDENTIFY_BYTES);
    fuzz_controller(page);
    int format = fuzz_namespace(page);
    fuzz_active_namespaces(page);
    fuzz_descriptors(page);
    /* Every LBA format index the byte can carry, not just the namespace's own. */
    for (unsigned lba_format = 0; lba_format <= 64; lba_format++)
        fuzz_zoned(page, lba_format);
    fuzz_zoned(page, 255);
    if (format >= 0)
        fuzz_zoned(page, (unsigned)format);
    free(page);
    return 0;
}
