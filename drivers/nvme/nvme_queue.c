/* Queue engine: submit at the SQ tail and ring the doorbell, poll the CQ by phase tag (bounded), each command slot's buffer; the bookkeeping is nvme_ring.c. */
#include "drivers/nvme/nvme_queue.h"

#include <stdio.h>

#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme_prp.h"
#include "drivers/nvme/nvme_regs.h"

#define CSTS_CHECK_INTERVAL 1024u /* polls between fatal-status checks */
#define DSM_RANGE_BYTES 16u       /* one Dataset Management range descriptor */

uint32_t nvme_slot_buffer_bytes(uint32_t max_transfer)
{
    uint32_t bytes = nvme_prp_list_bytes(max_transfer, PAGE_SIZE);
    return bytes < DSM_RANGE_BYTES ? DSM_RANGE_BYTES : bytes;
}

static struct nvme_region slot_buffer(const struct nvme_queue *q, unsigned slot)
{
    return nvme_region_slice(&q->slot_buffers, (uint64_t)slot * q->slot_bytes, q->slot_bytes);
}

int nvme_claim_slot_buffer(struct nvme_queue *q, struct nvme_region *buffer, uint16_t *ticket)
{
    if (!q->slot_buffers.bytes)
        return -1;
    int slot = nvme_ring_claim(&q->ring, ticket, NULL, 0);
    if (slot < 0)
        return -1;
    *buffer = slot_buffer(q, (unsigned)slot);
    return 0;
}

/* The slot whose buffer the command points into (PRP1: a range; PRP2: a PRP list), or -1. */
static int claimed_slot(const struct nvme_queue *q, const struct nvme_command *command)
{
    const uint64_t start = q->slot_buffers.bus, bytes = q->slot_buffers.bytes;
    const uint64_t pointers[2] = {command->prp1, command->prp2};
    for (unsigned i = 0; i < 2 && bytes; i++)
        if (pointers[i] - start < bytes)
            return (int)((pointers[i] - start) / q->slot_bytes);
    return -1;
}

int nvme_submit(struct nvme_controller *c, struct nvme_queue *q, struct nvme_command *command)
{
    if (!q->sq.bytes) {
        snprintf(c->error, sizeof(c->error), "queue %u does not exist", q->id);
        return -1;
    }
    if (nvme_ring_submit(&q->ring, &q->sq, command, claimed_slot(q, command), c->error,
                         sizeof(c->error)) < 0)
        return -1;
    memory_barrier(); /* the entry must be visible before the doorbell */
    mmio_write32(q->sq_doorbell, q->ring.sq_tail);
    return 0;
}

/* The CQ signals by interrupt: an interrupt lets the reaper take entries until the CQ is empty
 * (one interrupt may stand for several), then it waits for the next one, bounded. A completion
 * that is posted while no interrupt arrives is a failure that names the vector and the CQ. */
static int reap_on_interrupt(struct nvme_controller *c, struct nvme_queue *q,
                             struct nvme_completion *completion)
{
    struct deadline d = deadline_after_us(NVME_COMMAND_BUDGET_US);
    for (;;) {
        uint64_t count = irq_vector_count(q->irq.vector);
        if (count != q->irq_seen) {
            q->irq_seen = count;
            q->irq_drain = true;
        }
        if (q->irq_drain) {
            int got = nvme_ring_reap(&q->ring, &q->cq, completion, c->error, sizeof(c->error));
            if (got != 0) {
                mmio_write32(q->cq_doorbell, q->ring.cq_head);
                return got > 0 ? 0 : -1;
            }
            q->irq_drain = false;
        }
        if (deadline_passed(d))
            break;
        irq_vector_wait(q->irq.vector, q->irq_seen, 1000);
    }
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    int got = nvme_ring_reap(&q->ring, &q->cq, completion, c->error, sizeof(c->error));
    if (got != 0)
        mmio_write32(q->cq_doorbell, q->ring.cq_head);
    snprintf(c->error, sizeof(c->error),
             "no interrupt on vector 0x%02x (MSI-X entry %u) for CQ %u within %u ms; the "
             "completion %s (CSTS 0x%08x, %llu deliveries so far)",
             q->irq.vector, q->irq.entry, q->id, NVME_COMMAND_BUDGET_US / 1000,
             got > 0 ? "was posted: the interrupt was lost" : "was not posted either", csts,
             (unsigned long long)q->irq_seen);
    return -1;
}

int nvme_reap(struct nvme_controller *c, struct nvme_queue *q, struct nvme_completion *completion)
{
    if (q->irq.vector)
        return reap_on_interrupt(c, q, completion);
    struct deadline d = deadline_after_us(NVME_COMMAND_BUDGET_US);
    for (unsigned polls = 1;; polls++) {
        int got = nvme_ring_reap(&q->ring, &q->cq, completion, c->error, sizeof(c->error));
        if (got != 0) {
            mmio_write32(q->cq_doorbell, q->ring.cq_head);
            return got > 0 ? 0 : -1;
        }
        if (polls % CSTS_CHECK_INTERVAL == 0) {
            uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
            if (csts & NVME_CSTS_CFS) {
                snprintf(c->error, sizeof(c->error),
                         "controller fatal status (CSTS 0x%08x) with commands outstanding on "
                         "queue %u", csts, q->id);
                return -1;
            }
            if (deadline_passed(d)) {
                const struct nvme_ring *r = &q->ring;
                snprintf(c->error, sizeof(c->error),
                         "no completion within %u ms on queue %u (CSTS 0x%08x; CQ head %u phase "
                         "%u; SQ head %u tail %u of %u; %u in flight)",
                         NVME_COMMAND_BUDGET_US / 1000, q->id, csts, r->cq_head, r->phase,
                         r->sq_head, r->sq_tail, r->entries, nvme_ring_in_flight(r));
                return -1;
            }
        }
    }
}

int nvme_submit_and_wait(struct nvme_controller *c, struct nvme_queue *q,
                         struct nvme_command *command, struct nvme_completion *completion)
{
    if (nvme_submit(c, q, command) != 0)
        return -1;
    if (nvme_reap(c, q, completion) != 0) {
        char detail[200];
        snprintf(detail, sizeof(detail), "%s; opcode 0x%02x command %u", c->error,
                 command->opcode, command->command_id);
        snprintf(c->error, sizeof(c->error), "%s", detail);
        return -1;
    }
    if (completion->command_id != command->command_id || completion->sq_id != q->id) {
        snprintf(c->error, sizeof(c->error),
                 "completion for SQ %u command %u, expected SQ %u command %u",
                 completion->sq_id, completion->command_id, q->id, command->command_id);
        return -1;
    }
    uint16_t status = completion->status >> 1;
    if (status) {
        char text[80];
        c->last_status = status;
        snprintf(c->error, sizeof(c->error), "opcode 0x%02x on queue %u: %s", command->opcode,
                 q->id, nvme_status_describe(status, text, sizeof(text)));
    }
    return status;
}
