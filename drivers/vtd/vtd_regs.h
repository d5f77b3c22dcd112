/* Intel VT-d remapping unit registers (VT-d 3.x chapter 11): layout checked at compile time, field tables. */
#ifndef NVMETAL_DRIVERS_VTD_REGS_H
#define NVMETAL_DRIVERS_VTD_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bitfield.h"

/* Never dereferenced: offsetof gives the offsets and the compiler checks them. */
struct __attribute__((packed)) vtd_registers {
    uint32_t ver;      /* 0x00 */
    uint32_t reserved_04;
    uint64_t cap;      /* 0x08 */
    uint64_t ecap;     /* 0x10 */
    uint32_t gcmd;     /* 0x18 */
    uint32_t gsts;     /* 0x1c */
    uint64_t rtaddr;   /* 0x20 */
    uint64_t ccmd;     /* 0x28 */
    uint32_t reserved_30;
    uint32_t fsts;     /* 0x34 */
    uint32_t fectl;    /* 0x38 */
    uint32_t fedata;   /* 0x3c */
    uint32_t feaddr;   /* 0x40 */
    uint32_t feuaddr;  /* 0x44 */
    uint8_t reserved_48[0x58 - 0x48];
    uint64_t aflog;    /* 0x58 */
    uint32_t reserved_60;
    uint32_t pmen;     /* 0x64 */
    uint32_t plmbase;  /* 0x68 */
    uint32_t plmlimit; /* 0x6c */
    uint64_t phmbase;  /* 0x70 */
    uint64_t phmlimit; /* 0x78 */
    uint64_t iqh;      /* 0x80 */
    uint64_t iqt;      /* 0x88 */
    uint64_t iqa;      /* 0x90 */
    uint32_t reserved_98;
    uint32_t ics;      /* 0x9c */
};
_Static_assert(offsetof(struct vtd_registers, cap) == 0x08, "CAP");
_Static_assert(offsetof(struct vtd_registers, gcmd) == 0x18, "GCMD");
_Static_assert(offsetof(struct vtd_registers, gsts) == 0x1c, "GSTS");
_Static_assert(offsetof(struct vtd_registers, rtaddr) == 0x20, "RTADDR");
_Static_assert(offsetof(struct vtd_registers, ccmd) == 0x28, "CCMD");
_Static_assert(offsetof(struct vtd_registers, fsts) == 0x34, "FSTS");
_Static_assert(offsetof(struct vtd_registers, fectl) == 0x38, "FECTL");
_Static_assert(offsetof(struct vtd_registers, pmen) == 0x64, "PMEN");
_Static_assert(offsetof(struct vtd_registers, plmbase) == 0x68, "PLMBASE");
_Static_assert(offsetof(struct vtd_registers, phmlimit) == 0x78, "PHMLIMIT");
_Static_assert(offsetof(struct vtd_registers, iqh) == 0x80, "IQH");
_Static_assert(offsetof(struct vtd_registers, iqa) == 0x90, "IQA");
_Static_assert(offsetof(struct vtd_registers, ics) == 0x9c, "ICS");

#define VTD_REG(field) ((uint64_t)offsetof(struct vtd_registers, field))

/* GCMD and GSTS share bit positions. */
#define VTD_GCMD_TE    (1u << 31) /* translation enable */
#define VTD_GCMD_SRTP  (1u << 30) /* set root table pointer (one-shot) */
#define VTD_GCMD_WBF   (1u << 27) /* write buffer flush (one-shot) */
#define VTD_GCMD_QIE   (1u << 26) /* queued invalidation enable */
#define VTD_GCMD_IRE   (1u << 25) /* interrupt remapping enable */
#define VTD_GCMD_CFI   (1u << 23) /* compatibility format interrupts */
/* Bits that stay as written: each command must repeat them or undo them. */
#define VTD_GSTS_PERSISTENT (VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI)

#define VTD_PMEN_EPM (1u << 31)
#define VTD_PMEN_PRS (1u << 0)

#define VTD_CCMD_ICC          (1ull << 63)
#define VTD_CCMD_GLOBAL       (1ull << 61)
#define VTD_CCMD_DOMAIN       (2ull << 61)
#define VTD_IOTLB_IVT         (1ull << 63)
#define VTD_IOTLB_GLOBAL      (1ull << 60)
#define VTD_IOTLB_DOMAIN      (2ull << 60)
#define VTD_IOTLB_PAGE        (3ull << 60)
#define VTD_IOTLB_DRAIN       (3ull << 48) /* drain reads and writes */

#define VTD_FSTS_PFO  (1u << 0)
#define VTD_FSTS_PPF  (1u << 1)
#define VTD_FSTS_IQE  (1u << 4)
#define VTD_FAULT_F   (1u << 31) /* in the record's top dword */

#define VTD_CAP_RWBF(cap)  (((cap) >> 4) & 1)
#define VTD_CAP_PLMR(cap)  (((cap) >> 5) & 1)
#define VTD_CAP_PHMR(cap)  (((cap) >> 6) & 1)
#define VTD_CAP_CM(cap)    (((cap) >> 7) & 1)
#define VTD_CAP_SAGAW(cap) ((unsigned)(((cap) >> 8) & 0x1f))
#define VTD_CAP_MGAW(cap)  ((unsigned)(((cap) >> 16) & 0x3f) + 1)
#define VTD_CAP_FRO(cap)   ((unsigned)(((cap) >> 24) & 0x3ff) * 16)
#define VTD_CAP_PSI(cap)   (((cap) >> 39) & 1)
#define VTD_CAP_NFR(cap)   ((unsigned)(((cap) >> 40) & 0xff) + 1)
#define VTD_CAP_ND(cap)    ((unsigned)((cap) & 7))
#define VTD_ECAP_C(ecap)   ((ecap) & 1)
#define VTD_ECAP_QI(ecap)  (((ecap) >> 1) & 1)
#define VTD_ECAP_PT(ecap)  (((ecap) >> 6) & 1)
#define VTD_ECAP_IRO(ecap) ((unsigned)(((ecap) >> 8) & 0x3ff) * 16)

extern const struct bitfield vtd_cap_fields[];
extern const size_t vtd_cap_field_count;
extern const struct bitfield vtd_ecap_fields[];
extern const size_t vtd_ecap_field_count;
extern const struct bitfield vtd_gsts_fields[];
extern const size_t vtd_gsts_field_count;
extern const struct bitfield vtd_pmen_fields[];
extern const size_t vtd_pmen_field_count;
extern const struct bitfield vtd_fsts_fields[];
extern const size_t vtd_fsts_field_count;

#endif
