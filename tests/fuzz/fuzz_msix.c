/* libFuzzer harness for drivers/pci/pci_msix_layout.c and lib/msi.c: an MSI-X capability and six BARs as a device and firmware might give them; an accepted layout lies inside its BARs without overlap, msi_describe stays in its buffer. */
#include "fuzz_common.h"

#include "drivers/pci/pci_msix.h"
#include "lib/msi.h"

/* Input: the capability's three dwords, then per BAR a kind byte, an 8-byte address and an
 * 8-byte size; zeros where the input ends. */
#define BAR_BYTES 17u
#define INPUT_BYTES (12u + PCI_MAX_BARS * BAR_BYTES)

static bool inside(uint64_t at, uint64_t bytes, const struct pci_bar *b)
{
    return b->address && at >= b->address && at - b->address <= b->size &&
           bytes <= b->size - (at - b->address);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *in = fuzz_page(data, size, INPUT_BYTES);
    uint32_t dwords[3];
    for (unsigned i = 0; i < 3; i++)
        dwords[i] = (uint32_t)fuzz_le(in + 4 * i, 4);
    struct pci_bar bars[PCI_MAX_BARS];
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        const uint8_t *p = in + 12 + i * BAR_BYTES;
        bars[i] = (struct pci_bar){.kind = (enum pci_bar_kind)(p[0] % 5), .prefetchable = p[0] & 0x80,
                                   .address = fuzz_le(p + 1, 8), .size = fuzz_le(p + 9, 8)};
    }
    struct pci_msix_layout l;
    char why[120];
    memset(why, 'x', sizeof why);
    if (pci_msix_layout(dwords, bars, &l, why, sizeof why) == 0) {
        uint64_t table_bytes = (uint64_t)l.entries * 16, pba_bytes = ((uint64_t)l.entries + 63) / 64 * 8;
        FUZZ_CHECK(l.entries >= 1 && l.entries <= 2048, "%u entries", l.entries);
        FUZZ_CHECK(l.table_bir < PCI_MAX_BARS && l.pba_bir < PCI_MAX_BARS, "BIRs %u %u", l.table_bir, l.pba_bir);
        FUZZ_CHECK(inside(l.table_address, table_bytes, &bars[l.table_bir]), "table outside BAR%u", l.table_bir);
        FUZZ_CHECK(inside(l.pba_address, pba_bytes, &bars[l.pba_bir]), "PBA outside BAR%u", l.pba_bir);
        FUZZ_CHECK(l.table_address >= l.pba_address + pba_bytes || l.pba_address >= l.table_address + table_bytes,
                   "table and PBA overlap");
        FUZZ_CHECK(bars[l.table_bir].kind != PCI_BAR_IO && bars[l.table_bir].kind != PCI_BAR_UNUSED, "table BAR kind");
    } else {
        FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL, "refusal reason not terminated");
        FUZZ_CHECK(strncmp(why, "MSI-X ", 6) == 0, "refusal reason '%s'", why);
    }
    /* The same bytes as an MSI message: the description ends inside any buffer. */
    struct msi_message m = {.address = fuzz_le(in, 8), .data = dwords[2]};
    for (size_t len = 1; len <= 96; len += 19) {
        char text[96];
        memset(text, 'x', sizeof text);
        size_t n = msi_describe(m, text, len);
        FUZZ_CHECK(n < len && text[n] == '\0', "msi_describe wrote %zu into %zu", n, len);
    }
    free(in);
    return 0;
}
