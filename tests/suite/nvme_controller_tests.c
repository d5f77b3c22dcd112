/* NVMe controller test cases: takeover, identify, the data guard, I/O queues, verified I/O, flush, clean shutdown, controllers left alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/timer.h"
#include "boot/boot_info.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"
#include "lib/device_select.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_data_guard.h"
#include "tests/suite/nvme_fixture.h"

static void takeover(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement host = nvme_fixture_host_placement();
    /* What the previous owner (firmware, or an earlier pass of ours) left. */
    uint32_t found_cc = nvme_reg_read32(c, NVME_REG(cc));
    uint32_t found_csts = nvme_reg_read32(c, NVME_REG(csts));
    if (found_csts & NVME_CSTS_CFS) {
        struct tap_result r;
        tap_result_init(&r);
        tap_yaml_add(&r, "found_cc", "0x%08x", found_cc);
        tap_yaml_add(&r, "found_csts", "0x%08x", found_csts);
        nvme_fail(id, c, &r, "controller in fatal status (CSTS.CFS=1) before takeover");
        return;
    }
    uint64_t start = time_now_us();
    if (c->started)
        nvme_shutdown(c);
    if (!nvme_started_or_fail(id, c, &host))
        return;
    uint64_t took = time_now_us() - start;
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    /* The time is a measurement: YAML, so the point's line is the same on every run. */
    struct tap_result r;
    tap_result_init(&r);
    tap_yaml_add(&r, "duration_us", "%llu", (unsigned long long)took);
    suite_pass_with(id, c->name, &r, "found CC.EN=%u CSTS.RDY=%u (firmware left CC.EN=%u); ours "
                    "now (CSTS 0x%08x)", found_cc & NVME_CC_EN, found_csts & NVME_CSTS_RDY,
                    c->firmware_cc & NVME_CC_EN, csts);
}

static void identify_controller(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    const struct nvme_controller_identity *idn = &c->identity;
    struct tap_result r;
    tap_result_init(&r);
    /* Identify's VID is defined as the PCI vendor ID: two independent readings. */
    if (idn->vendor_id != c->pci->vendor_id) {
        tap_yaml_add(&r, "expected", "VID 0x%04x (PCI vendor ID)", c->pci->vendor_id);
        tap_yaml_add(&r, "got", "VID 0x%04x", idn->vendor_id);
        nvme_fail(id, c, &r, "Identify Controller disagrees with PCI config space");
        return;
    }
    /* config devices decided on the serial the firmware's NVMe driver reported for this PCI
     * function: it must be the one the controller gives us. */
    struct pci_address a = c->pci->address;
    const char *firmware_serial =
        fx->boot ? boot_firmware_nvme_serial(fx->boot, a.segment, a.bus, a.device, a.function) : NULL;
    if (firmware_serial && strcmp(firmware_serial, idn->serial) != 0) {
        tap_yaml_add(&r, "firmware_serial", "%s", firmware_serial);
        tap_yaml_add(&r, "serial", "%s", idn->serial);
        nvme_fail(id, c, &r, "the firmware's NVMe driver reported another serial for this function: "
                  "config devices decided on the firmware's");
        return;
    }
    tap_diag("nvme %s SN \"%s\" MN \"%s\" FR \"%s\" CNTLID %u VER 0x%08x", c->name, idn->serial,
             idn->model, idn->firmware, idn->controller_id, idn->version);
    tap_yaml_add(&r, "serial", "%s", idn->serial);
    tap_yaml_add(&r, "firmware_serial", "%s", firmware_serial ? firmware_serial : "unknown");
    tap_yaml_add(&r, "cntlid", "%u", idn->controller_id);
    tap_yaml_add(&r, "subnqn", "%s", idn->subsystem_nqn);
    tap_yaml_add(&r, "cmic", "0x%02x", idn->multipath);
    tap_yaml_add(&r, "mdts", "%u", idn->mdts);
    tap_yaml_add(&r, "max_transfer_bytes", "%u", nvme_max_transfer_bytes(c));
    tap_yaml_add(&r, "nn", "%u", idn->namespace_count);
    tap_yaml_add(&r, "oncs", "0x%04x", idn->oncs);
    tap_yaml_add(&r, "cc_css", "%u", c->io_command_sets ? 6 : 0);
    suite_pass_with(id, c->name, &r, "SN %s, MDTS %u (%u KiB per command), NN %u, "
             "VID matches PCI", idn->serial, idn->mdts, nvme_max_transfer_bytes(c) / 1024,
             idn->namespace_count);
}

/* One point per active namespace: its Identify answer decodes, or the point says why not. */
static void identify_namespace(const char *id, struct nvme_fixture *fx, struct nvme_target *t)
{
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(t->c, t->nsid);
    struct tap_result r;
    tap_result_init(&r);
    if (!ns->usable) {
        tap_yaml_add(&r, "problem", "%s", ns->problem);
        nvme_target_fail(id, t, &r, "Identify Namespace answer is unusable");
        return;
    }
    const struct nvme_namespace_identity *n = &ns->identity;
    char format[64];
    nvme_format_describe(n, format, sizeof(format));
    tap_diag("nvme %s: %llu blocks of %s (LBA format %u of %u), NCAP %llu NUSE %llu, NMIC 0x%02x, "
             "CSI 0x%02x", t->device, (unsigned long long)n->size_blocks, format, n->lba_format,
             n->lba_format_count, (unsigned long long)n->capacity_blocks,
             (unsigned long long)n->utilization_blocks, n->multipath, ns->csi);
    yaml_add_format(&r, ns);
    tap_yaml_add(&r, "nsze", "%llu", (unsigned long long)n->size_blocks);
    tap_yaml_add(&r, "nmic", "0x%02x", n->multipath);
    if (ns->csi == NVME_CSI_ZONED)
        tap_yaml_add(&r, "zone_size_blocks", "%llu", (unsigned long long)ns->zoned.zone_size_blocks);
    tap_yaml_add(&r, "list", "%s", t->c->namespace_list_fallback ? "1..NN" : "CNS 02h");
    suite_pass_with(id, t->device, &r, "%llu blocks of %s%s", (unsigned long long)n->size_blocks,
             format, ns->csi == NVME_CSI_ZONED ? ", zoned" : "");
}

static void run_identify_namespaces(const struct suite_context *ctx, const char *id)
{
    (void)ctx;
    nvme_for_each_namespace(id, true, identify_namespace);
}

/* Reads LBA 0 of the namespace through the I/O queue pair: the queues exist and carry commands. */
/* Before any write case: the data guard reads where they would write, so its reads have a test
 * point of their own (QEMU's trace shows them here) and every later write case asks its verdict. */
static void data_guard(const char *id, struct nvme_fixture *fx, struct nvme_target *t)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, t->c);
    const struct nvme_namespace *ns = nvme_target_start(id, t, &p);
    if (!ns)
        return;
    if (!nvme_fixture_write_allowed(fx, t->c)) {
        suite_skip(id, t->device, "allow_write does not name serial %s: no writes to guard",
                   t->c->identity.serial);
        return;
    }
    const struct nvme_data_verdict *v = nvme_data_guard_look(t->c, ns);
    struct tap_result r;
    tap_result_init(&r);
    if (!v) {
        nvme_target_fail(id, t, &r, "no heap for the data guard's verdict");
        return;
    }
    tap_yaml_add(&r, "lbas_read", "0-%llu", (unsigned long long)v->end);
    tap_yaml_add(&r, "last_lba", "%llu", (unsigned long long)v->last);
    if (v->unreadable) {
        tap_yaml_add(&r, "problem", "%s", v->what);
        nvme_target_fail(id, t, &r, "the namespace could not be read to look for data");
        return;
    }
    tap_yaml_add(&r, "found", "%s", v->found ? v->what : "none");
    const char *writes = !v->found ? "allowed"
                         : fx->config->allow_write_over_data ? "over_data" : "refused";
    tap_yaml_add(&r, "writes", "%s", writes);
    suite_pass_with(id, t->device, &r, "%s", !v->found
                    ? "no partition table or filesystem where the write cases write"
                    : "data found: write cases SKIP unless allow_write_over_data = yes");
}

static void io_queue_pair(const char *id, struct nvme_fixture *fx, struct nvme_target *t)
{
    struct nvme_controller *c = t->c;
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    const struct nvme_namespace *ns = nvme_target_start(id, t, &p);
    if (!ns)
        return;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    struct nvme_region buffer;
    struct tap_result r;
    tap_result_init(&r);
    if (nvme_alloc(c, NVME_MEMORY_HOST, f.block_bytes, &buffer) != 0) {
        nvme_target_fail(id, t, &r, "no DMA memory");
        return;
    }
    int status = ns_data_io(c, ns, NVME_IO_READ, 0, 1, &buffer, NULL, fx->run_seed);
    nvme_free(c, &buffer);
    if (status != 0) {
        nvme_target_fail(id, t, &r, "read of LBA 0 on I/O queue 1 failed");
        return;
    }
    suite_pass(id, t->device, "%u I/O queue%s granted; CQ 1 (%s) and SQ 1 (%s) carried a read",
               c->io_queues_granted, c->io_queues_granted == 1 ? "" : "s",
               nvme_memory_kind_name(c->placement.io_cq), nvme_memory_kind_name(c->placement.io_sq));
}

/* Transfer shapes by the PRP entries they need, each sized from the namespace's data block
 * and the controller's largest transfer. */
struct transfer_shape {
    const char *name;
    uint64_t buffer_offset; /* into the first page */
    uint64_t bytes;         /* wanted; 0 = the largest transfer */
    unsigned min_pages;     /* pages the buffer must touch for the shape to be what it says */
    unsigned max_pages;     /* 0 = any */
};

static const struct transfer_shape shapes[] = {
    {"PRP1 only", 0, 4096, 1, 1},
    {"PRP1 + PRP2", 512, 4096, 2, 2},
    {"PRP list", 512, 65536, 3, 0},
    {"largest transfer (MDTS)", 0, 0, 1, 0},
};

static unsigned pages_touched(uint64_t offset, uint64_t bytes)
{
    return (unsigned)((offset + bytes - 1) / PAGE_SIZE + 1);
}

/* Writes this run's pattern in one shape, reads it back into a clean buffer, compares. Returns
 * 0, 1 when the shape cannot be formed (why[] says so), -1 on failure (r filled). */
static int verify_shape(struct nvme_fixture *fx, struct nvme_target *t,
                        const struct nvme_namespace *ns, const struct transfer_shape *shape,
                        uint64_t lba, uint64_t seed, uint32_t *blocks_out, char *why, size_t len,
                        struct tap_result *r)
{
    struct nvme_controller *c = t->c;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    uint64_t want = shape->bytes ? shape->bytes : nvme_max_transfer_bytes(c);
    uint32_t blocks = ns_blocks_fitting(c, &f, want);
    uint64_t bytes = (uint64_t)blocks * f.block_bytes;
    unsigned pages = blocks ? pages_touched(shape->buffer_offset, bytes) : 0;
    *blocks_out = blocks;
    if (!blocks || pages < shape->min_pages || (shape->max_pages && pages > shape->max_pages)) {
        snprintf(why, len, "%s: %u-byte data blocks and a %u-byte largest transfer give %u blocks "
                 "over %u pages", shape->name, f.block_bytes, nvme_max_transfer_bytes(c), blocks,
                 pages);
        return 1;
    }
    struct nvme_region out_pages, in_pages;
    tap_yaml_add(r, "shape", "%s, %u blocks at LBA %llu", shape->name, blocks,
                 (unsigned long long)lba);
    if (nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &out_pages) != 0)
        return -1;
    if (nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &in_pages) != 0) {
        nvme_free(c, &out_pages);
        return -1;
    }
    struct nvme_region out = nvme_region_slice(&out_pages, shape->buffer_offset, bytes);
    struct nvme_region in = nvme_region_slice(&in_pages, shape->buffer_offset, bytes);
    region_fill_pattern(&out, lba, f.block_bytes, blocks, seed);
    struct pattern_mismatch m;
    int result = 0;
    if (ns_data_io(c, ns, NVME_IO_WRITE, lba, blocks, &out, NULL, seed) != 0 ||
        ns_data_io(c, ns, NVME_IO_READ, lba, blocks, &in, NULL, seed) != 0) {
        tap_yaml_add(r, "failed", "transfer");
        result = -1;
    } else if (region_check_pattern(&in, lba, f.block_bytes, blocks, seed, &m) != 0) {
        yaml_add_mismatch(r, &m);
        tap_yaml_add(r, "failed", "read back mismatched");
        result = -1;
    }
    nvme_free(c, &out_pages);
    nvme_free(c, &in_pages);
    return result;
}

/* Every PRP shape the namespace's format allows, written with a unique pattern and read back. */
static void io_verify(const char *id, struct nvme_fixture *fx, struct nvme_target *t)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, t->c);
    const struct nvme_namespace *ns = nvme_target_start(id, t, &p);
    if (!ns || !ns_data_allowed_or_skip(id, t->device, fx, t->c, ns, true))
        return;
    uint64_t lba = LBA_AREA_IO_VERIFY;
    unsigned done = 0;
    struct tap_result r;
    tap_result_init(&r);
    char shape_list[160] = "", not_possible[200] = "";
    for (unsigned s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        uint32_t blocks;
        char why[160];
        struct tap_result attempt;
        tap_result_init(&attempt);
        int result = verify_shape(fx, t, ns, &shapes[s], lba, fx->run_seed ^ (0x1000u * s), &blocks,
                                  why, sizeof(why), &attempt);
        if (result < 0) {
            nvme_target_fail(id, t, &attempt, "%s transfer did not verify", shapes[s].name);
            return;
        }
        if (result > 0) {
            snprintf(not_possible + strlen(not_possible), sizeof(not_possible) - strlen(not_possible),
                     "%s%s", not_possible[0] ? "; " : "", why);
            continue;
        }
        snprintf(shape_list + strlen(shape_list), sizeof(shape_list) - strlen(shape_list),
                 "%s%s (%u blocks)", shape_list[0] ? ", " : "", shapes[s].name, blocks);
        lba += blocks;
        done++;
    }
    struct ns_data_format f;
    ns_data_format(ns, &f);
    yaml_add_format(&r, ns);
    tap_yaml_add(&r, "data_block_bytes", "%u", f.block_bytes);
    tap_yaml_add(&r, "separate_metadata_bytes", "%u", f.metadata_bytes);
    tap_yaml_add(&r, "prinfo", "0x%x", f.prinfo);
    tap_yaml_add(&r, "max_transfer_bytes", "%u", nvme_max_transfer_bytes(t->c));
    tap_yaml_add(&r, "shapes", "%s", shape_list);
    tap_yaml_add(&r, "lbas", "%u-%llu", LBA_AREA_IO_VERIFY, (unsigned long long)lba);
    if (not_possible[0])
        tap_yaml_add(&r, "not_possible", "%s", not_possible);
    if (!done) {
        nvme_target_fail(id, t, &r, "no transfer shape can be formed");
        return;
    }
    suite_pass_with(id, t->device, &r, "%u transfer shapes written, read back and "
             "matched", done);
}

static void io_flush(const char *id, struct nvme_fixture *fx, struct nvme_target *t)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, t->c);
    if (!nvme_target_start(id, t, &p))
        return;
    if (nvme_flush(t->c, t->nsid) != 0) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_target_fail(id, t, &r, "Flush failed");
        return;
    }
    suite_pass(id, t->device, "Flush completed with success (volatile write cache: %s)",
               t->c->identity.volatile_write_cache & 1 ? "present" : "none");
}

static void shutdown(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    if (nvme_shutdown(c) != 0) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_fail(id, c, &r, "normal shutdown did not complete");
        return;
    }
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    suite_pass(id, c->name, "CC.SHN=normal reached CSTS.SHST=complete, then CC.EN=0 (CSTS 0x%08x)",
               csts);
}

NVME_CASE_FOR_EACH_CONTROLLER(run_takeover, takeover)
NVME_CASE_FOR_EACH_CONTROLLER(run_identify_controller, identify_controller)
NVME_CASE_FOR_EACH_NAMESPACE(run_data_guard, data_guard)
NVME_CASE_FOR_EACH_NAMESPACE(run_io_queue_pair, io_queue_pair)
NVME_CASE_FOR_EACH_NAMESPACE(run_io_verify, io_verify)
NVME_CASE_FOR_EACH_NAMESPACE(run_io_flush, io_flush)
NVME_CASE_FOR_EACH_CONTROLLER(run_shutdown, shutdown)

const struct test_case nvme_controller_test_cases[] = {
    {"nvme.controller.takeover", run_takeover},
    {"nvme.identify.controller", run_identify_controller},
    {"nvme.identify.namespaces", run_identify_namespaces},
    {"nvme.data.guard", run_data_guard},
    {"nvme.queues.io_pair", run_io_queue_pair},
    {"nvme.io.verify", run_io_verify},
    {"nvme.io.flush", run_io_flush},
};
const unsigned nvme_controller_test_case_count =
    sizeof(nvme_controller_test_cases) / sizeof(nvme_controller_test_cases[0]);

/* Config devices left these controllers alone: at the end of the run, after every other case,
 * their config space still reads as enumeration found it and no fixture slot holds them. */
static void run_left_alone(const struct suite_context *ctx, const char *id)
{
    const struct nvme_fixture *fx = nvme_fixture();
    unsigned found = 0, nvme = 0;
    for (unsigned i = 0; i < ctx->pci->count; i++) {
        const struct pci_function *f = &ctx->pci->functions[i];
        nvme += nvme_is_controller(f);
        if (!nvme_is_controller(f) || !f->left_alone)
            continue;
        found++;
        char where[16], why[96];
        pci_address_format(f->address, where, sizeof(where));
        struct tap_result r;
        tap_result_init(&r);
        /* The decision again, for its machine-readable parts (boot/nvme_selection.c made it). */
        char bdf[16], reason[96];
        snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", f->address.segment, f->address.bus,
                 f->address.device, f->address.function);
        const char *serial = boot_firmware_nvme_serial(ctx->boot, f->address.segment,
                                                       f->address.bus, f->address.device,
                                                       f->address.function);
        enum device_choice choice = device_select(&ctx->config->devices, bdf, serial, reason,
                                                  sizeof(reason));
        tap_yaml_add(&r, "choice", "%s", device_choice_name(choice));
        tap_yaml_add(&r, "reason", "%s", reason);
        tap_yaml_add(&r, "serial", "%s", serial ? serial : "unknown");
        tap_yaml_add(&r, "serial_source", "%s", serial ? "firmware" : "none");
        tap_yaml_add(&r, "command", "0x%04x", f->command);
        bool attached = false;
        for (unsigned k = 0; fx && k < fx->count; k++)
            attached |= fx->controllers[k]->pci == f;
        if (attached) {
            suite_fail(id, where, &r, "left alone by config devices, yet the fixture attached it");
        } else if (!pci_function_unchanged(f, why, sizeof(why))) {
            tap_yaml_add(&r, "changed", "%s", why);
            suite_fail(id, where, &r, "left alone by config devices, yet its config space changed");
        } else {
            tap_yaml_add(&r, "config_space", "unchanged");
            suite_pass_with(id, where, &r, "left alone by config devices: command and BARs as found");
        }
    }
    if (!found)
        suite_skip(id, NULL, nvme ? "config devices selects all %u NVMe controllers found"
                                  : "no NVMe controller (class 01:08:02) found", nvme);
}

/* Runs last, after the CMB and PMR cases. */
const struct test_case nvme_shutdown_test_cases[] = {
    {"nvme.controller.shutdown", run_shutdown},
    {"nvme.devices.left_alone", run_left_alone},
};
const unsigned nvme_shutdown_test_case_count =
    sizeof(nvme_shutdown_test_cases) / sizeof(nvme_shutdown_test_cases[0]);
