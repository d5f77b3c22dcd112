/* An NVDIMM as a DMA target through VT-d: each translated NVMe controller reads namespace blocks into the NVDIMM at an IOVA of its domain, and the CPU finds them there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/vtd/vtd_pagetable.h"
#include "tests/suite/nvdimm_fixture.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/vtd_fixture.h"
#include "tests/suite/vtd_probe.h"

/* Past nvdimm.io.verify's areas (1 MiB + 4 x 64 KiB): one 64 KiB slot per controller. */
#define DMA_OFFSET      (2u << 20)
#define DMA_SLOT        (64u << 10)
#define DMA_BYTES       (16u << 10) /* more than two pages: the PRP list names IOVAs too */
#define DMA_LBA         0u          /* read only: any LBA the namespace has */
#define POISON          0xa5u

/* One controller's transfer into its slot; the point's verdict. */
static void dma_one(struct suite_case *t, struct nvme_controller *c, struct vtd_binding *b,
                    const struct nvdimm_range *r, unsigned slot)
{
    const struct nvme_namespace *ns = nvme_test_namespace(t->ctx, c, false);
    if (!ns) {
        report_skip(t, "no_namespace", "no namespace to read on %s", c->name);
        return;
    }
    struct ns_data_format f;
    ns_data_format(ns, &f);
    if (f.metadata_bytes) {
        report_skip(t, "separate_metadata", "nsid %u carries separate metadata", ns->nsid);
        return;
    }
    uint32_t blocks = ns_blocks_fitting(c, &f, DMA_BYTES);
    uint64_t bytes = (uint64_t)blocks * f.block_bytes;
    uint64_t offset = DMA_OFFSET + (uint64_t)slot * DMA_SLOT;
    if (!blocks || bytes > DMA_SLOT || offset + DMA_SLOT > r->length) {
        report_yaml(t, "length", "0x%llx", (unsigned long long)r->length);
        report_skip(t, "nvdimm_small", "slot %u (0x%llx bytes at 0x%llx) does not fit the range or "
                    "the namespace's blocks", slot, (unsigned long long)DMA_SLOT,
                    (unsigned long long)offset);
        return;
    }
    struct nvme_region reference;
    uint8_t *seen = malloc(bytes);
    if (!seen || nvme_alloc(c, NVME_MEMORY_HOST, bytes, &reference) != 0) {
        free(seen);
        report_fail(t, "no memory for the reference copy");
        return;
    }
    int status = ns_data_io(c, ns, NVME_IO_READ, DMA_LBA, blocks, &reference, NULL, 0);
    /* Poison first, so that blocks the device never wrote cannot pass for ones it did. */
    memset(seen, POISON, bytes);
    nvdimm_write(r, offset, seen, bytes, CACHE_WRITE_NON_TEMPORAL);
    uint64_t physical = r->base + offset;
    uint64_t iova = status == 0 ? vtd_map(b->domain, physical, bytes, VTD_PTE_READ | VTD_PTE_WRITE) : 0;
    struct nvme_region target = {.kind = NVME_MEMORY_HOST, .cpu = physical, .bus = iova, .bytes = bytes};
    if (iova)
        status = ns_data_io(c, ns, NVME_IO_READ, DMA_LBA, blocks, &target, NULL, 0);
    if (iova)
        vtd_unmap(b->domain, iova, bytes);
    nvdimm_read(r, offset, seen, bytes);
    int differs = memcmp(seen, (const void *)(uintptr_t)reference.cpu, bytes);
    nvme_free(c, &reference);
    free(seen);
    report_yaml(t, "nsid", "%u", ns->nsid);
    report_yaml(t, "lba", "%u", DMA_LBA);
    report_yaml(t, "blocks", "%u", blocks);
    report_yaml(t, "block_bytes", "%u", f.block_bytes);
    report_yaml(t, "nvdimm_offset", "0x%llx", (unsigned long long)offset);
    report_yaml(t, "physical", "0x%llx", (unsigned long long)physical);
    report_yaml(t, "iova", "0x%llx", (unsigned long long)iova);
    report_yaml(t, "domain", "%u", b->domain->id);
    report_yaml(t, "requester_id", "0x%04x", b->requester_id);
    if (!iova) {
        report_fail(t, status ? "the reference read failed: %s" : "no IOVA for the NVDIMM slot in "
                    "the domain", c->error);
    } else if (status != 0) {
        vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
        report_fail(t, "the read into the NVDIMM through IOVA failed (status 0x%x)", (unsigned)status);
    } else if (differs) {
        vtd_yaml_add_unit(t, &t->ctx->vtd->unit);
        report_fail(t, "the NVDIMM slot does not hold the blocks the controller read");
    } else {
        report_pass(t, "%u blocks of nsid %u read by the controller into the NVDIMM through an "
                    "IOVA of its domain, found there by the CPU", blocks, ns->nsid);
    }
}

static void dma_range(struct suite_case *t, struct nvdimm_setup *s, const struct nvdimm_range *r,
                      enum nvdimm_access access, enum nvdimm_verdict verdict, const char *why)
{
    if (access != NVDIMM_READ_WRITE) {
        nvdimm_skip_write(t, verdict, why);
        return;
    }
    /* Asked here, not by CASE_NEEDS_VTD: a machine without an NVDIMM SKIPs no_nfit first,
     * whatever iommu = says. */
    if (!vtd_enabled_or_report(t))
        return;
    SUBJECTS(t, subjects);
    if (!subjects_ready(t, &subjects, 1))
        return;
    for (unsigned i = 0; i < subjects.count; i++) {
        if (i) { /* nvdimm_each_range gave the first point the verdict's keys */
            report_yaml(t, "policy", "%s", nvdimm_verdict_code(verdict));
            report_yaml(t, "policy_reason", "%s", why);
        }
        report_subject(t, subjects.c[i], 0);
        dma_one(t, subjects.c[i], subjects.b[i], r, i);
        report_subject_end(t);
    }
}

static void dma_target(struct suite_case *t)
{
    nvdimm_each_range(t, dma_range);
}

const struct test_case nvdimm_dma_test_cases[] = {
    {"nvdimm.dma.target", dma_target, 0},
};
const unsigned nvdimm_dma_test_case_count = sizeof(nvdimm_dma_test_cases) / sizeof(nvdimm_dma_test_cases[0]);
