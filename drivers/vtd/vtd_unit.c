/* VT-d unit: attach, take over from firmware, root and context tables, enable and disable translation. */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/vtd/vtd.h"
#include "drivers/vtd/vtd_entries.h"
#include "drivers/vtd/vtd_internal.h"
#include "drivers/vtd/vtd_regs.h"
#include "lib/dma_pool.h"

#define SAGAW_39_BIT (1u << 1)
#define SAGAW_48_BIT (1u << 2)

int vtd_attach(struct vtd_unit *u, const struct dmar_unit *dmar)
{
    memset(u, 0, sizeof(*u));
    u->dmar = dmar;
    u->base = dmar->register_base;
    u->version = vtd_read32(u, VTD_REG(ver));
    u->cap = vtd_read64(u, VTD_REG(cap));
    u->ecap = vtd_read64(u, VTD_REG(ecap));
    if (u->version == 0xffffffffu || u->cap == ~0ull) {
        snprintf(u->error, sizeof(u->error), "registers at 0x%llx read all ones",
                 (unsigned long long)u->base);
        return -1;
    }
    u->found_gsts = vtd_read32(u, VTD_REG(gsts));
    u->found_pmen = vtd_read32(u, VTD_REG(pmen));
    if (vtd_CAP_PLMR(u->cap)) {
        u->found_plmbase = vtd_read32(u, VTD_REG(plmbase));
        u->found_plmlimit = vtd_read32(u, VTD_REG(plmlimit));
    }
    if (vtd_CAP_PHMR(u->cap)) {
        u->found_phmbase = vtd_read64(u, VTD_REG(phmbase));
        u->found_phmlimit = vtd_read64(u, VTD_REG(phmlimit));
    }
    return 0;
}

static void note(char *notes, unsigned len, const char *text)
{
    size_t used = strlen(notes);
    snprintf(notes + used, len - used, "%s%s", used ? "; " : "", text);
}

int vtd_takeover(struct vtd_unit *u, char *notes, unsigned len)
{
    notes[0] = '\0';
    uint32_t gsts = vtd_read32(u, VTD_REG(gsts));
    if (gsts & VTD_GCMD_TE) {
        note(notes, len, "translation was on (pre-boot DMA protection): turned off");
        if (vtd_global_command(u, VTD_GCMD_TE, false, "GSTS.TES=0") != 0)
            return -1;
    }
    if (gsts & VTD_GCMD_IRE) {
        note(notes, len, "interrupt remapping was on: turned off");
        if (vtd_global_command(u, VTD_GCMD_IRE, false, "GSTS.IRES=0") != 0)
            return -1;
    }
    if (gsts & VTD_GCMD_QIE) {
        note(notes, len, "queued invalidation was on: turned off");
        if (vtd_global_command(u, VTD_GCMD_QIE, false, "GSTS.QIES=0") != 0)
            return -1;
    }
    uint32_t pmen = vtd_read32(u, VTD_REG(pmen));
    if (pmen & (VTD_PMEN_EPM | VTD_PMEN_PRS)) {
        note(notes, len, "VT-d protected memory regions (PLMR/PHMR) were enabled: turned off");
        vtd_write32(u, VTD_REG(pmen), 0);
        if (vtd_wait32(u, VTD_REG(pmen), VTD_PMEN_PRS, 0, "PMEN.PRS=0") != 0)
            return -1;
    }
    return 0;
}

int vtd_prepare(struct vtd_unit *u)
{
    unsigned sagaw = vtd_CAP_SAGAW(u->cap);
    if (sagaw & SAGAW_48_BIT)
        u->levels = 4;
    else if (sagaw & SAGAW_39_BIT)
        u->levels = 3;
    else {
        snprintf(u->error, sizeof(u->error), "SAGAW 0x%x offers neither 3- nor 4-level tables",
                 sagaw);
        return -1;
    }
    u->root_table = vtd_alloc_table_page(NULL);
    if (!u->root_table) {
        snprintf(u->error, sizeof(u->error), "DMA pool exhausted (root table)");
        return -1;
    }
    vtd_flush_cpu_cache(u, (void *)(uintptr_t)u->root_table, PAGE_SIZE);
    return 0;
}

static uint64_t *table(uint64_t physical)
{
    return (uint64_t *)(uintptr_t)physical;
}

int vtd_set_context(struct vtd_unit *u, uint16_t sid, const struct vtd_domain *domain)
{
    uint8_t bus = (uint8_t)(sid >> 8), devfn = (uint8_t)sid;
    if (!domain && !vtd_ECAP_PT(u->ecap)) {
        snprintf(u->error, sizeof(u->error), "ECAP.PT=0: no pass-through for SID 0x%04x", sid);
        return -1;
    }
    if (!u->context_tables[bus]) {
        u->context_tables[bus] = vtd_alloc_table_page(NULL);
        if (!u->context_tables[bus]) {
            snprintf(u->error, sizeof(u->error), "DMA pool exhausted (context table)");
            return -1;
        }
        vtd_flush_cpu_cache(u, table(u->context_tables[bus]), PAGE_SIZE);
        uint64_t *root = table(u->root_table) + 2 * bus;
        root[1] = 0;
        root[0] = vtd_root_entry(u->context_tables[bus]);
        vtd_flush_cpu_cache(u, root, 16);
    }
    uint64_t *entry = table(u->context_tables[bus]) + 2 * devfn;
    bool was_present = vtd_context_present(entry[0]);
    /* Address width: 1 = 39-bit (3 levels), 2 = 48-bit (4 levels). */
    unsigned aw = (unsigned)(u->levels - 2);
    struct vtd_context_words words =
        domain ? vtd_context_translated(domain->pagetable.root, aw, (uint16_t)domain->id)
               : vtd_context_pass_through(aw, 0);
    /* The present bit goes last, so the unit never sees half an entry. */
    entry[0] = 0;
    vtd_flush_cpu_cache(u, entry, 16);
    entry[1] = words.hi;
    entry[0] = words.lo;
    vtd_flush_cpu_cache(u, entry, 16);
    if (!u->translating || (!was_present && !vtd_CAP_CM(u->cap)))
        return 0;
    /* A source ID moving between domains may still have translations cached
     * under the old one: the context cache first, then the IOTLB (VT-d 6.5). */
    if (vtd_invalidate_context_all(u) != 0)
        return -1;
    return was_present ? vtd_invalidate_iotlb_all(u) : 0;
}

static uint64_t *table_at(void *ctx, uint64_t physical)
{
    (void)ctx;
    return table(physical);
}

static void flush_entry(void *ctx, const void *cpu, uint64_t bytes)
{
    vtd_flush_cpu_cache(ctx, cpu, bytes);
}

struct vtd_domain *vtd_domain_create(struct vtd_unit *u)
{
    unsigned supported = 1u << (4 + 2 * vtd_CAP_ND(u->cap));
    uint64_t slot_end = VTD_IOVA_BASE + VTD_IOVA_SPAN * (u->domain_count + 1);
    if (u->domain_count == VTD_MAX_DOMAINS || supported <= u->domain_count + 1) {
        snprintf(u->error, sizeof(u->error), "no domain %u: the table holds %u, CAP.ND %u domain "
                 "IDs", u->domain_count + 1, VTD_MAX_DOMAINS, supported);
        return NULL;
    }
    if (slot_end > 1ull << (12 + 9 * u->levels)) {
        snprintf(u->error, sizeof(u->error), "no domain %u: its IOVA slot would end at 0x%llx, "
                 "beyond the %u-level tables' reach", u->domain_count + 1,
                 (unsigned long long)slot_end, u->levels);
        return NULL;
    }
    struct vtd_domain *d = &u->domains[u->domain_count];
    memset(d, 0, sizeof(*d));
    d->unit = u;
    d->id = (uint16_t)(u->domain_count + 1); /* DID 0 is reserved when CM is set */
    d->iova_next = VTD_IOVA_BASE + VTD_IOVA_SPAN * u->domain_count;
    d->iova_end = d->iova_next + VTD_IOVA_SPAN;
    if (vtd_pagetable_init(&d->pagetable, u->levels, vtd_alloc_table_page, table_at, flush_entry,
                           u) != 0)
        return NULL;
    u->domain_count++;
    return d;
}

int vtd_exclude(struct vtd_unit *u, uint64_t base, uint64_t bytes)
{
    if (u->exclusion_count == VTD_MAX_EXCLUSIONS) {
        snprintf(u->error, sizeof(u->error), "IOVA exclusion table full (%u windows): 0x%llx "
                 "(%llu bytes) cannot be kept out", VTD_MAX_EXCLUSIONS, (unsigned long long)base,
                 (unsigned long long)bytes);
        return -1;
    }
    u->exclusions[u->exclusion_count].base = base;
    u->exclusions[u->exclusion_count].bytes = bytes;
    u->exclusion_count++;
    return 0;
}

int vtd_enable(struct vtd_unit *u)
{
    if (vtd_CAP_RWBF(u->cap) && vtd_global_command(u, VTD_GCMD_WBF, true, "GSTS.WBFS=0 after WBF") != 0)
        return -1;
    vtd_write64(u, VTD_REG(rtaddr), u->root_table);
    if (vtd_global_command(u, VTD_GCMD_SRTP, true, "GSTS.RTPS=1 after SRTP") != 0)
        return -1;
    if (vtd_invalidate_context_all(u) != 0 || vtd_invalidate_iotlb_all(u) != 0)
        return -1;
    if (vtd_global_command(u, VTD_GCMD_TE, true, "GSTS.TES=1 after TE") != 0)
        return -1;
    u->translating = true;
    return 0;
}

int vtd_disable(struct vtd_unit *u)
{
    if (!(vtd_read32(u, VTD_REG(gsts)) & VTD_GCMD_TE))
        return 0;
    u->translating = false;
    return vtd_global_command(u, VTD_GCMD_TE, false, "GSTS.TES=0 after TE=0");
}

unsigned vtd_collect_faults(struct vtd_unit *u, struct vtd_fault *out, unsigned max)
{
    unsigned found = 0;
    unsigned first = vtd_cap_fault_offset(u->cap);
    for (unsigned i = 0; i < vtd_cap_fault_records(u->cap); i++) {
        uint64_t offset = first + 16ull * i;
        uint64_t high = vtd_read64(u, offset + 8);
        if (!(high >> 63))
            continue;
        uint64_t low = vtd_read64(u, offset);
        if (found < max)
            out[found] = vtd_fault_decode(low, high);
        found++;
        vtd_write32(u, offset + 12, VTD_FRCD_HI_F); /* write 1 to clear F */
    }
    uint32_t fsts = vtd_read32(u, VTD_REG(fsts));
    if (fsts & (VTD_FSTS_PFO | VTD_FSTS_IQE))
        vtd_write32(u, VTD_REG(fsts), fsts & (VTD_FSTS_PFO | VTD_FSTS_IQE));
    return found < max ? found : max;
}

uint32_t vtd_read_gsts(const struct vtd_unit *u)
{
    return vtd_read32(u, VTD_REG(gsts));
}

static void decode(const char *name, uint64_t value, char *out, size_t len)
{
    const struct vtd_register_table *t = vtd_register_table_named(name);
    bitfield_format(t->fields, t->field_count, value, out, len);
}

void vtd_format_registers(const struct vtd_unit *u, char *out, unsigned len)
{
    char cap[300], ecap[300], gsts[200], pmen[60], fsts[120];
    decode("CAP", u->cap, cap, sizeof(cap));
    decode("ECAP", u->ecap, ecap, sizeof(ecap));
    uint32_t gsts_now = vtd_read32(u, VTD_REG(gsts)), pmen_now = vtd_read32(u, VTD_REG(pmen));
    uint32_t fsts_now = vtd_read32(u, VTD_REG(fsts));
    decode("GSTS", gsts_now, gsts, sizeof(gsts));
    decode("PMEN", pmen_now, pmen, sizeof(pmen));
    decode("FSTS", fsts_now, fsts, sizeof(fsts));
    snprintf(out, len,
             "VER 0x%08x\nCAP 0x%016llx %s\nECAP 0x%016llx %s\nGSTS 0x%08x %s\nPMEN 0x%08x %s\n"
             "FSTS 0x%08x %s",
             u->version, (unsigned long long)u->cap, cap, (unsigned long long)u->ecap, ecap,
             gsts_now, gsts, pmen_now, pmen, fsts_now, fsts);
}
