/* Bookkeeping of one SQ/CQ pair: SQ tail and head, CQ head and phase, command IDs and command slots; entries moved through the region accessors, no doorbells, no waiting. */
#include "drivers/nvme/nvme_ring.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int refuse(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Says why into `why` (when given) and returns -1. */
static int refuse(char *why, size_t len, const char *fmt, ...)
{
    if (why && len) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(why, len, fmt, args);
        va_end(args);
    }
    return -1;
}

void nvme_ring_init(struct nvme_ring *r, uint16_t sq_id, uint32_t entries)
{
    *r = (struct nvme_ring){.sq_id = sq_id, .entries = entries, .phase = 1, .next_command_id = 1};
    /* An SQ holds entries - 1 commands (head == tail means empty). */
    r->slots = entries > NVME_RING_MAX_SLOTS ? NVME_RING_MAX_SLOTS : entries ? entries - 1 : 0;
}

unsigned nvme_ring_in_flight(const struct nvme_ring *r)
{
    return (unsigned)__builtin_popcountll(r->busy);
}

static uint16_t next_index(const struct nvme_ring *r, uint16_t index)
{
    return (uint16_t)((index + 1u) % r->entries);
}

/* Entries from `from` up to `to` going forward round the ring. */
static uint32_t distance(const struct nvme_ring *r, uint16_t from, uint16_t to)
{
    return (to + r->entries - from) % r->entries;
}

static uint64_t all_slots(const struct nvme_ring *r)
{
    return r->slots >= 64 ? ~0ull : (1ull << r->slots) - 1;
}

int nvme_ring_next_slot(const struct nvme_ring *r, char *why, size_t len)
{
    if (next_index(r, r->sq_tail) == r->sq_head)
        return refuse(why, len, "queue %u full: SQ head %u, tail %u, %u entries", r->sq_id,
                      r->sq_head, r->sq_tail, r->entries);
    uint64_t free_slots = ~r->busy & all_slots(r);
    if (!free_slots)
        return refuse(why, len, "queue %u: all %u command slots in flight (SQ head %u, tail %u, "
                      "%u entries)", r->sq_id, r->slots, r->sq_head, r->sq_tail, r->entries);
    return __builtin_ctzll(free_slots);
}

int nvme_ring_claim(struct nvme_ring *r, uint16_t *ticket, char *why, size_t len)
{
    int slot = nvme_ring_next_slot(r, why, len);
    if (slot < 0)
        return -1;
    r->last_ticket = (uint16_t)(r->last_ticket + 1u);
    if (r->last_ticket == 0)
        r->last_ticket = 1;
    r->claim = r->last_ticket;
    r->claim_slot = (uint16_t)slot;
    *ticket = r->claim;
    return slot;
}

static bool command_id_in_flight(const struct nvme_ring *r, uint16_t id)
{
    for (uint64_t busy = r->busy; busy; busy &= busy - 1)
        if (r->command_id[__builtin_ctzll(busy)] == id)
            return true;
    return false;
}

/* The next command ID after the last one given, skipping 0, 0xffff and IDs still in flight
 * (at most 64 of 65534, so the loop ends). */
static uint16_t take_command_id(struct nvme_ring *r)
{
    for (;;) {
        uint16_t id = r->next_command_id;
        r->next_command_id = id >= NVME_RING_LAST_COMMAND_ID ? 1 : (uint16_t)(id + 1);
        if (id != 0 && !command_id_in_flight(r, id))
            return id;
    }
}

int nvme_ring_submit(struct nvme_ring *r, const struct nvme_region *sq,
                     struct nvme_command *command, int claimed_slot, char *why, size_t len)
{
    int slot = nvme_ring_next_slot(r, why, len);
    if (slot < 0)
        return -1;
    if (claimed_slot >= 0 && (r->claim == 0 || command->command_id != r->claim ||
                              claimed_slot != r->claim_slot || claimed_slot != slot))
        return refuse(why, len, "queue %u: the command points into slot %d's buffer, which it "
                      "no longer holds (a later claim or submission took it): prepare and "
                      "submit one command at a time", r->sq_id, claimed_slot);
    r->claim = 0; /* the slot is taken: whoever else claimed its buffer has lost it */
    uint16_t id = take_command_id(r);
    command->command_id = id;
    nvme_region_write(sq, (uint64_t)r->sq_tail * sizeof(*command), command, sizeof(*command));
    r->sq_tail = next_index(r, r->sq_tail);
    r->busy |= 1ull << slot;
    r->command_id[slot] = id;
    return slot;
}

int nvme_ring_reap(struct nvme_ring *r, const struct nvme_region *cq, struct nvme_completion *out,
                   char *why, size_t len)
{
    /* The second half first: its last word holds the phase tag. */
    uint64_t offset = (uint64_t)r->cq_head * sizeof(struct nvme_completion);
    uint64_t tail_word = nvme_region_read64(cq, offset + 8);
    uint16_t status = (uint16_t)(tail_word >> 48);
    if ((status & 1) != r->phase)
        return 0;
    uint64_t head_word = nvme_region_read64(cq, offset);
    *out = (struct nvme_completion){
        .result = (uint32_t)head_word, .reserved = (uint32_t)(head_word >> 32),
        .sq_head = (uint16_t)tail_word, .sq_id = (uint16_t)(tail_word >> 16),
        .command_id = (uint16_t)(tail_word >> 32), .status = status};
    r->cq_head = next_index(r, r->cq_head);
    if (r->cq_head == 0)
        r->phase ^= 1;

    if (out->sq_id != r->sq_id)
        return refuse(why, len, "completion on queue %u's CQ names SQ %u (command %u)",
                      r->sq_id, out->sq_id, out->command_id);
    /* The head moves forward, never past the tail: anything else is not this SQ's head. */
    if (out->sq_head >= r->entries ||
        distance(r, r->sq_head, out->sq_head) > distance(r, r->sq_head, r->sq_tail))
        return refuse(why, len, "completion for command %u on queue %u reports SQ head %u, "
                      "outside %u..%u (%u entries)", out->command_id, r->sq_id, out->sq_head,
                      r->sq_head, r->sq_tail, r->entries);
    for (uint64_t busy = r->busy; busy; busy &= busy - 1) {
        unsigned slot = (unsigned)__builtin_ctzll(busy);
        if (r->command_id[slot] == out->command_id) {
            r->sq_head = out->sq_head;
            r->busy &= ~(1ull << slot);
            return 1;
        }
    }
    return refuse(why, len, "completion for command %u, which is not in flight on queue %u",
                  out->command_id, r->sq_id);
}
