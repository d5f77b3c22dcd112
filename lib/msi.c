/* MSI messages: the compatibility and remappable formats composed from their fields, and one line that says what a message asks for. */
#include "lib/msi.h"

#include <stdio.h>

#define ENTRY(reg, field, lsb, width, ...) REGFIELD_ENTRY(reg, field, lsb, width, __VA_ARGS__)
static const struct bitfield data_fields[] = {MSI_DATA_FIELDS(ENTRY)};
enum { DATA_DELIVERY = 1, DATA_TRIGGER = 3 }; /* indexes in data_fields[] */
#define DATA_FIELD_COUNT (sizeof(data_fields) / sizeof(data_fields[0]))
_Static_assert(DATA_FIELD_COUNT == 4, "DATA field indexes");

struct msi_message msi_compatibility(uint8_t apic_id, uint8_t vector)
{
    uint32_t address = msi_put_ADDR_HEAD(MSI_ADDRESS_HEAD) | msi_put_ADDR_DEST_ID(apic_id);
    return (struct msi_message){.address = address, .data = msi_put_DATA_VECTOR(vector)};
}

struct msi_message msi_remappable(uint16_t handle, bool shv, uint16_t subhandle)
{
    uint32_t address = msi_put_RADDR_HEAD(MSI_ADDRESS_HEAD) | msi_put_RADDR_FORMAT(1) |
                       msi_put_RADDR_HANDLE(handle) | msi_put_RADDR_HANDLE_15(handle >> 15) |
                       msi_put_RADDR_SHV(shv);
    return (struct msi_message){.address = address, .data = shv ? subhandle : 0};
}

bool msi_is_remappable(struct msi_message m)
{
    return msi_ADDR_FORMAT(m.address) != 0;
}

uint32_t msi_remappable_index(struct msi_message m)
{
    uint32_t handle = msi_RADDR_HANDLE(m.address) | (uint32_t)msi_RADDR_HANDLE_15(m.address) << 15;
    return msi_RADDR_SHV(m.address) ? handle + msi_RDATA_SUBHANDLE(m.data) : handle;
}

size_t msi_describe(struct msi_message m, char *out, size_t len)
{
    int n;
    if ((m.address >> 32) != 0 || msi_ADDR_HEAD(m.address) != MSI_ADDRESS_HEAD) {
        n = snprintf(out, len, "not an MSI address: 0x%llx", (unsigned long long)m.address);
    } else if (msi_is_remappable(m)) {
        uint32_t handle = msi_RADDR_HANDLE(m.address) | (uint32_t)msi_RADDR_HANDLE_15(m.address) << 15;
        if (msi_RADDR_SHV(m.address))
            n = snprintf(out, len, "remappable: handle %u, SHV=1, subhandle %u (IRTE %u)", handle,
                         msi_RDATA_SUBHANDLE(m.data), msi_remappable_index(m));
        else
            n = snprintf(out, len, "remappable: handle %u, SHV=0 (IRTE %u)", handle, handle);
    } else {
        char delivery[24], trigger[8];
        bitfield_meaning(data_fields, DATA_FIELD_COUNT, DATA_DELIVERY, m.data, delivery, sizeof(delivery));
        bitfield_meaning(data_fields, DATA_FIELD_COUNT, DATA_TRIGGER, m.data, trigger, sizeof(trigger));
        n = snprintf(out, len, "compatibility: dest 0x%02x %s, vector 0x%02x %s %s",
                     msi_ADDR_DEST_ID(m.address), msi_ADDR_DM(m.address) ? "logical" : "physical",
                     msi_DATA_VECTOR(m.data), delivery, trigger);
    }
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}
