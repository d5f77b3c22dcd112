/* Partition-table and filesystem signature scanner over blocks read from a namespace: bounds-checked views, structure checks, no allocation. */
#include "lib/disk_signature.h"

#include "lib/pattern.h"

#include <stdbool.h>
#include <string.h>

/* What each check requires (offsets from the structure's place; fields little-endian unless
 * marked BE). A magic of 8 bytes or more at a fixed place is enough on its own (random data
 * matches it with probability 2^-64); shorter magics need the fields around them to agree.
 *
 *   MBR (bytes 0..511): 0x55 0xAA at 510, all four boot flags (446 + 16 i) 0x00 or 0x80, and
 *     at least one entry with a nonzero type and a nonzero sector count, and the sector not a
 *     FAT boot sector (below; mformat puts an entry in those). Any such entry of type 0xEE
 *     makes it "protective MBR (GPT)". Entries' start LBAs count blocks of block_bytes.
 *   GPT header (LBA 1; backup: the last LBA, when that is LBA 2 or later): "EFI PART",
 *     revision 0x00010000, 92 <= HeaderSize <= block_bytes, and the CRC-32 at 16 valid over
 *     HeaderSize bytes with itself zeroed. The entries it names (PartitionEntryLBA at 72,
 *     NumberOfPartitionEntries at 80, SizeOfPartitionEntry at 84, a multiple of 8 of at least
 *     128) that lie in the range and have a nonzero type GUID and FirstLBA <= LastLBA, FirstLBA
 *     inside the namespace, are partition starts. The entry array's CRC is not required: a
 *     start named by a damaged array is still worth a look.
 *   FAT boot sector: jump 0xEB or 0xE9 at 0, 0x55 0xAA at 510, bytes per sector (11) a power
 *     of two 512..4096, sectors per cluster (13) a power of two, reserved sectors (14) and FAT
 *     count (16) nonzero, media (21) 0xF0 or 0xF8..0xFF, a nonzero total sector count (19 or
 *     32). "FAT" at 54 / 82 is not required: the FAT specification calls it informational. The
 *     NTFS and exFAT boot sectors fail this (no reserved sectors and FATs; a zeroed BPB).
 *   NTFS / exFAT / BitLocker / ReFS: "NTFS    ", "EXFAT   ", "-FVE-FS-", "ReFS\0\0\0\0" at 3.
 *   ext2/3/4 (superblock at 1024): magic 0xEF53 at 56, s_log_block_size (24) <= 6, s_rev_level
 *     (76) <= 1, s_inodes_count (0), s_blocks_per_group (32) and s_inodes_per_group (40)
 *     nonzero.
 *   XFS: "XFSB" at 0, sb_blocksize (BE, 4) a power of two 512..65536 with sb_blocklog (120) its
 *     log2, sb_sectsize (BE, 102) a power of two 512..32768 with sb_sectlog (121) its log2,
 *     sb_dblocks (BE, 8) and sb_agcount (BE, 88) nonzero.
 *   btrfs: "_BHRfS_M" at 65536 + 64.   LVM2: "LABELONE" at 512 * n, n = 0..3.
 *   LUKS: "LUKS\xba\xbe" and version (BE) 1 or 2 at 0.
 *   Linux swap: "SWAPSPACE2" or "SWAP-SPACE" at page - 10, page 4096, 8192, 16384 or 65536.
 *   ISO 9660 (at 32768): "CD001" at 1, type (0) 0..3 or 255, version (6) 1. UDF: "\0BEA01\1".
 *   bcache (superblock at 4096): its 16-byte magic at 24.
 *   Linux md RAID v1.1 / v1.2 (superblock at 0 / 4096): magic 0xa92b4efc, major version (4) 1,
 *     super_offset (144, in 512-byte sectors) 0 / 8, where the superblock lies.
 *   ZFS (uberblock ring of label 0 at 128 KiB, slots of 1 KiB or more): ub_magic 0x00bab10c and
 *     ub_version 1..5000, both in the same byte order; the first such slot is the hit. */

static const char MBR[] = "MBR partition table";
static const char PROTECTIVE_MBR[] = "protective MBR (GPT)";
static const char GPT[] = "GPT header";
static const char BACKUP_GPT[] = "backup GPT header";
static const char FAT[] = "FAT boot sector";
static const char EXT[] = "ext2/3/4 superblock";
static const char XFS[] = "XFS superblock";
static const char ISO9660[] = "ISO 9660 volume descriptor";
static const char MD_RAID[] = "Linux md RAID superblock";
static const char ZFS[] = "ZFS uberblock";

#define KIB 1024u
#define MIB (1024u * 1024u)
/* Farthest byte past a partition start that a filesystem check reads (ZFS's uberblock ring
 * ends at 256 KiB), so 1 MiB-aligned starts up to this far before a range are tried too. */
#define PROBE_REACH (256u * KIB)

#define PATTERN_MAGIC "NVMTLBLK"
#define PATTERN_HEADER_BYTES 32u

#define GPT_HEADER_MIN 92u
#define GPT_ENTRY_MIN 128u
#define GPT_ENTRY_READ 48u /* type GUID, partition GUID, FirstLBA, LastLBA */

/* Fixed-place magics: `magic` (len bytes) at start + at is a structure at start + hit_at. */
struct magic_probe {
    const char *name;
    uint32_t at;
    uint32_t hit_at;
    uint8_t len;
    const char *magic;
};

#define PROBE(name, at, hit_at, magic) {name, at, hit_at, sizeof magic - 1, magic}
static const struct magic_probe magic_probes[] = {
    PROBE("NTFS boot sector", 3, 0, "NTFS    "),
    PROBE("exFAT boot sector", 3, 0, "EXFAT   "),
    PROBE("BitLocker volume", 3, 0, "-FVE-FS-"),
    PROBE("ReFS volume", 3, 0, "ReFS\0\0\0\0"),
    PROBE("LUKS header", 0, 0, "LUKS\xba\xbe\0\1"),
    PROBE("LUKS header", 0, 0, "LUKS\xba\xbe\0\2"),
    PROBE("btrfs superblock", 65536 + 64, 65536, "_BHRfS_M"),
    PROBE("LVM2 label", 0, 0, "LABELONE"),
    PROBE("LVM2 label", 512, 512, "LABELONE"),
    PROBE("LVM2 label", 1024, 1024, "LABELONE"),
    PROBE("LVM2 label", 1536, 1536, "LABELONE"),
    PROBE("Linux swap area", 4096 - 10, 0, "SWAPSPACE2"),
    PROBE("Linux swap area", 4096 - 10, 0, "SWAP-SPACE"),
    PROBE("Linux swap area", 8192 - 10, 0, "SWAPSPACE2"),
    PROBE("Linux swap area", 8192 - 10, 0, "SWAP-SPACE"),
    PROBE("Linux swap area", 16384 - 10, 0, "SWAPSPACE2"),
    PROBE("Linux swap area", 16384 - 10, 0, "SWAP-SPACE"),
    PROBE("Linux swap area", 65536 - 10, 0, "SWAPSPACE2"),
    PROBE("Linux swap area", 65536 - 10, 0, "SWAP-SPACE"),
    PROBE("UDF volume recognition sequence", 32768, 32768, "\0BEA01\1"),
    PROBE("bcache superblock", 4096 + 24, 4096,
          "\xc6\x85\x73\xf6\x4e\x1a\x45\xca\x82\x65\xf5\x7f\x48\xba\x6d\x81"),
};
#undef PROBE

/* ---- the scan's state and its one way of reading bytes ---- */

#define CACHE_SLOTS 8u

struct scan {
    const struct disk_signature_range *ranges;
    unsigned range_count;
    uint32_t block_bytes;
    uint64_t namespace_bytes;
    uint64_t namespace_blocks;
    struct disk_signature_hit *hits;
    unsigned max, found;
    /* Whether recently asked blocks are pattern blocks: a check runs a CRC over the block. */
    struct {
        uint64_t block;
        unsigned range;
        uint8_t state; /* 0 unknown, 1 not ours, 2 ours */
    } cache[CACHE_SLOTS];
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

static bool power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

static unsigned log2_of(uint64_t power)
{
    unsigned n = 0;
    while (power > 1) {
        power >>= 1;
        n++;
    }
    return n;
}

static bool full(const struct scan *s) { return s->found >= s->max; }

/* The part of range i that lies inside the namespace, as [start, start + length). */
static uint64_t range_length(const struct scan *s, unsigned i)
{
    const struct disk_signature_range *r = &s->ranges[i];
    if (!r->data || r->start >= s->namespace_bytes)
        return 0;
    uint64_t room = s->namespace_bytes - r->start;
    return (uint64_t)r->bytes < room ? (uint64_t)r->bytes : room;
}

/* lib/pattern.c's block header: magic, LBA, seed, CRC-32 of bytes 32..end, four zero bytes. */
static bool is_pattern_block(const uint8_t *block, uint32_t block_bytes)
{
    return block_bytes >= 64 && block_bytes % 8 == 0 &&
           memcmp(block, PATTERN_MAGIC, 8) == 0 && le32(block + 28) == 0 &&
           le32(block + 24) ==
               crc32_ieee(block + PATTERN_HEADER_BYTES, block_bytes - PATTERN_HEADER_BYTES);
}

/* Whether namespace block `block` is, in range i, one of the image's pattern blocks. A block
 * the range holds only part of cannot be checked, so it is not. */
static bool block_is_ours(struct scan *s, unsigned i, uint64_t block)
{
    const struct disk_signature_range *r = &s->ranges[i];
    uint64_t at = block * s->block_bytes; /* block < namespace_blocks: no overflow */
    if (at < r->start || at - r->start > range_length(s, i) ||
        range_length(s, i) - (at - r->start) < s->block_bytes)
        return false;
    unsigned slot = (unsigned)(block % CACHE_SLOTS);
    if (s->cache[slot].state && s->cache[slot].block == block && s->cache[slot].range == i)
        return s->cache[slot].state == 2;
    bool ours = is_pattern_block(r->data + (at - r->start), s->block_bytes);
    s->cache[slot].block = block;
    s->cache[slot].range = i;
    s->cache[slot].state = ours ? 2 : 1;
    return ours;
}

/* Namespace bytes [base + offset, base + offset + len) when one range holds all of them and
 * none lies in a pattern block; else NULL. Every read of device bytes goes through here. */
static const uint8_t *view(struct scan *s, uint64_t base, uint64_t offset, uint64_t len)
{
    if (len == 0 || base > UINT64_MAX - offset)
        return NULL;
    uint64_t at = base + offset;
    if (at >= s->namespace_bytes || len > s->namespace_bytes - at)
        return NULL;
    for (unsigned i = 0; i < s->range_count; i++) {
        const struct disk_signature_range *r = &s->ranges[i];
        uint64_t length = range_length(s, i);
        if (at < r->start || at - r->start > length || len > length - (at - r->start))
            continue;
        uint64_t last = (at + len - 1) / s->block_bytes;
        for (uint64_t block = at / s->block_bytes; block <= last; block++)
            if (block_is_ours(s, i, block))
                return NULL;
        return r->data + (at - r->start);
    }
    return NULL;
}

static void add_hit(struct scan *s, const char *name, uint64_t byte_offset)
{
    if (full(s))
        return;
    for (unsigned i = 0; i < s->found; i++)
        if (s->hits[i].byte_offset == byte_offset && strcmp(s->hits[i].name, name) == 0)
            return;
    s->hits[s->found++] = (struct disk_signature_hit){name, byte_offset};
}

/* ---- filesystems at a partition start ---- */

static bool fat_boot_sector(const uint8_t *b)
{
    if ((b[0] != 0xeb && b[0] != 0xe9) || b[510] != 0x55 || b[511] != 0xaa)
        return false;
    uint16_t bytes_per_sector = le16(b + 11);
    uint8_t media = b[21];
    return power_of_two(bytes_per_sector) && bytes_per_sector >= 512 &&
           bytes_per_sector <= 4096 && power_of_two(b[13]) && le16(b + 14) != 0 && b[16] != 0 &&
           (media == 0xf0 || media >= 0xf8) && (le16(b + 19) != 0 || le32(b + 32) != 0);
}

static void probe_fat(struct scan *s, uint64_t start)
{
    const uint8_t *b = view(s, start, 0, 512);
    if (b && fat_boot_sector(b))
        add_hit(s, FAT, start);
}

static void probe_ext(struct scan *s, uint64_t start)
{
    const uint8_t *sb = view(s, start, 1024, 80);
    if (sb && le16(sb + 56) == 0xef53 && le32(sb + 24) <= 6 && le32(sb + 76) <= 1 &&
        le32(sb + 0) != 0 && le32(sb + 32) != 0 && le32(sb + 40) != 0)
        add_hit(s, EXT, start + 1024);
}

static void probe_xfs(struct scan *s, uint64_t start)
{
    const uint8_t *sb = view(s, start, 0, 128);
    if (!sb || memcmp(sb, "XFSB", 4) != 0)
        return;
    uint32_t block = be32(sb + 4);
    uint16_t sector = be16(sb + 102);
    if (power_of_two(block) && block >= 512 && block <= 65536 && sb[120] == log2_of(block) &&
        power_of_two(sector) && sector >= 512 && sector <= 32768 && sb[121] == log2_of(sector) &&
        be64(sb + 8) != 0 && be32(sb + 88) != 0)
        add_hit(s, XFS, start);
}

static void probe_iso9660(struct scan *s, uint64_t start)
{
    const uint8_t *vd = view(s, start, 32768, 7);
    if (vd && memcmp(vd + 1, "CD001", 5) == 0 && (vd[0] <= 3 || vd[0] == 255) && vd[6] == 1)
        add_hit(s, ISO9660, start + 32768);
}

static void probe_md_raid(struct scan *s, uint64_t start)
{
    for (uint32_t sector = 0; sector <= 8; sector += 8) {
        const uint8_t *sb = view(s, start, sector * 512u, 152);
        if (sb && le32(sb) == 0xa92b4efc && le32(sb + 4) == 1 && le64(sb + 144) == sector)
            add_hit(s, MD_RAID, start + sector * 512u);
    }
}

static void probe_zfs(struct scan *s, uint64_t start)
{
    for (uint32_t slot = 128 * KIB; slot < 256 * KIB; slot += KIB) {
        const uint8_t *ub = view(s, start, slot, 16);
        if (!ub)
            continue;
        uint64_t version = le64(ub + 8);
        bool little = le64(ub) == 0x00bab10c && version >= 1 && version <= 5000;
        version = be64(ub + 8);
        bool big = be64(ub) == 0x00bab10c && version >= 1 && version <= 5000;
        if (little || big) {
            add_hit(s, ZFS, start + slot);
            return;
        }
    }
}

static void probe_filesystems(struct scan *s, uint64_t start)
{
    if (full(s) || start >= s->namespace_bytes)
        return;
    probe_fat(s, start);
    for (size_t i = 0; i < sizeof magic_probes / sizeof magic_probes[0]; i++) {
        const struct magic_probe *p = &magic_probes[i];
        const uint8_t *at = view(s, start, p->at, p->len);
        if (at && memcmp(at, p->magic, p->len) == 0)
            add_hit(s, p->name, start + p->hit_at);
    }
    probe_ext(s, start);
    probe_xfs(s, start);
    probe_iso9660(s, start);
    probe_md_raid(s, start);
    probe_zfs(s, start);
}

/* ---- partition tables ---- */

/* Each table is read twice: first for its own hit, then (probe_partitions) for the starts it
 * names, so that with a small `max` the tables themselves are what is reported. */
static void scan_mbr(struct scan *s, bool probe_partitions)
{
    const uint8_t *m = view(s, 0, 0, 512);
    if (!m || m[510] != 0x55 || m[511] != 0xaa)
        return;
    bool used = false, protective = false;
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *e = m + 446 + 16 * i;
        if (e[0] != 0x00 && e[0] != 0x80)
            return;
        if (e[4] != 0 && le32(e + 12) != 0) {
            used = true;
            protective |= e[4] == 0xee;
        }
    }
    if (!used)
        return;
    /* mformat writes an entry (boot flag 0x80, type 1, start 0) into a superfloppy's boot
     * sector; like libblkid, a sector that is a FAT boot sector is named that, not an MBR. Its
     * entries are still tried as partition starts. */
    if (!fat_boot_sector(m))
        add_hit(s, protective ? PROTECTIVE_MBR : MBR, 0);
    for (unsigned i = 0; probe_partitions && i < 4; i++) {
        const uint8_t *e = m + 446 + 16 * i;
        if (e[4] != 0 && e[4] != 0xee && le32(e + 12) != 0)
            probe_filesystems(s, (uint64_t)le32(e + 8) * s->block_bytes);
    }
}

/* CRC-32 (crc32_ieee's polynomial and conventions) of `len` bytes with bytes 16..19, the GPT
 * header's own CRC field, read as zero. Bit by bit: crc32_ieee cannot be carried across the
 * field, and the header (up to a block) is device data that is not copied. */
static uint32_t gpt_header_crc(const uint8_t *header, uint32_t len)
{
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < len; i++) {
        crc ^= i >= 16 && i < 20 ? 0 : header[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

/* Every entry of the array at `lba` that lies in some range: a used one is a partition start. */
static void scan_gpt_entries(struct scan *s, uint64_t lba, uint32_t count, uint32_t entry_bytes)
{
    if (entry_bytes < GPT_ENTRY_MIN || entry_bytes % 8 != 0 || count == 0 ||
        lba >= s->namespace_blocks)
        return;
    uint64_t base = lba * s->block_bytes;
    for (unsigned r = 0; r < s->range_count; r++) {
        uint64_t start = s->ranges[r].start, end = start + range_length(s, r);
        if (end <= base || end - base < GPT_ENTRY_READ)
            continue;
        /* Entries [first, last] begin at or after the range's start and end inside it. */
        uint64_t first = 0;
        if (start > base) {
            uint64_t skip = start - base;
            first = skip / entry_bytes + (skip % entry_bytes != 0);
        }
        uint64_t last = (end - base - GPT_ENTRY_READ) / entry_bytes;
        if (last >= count)
            last = count - 1;
        for (uint64_t i = first; i <= last && !full(s); i++) {
            const uint8_t *e = view(s, base, i * entry_bytes, GPT_ENTRY_READ);
            static const uint8_t unused[16];
            if (!e || memcmp(e, unused, sizeof unused) == 0)
                continue;
            uint64_t first_lba = le64(e + 32), last_lba = le64(e + 40);
            if (first_lba <= last_lba && first_lba < s->namespace_blocks)
                probe_filesystems(s, first_lba * s->block_bytes);
        }
    }
}

static void scan_gpt(struct scan *s, uint64_t lba, const char *name, bool probe_partitions)
{
    if (s->block_bytes < GPT_HEADER_MIN || lba >= s->namespace_blocks)
        return;
    uint64_t at = lba * s->block_bytes;
    const uint8_t *h = view(s, at, 0, GPT_HEADER_MIN);
    if (!h || memcmp(h, "EFI PART", 8) != 0 || le32(h + 8) != 0x00010000)
        return;
    uint32_t header_bytes = le32(h + 12);
    if (header_bytes < GPT_HEADER_MIN || header_bytes > s->block_bytes)
        return;
    h = view(s, at, 0, header_bytes);
    if (!h || gpt_header_crc(h, header_bytes) != le32(h + 16))
        return;
    add_hit(s, name, at);
    if (probe_partitions)
        scan_gpt_entries(s, le64(h + 72), le32(h + 80), le32(h + 84));
}

/* ---- the scan ---- */

/* Every 1 MiB-aligned start inside the namespace whose checks can read bytes of range i. */
static void probe_aligned_starts(struct scan *s, unsigned i)
{
    uint64_t length = range_length(s, i);
    if (length == 0)
        return;
    uint64_t begin = s->ranges[i].start, end = begin + length;
    uint64_t lowest = begin >= PROBE_REACH ? begin - PROBE_REACH + 1 : 0;
    uint64_t start = lowest / MIB * MIB + (lowest % MIB ? MIB : 0);
    if (start < lowest) /* rounding up wrapped */
        return;
    for (; start < end && !full(s); start += MIB) {
        probe_filesystems(s, start);
        if (start > UINT64_MAX - MIB)
            break;
    }
}

unsigned disk_signature_scan_ranges(const struct disk_signature_range *ranges, unsigned count,
                                    uint32_t block_bytes, uint64_t namespace_bytes,
                                    struct disk_signature_hit *hits, unsigned max)
{
    if (block_bytes == 0 || max == 0 || !hits || (count && !ranges))
        return 0;
    struct scan s = {
        .ranges = ranges,
        .range_count = count,
        .block_bytes = block_bytes,
        .namespace_bytes = namespace_bytes,
        .namespace_blocks = namespace_bytes / block_bytes,
        .hits = hits,
        .max = max,
    };

    for (int pass = 0; pass < 2; pass++) {
        scan_mbr(&s, pass == 1);
        scan_gpt(&s, 1, GPT, pass == 1);
        if (s.namespace_blocks > 2)
            scan_gpt(&s, s.namespace_blocks - 1, BACKUP_GPT, pass == 1);
    }
    for (unsigned i = 0; i < count; i++)
        probe_aligned_starts(&s, i);

    /* Sorted by offset, stable, so that equal offsets keep the order they were found in. */
    for (unsigned i = 1; i < s.found; i++) {
        struct disk_signature_hit hit = hits[i];
        unsigned j = i;
        for (; j > 0 && hits[j - 1].byte_offset > hit.byte_offset; j--)
            hits[j] = hits[j - 1];
        hits[j] = hit;
    }
    return s.found;
}

unsigned disk_signature_scan(const uint8_t *data, size_t bytes, uint64_t start,
                             uint32_t block_bytes, uint64_t namespace_bytes,
                             struct disk_signature_hit *hits, unsigned max)
{
    struct disk_signature_range range = {data, bytes, start};
    return disk_signature_scan_ranges(&range, 1, block_bytes, namespace_bytes, hits, max);
}
