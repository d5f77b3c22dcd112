/* Queue engine: write a command at the SQ tail, ring the doorbell, poll the CQ by phase tag, bounded. */
#include <stdio.h>

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_regs.h"

#define CSTS_CHECK_INTERVAL 1024u /* polls between fatal-status checks */

/* The second half of a CQE: SQ head, SQ ID, command ID and status with phase. */
struct completion_tail {
    uint16_t sq_head, sq_id, command_id, status;
};

static struct completion_tail read_tail(const struct nvme_queue *q, uint64_t offset)
{
    uint64_t word = nvme_region_read64(&q->cq, offset + 8);
    return (struct completion_tail){(uint16_t)word, (uint16_t)(word >> 16),
                                    (uint16_t)(word >> 32), (uint16_t)(word >> 48)};
}

int nvme_submit(struct nvme_controller *c, struct nvme_queue *q, struct nvme_command *command)
{
    if (!q->sq.bytes) {
        snprintf(c->error, sizeof(c->error), "queue %u does not exist", q->id);
        return -1;
    }
    command->command_id = q->next_command_id++;
    if (q->next_command_id == 0xffff)
        q->next_command_id = 1;
    nvme_region_write(&q->sq, (uint64_t)q->sq_tail * sizeof(*command), command, sizeof(*command));
    q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->entries);
    memory_barrier(); /* the entry must be visible before the doorbell */
    mmio_write32(q->sq_doorbell, q->sq_tail);
    return 0;
}

int nvme_reap(struct nvme_controller *c, struct nvme_queue *q, struct nvme_completion *completion)
{
    struct deadline d = deadline_after_us(NVME_COMMAND_BUDGET_US);
    uint64_t offset = (uint64_t)q->cq_head * sizeof(struct nvme_completion);
    for (unsigned polls = 1;; polls++) {
        struct completion_tail t = read_tail(q, offset);
        if ((t.status & 1) == q->phase) {
            uint64_t head_word = nvme_region_read64(&q->cq, offset);
            *completion = (struct nvme_completion){
                .result = (uint32_t)head_word, .reserved = (uint32_t)(head_word >> 32),
                .sq_head = t.sq_head, .sq_id = t.sq_id, .command_id = t.command_id,
                .status = t.status};
            q->cq_head = (uint16_t)((q->cq_head + 1) % q->entries);
            if (q->cq_head == 0)
                q->phase ^= 1;
            mmio_write32(q->cq_doorbell, q->cq_head);
            return 0;
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
                snprintf(c->error, sizeof(c->error),
                         "no completion within %u ms on queue %u (CQ head %u phase %u, SQ tail %u)",
                         NVME_COMMAND_BUDGET_US / 1000, q->id, q->cq_head, q->phase, q->sq_tail);
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
