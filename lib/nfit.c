/* NFIT parser: the header, then each structure by its type and length, every reference between them resolved, nothing read past the table. */
#include "lib/nfit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Minimum structure lengths (ACPI 6.5 tables 5.128 .. 5.142). */
#define SPA_BYTES          56u
#define MAPPING_BYTES      48u
#define INTERLEAVE_BYTES   16u
#define SMBIOS_BYTES       8u
#define CONTROL_BYTES      32u /* 80 with block control windows */
#define CONTROL_FULL_BYTES 80u
#define BLOCK_BYTES        40u
#define FLUSH_BYTES        16u /* then 8 bytes per hint address */
#define CAPABILITY_BYTES   16u

/* Address Range Type GUIDs as their 16 bytes appear in the table (ACPI 6.5 table 5.129; the
 * first three fields little-endian). */
static const struct {
    uint8_t guid[16];
    enum nfit_range_kind kind;
} range_guids[] = {
    /* 66F0D379-B4F3-4074-AC43-0D3318B78CDB */
    {{0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40, 0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb},
     NFIT_RANGE_PERSISTENT},
    /* 7305944F-FDDA-44E3-B16C-3F22D252E5D0 */
    {{0x4f, 0x94, 0x05, 0x73, 0xda, 0xfd, 0xe3, 0x44, 0xb1, 0x6c, 0x3f, 0x22, 0xd2, 0x52, 0xe5, 0xd0},
     NFIT_RANGE_VOLATILE},
    /* 92F701F6-13B4-405D-910B-299367E8234C */
    {{0xf6, 0x01, 0xf7, 0x92, 0xb4, 0x13, 0x5d, 0x40, 0x91, 0x0b, 0x29, 0x93, 0x67, 0xe8, 0x23, 0x4c},
     NFIT_RANGE_CONTROL},
    /* 91AF0530-5D86-470E-A6B0-0A2DB9408249 */
    {{0x30, 0x05, 0xaf, 0x91, 0x86, 0x5d, 0x0e, 0x47, 0xa6, 0xb0, 0x0a, 0x2d, 0xb9, 0x40, 0x82, 0x49},
     NFIT_RANGE_BLOCK},
};

const char *nfit_range_kind_name(enum nfit_range_kind kind)
{
    switch (kind) {
    case NFIT_RANGE_PERSISTENT: return "persistent memory";
    case NFIT_RANGE_VOLATILE: return "volatile memory";
    case NFIT_RANGE_CONTROL: return "control region";
    case NFIT_RANGE_BLOCK: return "block window";
    default: return "other";
    }
}

const struct nfit_range *nfit_range_by_index(const struct nfit_info *info, uint16_t index)
{
    for (unsigned i = 0; i < info->range_count; i++)
        if (info->ranges[i].index == index)
            return &info->ranges[i];
    return NULL;
}

void nfit_state_describe(uint16_t flags, char *out, size_t len)
{
    static const char *const names[] = {"save_failed", "restore_failed", "flush_failed", "not_armed",
                                        "smart_events", "notify_enabled", "not_mapped"};
    size_t used = 0;
    out[0] = '\0';
    for (unsigned bit = 0; bit < 16 && used < len; bit++) {
        if (!(flags >> bit & 1))
            continue;
        int n = bit < sizeof names / sizeof names[0]
                    ? snprintf(out + used, len - used, "%s%s", used ? ", " : "", names[bit])
                    : snprintf(out + used, len - used, "%sbit%u", used ? ", " : "", bit);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!flags)
        snprintf(out, len, "none");
}

static enum nfit_range_kind kind_of(const uint8_t guid[16])
{
    for (size_t i = 0; i < sizeof range_guids / sizeof range_guids[0]; i++)
        if (memcmp(guid, range_guids[i].guid, 16) == 0)
            return range_guids[i].kind;
    return NFIT_RANGE_OTHER;
}

static bool control_exists(const struct nfit_info *info, uint16_t index)
{
    for (unsigned i = 0; i < info->control_count; i++)
        if (info->controls[i].index == index)
            return true;
    return false;
}

/* One structure of `length` bytes at s (already inside the table). */
static int take(const uint8_t *s, uint16_t type, uint16_t length, unsigned n, size_t offset,
                struct nfit_info *out, char *why)
{
    static const uint16_t minimum[] = {SPA_BYTES, MAPPING_BYTES, INTERLEAVE_BYTES, SMBIOS_BYTES,
                                       CONTROL_BYTES, BLOCK_BYTES, FLUSH_BYTES, CAPABILITY_BYTES};
    if (type < sizeof minimum / sizeof minimum[0] && length < minimum[type])
        return acpi_reject(why, "NFIT: structure %u (type %u) at offset %zu is %u bytes, below its %u",
                           n, type, offset, length, minimum[type]);
    switch (type) {
    case NFIT_TYPE_SPA: {
        if (out->range_count == NFIT_MAX_RANGES)
            return acpi_reject(why, "NFIT: more than %u SPA ranges", NFIT_MAX_RANGES);
        struct nfit_range r = {
            .index = (uint16_t)acpi_read_le(s + 4, 2), .flags = (uint16_t)acpi_read_le(s + 6, 2),
            .proximity = (uint32_t)acpi_read_le(s + 12, 4),
            .base = acpi_read_le(s + 32, 8),
            .length = acpi_read_le(s + 40, 8),
            .attributes = acpi_read_le(s + 48, 8)};
        memcpy(r.guid, s + 16, 16);
        r.kind = kind_of(r.guid);
        if (r.index == 0)
            return acpi_reject(why, "NFIT: SPA range at offset %zu has index 0", offset);
        if (nfit_range_by_index(out, r.index))
            return acpi_reject(why, "NFIT: SPA range index %u appears twice", r.index);
        if (r.length == 0 || r.base > UINT64_MAX - (r.length - 1))
            return acpi_reject(why, "NFIT: SPA range %u (0x%llx + 0x%llx) is empty or ends past 2^64",
                               r.index, (unsigned long long)r.base, (unsigned long long)r.length);
        out->ranges[out->range_count++] = r;
        return 0;
    }
    case NFIT_TYPE_MAPPING:
        if (out->mapping_count == NFIT_MAX_MAPPINGS)
            return acpi_reject(why, "NFIT: more than %u region mappings", NFIT_MAX_MAPPINGS);
        out->mappings[out->mapping_count++] = (struct nfit_mapping){
            .device_handle = (uint32_t)acpi_read_le(s + 4, 4),
            .physical_id = (uint16_t)acpi_read_le(s + 8, 2),
            .region_id = (uint16_t)acpi_read_le(s + 10, 2),
            .range_index = (uint16_t)acpi_read_le(s + 12, 2),
            .control_index = (uint16_t)acpi_read_le(s + 14, 2),
            .region_size = acpi_read_le(s + 16, 8),
            .region_offset = acpi_read_le(s + 24, 8), .physical_base = acpi_read_le(s + 32, 8),
            .interleave_index = (uint16_t)acpi_read_le(s + 40, 2),
            .interleave_ways = (uint16_t)acpi_read_le(s + 42, 2),
            .state_flags = (uint16_t)acpi_read_le(s + 44, 2)};
        return 0;
    case NFIT_TYPE_CONTROL: {
        if (out->control_count == NFIT_MAX_CONTROLS)
            return acpi_reject(why, "NFIT: more than %u control regions", NFIT_MAX_CONTROLS);
        struct nfit_control c = {
            .index = (uint16_t)acpi_read_le(s + 4, 2),
            .vendor_id = (uint16_t)acpi_read_le(s + 6, 2),
            .device_id = (uint16_t)acpi_read_le(s + 8, 2),
            .revision_id = (uint16_t)acpi_read_le(s + 10, 2),
            .subsystem_vendor_id = (uint16_t)acpi_read_le(s + 12, 2),
            .subsystem_device_id = (uint16_t)acpi_read_le(s + 14, 2),
            .subsystem_revision_id = (uint16_t)acpi_read_le(s + 16, 2),
            .serial = (uint32_t)acpi_read_le(s + 24, 4),
            .format_code = (uint16_t)acpi_read_le(s + 28, 2),
            .block_windows = (uint16_t)acpi_read_le(s + 30, 2)};
        if (c.block_windows && length < CONTROL_FULL_BYTES)
            return acpi_reject(why, "NFIT: control region %u names %u block windows in %u bytes (%u needed)",
                               c.index, c.block_windows, length, CONTROL_FULL_BYTES);
        out->controls[out->control_count++] = c;
        return 0;
    }
    case NFIT_TYPE_FLUSH_HINT: {
        if (out->flush_count == NFIT_MAX_FLUSHES)
            return acpi_reject(why, "NFIT: more than %u flush hint structures", NFIT_MAX_FLUSHES);
        struct nfit_flush f = {.device_handle = (uint32_t)acpi_read_le(s + 4, 4),
                               .hint_count = (uint16_t)acpi_read_le(s + 8, 2)};
        if (FLUSH_BYTES + 8u * f.hint_count > length)
            return acpi_reject(why, "NFIT: flush hint structure at offset %zu names %u addresses in %u bytes",
                               offset, f.hint_count, length);
        for (unsigned i = 0; i < f.hint_count && i < NFIT_MAX_HINTS; i++)
            f.hints[i] = acpi_read_le(s + FLUSH_BYTES + 8u * i, 8);
        out->flushes[out->flush_count++] = f;
        return 0;
    }
    case NFIT_TYPE_CAPABILITIES: {
        if (out->has_capabilities)
            return acpi_reject(why, "NFIT: two platform capabilities structures");
        out->has_capabilities = true;
        out->highest_capability = s[4];
        uint32_t caps = (uint32_t)acpi_read_le(s + 8, 4);
        if (out->highest_capability < 31)
            caps &= (2u << out->highest_capability) - 1; /* bits past the highest valid one */
        out->capabilities = caps;
        return 0;
    }
    case NFIT_TYPE_INTERLEAVE: out->interleave_count++; return 0;
    case NFIT_TYPE_SMBIOS: out->smbios_count++; return 0;
    case NFIT_TYPE_BLOCK_WINDOW: out->block_window_count++; return 0;
    default: out->unknown_count++; return 0;
    }
}

int nfit_parse(const void *table, size_t avail, struct nfit_info *out, char why[ACPI_WHY_LEN])
{
    if (acpi_check_table(table, avail, "NFIT", why) != 0)
        return -1;
    const uint8_t *t = table;
    uint32_t length = (uint32_t)acpi_read_le(t + 4, 4);
    if (length < NFIT_HEADER_BYTES)
        return acpi_reject(why, "NFIT: %u bytes, shorter than its %u-byte header", length, NFIT_HEADER_BYTES);
    memset(out, 0, sizeof(*out));
    out->revision = t[8];
    for (size_t offset = NFIT_HEADER_BYTES; offset < length;) {
        unsigned n = out->structure_count + 1;
        if (length - offset < 4)
            return acpi_reject(why, "NFIT: %zu bytes left at offset %zu, less than a structure header",
                               length - offset, offset);
        uint16_t type = (uint16_t)acpi_read_le(t + offset, 2);
        uint16_t size = (uint16_t)acpi_read_le(t + offset + 2, 2);
        if (size < 4 || size > length - offset)
            return acpi_reject(why, "NFIT: structure %u (type %u) at offset %zu claims %u bytes, %zu left",
                               n, type, offset, size, length - offset);
        if (take(t + offset, type, size, n, offset, out, why) != 0)
            return -1;
        out->structure_count = n;
        offset += size;
    }
    for (unsigned i = 0; i < out->mapping_count; i++) {
        const struct nfit_mapping *m = &out->mappings[i];
        if (m->range_index && !nfit_range_by_index(out, m->range_index))
            return acpi_reject(why, "NFIT: NVDIMM 0x%x maps into SPA range %u, which the table does not hold",
                               m->device_handle, m->range_index);
        if (!control_exists(out, m->control_index))
            return acpi_reject(why, "NFIT: NVDIMM 0x%x names control region %u, which the table does not hold",
                               m->device_handle, m->control_index);
    }
    return 0;
}
