/* VT-d register field tables, named as the VT-d specification names them. */
#include "drivers/vtd/vtd_regs.h"

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

const struct bitfield vtd_cap_fields[] = {
    {"ND", 0, 3},     {"AFL", 3, 1},    {"RWBF", 4, 1},  {"PLMR", 5, 1},   {"PHMR", 6, 1},
    {"CM", 7, 1},     {"SAGAW", 8, 5},  {"MGAW", 16, 6}, {"ZLR", 22, 1},   {"FRO", 24, 10},
    {"SLLPS", 34, 4}, {"PSI", 39, 1},   {"NFR", 40, 8},  {"MAMV", 48, 6},  {"DWD", 54, 1},
    {"DRD", 55, 1},   {"FL1GP", 56, 1}, {"PI", 59, 1},
};
const size_t vtd_cap_field_count = COUNT(vtd_cap_fields);

const struct bitfield vtd_ecap_fields[] = {
    {"C", 0, 1},     {"QI", 1, 1},     {"DT", 2, 1},    {"IR", 3, 1},    {"EIM", 4, 1},
    {"PT", 6, 1},    {"SC", 7, 1},     {"IRO", 8, 10},  {"MHMV", 20, 4}, {"NEST", 26, 1},
    {"PRS", 29, 1},  {"ERS", 30, 1},   {"SRS", 31, 1},  {"NWFS", 33, 1}, {"EAFS", 34, 1},
    {"PSS", 35, 5},  {"PASID", 40, 1}, {"DIT", 41, 1},  {"SMTS", 43, 1}, {"SLTS", 46, 1},
    {"FLTS", 47, 1},
};
const size_t vtd_ecap_field_count = COUNT(vtd_ecap_fields);

const struct bitfield vtd_gsts_fields[] = {
    {"TES", 31, 1}, {"RTPS", 30, 1}, {"FLS", 29, 1},  {"AFLS", 28, 1},
    {"WBFS", 27, 1}, {"QIES", 26, 1}, {"IRES", 25, 1}, {"IRTPS", 24, 1}, {"CFIS", 23, 1},
};
const size_t vtd_gsts_field_count = COUNT(vtd_gsts_fields);

const struct bitfield vtd_pmen_fields[] = {{"EPM", 31, 1}, {"PRS", 0, 1}};
const size_t vtd_pmen_field_count = COUNT(vtd_pmen_fields);

const struct bitfield vtd_fsts_fields[] = {
    {"PFO", 0, 1}, {"PPF", 1, 1}, {"AFO", 2, 1}, {"APF", 3, 1},
    {"IQE", 4, 1}, {"ICE", 5, 1}, {"ITE", 6, 1}, {"FRI", 8, 8},
};
const size_t vtd_fsts_field_count = COUNT(vtd_fsts_fields);
