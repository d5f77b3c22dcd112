/* T10 protection information: the CRC-16 guard and the 8-byte tuple (guard, application tag, reference tag). */
#ifndef NVMETAL_LIB_T10_PI_H
#define NVMETAL_LIB_T10_PI_H

#include <stddef.h>
#include <stdint.h>

/* CRC-16 T10-DIF: polynomial 0x8BB7, initial value 0, not reflected, no final xor
 * ("123456789" gives 0xD0DB). `crc` continues an earlier call (0 to start). */
uint16_t t10_crc16(uint16_t crc, const void *data, size_t len);

/* The 16-bit-guard PI tuple as it sits in metadata: every field big-endian. */
struct t10_pi_tuple {
    uint16_t guard;
    uint16_t application_tag;
    uint32_t reference_tag;
};
void t10_pi_pack(const struct t10_pi_tuple *tuple, uint8_t out[8]);
void t10_pi_unpack(const uint8_t in[8], struct t10_pi_tuple *tuple);

#endif
