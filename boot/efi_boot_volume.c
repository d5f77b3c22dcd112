/* Opens the boot volume's root through the loaded image's device and its Simple File System protocol. */
#include "boot/efi_boot_volume.h"

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

EFI_STATUS efi_open_boot_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
    EFI_BOOT_SERVICES *bs = st->BootServices;
    EFI_LOADED_IMAGE *loaded = NULL;
    EFI_STATUS status = bs->HandleProtocol(image, &loaded_image_guid, (void **)&loaded);
    if (EFI_ERROR(status))
        return status;
    EFI_FILE_IO_INTERFACE *volume = NULL;
    status = bs->HandleProtocol(loaded->DeviceHandle, &file_system_guid, (void **)&volume);
    if (EFI_ERROR(status))
        return status;
    return volume->OpenVolume(volume, root);
}
