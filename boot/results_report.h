/* The test point of a boot that found a previous run's results waiting: platform.results.saved. */
#ifndef NVMETAL_BOOT_RESULTS_REPORT_H
#define NVMETAL_BOOT_RESULTS_REPORT_H

#include "boot/boot_info.h"

/* Reports the point when a record was found (nothing otherwise): passes only when both files
 * were written and read back byte for byte. */
void results_report_saved(const struct boot_info *info);

#endif
