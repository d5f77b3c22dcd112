/* The file system of the volume the image was loaded from (the stick's ESP). */
#ifndef NVMETAL_BOOT_EFI_BOOT_VOLUME_H
#define NVMETAL_BOOT_EFI_BOOT_VOLUME_H

#include <efi.h>

/* The volume's root directory, to Close when done. */
EFI_STATUS efi_open_boot_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, EFI_FILE_HANDLE *root);

#endif
