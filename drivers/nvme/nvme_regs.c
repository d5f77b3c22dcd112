/* NVMe register and Identify field tables, named as the specification and nvme-cli show-regs -H name them. */
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
static const struct bitfield pmrmscl_fields[] = {NVME_PMRMSCL_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmrmscu_fields[] = {NVME_PMRMSCU_FIELDS(REGFIELD_ENTRY)};

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
    TABLE("PMRMSCL", pmrmscl, 4, pmrmscl_fields, NVME_REGISTER_PMR),
    TABLE("PMRMSCU", pmrmscu, 4, pmrmscu_fields, NVME_REGISTER_PMR),
};
const size_t nvme_register_table_count = COUNT(nvme_register_tables);

static const struct bitfield cmic_fields[] = {NVME_ID_CMIC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield oacs_fields[] = {NVME_ID_OACS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield sqes_fields[] = {NVME_ID_SQES_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cqes_fields[] = {NVME_ID_CQES_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield oncs_fields[] = {NVME_ID_ONCS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield vwc_fields[] = {NVME_ID_VWC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield sgls_fields[] = {NVME_ID_SGLS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield nsfeat_fields[] = {NVME_ID_NSFEAT_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield flbas_fields[] = {NVME_ID_FLBAS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield mc_fields[] = {NVME_ID_MC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield dpc_fields[] = {NVME_ID_DPC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield dps_fields[] = {NVME_ID_DPS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield nmic_fields[] = {NVME_ID_NMIC_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield lbaf_fields[] = {NVME_ID_LBAF_FIELDS(REGFIELD_ENTRY)};

/* Offsets in Identify Controller (CMIC..SGLS) and Identify Namespace (NSFEAT..LBAF0). */
#define ID_TABLE(name, offset, width, fields) {name, offset, width, fields, COUNT(fields), 0}
static const struct nvme_register_table identify_tables[] = {
    ID_TABLE("CMIC", 76, 1, cmic_fields),     ID_TABLE("OACS", 256, 2, oacs_fields),
    ID_TABLE("SQES", 512, 1, sqes_fields),    ID_TABLE("CQES", 513, 1, cqes_fields),
    ID_TABLE("ONCS", 520, 2, oncs_fields),    ID_TABLE("VWC", 525, 1, vwc_fields),
    ID_TABLE("SGLS", 536, 4, sgls_fields),    ID_TABLE("NSFEAT", 24, 1, nsfeat_fields),
    ID_TABLE("FLBAS", 26, 1, flbas_fields),   ID_TABLE("MC", 27, 1, mc_fields),
    ID_TABLE("DPC", 28, 1, dpc_fields),       ID_TABLE("DPS", 29, 1, dps_fields),
    ID_TABLE("NMIC", 30, 1, nmic_fields),     ID_TABLE("LBAF", 128, 4, lbaf_fields),
};

static const struct nvme_register_table *table_named(const struct nvme_register_table *tables,
                                                     size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

const struct nvme_register_table *nvme_register_table_named(const char *name)
{
    return table_named(nvme_register_tables, nvme_register_table_count, name);
}

const struct nvme_register_table *nvme_identify_table_named(const char *name)
{
    return table_named(identify_tables, COUNT(identify_tables), name);
}

size_t nvme_describe_value(const struct nvme_register_table *t, uint64_t value, char *out,
                           size_t len)
{
    return bitfield_describe_register(t->name, t->width, t->fields, t->field_count, value, out,
                                      len);
}
