/* Recognises "someone's data is here": partition tables and filesystem signatures in blocks read from a namespace before it is written. */
#ifndef NVMETAL_LIB_DISK_SIGNATURE_H
#define NVMETAL_LIB_DISK_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

/* One thing found. `name` is a static string, one of:
 *   "MBR partition table", "protective MBR (GPT)"       at 0
 *   "GPT header", "backup GPT header"                   at LBA 1 / the last LBA
 *   "FAT boot sector", "NTFS boot sector", "exFAT boot sector", "BitLocker volume",
 *   "ReFS volume", "XFS superblock", "LUKS header", "Linux swap area"
 *                                                       at the filesystem's start
 *   "ext2/3/4 superblock"                               at start + 1024
 *   "btrfs superblock"                                  at start + 65536
 *   "LVM2 label"                                        at start + 512 * (0..3)
 *   "ISO 9660 volume descriptor", "UDF volume recognition sequence"
 *                                                       at start + 32768
 *   "bcache superblock"                                 at start + 4096
 *   "Linux md RAID superblock"                          at start (v1.1) or start + 4096 (v1.2)
 *   "ZFS uberblock"                                     at start + 128 KiB + n KiB
 * `byte_offset` is the first byte of that structure, from the start of the namespace; it is
 * always below namespace_bytes. lib/disk_signature.c says what each check requires. */
struct disk_signature_hit {
    const char *name;
    uint64_t byte_offset;
};

/* Bytes read from the namespace: data[0..bytes) holds namespace bytes [start, start + bytes). */
struct disk_signature_range {
    const uint8_t *data;
    size_t bytes;
    uint64_t start;
};

/* Scans `bytes` bytes of namespace data that start at byte `start` of the namespace (whole
 * blocks of block_bytes each, block k being namespace bytes [k * block_bytes, (k + 1) *
 * block_bytes); namespace_bytes is the namespace's size) for:
 *   - partition tables at their absolute places: an MBR in bytes 0..511, a GPT header in
 *     LBA 1 and a backup GPT header in the last LBA (LBAs of block_bytes);
 *   - filesystems, volume managers, swap and encryption headers at every plausible partition
 *     start: each start a table found in the range names (MBR entries, and the GPT entries of
 *     either header that lie in the range), and every 1 MiB-aligned offset whose structures
 *     can reach into the range (partitions are 1 MiB-aligned in practice).
 * A structure is seen only when every byte its check reads lies inside the range; data past
 * namespace_bytes is ignored. Blocks that are the image's own pattern blocks (lib/pattern.c:
 * magic "NVMTLBLK", zero bytes 28..31 and a valid CRC over bytes 32..end) count as not read,
 * so a structure touching one is not seen.
 * Writes at most `max` hits, each (name, byte_offset) once, sorted by byte_offset, and returns
 * how many it wrote; when that is `max` there may be more. block_bytes 0, max 0 or hits NULL
 * scan nothing and return 0. Never reads outside data[0..bytes); no allocation. */
unsigned disk_signature_scan(const uint8_t *data, size_t bytes, uint64_t start,
                             uint32_t block_bytes, uint64_t namespace_bytes,
                             struct disk_signature_hit *hits, unsigned max);

/* The same over several ranges read from one namespace (for instance its first LBAs, its last
 * LBA and the blocks about to be written): a partition table in one range names partition
 * starts whose filesystems are looked for in every range. A structure must lie within one
 * range; where ranges overlap, the first that holds all of a structure's bytes is read. */
unsigned disk_signature_scan_ranges(const struct disk_signature_range *ranges, unsigned count,
                                    uint32_t block_bytes, uint64_t namespace_bytes,
                                    struct disk_signature_hit *hits, unsigned max);

#endif
