/* Writes a saved run's files, \nvmetal\results\N.tap and N.xml, on the boot volume and reads them back. */
#ifndef NVMETAL_BOOT_EFI_RESULTS_FILE_H
#define NVMETAL_BOOT_EFI_RESULTS_FILE_H

#include <efi.h>
#include <stddef.h>

#define RESULTS_DIRECTORY "\\nvmetal\\results"

struct results_file {
    const char *suffix; /* ".tap", ".xml" */
    const char *bytes;
    size_t len;
};

/* Picks N = one more than the largest number already there (1 in an empty directory), writes
 * every file as N + suffix, flushes, and reads each back to compare. Returns EFI_SUCCESS with
 * *number set, or the first error with why[] naming the file and the step. */
EFI_STATUS efi_results_write(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, const struct results_file *files,
                             unsigned count, unsigned *number, char *why, size_t why_len);

#endif
