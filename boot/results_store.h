/* A run's TAP log kept across a reset in UEFI variables: saved at the end of a run, taken by the next boot. */
#ifndef NVMETAL_BOOT_RESULTS_STORE_H
#define NVMETAL_BOOT_RESULTS_STORE_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/results_record.h"

/* What the save did, for the summary screen and the diagnostics. */
struct results_save {
    bool saved;
    char why[160];             /* why nothing was saved, or what was cut */
    size_t log_bytes, run_bytes, packed_bytes;
    unsigned chunks;
    uint64_t store_remaining;  /* QueryVariableInfo before the save */
    uint64_t max_variable;
};

/* After ExitBootServices (runtime services only): compresses log (cut at a line end when the
 * store has too little room to spare), writes the chunks, then the header. Nothing is written
 * while another run's record still waits for the stick, nor when the firmware cannot say how
 * much room its variable store has. log holds the first log_bytes of the run_bytes the run
 * printed (less when the capture buffer filled). Allocates from the heap. */
void results_store_save(EFI_SYSTEM_TABLE *st, const char *log, size_t log_bytes, size_t run_bytes,
                        uint32_t verdict, struct results_save *out);

enum results_waiting { RESULTS_NONE, RESULTS_READ, RESULTS_UNREADABLE };

/* Boot services up: the waiting record, decompressed into pool memory (*log, *len). For
 * RESULTS_UNREADABLE, why[] says what is wrong with it. */
enum results_waiting results_store_take(EFI_SYSTEM_TABLE *st, char **log, size_t *len,
                                        struct results_record_header *header, char *why,
                                        size_t why_len);
/* Deletes the header, then every chunk up to the first missing one. */
void results_store_forget(EFI_SYSTEM_TABLE *st);

#endif
