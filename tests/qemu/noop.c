/* The do-nothing EFI app: the benchmark's baseline, booted exactly like nvmetal. */
#include <efi.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    (void)image, (void)st;
    /* isa-debug-exit: QEMU exits with (0 << 1) | 1, the same "pass" nvmetal reports. */
    __asm__ volatile("outb %0, %1" : : "a"((unsigned char)0), "Nd"((unsigned short)0xf4));
    return EFI_SUCCESS;
}
