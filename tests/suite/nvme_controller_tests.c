/* NVMe controller test cases: takeover, identify, the data guard, I/O queues, verified I/O, flush, clean shutdown, controllers left alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/timer.h"
#include "boot/boot_info.h"
#include "drivers/nvme/nvme_describe.h"
#include "drivers/nvme/nvme_format.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_regs.h"
#include "lib/device_select.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_data_guard.h"
#include "tests/suite/nvme_fixture.h"

static void takeover(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct nvme_placement host = placement_host();
    /* What the previous owner (firmware, or an earlier pass of ours) left. */
    uint32_t found_cc = nvme_reg_read32(c, NVME_REG(cc));
    uint32_t found_csts = nvme_reg_read32(c, NVME_REG(csts));
    if (found_csts & NVME_CSTS_CFS) {
        report_yaml(t, "found_cc", "0x%08x", found_cc);
        report_yaml(t, "found_csts", "0x%08x", found_csts);
        report_fail(t, "controller in fatal status (CSTS.CFS=1) before takeover");
        return;
    }
    uint64_t start = time_now_us();
    if (c->started)
        nvme_shutdown(c);
    if (!case_start(t, c, &host))
        return;
    uint64_t took = time_now_us() - start;
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    /* The time is a measurement: YAML, so the point's line is the same on every run. */
    report_yaml(t, "duration_us", "%llu", (unsigned long long)took);
    report_yaml(t, "firmware_cc", "0x%08x", c->firmware_cc);
    report_yaml(t, "found_cc", "0x%08x", found_cc);
    report_pass(t, "found CC.EN=%u CSTS.RDY=%u (firmware left CC.EN=%u); ours "
                    "now (CSTS 0x%08x)", found_cc & NVME_CC_EN, found_csts & NVME_CSTS_RDY,
                    c->firmware_cc & NVME_CC_EN, csts);
}

static void identify_controller(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct nvme_placement p = placement_default(t->ctx, c);
    if (!case_start(t, c, &p))
        return;
    const struct nvme_controller_identity *idn = &c->identity;
    /* Identify's VID is defined as the PCI vendor ID: two independent readings. */
    if (idn->vendor_id != c->pci->vendor_id) {
        report_yaml(t, "expected", "VID 0x%04x (PCI vendor ID)", c->pci->vendor_id);
        report_yaml(t, "got", "VID 0x%04x", idn->vendor_id);
        report_fail(t, "Identify Controller disagrees with PCI config space");
        return;
    }
    /* config devices decided on the serial the firmware's NVMe driver reported for this PCI
     * function: it must be the one the controller gives us. */
    struct pci_address a = c->pci->address;
    const char *firmware_serial =
        boot_firmware_nvme_serial(t->ctx->boot, a.segment, a.bus, a.device, a.function);
    if (firmware_serial && strcmp(firmware_serial, idn->serial) != 0) {
        report_yaml(t, "firmware_serial", "%s", firmware_serial);
        report_yaml(t, "serial", "%s", idn->serial);
        report_fail(t, "the firmware's NVMe driver reported another serial for this function: "
                  "config devices decided on the firmware's");
        return;
    }
    if (!c->mapper) /* the translated pass reads the same Identify: said once is enough */
        nvme_describe_controller(c, c->name, tap_diag);
    report_yaml(t, "serial", "%s", idn->serial);
    report_yaml(t, "firmware_serial", "%s", firmware_serial ? firmware_serial : "unknown");
    report_yaml(t, "cntlid", "%u", idn->controller_id);
    report_yaml(t, "subnqn", "%s", idn->subsystem_nqn);
    report_yaml(t, "cmic", "0x%02x", idn->multipath);
    report_yaml(t, "mdts", "%u", idn->mdts);
    report_yaml(t, "max_transfer_bytes", "%u", nvme_max_transfer_bytes(c));
    report_yaml(t, "nn", "%u", idn->namespace_count);
    report_yaml(t, "oncs", "0x%04x", idn->oncs);
    report_yaml(t, "cc_css", "%u", c->io_command_sets ? 6 : 0);
    report_pass(t, "SN %s, MDTS %u (%u KiB per command), NN %u, "
             "VID matches PCI", idn->serial, idn->mdts, nvme_max_transfer_bytes(c) / 1024,
             idn->namespace_count);
}

/* One point per active namespace: its Identify answer decodes, or the point says why not. */
static void identify_namespace(struct suite_case *t)
{
    const struct nvme_namespace *ns = nvme_namespace_by_nsid(t->c, t->nsid);
    if (!ns->usable) {
        report_yaml(t, "problem", "%s", ns->problem);
        report_fail(t, "Identify Namespace answer is unusable");
        return;
    }
    const struct nvme_namespace_identity *n = &ns->identity;
    char format[64];
    nvme_format_describe(n, format, sizeof(format));
    if (!t->c->mapper)
        nvme_describe_namespace(ns, report_prefix(t), tap_diag);
    yaml_add_format(t, ns);
    report_yaml(t, "nsze", "%llu", (unsigned long long)n->size_blocks);
    report_yaml(t, "nmic", "0x%02x", n->multipath);
    if (ns->csi == NVME_CSI_ZONED)
        report_yaml(t, "zone_size_blocks", "%llu", (unsigned long long)ns->zoned.zone_size_blocks);
    report_yaml(t, "list", "%s", t->c->namespace_list_fallback ? "1..NN" : "CNS 02h");
    report_pass(t, "%llu blocks of %s%s", (unsigned long long)n->size_blocks,
             format, ns->csi == NVME_CSI_ZONED ? ", zoned" : "");
}

/* Reads LBA 0 of the namespace through the I/O queue pair: the queues exist and carry commands. */
/* Before any write case: the data guard reads where they would write, so its reads have a test
 * point of their own (QEMU's trace shows them here) and every later write case asks its verdict. */
static void data_guard(struct suite_case *t)
{
    struct nvme_placement p = placement_default(t->ctx, t->c);
    const struct nvme_namespace *ns = case_start_namespace(t, &p);
    if (!ns)
        return;
    if (!case_write_allowed(t, t->c, "writes to guard"))
        return;
    const struct nvme_data_verdict *v = nvme_data_guard_look(t->c, ns);
    if (!v) {
        report_fail(t, "no heap for the data guard's verdict");
        return;
    }
    report_yaml(t, "lbas_read", "0-%llu", (unsigned long long)v->end);
    report_yaml(t, "last_lba", "%llu", (unsigned long long)v->last);
    if (v->unreadable) {
        report_yaml(t, "problem", "%s", v->what);
        report_fail(t, "the namespace could not be read to look for data");
        return;
    }
    report_yaml(t, "found", "%s", v->found ? v->what : "none");
    const char *writes = !v->found ? "allowed"
                         : t->ctx->config->allow_write_over_data ? "over_data" : "refused";
    report_yaml(t, "writes", "%s", writes);
    report_pass(t, "%s", !v->found
                    ? "no partition table or filesystem where the write cases write"
                    : "data found: write cases SKIP unless allow_write_over_data = yes");
}

static void io_queue_pair(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct nvme_placement p = placement_default(t->ctx, c);
    const struct nvme_namespace *ns = case_start_namespace(t, &p);
    if (!ns)
        return;
    struct ns_data_format f;
    ns_data_format(ns, &f);
    struct nvme_region buffer;
    if (nvme_alloc(c, NVME_MEMORY_HOST, f.block_bytes, &buffer) != 0) {
        report_fail(t, "no DMA memory");
        return;
    }
    int status = ns_data_io(c, ns, NVME_IO_READ, 0, 1, &buffer, NULL, t->ctx->nvme->run_seed);
    nvme_free(c, &buffer);
    if (status != 0) {
        report_fail(t, "read of LBA 0 on I/O queue 1 failed");
        return;
    }
    report_yaml(t, "io_sq", "%s", nvme_memory_kind_name(c->placement.io_sq));
    report_yaml(t, "io_cq", "%s", nvme_memory_kind_name(c->placement.io_cq));
    report_pass(t, "%u I/O queue%s granted; CQ 1 (%s) and SQ 1 (%s) carried a read",
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
 * 0, 1 when the shape cannot be formed (why[] says so), -1 on failure (the point's YAML then
 * says which shape and what went wrong). */
static int verify_shape(struct suite_case *t, const struct nvme_namespace *ns,
                        const struct transfer_shape *shape, uint64_t lba, uint64_t seed,
                        uint32_t *blocks_out, char *why, size_t len)
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
    bool have_out = nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &out_pages) == 0;
    if (!have_out || nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &in_pages) != 0) {
        if (have_out)
            nvme_free(c, &out_pages);
        report_yaml(t, "shape", "%s, %u blocks at LBA %llu", shape->name, blocks,
                    (unsigned long long)lba);
        report_yaml(t, "failed", "no DMA memory");
        return -1;
    }
    struct nvme_region out = nvme_region_slice(&out_pages, shape->buffer_offset, bytes);
    struct nvme_region in = nvme_region_slice(&in_pages, shape->buffer_offset, bytes);
    region_fill_pattern(&out, lba, f.block_bytes, blocks, seed);
    struct pattern_mismatch m;
    int result = 0;
    if (ns_data_io(c, ns, NVME_IO_WRITE, lba, blocks, &out, NULL, seed) != 0 ||
        ns_data_io(c, ns, NVME_IO_READ, lba, blocks, &in, NULL, seed) != 0) {
        report_yaml(t, "shape", "%s, %u blocks at LBA %llu", shape->name, blocks,
                    (unsigned long long)lba);
        report_yaml(t, "failed", "transfer");
        result = -1;
    } else if (region_check_pattern(&in, lba, f.block_bytes, blocks, seed, &m) != 0) {
        report_yaml(t, "shape", "%s, %u blocks at LBA %llu", shape->name, blocks,
                    (unsigned long long)lba);
        yaml_add_mismatch(t, &m);
        report_yaml(t, "failed", "read back mismatched");
        result = -1;
    }
    nvme_free(c, &out_pages);
    nvme_free(c, &in_pages);
    return result;
}

/* Every PRP shape the namespace's format allows, written with a unique pattern and read back. */
static void io_verify(struct suite_case *t)
{
    struct nvme_placement p = placement_default(t->ctx, t->c);
    const struct nvme_namespace *ns = case_start_namespace(t, &p);
    if (!ns || !ns_data_allowed_or_skip(t, t->c, ns, true))
        return;
    uint64_t run_seed = t->ctx->nvme->run_seed;
    uint64_t lba = LBA_AREA_IO_VERIFY;
    unsigned done = 0;
    char shape_list[160] = "", not_possible[200] = "";
    for (unsigned s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        uint32_t blocks;
        char why[160];
        int result = verify_shape(t, ns, &shapes[s], lba, run_seed ^ (0x1000u * s), &blocks,
                                  why, sizeof(why));
        if (result < 0) {
            report_fail(t, "%s transfer did not verify", shapes[s].name);
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
    yaml_add_format(t, ns);
    report_yaml(t, "data_block_bytes", "%u", f.block_bytes);
    report_yaml(t, "separate_metadata_bytes", "%u", f.metadata_bytes);
    report_yaml(t, "prinfo", "0x%x", f.prinfo);
    report_yaml(t, "max_transfer_bytes", "%u", nvme_max_transfer_bytes(t->c));
    report_yaml(t, "shapes", "%s", shape_list);
    report_yaml(t, "lbas", "%u-%llu", LBA_AREA_IO_VERIFY, (unsigned long long)lba);
    if (not_possible[0])
        report_yaml(t, "not_possible", "%s", not_possible);
    if (!done) {
        report_fail(t, "no transfer shape can be formed");
        return;
    }
    report_pass(t, "%u transfer shapes written, read back and "
             "matched", done);
}

static void io_flush(struct suite_case *t)
{
    struct nvme_placement p = placement_default(t->ctx, t->c);
    if (!case_start_namespace(t, &p))
        return;
    if (nvme_flush(t->c, t->nsid) != 0) {
        report_fail(t, "Flush failed");
        return;
    }
    report_pass(t, "Flush completed with success (volatile write cache: %s)",
               t->c->identity.volatile_write_cache & 1 ? "present" : "none");
}

static void shutdown(struct suite_case *t)
{
    struct nvme_controller *c = t->c;
    struct nvme_placement p = placement_default(t->ctx, c);
    if (!case_start(t, c, &p))
        return;
    if (nvme_shutdown(c) != 0) {
        report_fail(t, "normal shutdown did not complete");
        return;
    }
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    report_pass(t, "CC.SHN=normal reached CSTS.SHST=complete, then CC.EN=0 (CSTS 0x%08x)",
               csts);
}

const struct test_case nvme_controller_test_cases[] = {
    {"nvme.controller.takeover", takeover, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.identify.controller", identify_controller, CASE_PER_CONTROLLER | CASE_NVME},
    {"nvme.identify.namespaces", identify_namespace,
     CASE_PER_NAMESPACE | CASE_UNUSABLE_TOO | CASE_NVME},
    {"nvme.data.guard", data_guard, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.queues.io_pair", io_queue_pair, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.io.verify", io_verify, CASE_PER_NAMESPACE | CASE_NVME},
    {"nvme.io.flush", io_flush, CASE_PER_NAMESPACE | CASE_NVME},
};
const unsigned nvme_controller_test_case_count =
    sizeof(nvme_controller_test_cases) / sizeof(nvme_controller_test_cases[0]);

/* Config devices left these controllers alone: at the end of the run, after every other case,
 * their config space still reads as enumeration found it and no fixture slot holds them. */
static void left_alone(struct suite_case *t)
{
    const struct suite_context *ctx = t->ctx;
    const struct nvme_fixture *fx = ctx->nvme;
    unsigned found = 0, nvme = 0;
    for (unsigned i = 0; i < ctx->pci->count; i++) {
        const struct pci_function *f = &ctx->pci->functions[i];
        nvme += nvme_is_controller(f);
        if (!nvme_is_controller(f) || !f->left_alone)
            continue;
        found++;
        char where[16], why[96];
        pci_address_format(f->address, where, sizeof(where));
        /* The decision again, for its machine-readable parts (boot/nvme_selection.c made it). */
        char bdf[16], reason[96];
        snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", f->address.segment, f->address.bus,
                 f->address.device, f->address.function);
        const char *serial = boot_firmware_nvme_serial(ctx->boot, f->address.segment,
                                                       f->address.bus, f->address.device,
                                                       f->address.function);
        enum device_choice choice = device_select(&ctx->config->devices, bdf, serial, reason,
                                                  sizeof(reason));
        report_yaml(t, "choice", "%s", device_choice_name(choice));
        report_yaml(t, "reason", "%s", reason);
        report_yaml(t, "serial", "%s", serial ? serial : "unknown");
        report_yaml(t, "serial_source", "%s", serial ? "firmware" : "none");
        report_yaml(t, "command", "0x%04x", f->command);
        bool attached = false;
        for (unsigned k = 0; k < fx->count; k++)
            attached |= fx->controllers[k]->pci == f;
        report_prefix_push(t, "%s", where);
        if (attached) {
            report_fail(t, "left alone by config devices, yet the fixture attached it");
        } else if (!pci_function_unchanged(f, why, sizeof(why))) {
            report_yaml(t, "changed", "%s", why);
            report_fail(t, "left alone by config devices, yet its config space changed");
        } else {
            report_yaml(t, "config_space", "unchanged");
            report_pass(t, "left alone by config devices: command and BARs as found");
        }
        report_prefix_pop(t);
    }
    if (!found && nvme) {
        report_yaml(t, "found_count", "%u", nvme);
        report_skip(t, "devices_all_selected",
                    "config devices selects all %u NVMe controllers found", nvme);
    } else if (!found) {
        report_skip(t, "no_nvme", "no NVMe controller (class 01:08:02) found");
    }
}

/* Runs last, after the CMB and PMR cases. */
const struct test_case nvme_shutdown_test_cases[] = {
    {"nvme.controller.shutdown", shutdown, CASE_PER_CONTROLLER},
    {"nvme.devices.left_alone", left_alone, 0},
};
const unsigned nvme_shutdown_test_case_count =
    sizeof(nvme_shutdown_test_cases) / sizeof(nvme_shutdown_test_cases[0]);
