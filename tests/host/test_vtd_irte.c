/* Host tests for drivers/vtd/vtd_irte.h: IRTEs, IRTA and the IEC descriptor against the bit positions of VT-d 3.x sections 9.10, 11.4.29 and 6.5.2.7. */
#include "check.h"
#include "drivers/vtd/vtd_irte.h"

static void fixed_xapic(void)
{
    /* APIC 3 without EIM: DST bits 47:40; vector 0x51 in 23:16; P; SVT=1 in 83:82; SID 00:03.0. */
    struct vtd_irte e = vtd_irte_fixed(3, false, 0x51, 0x0018);
    CHECK_EQ_U64(e.lo, 3ull << 40 | 0x51ull << 16 | 1u);
    CHECK_EQ_U64(e.hi, 1ull << 18 | 0x0018u);
    CHECK_EQ_U64(vtd_IRTE_LO_V(e.lo), 0x51u);
    CHECK_EQ_U64(vtd_IRTE_LO_DLM(e.lo), 0u); /* fixed */
    CHECK_EQ_U64(vtd_IRTE_LO_TM(e.lo), 0u);  /* edge */
    CHECK_EQ_U64(vtd_IRTE_LO_IM(e.lo), 0u);  /* remapped, not posted */
    CHECK_EQ_U64(vtd_IRTE_LO_FPD(e.lo), 0u); /* faults are recorded */
}

static void fixed_x2apic(void)
{
    struct vtd_irte e = vtd_irte_fixed(0x12345, true, 0xef, 0xff1f);
    CHECK_EQ_U64(e.lo, 0x12345ull << 32 | 0xefull << 16 | 1u);
    CHECK_EQ_U64(vtd_IRTE_HI_SID(e.hi), 0xff1fu);
    CHECK_EQ_U64(vtd_IRTE_HI_SQ(e.hi), 0u);
}

static void irta(void)
{
    /* 256 entries: S = 7 (2^(S+1)); EIME bit 11. */
    CHECK_EQ_U64(vtd_irta(0x1234000, 7, false), 0x1234007ull);
    CHECK_EQ_U64(vtd_irta(0x1234000, 7, true), 0x1234807ull);
    CHECK_EQ_U64(vtd_IRTA_S(vtd_irta(0xfff000, 15, false)), 15u);
}

static void iec_descriptor(void)
{
    CHECK_EQ_U64(vtd_iec_global(), 0x4u);
    /* index 5, one entry: G bit 4, IM 0 in 31:27, IIDX 47:32. */
    CHECK_EQ_U64(vtd_iec_index(5, 0), 5ull << 32 | 1u << 4 | 0x4u);
    CHECK_EQ_U64(vtd_iec_index(0x100, 3), 0x100ull << 32 | 3ull << 27 | 1u << 4 | 0x4u);
}

static const struct check_case cases[] = {
    CHECK_CASE(fixed_xapic),
    CHECK_CASE(fixed_x2apic),
    CHECK_CASE(irta),
    CHECK_CASE(iec_descriptor),
};

int main(void)
{
    return CHECK_RUN("vtd_irte", cases);
}
