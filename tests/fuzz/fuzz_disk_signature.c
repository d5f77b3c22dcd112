/* libFuzzer harness for lib/disk_signature.c: the input as namespace data under several block sizes, starts and range splits; hits inside the namespace, known, sorted, unique. */
#include "fuzz_common.h"

#include "lib/disk_signature.h"
#include "lib/pattern.h"

#define MAX_HITS 64u
/* A hit lies at most this far before the first byte its check read (a swap area's magic
 * sits 65526 bytes into it). */
#define HIT_BEFORE_READ 65536u

static const char *const known_names[] = {
    "MBR partition table", "protective MBR (GPT)", "GPT header", "backup GPT header",
    "FAT boot sector", "NTFS boot sector", "exFAT boot sector", "BitLocker volume",
    "ReFS volume", "XFS superblock", "LUKS header", "Linux swap area", "ext2/3/4 superblock",
    "btrfs superblock", "LVM2 label", "ISO 9660 volume descriptor",
    "UDF volume recognition sequence", "bcache superblock", "Linux md RAID superblock",
    "ZFS uberblock",
};

struct result {
    struct disk_signature_hit hits[MAX_HITS];
    unsigned count;
};

static bool known(const char *name)
{
    for (size_t i = 0; i < sizeof known_names / sizeof known_names[0]; i++)
        if (strcmp(name, known_names[i]) == 0)
            return true;
    return false;
}

/* What every answer promises, for ranges spanning namespace bytes [lowest, highest). */
static void check_result(const struct result *r, unsigned max, uint64_t namespace_bytes,
                         uint64_t lowest, uint64_t highest)
{
    FUZZ_CHECK(r->count <= max, "%u hits for room for %u", r->count, max);
    for (unsigned i = 0; i < r->count; i++) {
        const struct disk_signature_hit *h = &r->hits[i];
        FUZZ_CHECK(h->name && known(h->name), "hit %u has an unknown name", i);
        FUZZ_CHECK(h->byte_offset < namespace_bytes, "\"%s\" at %llu, namespace %llu bytes",
                   h->name, (unsigned long long)h->byte_offset,
                   (unsigned long long)namespace_bytes);
        FUZZ_CHECK(h->byte_offset < highest &&
                       (h->byte_offset >= lowest || lowest - h->byte_offset < HIT_BEFORE_READ),
                   "\"%s\" at %llu, data read from %llu to %llu", h->name,
                   (unsigned long long)h->byte_offset, (unsigned long long)lowest,
                   (unsigned long long)highest);
        if (i == 0)
            continue;
        const struct disk_signature_hit *p = &r->hits[i - 1];
        FUZZ_CHECK(p->byte_offset <= h->byte_offset, "hits %u and %u out of order", i - 1, i);
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(r->hits[j].byte_offset != h->byte_offset ||
                           strcmp(r->hits[j].name, h->name) != 0,
                       "\"%s\" at %llu twice", h->name, (unsigned long long)h->byte_offset);
    }
}

static bool contains(const struct result *all, const struct disk_signature_hit *hit)
{
    for (unsigned i = 0; i < all->count; i++)
        if (all->hits[i].byte_offset == hit->byte_offset &&
            strcmp(all->hits[i].name, hit->name) == 0)
            return true;
    return false;
}

/* Every hit of `part` is one of `all`'s (when `all` was not cut off at its room). */
static void check_subset(const struct result *part, const struct result *all, const char *what)
{
    if (all->count >= MAX_HITS)
        return;
    for (unsigned i = 0; i < part->count; i++)
        FUZZ_CHECK(contains(all, &part->hits[i]), "%s: \"%s\" at %llu is new", what,
                   part->hits[i].name, (unsigned long long)part->hits[i].byte_offset);
}

/* One range: an exact-size copy of `bytes` at namespace byte `start`. */
static void scan_one(const uint8_t *bytes, size_t len, uint64_t start, uint32_t block_bytes,
                     uint64_t namespace_bytes, unsigned max, struct result *r)
{
    uint8_t *copy = fuzz_copy(bytes, len);
    r->count = disk_signature_scan(copy, len, start, block_bytes, namespace_bytes, r->hits, max);
    uint64_t end = start > UINT64_MAX - len ? UINT64_MAX : start + len;
    check_result(r, max, namespace_bytes, start, end);

    /* The same through the ranges entry point. */
    struct disk_signature_range range = {copy, len, start};
    struct result again;
    again.count = disk_signature_scan_ranges(&range, 1, block_bytes, namespace_bytes, again.hits,
                                             max);
    FUZZ_CHECK(again.count == r->count &&
                   memcmp(again.hits, r->hits, r->count * sizeof r->hits[0]) == 0,
               "scan and scan_ranges differ: %u vs %u hits", r->count, again.count);
    free(copy);
}

static const uint32_t block_sizes[] = {512, 4096, 1024, 2048, 8192, 520, 64, 1, 65536, 96};

/* Makes block `block` (of block_bytes, at least 64 and a multiple of 8) of `bytes` one of the
 * image's pattern blocks by its header alone: its body stays the input's. */
static void seal_as_ours(uint8_t *bytes, size_t block, uint32_t block_bytes)
{
    uint8_t *b = bytes + block * block_bytes;
    memcpy(b, "NVMTLBLK", 8);
    fuzz_put_le(b + 8, block, 8);
    fuzz_put_le(b + 24, crc32_ieee(b + 32, block_bytes - 32), 4);
    fuzz_put_le(b + 28, 0, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t p[16] = {0};
    memcpy(p, data, size < sizeof p ? size : sizeof p);
    struct result full, part;

    /* 1: the input is a whole namespace, in the two block sizes that exist. */
    for (unsigned b = 0; b < 2; b++) {
        uint32_t bb = block_sizes[b];
        scan_one(data, size, 0, bb, size, MAX_HITS, &full);

        /* Less room: what is written is still among the hits. */
        scan_one(data, size, 0, bb, size, 1 + p[15] % 3, &part);
        check_subset(&part, &full, "less room");

        /* A block sealed as ours only hides things. */
        size_t blocks = size / bb;
        if (blocks) {
            uint8_t *sealed = fuzz_copy(data, size);
            seal_as_ours(sealed, (size_t)fuzz_le(p + 12, 3) % blocks, bb);
            scan_one(sealed, size, 0, bb, size, MAX_HITS, &part);
            check_subset(&part, &full, "a block sealed as ours");
            free(sealed);
        }
    }

    /* 2: a block size, a start and a namespace size from the first bytes; the namespace may
     * end before the data does, and may reach the end of 64-bit space. */
    uint32_t bb = block_sizes[p[0] % (sizeof block_sizes / sizeof block_sizes[0])];
    uint64_t start = fuzz_le(p + 1, 3) * (p[4] & 1 ? bb : 1);
    uint64_t namespace_bytes = start + size + fuzz_le(p + 5, 3) * 512;
    if (p[4] & 2)
        namespace_bytes = start + size / 2;
    if (p[4] & 4) {
        namespace_bytes = UINT64_MAX - fuzz_le(p + 5, 2);
        start = namespace_bytes > size ? namespace_bytes - size - (p[4] >> 4) : 0;
    }
    if (p[4] & 8)
        bb = (uint32_t)(fuzz_le(p + 8, 4) | 1);
    scan_one(data, size, start, bb, namespace_bytes, MAX_HITS, &full);

    /* 3: the input cut into three ranges, the middle one moved elsewhere in the namespace. */
    size_t cut1 = size ? (size_t)fuzz_le(p + 8, 2) % (size + 1) : 0;
    size_t cut2 = cut1 + (size - cut1 ? (size_t)fuzz_le(p + 10, 2) % (size - cut1 + 1) : 0);
    uint32_t rbb = block_sizes[p[0] % 2];
    uint64_t moved = (uint64_t)(p[13] + 1) * 1024 * 1024 + fuzz_le(p + 14, 1) * rbb;
    uint64_t ns = moved + size + 64 * 1024 * 1024;
    uint8_t *a = fuzz_copy(data, cut1);
    uint8_t *m = fuzz_copy(data + cut1, cut2 - cut1);
    uint8_t *z = fuzz_copy(data + cut2, size - cut2);
    struct disk_signature_range ranges[] = {
        {a, cut1, 0}, {m, cut2 - cut1, moved}, {z, size - cut2, cut2}};
    full.count = disk_signature_scan_ranges(ranges, 3, rbb, ns, full.hits, MAX_HITS);
    uint64_t highest = moved + (cut2 - cut1) > size ? moved + (cut2 - cut1) : size;
    check_result(&full, MAX_HITS, ns, 0, highest);
    free(a);
    free(m);
    free(z);
    return 0;
}
