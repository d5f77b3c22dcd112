/* VT-d probes: canary pages, one-page Read/Compare commands aimed at chosen addresses, and the fault they must cause. */
#include "tests/suite/vtd_probe.h"

#include <stdio.h>
#include <string.h>

#include "lib/dma_pool.h"
#include "tests/suite/nvme_data.h"

#define CANARY_BYTE 0xa5

bool canary_make(struct suite_case *t, struct canary *k)
{
    k->physical = page_alloc(dma_pool(), 1, 0);
    if (!k->physical)
        return false;
    canary_refill(k);
    report_yaml(t, "canary_physical", "0x%llx", (unsigned long long)k->physical);
    return true;
}

void canary_refill(const struct canary *k)
{
    memset((void *)(uintptr_t)k->physical, CANARY_BYTE, PAGE_SIZE);
}

bool canary_intact(const struct canary *k)
{
    const uint8_t *bytes = (const uint8_t *)(uintptr_t)k->physical;
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        if (bytes[i] != CANARY_BYTE)
            return false;
    return true;
}

void canary_free(struct canary *k)
{
    if (k->physical)
        page_free(dma_pool(), k->physical, 1);
    k->physical = 0;
}

/* Runs a one-page probe command of `opcode` at `target`; the metadata buffer, where the
 * format has one, is the image's own. The probes aim the controller at addresses (IOVAs)
 * on purpose, and the driver still sizes and checks the command. */
static int probe(struct suite_context *ctx, struct nvme_controller *c, uint8_t opcode,
                 uint64_t target)
{
    const struct nvme_namespace *ns = nvme_test_namespace(ctx, c, false);
    if (!ns)
        return -1;
    struct ns_data_format f;
    ns_data_format_for(ns, opcode, &f);
    uint32_t blocks = ns_blocks_fitting(c, &f, PAGE_SIZE);
    struct nvme_region page = {NVME_MEMORY_HOST, 0, target, PAGE_SIZE}, metadata = {0};
    struct nvme_command cmd;
    struct nvme_completion cpl;
    if (!blocks) {
        snprintf(c->error, sizeof(c->error), "a %u-byte data block does not fit a page probe",
                 f.block_bytes);
        return -1;
    }
    if (ns_data_prepare(c, ns, opcode, LBA_AREA_IO_VERIFY, blocks, &page, NULL, &metadata,
                        &cmd) != 0)
        return -1;
    int status = nvme_submit_and_wait(c, &c->io, &cmd, &cpl);
    nvme_free(c, &metadata);
    return status;
}

int dma_write_probe(struct suite_context *ctx, struct nvme_controller *c, uint64_t target)
{
    return probe(ctx, c, NVME_IO_READ, target);
}

bool dma_read_succeeds(struct suite_case *t, struct nvme_controller *c, uint64_t source)
{
    int status = probe(t->ctx, c, NVME_IO_COMPARE, source);
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&t->ctx->vtd->unit, faults, MAX_FAULTS);
    report_yaml(t, "read_probe", "Compare from 0x%llx by %s: status %d, %u fault%s",
                (unsigned long long)source, c->name, status, n, n == 1 ? "" : "s");
    return (status == 0 || status == NVME_STATUS_COMPARE_FAILURE) && n == 0;
}

bool can_probe_reads(const struct nvme_controller *c)
{
    return c->identity.oncs & NVME_ONCS_COMPARE;
}

void yaml_add_faults(struct suite_case *t, const struct vtd_fault *faults, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char text[160], key[16];
        vtd_fault_format(&faults[i], text, sizeof(text));
        snprintf(key, sizeof(key), "fault_%u", i + 1);
        report_yaml(t, key, "%s", text);
    }
}

bool expect_fault(struct suite_case *t, const struct vtd_binding *b, uint64_t iova, char *text,
                  unsigned len)
{
    struct vtd_fault faults[MAX_FAULTS];
    unsigned n = vtd_collect_faults(&t->ctx->vtd->unit, faults, MAX_FAULTS);
    report_yaml(t, "expected_fault", "SID 0x%04x write of 0x%llx, reason 0x05", b->requester_id,
                (unsigned long long)(iova & ~0xfffull));
    yaml_add_faults(t, faults, n);
    for (unsigned i = 0; i < n; i++) {
        const struct vtd_fault *f = &faults[i];
        if (f->source_id == b->requester_id && !f->read && f->reason == 0x05 &&
            f->address == (iova & ~0xfffull)) {
            vtd_fault_format(f, text, len);
            report_yaml(t, "matched_fault", "%s", text);
            report_yaml(t, "iova", "0x%llx", (unsigned long long)f->address);
            report_yaml(t, "fault_sid", "%02x:%02x.%x", f->source_id >> 8, (f->source_id >> 3) & 0x1f,
                        f->source_id & 0x7);
            report_yaml(t, "fault_access", "%s", f->read ? "read" : "write");
            report_yaml(t, "fault_addr", "0x%llx", (unsigned long long)f->address);
            report_yaml(t, "fault_reason", "0x%02x", f->reason);
            snprintf(text, len, "SID %02x:%02x.%x write faulted, reason 0x%02x (%s)",
                     f->source_id >> 8, (f->source_id >> 3) & 0x1f, f->source_id & 0x7, f->reason,
                     vtd_fault_reason_name(f->reason));
            return true;
        }
    }
    if (!n)
        snprintf(text, len, "no fault recorded");
    return false;
}

static void find_subjects(struct suite_context *ctx, struct subjects *out)
{
    struct nvme_fixture *fx = ctx->nvme;
    out->count = 0;
    for (unsigned i = 0; i < fx->count; i++) {
        struct nvme_controller *c = fx->controllers[i];
        struct vtd_binding *b = fx->attached[i] ? vtd_binding_of(ctx, c) : NULL;
        if (!b || vtd_translate(c, b) != 0)
            continue;
        struct nvme_placement p = placement_default(ctx, c);
        if (!c->started && nvme_start(c, &p) != 0)
            continue;
        if (!nvme_test_namespace(ctx, c, false))
            continue;
        out->c[out->count] = c;
        out->b[out->count++] = b;
    }
}

bool subjects_ready(struct suite_case *t, struct subjects *out, unsigned want)
{
    find_subjects(t->ctx, out);
    if (out->count < want) {
        report_yaml(t, "needed", "%u", want);
        report_yaml(t, "have", "%u", out->count);
        report_skip(t, "too_few_controllers",
                    "needs %u NVMe controller%s with a namespace in the unit's scope "
                    "(have %u)", want, want == 1 ? "" : "s", out->count);
        return false;
    }
    struct vtd_fault drain[MAX_FAULTS];
    vtd_collect_faults(&t->ctx->vtd->unit, drain, MAX_FAULTS);
    return true;
}
