/* Data guard: reads the blocks the write cases would overwrite, and the last LBA, and refuses to write over someone's data. */
#include "tests/suite/nvme_data_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nvme/nvme_format.h"
#include "lib/disk_signature.h"
#include "lib/tap.h"
#include "tests/suite/nvme_data.h"

/* Signatures reach at most 64 KiB + a few bytes past a filesystem's start (btrfs), so a
 * window of two halves of 128 KiB, sliding by one half, sees every structure that starts at
 * a 1 MiB-aligned offset or in the first half of the namespace whole. */
#define GUARD_HALF_BYTES (128u << 10)
#define GUARD_MAX_HITS   8

/* One verdict per controller and NSID, taken before the image wrote anything there. */
struct guard_verdict {
    const struct nvme_controller *c;
    uint32_t nsid;
    bool decided;
    bool announced_override;
    struct nvme_data_verdict seen;
};

static struct guard_verdict *verdicts;
static unsigned verdict_count, verdict_capacity;

static struct guard_verdict *verdict_for(const struct nvme_controller *c, uint32_t nsid)
{
    for (unsigned i = 0; i < verdict_count; i++)
        if (verdicts[i].c == c && verdicts[i].nsid == nsid)
            return &verdicts[i];
    if (verdict_count == verdict_capacity) {
        unsigned capacity = verdict_capacity ? 2 * verdict_capacity : 8;
        struct guard_verdict *grown = realloc(verdicts, capacity * sizeof(*grown));
        if (!grown)
            return NULL;
        verdicts = grown;
        verdict_capacity = capacity;
    }
    struct guard_verdict *v = &verdicts[verdict_count++];
    memset(v, 0, sizeof(*v));
    v->c = c;
    v->nsid = nsid;
    return v;
}

/* Reads with no PI checking: blocks never written carry no valid protection information. */
struct guard_reader {
    struct nvme_controller *c;
    const struct nvme_namespace *ns;
    uint8_t prinfo;
    struct nvme_transfer_layout layout;
    uint32_t chunk_blocks;        /* per command */
    struct nvme_region data, metadata;
};

static int reader_open(struct guard_reader *r, struct nvme_controller *c,
                       const struct nvme_namespace *ns, char *why, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
    r->ns = ns;
    const struct nvme_namespace_identity *id = &ns->identity;
    /* PI-only metadata: PRACT without check bits lets the controller strip it unchecked. */
    if (id->pi_type && id->metadata_bytes == 8)
        r->prinfo = NVME_PRINFO_PRACT;
    char layout_why[96];
    if (nvme_transfer_layout(id, r->prinfo, &r->layout, layout_why) != 0) {
        snprintf(why, len, "cannot read it to look for data: %s", layout_why);
        return -1;
    }
    uint64_t per_command = nvme_max_transfer_bytes(c);
    if (per_command > GUARD_HALF_BYTES)
        per_command = GUARD_HALF_BYTES;
    r->chunk_blocks = (uint32_t)(per_command / r->layout.data_bytes_per_block);
    if (!r->chunk_blocks)
        r->chunk_blocks = 1;
    if (nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)r->chunk_blocks * r->layout.data_bytes_per_block,
                   &r->data) != 0 ||
        (r->layout.metadata_bytes_per_block &&
         nvme_alloc(c, NVME_MEMORY_HOST,
                    (uint64_t)r->chunk_blocks * r->layout.metadata_bytes_per_block,
                    &r->metadata) != 0)) {
        snprintf(why, len, "cannot read it to look for data: no DMA memory (%s)", c->error);
        return -1;
    }
    return 0;
}

static void reader_close(struct guard_reader *r)
{
    if (r->data.bytes)
        nvme_free(r->c, &r->data);
    if (r->metadata.bytes)
        nvme_free(r->c, &r->metadata);
}

/* Reads `blocks` from `lba` into out (block_bytes each, metadata dropped). */
static int reader_read(struct guard_reader *r, uint64_t lba, uint32_t blocks, uint8_t *out,
                       char *why, size_t len)
{
    uint32_t block = r->ns->identity.block_bytes;
    while (blocks) {
        uint32_t n = blocks < r->chunk_blocks ? blocks : r->chunk_blocks;
        struct nvme_io io = {.opcode = NVME_IO_READ, .nsid = r->ns->nsid, .lba = lba,
                             .blocks = n, .data = &r->data,
                             .metadata = r->metadata.bytes ? &r->metadata : NULL,
                             .prinfo = r->prinfo, .reference_tag = (uint32_t)lba};
        int status = nvme_io_run(r->c, &io, NULL);
        if (status != 0) {
            if (status < 0)
                snprintf(why, len, "cannot read LBA %llu to look for data: %s",
                         (unsigned long long)lba, r->c->error);
            else {
                char status_text[96];
                snprintf(why, len, "cannot read LBA %llu to look for data: status 0x%04x (%s)",
                         (unsigned long long)lba, (unsigned)status,
                         nvme_status_describe((uint16_t)status, status_text, sizeof(status_text)));
            }
            return -1;
        }
        /* Extended LBAs carry each block's metadata after its data: keep the data only. */
        const uint8_t *in = (const uint8_t *)(uintptr_t)r->data.cpu;
        for (uint32_t k = 0; k < n; k++)
            memcpy(out + (size_t)k * block, in + (size_t)k * r->layout.data_bytes_per_block, block);
        out += (size_t)n * block;
        lba += n;
        blocks -= n;
    }
    return 0;
}

/* Adds hits not seen yet (the sliding window shows most structures twice). */
static unsigned merge_hits(struct disk_signature_hit *all, unsigned count,
                           const struct disk_signature_hit *found, unsigned n)
{
    for (unsigned i = 0; i < n && count < GUARD_MAX_HITS; i++) {
        bool seen = false;
        for (unsigned k = 0; k < count && !seen; k++)
            seen = all[k].byte_offset == found[i].byte_offset && strcmp(all[k].name, found[i].name) == 0;
        if (!seen)
            all[count++] = found[i];
    }
    return count;
}

/* Scans LBAs [0, end) in a sliding window, then the last LBA; returns the hits, or -1. The
 * namespace's first window stays beside every later one: the partition table it holds names
 * starts (not always 1 MiB-aligned) that are looked for wherever the window is. */
static int look_for_data(struct guard_reader *r, uint64_t end, struct disk_signature_hit *hits,
                         unsigned *count, char *why, size_t len)
{
    uint32_t block = r->ns->identity.block_bytes;
    uint64_t namespace_bytes = r->ns->identity.size_blocks * block;
    size_t half = GUARD_HALF_BYTES > block ? GUARD_HALF_BYTES : block;
    uint32_t half_blocks = (uint32_t)(half / block);
    uint8_t *window = malloc(2 * half);
    uint8_t *head = malloc(2 * half);
    if (!window || !head) {
        free(window);
        free(head);
        snprintf(why, len, "cannot look for data: no heap for two %zu-byte windows", 2 * half);
        return -1;
    }
    struct disk_signature_range ranges[2] = {{.data = head, .bytes = 0, .start = 0}};
    struct disk_signature_hit found[GUARD_MAX_HITS];
    *count = 0;
    int rc = 0;
    for (uint64_t lba = 0; lba < end; lba += half_blocks) {
        uint32_t n = end - lba < half_blocks ? (uint32_t)(end - lba) : half_blocks;
        memmove(window, window + half, half);
        if (reader_read(r, lba, n, window + half, why, len) != 0) {
            rc = -1;
            break;
        }
        if (ranges[0].bytes < 2 * half) { /* the head: the first two halves read */
            memcpy(head + ranges[0].bytes, window + half, (size_t)n * block);
            ranges[0].bytes += (size_t)n * block;
        }
        /* The window's first half holds the previous blocks, except before there were any. */
        ranges[1].data = lba ? window : window + half;
        ranges[1].start = lba ? (lba - half_blocks) * block : 0;
        ranges[1].bytes = (size_t)(lba ? half : 0) + (size_t)n * block;
        unsigned k = disk_signature_scan_ranges(ranges, 2, block, namespace_bytes, found,
                                                GUARD_MAX_HITS);
        *count = merge_hits(hits, *count, found, k);
    }
    uint64_t last = r->ns->identity.size_blocks - 1;
    if (rc == 0 && last >= end) {
        if (reader_read(r, last, 1, window, why, len) != 0) {
            rc = -1;
        } else {
            ranges[1] = (struct disk_signature_range){window, block, last * block};
            unsigned k = disk_signature_scan_ranges(ranges, 2, block, namespace_bytes, found,
                                                    GUARD_MAX_HITS);
            *count = merge_hits(hits, *count, found, k);
        }
    }
    free(window);
    free(head);
    return rc;
}

static void decide(struct nvme_data_verdict *v, struct nvme_controller *c,
                   const struct nvme_namespace *ns)
{
    v->end = ns->identity.size_blocks < LBA_AREAS_END ? ns->identity.size_blocks : LBA_AREAS_END;
    v->last = ns->identity.size_blocks - 1;
    struct guard_reader r;
    struct disk_signature_hit hits[GUARD_MAX_HITS];
    unsigned count = 0;
    if (reader_open(&r, c, ns, v->what, sizeof(v->what)) != 0 ||
        look_for_data(&r, v->end, hits, &count, v->what, sizeof(v->what)) != 0) {
        reader_close(&r);
        v->unreadable = true;
        return;
    }
    reader_close(&r);
    if (!count)
        return;
    v->found = true;
    uint32_t block = ns->identity.block_bytes;
    int used = 0;
    for (unsigned i = 0; i < count && used >= 0 && (size_t)used < sizeof(v->what); i++)
        used += snprintf(v->what + used, sizeof(v->what) - (size_t)used, "%s%s at LBA %llu",
                         i ? ", " : "", hits[i].name,
                         (unsigned long long)(hits[i].byte_offset / block));
    tap_diag("data guard: %s nsid %u: %s", c->name, ns->nsid, v->what);
}

static struct guard_verdict *looked_at(struct nvme_controller *c, const struct nvme_namespace *ns)
{
    struct guard_verdict *v = verdict_for(c, ns->nsid);
    if (v && !v->decided) {
        v->decided = true;
        decide(&v->seen, c, ns);
    }
    return v;
}

const struct nvme_data_verdict *nvme_data_guard_look(struct nvme_controller *c,
                                                     const struct nvme_namespace *ns)
{
    struct guard_verdict *v = looked_at(c, ns);
    return v ? &v->seen : NULL;
}

const char *nvme_data_guard(struct nvme_controller *c, const struct nvme_namespace *ns,
                            bool over_data, char *why, size_t len)
{
    struct guard_verdict *v = looked_at(c, ns);
    if (!v) {
        snprintf(why, len, "cannot look for data: no heap for the data guard's verdicts");
        return "guard_no_heap";
    }
    if (v->seen.unreadable) {
        snprintf(why, len, "%s", v->seen.what);
        return "guard_unreadable";
    }
    if (!v->seen.found)
        return NULL;
    if (over_data) {
        if (!v->announced_override)
            tap_diag("data guard: %s nsid %u: writing over it: allow_write_over_data = yes",
                     c->name, ns->nsid);
        v->announced_override = true;
        return NULL;
    }
    snprintf(why, len, "data found (allow_write_over_data = no): %s", v->seen.what);
    return "data_found";
}
