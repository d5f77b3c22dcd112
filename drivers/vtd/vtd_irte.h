/* VT-d interrupt remapping entries (IRTE, remapped format, VT-d 3.x section 9.10), the value written to IRTA and the interrupt entry cache invalidation descriptor: fields defined once, built by named setters. */
#ifndef NVMETAL_DRIVERS_VTD_IRTE_H
#define NVMETAL_DRIVERS_VTD_IRTE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/vtd/vtd_regs.h"
#include "lib/bitfield.h"

/* X(WORD, FIELD, lsb, width): the low and high qwords of an IRTE, and the IEC descriptor's
 * low qword (the high one is reserved). IRTA is a register: drivers/vtd/vtd_regs.h. */
#define VTD_IRTE_LO_FIELDS(X)                                                                   \
    X(IRTE_LO, P, 0, 1) X(IRTE_LO, FPD, 1, 1) X(IRTE_LO, DM, 2, 1) X(IRTE_LO, RH, 3, 1)        \
    X(IRTE_LO, TM, 4, 1) X(IRTE_LO, DLM, 5, 3) X(IRTE_LO, AVAIL, 8, 4) X(IRTE_LO, IM, 15, 1)   \
    X(IRTE_LO, V, 16, 8) X(IRTE_LO, DST, 32, 32)
#define VTD_IRTE_HI_FIELDS(X) X(IRTE_HI, SID, 0, 16) X(IRTE_HI, SQ, 16, 2) X(IRTE_HI, SVT, 18, 2)
#define VTD_IEC_FIELDS(X) X(IEC, TYPE, 0, 4) X(IEC, G, 4, 1) X(IEC, IM, 27, 5) X(IEC, IIDX, 32, 16)
#define VTD_BITS_IRTE_LO 64
#define VTD_BITS_IRTE_HI 64
#define VTD_BITS_IEC 64
#define VTD_IRTE_FIELD_DEFINE(word, field, lsb, width) REGFIELD_DEFINE(VTD, vtd, word, field, lsb, width)
VTD_IRTE_LO_FIELDS(VTD_IRTE_FIELD_DEFINE)
VTD_IRTE_HI_FIELDS(VTD_IRTE_FIELD_DEFINE)
VTD_IEC_FIELDS(VTD_IRTE_FIELD_DEFINE)

/* Source validation (SVT): none, the requester ID under the SQ mask, or a bus range. */
#define VTD_SVT_NONE 0u
#define VTD_SVT_REQUESTER 1u
#define VTD_SVT_BUS_RANGE 2u
#define VTD_IEC_DESCRIPTOR_TYPE 0x4u

struct vtd_irte {
    uint64_t lo, hi; /* lo holds the present bit */
};

/* A present entry for a fixed, edge-triggered interrupt on `vector` to APIC `apic_id` in
 * physical mode, accepted only from requester `source_id` (SVT=1, SQ=0: all 16 bits
 * compared). Without EIM the xAPIC ID goes in DST bits 15:8. */
static inline struct vtd_irte vtd_irte_fixed(uint32_t apic_id, bool x2apic, uint8_t vector,
                                             uint16_t source_id)
{
    uint32_t dst = x2apic ? apic_id : (apic_id & 0xffu) << 8;
    return (struct vtd_irte){
        .lo = vtd_put_IRTE_LO_DST(dst) | vtd_put_IRTE_LO_V(vector) | vtd_put_IRTE_LO_P(1),
        .hi = vtd_put_IRTE_HI_SVT(VTD_SVT_REQUESTER) | vtd_put_IRTE_HI_SID(source_id),
    };
}

/* The IRTA value for a table at `table` (4 KiB aligned) of 2^(s + 1) entries. */
static inline uint64_t vtd_irta(uint64_t table, unsigned s, bool eim)
{
    return vtd_put_IRTA_IRTA(table >> 12) | vtd_put_IRTA_EIME(eim) | vtd_put_IRTA_S(s);
}

/* The IEC invalidation descriptor's low qword: global, or 2^mask entries from `index`. */
static inline uint64_t vtd_iec_global(void)
{
    return vtd_put_IEC_TYPE(VTD_IEC_DESCRIPTOR_TYPE);
}

static inline uint64_t vtd_iec_index(uint16_t index, unsigned mask)
{
    return vtd_put_IEC_TYPE(VTD_IEC_DESCRIPTOR_TYPE) | vtd_put_IEC_G(1) | vtd_put_IEC_IM(mask) |
           vtd_put_IEC_IIDX(index);
}

#endif
