/* Writes the run an earlier boot saved in firmware variables to \nvmetal\results\ before this boot does anything else. */
#ifndef NVMETAL_BOOT_EFI_SAVED_RESULTS_H
#define NVMETAL_BOOT_EFI_SAVED_RESULTS_H

#include <efi.h>

#include "boot/boot_info.h"

/* Takes the waiting record (if any), writes N.tap and N.xml (JUnit) and reads them back, then
 * deletes the variables; r says what happened. An unreadable record is deleted too (it will
 * never read better); one whose files could not be written is kept for a later boot. */
void efi_write_waiting_results(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, struct boot_saved_results *r);

#endif
