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

/* Each register's fields, defined once here (NVMe 2.0 section 3.1; names as nvme-cli
 * show-regs -H prints them): X(REGISTER, FIELD, lsb, width[, what the value means]). From these
 * lists come the decoder's tables (nvme_regs.c), the masks NVME_<REG>_<FIELD>, the getters
 * nvme_<REG>_<FIELD>(value), the setters nvme_put_<REG>_<FIELD>(x), and the compile-time check
 * that every field lies inside its register (lib/bitfield.h); a host test checks that none
 * overlap. */
#define NVME_CAP_FIELDS(X)                                                                      \
    X(CAP, MQES, 0, 16, BF_ZEROS_BASED("entries")) X(CAP, CQR, 16, 1)                           \
    X(CAP, AMS, 17, 2, BF_ENUM("0=round robin;1=RR, WRR with urgent;2=RR, vendor specific;"    \
                               "3=RR, WRR with urgent, vendor specific"))                      \
    X(CAP, TO, 24, 8, BF_TIMES(500, "ms")) X(CAP, DSTRD, 32, 4, BF_BYTES_LOG2(2))                \
    X(CAP, NSSRS, 36, 1)                                                                        \
    X(CAP, CSS, 37, 8, BF_FLAGS("0=NVM;6=I/O command sets;7=admin only"))                       \
    X(CAP, BPS, 45, 1)                                                                          \
    X(CAP, CPS, 46, 2, BF_ENUM("0=not reported;1=controller;2=domain;3=NVM subsystem"))         \
    X(CAP, MPSMIN, 48, 4, BF_BYTES_LOG2(12)) X(CAP, MPSMAX, 52, 4, BF_BYTES_LOG2(12))           \
    X(CAP, PMRS, 56, 1) X(CAP, CMBS, 57, 1) X(CAP, NSSS, 58, 1)                                 \
    X(CAP, CRMS, 59, 2, BF_FLAGS("0=CRWMS;1=CRIMS"))
#define NVME_VS_FIELDS(X)                                                                       \
    X(VS, MJR, 16, 16, BF_VERSION("NVMe")) X(VS, MNR, 8, 8, BF_VERSION("NVMe"))                 \
    X(VS, TER, 0, 8, BF_VERSION("NVMe"))
#define NVME_CC_FIELDS(X)                                                                       \
    X(CC, EN, 0, 1) X(CC, CSS, 4, 3, BF_ENUM("0=NVM;6=all I/O command sets;7=admin only"))      \
    X(CC, MPS, 7, 4, BF_BYTES_LOG2(12))                                                         \
    X(CC, AMS, 11, 3, BF_ENUM("0=round robin;1=WRR with urgent;7=vendor specific"))             \
    X(CC, SHN, 14, 2, BF_ENUM("0=none;1=normal;2=abrupt"))                                      \
    X(CC, IOSQES, 16, 4, BF_BYTES_LOG2(0)) X(CC, IOCQES, 20, 4, BF_BYTES_LOG2(0))               \
    X(CC, CRIME, 24, 1)
#define NVME_CSTS_FIELDS(X)                                                                     \
    X(CSTS, RDY, 0, 1) X(CSTS, CFS, 1, 1)                                                       \
    X(CSTS, SHST, 2, 2, BF_ENUM("0=normal operation;1=shutdown occurring;2=shutdown complete")) \
    X(CSTS, NSSRO, 4, 1) X(CSTS, PP, 5, 1)
#define NVME_AQA_FIELDS(X)                                                                      \
    X(AQA, ASQS, 0, 12, BF_ZEROS_BASED("entries")) X(AQA, ACQS, 16, 12, BF_ZEROS_BASED("entries"))
#define NVME_ASQ_FIELDS(X) X(ASQ, ASQB, 12, 52)
#define NVME_ACQ_FIELDS(X) X(ACQ, ACQB, 12, 52)
#define NVME_CMBLOC_FIELDS(X)                                                                   \
    X(CMBLOC, BIR, 0, 3) X(CMBLOC, CQMMS, 3, 1) X(CMBLOC, CQPDS, 4, 1) X(CMBLOC, CDPMLS, 5, 1)  \
    X(CMBLOC, CDPCILS, 6, 1) X(CMBLOC, CDMMMS, 7, 1) X(CMBLOC, CQDA, 8, 1)                     \
    X(CMBLOC, OFST, 12, 20) /* in units of CMBSZ.SZU */
#define NVME_CMBSZ_FIELDS(X)                                                                    \
    X(CMBSZ, SQS, 0, 1) X(CMBSZ, CQS, 1, 1) X(CMBSZ, LISTS, 2, 1) X(CMBSZ, RDS, 3, 1)          \
    X(CMBSZ, WDS, 4, 1) X(CMBSZ, SZU, 8, 4, BF_POW2(12, 4, 6, "B"))                             \
    X(CMBSZ, SZ, 12, 20, BF_UNITS_OF("SZU"))
#define NVME_CMBMSC_FIELDS(X)                                                                   \
    X(CMBMSC, CRE, 0, 1) X(CMBMSC, CMSE, 1, 1) X(CMBMSC, CBA, 12, 52, BF_OFFSET(4096, ""))
#define NVME_CMBSTS_FIELDS(X) X(CMBSTS, CBAI, 0, 1)
#define NVME_PMRCAP_FIELDS(X)                                                                   \
    X(PMRCAP, RDS, 3, 1) X(PMRCAP, WDS, 4, 1) X(PMRCAP, BIR, 5, 3)                              \
    X(PMRCAP, PMRTU, 8, 2, BF_ENUM("0=500 ms;1=minutes")) X(PMRCAP, PMRWBM, 10, 4)             \
    X(PMRCAP, PMRTO, 16, 8, BF_UNITS_OF("PMRTU")) X(PMRCAP, CMSS, 24, 1)
#define NVME_PMRCTL_FIELDS(X) X(PMRCTL, EN, 0, 1)
#define NVME_PMRSTS_FIELDS(X)                                                                   \
    X(PMRSTS, ERR, 0, 8) X(PMRSTS, NRDY, 8, 1)                                                  \
    X(PMRSTS, HSTS, 9, 3, BF_ENUM("0=normal operation;1=restore error;2=read only;3=unreliable")) \
    X(PMRSTS, CBAI, 12, 1)
#define NVME_PMREBS_FIELDS(X)                                                                   \
    X(PMREBS, PMRSZU, 0, 4, BF_POW2(0, 10, 3, "B")) X(PMREBS, RBB, 4, 1)                        \
    X(PMREBS, PMRWBZ, 8, 24, BF_UNITS_OF("PMRSZU"))
#define NVME_PMRSWTP_FIELDS(X)                                                                  \
    X(PMRSWTP, PMRSWTU, 0, 4, BF_POW2(0, 10, 3, "B/s"))                                         \
    X(PMRSWTP, PMRSWTV, 8, 24, BF_UNITS_OF("PMRSWTU"))
/* The controller base address is PMRMSCU (bits 63:32) and PMRMSCL bits 31:12. */
#define NVME_PMRMSCL_FIELDS(X) X(PMRMSCL, CMSE, 1, 1) X(PMRMSCL, CBA, 12, 20)
#define NVME_PMRMSCU_FIELDS(X) X(PMRMSCU, CBA, 0, 32)

#define NVME_ALL_FIELDS(X)                                                                      \
    NVME_CAP_FIELDS(X) NVME_VS_FIELDS(X) NVME_CC_FIELDS(X) NVME_CSTS_FIELDS(X)                  \
    NVME_AQA_FIELDS(X) NVME_ASQ_FIELDS(X) NVME_ACQ_FIELDS(X) NVME_CMBLOC_FIELDS(X)              \
    NVME_CMBSZ_FIELDS(X) NVME_CMBMSC_FIELDS(X) NVME_CMBSTS_FIELDS(X) NVME_PMRCAP_FIELDS(X)      \
    NVME_PMRCTL_FIELDS(X) NVME_PMRSTS_FIELDS(X) NVME_PMREBS_FIELDS(X) NVME_PMRSWTP_FIELDS(X)    \
    NVME_PMRMSCL_FIELDS(X) NVME_PMRMSCU_FIELDS(X)

/* Register widths in bits. */
#define NVME_BITS_CAP 64
#define NVME_BITS_VS 32
#define NVME_BITS_CC 32
#define NVME_BITS_CSTS 32
#define NVME_BITS_AQA 32
#define NVME_BITS_ASQ 64
#define NVME_BITS_ACQ 64
#define NVME_BITS_CMBLOC 32
#define NVME_BITS_CMBSZ 32
#define NVME_BITS_CMBMSC 64
#define NVME_BITS_CMBSTS 32
#define NVME_BITS_PMRCAP 32
#define NVME_BITS_PMRCTL 32
#define NVME_BITS_PMRSTS 32
#define NVME_BITS_PMREBS 32
#define NVME_BITS_PMRSWTP 32
#define NVME_BITS_PMRMSCL 32
#define NVME_BITS_PMRMSCU 32

/* Identify data decoded field by field like the registers (NVMe 2.0 figures 275 and 280):
 * X(FIELD, SUBFIELD, lsb, width[, meaning]); a field of one subfield carries its own name.
 * The parsers read them through the same getters. */
#define NVME_ID_CMIC_FIELDS(X)                                                                  \
    X(CMIC, CMIC, 0, 8, BF_FLAGS("0=multiple ports;1=multiple controllers;2=SR-IOV;3=ANA"))
#define NVME_ID_OACS_FIELDS(X)                                                                  \
    X(OACS, OACS, 0, 16, BF_FLAGS("0=Security Send and Receive;1=Format NVM;"                   \
                                  "2=FW Commit and Download;3=NS Management and Attachment;"   \
                                  "4=Device Self-test;5=Directives;6=NVMe-MI Send and Receive;" \
                                  "7=Virtualization Management;8=Doorbell Buffer Config;"      \
                                  "9=Get LBA Status;10=Command and Feature Lockdown"))
#define NVME_ID_SQES_FIELDS(X) X(SQES, REQ, 0, 4, BF_BYTES_LOG2(0)) X(SQES, MAX, 4, 4, BF_BYTES_LOG2(0))
#define NVME_ID_CQES_FIELDS(X) X(CQES, REQ, 0, 4, BF_BYTES_LOG2(0)) X(CQES, MAX, 4, 4, BF_BYTES_LOG2(0))
#define NVME_ID_ONCS_FIELDS(X)                                                                  \
    X(ONCS, ONCS, 0, 16, BF_FLAGS("0=Compare;1=Write Uncorrectable;2=Dataset Management;"       \
                                  "3=Write Zeroes;4=Save and Select;5=Reservations;"           \
                                  "6=Timestamp;7=Verify;8=Copy"))
#define NVME_ID_VWC_FIELDS(X)                                                                   \
    X(VWC, PRESENT, 0, 1)                                                                       \
    X(VWC, FLUSH, 1, 2, BF_ENUM("0=broadcast NSID not indicated;2=no broadcast NSID;"           \
                                "3=broadcast NSID supported"))
#define NVME_ID_SGLS_FIELDS(X)                                                                  \
    X(SGLS, SGLS, 0, 32, BF_FLAGS("0=SGLs, no alignment;1=SGLs, dword alignment;"                \
                                  "2=Keyed SGL Data Block;16=Bit Bucket;"                      \
                                  "17=byte-aligned contiguous MPTR;18=SGL longer than data;"   \
                                  "19=MPTR SGL;20=address as offset;21=Transport SGL Data Block"))
#define NVME_ID_NSFEAT_FIELDS(X)                                                                \
    X(NSFEAT, NSFEAT, 0, 8, BF_FLAGS("0=thin provisioning;1=atomicity fields;"                  \
                                     "2=deallocated or unwritten error;3=IDs never reused;"    \
                                     "4=optimal I/O fields"))
#define NVME_ID_FLBAS_FIELDS(X)                                                                 \
    X(FLBAS, LBAFL, 0, 4) X(FLBAS, EXTENDED, 4, 1) X(FLBAS, LBAFU, 5, 2)
#define NVME_ID_MC_FIELDS(X) X(MC, MC, 0, 8, BF_FLAGS("0=extended LBA;1=separate buffer"))
#define NVME_ID_DPC_FIELDS(X)                                                                   \
    X(DPC, DPC, 0, 8, BF_FLAGS("0=type 1;1=type 2;2=type 3;3=PI first;4=PI last"))
#define NVME_ID_DPS_FIELDS(X)                                                                   \
    X(DPS, PIT, 0, 3, BF_ENUM("0=none;1=type 1;2=type 2;3=type 3")) X(DPS, PIP, 3, 1)
#define NVME_ID_NMIC_FIELDS(X) X(NMIC, NMIC, 0, 8, BF_FLAGS("0=shared;1=dispersed"))
/* One LBA Format data structure (LBAF0..LBAF63). */
#define NVME_ID_LBAF_FIELDS(X)                                                                  \
    X(LBAF, MS, 0, 16, BF_TIMES(1, "B")) X(LBAF, LBADS, 16, 8, BF_BYTES_LOG2(0))                \
    X(LBAF, RP, 24, 2, BF_ENUM("0=best;1=better;2=good;3=degraded"))

#define NVME_ID_ALL_FIELDS(X)                                                                   \
    NVME_ID_CMIC_FIELDS(X) NVME_ID_OACS_FIELDS(X) NVME_ID_SQES_FIELDS(X) NVME_ID_CQES_FIELDS(X) \
    NVME_ID_ONCS_FIELDS(X) NVME_ID_VWC_FIELDS(X) NVME_ID_SGLS_FIELDS(X)                         \
    NVME_ID_NSFEAT_FIELDS(X) NVME_ID_FLBAS_FIELDS(X) NVME_ID_MC_FIELDS(X) NVME_ID_DPC_FIELDS(X) \
    NVME_ID_DPS_FIELDS(X) NVME_ID_NMIC_FIELDS(X) NVME_ID_LBAF_FIELDS(X)

#define NVME_BITS_CMIC 8
#define NVME_BITS_OACS 16
#define NVME_BITS_SQES 8
#define NVME_BITS_CQES 8
#define NVME_BITS_ONCS 16
#define NVME_BITS_VWC 8
#define NVME_BITS_SGLS 32
#define NVME_BITS_NSFEAT 8
#define NVME_BITS_FLBAS 8
#define NVME_BITS_MC 8
#define NVME_BITS_DPC 8
#define NVME_BITS_DPS 8
#define NVME_BITS_NMIC 8
#define NVME_BITS_LBAF 32

#define NVME_FIELD_DEFINE(reg, field, lsb, width, ...) \
    REGFIELD_DEFINE(NVME, nvme, reg, field, lsb, width)
NVME_ALL_FIELDS(NVME_FIELD_DEFINE)
NVME_ID_ALL_FIELDS(NVME_FIELD_DEFINE)

/* Values this driver writes into a field or waits for in one. */
#define NVME_CC_SHN_NORMAL      nvme_put_CC_SHN(1)
#define NVME_CC_IOSQES_64       nvme_put_CC_IOSQES(6) /* 2^6-byte submission entries */
#define NVME_CC_IOCQES_16       nvme_put_CC_IOCQES(4) /* 2^4-byte completion entries */
#define NVME_CSTS_SHST_COMPLETE nvme_put_CSTS_SHST(2)

/* One table per register, in nvme_register_tables order, for the decoded dump. The Identify
 * fields have tables of the same shape: offset in the Identify data, width 1 to 4 bytes. */
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
/* The table of the register called `name` ("CAP", "CMBSZ", ...), or NULL. */
const struct nvme_register_table *nvme_register_table_named(const char *name);
/* The table of the Identify field called `name` ("ONCS", "FLBAS", "LBAF", ...), or NULL. */
const struct nvme_register_table *nvme_identify_table_named(const char *name);
/* "CAP 0x034018200f0107ff MQES=0x7ff (+1 = 2048 entries) ...": one register (or Identify
 * field) and what its fields mean. Returns the length written. */
size_t nvme_describe_value(const struct nvme_register_table *t, uint64_t value, char *out,
                           size_t len);

#endif
