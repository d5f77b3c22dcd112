/* NVMe controller registers (NVMe 1.4 section 3.1): layout checked at compile time, field tables. */
#ifndef NVMETAL_DRIVERS_NVME_REGS_H
#define NVMETAL_DRIVERS_NVME_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bitfield.h"

/* The register file at BAR0. Never dereferenced: it exists so offsetof gives
 * the offsets and the compiler checks them against the specification. */
struct __attribute__((packed)) nvme_registers {
    uint64_t cap;     /* 0x00 Controller Capabilities */
    uint32_t vs;      /* 0x08 Version */
    uint32_t intms;   /* 0x0c */
    uint32_t intmc;   /* 0x10 */
    uint32_t cc;      /* 0x14 Controller Configuration */
    uint32_t reserved_18;
    uint32_t csts;    /* 0x1c Controller Status */
    uint32_t nssr;    /* 0x20 */
    uint32_t aqa;     /* 0x24 Admin Queue Attributes */
    uint64_t asq;     /* 0x28 */
    uint64_t acq;     /* 0x30 */
    uint32_t cmbloc;  /* 0x38 */
    uint32_t cmbsz;   /* 0x3c */
    uint32_t bpinfo;  /* 0x40 */
    uint32_t bprsel;  /* 0x44 */
    uint64_t bpmbl;   /* 0x48 */
    uint64_t cmbmsc;  /* 0x50 */
    uint32_t cmbsts;  /* 0x58 */
    uint8_t reserved_5c[0xe00 - 0x5c];
    uint32_t pmrcap;  /* 0xe00 */
    uint32_t pmrctl;  /* 0xe04 */
    uint32_t pmrsts;  /* 0xe08 */
    uint32_t pmrebs;  /* 0xe0c */
    uint32_t pmrswtp; /* 0xe10 */
    uint32_t pmrmscl; /* 0xe14 */
    uint32_t pmrmscu; /* 0xe18 */
};
_Static_assert(offsetof(struct nvme_registers, vs) == 0x08, "VS");
_Static_assert(offsetof(struct nvme_registers, cc) == 0x14, "CC");
_Static_assert(offsetof(struct nvme_registers, csts) == 0x1c, "CSTS");
_Static_assert(offsetof(struct nvme_registers, aqa) == 0x24, "AQA");
_Static_assert(offsetof(struct nvme_registers, asq) == 0x28, "ASQ");
_Static_assert(offsetof(struct nvme_registers, acq) == 0x30, "ACQ");
_Static_assert(offsetof(struct nvme_registers, cmbloc) == 0x38, "CMBLOC");
_Static_assert(offsetof(struct nvme_registers, cmbsz) == 0x3c, "CMBSZ");
_Static_assert(offsetof(struct nvme_registers, cmbmsc) == 0x50, "CMBMSC");
_Static_assert(offsetof(struct nvme_registers, cmbsts) == 0x58, "CMBSTS");
_Static_assert(offsetof(struct nvme_registers, pmrcap) == 0xe00, "PMRCAP");
_Static_assert(offsetof(struct nvme_registers, pmrctl) == 0xe04, "PMRCTL");
_Static_assert(offsetof(struct nvme_registers, pmrsts) == 0xe08, "PMRSTS");
_Static_assert(offsetof(struct nvme_registers, pmrmscl) == 0xe14, "PMRMSCL");
_Static_assert(offsetof(struct nvme_registers, pmrmscu) == 0xe18, "PMRMSCU");

#define NVME_REG(field) ((uint64_t)offsetof(struct nvme_registers, field))

/* Smallest BAR0 that holds the registers and the admin doorbells. */
#define NVME_BAR0_MIN_SIZE 0x2000u

extern const struct bitfield nvme_cap_fields[];
extern const size_t nvme_cap_field_count;
extern const struct bitfield nvme_vs_fields[];
extern const size_t nvme_vs_field_count;
extern const struct bitfield nvme_cc_fields[];
extern const size_t nvme_cc_field_count;
extern const struct bitfield nvme_csts_fields[];
extern const size_t nvme_csts_field_count;

/* Bits this driver sets or tests. */
#define NVME_CC_EN              (1u << 0)
#define NVME_CC_SHN_NORMAL      (1u << 14)
#define NVME_CC_SHN_MASK        (3u << 14)
#define NVME_CC_IOSQES_64       (6u << 16)
#define NVME_CC_IOCQES_16       (4u << 20)
#define NVME_CSTS_RDY           (1u << 0)
#define NVME_CSTS_CFS           (1u << 1)
#define NVME_CSTS_SHST_MASK     (3u << 2)
#define NVME_CSTS_SHST_COMPLETE (2u << 2)
#define NVME_CMBMSC_CRE         (1u << 0)
#define NVME_CMBMSC_CMSE        (1u << 1)
#define NVME_CMBSTS_CBAI        (1u << 0)
#define NVME_CMBSZ_SQS          (1u << 0)
#define NVME_CMBSZ_CQS          (1u << 1)
#define NVME_CMBSZ_LISTS        (1u << 2)
#define NVME_CMBSZ_RDS          (1u << 3)
#define NVME_CMBSZ_WDS          (1u << 4)
#define NVME_PMRCTL_EN          (1u << 0)
#define NVME_PMRSTS_NRDY        (1u << 8)
#define NVME_PMRSTS_CBAI        (1u << 12)
#define NVME_PMRMSC_CMSE        (1u << 1)
#define NVME_PMRCAP_CMSS        (1u << 24)

/* One table per register, in nvme_register_tables order, for the decoded dump. */
struct nvme_register_table {
    const char *name;
    uint32_t offset;
    uint8_t width; /* 4 or 8 bytes */
    const struct bitfield *fields;
    size_t field_count;
    uint8_t group; /* NVME_REGISTER_CORE, _CMB or _PMR: dumped only where the feature exists */
};
#define NVME_REGISTER_CORE 0
#define NVME_REGISTER_CMB  1
#define NVME_REGISTER_PMR  2
extern const struct nvme_register_table nvme_register_tables[];
extern const size_t nvme_register_table_count;

#endif
