/* Reads \nvmetal.cfg from the boot volume through the Simple File System protocol. */
#include "boot/efi_config_file.h"

#include "boot/efi_boot_volume.h"

EFI_STATUS efi_read_config_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, char *buffer, UINTN *bytes)
{
    EFI_FILE_HANDLE root = NULL;
    EFI_STATUS status = efi_open_boot_volume(st, image, &root);
    if (EFI_ERROR(status))
        return status;
    EFI_FILE_HANDLE file = NULL;
    status = root->Open(root, &file, (CHAR16 *)L"\\nvmetal.cfg", EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        root->Close(root);
        return status;
    }
    /* Read one byte more than we accept: getting it means the file is too big. */
    UINTN total = 0;
    for (;;) {
        UINTN chunk = CONFIG_FILE_MAX + 1 - total;
        status = file->Read(file, &chunk, buffer + total);
        if (EFI_ERROR(status) || chunk == 0)
            break;
        total += chunk;
        if (total > CONFIG_FILE_MAX) {
            status = EFI_BUFFER_TOO_SMALL;
            break;
        }
    }
    file->Close(file);
    root->Close(root);
    *bytes = total;
    return status;
}
