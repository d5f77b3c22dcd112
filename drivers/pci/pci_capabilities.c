/* Capability lists: walks with loop and bounds protection (a broken device must not hang enumeration), and lookups in what they found. */
#include "drivers/pci/pci_capabilities.h"

#include <stdio.h>

#define STANDARD_CAP_MIN_OFFSET 0x40
#define STANDARD_CAP_WALK_LIMIT 48  /* (256 - 64) / 4 entries cannot exceed this */
#define EXTENDED_CAP_WALK_LIMIT 960 /* (4096 - 256) / 4 */

#define STANDARD_CAP_DWORDS 3 /* header, +4, +8: what the inventory decodes */

static void add_cap(struct pci_function *f, uint16_t id, uint16_t offset, bool extended)
{
    if (f->cap_count < PCI_MAX_CAPS) {
        struct pci_capability *c = &f->caps[f->cap_count++];
        *c = (struct pci_capability){.id = id, .offset = offset, .extended = extended};
        c->dwords[0] = pci_config_read32(f->address, offset);
        for (unsigned i = 1; !extended && i < STANDARD_CAP_DWORDS && offset + 4 * i < 0x100; i++)
            c->dwords[i] = pci_config_read32(f->address, (uint16_t)(offset + 4 * i));
    } else if (!f->cap_problem[0])
        snprintf(f->cap_problem, sizeof(f->cap_problem), "more than %u capabilities",
                 PCI_MAX_CAPS);
}

static void walk_standard(struct pci_function *f)
{
    if (!(pci_config_read16(f->address, PCI_STATUS) & PCI_STATUS_CAP_LIST))
        return;
    uint8_t visited[256 / 8] = {0};
    uint8_t offset = pci_config_read8(f->address, PCI_CAPABILITY_LIST) & 0xfc;
    for (unsigned steps = 0; offset; steps++) {
        if (offset < STANDARD_CAP_MIN_OFFSET || steps == STANDARD_CAP_WALK_LIMIT ||
            (visited[offset / 8] & (1u << (offset % 8)))) {
            snprintf(f->cap_problem, sizeof(f->cap_problem),
                     "capability pointer 0x%02x after %u entries is invalid or loops", offset,
                     steps);
            return;
        }
        visited[offset / 8] |= (uint8_t)(1u << (offset % 8));
        add_cap(f, pci_config_read8(f->address, offset), offset, false);
        offset = pci_config_read8(f->address, offset + 1) & 0xfc;
    }
}

static void walk_extended(struct pci_function *f)
{
    if (!pci_config_has_extended_space(f->address) ||
        !pci_find_capability(f, PCI_CAP_ID_PCIE, false))
        return;
    uint16_t offset = PCI_EXT_CAP_START;
    for (unsigned steps = 0; offset; steps++) {
        uint32_t header = pci_config_read32(f->address, offset);
        if (header == 0 || header == 0xffffffffu)
            return; /* no extended capabilities at all (or at the list's end) */
        if (steps == EXTENDED_CAP_WALK_LIMIT) {
            snprintf(f->cap_problem, sizeof(f->cap_problem),
                     "extended capability list longer than %u entries", steps);
            return;
        }
        add_cap(f, pci_EXT_HEADER_ID(header), offset, true);
        uint16_t next = pci_EXT_HEADER_NEXT(header) & 0xffc;
        if (next && next <= offset) {
            snprintf(f->cap_problem, sizeof(f->cap_problem),
                     "extended capability at 0x%03x points back to 0x%03x", offset, next);
            return;
        }
        offset = next;
    }
}

/* The subsystem IDs: at 0x2c in a type 0 header, in the SSVID capability of a bridge. */
static void read_subsystem(struct pci_function *f)
{
    if (f->header_type == PCI_HEADER_ENDPOINT) {
        f->subsystem_vendor_id = pci_config_read16(f->address, PCI_SUBSYSTEM_VENDOR);
        f->subsystem_id = pci_config_read16(f->address, PCI_SUBSYSTEM_VENDOR + 2);
        return;
    }
    const struct pci_capability *ssvid = pci_find_capability(f, PCI_CAP_ID_SSVID, false);
    if (ssvid) {
        f->subsystem_vendor_id = pci_SSVID_IDS_VENDOR(ssvid->dwords[1]);
        f->subsystem_id = pci_SSVID_IDS_DEVICE(ssvid->dwords[1]);
    }
}

void pci_walk_capabilities(struct pci_function *f)
{
    walk_standard(f);
    walk_extended(f);
    read_subsystem(f);
}

const struct pci_capability *pci_find_capability(const struct pci_function *f, uint16_t id,
                                                 bool extended)
{
    for (unsigned i = 0; i < f->cap_count; i++)
        if (f->caps[i].id == id && f->caps[i].extended == extended)
            return &f->caps[i];
    return NULL;
}
