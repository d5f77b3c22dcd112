/* NVMe selection at enumeration: which controllers the run may touch, decided from config-space reads and firmware serials. */
#include "boot/nvme_selection.h"

#include <stdio.h>

#include "drivers/nvme/nvme_probe.h"
#include "lib/device_select.h"
#include "lib/tap.h"

bool nvme_selection_leave_alone(const struct pci_function *f, void *arg, char *why,
                                unsigned why_len)
{
    const struct boot_info *info = arg;
    if (!nvme_is_controller(f))
        return false;
    char bdf[16];
    snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", f->address.segment, f->address.bus,
             f->address.device, f->address.function);
    const char *serial = boot_firmware_nvme_serial(info, f->address.segment, f->address.bus,
                                                   f->address.device, f->address.function);
    char reason[96];
    enum device_choice choice = device_select(&info->config.devices, bdf, serial, reason,
                                              sizeof(reason));
    tap_diag("devices: %s %s: %s; serial %s%s", bdf, device_choice_name(choice), reason,
             serial ? serial : "unknown",
             serial ? " (from the firmware's NVMe driver)"
                    : " (the firmware's NVMe driver did not bind it)");
    if (choice == DEVICE_SELECTED)
        return false;
    snprintf(why, why_len, "config devices: %s", reason);
    return true;
}
