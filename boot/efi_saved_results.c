/* A run an earlier boot left in firmware variables, written as TAP and JUnit files on the boot volume with boot services up. */
#include "boot/efi_saved_results.h"

#include <stdio.h>
#include <string.h>

#include "boot/efi_results_file.h"
#include "boot/results_store.h"
#include "lib/junit.h"

/* "# results: the log was cut ..." closes a cut log, so the file says so itself. */
static char *with_cut_note(EFI_BOOT_SERVICES *bs, const char *tap, size_t *len, uint32_t run_bytes)
{
    char note[160];
    int n = snprintf(note, sizeof(note), "# results: the log is cut here, after %zu of the %u bytes "
                     "the run printed: the firmware variable store could spare no more\n",
                     *len, run_bytes);
    char *out = NULL;
    if (n < 0 || EFI_ERROR(bs->AllocatePool(EfiLoaderData, *len + (size_t)n + 1, (void **)&out)))
        return NULL;
    memcpy(out, tap, *len);
    memcpy(out + *len, note, (size_t)n + 1);
    *len += (size_t)n;
    return out;
}

/* A run saved in firmware variables by an earlier boot: its TAP and JUnit files go to the boot
 * volume first, before this boot touches anything; the variables go only once both files read
 * back right (an unreadable record goes too: it will never read better). */
void efi_write_waiting_results(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, struct boot_saved_results *r)
{
    EFI_BOOT_SERVICES *bs = st->BootServices;
    struct results_record_header header;
    char *tap = NULL, *xml = NULL;
    size_t tap_len = 0;
    r->found = results_store_take(st, &tap, &tap_len, &header, r->why, sizeof(r->why));
    if (r->found == RESULTS_NONE)
        return;
    if (r->found == RESULTS_UNREADABLE) {
        results_store_forget(st);
        r->forgotten = true;
        return;
    }
    r->run_bytes = header.run_bytes;
    r->verdict = header.verdict;
    r->tap_crc = header.log_crc;
    r->packed_bytes = header.packed_bytes;
    r->chunks = header.chunk_count;
    r->cut = header.log_bytes < header.run_bytes;
    if (r->cut) {
        char *noted = with_cut_note(bs, tap, &tap_len, header.run_bytes);
        if (noted)
            tap = noted;
    }
    size_t xml_len = junit_from_tap(tap, tap_len, NULL, 0);
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, xml_len + 1, (void **)&xml))) {
        snprintf(r->why, sizeof(r->why), "no pool memory for the %zu-byte JUnit file", xml_len);
        return;
    }
    junit_from_tap(tap, tap_len, xml, xml_len + 1);
    struct results_file files[] = {{".tap", tap, tap_len}, {".xml", xml, xml_len}};
    r->tap_bytes = tap_len;
    r->xml_bytes = xml_len;
    if (EFI_ERROR(efi_results_write(st, image, files, 2, &r->number, r->why, sizeof(r->why))))
        return;
    r->written = true;
    results_store_forget(st);
    r->forgotten = true;
}
