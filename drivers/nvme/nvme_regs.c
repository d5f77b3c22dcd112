/* NVMe register field tables, named as the specification and nvme-cli show-regs -H name them. */
#include "drivers/nvme/nvme_regs.h"

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

const struct bitfield nvme_cap_fields[] = {
    {"MQES", 0, 16},   {"CQR", 16, 1},    {"AMS", 17, 2},    {"TO", 24, 8},
    {"DSTRD", 32, 4},  {"NSSRS", 36, 1},  {"CSS", 37, 8},    {"BPS", 45, 1},
    {"MPSMIN", 48, 4}, {"MPSMAX", 52, 4}, {"PMRS", 56, 1},   {"CMBS", 57, 1},
};
const size_t nvme_cap_field_count = COUNT(nvme_cap_fields);

const struct bitfield nvme_vs_fields[] = {{"MJR", 16, 16}, {"MNR", 8, 8}, {"TER", 0, 8}};
const size_t nvme_vs_field_count = COUNT(nvme_vs_fields);

const struct bitfield nvme_cc_fields[] = {
    {"EN", 0, 1},      {"CSS", 4, 3},     {"MPS", 7, 4},     {"AMS", 11, 3},
    {"SHN", 14, 2},    {"IOSQES", 16, 4}, {"IOCQES", 20, 4},
};
const size_t nvme_cc_field_count = COUNT(nvme_cc_fields);

const struct bitfield nvme_csts_fields[] = {
    {"RDY", 0, 1}, {"CFS", 1, 1}, {"SHST", 2, 2}, {"NSSRO", 4, 1}, {"PP", 5, 1},
};
const size_t nvme_csts_field_count = COUNT(nvme_csts_fields);
