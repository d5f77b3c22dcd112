/* Bookkeeping of one SQ/CQ pair: SQ tail and head, CQ head and phase, command IDs and command slots; entries moved through the region accessors, no doorbells, no waiting. */
#ifndef NVMETAL_DRIVERS_NVME_RING_H
#define NVMETAL_DRIVERS_NVME_RING_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/nvme/nvme_memory.h"
#include "drivers/nvme/nvme_spec.h"

#define NVME_RING_MAX_SLOTS 64u          /* commands in flight on one queue at most */
#define NVME_RING_LAST_COMMAND_ID 0xfffeu /* IDs run 1..0xfffe: 0xffff names "no command" in the
                                           * error log, 0 is left unused so it can mean "free" */

/* A command slot is taken by a submission and given back by the completion that names its
 * command ID (in any order); each slot may own a small host buffer (the queue's PRP list or
 * range for that command), so a buffer is never reused while the controller may still read it. */
struct nvme_ring {
    uint16_t sq_id;          /* what completions on this CQ must name */
    uint32_t entries;        /* of the SQ and of the CQ, 2..65536 */
    uint16_t sq_tail;        /* the next SQ entry written (the SQ tail doorbell's value) */
    uint16_t sq_head;        /* the first entry the controller had not fetched, as the last
                              * completion reported it */
    uint16_t cq_head;        /* the next CQ entry looked at (the CQ head doorbell's value) */
    uint8_t phase;           /* the phase tag a new completion at cq_head carries */
    uint16_t next_command_id;
    unsigned slots;          /* entries - 1, at most NVME_RING_MAX_SLOTS */
    uint64_t busy;           /* bit s: slot s holds a command submitted and not completed */
    uint16_t command_id[NVME_RING_MAX_SLOTS]; /* of each busy slot */
    uint16_t claim;          /* ticket of the claim on claim_slot's buffer; 0: none */
    uint16_t claim_slot;
    uint16_t last_ticket;
};

void nvme_ring_init(struct nvme_ring *r, uint16_t sq_id, uint32_t entries);
unsigned nvme_ring_in_flight(const struct nvme_ring *r);

/* The slot the next submission takes (the lowest free one), or -1 when the SQ is full or
 * every slot holds a command in flight; `why` (may be NULL) then says which. */
int nvme_ring_next_slot(const struct nvme_ring *r, char *why, size_t len);

/* Claims the buffer of the next slot for a command being prepared: returns the slot and sets
 * *ticket (never 0), which the command carries in its command ID until it is submitted. The
 * claim ends with the next submission that succeeds, or the next claim. Returns -1 (why) when
 * the queue is full. */
int nvme_ring_claim(struct nvme_ring *r, uint16_t *ticket, char *why, size_t len);

/* Writes `command` at the SQ tail with its command ID assigned (the next one not in flight)
 * and advances the tail. `claimed_slot` is the slot whose buffer the command points into (-1:
 * none): its ticket must still hold the claim and that slot must be the one taken. Returns the
 * slot, or -1 with `why` and nothing written (SQ full, every slot in flight, a stale claim). */
int nvme_ring_submit(struct nvme_ring *r, const struct nvme_region *sq,
                     struct nvme_command *command, int claimed_slot, char *why, size_t len);

/* Looks at the CQ entry at the head: 0 when its phase tag says the controller has not posted
 * it yet. Otherwise copies it to *out and consumes it (head advanced, phase flipped at the
 * wrap), takes the SQ head it reports and frees the slot of its command ID: 1, or -1 with `why`
 * when it does not fit (another SQ ID, an SQ head outside head..tail, a command ID not in
 * flight: then neither its SQ head nor its command ID is taken); the entry is consumed either
 * way. */
int nvme_ring_reap(struct nvme_ring *r, const struct nvme_region *cq, struct nvme_completion *out,
                   char *why, size_t len);

#endif
