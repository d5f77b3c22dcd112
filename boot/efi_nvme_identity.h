/* NVMe identities the firmware's own NVMe driver can tell, read before ExitBootServices without touching a controller ourselves. */
#ifndef NVMETAL_BOOT_EFI_NVME_IDENTITY_H
#define NVMETAL_BOOT_EFI_NVME_IDENTITY_H

#include <efi.h>

#include "boot/boot_info.h"

/* Asks every EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL instance for Identify Controller and keeps
 * each controller's PCI location, serial and model in boot->firmware_nvme. A controller the
 * firmware did not bind has no instance: its serial stays unknown (config `devices` then
 * cannot select it by serial). Problems go to boot->firmware_nvme_note, never a bail-out. */
void efi_read_nvme_identities(EFI_BOOT_SERVICES *bs, struct boot_info *boot);

#endif
