/* NVMe data structures shared with the device: commands, completions, identify pages, status codes. */
#ifndef NVMETAL_DRIVERS_NVME_SPEC_H
#define NVMETAL_DRIVERS_NVME_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Submission queue entry (NVMe 1.4 figure 105). */
struct __attribute__((packed)) nvme_command {
    uint8_t opcode;
    uint8_t flags;      /* FUSE 1:0, PSDT 7:6 (0 = PRPs) */
    uint16_t command_id;
    uint32_t nsid;
    uint64_t reserved;
    uint64_t metadata;
    uint64_t prp1;
    uint64_t prp2;
    uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct nvme_command) == 64, "SQE is 64 bytes");
_Static_assert(offsetof(struct nvme_command, prp1) == 24, "PRP1 at byte 24");
_Static_assert(offsetof(struct nvme_command, cdw10) == 40, "CDW10 at byte 40");

/* Completion queue entry (figure 121). */
struct __attribute__((packed)) nvme_completion {
    uint32_t result;    /* DW0, command specific */
    uint32_t reserved;
    uint16_t sq_head;
    uint16_t sq_id;
    uint16_t command_id;
    uint16_t status;    /* bit 0 phase tag, bits 15:1 the status field */
};
_Static_assert(sizeof(struct nvme_completion) == 16, "CQE is 16 bytes");
_Static_assert(offsetof(struct nvme_completion, status) == 14, "status in the last word");

/* Status field values as QEMU and this project write them: the completion's
 * status word shifted right by one (DNR 0x4000, SCT << 8, SC). */
#define NVME_STATUS_SUCCESS             0x0000
#define NVME_STATUS_DNR                 0x4000
#define NVME_STATUS_INVALID_FIELD       0x0002
#define NVME_STATUS_DATA_TRANSFER_ERROR 0x0004
#define NVME_STATUS_COMMAND_SEQUENCE    0x000c
#define NVME_STATUS_INVALID_USE_OF_CMB  0x0012
static inline uint16_t nvme_status_without_flags(uint16_t status)
{
    return status & 0x07ff; /* SCT and SC: drop DNR, M and CRD */
}

/* "Invalid Use of Controller Memory Buffer" for 0x4012 (generic 0x12), "Success" for 0,
 * "SCT 3 SC 0x80" style text for unknown codes. Writes into out, returns out. */
const char *nvme_status_describe(uint16_t status, char *out, size_t len);

enum nvme_admin_opcode {
    NVME_ADMIN_DELETE_SQ = 0x00,
    NVME_ADMIN_CREATE_SQ = 0x01,
    NVME_ADMIN_DELETE_CQ = 0x04,
    NVME_ADMIN_CREATE_CQ = 0x05,
    NVME_ADMIN_IDENTIFY = 0x06,
    NVME_ADMIN_SET_FEATURES = 0x09,
    NVME_ADMIN_GET_FEATURES = 0x0a,
};

enum nvme_io_opcode {
    NVME_IO_FLUSH = 0x00,
    NVME_IO_WRITE = 0x01,
    NVME_IO_READ = 0x02,
    NVME_IO_COMPARE = 0x05, /* reads host memory, compares with the media, writes nothing */
};
#define NVME_ONCS_COMPARE 0x0001
#define NVME_STATUS_COMPARE_FAILURE 0x0285 /* SCT 2 (media errors), SC 0x85 */

#define NVME_IDENTIFY_NAMESPACE      0x00
#define NVME_IDENTIFY_CONTROLLER     0x01
#define NVME_IDENTIFY_ACTIVE_NS_LIST 0x02
#define NVME_FEATURE_NUMBER_OF_QUEUES 0x07

#define NVME_IDENTIFY_BYTES 4096

/* What nvmetal uses from Identify Controller (figure 247). */
struct nvme_controller_identity {
    uint16_t vendor_id;
    char serial[21];   /* trailing spaces trimmed */
    char model[41];
    char firmware[9];
    uint8_t mdts;      /* max transfer = 2^mdts * min page size; 0 = no limit */
    uint16_t controller_id;
    uint32_t version;
    uint8_t sqes, cqes; /* required (3:0) and maximum (7:4) entry sizes, log2 */
    uint32_t namespace_count; /* NN */
    uint16_t oncs;
    uint8_t volatile_write_cache; /* VWC bit 0 */
};

/* What nvmetal uses from Identify Namespace (figure 249). */
struct nvme_namespace_identity {
    uint64_t size_blocks;     /* NSZE */
    uint64_t capacity_blocks; /* NCAP */
    uint8_t lba_format_count; /* NLBAF + 1 */
    uint8_t lba_format;       /* FLBAS 3:0 */
    uint32_t block_bytes;     /* 2^LBADS of the formatted LBA format */
    uint16_t metadata_bytes;  /* MS of the formatted LBA format */
};

/* Parse 4096-byte identify pages. Return 0, or -1 with why[] when the page
 * says something impossible (e.g. formatted LBA index beyond NLBAF, LBADS < 9,
 * SQES/CQES minimum not 6/4, all-zero page). */
int nvme_parse_identify_controller(const uint8_t page[NVME_IDENTIFY_BYTES],
                                   struct nvme_controller_identity *out, char why[96]);
int nvme_parse_identify_namespace(const uint8_t page[NVME_IDENTIFY_BYTES],
                                  struct nvme_namespace_identity *out, char why[96]);
/* Active namespace list (CNS 02h): ascending NSIDs, ends at the first 0.
 * Returns how many were stored (at most max); -1 when not ascending. */
int nvme_parse_active_namespaces(const uint8_t page[NVME_IDENTIFY_BYTES], uint32_t *nsids,
                                 unsigned max);

#endif
