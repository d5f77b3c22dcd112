/* libFuzzer harness for lib/dmar.c: dmar_parse on raw and checksum-fixed tables, every decoded structure checked against its bytes. */
#include "fuzz_common.h"

#include <sanitizer/allocator_interface.h>

#include "lib/dmar.h"
#include "lib/dmar_select.h"

/* Where each structure's device scopes start (VT-d 4.1 section 8). */
static const size_t scopes_at[] = {
    [DMAR_TYPE_DRHD] = 16, [DMAR_TYPE_RMRR] = 24, [DMAR_TYPE_ATSR] = 8,
    [DMAR_TYPE_SATC] = 8,  [DMAR_TYPE_SIDP] = 8,
};

/* Everything dmar_parse hands back lives in out->storage; the pieces must lie inside it and
 * must not overlap (the arrays are carved from one block, where ASan cannot see a piece
 * running into the next). */
struct piece {
    const uint8_t *start, *end;
    const char *what;
};

struct pieces {
    struct piece list[4096];
    size_t count;
    const uint8_t *storage, *storage_end;
};

static void add_piece(struct pieces *p, const void *start, size_t bytes, const char *what)
{
    if (!bytes)
        return;
    FUZZ_CHECK(start != NULL, "%s: NULL for %zu bytes", what, bytes);
    const uint8_t *s = start;
    FUZZ_CHECK(s >= p->storage && s + bytes <= p->storage_end,
               "%s (%zu bytes) lies outside the %zu-byte storage block", what, bytes,
               (size_t)(p->storage_end - p->storage));
    if (p->count < sizeof p->list / sizeof p->list[0])
        p->list[p->count++] = (struct piece){s, s + bytes, what};
}

static int by_start(const void *a, const void *b)
{
    const struct piece *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static void check_no_overlap(struct pieces *p)
{
    qsort(p->list, p->count, sizeof p->list[0], by_start);
    for (size_t i = 1; i < p->count; i++)
        FUZZ_CHECK(p->list[i].start >= p->list[i - 1].end, "%s overlaps %s", p->list[i].what,
                   p->list[i - 1].what);
}

/* A made-up bridge topology for dmar_scope_source_id: some hops are no bridge (-1), some
 * name a secondary bus beyond 0xff, which the walk must refuse. */
static int secondary_bus_of(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn)
{
    unsigned salt = *(const unsigned *)ctx;
    return (int)((bus * 7u + dev * 3u + fn + salt) % 300u) - 20;
}

static void check_source_id(const struct dmar_scope *scope, unsigned salt)
{
    int id = dmar_scope_source_id(scope, secondary_bus_of, &salt);
    FUZZ_CHECK(id >= -1 && id <= 0xffff, "source ID %d", id);
    if (id >= 0) {
        unsigned last = scope->path_length - 1u;
        FUZZ_CHECK(scope->path_length >= 1, "source ID from an empty path");
        FUZZ_CHECK((id & 0xff) == (scope->path[last].device << 3 | scope->path[last].function),
                   "source ID 0x%04x does not end in the last hop %02x.%x", id,
                   scope->path[last].device, scope->path[last].function);
        if (scope->path_length == 1)
            FUZZ_CHECK(id >> 8 == scope->start_bus, "one hop, bus %d not start bus %u", id >> 8,
                       scope->start_bus);
    }
    /* Without a bridge lookup only a one-hop path can be walked. */
    int alone = dmar_scope_source_id(scope, NULL, NULL);
    FUZZ_CHECK(alone == -1 || scope->path_length == 1, "walked %u hops without a lookup",
               scope->path_length);
}

/* The structure at `offset` as the table has it: in the walked part, of `type`; returns its
 * length. */
static size_t structure_at(const uint8_t *t, uint32_t length, uint32_t offset, uint16_t type,
                           const char *what)
{
    FUZZ_CHECK(offset >= 48 && offset + 4 <= length, "%s at 0x%x in a %u-byte table", what,
               offset, length);
    size_t bytes = (size_t)fuzz_le(t + offset + 2, 2);
    FUZZ_CHECK(fuzz_le(t + offset, 2) == type && offset + bytes <= length,
               "%s at 0x%x: the table has type %llu length %zu there", what, offset,
               (unsigned long long)fuzz_le(t + offset, 2), bytes);
    return bytes;
}

/* A decoded scope list equals the scopes in the structure's bytes, which fill it exactly. */
static void check_scopes(struct pieces *p, const struct dmar_scope_list *list, const uint8_t *t,
                         uint32_t length, uint32_t offset, uint16_t type, const char *what)
{
    size_t end = offset + structure_at(t, length, offset, type, what);
    size_t at = offset + scopes_at[type];
    add_piece(p, list->scopes, list->count * sizeof *list->scopes, "a scope list");
    for (unsigned i = 0; i < list->count; i++) {
        const struct dmar_scope *s = &list->scopes[i];
        FUZZ_CHECK(at + 6 <= end && t[at + 1] >= 6 && at + t[at + 1] <= end,
                   "%s at 0x%x scope %u: no such scope at byte 0x%zx", what, offset, i, at);
        FUZZ_CHECK(s->type == t[at] && s->flags == t[at + 2] && s->enumeration_id == t[at + 4] &&
                       s->start_bus == t[at + 5] && s->path_length == (t[at + 1] - 6) / 2,
                   "%s at 0x%x scope %u differs from byte 0x%zx", what, offset, i, at);
        add_piece(p, s->path, s->path_length * sizeof *s->path, "a scope path");
        for (unsigned hop = 0; hop < s->path_length; hop++) {
            FUZZ_CHECK(s->path[hop].device == t[at + 6 + 2 * hop] &&
                           s->path[hop].function == t[at + 7 + 2 * hop] &&
                           s->path[hop].device <= 31 && s->path[hop].function <= 7,
                       "%s at 0x%x scope %u hop %u: %02x.%x", what, offset, i, hop,
                       s->path[hop].device, s->path[hop].function);
        }
        check_source_id(s, i);
        check_source_id(s, i + 137);
        at += t[at + 1];
    }
    FUZZ_CHECK(at == end, "%s at 0x%x: %u scopes end at 0x%zx, the structure at 0x%zx", what,
               offset, list->count, at, end);
}

/* Offsets of one array ascend: structures are kept in table order, each once. */
#define CHECK_ASCENDING(array, count, what)                                              \
    for (unsigned i_ = 1; i_ < (count); i_++)                                            \
        FUZZ_CHECK((array)[i_].offset > (array)[i_ - 1].offset, "%s %u at 0x%x after 0x%x", \
                   (what), i_, (array)[i_].offset, (array)[i_ - 1].offset)

static void check_info(const struct dmar_info *out, const uint8_t *t, uint32_t length)
{
    static struct pieces p;
    p.count = 0;
    p.storage = out->storage;
    p.storage_end = p.storage ? p.storage + __sanitizer_get_allocated_size(out->storage) : NULL;

    add_piece(&p, out->units, out->unit_count * sizeof *out->units, "units[]");
    add_piece(&p, out->rmrrs, out->rmrr_count * sizeof *out->rmrrs, "rmrrs[]");
    add_piece(&p, out->atsrs, out->atsr_count * sizeof *out->atsrs, "atsrs[]");
    add_piece(&p, out->rhsas, out->rhsa_count * sizeof *out->rhsas, "rhsas[]");
    add_piece(&p, out->andds, out->andd_count * sizeof *out->andds, "andds[]");
    add_piece(&p, out->satcs, out->satc_count * sizeof *out->satcs, "satcs[]");
    add_piece(&p, out->sidps, out->sidp_count * sizeof *out->sidps, "sidps[]");
    add_piece(&p, out->problems, out->problem_count * sizeof *out->problems, "problems[]");

    for (unsigned i = 0; i < out->problem_count; i++) {
        const struct dmar_problem *problem = &out->problems[i];
        fuzz_check_string(problem->text, sizeof problem->text, true, "problem text");
        FUZZ_CHECK(problem->offset >= 48 && problem->offset < length,
                   "problem at 0x%x of a %u-byte table: %s", problem->offset, length,
                   problem->text);
        if (problem->type != 0xffff)
            FUZZ_CHECK(problem->type == fuzz_le(t + problem->offset, 2),
                       "problem says type %u, the table has %llu at 0x%x", problem->type,
                       (unsigned long long)fuzz_le(t + problem->offset, 2), problem->offset);
        FUZZ_CHECK(dmar_problem_affects_remapping(problem) ==
                       (problem->walk_stopped || problem->type == DMAR_TYPE_DRHD ||
                        problem->type == DMAR_TYPE_RMRR),
                   "dmar_problem_affects_remapping");
    }

    CHECK_ASCENDING(out->units, out->unit_count, "DRHD");
    for (unsigned i = 0; i < out->unit_count; i++) {
        const struct dmar_unit *u = &out->units[i];
        const uint8_t *s = t + u->offset;
        check_scopes(&p, &u->scopes, t, length, u->offset, DMAR_TYPE_DRHD, "DRHD");
        FUZZ_CHECK(u->flags == s[4] && u->size == s[5] && u->segment == fuzz_le(s + 6, 2) &&
                       u->register_base == fuzz_le(s + 8, 8),
                   "DRHD at 0x%x differs from its bytes", u->offset);
        FUZZ_CHECK(u->register_base != 0 && (u->register_base & 0xfff) == 0,
                   "DRHD at 0x%x: register base 0x%llx trusted", u->offset,
                   (unsigned long long)u->register_base);
    }
    CHECK_ASCENDING(out->rmrrs, out->rmrr_count, "RMRR");
    for (unsigned i = 0; i < out->rmrr_count; i++) {
        const struct dmar_rmrr *r = &out->rmrrs[i];
        const uint8_t *s = t + r->offset;
        check_scopes(&p, &r->scopes, t, length, r->offset, DMAR_TYPE_RMRR, "RMRR");
        FUZZ_CHECK(r->segment == fuzz_le(s + 6, 2) && r->base == fuzz_le(s + 8, 8) &&
                       r->limit == fuzz_le(s + 16, 8),
                   "RMRR at 0x%x differs from its bytes", r->offset);
        FUZZ_CHECK(r->base <= r->limit && (r->base & 0xfff) == 0 && ((r->limit + 1) & 0xfff) == 0,
                   "RMRR at 0x%x: 0x%llx..0x%llx trusted", r->offset, (unsigned long long)r->base,
                   (unsigned long long)r->limit);
    }
    CHECK_ASCENDING(out->atsrs, out->atsr_count, "ATSR");
    for (unsigned i = 0; i < out->atsr_count; i++) {
        const struct dmar_atsr *a = &out->atsrs[i];
        check_scopes(&p, &a->scopes, t, length, a->offset, DMAR_TYPE_ATSR, "ATSR");
        FUZZ_CHECK(a->flags == t[a->offset + 4] && a->segment == fuzz_le(t + a->offset + 6, 2),
                   "ATSR at 0x%x differs from its bytes", a->offset);
    }
    CHECK_ASCENDING(out->satcs, out->satc_count, "SATC");
    for (unsigned i = 0; i < out->satc_count; i++) {
        const struct dmar_satc *a = &out->satcs[i];
        check_scopes(&p, &a->scopes, t, length, a->offset, DMAR_TYPE_SATC, "SATC");
        FUZZ_CHECK(a->flags == t[a->offset + 4] && a->segment == fuzz_le(t + a->offset + 6, 2),
                   "SATC at 0x%x differs from its bytes", a->offset);
    }
    CHECK_ASCENDING(out->sidps, out->sidp_count, "SIDP");
    for (unsigned i = 0; i < out->sidp_count; i++) {
        const struct dmar_sidp *a = &out->sidps[i];
        check_scopes(&p, &a->scopes, t, length, a->offset, DMAR_TYPE_SIDP, "SIDP");
        FUZZ_CHECK(a->segment == fuzz_le(t + a->offset + 6, 2), "SIDP at 0x%x segment",
                   a->offset);
    }
    CHECK_ASCENDING(out->rhsas, out->rhsa_count, "RHSA");
    for (unsigned i = 0; i < out->rhsa_count; i++) {
        const struct dmar_rhsa *r = &out->rhsas[i];
        structure_at(t, length, r->offset, DMAR_TYPE_RHSA, "RHSA");
        FUZZ_CHECK(r->register_base == fuzz_le(t + r->offset + 8, 8) &&
                       r->proximity_domain == fuzz_le(t + r->offset + 16, 4),
                   "RHSA at 0x%x differs from its bytes", r->offset);
        bool named = false;
        for (unsigned k = 0; k < out->unit_count && !named; k++)
            named = out->units[k].register_base == r->register_base;
        FUZZ_CHECK(named, "RHSA at 0x%x kept for 0x%llx, which is no unit's base", r->offset,
                   (unsigned long long)r->register_base);
    }
    CHECK_ASCENDING(out->andds, out->andd_count, "ANDD");
    for (unsigned i = 0; i < out->andd_count; i++) {
        const struct dmar_andd *a = &out->andds[i];
        size_t bytes = structure_at(t, length, a->offset, DMAR_TYPE_ANDD, "ANDD");
        FUZZ_CHECK(a->object_name != NULL, "ANDD at 0x%x without a name", a->offset);
        /* The name must be NUL-terminated inside the piece of storage it was given. */
        const uint8_t *name = (const uint8_t *)a->object_name;
        FUZZ_CHECK(name >= p.storage && name < p.storage_end, "ANDD name outside the storage");
        fuzz_check_string(a->object_name, (size_t)(p.storage_end - name), false, "ANDD name");
        size_t n = strlen(a->object_name) + 1;
        add_piece(&p, a->object_name, n, "an ANDD name");
        FUZZ_CHECK(n <= bytes - 8 && memcmp(t + a->offset + 8, a->object_name, n) == 0 &&
                       a->acpi_device_number == t[a->offset + 7],
                   "ANDD at 0x%x differs from its bytes", a->offset);
    }
    check_no_overlap(&p);
}

/* A made-up topology for dmar_select: every function is a bridge when the salt says so,
 * with ranges that may be empty, reversed or start at its own bus. */
static bool fuzz_bridge(void *ctx, struct dmar_bdf at, uint8_t *secondary, uint8_t *subordinate)
{
    unsigned salt = *(const unsigned *)ctx;
    unsigned mix = at.segment * 131u + at.bus * 7u + at.device * 3u + at.function + salt;
    if (mix % 3 == 0)
        return false;
    *secondary = (uint8_t)(mix % 256);
    *subordinate = (uint8_t)((mix / 3) % 256);
    return true;
}

static void note_sink(void *ctx, const char *line)
{
    fuzz_check_string(line, 256, true, "dmar_select note");
}

/* Unit selection for the functions every scope names, and a few others: the unit returned
 * is one of the table's, on the function's segment, and the reason fits it. */
static void check_selection(const struct dmar_info *out)
{
    unsigned salt = out->unit_count;
    struct dmar_topology topo = {fuzz_bridge, &salt};
    char *text = fuzz_text_buffer(300);
    for (unsigned k = 0; k <= out->unit_count; k++) {
        unsigned functions = k < out->unit_count ? out->units[k].scopes.count : 3u;
        for (unsigned i = 0; i < functions && i < 64; i++) {
            struct dmar_bdf fn = {(uint16_t)(k < out->unit_count ? out->units[k].segment : i),
                                  (uint8_t)(i * 37), (uint8_t)(i % 32), (uint8_t)(i % 8)};
            if (k < out->unit_count)
                dmar_scope_target(&out->units[k].scopes.scopes[i], fn.segment, &topo, &fn);
            struct dmar_cover c;
            int unit = dmar_unit_for(out, &topo, fn, &c);
            FUZZ_CHECK(unit == c.unit && unit >= -1 && unit < (int)out->unit_count,
                       "unit %d of %u", unit, out->unit_count);
            FUZZ_CHECK((unit < 0) == (c.reason == DMAR_COVER_NONE), "unit %d reason %u", unit,
                       c.reason);
            if (unit >= 0) {
                const struct dmar_unit *u = &out->units[unit];
                FUZZ_CHECK(u->segment == fn.segment, "unit of segment %u for segment %u",
                           u->segment, fn.segment);
                FUZZ_CHECK((c.reason == DMAR_COVER_INCLUDE_PCI_ALL) == (c.scope < 0) &&
                               c.scope < (int)u->scopes.count,
                           "reason %u with scope %d of %u", c.reason, c.scope, u->scopes.count);
                FUZZ_CHECK(c.reason != DMAR_COVER_INCLUDE_PCI_ALL ||
                               (u->flags & DMAR_INCLUDE_PCI_ALL),
                           "INCLUDE_PCI_ALL from a unit without the flag");
            }
            dmar_cover_describe(out, &c, text, 300);
            fuzz_check_string(text, 300, true, "dmar_cover_describe");
        }
    }
    dmar_select_notes(out, note_sink, NULL);
    free(text);
}

static void fuzz_dmar(const uint8_t *t, size_t size)
{
    struct dmar_info *out = malloc(sizeof *out);
    char *why = fuzz_text_buffer(ACPI_WHY_LEN);
    int status = dmar_parse(t, size, out, why);
    if (status == 0) {
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        FUZZ_CHECK(memcmp(t, "DMAR", 4) == 0 && length >= 48 && length <= size &&
                       fuzz_byte_sum(t, length) == 0,
                   "accepted a table with length %u of %zu bytes", length, size);
        FUZZ_CHECK(out->host_address_width == (uint8_t)(t[36] + 1) && out->flags == t[37],
                   "HAW %u flags 0x%x from bytes 0x%x 0x%x", out->host_address_width, out->flags,
                   t[36], t[37]);
        check_info(out, t, length);
        check_selection(out);
    } else {
        FUZZ_CHECK(status == -1, "dmar_parse returned %d", status);
        fuzz_check_string(why, ACPI_WHY_LEN, true, "dmar_parse why");
        FUZZ_CHECK(out->storage == NULL, "a failed parse left storage allocated");
    }
    /* Safe after either outcome; LeakSanitizer reports whatever it does not release. */
    dmar_free(out);
    free(why);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The bytes as given; then, since random bytes rarely sum to 0, a copy signed "DMAR" with
     * the checksum fixed over its own length field, and one with length = size. */
    uint8_t *t = fuzz_copy(data, size);
    fuzz_dmar(t, size);
    free(t);
    if (size < 36)
        return 0;
    for (int own_length = 1; own_length >= 0; own_length--) {
        t = fuzz_copy(data, size);
        memcpy(t, "DMAR", 4);
        if (!own_length && size <= UINT32_MAX)
            fuzz_put_le(t + 4, size, 4);
        uint32_t length = (uint32_t)fuzz_le(t + 4, 4);
        fuzz_fix_checksum(t, length < size ? length : size, 9);
        fuzz_dmar(t, size);
        free(t);
    }
    return 0;
}
