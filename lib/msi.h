/* MSI messages as x86 platforms take them (Intel SDM vol. 3 11.11; VT-d 5.1.2.2 for the remappable format): fields defined once, composed, decoded. */
#ifndef NVMETAL_LIB_MSI_H
#define NVMETAL_LIB_MSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bitfield.h"

/* The address window every MSI write targets (bits 31:20 = 0xFEE). */
#define MSI_ADDRESS_HEAD 0xfee

/* X(REGISTER, FIELD, lsb, width[, meaning]): the compatibility-format address (ADDR) and data
 * (DATA), the remappable-format address (RADDR) and data (RDATA). */
#define MSI_ADDR_FIELDS(X)                                                                      \
    X(ADDR, DM, 2, 1, BF_ENUM("0=physical;1=logical")) X(ADDR, RH, 3, 1)                     \
    X(ADDR, FORMAT, 4, 1, BF_ENUM("0=compatibility;1=remappable"))                             \
    X(ADDR, DEST_ID, 12, 8) X(ADDR, HEAD, 20, 12)
#define MSI_RADDR_FIELDS(X)                                                                     \
    X(RADDR, HANDLE_15, 2, 1) X(RADDR, SHV, 3, 1) X(RADDR, FORMAT, 4, 1)                       \
    X(RADDR, HANDLE, 5, 15) X(RADDR, HEAD, 20, 12)
#define MSI_DATA_FIELDS(X)                                                                      \
    X(DATA, VECTOR, 0, 8)                                                                      \
    X(DATA, DELIVERY, 8, 3, BF_ENUM("0=fixed;1=lowest priority;2=SMI;4=NMI;5=INIT;7=ExtINT"))  \
    X(DATA, LEVEL, 14, 1) X(DATA, TRIGGER, 15, 1, BF_ENUM("0=edge;1=level"))
#define MSI_RDATA_FIELDS(X) X(RDATA, SUBHANDLE, 0, 16) /* remappable format with SHV=1 */
#define MSI_BITS_ADDR 32
#define MSI_BITS_RADDR 32
#define MSI_BITS_DATA 32
#define MSI_BITS_RDATA 32
#define MSI_FIELD_DEFINE(reg, field, lsb, width, ...) REGFIELD_DEFINE(MSI, msi, reg, field, lsb, width)
MSI_ADDR_FIELDS(MSI_FIELD_DEFINE)
MSI_RADDR_FIELDS(MSI_FIELD_DEFINE)
MSI_DATA_FIELDS(MSI_FIELD_DEFINE)
MSI_RDATA_FIELDS(MSI_FIELD_DEFINE)

/* What a device writes to raise the interrupt: a 64-bit address (the high half is 0 on x86)
 * and a 32-bit data word. */
struct msi_message {
    uint64_t address;
    uint32_t data;
};

/* A fixed, edge-triggered interrupt on `vector` for the local APIC `apic_id` (physical
 * destination mode; an xAPIC ID or an x2APIC ID below 256). */
struct msi_message msi_compatibility(uint8_t apic_id, uint8_t vector);
/* The remappable format: interrupt-remapping table entry `handle`, plus `subhandle` when
 * `shv` (the unit adds the data's low 16 bits to the handle). */
struct msi_message msi_remappable(uint16_t handle, bool shv, uint16_t subhandle);

bool msi_is_remappable(struct msi_message m);
/* The IRTE a remappable message selects (handle, plus the subhandle when SHV=1). */
uint32_t msi_remappable_index(struct msi_message m);
/* One line: "compatibility: dest 0x00 physical, vector 0x51 fixed edge" or
 * "remappable: handle 3, SHV=1, subhandle 0 (IRTE 3)", or what makes it no MSI at all
 * ("not an MSI address: 0x..."). Returns the length written. */
size_t msi_describe(struct msi_message m, char *out, size_t len);

#endif
