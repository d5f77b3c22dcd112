/* T10-DIF CRC-16 (table-driven, MSB first) and big-endian packing of the protection information tuple. */
#include "lib/t10_pi.h"

#define T10_POLY 0x8bb7u

static uint16_t table[256];
static int table_ready;

static void build_table(void)
{
    for (unsigned byte = 0; byte < 256; byte++) {
        uint16_t crc = (uint16_t)(byte << 8);
        for (int bit = 0; bit < 8; bit++)
            crc = (uint16_t)((crc & 0x8000u) ? ((unsigned)crc << 1) ^ T10_POLY : (unsigned)crc << 1);
        table[byte] = crc;
    }
    table_ready = 1;
}

uint16_t t10_crc16(uint16_t crc, const void *data, size_t len)
{
    if (!table_ready)
        build_table();
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ p[i]) & 0xff]);
    return crc;
}

void t10_pi_pack(const struct t10_pi_tuple *tuple, uint8_t out[8])
{
    out[0] = (uint8_t)(tuple->guard >> 8);
    out[1] = (uint8_t)tuple->guard;
    out[2] = (uint8_t)(tuple->application_tag >> 8);
    out[3] = (uint8_t)tuple->application_tag;
    for (int i = 0; i < 4; i++)
        out[4 + i] = (uint8_t)(tuple->reference_tag >> (24 - 8 * i));
}

void t10_pi_unpack(const uint8_t in[8], struct t10_pi_tuple *tuple)
{
    tuple->guard = (uint16_t)(in[0] << 8 | in[1]);
    tuple->application_tag = (uint16_t)(in[2] << 8 | in[3]);
    tuple->reference_tag = (uint32_t)in[4] << 24 | (uint32_t)in[5] << 16 | (uint32_t)in[6] << 8 |
                           in[7];
}
