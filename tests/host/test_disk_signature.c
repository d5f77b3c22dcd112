/* Host tests for lib/disk_signature.c: crafted GPT/MBR disks and filesystems found at their places, look-alikes, zeros, random and pattern data not. */
#include "check.h"

#include "lib/disk_signature.h"
#include "lib/pattern.h"

#include <stdbool.h>
#include <stdlib.h>

#define KIB 1024u
#define MIB (1024u * 1024u)
#define DISK_BYTES (4u * MIB)
#define MAX_HITS 32u

/* The namespace under test, all of it in memory. */
static uint8_t disk[8 * MIB];

static struct disk_signature_hit hits[MAX_HITS];
static unsigned hit_count;

static void put_le(uint8_t *p, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; i++)
        p[width - 1 - i] = (uint8_t)(value >> (8 * i));
}

/* Scans namespace bytes [start, start + bytes) of `disk` from an exact-size heap copy, so that
 * ASan reports any read past the bytes the scanner was given. */
static unsigned scan(uint64_t start, size_t bytes, uint32_t block_bytes, uint64_t namespace_bytes)
{
    uint8_t *copy = malloc(bytes ? bytes : 1);
    if (!copy)
        abort();
    memcpy(copy, disk + start, bytes);
    memset(hits, 0xa5, sizeof hits);
    hit_count = disk_signature_scan(copy, bytes, start, block_bytes, namespace_bytes, hits,
                                    MAX_HITS);
    free(copy);
    return hit_count;
}

static unsigned scan_disk(uint32_t block_bytes)
{
    return scan(0, DISK_BYTES, block_bytes, DISK_BYTES);
}

struct expect {
    const char *name;
    uint64_t offset;
};

static void print_hits(const char *file, int line)
{
    for (unsigned i = 0; i < hit_count && i < MAX_HITS; i++)
        check_fail(file, line, "  found \"%s\" at 0x%llx", hits[i].name,
                   (unsigned long long)hits[i].byte_offset);
}

/* The last scan found exactly these, in this order (a NULL name ends the list). */
static void check_hits_at(const char *file, int line, const struct expect *expected)
{
    unsigned n = 0;
    while (expected[n].name)
        n++;
    bool same = hit_count == n;
    for (unsigned i = 0; same && i < n; i++)
        same = strcmp(hits[i].name, expected[i].name) == 0 &&
               hits[i].byte_offset == expected[i].offset;
    if (same)
        return;
    check_fail(file, line, "expected %u hits, got %u:", n, hit_count);
    for (unsigned i = 0; i < n; i++)
        check_fail(file, line, "  expected \"%s\" at 0x%llx", expected[i].name,
                   (unsigned long long)expected[i].offset);
    print_hits(file, line);
}

#define CHECK_HITS(...) \
    check_hits_at(__FILE__, __LINE__, (const struct expect[]){__VA_ARGS__, {NULL, 0}})
#define CHECK_NO_HITS() check_hits_at(__FILE__, __LINE__, (const struct expect[]){{NULL, 0}})

static void clear_disk(void)
{
    memset(disk, 0, sizeof disk);
}

/* ---- builders: what sgdisk, fdisk, mkfs.* write, reduced to the fields the scanner reads ---- */

#define GPT_ENTRIES 128u
#define GPT_ENTRY_BYTES 128u

struct gpt_partition {
    uint64_t first_lba, last_lba;
};

static const uint8_t linux_data_guid[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
                                            0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};

static void mbr_entry(uint8_t *sector, unsigned i, uint8_t boot, uint8_t type, uint32_t first,
                      uint32_t count)
{
    uint8_t *e = sector + 446 + 16 * i;
    e[0] = boot;
    e[1] = 0xfe; /* CHS: "use the LBA fields" */
    e[2] = 0xff;
    e[3] = 0xff;
    e[4] = type;
    e[5] = 0xfe;
    e[6] = 0xff;
    e[7] = 0xff;
    put_le(e + 8, first, 4);
    put_le(e + 12, count, 4);
    sector[510] = 0x55;
    sector[511] = 0xaa;
}

static void seal_gpt_header(uint8_t *h, uint32_t header_bytes)
{
    put_le(h + 16, 0, 4);
    put_le(h + 16, crc32_ieee(h, header_bytes), 4);
}

static void gpt_header(uint8_t *h, uint32_t block_bytes, uint64_t my_lba, uint64_t alternate_lba,
                       uint64_t blocks, uint64_t entry_lba, uint32_t entries_crc)
{
    uint64_t entry_blocks = GPT_ENTRIES * GPT_ENTRY_BYTES / block_bytes;
    memset(h, 0, block_bytes);
    memcpy(h, "EFI PART", 8);
    put_le(h + 8, 0x00010000, 4);
    put_le(h + 12, 92, 4);
    put_le(h + 24, my_lba, 8);
    put_le(h + 32, alternate_lba, 8);
    put_le(h + 40, 2 + entry_blocks, 8);
    put_le(h + 48, blocks - 2 - entry_blocks, 8);
    memset(h + 56, 0x5a, 16); /* disk GUID */
    put_le(h + 72, entry_lba, 8);
    put_le(h + 80, GPT_ENTRIES, 4);
    put_le(h + 84, GPT_ENTRY_BYTES, 4);
    put_le(h + 88, entries_crc, 4);
    seal_gpt_header(h, 92);
}

/* As sgdisk -o -n ...: protective MBR, header at LBA 1, 128 entries from LBA 2, the backup
 * entries and header at the end of a `disk_bytes` namespace. */
static void write_gpt(uint32_t block_bytes, uint64_t disk_bytes, const struct gpt_partition *parts,
                      unsigned count)
{
    uint64_t blocks = disk_bytes / block_bytes, last = blocks - 1;
    uint64_t entry_blocks = GPT_ENTRIES * GPT_ENTRY_BYTES / block_bytes;
    uint32_t covered = blocks - 1 > 0xffffffffu ? 0xffffffffu : (uint32_t)(blocks - 1);
    mbr_entry(disk, 0, 0x00, 0xee, 1, covered);

    uint8_t *entries = disk + 2 * block_bytes;
    for (unsigned i = 0; i < count; i++) {
        uint8_t *e = entries + i * GPT_ENTRY_BYTES;
        memcpy(e, linux_data_guid, 16);
        memset(e + 16, (int)(0x10 + i), 16);
        put_le(e + 32, parts[i].first_lba, 8);
        put_le(e + 40, parts[i].last_lba, 8);
        put_le(e + 56, 'L', 2); /* name "L" in UTF-16 */
    }
    uint32_t entries_crc = crc32_ieee(entries, GPT_ENTRIES * GPT_ENTRY_BYTES);
    memcpy(disk + (last - entry_blocks) * block_bytes, entries, GPT_ENTRIES * GPT_ENTRY_BYTES);
    gpt_header(disk + block_bytes, block_bytes, 1, last, blocks, 2, entries_crc);
    gpt_header(disk + last * block_bytes, block_bytes, last, 1, blocks, last - entry_blocks,
               entries_crc);
}

/* A FAT32 boot sector as mkfs.fat writes it: 512-byte sectors, 8 per cluster. */
static void fat32_boot_sector(uint8_t *b, uint32_t sectors)
{
    memset(b, 0, 512);
    b[0] = 0xeb;
    b[1] = 0x58;
    b[2] = 0x90;
    memcpy(b + 3, "mkfs.fat", 8);
    put_le(b + 11, 512, 2);
    b[13] = 8;
    put_le(b + 14, 32, 2);
    b[16] = 2;
    b[21] = 0xf8;
    put_le(b + 24, 63, 2);
    put_le(b + 26, 255, 2);
    put_le(b + 32, sectors, 4);
    put_le(b + 36, 1000, 4);
    put_le(b + 44, 2, 4);
    b[66] = 0x29;
    memcpy(b + 71, "NO NAME    FAT32   ", 19);
    memset(b + 90, 0xf4, 420); /* boot code: hlt */
    b[510] = 0x55;
    b[511] = 0xaa;
}

/* A FAT12 floppy as mformat -f 1440 writes it (a superfloppy, whose boot sector also holds a
 * partition entry). */
static void fat12_boot_sector(uint8_t *b)
{
    memset(b, 0, 512);
    b[0] = 0xeb;
    b[1] = 0x3c;
    b[2] = 0x90;
    memcpy(b + 3, "MTOO4043", 8);
    put_le(b + 11, 512, 2);
    b[13] = 1;
    put_le(b + 14, 1, 2);
    b[16] = 2;
    put_le(b + 17, 224, 2);
    put_le(b + 19, 2880, 2);
    b[21] = 0xf0;
    put_le(b + 22, 9, 2);
    b[38] = 0x29;
    memcpy(b + 43, "NO NAME    FAT12   ", 19);
    mbr_entry(b, 0, 0x80, 0x01, 0, 2880); /* mtools writes one, covering the floppy */
}

/* An ext4 superblock (mkfs.ext4 of 1 GiB, 4 KiB blocks) for a filesystem at `start`. */
static void ext4_superblock(uint64_t start)
{
    uint8_t *sb = disk + start + 1024;
    put_le(sb + 0, 65536, 4);
    put_le(sb + 4, 262144, 4);
    put_le(sb + 24, 2, 4);
    put_le(sb + 32, 32768, 4);
    put_le(sb + 40, 8192, 4);
    put_le(sb + 56, 0xef53, 2);
    put_le(sb + 58, 1, 2);
    put_le(sb + 76, 1, 4);
}

static void xfs_superblock(uint64_t start)
{
    uint8_t *sb = disk + start;
    memcpy(sb, "XFSB", 4);
    put_be(sb + 4, 4096, 4);
    put_be(sb + 8, 262144, 8);
    put_be(sb + 88, 4, 4);
    put_be(sb + 100, 0xb4a5, 2);
    put_be(sb + 102, 512, 2);
    put_be(sb + 104, 512, 2);
    sb[120] = 12;
    sb[121] = 9;
}

/* ---- GPT ---- */

static void gpt_disk(uint32_t block_bytes)
{
    clear_disk();
    uint64_t mib_lba = MIB / block_bytes, last_usable = DISK_BYTES / block_bytes - 34;
    struct gpt_partition part = {mib_lba, last_usable};
    write_gpt(block_bytes, DISK_BYTES, &part, 1);
    ext4_superblock(MIB);
}

static void gpt_512(void)
{
    gpt_disk(512);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"ext2/3/4 superblock", MIB + 1024}, {"backup GPT header", DISK_BYTES - 512});
}

static void gpt_4096(void)
{
    gpt_disk(4096);
    scan_disk(4096);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 4096},
               {"ext2/3/4 superblock", MIB + 1024}, {"backup GPT header", DISK_BYTES - 4096});
}

/* The 512-byte layout read as a 4 KiB namespace: LBA 1 is at 4096, where nothing is. */
static void gpt_block_size_is_the_namespace_one(void)
{
    gpt_disk(512);
    scan_disk(4096);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024});
}

static void gpt_header_crc_corrupted(void)
{
    gpt_disk(512);
    disk[512 + 16] ^= 0x01;
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024},
               {"backup GPT header", DISK_BYTES - 512});

    /* Both headers: no GPT at all; the MBR still says a GPT disk was here. */
    disk[DISK_BYTES - 512 + 16] ^= 0x01;
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024});

    /* A field changed without resealing is as bad as a wrong CRC. */
    gpt_disk(4096);
    disk[4096 + 40] ^= 0x80;
    disk[DISK_BYTES - 4096 + 60] ^= 0x01;
    scan_disk(4096);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024});
}

static void gpt_header_field_checks(void)
{
    uint8_t *h = disk + 512;
    gpt_disk(512);
    memset(disk + DISK_BYTES - 512, 0, 512); /* only the primary header matters here */
    memset(disk, 0, 512);

    put_le(h + 8, 0x00020000, 4); /* revision */
    seal_gpt_header(h, 92);
    scan_disk(512);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});

    put_le(h + 8, 0x00010000, 4);
    put_le(h + 12, 91, 4); /* shorter than the fields */
    seal_gpt_header(h, 91);
    scan_disk(512);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});

    put_le(h + 12, 513, 4); /* longer than its block */
    seal_gpt_header(h, 513);
    scan_disk(512);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});

    /* Any HeaderSize from 92 up to the block, the CRC over all of it. */
    put_le(h + 12, 512, 4);
    seal_gpt_header(h, 512);
    scan_disk(512);
    CHECK_HITS({"GPT header", 512}, {"ext2/3/4 superblock", MIB + 1024});
    h[300] = 1; /* inside HeaderSize: covered by the CRC */
    scan_disk(512);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});

    gpt_disk(4096);
    h = disk + 4096;
    put_le(h + 12, 4096, 4);
    h[4000] = 0x77;
    seal_gpt_header(h, 4096);
    scan_disk(4096);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 4096},
               {"ext2/3/4 superblock", MIB + 1024}, {"backup GPT header", DISK_BYTES - 4096});
}

/* Partition starts come from the entries: a start that is not 1 MiB-aligned is still tried. */
static void gpt_entries_name_unaligned_starts(void)
{
    clear_disk();
    struct gpt_partition parts[] = {{34, 2047}, {2100, 4000}, {4001, 4001}, {5000, 6000}};
    write_gpt(512, DISK_BYTES, parts, 4);
    fat32_boot_sector(disk + 34 * 512, 2014);
    xfs_superblock(2100 * 512);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512}, {"FAT boot sector", 34 * 512},
               {"XFS superblock", 2100 * 512}, {"backup GPT header", DISK_BYTES - 512});

    /* An unused entry (zero type GUID) or one ending before it starts names no start. */
    memset(disk + 2 * 512 + 1 * GPT_ENTRY_BYTES, 0, 16);
    put_le(disk + 2 * 512 + 0 * GPT_ENTRY_BYTES + 40, 33, 8);
    gpt_header(disk + 512, 512, 1, DISK_BYTES / 512 - 1, DISK_BYTES / 512, 2, 0);
    memset(disk + DISK_BYTES - 512, 0, 512);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512});
}

/* With the primary header gone, the backup's own entry array names the partitions. */
static void backup_gpt_alone(void)
{
    clear_disk();
    struct gpt_partition part = {2100, 4000};
    write_gpt(512, DISK_BYTES, &part, 1);
    xfs_superblock(2100 * 512);
    memset(disk + 512, 0, 512 * 33);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"XFS superblock", 2100 * 512},
               {"backup GPT header", DISK_BYTES - 512});
}

/* The caller's reads: the first LBAs, the last LBA and the blocks it will write. A table in
 * one names starts in another; one range alone only has its 1 MiB-aligned starts. */
static void ranges_share_partition_starts(void)
{
    clear_disk();
    struct gpt_partition part = {3000, 6000};
    write_gpt(512, DISK_BYTES, &part, 1);
    ext4_superblock(3000 * 512);

    uint8_t *head = malloc(34 * 512), *tail = malloc(512), *target = malloc(64 * KIB);
    memcpy(head, disk, 34 * 512);
    memcpy(tail, disk + DISK_BYTES - 512, 512);
    memcpy(target, disk + 3000 * 512, 64 * KIB);
    struct disk_signature_range ranges[] = {
        {head, 34 * 512, 0}, {tail, 512, DISK_BYTES - 512}, {target, 64 * KIB, 3000 * 512}};
    hit_count = disk_signature_scan_ranges(ranges, 3, 512, DISK_BYTES, hits, MAX_HITS);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"ext2/3/4 superblock", 3000 * 512 + 1024}, {"backup GPT header", DISK_BYTES - 512});

    hit_count = disk_signature_scan_ranges(ranges + 2, 1, 512, DISK_BYTES, hits, MAX_HITS);
    CHECK_NO_HITS();
    hit_count = disk_signature_scan(target, 64 * KIB, 3000 * 512, 512, DISK_BYTES, hits, MAX_HITS);
    CHECK_NO_HITS();

    /* No ranges, or empty ones. */
    CHECK_EQ_U64(disk_signature_scan_ranges(NULL, 0, 512, DISK_BYTES, hits, MAX_HITS), 0);
    struct disk_signature_range empty[] = {{head, 0, 0}, {NULL, 512, 0}};
    CHECK_EQ_U64(disk_signature_scan_ranges(empty, 2, 512, DISK_BYTES, hits, MAX_HITS), 0);
    free(head);
    free(tail);
    free(target);
}

/* ---- MBR ---- */

static void mbr_with_fat_partition(void)
{
    clear_disk();
    mbr_entry(disk, 0, 0x80, 0x0c, 2048, 4096);
    fat32_boot_sector(disk + MIB, 4096);
    scan_disk(512);
    CHECK_HITS({"MBR partition table", 0}, {"FAT boot sector", MIB});

    /* A DOS-era start at sector 63, found through the entry. */
    clear_disk();
    mbr_entry(disk, 1, 0x00, 0x06, 63, 4000);
    fat32_boot_sector(disk + 63 * 512, 4000);
    scan_disk(512);
    CHECK_HITS({"MBR partition table", 0}, {"FAT boot sector", 63 * 512});

    /* On a 4 KiB namespace the entry's LBAs are 4 KiB blocks. */
    clear_disk();
    mbr_entry(disk, 0, 0x00, 0x83, 300, 500);
    ext4_superblock(300 * 4096);
    scan_disk(4096);
    CHECK_HITS({"MBR partition table", 0}, {"ext2/3/4 superblock", 300 * 4096 + 1024});
}

static void mbr_structure_checks(void)
{
    clear_disk();
    mbr_entry(disk, 0, 0x00, 0x83, 2048, 4096);
    scan_disk(512);
    CHECK_HITS({"MBR partition table", 0});

    disk[511] = 0x55; /* signature byte-swapped */
    scan_disk(512);
    CHECK_NO_HITS();
    disk[511] = 0xaa;

    disk[446 + 16 * 3] = 0x01; /* a boot flag that is neither 0x00 nor 0x80: boot code */
    scan_disk(512);
    CHECK_NO_HITS();
    disk[446 + 16 * 3] = 0x00;

    disk[446 + 4] = 0; /* no type */
    scan_disk(512);
    CHECK_NO_HITS();
    disk[446 + 4] = 0x83;

    put_le(disk + 446 + 12, 0, 4); /* no sectors */
    scan_disk(512);
    CHECK_NO_HITS();

    /* 0x55AA with an empty table: zero entries are well-formed but name nothing. */
    clear_disk();
    disk[510] = 0x55;
    disk[511] = 0xaa;
    scan_disk(512);
    CHECK_NO_HITS();

    /* A hybrid MBR (0xEE and a FAT entry) is still the protective MBR of a GPT disk. */
    clear_disk();
    mbr_entry(disk, 0, 0x00, 0xee, 1, 2047);
    mbr_entry(disk, 1, 0x80, 0x0c, 2048, 4096);
    fat32_boot_sector(disk + MIB, 4096);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"FAT boot sector", MIB});
}

/* ---- filesystems ---- */

static void superfloppy_fat(void)
{
    clear_disk();
    fat12_boot_sector(disk);
    scan(0, 1474560, 512, 1474560);
    CHECK_HITS({"FAT boot sector", 0});

    /* FAT32 with boot code where an MBR's table would be: not an MBR. */
    fat32_boot_sector(disk, 4096);
    scan_disk(512);
    CHECK_HITS({"FAT boot sector", 0});
}

static void fat_structure_checks(void)
{
    static const struct {
        unsigned offset, width;
        uint32_t value;
    } breaks[] = {
        {0, 1, 0x00},         /* no jump */
        {0, 1, 0xea},
        {11, 2, 256},         /* bytes per sector */
        {11, 2, 8192},
        {11, 2, 1000},
        {13, 1, 0},           /* sectors per cluster */
        {13, 1, 3},
        {14, 2, 0},           /* reserved sectors: NTFS has none */
        {16, 1, 0},           /* FATs */
        {21, 1, 0x12},        /* media */
        {32, 4, 0},           /* total sectors (the 16-bit count is 0 too) */
        {510, 2, 0x0000},
    };
    for (size_t i = 0; i < CHECK_COUNT(breaks); i++) {
        clear_disk();
        fat32_boot_sector(disk + MIB, 4096);
        put_le(disk + MIB + breaks[i].offset, breaks[i].value, breaks[i].width);
        if (scan_disk(512) != 0) {
            check_fail(__FILE__, __LINE__, "byte %u = 0x%x still a FAT boot sector",
                       breaks[i].offset, breaks[i].value);
            print_hits(__FILE__, __LINE__);
        }
    }
    /* The jump may be E9 and the sizes any power of two in range. */
    clear_disk();
    fat32_boot_sector(disk + MIB, 4096);
    disk[MIB] = 0xe9;
    put_le(disk + MIB + 11, 4096, 2);
    disk[MIB + 13] = 128;
    scan_disk(512);
    CHECK_HITS({"FAT boot sector", MIB});
}

static void ext4_in_partition_at_1mib(void)
{
    clear_disk();
    mbr_entry(disk, 0, 0x00, 0x83, 2048, 6144);
    ext4_superblock(MIB);
    scan_disk(512);
    CHECK_HITS({"MBR partition table", 0}, {"ext2/3/4 superblock", MIB + 1024});

    /* Not an entry's start, only the 1 MiB alignment: still found. */
    memset(disk, 0, 512);
    scan_disk(4096);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});

    /* An ext2 of revision 0 (no extended superblock fields). */
    put_le(disk + MIB + 1024 + 76, 0, 4);
    scan_disk(512);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});
}

static void ext_structure_checks(void)
{
    static const struct {
        unsigned offset, width;
        uint32_t value;
    } breaks[] = {
        {56, 2, 0x53ef}, /* magic byte-swapped */
        {24, 4, 7},      /* s_log_block_size: 512 KiB blocks */
        {76, 4, 2},      /* s_rev_level */
        {0, 4, 0},       /* s_inodes_count */
        {32, 4, 0},      /* s_blocks_per_group */
        {40, 4, 0},      /* s_inodes_per_group */
    };
    for (size_t i = 0; i < CHECK_COUNT(breaks); i++) {
        clear_disk();
        ext4_superblock(MIB);
        put_le(disk + MIB + 1024 + breaks[i].offset, breaks[i].value, breaks[i].width);
        if (scan_disk(512) != 0) {
            check_fail(__FILE__, __LINE__, "superblock byte %u = 0x%x still ext",
                       breaks[i].offset, breaks[i].value);
            print_hits(__FILE__, __LINE__);
        }
    }
    /* The 2-byte magic alone is not a superblock. */
    clear_disk();
    put_le(disk + MIB + 1024 + 56, 0xef53, 2);
    scan_disk(512);
    CHECK_NO_HITS();
}

static void xfs_structure_checks(void)
{
    clear_disk();
    xfs_superblock(MIB);
    scan_disk(512);
    CHECK_HITS({"XFS superblock", MIB});

    static const struct {
        unsigned offset, width;
        uint64_t value;
    } breaks[] = {
        {4, 4, 4095}, {4, 4, 256}, {4, 4, 131072}, {120, 1, 11}, /* block size, its log */
        {102, 2, 256}, {102, 2, 600}, {121, 1, 10},               /* sector size, its log */
        {8, 8, 0}, {88, 4, 0},                                    /* dblocks, agcount */
    };
    for (size_t i = 0; i < CHECK_COUNT(breaks); i++) {
        clear_disk();
        xfs_superblock(MIB);
        put_be(disk + MIB + breaks[i].offset, breaks[i].value, breaks[i].width);
        if (scan_disk(512) != 0) {
            check_fail(__FILE__, __LINE__, "superblock byte %u = 0x%llx still XFS",
                       breaks[i].offset, (unsigned long long)breaks[i].value);
            print_hits(__FILE__, __LINE__);
        }
    }
    clear_disk();
    memcpy(disk + MIB, "XFSB", 4);
    scan_disk(512);
    CHECK_NO_HITS();
}

/* Each signature written at its place in a partition at 1 MiB (a whole-disk one at 0 too),
 * from the formats' own descriptions, not from the scanner's table; then byte `flip` of it
 * changed, which must make it nobody's. */
static void signatures_at_their_places(void)
{
    static const struct {
        const char *name;
        unsigned at, hit_at, len, flip;
        const char *bytes;
    } cases[] = {
        {"NTFS boot sector", 0, 0, 11, 10, "\xeb\x52\x90NTFS    "},
        {"exFAT boot sector", 0, 0, 11, 3, "\xeb\x76\x90" "EXFAT   "},
        {"BitLocker volume", 0, 0, 11, 5, "\xeb\x58\x90-FVE-FS-"},
        {"ReFS volume", 0, 0, 11, 10, "\0\0\0ReFS\0\0\0\0"},
        {"LUKS header", 0, 0, 8, 7, "LUKS\xba\xbe\0\1"},
        {"LUKS header", 0, 0, 8, 4, "LUKS\xba\xbe\0\2"},
        {"btrfs superblock", 65536 + 64, 65536, 8, 0, "_BHRfS_M"},
        {"LVM2 label", 512, 512, 8, 7, "LABELONE"},
        {"LVM2 label", 1536, 1536, 8, 0, "LABELONE"},
        {"Linux swap area", 4086, 0, 10, 9, "SWAPSPACE2"},
        {"Linux swap area", 4086, 0, 10, 4, "SWAP-SPACE"},
        {"Linux swap area", 65526, 0, 10, 0, "SWAPSPACE2"},
        {"Linux swap area", 16374, 0, 10, 9, "SWAPSPACE2"},
        {"ISO 9660 volume descriptor", 32768, 32768, 7, 6, "\1CD001\1"},
        {"ISO 9660 volume descriptor", 32768, 32768, 7, 0, "\xff" "CD001\1"},
        {"UDF volume recognition sequence", 32768, 32768, 7, 2, "\0BEA01\1"},
        {"bcache superblock", 4096 + 24, 4096, 16, 15,
         "\xc6\x85\x73\xf6\x4e\x1a\x45\xca\x82\x65\xf5\x7f\x48\xba\x6d\x81"},
        {"Linux md RAID superblock", 0, 0, 8, 4, "\xfc\x4e\x2b\xa9\1\0\0\0"},
        {"Linux md RAID superblock", 4096, 4096, 8, 0, "\xfc\x4e\x2b\xa9\1\0\0\0"},
        {"ZFS uberblock", 128 * KIB + 4 * KIB, 128 * KIB + 4 * KIB, 16, 15,
         "\x0c\xb1\xba\0\0\0\0\0\x1c\x13\0\0\0\0\0\0"},
        {"ZFS uberblock", 128 * KIB, 128 * KIB, 16, 7,
         "\0\0\0\0\0\xba\xb1\x0c\0\0\0\0\0\0\0\x1c"},
    };
    static const uint64_t starts[] = {MIB, 0};
    for (size_t s = 0; s < CHECK_COUNT(starts); s++)
        for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
            clear_disk();
            uint64_t start = starts[s];
            memcpy(disk + start + cases[i].at, cases[i].bytes, cases[i].len);
            if (strcmp(cases[i].name, "Linux md RAID superblock") == 0)
                put_le(disk + start + cases[i].at + 144, cases[i].at / 512, 8);
            scan_disk(4096);
            if (hit_count != 1 || strcmp(hits[0].name, cases[i].name) != 0 ||
                hits[0].byte_offset != start + cases[i].hit_at) {
                check_fail(__FILE__, __LINE__, "case %zu at 0x%llx: expected \"%s\" at 0x%llx",
                           i, (unsigned long long)start, cases[i].name,
                           (unsigned long long)(start + cases[i].hit_at));
                print_hits(__FILE__, __LINE__);
            }
            disk[start + cases[i].at + cases[i].flip] ^= 0x40;
            if (scan_disk(4096) != 0) {
                check_fail(__FILE__, __LINE__, "case %zu with byte %u flipped", i, cases[i].flip);
                print_hits(__FILE__, __LINE__);
            }
        }
}

static void look_alikes(void)
{
    /* md: the superblock must say where it is (a v1.2 one copied to offset 0 is not one). */
    clear_disk();
    memcpy(disk + MIB, "\xfc\x4e\x2b\xa9\1\0\0\0", 8);
    put_le(disk + MIB + 144, 8, 8);
    scan_disk(512);
    CHECK_NO_HITS();

    /* ZFS: the magic with a version of 0 or past 5000. */
    clear_disk();
    put_le(disk + MIB + 128 * KIB, 0x00bab10c, 8);
    scan_disk(512);
    CHECK_NO_HITS();
    put_le(disk + MIB + 128 * KIB + 8, 5001, 8);
    scan_disk(512);
    CHECK_NO_HITS();

    /* ISO 9660: "CD001" with an unknown descriptor type or version. */
    clear_disk();
    memcpy(disk + 32768, "\x07" "CD001\1", 7);
    scan_disk(512);
    CHECK_NO_HITS();
    memcpy(disk + 32768, "\1CD001\2", 7);
    scan_disk(512);
    CHECK_NO_HITS();

    /* LUKS of an unknown version; a swap magic one byte off its place. */
    clear_disk();
    memcpy(disk, "LUKS\xba\xbe\0\3", 8);
    memcpy(disk + MIB + 4087, "SWAPSPACE2", 10);
    scan_disk(512);
    CHECK_NO_HITS();
}

/* ---- data that is nobody's ---- */

static void zeros(void)
{
    clear_disk();
    static const uint32_t block_sizes[] = {512, 4096, 520, 64, 65536};
    for (size_t i = 0; i < CHECK_COUNT(block_sizes); i++) {
        scan(0, sizeof disk, block_sizes[i], sizeof disk);
        CHECK_NO_HITS();
    }
}

static uint64_t xorshift_state = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift64(void)
{
    uint64_t x = xorshift_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return xorshift_state = x;
}

/* 8 MiB of random bytes, scanned at many alignments so that every check sees new bytes. */
static void random_bytes(void)
{
    for (size_t i = 0; i < sizeof disk; i += 8) {
        uint64_t v = xorshift64();
        memcpy(disk + i, &v, 8);
    }
    scan(0, sizeof disk, 512, sizeof disk);
    CHECK_NO_HITS();
    scan(0, sizeof disk, 4096, sizeof disk);
    CHECK_NO_HITS();
    for (unsigned shift = 1; shift < 200; shift++) {
        uint64_t at = shift * 4093u;
        hit_count = disk_signature_scan(disk + at, 2 * MIB, 0, shift % 2 ? 512 : 4096, 64 * MIB,
                                        hits, MAX_HITS);
        if (hit_count) {
            check_fail(__FILE__, __LINE__, "random data from byte %llu", (unsigned long long)at);
            print_hits(__FILE__, __LINE__);
        }
    }
}

/* Makes block `lba` of the disk a valid pattern block again after its body was changed. */
static void reseal_pattern_block(uint64_t lba, uint32_t block_bytes)
{
    uint8_t *block = disk + lba * block_bytes;
    put_le(block + 24, crc32_ieee(block + 32, block_bytes - 32), 4);
}

static void pattern_blocks_are_ours(void)
{
    static const uint32_t block_sizes[] = {512, 4096};
    for (size_t i = 0; i < CHECK_COUNT(block_sizes); i++) {
        uint32_t bb = block_sizes[i];
        pattern_fill(disk, 0, bb, DISK_BYTES / bb, 0x6e766d6574616c31ull);
        scan_disk(bb);
        CHECK_NO_HITS();

        /* LBA 0 forced into an MBR's shape, its CRC made right: one of ours, skipped. */
        memset(disk + 446, 0, 64);
        mbr_entry(disk, 0, 0x00, 0x83, 2048, 4096);
        reseal_pattern_block(0, bb);
        scan_disk(bb);
        CHECK_NO_HITS();
        /* The same bytes with a stale CRC are not ours: someone wrote an MBR there. */
        disk[24] ^= 0x01;
        scan_disk(bb);
        CHECK_HITS({"MBR partition table", 0});

        /* An ext superblock inside our block at 1 MiB (with 512-byte blocks a superblock
         * cannot be one: the pattern header's CRC would be its s_log_block_size). */
        if (bb == 4096) {
            pattern_fill(disk, 0, bb, DISK_BYTES / bb, 7);
            ext4_superblock(MIB);
            reseal_pattern_block(MIB / bb, bb);
            scan_disk(bb);
            CHECK_NO_HITS();
            disk[MIB + 24] ^= 0x01;
            scan_disk(bb);
            CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});
        }
    }

    /* With 64-byte blocks a boot sector spans eight: while any is ours it is not seen. Here
     * the last one, holding 0x55AA, is a pattern block (for its LBA, resealed). */
    clear_disk();
    fat32_boot_sector(disk + MIB, 4096);
    scan_disk(64);
    CHECK_HITS({"FAT boot sector", MIB});
    uint64_t tail = (MIB + 448) / 64;
    pattern_fill(disk + tail * 64, tail, 64, 1, 11);
    disk[tail * 64 + 62] = 0x55;
    disk[tail * 64 + 63] = 0xaa;
    reseal_pattern_block(tail, 64);
    scan_disk(64);
    CHECK_NO_HITS();
    disk[tail * 64 + 24] ^= 0x01;
    scan_disk(64);
    CHECK_HITS({"FAT boot sector", MIB});

    /* Pattern blocks of another size are not ours: 512-byte ones read as 4 KiB blocks are
     * just data (here data without signatures). */
    pattern_fill(disk, 0, 512, DISK_BYTES / 512, 9);
    scan_disk(4096);
    CHECK_NO_HITS();
}

/* ---- ranges and bounds ---- */

static void range_not_covering_the_signature(void)
{
    gpt_disk(512);
    scan(0, MIB, 512, DISK_BYTES); /* the tables, not the superblock */
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512});
    scan(MIB + 2048, MIB, 512, DISK_BYTES);
    CHECK_NO_HITS();
    scan(MIB + 1024, 79, 512, DISK_BYTES); /* one byte short of what the check reads */
    CHECK_NO_HITS();
    scan(MIB + 1025, 80, 512, DISK_BYTES);
    CHECK_NO_HITS();
    /* Exactly the superblock: its filesystem starts before the range, and is still found. */
    scan(MIB + 1024, 80, 512, DISK_BYTES);
    CHECK_HITS({"ext2/3/4 superblock", MIB + 1024});
    scan(1024, 1024, 512, DISK_BYTES); /* LBA 1 not in the range */
    CHECK_NO_HITS();
    scan(512, 512, 512, DISK_BYTES);
    CHECK_HITS({"GPT header", 512});
    scan(DISK_BYTES - 512, 512, 512, DISK_BYTES);
    CHECK_HITS({"backup GPT header", DISK_BYTES - 512});
    /* The last LBA is the namespace's: a bigger namespace's last LBA holds nothing here. */
    scan(DISK_BYTES - 512, 512, 512, 2 * DISK_BYTES);
    CHECK_NO_HITS();
}

static void truncated_inputs(void)
{
    gpt_disk(512);
    /* Every length of the first 8 KiB: each structure exactly when all of it is there. */
    for (size_t len = 0; len <= 8192; len++) {
        scan(0, len, 512, DISK_BYTES);
        unsigned want = (len >= 512) + (len >= 512 + 92);
        if (hit_count != want) {
            check_fail(__FILE__, __LINE__, "%zu bytes: %u hits, expected %u", len, hit_count,
                       want);
            print_hits(__FILE__, __LINE__);
            break;
        }
    }
    /* The namespace ends inside the data: what lies past it is not the namespace's. */
    scan(0, DISK_BYTES, 512, MIB + 1024 + 79);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512});
    scan(0, DISK_BYTES, 512, MIB + 1024 + 80);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"ext2/3/4 superblock", MIB + 1024});
    scan(0, DISK_BYTES, 512, 0);
    CHECK_NO_HITS();
    scan(MIB, 4096, 512, MIB);
    CHECK_NO_HITS();
    /* Partial blocks and block sizes below a sector: no block arithmetic goes wrong. */
    scan(0, DISK_BYTES - 500, 512, DISK_BYTES); /* 12 bytes of the backup header */
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"ext2/3/4 superblock", MIB + 1024});
    scan(0, DISK_BYTES, 64, DISK_BYTES);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024});
    scan(0, DISK_BYTES, 1, DISK_BYTES);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"ext2/3/4 superblock", MIB + 1024});
}

/* Entries naming huge counts, LBAs past the namespace and the end of 64-bit space. */
static void hostile_gpt_fields(void)
{
    clear_disk();
    struct gpt_partition parts[] = {{UINT64_MAX, UINT64_MAX}, {1ull << 60, UINT64_MAX},
                                    {DISK_BYTES / 512, DISK_BYTES / 512}};
    write_gpt(512, DISK_BYTES, parts, 3);
    uint8_t *h = disk + 512;
    put_le(h + 72, UINT64_MAX, 8); /* entries past everything */
    seal_gpt_header(h, 92);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"backup GPT header", DISK_BYTES - 512});

    put_le(h + 72, 2, 8);
    put_le(h + 80, 0xffffffff, 4); /* entries to the end of the disk and beyond */
    seal_gpt_header(h, 92);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"backup GPT header", DISK_BYTES - 512});

    static const uint32_t sizes[] = {0, 8, 127, 129, 0x80000000u, 0xfffffff8u};
    for (size_t i = 0; i < CHECK_COUNT(sizes); i++) {
        put_le(h + 84, sizes[i], 4);
        seal_gpt_header(h, 92);
        scan_disk(512);
        CHECK_EQ_U64(hit_count, 3);
    }

    /* A namespace near 2^64 bytes with the data at its end. */
    uint64_t huge = UINT64_MAX - 100;
    hit_count = disk_signature_scan(disk, 4096, huge - 4096, 512, huge, hits, MAX_HITS);
    CHECK_NO_HITS();
    hit_count = disk_signature_scan(disk, 4096, UINT64_MAX - 4096, 4096, UINT64_MAX, hits,
                                    MAX_HITS);
    CHECK_NO_HITS();
    hit_count = disk_signature_scan(disk, 4096, 0, 0xffffffffu, UINT64_MAX, hits, MAX_HITS);
    CHECK_HITS({"protective MBR (GPT)", 0});
}

static void hits_sorted_unique_and_capped(void)
{
    /* An MBR and a GPT both naming 1 MiB, which is also 1 MiB-aligned: one hit for it. */
    clear_disk();
    struct gpt_partition parts[] = {{2048, 4095}, {2048, 4095}};
    write_gpt(512, DISK_BYTES, parts, 2);
    mbr_entry(disk, 1, 0x00, 0x83, 2048, 2048);
    ext4_superblock(MIB);
    memcpy(disk + 2 * MIB + 4086, "SWAPSPACE2", 10);
    scan_disk(512);
    CHECK_HITS({"protective MBR (GPT)", 0}, {"GPT header", 512},
               {"ext2/3/4 superblock", MIB + 1024}, {"Linux swap area", 2 * MIB},
               {"backup GPT header", DISK_BYTES - 512});

    /* At most max, every one of them a real hit. */
    struct disk_signature_hit few[2];
    unsigned n = disk_signature_scan(disk, DISK_BYTES, 0, 512, DISK_BYTES, few, 2);
    CHECK_EQ_U64(n, 2);
    CHECK_STR(few[0].name, "protective MBR (GPT)");
    CHECK_EQ_U64(few[0].byte_offset, 0);
    CHECK_STR(few[1].name, "GPT header");
    CHECK_EQ_U64(few[1].byte_offset, 512);
    few[0].name = NULL;
    CHECK_EQ_U64(disk_signature_scan(disk, DISK_BYTES, 0, 512, DISK_BYTES, few, 0), 0);
    CHECK(few[0].name == NULL);
    CHECK_EQ_U64(disk_signature_scan(disk, DISK_BYTES, 0, 512, DISK_BYTES, NULL, 4), 0);
    CHECK_EQ_U64(disk_signature_scan(disk, DISK_BYTES, 0, 0, DISK_BYTES, hits, MAX_HITS), 0);
}

static const struct check_case cases[] = {
    CHECK_CASE(gpt_512),
    CHECK_CASE(gpt_4096),
    CHECK_CASE(gpt_block_size_is_the_namespace_one),
    CHECK_CASE(gpt_header_crc_corrupted),
    CHECK_CASE(gpt_header_field_checks),
    CHECK_CASE(gpt_entries_name_unaligned_starts),
    CHECK_CASE(backup_gpt_alone),
    CHECK_CASE(ranges_share_partition_starts),
    CHECK_CASE(mbr_with_fat_partition),
    CHECK_CASE(mbr_structure_checks),
    CHECK_CASE(superfloppy_fat),
    CHECK_CASE(fat_structure_checks),
    CHECK_CASE(ext4_in_partition_at_1mib),
    CHECK_CASE(ext_structure_checks),
    CHECK_CASE(xfs_structure_checks),
    CHECK_CASE(signatures_at_their_places),
    CHECK_CASE(look_alikes),
    CHECK_CASE(zeros),
    CHECK_CASE(random_bytes),
    CHECK_CASE(pattern_blocks_are_ours),
    CHECK_CASE(range_not_covering_the_signature),
    CHECK_CASE(truncated_inputs),
    CHECK_CASE(hostile_gpt_fields),
    CHECK_CASE(hits_sorted_unique_and_capped),
};

int main(void)
{
    return CHECK_RUN("disk_signature", cases);
}
