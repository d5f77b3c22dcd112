/* NVMe register field tables, named as the specification and nvme-cli show-regs -H name them. */
#include "drivers/nvme/nvme_regs.h"

#include <string.h>

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const struct bitfield cap_fields[] = {NVME_CAP_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield vs_fields[] = {NVME_VS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cc_fields[] = {NVME_CC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield csts_fields[] = {NVME_CSTS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield aqa_fields[] = {NVME_AQA_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield asq_fields[] = {NVME_ASQ_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield acq_fields[] = {NVME_ACQ_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cmbloc_fields[] = {NVME_CMBLOC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cmbsz_fields[] = {NVME_CMBSZ_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cmbmsc_fields[] = {NVME_CMBMSC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cmbsts_fields[] = {NVME_CMBSTS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrcap_fields[] = {NVME_PMRCAP_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrctl_fields[] = {NVME_PMRCTL_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrsts_fields[] = {NVME_PMRSTS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrebs_fields[] = {NVME_PMREBS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrswtp_fields[] = {NVME_PMRSWTP_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrmsc_fields[] = {NVME_PMRMSC_FIELDS(REGFIELD_ENTRY)};

#define TABLE(name, reg, width, fields, group) \
    {name, (uint32_t)NVME_REG(reg), width, fields, COUNT(fields), group}

const struct nvme_register_table nvme_register_tables[] = {
    TABLE("CAP", cap, 8, cap_fields, NVME_REGISTER_CORE),
    TABLE("VS", vs, 4, vs_fields, NVME_REGISTER_CORE),
    TABLE("CC", cc, 4, cc_fields, NVME_REGISTER_CORE),
    TABLE("CSTS", csts, 4, csts_fields, NVME_REGISTER_CORE),
    TABLE("AQA", aqa, 4, aqa_fields, NVME_REGISTER_CORE),
    TABLE("ASQ", asq, 8, asq_fields, NVME_REGISTER_CORE),
    TABLE("ACQ", acq, 8, acq_fields, NVME_REGISTER_CORE),
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

const struct nvme_register_table *nvme_register_table_named(const char *name)
{
    for (size_t i = 0; i < nvme_register_table_count; i++)
        if (strcmp(nvme_register_tables[i].name, name) == 0)
            return &nvme_register_tables[i];
    return NULL;
}
