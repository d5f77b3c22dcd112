/* platform.results.saved: what this boot did with the run an earlier boot left in firmware variables. */
#include "boot/results_report.h"

#include <stdio.h>

#include "boot/efi_results_file.h"
#include "boot/results_store.h"
#include "lib/tap.h"

void results_report_saved(const struct boot_info *info)
{
    const struct boot_saved_results *r = &info->saved_results;
    if (r->found == RESULTS_NONE)
        return;
    struct tap_result result;
    tap_result_init(&result);
    if (r->written) {
        result.outcome = TAP_PASS;
        snprintf(result.description, sizeof(result.description),
                 "a previous run's TAP and JUnit written to the boot volume and read back");
        tap_yaml_add(&result, "tap_file", RESULTS_DIRECTORY "\\%u.tap", r->number);
        tap_yaml_add(&result, "xml_file", RESULTS_DIRECTORY "\\%u.xml", r->number);
        tap_yaml_add(&result, "tap_bytes", "%zu", r->tap_bytes);
        tap_yaml_add(&result, "xml_bytes", "%zu", r->xml_bytes);
        tap_yaml_add(&result, "run_bytes", "%u", r->run_bytes);
        tap_yaml_add(&result, "packed_bytes", "%u", r->packed_bytes);
        tap_yaml_add(&result, "chunks", "%u", r->chunks);
        tap_yaml_add(&result, "cut", "%s", r->cut ? "yes" : "no");
        tap_yaml_add(&result, "run_verdict", "%u", r->verdict);
        tap_yaml_add(&result, "tap_crc", "0x%08x", r->tap_crc);
    } else {
        result.outcome = TAP_FAIL;
        snprintf(result.description, sizeof(result.description),
                 "a previous run's results were waiting but are not on the boot volume");
        tap_yaml_add(&result, "error", "%s", r->why);
        tap_yaml_add(&result, "record", "%s", r->found == RESULTS_READ ? "read" : "unreadable");
    }
    tap_yaml_add(&result, "variables", "%s", r->forgotten ? "deleted" : "kept for the next boot");
    tap_report("platform.results.saved", "", &result);
}
