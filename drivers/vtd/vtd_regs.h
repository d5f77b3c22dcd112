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
    uint32_t iectl;    /* 0xa0 */
    uint32_t iedata;   /* 0xa4 */
    uint32_t ieaddr;   /* 0xa8 */
    uint32_t ieuaddr;  /* 0xac */
    uint64_t iqercd;   /* 0xb0 */
    uint64_t irta;     /* 0xb8 */
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
_Static_assert(offsetof(struct vtd_registers, irta) == 0xb8, "IRTA");

#define VTD_REG(field) ((uint64_t)offsetof(struct vtd_registers, field))

/* Each register's fields, defined once here (VT-d 3.x section 11.4; the specification's names):
 * X(REGISTER, FIELD, lsb, width[, what the value means]). From these lists come the decoder's
 * tables (vtd_regs.c), the masks VTD_<REG>_<FIELD>, the getters vtd_<REG>_<FIELD>(value), the
 * setters vtd_put_<REG>_<FIELD>(x), and the compile-time check that each field lies in its
 * register (lib/bitfield.h); a host test checks that none overlap. */
#define VTD_VER_FIELDS(X) X(VER, MAX, 4, 4, BF_VERSION("VT-d")) X(VER, MIN, 0, 4, BF_VERSION("VT-d"))
#define VTD_CAP_FIELDS(X)                                                                       \
    X(CAP, ND, 0, 3, BF_POW2(4, 2, 6, "domains")) X(CAP, AFL, 3, 1) X(CAP, RWBF, 4, 1)          \
    X(CAP, PLMR, 5, 1) X(CAP, PHMR, 6, 1) X(CAP, CM, 7, 1)                                      \
    X(CAP, SAGAW, 8, 5, BF_FLAGS("0=30-bit 2-level;1=39-bit 3-level;2=48-bit 4-level;"        \
                                 "3=57-bit 5-level"))                                           \
    X(CAP, MGAW, 16, 6, BF_ZEROS_BASED("bits")) X(CAP, ZLR, 22, 1)                              \
    X(CAP, FRO, 24, 10, BF_OFFSET(16, "at"))                                                    \
    X(CAP, SLLPS, 34, 4, BF_FLAGS("0=2 MiB;1=1 GiB;2=512 GiB;3=1 TiB"))                         \
    X(CAP, PSI, 39, 1) X(CAP, NFR, 40, 8, BF_ZEROS_BASED("fault records"))                      \
    X(CAP, MAMV, 48, 6) X(CAP, DWD, 54, 1) X(CAP, DRD, 55, 1)                                  \
    X(CAP, FL1GP, 56, 1) X(CAP, PI, 59, 1)
#define VTD_ECAP_FIELDS(X)                                                                      \
    X(ECAP, C, 0, 1) X(ECAP, QI, 1, 1) X(ECAP, DT, 2, 1) X(ECAP, IR, 3, 1) X(ECAP, EIM, 4, 1)  \
    X(ECAP, PT, 6, 1) X(ECAP, SC, 7, 1) X(ECAP, IRO, 8, 10, BF_OFFSET(16, "at"))               \
    X(ECAP, MHMV, 20, 4) X(ECAP, NEST, 26, 1) X(ECAP, PRS, 29, 1) X(ECAP, ERS, 30, 1)          \
    X(ECAP, SRS, 31, 1) X(ECAP, NWFS, 33, 1) X(ECAP, EAFS, 34, 1) X(ECAP, PSS, 35, 5)          \
    X(ECAP, PASID, 40, 1) X(ECAP, DIT, 41, 1) X(ECAP, SMTS, 43, 1) X(ECAP, SLTS, 46, 1)        \
    X(ECAP, FLTS, 47, 1)
#define VTD_GCMD_FIELDS(X)                                                                      \
    X(GCMD, TE, 31, 1) X(GCMD, SRTP, 30, 1) X(GCMD, SFL, 29, 1) X(GCMD, EAFL, 28, 1)            \
    X(GCMD, WBF, 27, 1) X(GCMD, QIE, 26, 1) X(GCMD, IRE, 25, 1) X(GCMD, SIRTP, 24, 1)           \
    X(GCMD, CFI, 23, 1)
#define VTD_GSTS_FIELDS(X)                                                                      \
    X(GSTS, TES, 31, 1) X(GSTS, RTPS, 30, 1) X(GSTS, FLS, 29, 1) X(GSTS, AFLS, 28, 1)           \
    X(GSTS, WBFS, 27, 1) X(GSTS, QIES, 26, 1) X(GSTS, IRES, 25, 1) X(GSTS, IRTPS, 24, 1)        \
    X(GSTS, CFIS, 23, 1)
#define VTD_CCMD_FIELDS(X)                                                                      \
    X(CCMD, DID, 0, 16) X(CCMD, SID, 16, 16) X(CCMD, FM, 32, 2) X(CCMD, CAIG, 59, 2)            \
    X(CCMD, CIRG, 61, 2) X(CCMD, ICC, 63, 1)
#define VTD_IOTLB_FIELDS(X)                                                                     \
    X(IOTLB, DID, 32, 16) X(IOTLB, DW, 48, 1) X(IOTLB, DR, 49, 1) X(IOTLB, IAIG, 57, 2)         \
    X(IOTLB, IIRG, 60, 2) X(IOTLB, IVT, 63, 1)
#define VTD_FSTS_FIELDS(X)                                                                      \
    X(FSTS, PFO, 0, 1) X(FSTS, PPF, 1, 1) X(FSTS, AFO, 2, 1) X(FSTS, APF, 3, 1)                 \
    X(FSTS, IQE, 4, 1) X(FSTS, ICE, 5, 1) X(FSTS, ITE, 6, 1) X(FSTS, FRI, 8, 8)
#define VTD_PMEN_FIELDS(X) X(PMEN, EPM, 31, 1) X(PMEN, PRS, 0, 1)
/* IRTA: the interrupt remapping table's address, 2^(S + 1) entries, x2APIC mode (EIME). */
#define VTD_IRTA_FIELDS(X) \
    X(IRTA, S, 0, 4) X(IRTA, EIME, 11, 1) X(IRTA, IRTA, 12, 52)
/* The top dword of a 128-bit fault recording register (FRCD bits 127:96). */
#define VTD_FRCD_HI_FIELDS(X) X(FRCD_HI, FR, 0, 8) X(FRCD_HI, AT, 28, 2) X(FRCD_HI, T, 30, 1) X(FRCD_HI, F, 31, 1)

#define VTD_ALL_FIELDS(X)                                                                       \
    VTD_VER_FIELDS(X) VTD_CAP_FIELDS(X) VTD_ECAP_FIELDS(X) VTD_GCMD_FIELDS(X)                   \
    VTD_GSTS_FIELDS(X)                                                                          \
    VTD_CCMD_FIELDS(X) VTD_IOTLB_FIELDS(X) VTD_FSTS_FIELDS(X) VTD_PMEN_FIELDS(X)                \
    VTD_IRTA_FIELDS(X) VTD_FRCD_HI_FIELDS(X)

#define VTD_BITS_VER 32
#define VTD_BITS_CAP 64
#define VTD_BITS_ECAP 64
#define VTD_BITS_GCMD 32
#define VTD_BITS_GSTS 32
#define VTD_BITS_CCMD 64
#define VTD_BITS_IOTLB 64
#define VTD_BITS_FSTS 32
#define VTD_BITS_PMEN 32
#define VTD_BITS_IRTA 64
#define VTD_BITS_FRCD_HI 32

#define VTD_FIELD_DEFINE(reg, field, lsb, width, ...) \
    REGFIELD_DEFINE(VTD, vtd, reg, field, lsb, width)
VTD_ALL_FIELDS(VTD_FIELD_DEFINE)

/* GCMD bits that stay as written (GSTS reports them at the same places): each command must
 * repeat them or undo them. */
#define VTD_GSTS_PERSISTENT (VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI)

/* Values of the invalidation granularity fields. */
#define VTD_CCMD_GLOBAL  vtd_put_CCMD_CIRG(1)
#define VTD_CCMD_DOMAIN  vtd_put_CCMD_CIRG(2)
#define VTD_IOTLB_GLOBAL vtd_put_IOTLB_IIRG(1)
#define VTD_IOTLB_DOMAIN vtd_put_IOTLB_IIRG(2)
#define VTD_IOTLB_PAGE   vtd_put_IOTLB_IIRG(3)
#define VTD_IOTLB_DRAIN  (VTD_IOTLB_DR | VTD_IOTLB_DW) /* drain reads and writes */

/* What some fields mean in units: the encodings are "value + 1" or "value * 16". */
static inline unsigned vtd_cap_guest_address_bits(uint64_t cap) { return vtd_CAP_MGAW(cap) + 1u; }
static inline unsigned vtd_cap_fault_records(uint64_t cap) { return vtd_CAP_NFR(cap) + 1u; }
static inline unsigned vtd_cap_fault_offset(uint64_t cap) { return 16u * vtd_CAP_FRO(cap); }
static inline unsigned vtd_ecap_iotlb_offset(uint64_t ecap) { return 16u * vtd_ECAP_IRO(ecap); }

/* The decoder's tables, looked up by the register's name ("VER", "CAP", "GSTS", ...). */
struct vtd_register_table {
    const char *name;
    const struct bitfield *fields;
    size_t field_count;
};
const struct vtd_register_table *vtd_register_table_named(const char *name);
/* What the fields of the register called `name` mean, "NAME: meaning" joined by "; "
 * ("VT-d 1.0"; "ND: 65536 domains; SAGAW: 39-bit 3-level; ..."), for the line that shows the
 * register's raw fields. "" for a register without such fields or a name without a table. */
size_t vtd_register_meanings(const char *name, uint64_t value, char *out, size_t len);

#endif
