/* Firmware NVMe identities: Identify Controller through the firmware's pass-thru protocol, keyed by PCI location. */
#include "boot/efi_nvme_identity.h"

#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_spec.h"

/* GNU-EFI has no header for the NVM Express Pass Thru protocol (UEFI 2.10, section 13.15):
 * the parts used here, laid out as the specification gives them. */
#define NVME_PASS_THRU_GUID \
    {0x52c78312, 0x8edc, 0x4233, {0x98, 0xf2, 0x1a, 0x1a, 0xa5, 0xe3, 0x88, 0xa5}}
#define NVME_PASS_THRU_CDW10_VALID 0x04
#define NVME_PASS_THRU_ADMIN_QUEUE 0
#define NVME_OPC_IDENTIFY          0x06
#define NVME_CNS_CONTROLLER        0x01
/* 100 ns units: one second, far beyond any Identify, so a wedged firmware driver cannot hang boot. */
#define NVME_PASS_THRU_TIMEOUT     10000000ull

struct nvme_pass_thru_mode {
    UINT32 Attributes;
    UINT32 IoAlign;
    UINT32 NvmeVersion;
};

struct nvme_pass_thru_command {
    UINT32 Cdw0; /* opcode in bits 7:0 */
    UINT8 Flags; /* which CDWs below are valid */
    UINT32 Nsid;
    UINT32 Cdw2, Cdw3, Cdw10, Cdw11, Cdw12, Cdw13, Cdw14, Cdw15;
};

struct nvme_pass_thru_completion {
    UINT32 DW0, DW1, DW2, DW3;
};

struct nvme_pass_thru_packet {
    UINT64 CommandTimeout;
    VOID *TransferBuffer;
    UINT32 TransferLength;
    VOID *MetadataBuffer;
    UINT32 MetadataLength;
    UINT8 QueueType;
    struct nvme_pass_thru_command *NvmeCmd;
    struct nvme_pass_thru_completion *NvmeCompletion;
};

struct nvme_pass_thru_protocol {
    struct nvme_pass_thru_mode *Mode;
    EFI_STATUS(EFIAPI *PassThru)(struct nvme_pass_thru_protocol *This, UINT32 NamespaceId,
                                 struct nvme_pass_thru_packet *Packet, EFI_EVENT Event);
    /* GetNextNamespace, BuildDevicePath, GetNamespace follow; not used. */
};

_Static_assert(__builtin_offsetof(struct nvme_pass_thru_command, Nsid) == 8, "EFI_NVM_EXPRESS_COMMAND");
_Static_assert(sizeof(struct nvme_pass_thru_command) == 44, "EFI_NVM_EXPRESS_COMMAND");
_Static_assert(__builtin_offsetof(struct nvme_pass_thru_packet, QueueType) == 36,
               "EFI_NVM_EXPRESS_PASS_THRU_COMMAND_PACKET");
_Static_assert(sizeof(struct nvme_pass_thru_packet) == 56, "EFI_NVM_EXPRESS_PASS_THRU_COMMAND_PACKET");

static EFI_GUID pass_thru_guid = NVME_PASS_THRU_GUID;
static EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;

static void note(struct boot_info *boot, const char *fmt, unsigned long long a, unsigned long long b)
{
    if (!boot->firmware_nvme_note[0])
        snprintf(boot->firmware_nvme_note, sizeof(boot->firmware_nvme_note), fmt, a, b);
}

/* Identify Controller into `page` (4 KiB, page-aligned: any IoAlign the firmware asks for). */
static EFI_STATUS identify(struct nvme_pass_thru_protocol *nvme, uint8_t *page)
{
    struct nvme_pass_thru_command command = {
        .Cdw0 = NVME_OPC_IDENTIFY,
        .Flags = NVME_PASS_THRU_CDW10_VALID,
        .Nsid = 0,
        .Cdw10 = NVME_CNS_CONTROLLER,
    };
    struct nvme_pass_thru_completion completion = {0};
    struct nvme_pass_thru_packet packet = {
        .CommandTimeout = NVME_PASS_THRU_TIMEOUT,
        .TransferBuffer = page,
        .TransferLength = NVME_IDENTIFY_BYTES,
        .QueueType = NVME_PASS_THRU_ADMIN_QUEUE,
        .NvmeCmd = &command,
        .NvmeCompletion = &completion,
    };
    memset(page, 0, NVME_IDENTIFY_BYTES);
    return nvme->PassThru(nvme, 0, &packet, NULL);
}

void efi_read_nvme_identities(EFI_BOOT_SERVICES *bs, struct boot_info *boot)
{
    UINTN count = 0;
    EFI_HANDLE *handles = NULL;
    if (EFI_ERROR(bs->LocateHandleBuffer(ByProtocol, &pass_thru_guid, NULL, &count, &handles)) ||
        count == 0)
        return; /* the firmware bound no NVMe controller */
    EFI_PHYSICAL_ADDRESS page_address = 0;
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, count * sizeof(*boot->firmware_nvme),
                                   (void **)&boot->firmware_nvme)) ||
        EFI_ERROR(bs->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &page_address))) {
        note(boot, "no memory to ask the firmware's %llu NVMe pass-thru instances (%llu)",
             (unsigned long long)count, 0);
        boot->firmware_nvme = NULL;
        bs->FreePool(handles);
        return;
    }
    uint8_t *page = (uint8_t *)(uintptr_t)page_address;
    for (UINTN i = 0; i < count; i++) {
        struct nvme_pass_thru_protocol *nvme = NULL;
        EFI_PCI_IO_PROTOCOL *pci = NULL;
        UINTN segment = 0, bus = 0, device = 0, function = 0;
        /* NvmExpressDxe installs the protocol on the PCI controller's own handle. */
        if (EFI_ERROR(bs->HandleProtocol(handles[i], &pass_thru_guid, (void **)&nvme)) ||
            EFI_ERROR(bs->HandleProtocol(handles[i], &pci_io_guid, (void **)&pci)) ||
            EFI_ERROR(pci->GetLocation(pci, &segment, &bus, &device, &function))) {
            note(boot, "NVMe pass-thru instance %llu of %llu has no PCI location", i + 1, count);
            continue;
        }
        EFI_STATUS status = identify(nvme, page);
        struct nvme_controller_identity identity;
        char why[96];
        if (EFI_ERROR(status)) {
            note(boot, "the firmware's Identify Controller failed: EFI status 0x%llx (instance %llu)",
                 (unsigned long long)status, i + 1);
            continue;
        }
        /* A refusal for queue entry sizes still leaves the serial; an all-zero page does not. */
        if (nvme_parse_identify_controller(page, &identity, why) != 0 && !identity.serial[0]) {
            note(boot, "the firmware's Identify Controller page is empty (instance %llu of %llu)",
                 i + 1, count);
            continue;
        }
        struct boot_nvme_identity *out = &boot->firmware_nvme[boot->firmware_nvme_count++];
        *out = (struct boot_nvme_identity){(uint16_t)segment, (uint8_t)bus, (uint8_t)device,
                                           (uint8_t)function, "", ""};
        snprintf(out->serial, sizeof(out->serial), "%s", identity.serial);
        snprintf(out->model, sizeof(out->model), "%s", identity.model);
    }
    bs->FreePages(page_address, 1);
    bs->FreePool(handles);
}
