/* Shared namespaces: two controllers of one subsystem (same NQN, different CNTLID) see the same blocks; written through one, read through the other. */
#include <stdio.h>
#include <string.h>

#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_fixture.h"

#define MULTIPATH_SLOT 4u /* in the format area, after the format cases' slots */

struct path {
    struct nvme_controller *c;
    const struct nvme_namespace *ns;
};

/* Finds A (writable) and B: one subsystem, different controller IDs, one shared NSID. */
static bool find_paths(const struct suite_context *ctx, struct path *a, struct path *b)
{
    const struct nvme_fixture *fx = ctx->nvme;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *ci = fx->controllers[i];
        if (!fx->attached[i] || !ci->started || !ci->identity.subsystem_nqn[0])
            continue;
        for (unsigned k = 0; k < ci->namespace_count; k++) {
            const struct nvme_namespace *ns = &ci->namespaces[k];
            char why[160];
            if (!(ns->identity.multipath & 1) || ns->csi != NVME_CSI_NVM ||
                ns_data_refusal(ctx, ci, ns, true, why, sizeof(why)))
                continue;
            for (unsigned j = 0; j < fx->count; j++) {
                struct nvme_controller *cj = fx->controllers[j];
                if (j == i || !fx->attached[j] || !cj->started ||
                    strcmp(cj->identity.subsystem_nqn, ci->identity.subsystem_nqn) != 0 ||
                    cj->identity.controller_id == ci->identity.controller_id)
                    continue;
                const struct nvme_namespace *other = nvme_namespace_by_nsid(cj, ns->nsid);
                if (other && other->usable && ns_data_refusal(ctx, cj, other, false, why, sizeof(why)) == NULL) {
                    *a = (struct path){ci, ns};
                    *b = (struct path){cj, other};
                    return true;
                }
            }
        }
    }
    return false;
}

static void shared_namespace(struct suite_case *t)
{
        const struct nvme_fixture *fx = t->ctx->nvme;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_placement p = placement_host();
        if (fx->attached[i])
            controller_start(fx->controllers[i], &p);
    }
    struct path a, b;
    if (!find_paths(t->ctx, &a, &b)) {
        report_skip(t, "no_shared_namespace",
                    "no namespace with NMIC bit 0 that two controllers of one subsystem "
                   "(same SUBNQN, different CNTLID) both show, writable through one of them");
        return;
    }
    report_subject(t, a.c, a.ns->nsid); /* the points are the writer's */
    report_yaml(t, "subnqn", "%s", a.c->identity.subsystem_nqn);
    report_yaml(t, "writer", "%s", a.c->name);
    report_yaml(t, "writer_cntlid", "%u", a.c->identity.controller_id);
    report_yaml(t, "reader", "%s", b.c->name);
    report_yaml(t, "reader_cntlid", "%u", b.c->identity.controller_id);
    report_yaml(t, "nmic", "0x%02x", a.ns->identity.multipath);
    if (a.ns->identity.size_blocks != b.ns->identity.size_blocks ||
        a.ns->identity.block_bytes != b.ns->identity.block_bytes) {
        report_fail(t, "the two controllers describe nsid %u differently",
                         a.ns->nsid);
        return;
    }
    struct ns_data_format f;
    ns_data_format(a.ns, &f);
    uint32_t blocks = ns_blocks_fitting(a.c, &f, 16u * 1024);
    if (ns_blocks_fitting(b.c, &f, 16u * 1024) < blocks)
        blocks = ns_blocks_fitting(b.c, &f, 16u * 1024);
    uint64_t lba = LBA_AREA_FORMAT + MULTIPATH_SLOT * LBA_AREA_FORMAT_SLOT;
    uint64_t seed = fx->run_seed ^ 0x5a5;
    struct nvme_region out, in;
    if (nvme_alloc(a.c, NVME_MEMORY_HOST, (uint64_t)blocks * f.block_bytes, &out) != 0) {
        report_fail(t, "no DMA memory");
        return;
    }
    if (nvme_alloc(b.c, NVME_MEMORY_HOST, (uint64_t)blocks * f.block_bytes, &in) != 0) {
        nvme_free(a.c, &out);
        report_fail(t, "no DMA memory");
        return;
    }
    region_fill_pattern(&out, lba, f.block_bytes, blocks, seed);
    int status = ns_data_io(a.c, a.ns, NVME_IO_WRITE, lba, blocks, &out, NULL, seed);
    if (status == 0)
        status = nvme_flush(a.c, a.ns->nsid);
    int read_status = status == 0 ? ns_data_io(b.c, b.ns, NVME_IO_READ, lba, blocks, &in, NULL,
                                               seed) : -1;
    struct pattern_mismatch m;
    bool bad = read_status == 0 && region_check_pattern(&in, lba, f.block_bytes, blocks, seed, &m);
    nvme_free(a.c, &out);
    nvme_free(b.c, &in);
    report_yaml(t, "lbas", "%llu-%llu", (unsigned long long)lba,
                 (unsigned long long)(lba + blocks));
    if (status != 0 || read_status != 0 || bad) {
        if (bad)
            yaml_add_mismatch(t, &m);
        report_fail(t, status ? "write through %s failed"
                                      : read_status ? "read through %s failed"
                                                    : "%s read other data than was written",
                         status ? a.c->name : b.c->name);
        return;
    }
    report_pass(t, "%u blocks written through %s (CNTLID %u), "
             "read back through %s (CNTLID %u)", blocks, a.c->name, a.c->identity.controller_id,
             b.c->name, b.c->identity.controller_id);
}

const struct test_case nvme_multipath_test_cases[] = {
    {"nvme.multipath.shared_namespace", shared_namespace, CASE_NVME},
};
const unsigned nvme_multipath_test_case_count =
    sizeof(nvme_multipath_test_cases) / sizeof(nvme_multipath_test_cases[0]);
