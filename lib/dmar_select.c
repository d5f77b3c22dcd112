/* Which DMAR remapping unit covers each PCI function (VT-d 4.1 section 8.3): explicit endpoint and bridge scopes first, then the segment's INCLUDE_PCI_ALL unit, with table conflicts named. */
#include "lib/dmar_select.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool same_bdf(struct dmar_bdf a, struct dmar_bdf b)
{
    return a.segment == b.segment && a.bus == b.bus && a.device == b.device &&
           a.function == b.function;
}

static bool bridge_of(const struct dmar_topology *topo, struct dmar_bdf at, uint8_t *secondary,
                      uint8_t *subordinate)
{
    return topo && topo->bridge && topo->bridge(topo->ctx, at, secondary, subordinate);
}

/* "00:07.0", or "0001:00:07.0" outside segment 0, as pci_address_format prints them. */
static void format_bdf(struct dmar_bdf a, char *out, size_t len)
{
    if (a.segment)
        snprintf(out, len, "%04x:%02x:%02x.%x", a.segment, a.bus, a.device, a.function);
    else
        snprintf(out, len, "%02x:%02x.%x", a.bus, a.device, a.function);
}

int dmar_scope_target(const struct dmar_scope *scope, uint16_t segment,
                      const struct dmar_topology *topo, struct dmar_bdf *out)
{
    unsigned hops = scope->path_length;
    if (hops == 0 || !scope->path)
        return -1;
    uint8_t bus = scope->start_bus;
    /* Every hop but the last is a bridge; the next hop sits on its secondary bus. */
    for (unsigned hop = 0; hop + 1 < hops; hop++) {
        struct dmar_bdf at = {segment, bus, scope->path[hop].device, scope->path[hop].function};
        uint8_t secondary, subordinate;
        if (!bridge_of(topo, at, &secondary, &subordinate))
            return -1;
        bus = secondary;
    }
    *out = (struct dmar_bdf){segment, bus, scope->path[hops - 1].device,
                             scope->path[hops - 1].function};
    return 0;
}

bool dmar_scope_names(const struct dmar_scope *scope, uint16_t segment,
                      const struct dmar_topology *topo, struct dmar_bdf fn)
{
    struct dmar_bdf target;
    return dmar_scope_target(scope, segment, topo, &target) == 0 && same_bdf(target, fn);
}

/* How one PCI scope names a function, if it does. */
struct scope_match {
    enum dmar_cover_reason reason;
    bool exact;     /* the scope's target is the function itself */
    unsigned width; /* below a bridge: subordinate - secondary (narrower is more specific) */
    struct dmar_bdf bridge;
    uint8_t secondary, subordinate;
    bool type_mismatch;
};

static bool scope_match(const struct dmar_scope *s, uint16_t segment,
                        const struct dmar_topology *topo, struct dmar_bdf fn,
                        struct scope_match *m)
{
    if (s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE)
        return false; /* IOAPIC, HPET, ACPI namespace devices: no PCI function */
    struct dmar_bdf target;
    if (dmar_scope_target(s, segment, topo, &target) != 0)
        return false;
    uint8_t secondary = 0, subordinate = 0;
    bool is_bridge = bridge_of(topo, target, &secondary, &subordinate);
    memset(m, 0, sizeof *m);
    if (same_bdf(target, fn)) {
        m->exact = true;
        m->reason = s->type == DMAR_SCOPE_ENDPOINT ? DMAR_COVER_ENDPOINT : DMAR_COVER_BRIDGE;
        m->type_mismatch = (s->type == DMAR_SCOPE_ENDPOINT) == is_bridge;
        if (s->type == DMAR_SCOPE_BRIDGE) {
            m->bridge = target;
            m->secondary = secondary;
            m->subordinate = subordinate;
        }
        return true;
    }
    /* A bridge scope covers the bridge and everything below it (VT-d 8.3.1: "the specified
     * bridge device and all its downstream devices"). Buses below a bridge are numbered
     * above its own; a range that is not (an unconfigured 0..0) holds nothing. */
    if (s->type != DMAR_SCOPE_BRIDGE || !is_bridge || secondary <= target.bus ||
        subordinate < secondary || fn.bus < secondary || fn.bus > subordinate)
        return false;
    m->reason = DMAR_COVER_BELOW_BRIDGE;
    m->width = (unsigned)(subordinate - secondary);
    m->bridge = target;
    m->secondary = secondary;
    m->subordinate = subordinate;
    return true;
}

/* Whether `a` names the function more specifically than `b`: the function itself first,
 * then the narrowest bridge range. Equal ones leave table order to decide. */
static bool more_specific(const struct scope_match *a, const struct scope_match *b)
{
    if (a->exact != b->exact)
        return a->exact;
    return !a->exact && a->width < b->width;
}

int dmar_unit_for(const struct dmar_info *info, const struct dmar_topology *topo,
                  struct dmar_bdf fn, struct dmar_cover *out)
{
    memset(out, 0, sizeof *out);
    out->function = fn;
    out->reason = DMAR_COVER_NONE;
    out->unit = out->scope = out->also_unit = -1;
    struct scope_match best = {0};
    int claimed[2] = {-1, -1}; /* the first two units whose scopes name the function */
    unsigned claimed_units = 0;
    int include_all = -1;
    for (unsigned k = 0; k < info->unit_count; k++) {
        const struct dmar_unit *u = &info->units[k];
        if (u->segment != fn.segment)
            continue;
        out->segment_units++;
        if ((u->flags & DMAR_INCLUDE_PCI_ALL) && include_all < 0)
            include_all = (int)k;
        bool named = false;
        for (unsigned i = 0; i < u->scopes.count; i++) {
            struct scope_match m;
            if (!scope_match(&u->scopes.scopes[i], u->segment, topo, fn, &m))
                continue;
            named = true;
            if (out->unit < 0 || more_specific(&m, &best)) {
                best = m;
                out->unit = (int)k;
                out->scope = (int)i;
            }
        }
        if (named) {
            if (claimed_units < 2)
                claimed[claimed_units] = (int)k;
            claimed_units++;
        }
    }
    if (out->unit >= 0) {
        out->reason = best.reason;
        out->bridge = best.bridge;
        out->secondary_bus = best.secondary;
        out->subordinate_bus = best.subordinate;
        out->type_mismatch = best.type_mismatch;
        out->also_claimed = claimed_units - 1;
        if (claimed_units > 1)
            out->also_unit = claimed[0] == out->unit ? claimed[1] : claimed[0];
    } else if (include_all >= 0) {
        /* "all PCI compatible devices in the specified Segment, except devices reported under
         * the scope of other remapping hardware units for the same Segment" (VT-d 8.3). */
        out->reason = DMAR_COVER_INCLUDE_PCI_ALL;
        out->unit = include_all;
    }
    return out->unit;
}

void dmar_cover_describe(const struct dmar_info *info, const struct dmar_cover *c, char *out,
                         size_t len)
{
    if (!len)
        return;
    out[0] = '\0';
    if (c->unit < 0 || (unsigned)c->unit >= info->unit_count) {
        if (c->segment_units)
            snprintf(out, len, "no unit: none of segment %u's %u DRHD%s names it and none is "
                     "INCLUDE_PCI_ALL", c->function.segment, c->segment_units,
                     c->segment_units == 1 ? "" : "s");
        else
            snprintf(out, len, "no unit: the DMAR has no usable DRHD on segment %u",
                     c->function.segment);
        return;
    }
    const struct dmar_unit *u = &info->units[c->unit];
    unsigned long long base = (unsigned long long)u->register_base;
    char bridge[16];
    format_bdf(c->bridge, bridge, sizeof bridge);
    size_t used = 0;
    switch (c->reason) {
    case DMAR_COVER_ENDPOINT:
        used = (size_t)snprintf(out, len, "DRHD 0x%llx: endpoint scope %d names it", base,
                                c->scope);
        break;
    case DMAR_COVER_BRIDGE:
        used = (size_t)snprintf(out, len, "DRHD 0x%llx: bridge scope %d names it (the bridge "
                                "itself)", base, c->scope);
        break;
    case DMAR_COVER_BELOW_BRIDGE:
        used = (size_t)snprintf(out, len, "DRHD 0x%llx: below bridge %s (buses %02x-%02x), "
                                "bridge scope %d", base, bridge, c->secondary_bus,
                                c->subordinate_bus, c->scope);
        break;
    case DMAR_COVER_INCLUDE_PCI_ALL:
        used = (size_t)snprintf(out, len, "DRHD 0x%llx: INCLUDE_PCI_ALL of segment %u, no "
                                "scope names it", base, u->segment);
        break;
    case DMAR_COVER_NONE:
        break;
    }
    if (used < len && c->type_mismatch)
        used += (size_t)snprintf(out + used, len - used, "; its scope type is %s, the "
                                 "inventory's function %s", c->reason == DMAR_COVER_ENDPOINT ?
                                 "endpoint" : "bridge", c->reason == DMAR_COVER_ENDPOINT ?
                                 "is a bridge" : "is no bridge");
    if (used < len && c->also_claimed && c->also_unit >= 0 &&
        (unsigned)c->also_unit < info->unit_count) {
        used += (size_t)snprintf(out + used, len - used, "; also named by DRHD 0x%llx",
                                 (unsigned long long)info->units[c->also_unit].register_base);
        if (used < len && c->also_claimed > 1)
            snprintf(out + used, len - used, " and %u more", c->also_claimed - 1);
    }
}

unsigned dmar_assign(const struct dmar_info *info, const struct dmar_topology *topo,
                     const struct dmar_pci_device *devices, unsigned count,
                     struct dmar_cover *covers, struct dmar_unit_holds *holds)
{
    if (holds) {
        for (unsigned k = 0; k < info->unit_count; k++) {
            struct dmar_unit_holds *h = &holds[k];
            memset(h, 0, sizeof *h);
            h->first_display = -1;
            const struct dmar_scope_list *list = &info->units[k].scopes;
            for (unsigned i = 0; i < list->count; i++) {
                h->ioapics += list->scopes[i].type == DMAR_SCOPE_IOAPIC;
                h->hpets += list->scopes[i].type == DMAR_SCOPE_HPET;
                h->namespace_devices += list->scopes[i].type == DMAR_SCOPE_ACPI_NAMESPACE;
            }
        }
    }
    unsigned uncovered = 0;
    for (unsigned i = 0; i < count; i++) {
        struct dmar_cover c;
        int unit = dmar_unit_for(info, topo, devices[i].bdf, &c);
        if (covers)
            covers[i] = c;
        if (unit < 0) {
            uncovered++;
            continue;
        }
        if (!holds)
            continue;
        struct dmar_unit_holds *h = &holds[unit];
        h->functions++;
        if (devices[i].base_class == 0x03) {
            if (!h->displays)
                h->first_display = (int)i;
            h->displays++;
        }
    }
    return uncovered;
}

static const char *scope_type_name(uint8_t type)
{
    static const char *const names[] = {"type 0", "endpoint", "bridge", "IOAPIC", "HPET",
                                        "ACPI namespace device"};
    return type < sizeof names / sizeof names[0] ? names[type] : "unknown type";
}

/* "bridge 00:07.0", "endpoint 00:1c.0/00.0", "IOAPIC #2 f0:1f.0" */
static void describe_scope(const struct dmar_scope *s, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "%s", scope_type_name(s->type));
    if (used < len && s->type >= DMAR_SCOPE_IOAPIC)
        used += (size_t)snprintf(out + used, len - used, " #%u", s->enumeration_id);
    for (unsigned h = 0; h < s->path_length && used < len; h++)
        used += (size_t)(h ? snprintf(out + used, len - used, "/%02x.%x", s->path[h].device,
                                      s->path[h].function)
                           : snprintf(out + used, len - used, " %02x:%02x.%x", s->start_bus,
                                      s->path[h].device, s->path[h].function));
    if (used < len && !s->path_length)
        snprintf(out + used, len - used, " on bus %02x with no path", s->start_bus);
}

void dmar_scopes_describe(const struct dmar_scope_list *list, char *out, size_t len)
{
    if (!len)
        return;
    out[0] = '\0';
    if (!list->count) {
        snprintf(out, len, "no scopes");
        return;
    }
    size_t used = 0;
    for (unsigned i = 0; i < list->count && used + 1 < len; i++) {
        char one[400];
        describe_scope(&list->scopes[i], one, sizeof one);
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", one);
    }
}

struct notes {
    void (*emit)(void *ctx, const char *line);
    void *ctx;
    unsigned count;
};

static void __attribute__((format(printf, 2, 3))) note(struct notes *n, const char *fmt, ...)
{
    char line[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    if (n->emit)
        n->emit(n->ctx, line);
    n->count++;
}

static bool is_pci_scope(const struct dmar_scope *s)
{
    return s->type == DMAR_SCOPE_ENDPOINT || s->type == DMAR_SCOPE_BRIDGE;
}

static bool same_path(const struct dmar_scope *a, const struct dmar_scope *b)
{
    if (a->start_bus != b->start_bus || a->path_length != b->path_length)
        return false;
    for (unsigned h = 0; h < a->path_length; h++)
        if (a->path[h].device != b->path[h].device || a->path[h].function != b->path[h].function)
            return false;
    return true;
}

/* Whether units[k] is the first unit of its segment in table order. */
static bool first_of_segment(const struct dmar_info *info, unsigned k)
{
    for (unsigned j = 0; j < k; j++)
        if (info->units[j].segment == info->units[k].segment)
            return false;
    return true;
}

unsigned dmar_select_notes(const struct dmar_info *info,
                           void (*emit)(void *ctx, const char *line), void *ctx)
{
    struct notes n = {emit, ctx, 0};
    char text[400];
    for (unsigned k = 0; k < info->unit_count; k++) {
        if (!first_of_segment(info, k))
            continue;
        uint16_t segment = info->units[k].segment;
        unsigned units = 0, include_all = 0;
        int first_all = -1;
        for (unsigned j = k; j < info->unit_count; j++) {
            const struct dmar_unit *u = &info->units[j];
            if (u->segment != segment)
                continue;
            units++;
            if (!(u->flags & DMAR_INCLUDE_PCI_ALL))
                continue;
            include_all++;
            if (first_all < 0)
                first_all = (int)j;
            for (unsigned later = j + 1; later < info->unit_count; later++) {
                if (info->units[later].segment == segment) {
                    note(&n, "DRHD 0x%llx (INCLUDE_PCI_ALL) is not the last DRHD of segment %u: "
                         "DRHD 0x%llx follows it (VT-d requires it last; explicit scopes still "
                         "win over it)", (unsigned long long)u->register_base, segment,
                         (unsigned long long)info->units[later].register_base);
                    break;
                }
            }
        }
        if (include_all > 1)
            note(&n, "segment %u has %u INCLUDE_PCI_ALL DRHDs; the first, 0x%llx, takes the "
                 "functions no scope names", segment, include_all,
                 (unsigned long long)info->units[first_all].register_base);
        if (!include_all)
            note(&n, "segment %u has no INCLUDE_PCI_ALL DRHD: only the functions its %u DRHD%s' "
                 "scopes name are remapped", segment, units, units == 1 ? "" : "s");
    }
    for (unsigned k = 0; k < info->unit_count; k++) {
        const struct dmar_unit *u = &info->units[k];
        for (unsigned i = 0; i < u->scopes.count; i++) {
            const struct dmar_scope *s = &u->scopes.scopes[i];
            if (!is_pci_scope(s))
                continue;
            bool listed_before = false; /* in this unit: reported with its first listing */
            for (unsigned m = 0; m < i && !listed_before; m++)
                listed_before = is_pci_scope(&u->scopes.scopes[m]) &&
                                same_path(s, &u->scopes.scopes[m]);
            describe_scope(s, text, sizeof text);
            if (u->flags & DMAR_INCLUDE_PCI_ALL)
                note(&n, "DRHD 0x%llx is INCLUDE_PCI_ALL yet lists %s (VT-d allows only IOAPIC, "
                     "HPET and namespace scopes there)", (unsigned long long)u->register_base,
                     text);
            /* The same function named again, later in this unit or in a later one. */
            for (unsigned j = k; j < info->unit_count && !listed_before; j++) {
                const struct dmar_unit *v = &info->units[j];
                if (v->segment != u->segment)
                    continue;
                bool again = false;
                for (unsigned m = j == k ? i + 1 : 0; m < v->scopes.count && !again; m++)
                    again = is_pci_scope(&v->scopes.scopes[m]) &&
                            same_path(s, &v->scopes.scopes[m]);
                if (!again)
                    continue;
                if (j == k)
                    note(&n, "DRHD 0x%llx lists %s twice", (unsigned long long)u->register_base,
                         text);
                else
                    note(&n, "%s is in the scope of DRHD 0x%llx and of DRHD 0x%llx", text,
                         (unsigned long long)u->register_base,
                         (unsigned long long)v->register_base);
            }
        }
    }
    return n.count;
}
