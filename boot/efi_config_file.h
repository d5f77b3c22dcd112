/* Reads \nvmetal.cfg from the volume the image was loaded from. */
#ifndef NVMETAL_BOOT_EFI_CONFIG_FILE_H
#define NVMETAL_BOOT_EFI_CONFIG_FILE_H

#include <efi.h>

#define CONFIG_FILE_MAX 65536

/* Returns EFI_SUCCESS with the bytes in buffer, EFI_NOT_FOUND when there is no
 * file, EFI_BUFFER_TOO_SMALL when it is larger than CONFIG_FILE_MAX, or the
 * firmware's error. */
EFI_STATUS efi_read_config_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, char *buffer,
                                UINTN *bytes);

#endif
