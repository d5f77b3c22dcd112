/* VT-d root and context entries (legacy mode, VT-d 3.x section 9.1 and 9.3): fields defined once, entries built by named setters. */
#ifndef NVMETAL_DRIVERS_VTD_ENTRIES_H
#define NVMETAL_DRIVERS_VTD_ENTRIES_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/bitfield.h"

/* X(WORD, FIELD, lsb, width), the same machinery as the registers (lib/bitfield.h). */
#define VTD_ROOT_LO_FIELDS(X) X(ROOT_LO, P, 0, 1) X(ROOT_LO, CTP, 12, 52)
#define VTD_CONTEXT_LO_FIELDS(X) \
    X(CONTEXT_LO, P, 0, 1) X(CONTEXT_LO, FPD, 1, 1) X(CONTEXT_LO, TT, 2, 2) X(CONTEXT_LO, SLPTPTR, 12, 52)
#define VTD_CONTEXT_HI_FIELDS(X) X(CONTEXT_HI, AW, 0, 3) X(CONTEXT_HI, DID, 8, 16)
#define VTD_BITS_ROOT_LO 64
#define VTD_BITS_CONTEXT_LO 64
#define VTD_BITS_CONTEXT_HI 64
#define VTD_ENTRY_FIELD_DEFINE(word, field, lsb, width) \
    REGFIELD_DEFINE(VTD, vtd, word, field, lsb, width)
VTD_ROOT_LO_FIELDS(VTD_ENTRY_FIELD_DEFINE)
VTD_CONTEXT_LO_FIELDS(VTD_ENTRY_FIELD_DEFINE)
VTD_CONTEXT_HI_FIELDS(VTD_ENTRY_FIELD_DEFINE)

/* Context entry translation types (TT). */
#define VTD_TT_UNTRANSLATED 0u /* second-level translation of untranslated requests */
#define VTD_TT_PASS_THROUGH 2u

/* The two words of a context entry; lo holds the present bit and is written last. */
struct vtd_context_words {
    uint64_t lo, hi;
};

static inline uint64_t vtd_root_entry(uint64_t context_table)
{
    return vtd_put_ROOT_LO_CTP(context_table >> 12) | vtd_put_ROOT_LO_P(1);
}

/* aw: CONTEXT.AW, 1 for a 3-level (39-bit) table, 2 for 4 levels (48-bit). */
static inline struct vtd_context_words vtd_context_translated(uint64_t page_table_root,
                                                              unsigned aw, uint16_t domain_id)
{
    return (struct vtd_context_words){
        .lo = vtd_put_CONTEXT_LO_SLPTPTR(page_table_root >> 12) |
              vtd_put_CONTEXT_LO_TT(VTD_TT_UNTRANSLATED) | vtd_put_CONTEXT_LO_P(1),
        .hi = vtd_put_CONTEXT_HI_AW(aw) | vtd_put_CONTEXT_HI_DID(domain_id),
    };
}

static inline struct vtd_context_words vtd_context_pass_through(unsigned aw, uint16_t domain_id)
{
    return (struct vtd_context_words){
        .lo = vtd_put_CONTEXT_LO_TT(VTD_TT_PASS_THROUGH) | vtd_put_CONTEXT_LO_P(1),
        .hi = vtd_put_CONTEXT_HI_AW(aw) | vtd_put_CONTEXT_HI_DID(domain_id),
    };
}

static inline bool vtd_context_present(uint64_t lo)
{
    return vtd_CONTEXT_LO_P(lo) != 0;
}

#endif
