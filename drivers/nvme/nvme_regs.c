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

static const struct bitfield aqa_fields[] = {{"ASQS", 0, 12}, {"ACQS", 16, 12}};
static const struct bitfield address_fields[] = {{"BASE", 12, 52}};
static const struct bitfield cmbloc_fields[] = {
    {"BIR", 0, 3}, {"CQMMS", 3, 1}, {"CQPDS", 4, 1}, {"CDPMLS", 5, 1}, {"CDPCILS", 6, 1},
    {"CDMMMS", 7, 1}, {"CQDA", 8, 1}, {"OFST", 12, 20},
};
static const struct bitfield cmbsz_fields[] = {
    {"SQS", 0, 1}, {"CQS", 1, 1}, {"LISTS", 2, 1}, {"RDS", 3, 1},
    {"WDS", 4, 1}, {"SZU", 8, 4}, {"SZ", 12, 20},
};
static const struct bitfield cmbmsc_fields[] = {{"CRE", 0, 1}, {"CMSE", 1, 1}, {"CBA", 12, 52}};
static const struct bitfield cmbsts_fields[] = {{"CBAI", 0, 1}};
static const struct bitfield pmrcap_fields[] = {
    {"RDS", 3, 1}, {"WDS", 4, 1}, {"BIR", 5, 3}, {"PMRTU", 8, 2},
    {"PMRWBM", 10, 4}, {"PMRTO", 16, 8}, {"CMSS", 24, 1},
};
static const struct bitfield pmrctl_fields[] = {{"EN", 0, 1}};
static const struct bitfield pmrsts_fields[] = {
    {"ERR", 0, 8}, {"NRDY", 8, 1}, {"HSTS", 9, 3}, {"CBAI", 12, 1},
};
static const struct bitfield pmrebs_fields[] = {{"PMRSZU", 0, 4}, {"RBB", 4, 1}, {"PMRWBZ", 8, 24}};
static const struct bitfield pmrswtp_fields[] = {{"PMRSWTU", 0, 4}, {"PMRSWTV", 8, 24}};
static const struct bitfield pmrmsc_fields[] = {{"CMSE", 1, 1}, {"CBA", 12, 52}};

#define TABLE(name, reg, width, fields, group) \
    {name, (uint32_t)NVME_REG(reg), width, fields, COUNT(fields), group}

const struct nvme_register_table nvme_register_tables[] = {
    TABLE("CAP", cap, 8, nvme_cap_fields, NVME_REGISTER_CORE),
    TABLE("VS", vs, 4, nvme_vs_fields, NVME_REGISTER_CORE),
    TABLE("CC", cc, 4, nvme_cc_fields, NVME_REGISTER_CORE),
    TABLE("CSTS", csts, 4, nvme_csts_fields, NVME_REGISTER_CORE),
    TABLE("AQA", aqa, 4, aqa_fields, NVME_REGISTER_CORE),
    TABLE("ASQ", asq, 8, address_fields, NVME_REGISTER_CORE),
    TABLE("ACQ", acq, 8, address_fields, NVME_REGISTER_CORE),
    TABLE("CMBLOC", cmbloc, 4, cmbloc_fields, NVME_REGISTER_CMB),
    TABLE("CMBSZ", cmbsz, 4, cmbsz_fields, NVME_REGISTER_CMB),
    TABLE("CMBMSC", cmbmsc, 8, cmbmsc_fields, NVME_REGISTER_CMB),
    TABLE("CMBSTS", cmbsts, 4, cmbsts_fields, NVME_REGISTER_CMB),
    TABLE("PMRCAP", pmrcap, 4, pmrcap_fields, NVME_REGISTER_PMR),
    TABLE("PMRCTL", pmrctl, 4, pmrctl_fields, NVME_REGISTER_PMR),
    TABLE("PMRSTS", pmrsts, 4, pmrsts_fields, NVME_REGISTER_PMR),
    TABLE("PMREBS", pmrebs, 4, pmrebs_fields, NVME_REGISTER_PMR),
    TABLE("PMRSWTP", pmrswtp, 4, pmrswtp_fields, NVME_REGISTER_PMR),
    TABLE("PMRMSC", pmrmscl, 8, pmrmsc_fields, NVME_REGISTER_PMR),
};
const size_t nvme_register_table_count = COUNT(nvme_register_tables);
