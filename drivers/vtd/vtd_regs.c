/* VT-d register field tables, named as the VT-d specification names them, and what their values mean. */
#include "drivers/vtd/vtd_regs.h"

#include <string.h>

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const struct bitfield ver_fields[] = {VTD_VER_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield cap_fields[] = {VTD_CAP_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield ecap_fields[] = {VTD_ECAP_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield gsts_fields[] = {VTD_GSTS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield pmen_fields[] = {VTD_PMEN_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield fsts_fields[] = {VTD_FSTS_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield gcmd_fields[] = {VTD_GCMD_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield ccmd_fields[] = {VTD_CCMD_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield iotlb_fields[] = {VTD_IOTLB_FIELDS(REGFIELD_ENTRY)};
static const struct bitfield irta_fields[] = {VTD_IRTA_FIELDS(REGFIELD_ENTRY)};

#define TABLE(name, fields) {name, fields, COUNT(fields)}
static const struct vtd_register_table tables[] = {
    TABLE("VER", ver_fields),   TABLE("CAP", cap_fields),   TABLE("ECAP", ecap_fields),
    TABLE("GCMD", gcmd_fields), TABLE("GSTS", gsts_fields), TABLE("CCMD", ccmd_fields),
    TABLE("IOTLB", iotlb_fields), TABLE("FSTS", fsts_fields), TABLE("PMEN", pmen_fields),
    TABLE("IRTA", irta_fields),
};

const struct vtd_register_table *vtd_register_table_named(const char *name)
{
    for (size_t i = 0; i < COUNT(tables); i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

size_t vtd_register_meanings(const char *name, uint64_t value, char *out, size_t len)
{
    const struct vtd_register_table *t = vtd_register_table_named(name);
    if (!t) {
        if (len)
            out[0] = '\0';
        return 0;
    }
    return bitfield_meanings(t->fields, t->field_count, value, out, len);
}
