/* Data patterns unique per LBA and per run, and the comparison that finds the first mismatch. */
#ifndef NVMETAL_LIB_PATTERN_H
#define NVMETAL_LIB_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* Each block starts with a 32-byte header: magic "NVMTLBLK", the LBA, the
 * seed, and a CRC-32 of the rest of the block; the rest is a pseudo-random
 * stream seeded by (seed, lba). A stale block from another run or another LBA
 * therefore never compares equal. */
void pattern_fill(void *buffer, uint64_t first_lba, uint32_t block_bytes, uint32_t blocks,
                  uint64_t seed);

struct pattern_mismatch {
    uint64_t lba;          /* the first mismatching block */
    uint32_t offset;       /* byte offset inside that block */
    uint64_t expected;     /* the 8 bytes at that (8-aligned) offset */
    uint64_t got;
};

/* Returns 0 when every block matches, else -1 with the first mismatch. */
int pattern_check(const void *buffer, uint64_t first_lba, uint32_t block_bytes, uint32_t blocks,
                  uint64_t seed, struct pattern_mismatch *mismatch);

/* Separate metadata (a multiple of 8 bytes per block): per-LBA words derived from the seed
 * (lib/pattern.c documents the formula for oracles outside the image). */
void pattern_fill_metadata(void *buffer, uint64_t first_lba, uint32_t metadata_bytes,
                           uint32_t blocks, uint64_t seed);
int pattern_check_metadata(const void *buffer, uint64_t first_lba, uint32_t metadata_bytes,
                           uint32_t blocks, uint64_t seed, struct pattern_mismatch *mismatch);

/* CRC-32 (IEEE 802.3, reflected, init and final xor 0xffffffff). */
uint32_t crc32_ieee(const void *data, size_t len);

#endif
