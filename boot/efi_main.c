/* efi_main: record what only the firmware knows, reserve memory, ExitBootServices, run nvmetal_main. */
#include <efi.h>
#include <stdio.h>
#include <string.h>

#include "boot/boot_info.h"
#include "boot/efi_config_file.h"
#include "boot/efi_nvme_identity.h"
#include "boot/efi_saved_results.h"
#include "lib/load_options.h"
#include "lib/page_alloc.h"

#define HEAP_BYTES               (8u << 20)
#define DMA_POOL_MAX_ADDRESS     0xffffffffull /* below 4 GiB: reachable by any DMA engine */
#define EXIT_BOOT_SERVICES_TRIES 8
#define MEMORY_MAP_BUFFER_BYTES  (64u << 10)

/* From AllocatePool, not static: .bss lives in the image file (see linker.ld). */
static struct boot_info *boot;
/* Pool allocations, not static arrays: .bss lives in the file (see linker.ld). */
static char *config_text;   /* CONFIG_FILE_MAX + 1 bytes */
static uint8_t *memory_map_buffer; /* MEMORY_MAP_BUFFER_BYTES */

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID global_variable_guid = EFI_GLOBAL_VARIABLE;

/* UCS-2 to ASCII; anything outside printable ASCII becomes '?'. */
static void narrow(const CHAR16 *wide, size_t wide_chars, char *out, size_t out_len)
{
    size_t i = 0;
    for (; wide && i < wide_chars && i + 1 < out_len && wide[i]; i++)
        out[i] = (wide[i] >= 0x20 && wide[i] < 0x7f) ? (char)wide[i] : '?';
    out[i] = '\0';
}

static void record_firmware(EFI_SYSTEM_TABLE *st)
{
    narrow(st->FirmwareVendor, 63, boot->firmware_vendor, sizeof(boot->firmware_vendor));
    boot->firmware_revision = st->FirmwareRevision;
    boot->uefi_revision = st->Hdr.Revision;
    boot->efi_system_table = st;
    boot->efi_reset_system = (void *)st->RuntimeServices->ResetSystem;
}

/* A one-byte global variable (SecureBoot, SetupMode): 0 or 1, or -1 when the firmware has none
 * (UEFI before 2.3.1, or no Secure Boot support) or it is not one byte. */
static int8_t global_flag(EFI_RUNTIME_SERVICES *rt, CHAR16 *name)
{
    UINT8 value = 0;
    UINTN size = sizeof(value);
    if (EFI_ERROR(rt->GetVariable(name, &global_variable_guid, NULL, &size, &value)) || size != 1)
        return -1;
    return value ? 1 : 0;
}

static void record_secure_boot(EFI_SYSTEM_TABLE *st)
{
    boot->secure_boot = global_flag(st->RuntimeServices, L"SecureBoot");
    boot->setup_mode = global_flag(st->RuntimeServices, L"SetupMode");
}

static void record_image(EFI_BOOT_SERVICES *bs, EFI_HANDLE image)
{
    EFI_LOADED_IMAGE *loaded = NULL;
    if (EFI_ERROR(bs->HandleProtocol(image, &loaded_image_guid, (void **)&loaded)))
        return;
    boot->image_base = (uint64_t)(uintptr_t)loaded->ImageBase;
    boot->image_bytes = loaded->ImageSize;
}

static void record_rsdp(EFI_SYSTEM_TABLE *st)
{
    for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
        if (memcmp(&t->VendorGuid, &acpi20_guid, sizeof(EFI_GUID)) == 0) {
            boot->rsdp_address = (uint64_t)(uintptr_t)t->VendorTable;
            boot->rsdp_from_acpi20_guid = true;
            return;
        }
        if (memcmp(&t->VendorGuid, &acpi10_guid, sizeof(EFI_GUID)) == 0 && !boot->rsdp_address)
            boot->rsdp_address = (uint64_t)(uintptr_t)t->VendorTable;
    }
}

static void record_framebuffer(EFI_BOOT_SERVICES *bs)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
    if (EFI_ERROR(bs->LocateProtocol(&gop_guid, NULL, (void **)&gop)) || !gop || !gop->Mode)
        return;
    EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode = gop->Mode;
    boot->framebuffer = (struct boot_framebuffer){
        .present = true, /* BltOnly is the console's to refuse, in the banner */
        .base = mode->FrameBufferBase,
        .size = mode->FrameBufferSize,
        .width = mode->Info->HorizontalResolution,
        .height = mode->Info->VerticalResolution,
        .pixels_per_scan_line = mode->Info->PixelsPerScanLine,
        .pixel_format = mode->Info->PixelFormat,
        .red_mask = mode->Info->PixelInformation.RedMask,
        .green_mask = mode->Info->PixelInformation.GreenMask,
        .blue_mask = mode->Info->PixelInformation.BlueMask,
        .reserved_mask = mode->Info->PixelInformation.ReservedMask,
    };
}

/* \nvmetal.cfg first, then the load options override it. */
static void read_config(EFI_SYSTEM_TABLE *st, EFI_HANDLE image)
{
    config_defaults(&boot->config);
    boot->config_ok = true;
    UINTN bytes = 0;
    EFI_STATUS status = st->BootServices->AllocatePool(EfiLoaderData, CONFIG_FILE_MAX + 1,
                                                       (void **)&config_text);
    if (EFI_ERROR(status)) {
        boot->config_ok = false;
        snprintf(boot->config_error.where, sizeof(boot->config_error.where), "nvmetal.cfg");
        snprintf(boot->config_error.message, sizeof(boot->config_error.message),
                 "no memory to read it: AllocatePool 0x%llx", (unsigned long long)status);
        return;
    }
    status = efi_read_config_file(st, image, config_text, &bytes);
    if (status == EFI_SUCCESS) {
        boot->config_origin = CONFIG_FROM_FILE;
        boot->config_file_bytes = bytes;
        if (config_parse_file(&boot->config, config_text, bytes, "nvmetal.cfg",
                              &boot->config_error) != 0) {
            boot->config_ok = false;
            return;
        }
    } else if (status == EFI_BUFFER_TOO_SMALL) {
        boot->config_ok = false;
        snprintf(boot->config_error.where, sizeof(boot->config_error.where), "nvmetal.cfg");
        snprintf(boot->config_error.message, sizeof(boot->config_error.message),
                 "larger than %u bytes", CONFIG_FILE_MAX);
        return;
    } else if (status != EFI_NOT_FOUND) {
        boot->config_ok = false;
        snprintf(boot->config_error.where, sizeof(boot->config_error.where), "nvmetal.cfg");
        snprintf(boot->config_error.message, sizeof(boot->config_error.message),
                 "cannot be read: EFI status 0x%llx", (unsigned long long)status);
        return;
    }

    EFI_LOADED_IMAGE *loaded = NULL;
    if (EFI_ERROR(st->BootServices->HandleProtocol(image, &loaded_image_guid, (void **)&loaded)))
        return;
    /* Every byte the firmware passed is decoded or refused: an option silently dropped
     * would run with the file's allow_write against the command line's word. */
    char *options = config_text; /* the file's text is parsed already; reuse its buffer */
    char why[CONFIG_MESSAGE_LEN];
    boot->load_options_bytes = loaded->LoadOptionsSize;
    int kind = load_options_decode(loaded->LoadOptions, loaded->LoadOptionsSize, options,
                                   CONFIG_FILE_MAX + 1, why, sizeof(why));
    if (kind < 0) {
        boot->config_ok = false;
        snprintf(boot->config_error.where, sizeof(boot->config_error.where), "load options");
        snprintf(boot->config_error.message, sizeof(boot->config_error.message), "%s", why);
        return;
    }
    boot->load_options_kind = kind;
    boot->load_options_read = true;
    if (kind != LOAD_OPTIONS_TEXT)
        return;
    snprintf(boot->load_options, sizeof(boot->load_options), "%s", options);
    if (config_parse_options(&boot->config, options, strlen(options), &boot->config_error) != 0)
        boot->config_ok = false;
}

static EFI_STATUS reserve_memory(EFI_BOOT_SERVICES *bs)
{
    EFI_PHYSICAL_ADDRESS heap = 0;
    EFI_STATUS status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
                                          HEAP_BYTES / PAGE_SIZE, &heap);
    if (EFI_ERROR(status)) {
        snprintf(boot->boot_error, sizeof(boot->boot_error),
                 "AllocatePages for a %u MiB heap failed: 0x%llx", HEAP_BYTES >> 20,
                 (unsigned long long)status);
        return status;
    }
    boot->heap_base = heap;
    boot->heap_bytes = HEAP_BYTES;

    uint64_t pool_bytes = (uint64_t)boot->config.dma_pool_mb << 20;
    EFI_PHYSICAL_ADDRESS pool = DMA_POOL_MAX_ADDRESS;
    status = bs->AllocatePages(AllocateMaxAddress, EfiLoaderData, pool_bytes / PAGE_SIZE, &pool);
    if (EFI_ERROR(status)) {
        snprintf(boot->boot_error, sizeof(boot->boot_error),
                 "AllocatePages for a %llu MiB DMA pool below 4 GiB failed: 0x%llx",
                 (unsigned long long)boot->config.dma_pool_mb, (unsigned long long)status);
        return status;
    }
    boot->dma_pool_base = pool;
    boot->dma_pool_bytes = pool_bytes;
    return EFI_SUCCESS;
}

static void record_memory_map(UINTN map_bytes, UINTN descriptor_bytes)
{
    boot->memory_map_count = 0;
    for (UINTN offset = 0; offset + descriptor_bytes <= map_bytes; offset += descriptor_bytes) {
        if (boot->memory_map_count == BOOT_MEMORY_MAP_MAX) {
            boot->memory_map_truncated = true;
            return;
        }
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)(memory_map_buffer + offset);
        boot->memory_map[boot->memory_map_count++] = (struct boot_memory_region){
            d->Type, d->PhysicalStart, d->NumberOfPages, d->Attribute};
    }
}

/* The map key goes stale whenever the firmware allocates; ask again and retry. */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, EFI_BOOT_SERVICES *bs)
{
    EFI_STATUS status = EFI_SUCCESS;
    for (unsigned attempt = 1; attempt <= EXIT_BOOT_SERVICES_TRIES; attempt++) {
        UINTN map_bytes = MEMORY_MAP_BUFFER_BYTES, key = 0, descriptor_bytes = 0;
        UINT32 descriptor_version = 0;
        boot->exit_boot_services_attempts = attempt;
        status = bs->GetMemoryMap(&map_bytes, (EFI_MEMORY_DESCRIPTOR *)memory_map_buffer, &key,
                                  &descriptor_bytes, &descriptor_version);
        if (EFI_ERROR(status)) {
            snprintf(boot->boot_error, sizeof(boot->boot_error),
                     "GetMemoryMap failed: 0x%llx (needs %llu bytes)", (unsigned long long)status,
                     (unsigned long long)map_bytes);
            return status;
        }
        status = bs->ExitBootServices(image, key);
        if (status == EFI_SUCCESS) {
            record_memory_map(map_bytes, descriptor_bytes);
            boot->boot_services_exited = true;
            return status;
        }
    }
    snprintf(boot->boot_error, sizeof(boot->boot_error),
             "ExitBootServices failed %u times, last status 0x%llx", EXIT_BOOT_SERVICES_TRIES,
             (unsigned long long)status);
    return status;
}

/* gnu-efi's crt0 calls this with the SysV convention after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    EFI_BOOT_SERVICES *bs = st->BootServices;
    /* The firmware's 5-minute watchdog would reset us mid-run; ours replaces it. */
    bs->SetWatchdogTimer(0, 0, 0, NULL);
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, sizeof(*boot), (void **)&boot)))
        return EFI_OUT_OF_RESOURCES; /* nothing to report with: no console is ours yet */
    memset(boot, 0, sizeof(*boot));

    record_firmware(st);
    record_secure_boot(st);
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, MEMORY_MAP_BUFFER_BYTES,
                                   (void **)&memory_map_buffer)))
        snprintf(boot->boot_error, sizeof(boot->boot_error), "AllocatePool for the memory map failed");
    record_image(bs, image);
    record_rsdp(st);
    record_framebuffer(bs);
    efi_read_nvme_identities(bs, boot);
    read_config(st, image);
    efi_write_waiting_results(st, image, &boot->saved_results);
    /* The run these files hold is over: with after_save = shutdown this boot only reports them. */
    boot->results_only = boot->saved_results.written && boot->config_ok &&
                         boot->config.after_save == AFTER_SAVE_SHUTDOWN;

    if (boot->boot_error[0]) {
        /* nothing more to do before main reports it */
    } else if (reserve_memory(bs) == EFI_SUCCESS && boot->config.exit_boot_services &&
               !boot->results_only) {
        exit_boot_services(image, bs);
    } else if (!boot->boot_error[0]) {
        UINTN map_bytes = MEMORY_MAP_BUFFER_BYTES, key = 0, descriptor_bytes = 0;
        UINT32 descriptor_version = 0;
        if (!EFI_ERROR(bs->GetMemoryMap(&map_bytes, (EFI_MEMORY_DESCRIPTOR *)memory_map_buffer,
                                        &key, &descriptor_bytes, &descriptor_version)))
            record_memory_map(map_bytes, descriptor_bytes);
    }

    int verdict = nvmetal_main(boot);
    return verdict == 0 ? EFI_SUCCESS : EFI_ABORTED;
}
