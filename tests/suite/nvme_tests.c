/* NVMe test cases available before the full driver: every controller found answers at BAR0. */
#include <stdio.h>

#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"
#include "tests/suite/suite.h"

static void controller_probe(const struct suite_context *ctx, const char *id)
{
    unsigned found = 0;
    for (unsigned i = 0; i < ctx->pci->count; i++) {
        const struct pci_function *f = &ctx->pci->functions[i];
        if (!nvme_is_controller(f))
            continue;
        found++;
        char where[16];
        pci_address_format(f->address, where, sizeof(where));
        struct nvme_probe p;
        struct tap_result r;
        tap_result_init(&r);
        if (nvme_probe(f, &p) != 0) {
            tap_yaml_add(&r, "problem", "%s", p.problem);
            suite_fail(id, where, &r, "controller registers unreadable");
            continue;
        }
        char text[200];
        bitfield_format(nvme_cap_fields, nvme_cap_field_count, p.cap, text, sizeof(text));
        tap_diag("nvme %s CAP 0x%016llx %s", where, (unsigned long long)p.cap, text);
        bitfield_format(nvme_cc_fields, nvme_cc_field_count, p.cc, text, sizeof(text));
        tap_diag("nvme %s CC 0x%08x %s", where, p.cc, text);
        bitfield_format(nvme_csts_fields, nvme_csts_field_count, p.csts, text, sizeof(text));
        tap_diag("nvme %s CSTS 0x%08x %s", where, p.csts, text);
        unsigned major = (unsigned)(p.vs >> 16), minor = (p.vs >> 8) & 0xff;
        unsigned mqes = (unsigned)(p.cap & 0xffff);
        /* NVMe 1.0 is the oldest version there is; a major of 0 is a device not answering. */
        if (major == 0) {
            tap_yaml_add(&r, "VS", "0x%08x", p.vs);
            suite_fail(id, where, &r, "version register reads 0");
            continue;
        }
        suite_pass(id, where, "BAR0 0x%llx CAP.MQES %u VS %u.%u", (unsigned long long)p.bar0,
                   mqes, major, minor);
    }
    if (!found)
        suite_skip(id, NULL, "no NVMe controller (class 01:08:02) found");
}

const struct test_case nvme_test_cases[] = {
    {"nvme.controller.probe", controller_probe},
};
const unsigned nvme_test_case_count = sizeof(nvme_test_cases) / sizeof(nvme_test_cases[0]);
