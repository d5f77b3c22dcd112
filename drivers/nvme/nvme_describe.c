/* Decoded diagnostics of a controller from the field tables of nvme_regs.h: registers, Identify Controller, namespaces and their LBA formats. */
#include "drivers/nvme/nvme_describe.h"

#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_regs.h"

#define TEXT 400

/* "ONCS 0x015d (Compare, ...)": an Identify field described by its table. */
static const char *identify_field(const char *name, uint64_t value, char *out, size_t len)
{
    nvme_describe_value(nvme_identify_table_named(name), value, out, len);
    return out;
}

/* What field `field` of register (or Identify field) `t` means for `value`. */
static const char *meaning_of(const struct nvme_register_table *t, const char *field,
                              uint64_t value, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < t->field_count; i++)
        if (strcmp(t->fields[i].name, field) == 0)
            bitfield_meaning(t->fields, t->field_count, i, value, out, len);
    return out;
}

void nvme_for_each_register(const struct nvme_controller *c,
                            void (*each)(const struct nvme_register_table *t, uint64_t value,
                                         void *ctx),
                            void *ctx)
{
    bool has_cmb = nvme_CAP_CMBS(c->cap) || nvme_reg_read32(c, NVME_REG(cmbsz));
    bool has_pmr = nvme_CAP_PMRS(c->cap);
    for (size_t i = 0; i < nvme_register_table_count; i++) {
        const struct nvme_register_table *t = &nvme_register_tables[i];
        if ((t->group == NVME_REGISTER_CMB && !has_cmb) ||
            (t->group == NVME_REGISTER_PMR && !has_pmr))
            continue;
        each(t, t->width == 8 ? nvme_reg_read64(c, t->offset) : nvme_reg_read32(c, t->offset),
             ctx);
    }
}

struct register_text {
    char *out;
    unsigned len, used;
};

static void register_text(const struct nvme_register_table *t, uint64_t value, void *ctx)
{
    struct register_text *x = ctx;
    if (x->used + 1 >= x->len)
        return;
    char fields[200];
    bitfield_format(t->fields, t->field_count, value, fields, sizeof(fields));
    int n = snprintf(x->out + x->used, x->len - x->used, "%s%s 0x%0*llx %s", x->used ? "\n" : "",
                     t->name, t->width * 2, (unsigned long long)value, fields);
    if (n > 0)
        x->used += (unsigned)n < x->len - x->used ? (unsigned)n : x->len - x->used - 1;
}

void nvme_format_registers(const struct nvme_controller *c, char *out, unsigned len)
{
    struct register_text x = {out, len, 0};
    out[0] = '\0';
    nvme_for_each_register(c, register_text, &x);
}

struct register_lines {
    const struct nvme_controller *c;
    nvme_describe_emit emit;
};

static void register_line(const struct nvme_register_table *t, uint64_t value, void *ctx)
{
    const struct register_lines *l = ctx;
    char line[TEXT];
    /* A 1.4 CMB's CMBLOC and CMBSZ read 0 until CMBMSC.CRE=1: no fields to decode yet. */
    if ((t->offset == NVME_REG(cmbloc) || t->offset == NVME_REG(cmbsz)) && value == 0 &&
        !nvme_CMBMSC_CRE(nvme_reg_read64(l->c, NVME_REG(cmbmsc))))
        snprintf(line, sizeof line, "%s 0x%08x (reads 0 until CMBMSC.CRE=1)", t->name, 0u);
    else
        nvme_describe_value(t, value, line, sizeof line);
    l->emit("nvme %s %s", l->c->name, line);
}

void nvme_describe_registers(const struct nvme_controller *c, nvme_describe_emit emit)
{
    struct register_lines l = {c, emit};
    nvme_for_each_register(c, register_line, &l);
}

/* "NVMe 1.4.0" from a VS-shaped value; "not reported" for 0 (NVMe 1.0 controllers). */
static const char *version_text(uint32_t vs, char *out, size_t len)
{
    if (!vs)
        snprintf(out, len, "not reported");
    else
        meaning_of(nvme_register_table_named("VS"), "TER", vs, out, len);
    return out;
}

void nvme_describe_controller(const struct nvme_controller *c, const char *name,
                              nvme_describe_emit emit)
{
    const struct nvme_controller_identity *id = &c->identity;
    char a[TEXT], b[TEXT], d[TEXT];
    emit("nvme %s SN \"%s\" MN \"%s\" FR \"%s\" CNTLID %u VER 0x%08x (%s)", name, id->serial,
         id->model, id->firmware, id->controller_id, id->version,
         version_text(id->version, a, sizeof a));
    /* MDTS counts pages of CAP.MPSMIN, as a power of two. */
    unsigned mdts_log2 = 12u + nvme_CAP_MPSMIN(c->cap) + id->mdts;
    if (!id->mdts)
        snprintf(a, sizeof a, "no limit");
    else if (mdts_log2 < 64)
        bitfield_format_bytes(1ull << mdts_log2, NULL, a, sizeof a);
    else
        snprintf(a, sizeof a, "2^%u B", mdts_log2);
    emit("nvme %s VID 0x%04x SSVID 0x%04x MDTS %u (%s) NN %u %s", name, id->vendor_id,
         id->subsystem_vendor_id, id->mdts, a, id->namespace_count,
         identify_field("CMIC", id->multipath, b, sizeof b));
    emit("nvme %s %s %s %s", name, identify_field("SQES", id->sqes, a, sizeof a),
         identify_field("CQES", id->cqes, b, sizeof b), identify_field("VWC", id->vwc, d, sizeof d));
    emit("nvme %s %s", name, identify_field("OACS", id->oacs, a, sizeof a));
    emit("nvme %s %s", name, identify_field("ONCS", id->oncs, a, sizeof a));
    emit("nvme %s %s", name, identify_field("SGLS", id->sgls, a, sizeof a));
    emit("nvme %s SUBNQN \"%s\"", name, id->subsystem_nqn);
    if (!c->cmb.present)
        return;
    /* A 1.4 controller shows CMBLOC and CMBSZ only once CMBMSC.CRE=1: as the driver read them.
     * OFST counts CMBSZ.SZU units as SZ does, so SZ's meaning with OFST in its place is the
     * offset in bytes. */
    uint32_t cmbloc = c->cmb.cmbloc, cmbsz = c->cmb.cmbsz;
    const struct nvme_register_table *sz = nvme_register_table_named("CMBSZ");
    uint32_t offset_as_size = (cmbsz & ~NVME_CMBSZ_SZ) | nvme_put_CMBSZ_SZ(nvme_CMBLOC_OFST(cmbloc));
    meaning_of(sz, "SZ", offset_as_size, b, sizeof b);
    nvme_describe_value(nvme_register_table_named("CMBLOC"), cmbloc, a, sizeof a);
    emit("nvme %s %s (%s; BAR%u + %s)", name, a,
         c->cmb.legacy ? "pre-1.4 CMB" : "read with CMBMSC.CRE=1", nvme_CMBLOC_BIR(cmbloc), b);
    nvme_describe_value(sz, cmbsz, a, sizeof a);
    emit("nvme %s %s", name, a);
}

void nvme_describe_namespace(const struct nvme_namespace *ns, const char *name,
                             nvme_describe_emit emit)
{
    const struct nvme_namespace_identity *n = &ns->identity;
    char a[TEXT], b[TEXT], d[TEXT], e[TEXT];
    nvme_format_describe(n, a, sizeof a);
    emit("nvme %s: %llu blocks of %s (LBA format %u of %u), NCAP %llu NUSE %llu, CSI 0x%02x",
         name, (unsigned long long)n->size_blocks, a, n->lba_format, n->lba_format_count,
         (unsigned long long)n->capacity_blocks, (unsigned long long)n->utilization_blocks,
         ns->csi);
    emit("nvme %s: %s (LBA format %u) %s", name, identify_field("FLBAS", n->flbas, a, sizeof a),
         n->lba_format, identify_field("NSFEAT", n->features, b, sizeof b));
    emit("nvme %s: %s %s %s %s", name, identify_field("MC", n->metadata_caps, a, sizeof a),
         identify_field("DPC", n->pi_caps, b, sizeof b), identify_field("DPS", n->dps, d, sizeof d),
         identify_field("NMIC", n->multipath, e, sizeof e));
    const struct nvme_register_table *lbaf = nvme_identify_table_named("LBAF");
    for (unsigned i = 0; i < n->lba_format_count && i < NVME_LBA_FORMATS_MAX; i++) {
        snprintf(b, sizeof b, "LBAF%u", i);
        bitfield_describe_register(b, lbaf->width, lbaf->fields, lbaf->field_count,
                                   n->lba_formats[i], a, sizeof a);
        emit("nvme %s: %s%s", name, a, i == n->lba_format ? ", in use" : "");
    }
}
