/* A console sink over the firmware's ConOut, for runs that keep boot services. */
#ifndef NVMETAL_BOOT_EFI_CONSOLE_H
#define NVMETAL_BOOT_EFI_CONSOLE_H

#include <stddef.h>

void efi_console_init(void *efi_system_table);
void efi_console_write(const char *text, size_t len);

#endif
