/* vtd.p2p.cmb_copy: one controller writes another's CMB data through IOVAs of its own domain that map the BAR. */
#include <stdio.h>

#include "drivers/nvme/nvme_cmb.h"
#include "drivers/nvme/nvme_regs.h"
#include "drivers/vtd/vtd_regs.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/vtd_fixture.h"
#include "tests/suite/vtd_probe.h"

/* A's CMB to B through IOVAs in B's domain mapped onto A's BAR: peer-to-peer under translation. */
static void peer_to_peer(struct suite_case *t)
{
    struct vtd_state *s = t->ctx->vtd;
    struct nvme_fixture *fx = t->ctx->nvme;
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 2))
        return;
    struct nvme_controller **cs = subjects.c;
    struct vtd_binding **bs = subjects.b;
    unsigned have = subjects.count;
    unsigned a = have, b = have;
    for (unsigned i = 0; i < have && a == have; i++)
        if (cs[i]->cmb.present && (cs[i]->cmb.cmbsz & NVME_CMBSZ_WDS))
            a = i;
    for (unsigned i = 0; i < have && b == have; i++)
        if (i != a && write_allowed(t->ctx, cs[i]) && bs[i]->domain != (a < have ? bs[a]->domain : NULL))
            b = i;
    if (a == have || b == have) {
        report_skip(t, "no_p2p_pair",
                    "needs a controller whose CMB takes read data and another, in its own "
                   "domain, whose serial allow_write names");
        return;
    }
    struct nvme_controller *ca = cs[a], *cb = cs[b];
    /* What a second-level entry can point at: the unit's MGAW, or the tables' levels. */
    unsigned bits = vtd_cap_guest_address_bits(s->unit.cap);
    if (bits > 12 + 9 * s->unit.levels)
        bits = 12 + 9 * s->unit.levels;
    report_prefix_push(t, "%s", ca->name);
    if (ca->cmb.window.cpu + ca->cmb.window.bytes > (1ull << bits)) {
        report_yaml(t, "reach_bits", "%u", bits);
        report_skip(t, "beyond_reach",
                    "%s's CMB BAR at 0x%llx lies beyond the unit's %u-bit reach: a "
                    "second-level entry cannot point there (QEMU: -device intel-iommu,aw-bits=48)",
                    ca->name, (unsigned long long)ca->cmb.window.cpu, bits);
        return;
    }
    const struct nvme_namespace *ns_a = nvme_test_namespace(t->ctx, ca, false);
    const struct nvme_namespace *ns_b = nvme_test_namespace(t->ctx, cb, true);
    struct ns_data_format fa, fb;
    ns_data_format(ns_a, &fa);
    ns_data_format(ns_b, &fb);
    uint32_t block = fa.block_bytes;
    uint32_t blocks = ns_blocks_fitting(ca, &fa, 16u * 1024);
    const uint32_t bytes = blocks * block;
    struct nvme_region reference, in_a, list_a, back;
    if (!ns_b || fb.block_bytes != block || fa.metadata_bytes || fb.metadata_bytes ||
        ns_blocks_fitting(cb, &fb, bytes) != blocks) {
        report_skip(t, "formats_differ",
                    "the two namespaces' formats differ or carry separate metadata");
        return;
    }
    if (nvme_alloc(ca, NVME_MEMORY_HOST, bytes, &reference) != 0) {
        report_skip(t, "no_dma_memory", "no DMA memory");
        return;
    }
    int status = ns_data_io(ca, ns_a, NVME_IO_READ, LBA_AREA_CMB, blocks, &reference, NULL,
                            fx->run_seed);
    if (status == 0 && (nvme_alloc(ca, NVME_MEMORY_CMB, bytes, &in_a) != 0 ||
                        nvme_alloc(ca, NVME_MEMORY_CMB, PAGE_SIZE, &list_a) != 0))
        status = -1;
    if (status == 0)
        status = ns_data_io(ca, ns_a, NVME_IO_READ, LBA_AREA_CMB, blocks, &in_a, &list_a,
                            fx->run_seed);
    uint64_t iova = status == 0 ? vtd_map(bs[b]->domain, in_a.cpu, bytes,
                                          VTD_PTE_READ | VTD_PTE_WRITE) : 0;
    struct nvme_region through_iommu = in_a;
    through_iommu.bus = iova;
    if (iova)
        status = ns_data_io(cb, ns_b, NVME_IO_WRITE, LBA_AREA_COPY, blocks, &through_iommu, NULL,
                            fx->run_seed);
    else
        status = -1;
    int back_status = -1;
    if (status == 0 && nvme_alloc(cb, NVME_MEMORY_HOST, bytes, &back) == 0)
        back_status = ns_data_io(cb, ns_b, NVME_IO_READ, LBA_AREA_COPY, blocks, &back, NULL,
                                 fx->run_seed);
    int64_t differs = back_status == 0 ? region_compare(&reference, &back, bytes) : -1;
    report_yaml(t, "path", "%s CMB 0x%llx -> IOVA 0x%llx in %s's domain %u",
                 ca->name, (unsigned long long)in_a.cpu, (unsigned long long)iova, cb->name,
                 bs[b]->domain->id);
    if (iova)
        vtd_unmap(bs[b]->domain, iova, bytes);
    nvme_free(ca, &in_a);
    nvme_free(ca, &list_a);
    nvme_free(ca, &reference);
    if (back_status == 0)
        nvme_free(cb, &back);
    if (status != 0 || back_status != 0 || differs >= 0) {
        report_prefix_pop(t);
        report_subject(t, cb, 0); /* the writer: its registers go with the failure */
        vtd_yaml_add_unit(t, &s->unit);
        report_fail(t, "peer-to-peer copy through the IOMMU did not arrive intact");
        report_subject_end(t);
        return;
    }
    /* The IOVA is the domain allocator's: YAML (iova, path), not part of the point's line. */
    report_yaml(t, "iova", "0x%llx", (unsigned long long)iova);
    report_yaml(t, "source_controller", "%s", ca->name);
    report_yaml(t, "target_controller", "%s", cb->name);
    report_yaml(t, "bytes", "%llu", (unsigned long long)bytes);
    report_pass(t, "16 KiB from %s's CMB written by %s through IOVAs of its "
                    "domain that map the BAR, read back identical", ca->name, cb->name);
}

const struct test_case vtd_p2p_test_cases[] = {
    {"vtd.p2p.cmb_copy", peer_to_peer, CASE_NEEDS_VTD},
};
const unsigned vtd_p2p_test_case_count = sizeof(vtd_p2p_test_cases) / sizeof(vtd_p2p_test_cases[0]);
