/* NVMe controller test cases: takeover, identify, I/O queues, verified I/O, flush, clean shutdown. */
#include <stdio.h>
#include <stdlib.h>

#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_regs.h"
#include "tests/suite/nvme_data.h"
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
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    suite_pass(id, c->name, "found CC.EN=%u CSTS.RDY=%u (firmware left CC.EN=%u); ours now "
               "(CSTS 0x%08x) after %llu us", found_cc & NVME_CC_EN, found_csts & NVME_CSTS_RDY,
               c->firmware_cc & NVME_CC_EN, csts, (unsigned long long)(time_now_us() - start));
}

static void identify_controller(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    const struct nvme_controller_identity *idn = &c->identity;
    /* Identify's VID is defined as the PCI vendor ID: two independent readings. */
    if (idn->vendor_id != c->pci->vendor_id) {
        struct tap_result r;
        tap_result_init(&r);
        tap_yaml_add(&r, "expected", "VID 0x%04x (PCI vendor ID)", c->pci->vendor_id);
        tap_yaml_add(&r, "got", "VID 0x%04x", idn->vendor_id);
        nvme_fail(id, c, &r, "Identify Controller disagrees with PCI config space");
        return;
    }
    tap_diag("nvme %s SN \"%s\" MN \"%s\" FR \"%s\" CNTLID %u VER 0x%08x", c->name, idn->serial,
             idn->model, idn->firmware, idn->controller_id, idn->version);
    suite_pass(id, c->name, "SN %s, MDTS %u (%u KiB per command), NN %u, VID matches PCI",
               idn->serial, idn->mdts, nvme_max_transfer_bytes(c) / 1024, idn->namespace_count);
}

static void identify_namespaces(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    if (!c->namespace_count) {
        suite_skip(id, c->name, "no active namespace");
        return;
    }
    for (unsigned i = 0; i < c->namespace_count; i++) {
        const struct nvme_namespace_identity *ns = &c->namespaces[i].identity;
        tap_diag("nvme %s nsid %u: %llu blocks of %u bytes (LBA format %u of %u, metadata %u)",
                 c->name, c->namespaces[i].nsid, (unsigned long long)ns->size_blocks,
                 ns->block_bytes, ns->lba_format, ns->lba_format_count, ns->metadata_bytes);
    }
    suite_pass(id, c->name, "%u active namespace%s (%s), first nsid %u", c->namespace_count,
               c->namespace_count == 1 ? "" : "s",
               c->namespace_list_fallback ? "NVMe 1.0 fallback: NSIDs 1..NN" : "CNS 02h list",
               c->namespaces[0].nsid);
}

/* Reads LBA 0 through the I/O queue pair: the queues exist and carry commands. */
static void io_queue_pair(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    if (!c->namespace_count) {
        suite_skip(id, c->name, "no active namespace to read from");
        return;
    }
    struct nvme_region buffer;
    if (nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &buffer) != 0) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_fail(id, c, &r, "no DMA memory");
        return;
    }
    int status = nvme_read(c, c->namespaces[0].nsid, 0, 1, &buffer, NULL);
    nvme_free(c, &buffer);
    if (status != 0) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_fail(id, c, &r, "read of LBA 0 on I/O queue 1 failed");
        return;
    }
    suite_pass(id, c->name, "%u I/O queue%s granted; CQ 1 (%s) and SQ 1 (%s) carried a read",
               c->io_queues_granted, c->io_queues_granted == 1 ? "" : "s",
               nvme_memory_kind_name(c->placement.io_cq), nvme_memory_kind_name(c->placement.io_sq));
}

struct transfer_shape {
    const char *name;
    uint64_t buffer_offset; /* into the first page: forces a second page */
    uint64_t bytes;         /* 0 = MDTS */
};

static const struct transfer_shape shapes[] = {
    {"one page", 0, 4096},
    {"two pages (offset 512)", 512, 4096},
    {"PRP list (64 KiB)", 0, 65536},
    {"MDTS", 0, 0},
};

/* Write a unique pattern, read it back into a clean buffer, compare: for each PRP shape. */
static void io_verify(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    if (!nvme_fixture_write_allowed(fx, c)) {
        suite_skip(id, c->name, "allow_write does not name serial %s: no namespace writes",
                   c->identity.serial);
        return;
    }
    const struct nvme_namespace *ns = nvme_test_namespace_or_skip(id, c);
    if (!ns)
        return;
    uint32_t block = ns->identity.block_bytes;
    uint64_t lba = LBA_AREA_IO_VERIFY;
    for (unsigned s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        uint64_t bytes = shapes[s].bytes ? shapes[s].bytes : nvme_max_transfer_bytes(c);
        uint32_t blocks = (uint32_t)(bytes / block);
        struct nvme_region out_pages, in_pages;
        struct tap_result r;
        tap_result_init(&r);
        tap_yaml_add(&r, "shape", "%s, %u blocks at LBA %llu", shapes[s].name, blocks,
                     (unsigned long long)lba);
        if (!blocks || nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &out_pages) != 0) {
            nvme_fail(id, c, &r, "cannot stage the transfer");
            return;
        }
        if (nvme_alloc(c, NVME_MEMORY_HOST, bytes + PAGE_SIZE, &in_pages) != 0) {
            nvme_free(c, &out_pages);
            nvme_fail(id, c, &r, "cannot stage the transfer");
            return;
        }
        struct nvme_region out = nvme_region_slice(&out_pages, shapes[s].buffer_offset, bytes);
        struct nvme_region in = nvme_region_slice(&in_pages, shapes[s].buffer_offset, bytes);
        uint64_t seed = fx->run_seed ^ (0x1000u * s);
        region_fill_pattern(&out, lba, block, blocks, seed);
        struct pattern_mismatch m;
        int failed = 0;
        if (nvme_write(c, ns->nsid, lba, blocks, &out, NULL) != 0 ||
            nvme_read(c, ns->nsid, lba, blocks, &in, NULL) != 0) {
            failed = 1;
        } else if (region_check_pattern(&in, lba, block, blocks, seed, &m) != 0) {
            yaml_add_mismatch(&r, &m);
            failed = 2;
        }
        nvme_free(c, &out_pages);
        nvme_free(c, &in_pages);
        if (failed) {
            nvme_fail(id, c, &r, failed == 1 ? "%s transfer failed" : "%s read back mismatched",
                      shapes[s].name);
            return;
        }
        lba += blocks;
    }
    suite_pass(id, c->name, "nsid %u: one page, two pages, a PRP list and MDTS (%u KiB) written, "
               "read back and matched", ns->nsid, nvme_max_transfer_bytes(c) / 1024);
}

static void io_flush(const char *id, struct nvme_fixture *fx, struct nvme_controller *c)
{
    struct nvme_placement p = nvme_fixture_default_placement(fx, c);
    if (!nvme_started_or_fail(id, c, &p))
        return;
    if (!c->namespace_count) {
        suite_skip(id, c->name, "no active namespace");
        return;
    }
    if (nvme_flush(c, c->namespaces[0].nsid) != 0) {
        struct tap_result r;
        tap_result_init(&r);
        nvme_fail(id, c, &r, "Flush failed");
        return;
    }
    suite_pass(id, c->name, "Flush of nsid %u completed with success (volatile write cache: %s)",
               c->namespaces[0].nsid, c->identity.volatile_write_cache & 1 ? "present" : "none");
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
NVME_CASE_FOR_EACH_CONTROLLER(run_identify_namespaces, identify_namespaces)
NVME_CASE_FOR_EACH_CONTROLLER(run_io_queue_pair, io_queue_pair)
NVME_CASE_FOR_EACH_CONTROLLER(run_io_verify, io_verify)
NVME_CASE_FOR_EACH_CONTROLLER(run_io_flush, io_flush)
NVME_CASE_FOR_EACH_CONTROLLER(run_shutdown, shutdown)

const struct test_case nvme_controller_test_cases[] = {
    {"nvme.controller.takeover", run_takeover},
    {"nvme.identify.controller", run_identify_controller},
    {"nvme.identify.namespaces", run_identify_namespaces},
    {"nvme.queues.io_pair", run_io_queue_pair},
    {"nvme.io.verify", run_io_verify},
    {"nvme.io.flush", run_io_flush},
};
const unsigned nvme_controller_test_case_count =
    sizeof(nvme_controller_test_cases) / sizeof(nvme_controller_test_cases[0]);

/* Runs last, after the CMB and PMR cases. */
const struct test_case nvme_shutdown_test_cases[] = {
    {"nvme.controller.shutdown", run_shutdown},
};
const unsigned nvme_shutdown_test_case_count = 1;
