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

#endif
