/* What the firmware hand-off leaves for the rest of the image: tables, memory, config, consoles. */
#ifndef NVMETAL_BOOT_BOOT_INFO_H
#define NVMETAL_BOOT_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

#define BOOT_MEMORY_MAP_MAX 512
#define BOOT_TEXT_LEN       160

/* EFI_MEMORY_TYPE values (UEFI 2.10 table 7.10), for code that must not include the firmware's
 * headers: the memory map below holds them. */
enum boot_memory_type {
    BOOT_MEMORY_RESERVED = 0,
    BOOT_MEMORY_LOADER_CODE = 1,
    BOOT_MEMORY_LOADER_DATA = 2,
    BOOT_MEMORY_BOOT_SERVICES_CODE = 3,
    BOOT_MEMORY_BOOT_SERVICES_DATA = 4,
    BOOT_MEMORY_RUNTIME_SERVICES_CODE = 5,
    BOOT_MEMORY_RUNTIME_SERVICES_DATA = 6,
    BOOT_MEMORY_CONVENTIONAL = 7,
    BOOT_MEMORY_UNUSABLE = 8,
    BOOT_MEMORY_ACPI_RECLAIM = 9,
    BOOT_MEMORY_ACPI_NVS = 10,
    BOOT_MEMORY_MMIO = 11,
    BOOT_MEMORY_MMIO_PORT_SPACE = 12,
    BOOT_MEMORY_PAL_CODE = 13,
    BOOT_MEMORY_PERSISTENT = 14,
};

struct boot_memory_region {
    uint32_t type; /* enum boot_memory_type (EFI_MEMORY_TYPE) */
    uint64_t physical_start;
    uint64_t pages;
    uint64_t attributes;
};

/* The GOP mode left for the screen console (drivers/framebuffer/fb_console.c). */
struct boot_framebuffer {
    bool present;  /* a GOP was found (its format may still be BltOnly) */
    uint64_t base;
    uint64_t size;
    uint32_t width, height, pixels_per_scan_line, pixel_format; /* EFI_GRAPHICS_PIXEL_FORMAT */
    uint32_t red_mask, green_mask, blue_mask, reserved_mask;  /* PixelInformation (PixelBitMask) */
};

enum config_origin { CONFIG_FROM_DEFAULTS, CONFIG_FROM_FILE };

/* A previous run's results found waiting in firmware variables (boot/results_store.h), and
 * what this boot did with them before anything else. */
struct boot_saved_results {
    int found;        /* enum results_waiting: none, read, unreadable */
    bool written;     /* both files written and read back; the variables deleted */
    bool forgotten;   /* the variables were deleted (written, or unreadable for good) */
    bool cut;         /* the run printed more than the store could spare: a prefix was kept */
    unsigned number;  /* N of \nvmetal\results\N.tap */
    size_t tap_bytes, xml_bytes;
    uint32_t run_bytes, verdict, tap_crc, packed_bytes, chunks;
    char why[160];    /* an unreadable record's or a failed write's reason */
};

/* An NVMe controller as the firmware's NVMe driver identified it (boot/efi_nvme_identity.c). */
struct boot_nvme_identity {
    uint16_t segment;
    uint8_t bus, device, function;
    char serial[21]; /* trailing spaces trimmed */
    char model[41];
};

struct boot_info {
    /* Firmware identity. */
    char firmware_vendor[64];
    uint32_t firmware_revision;
    uint32_t uefi_revision; /* major << 16 | minor, e.g. 2.70 = 0x00020046 */
    /* The SecureBoot and SetupMode global variables: 1, 0, or -1 when the firmware has none. */
    int8_t secure_boot, setup_mode;

    /* ACPI: the RSDP as the firmware's configuration table named it (0 if none). */
    uint64_t rsdp_address;
    bool rsdp_from_acpi20_guid;

    struct boot_framebuffer framebuffer;

    /* Serials known before the image touches any controller: from the firmware's NVMe
     * pass-thru instances, one per controller it bound (heap-allocated, count entries). */
    struct boot_nvme_identity *firmware_nvme;
    unsigned firmware_nvme_count;
    char firmware_nvme_note[BOOT_TEXT_LEN]; /* what could not be read, or empty */

    /* Config: \nvmetal.cfg then the load options, parsed before ExitBootServices
     * because the DMA pool size comes from it. Errors are reported by main. */
    struct config config;
    bool config_ok;
    struct config_error config_error;
    enum config_origin config_origin;
    size_t config_file_bytes;
    char load_options[BOOT_TEXT_LEN];
    uint64_t load_options_bytes; /* LoadOptionsSize as the firmware gave it */
    int load_options_kind;       /* enum load_options_kind (lib/load_options.h) */
    bool load_options_read;      /* decoded (a config file error stops before them) */

    /* Memory reserved for us before ExitBootServices. */
    uint64_t dma_pool_base, dma_pool_bytes;
    uint64_t heap_base, heap_bytes;
    uint64_t image_base, image_bytes;

    /* The final memory map (after ExitBootServices) or the one before it. */
    struct boot_memory_region memory_map[BOOT_MEMORY_MAP_MAX];
    unsigned memory_map_count;
    bool memory_map_truncated;

    struct boot_saved_results saved_results;
    /* This boot wrote a previous run's files and after_save = shutdown: no run of its own. */
    bool results_only;

    bool boot_services_exited;
    unsigned exit_boot_services_attempts;
    /* Set when something before the hand-off failed; main reports it as a bail-out. */
    char boot_error[BOOT_TEXT_LEN];

    void *efi_system_table;  /* EFI_SYSTEM_TABLE *, for runtime services and no-exit mode */
    void *efi_reset_system;  /* EFI_RESET_SYSTEM */
};

/* The serial the firmware's NVMe driver reported for the function at this address, or NULL. */
static inline const char *boot_firmware_nvme_serial(const struct boot_info *info, uint16_t segment,
                                                    uint8_t bus, uint8_t device, uint8_t function)
{
    for (unsigned i = 0; i < info->firmware_nvme_count; i++) {
        const struct boot_nvme_identity *n = &info->firmware_nvme[i];
        if (n->segment == segment && n->bus == bus && n->device == device &&
            n->function == function && n->serial[0])
            return n->serial;
    }
    return NULL;
}

/* The rest of the boot flow; returns the verdict when firmware boot services
 * are still up (exit_boot_services = no), otherwise never returns. */
int nvmetal_main(struct boot_info *info);

#endif
