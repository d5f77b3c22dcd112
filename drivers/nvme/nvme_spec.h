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
    NVME_IO_WRITE_ZEROES = 0x08,
    NVME_IO_DATASET_MANAGEMENT = 0x09,
    NVME_IO_ZONE_MANAGEMENT_SEND = 0x79, /* zoned command set */
    NVME_IO_ZONE_MANAGEMENT_RECEIVE = 0x7a,
    NVME_IO_ZONE_APPEND = 0x7d,
};
/* ONCS (Identify Controller bytes 521:520): optional NVM commands. */
#define NVME_ONCS_COMPARE      0x0001
#define NVME_ONCS_DSM          0x0004
#define NVME_ONCS_WRITE_ZEROES 0x0008
#define NVME_STATUS_COMPARE_FAILURE 0x0285 /* SCT 2 (media errors), SC 0x85 */
/* SCT 2 (media and data integrity) codes of end-to-end protection and deallocation. */
#define NVME_STATUS_GUARD_CHECK      0x0282
#define NVME_STATUS_APP_TAG_CHECK    0x0283
#define NVME_STATUS_REF_TAG_CHECK    0x0284
#define NVME_STATUS_DEALLOCATED      0x0287
#define NVME_STATUS_ZONE_INVALID_WRITE 0x01bc
#define NVME_STATUS_SCT(status) (((status) >> 8) & 0x7)

/* Read/Write CDW12 PRINFO (bits 29:26): PRACT and the three PRCHK checks. */
#define NVME_PRINFO_PRACT      0x8
#define NVME_PRINFO_CHECK_GUARD 0x4
#define NVME_PRINFO_CHECK_APP  0x2
#define NVME_PRINFO_CHECK_REF  0x1
#define NVME_RW_PRINFO_SHIFT   26

#define NVME_IDENTIFY_NAMESPACE      0x00
#define NVME_IDENTIFY_CONTROLLER     0x01
#define NVME_IDENTIFY_ACTIVE_NS_LIST 0x02
#define NVME_IDENTIFY_NS_DESCRIPTORS 0x03
#define NVME_IDENTIFY_CSI_NAMESPACE  0x05 /* I/O command set specific, CSI in CDW11 31:24 */
#define NVME_IDENTIFY_CSI_CONTROLLER 0x06
#define NVME_FEATURE_ERROR_RECOVERY   0x05
#define NVME_FEATURE_NUMBER_OF_QUEUES 0x07
#define NVME_FEATURE_INTERRUPT_COALESCING 0x08 /* CDW11: THR 7:0 (0's based entries), TIME 15:8 (100 us) */
#define NVME_FEATURE_INTERRUPT_VECTOR     0x09 /* CDW11: IV 15:0, CD (coalescing disable) bit 16 */
#define NVME_ERROR_RECOVERY_DULBE     (1u << 16)

/* Command set identifiers (CSI). */
#define NVME_CSI_NVM   0x00
#define NVME_CSI_ZONED 0x02

#define NVME_IDENTIFY_BYTES 4096

/* What nvmetal uses and reports from Identify Controller (figure 247); the fields decoded bit
 * by bit are described in nvme_regs.h (NVME_ID_*_FIELDS). */
struct nvme_controller_identity {
    uint16_t vendor_id;
    uint16_t subsystem_vendor_id; /* SSVID */
    char serial[21];   /* trailing spaces trimmed */
    char model[41];
    char firmware[9];
    uint8_t mdts;      /* max transfer = 2^mdts * min page size; 0 = no limit */
    uint16_t controller_id;
    uint32_t version;
    uint16_t oacs;     /* optional admin commands */
    uint8_t sqes, cqes; /* required (3:0) and maximum (7:4) entry sizes, log2 */
    uint32_t namespace_count; /* NN */
    uint16_t oncs;     /* optional NVM commands */
    uint8_t vwc;       /* VWC as read: bit 0 present, bits 2:1 flush of NSID FFFFFFFFh */
    uint8_t volatile_write_cache; /* VWC bit 0 */
    uint32_t sgls;     /* SGL support */
    uint8_t multipath;  /* CMIC: bit 0 more than one port, bit 1 more than one controller */
    char subsystem_nqn[257]; /* SUBNQN, NUL-padded */
};

/* What nvmetal uses and reports from Identify Namespace (figure 249). */
#define NVME_LBA_FORMATS_MAX 64 /* NLBAF is 0's based; LBAF0..LBAF63 */
struct nvme_namespace_identity {
    uint64_t size_blocks;     /* NSZE */
    uint64_t capacity_blocks; /* NCAP */
    uint64_t utilization_blocks; /* NUSE */
    uint8_t features;         /* NSFEAT: bit 2 DAE (deallocated blocks reported, DULBE) */
    uint8_t lba_format_count; /* NLBAF + 1 */
    uint8_t lba_format;       /* FLBAS bits 3:0, with bits 6:5 as the upper two bits */
    uint8_t flbas;            /* FLBAS as read */
    bool extended_lba;        /* FLBAS bit 4: metadata travels at the end of each block's data */
    uint8_t metadata_caps;    /* MC: bit 0 extended LBA, bit 1 separate buffer */
    uint8_t pi_caps;          /* DPC */
    uint8_t dps;              /* DPS as read */
    uint8_t pi_type;          /* DPS bits 2:0: 0 none, types 1..3 */
    bool pi_first;            /* DPS bit 3: PI in the first 8 bytes of the metadata */
    uint8_t multipath;        /* NMIC bit 0: may be attached to several controllers */
    uint32_t block_bytes;     /* 2^LBADS of the formatted LBA format */
    uint16_t metadata_bytes;  /* MS of the formatted LBA format */
    uint32_t lba_formats[NVME_LBA_FORMATS_MAX]; /* LBAF0.. as read (MS, LBADS, RP), count above */
};
#define NVME_NSFEAT_DAE 0x04

/* Zoned namespace (I/O command set specific Identify Namespace, CSI 02h; ZNS 1.0 figure 8). */
struct nvme_zoned_namespace_identity {
    uint16_t zone_operation_characteristics; /* ZOC */
    uint16_t optional_zoned_command_support; /* OZCS */
    uint32_t max_active_resources;           /* MAR, 0's based; 0xffffffff = no limit */
    uint32_t max_open_resources;             /* MOR, likewise */
    uint64_t zone_size_blocks;               /* ZSZE of the formatted LBA format */
    uint16_t zone_descriptor_extension_bytes; /* ZDES * 64 */
};

/* One Zone Descriptor from a Zone Management Receive report (ZNS 1.0 figure 37). */
struct nvme_zone {
    uint8_t type;        /* 2: sequential write required */
    uint8_t state;       /* ZS (bits 7:4 of byte 1): 1 empty, 2 implicitly open, ... */
    uint8_t attributes;
    uint64_t capacity;   /* ZCAP */
    uint64_t start;      /* ZSLBA */
    uint64_t write_pointer;
};
#define NVME_ZONE_TYPE_SEQUENTIAL 0x2
#define NVME_ZONE_STATE_EMPTY     0x1
#define NVME_ZONE_STATE_IMPLICITLY_OPEN 0x2
#define NVME_ZONE_STATE_FULL      0xe
#define NVME_ZONE_REPORT_HEADER_BYTES 64
#define NVME_ZONE_DESCRIPTOR_BYTES 64
/* Zone Management Send actions (CDW13 bits 7:0). */
#define NVME_ZONE_ACTION_RESET 0x04
/* Zone Management Receive action 0: report zones; CDW13 bit 16 = partial report. */
#define NVME_ZONE_RECEIVE_REPORT 0x00

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
/* Namespace Identification Descriptor list (CNS 03h): the Command Set Identifier, NVM (0)
 * when the list names none. Returns 0, or -1 with why[] for a descriptor that runs off the
 * page or a CSI descriptor whose length is not 1. */
int nvme_parse_namespace_descriptors(const uint8_t page[NVME_IDENTIFY_BYTES], uint8_t *csi,
                                     char why[96]);
/* Zoned Identify Namespace for the formatted LBA format `lba_format`. Returns 0, or -1 with
 * why[] (zone size 0). */
int nvme_parse_zoned_namespace(const uint8_t page[NVME_IDENTIFY_BYTES], uint8_t lba_format,
                               struct nvme_zoned_namespace_identity *out, char why[96]);
/* A Zone Management Receive report of `bytes`: sets *reported to the header's zone count and
 * stores the descriptors that are both reported and inside the buffer, at most `max`.
 * Returns how many were stored, or -1 when `bytes` cannot hold the 64-byte header. */
int nvme_parse_zone_report(const uint8_t *report, size_t bytes, struct nvme_zone *zones,
                           unsigned max, uint64_t *reported);

#endif
