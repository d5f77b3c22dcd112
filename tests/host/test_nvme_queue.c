/* Host tests for drivers/nvme/nvme_ring.c against a fake controller in RAM: phase tag, command-ID and SQ tail wrap, a full queue refused, the SQ head completions report, completions in any order, slot buffer claims, and the slot buffer size. */
#include "check.h"

#include <stdlib.h>

#include "drivers/nvme/nvme_prp.h"
#include "drivers/nvme/nvme_ring.h"
#include "lib/dma_pool.h"

/* nvme_memory.c's host allocator is linked but never used here: the queues come from calloc. */
struct page_pool *dma_pool(void)
{
    return NULL;
}

#define SQ_ID 1
#define POISON_BYTE 0xa5
#define MAX_FETCHED 64

/* One SQ/CQ pair in host RAM: the driver's bookkeeping (ring) on one side, the controller's
 * fetch pointer, CQ tail and phase on the other. */
struct fake {
    struct nvme_ring ring;
    struct nvme_region sq, cq;
    uint32_t entries;
    uint16_t head;    /* the next SQ entry the controller fetches */
    uint16_t cq_tail; /* the next CQ entry it posts */
    uint8_t phase;    /* the phase tag it writes */
    struct nvme_command fetched[MAX_FETCHED];
    unsigned fetched_count;
    char why[200];
};

static void fake_open(struct fake *f, uint32_t entries, enum nvme_memory_kind kind)
{
    memset(f, 0, sizeof(*f));
    f->entries = entries;
    f->phase = 1;
    void *sq = malloc(entries * sizeof(struct nvme_command));
    void *cq = calloc(entries, sizeof(struct nvme_completion)); /* phase 0: nothing posted */
    memset(sq, POISON_BYTE, entries * sizeof(struct nvme_command));
    f->sq = (struct nvme_region){kind, (uintptr_t)sq, (uintptr_t)sq,
                                 entries * sizeof(struct nvme_command)};
    f->cq = (struct nvme_region){kind, (uintptr_t)cq, (uintptr_t)cq,
                                 entries * sizeof(struct nvme_completion)};
    nvme_ring_init(&f->ring, SQ_ID, entries);
}

static void fake_close(struct fake *f)
{
    free((void *)(uintptr_t)f->sq.cpu);
    free((void *)(uintptr_t)f->cq.cpu);
}

static const struct nvme_command *sq_entry(const struct fake *f, unsigned index)
{
    return (const struct nvme_command *)(uintptr_t)(f->sq.cpu + index * sizeof(struct nvme_command));
}

static bool entry_untouched(const struct fake *f, unsigned index)
{
    const uint8_t *bytes = (const uint8_t *)sq_entry(f, index);
    for (unsigned i = 0; i < sizeof(struct nvme_command); i++)
        if (bytes[i] != POISON_BYTE)
            return false;
    return true;
}

/* The driver submits a command with `opcode` (no slot buffer); returns the slot or -1. The
 * command ID it was given goes to *id when id is not NULL. */
static int submit(struct fake *f, uint8_t opcode, uint16_t *id)
{
    struct nvme_command cmd = {.opcode = opcode, .nsid = 1, .cdw10 = opcode};
    int slot = nvme_ring_submit(&f->ring, &f->sq, &cmd, -1, f->why, sizeof(f->why));
    if (id)
        *id = cmd.command_id;
    return slot;
}

/* n commands into a fresh ring: they take slots 0..n-1; their command IDs go to ids. */
static void submit_many(struct fake *f, uint16_t *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ_U64(submit(f, 2, &ids[i]), i);
}

/* The controller fetches what the SQ tail doorbell (ring.sq_tail) shows, up to `max`. */
static unsigned fetch(struct fake *f, unsigned max)
{
    unsigned n = 0;
    while (f->head != f->ring.sq_tail && n < max) {
        CHECK(f->fetched_count < MAX_FETCHED);
        if (f->fetched_count < MAX_FETCHED)
            f->fetched[f->fetched_count++] = *sq_entry(f, f->head);
        f->head = (uint16_t)((f->head + 1) % f->entries);
        n++;
    }
    return n;
}

/* The controller posts one CQE; it never fills the CQ past the head doorbell (ring.cq_head). */
static void post_raw(struct fake *f, uint16_t sq_id, uint16_t sq_head, uint16_t command_id,
                     uint16_t status_field)
{
    CHECK((f->cq_tail + 1u) % f->entries != f->ring.cq_head);
    struct nvme_completion cqe = {
        .result = 0x1000u + command_id, .reserved = 0xabcd, .sq_head = sq_head, .sq_id = sq_id,
        .command_id = command_id, .status = (uint16_t)(status_field << 1 | f->phase)};
    /* The CQ may be device memory: the controller's side writes it as two quadwords too. */
    uint64_t words[2];
    memcpy(words, &cqe, sizeof(words));
    nvme_region_write64(&f->cq, f->cq_tail * 16u, words[0]);
    nvme_region_write64(&f->cq, f->cq_tail * 16u + 8, words[1]);
    f->cq_tail = (uint16_t)((f->cq_tail + 1) % f->entries);
    if (f->cq_tail == 0)
        f->phase ^= 1;
}

/* A successful completion of command_id with the controller's true SQ head. */
static void post(struct fake *f, uint16_t command_id)
{
    post_raw(f, SQ_ID, f->head, command_id, 0);
}

static int reap(struct fake *f, struct nvme_completion *cpl)
{
    memset(cpl, 0, sizeof(*cpl));
    return nvme_ring_reap(&f->ring, &f->cq, cpl, f->why, sizeof(f->why));
}

static void ring_init_sizes_the_slots(void)
{
    static const struct {
        uint32_t entries;
        unsigned slots;
    } cases[] = {{2, 1}, {32, 31}, {64, 63}, {65, 64}, {1024, 64}, {65536, 64}};
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        struct nvme_ring r;
        nvme_ring_init(&r, 3, cases[i].entries);
        CHECK_EQ_U64(r.slots, cases[i].slots);
        CHECK_EQ_U64(r.phase, 1);
        CHECK_EQ_U64(r.next_command_id, 1);
        CHECK_EQ_U64(r.sq_tail | r.sq_head | r.cq_head, 0);
        CHECK_EQ_U64(nvme_ring_in_flight(&r), 0);
        CHECK_EQ_U64(nvme_ring_next_slot(&r, NULL, 0), 0);
    }
}

/* Twelve commands one at a time through a 4-entry CQ: three laps, the phase tag flips at
 * each wrap, and an entry left from the lap before is never taken for a new one. */
static void phase_tag_flips_at_cq_wrap(void)
{
    struct fake f;
    fake_open(&f, 4, NVME_MEMORY_HOST);
    for (unsigned i = 0; i < 12; i++) {
        uint16_t id;
        struct nvme_completion cpl;
        CHECK(submit(&f, (uint8_t)i, &id) >= 0);
        CHECK_EQ_U64(reap(&f, &cpl), 0); /* not posted yet: the old entry's phase is stale */
        CHECK_EQ_U64(f.ring.cq_head, i % 4);
        CHECK_EQ_U64(fetch(&f, 1), 1);
        post(&f, id);
        CHECK_EQ_U64(reap(&f, &cpl), 1);
        CHECK_EQ_U64(cpl.command_id, id);
        CHECK_EQ_U64(cpl.result, 0x1000u + id);
        CHECK_EQ_U64(cpl.reserved, 0xabcd);
        CHECK_EQ_U64(cpl.status >> 1, 0);
        CHECK_EQ_U64(f.ring.cq_head, (i + 1) % 4);
        CHECK_EQ_U64(f.ring.phase, ((i + 1) / 4) % 2 ? 0 : 1);
        CHECK_EQ_U64(f.ring.phase, f.phase);
    }
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 0);
    fake_close(&f);
}

/* Ten commands through a 4-entry SQ: each lands at the tail, which wraps to 0. */
static void sq_tail_wraps(void)
{
    struct fake f;
    fake_open(&f, 4, NVME_MEMORY_HOST);
    for (unsigned i = 0; i < 10; i++) {
        uint16_t id;
        struct nvme_completion cpl;
        CHECK_EQ_U64(f.ring.sq_tail, i % 4);
        CHECK(submit(&f, (uint8_t)(0x40 + i), &id) >= 0);
        CHECK_EQ_U64(f.ring.sq_tail, (i + 1) % 4);
        CHECK_EQ_U64(sq_entry(&f, i % 4)->opcode, 0x40 + i);
        CHECK_EQ_U64(sq_entry(&f, i % 4)->command_id, id);
        CHECK_EQ_U64(fetch(&f, 4), 1);
        CHECK_EQ_U64(f.fetched[i].opcode, 0x40 + i);
        CHECK_EQ_U64(f.fetched[i].cdw10, 0x40 + i);
        post(&f, id);
        CHECK_EQ_U64(reap(&f, &cpl), 1);
        CHECK_EQ_U64(f.ring.sq_head, (i + 1) % 4);
    }
    fake_close(&f);
}

/* IDs run 1..0xfffe and start over at 1: never 0, never 0xffff. */
static void command_ids_wrap_past_fffe(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    f.ring.next_command_id = 0xfffd;
    static const uint16_t expected[] = {0xfffd, 0xfffe, 1, 2, 3};
    for (size_t i = 0; i < CHECK_COUNT(expected); i++) {
        uint16_t id;
        struct nvme_completion cpl;
        CHECK(submit(&f, 2, &id) >= 0);
        CHECK_EQ_U64(id, expected[i]);
        fetch(&f, 1);
        post(&f, id);
        CHECK_EQ_U64(reap(&f, &cpl), 1);
    }
    fake_close(&f);
}

/* After the wrap, an ID still held by a command in flight is skipped. */
static void command_id_in_flight_is_skipped(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    uint16_t a, b, c;
    CHECK(submit(&f, 2, &a) >= 0);
    CHECK_EQ_U64(a, 1);
    f.ring.next_command_id = 0xfffe;
    CHECK(submit(&f, 2, &b) >= 0);
    CHECK(submit(&f, 2, &c) >= 0);
    CHECK_EQ_U64(b, 0xfffe);
    CHECK_EQ_U64(c, 2); /* 0xffff and 0 are never used, 1 is in flight */
    fetch(&f, 8);
    struct nvme_completion cpl;
    post(&f, a);
    post(&f, b);
    post(&f, c);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 0);
    fake_close(&f);
}

/* Seven commands fill an 8-entry SQ the controller has not fetched: the eighth is refused,
 * with the queue ID, head, tail and entries named, and nothing is written. */
static void full_sq_is_refused(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    uint16_t ids[7];
    submit_many(&f, ids, 7);
    CHECK_EQ_U64(nvme_ring_next_slot(&f.ring, NULL, 0), (uint64_t)-1);
    CHECK_EQ_U64(submit(&f, 2, NULL), (uint64_t)-1);
    CHECK_STR(f.why, "queue 1 full: SQ head 0, tail 7, 8 entries");
    CHECK_EQ_U64(f.ring.sq_tail, 7);
    CHECK(entry_untouched(&f, 7));
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 7);
    fake_close(&f);
}

/* The SQ head a completion reports frees SQ entries; its command ID frees the slot. Once
 * the controller has fetched everything the SQ has room, yet every slot can still be in
 * flight: that is refused too. */
static void sq_head_from_completions(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    uint16_t ids[7];
    submit_many(&f, ids, 7);
    CHECK_EQ_U64(fetch(&f, 3), 3);
    struct nvme_completion cpl;
    post(&f, ids[1]); /* reports head 3 */
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.sq_head, 3);
    CHECK_EQ_U64(f.ring.sq_head, 3);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 6);
    /* Room again: the next command takes slot 1 (the one just freed) at SQ entry 7. */
    CHECK_EQ_U64(submit(&f, 3, &ids[1]), 1);
    CHECK_EQ_U64(f.ring.sq_tail, 0);
    CHECK_EQ_U64(sq_entry(&f, 7)->command_id, ids[1]);
    /* Everything fetched, one completion telling so: the SQ is empty, 7 commands in flight. */
    CHECK_EQ_U64(fetch(&f, 8), 5);
    post(&f, ids[0]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(f.ring.sq_head, 0);
    CHECK_EQ_U64(submit(&f, 4, &ids[0]), 0);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 7);
    CHECK_EQ_U64(submit(&f, 5, NULL), (uint64_t)-1);
    CHECK_STR(f.why, "queue 1: all 7 command slots in flight (SQ head 0, tail 1, 8 entries)");
    /* A completion before the controller fetched the last one: the head stays at 0. */
    post(&f, ids[4]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.sq_head, 0);
    CHECK_EQ_U64(f.ring.sq_head, 0);
    CHECK_EQ_U64(submit(&f, 6, NULL), 4);
    fake_close(&f);
}

/* Completions in another order than the submissions: each frees its own slot, and the next
 * submission takes the lowest free one. */
static void completions_in_any_order(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    uint16_t ids[4];
    submit_many(&f, ids, 4);
    fetch(&f, 8);
    struct nvme_completion cpl;
    post(&f, ids[2]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.command_id, ids[2]);
    CHECK_EQ_U64(f.ring.busy, 0xb);
    CHECK_EQ_U64(nvme_ring_next_slot(&f.ring, NULL, 0), 2);
    post(&f, ids[0]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(f.ring.busy, 0xa);
    uint16_t again;
    CHECK_EQ_U64(submit(&f, 2, &again), 0);
    CHECK_EQ_U64(again, 5);
    CHECK_EQ_U64(submit(&f, 2, NULL), 2);
    CHECK_EQ_U64(submit(&f, 2, NULL), 4);
    post(&f, ids[3]);
    post(&f, ids[1]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.command_id, ids[3]);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.command_id, ids[1]);
    CHECK_EQ_U64(f.ring.busy, 0x15);
    fake_close(&f);
}

/* Completions that do not fit are reported and consumed; nothing they say is taken. */
static void completions_that_do_not_fit(void)
{
    struct fake f;
    fake_open(&f, 8, NVME_MEMORY_HOST);
    uint16_t id;
    submit(&f, 2, &id);
    fetch(&f, 8);
    struct nvme_completion cpl;

    post(&f, 77);
    CHECK_EQ_U64(reap(&f, &cpl), (uint64_t)-1);
    CHECK_STR(f.why, "completion for command 77, which is not in flight on queue 1");
    CHECK_EQ_U64(f.ring.cq_head, 1);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 1);

    post_raw(&f, 2, 1, id, 0);
    CHECK_EQ_U64(reap(&f, &cpl), (uint64_t)-1);
    CHECK_STR(f.why, "completion on queue 1's CQ names SQ 2 (command 1)");
    CHECK_EQ_U64(f.ring.sq_head, 0);

    post_raw(&f, SQ_ID, 5, id, 0); /* past the tail (1) */
    CHECK_EQ_U64(reap(&f, &cpl), (uint64_t)-1);
    CHECK_STR(f.why, "completion for command 1 on queue 1 reports SQ head 5, outside 0..1 "
              "(8 entries)");
    post_raw(&f, SQ_ID, 8, id, 0); /* not an index of the SQ at all */
    CHECK_EQ_U64(reap(&f, &cpl), (uint64_t)-1);
    CHECK_EQ_U64(f.ring.sq_head, 0);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 1);

    /* The real one still completes it; an error status is the caller's to read. */
    post_raw(&f, SQ_ID, 1, id, 0x0002);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(cpl.status >> 1, 0x0002);
    CHECK_EQ_U64(f.ring.sq_head, 1);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 0);
    fake_close(&f);
}

/* A claim on the next slot's buffer holds until a submission takes that slot: the claimant
 * gets it; a stale ticket, another slot or a claim lost to another command is refused. */
static void slot_buffer_claims(void)
{
    struct fake f;
    fake_open(&f, 4, NVME_MEMORY_HOST);
    uint16_t t1, t2, t3;
    CHECK_EQ_U64(nvme_ring_claim(&f.ring, &t1, NULL, 0), 0);
    CHECK(t1 != 0);
    struct nvme_command cmd = {.opcode = 2, .command_id = t1};
    CHECK_EQ_U64(nvme_ring_submit(&f.ring, &f.sq, &cmd, 0, f.why, sizeof(f.why)), 0);
    CHECK_EQ_U64(cmd.command_id, 1); /* the ticket made way for the real ID */

    CHECK_EQ_U64(nvme_ring_claim(&f.ring, &t2, NULL, 0), 1);
    CHECK_EQ_U64(nvme_ring_claim(&f.ring, &t3, NULL, 0), 1); /* a second prepare takes it over */
    CHECK(t2 != t3 && t3 != 0);
    cmd = (struct nvme_command){.opcode = 2, .command_id = t2};
    CHECK_EQ_U64(nvme_ring_submit(&f.ring, &f.sq, &cmd, 1, f.why, sizeof(f.why)), (uint64_t)-1);
    CHECK_STR(f.why, "queue 1: the command points into slot 1's buffer, which it no longer holds "
              "(a later claim or submission took it): prepare and submit one command at a time");
    CHECK_EQ_U64(f.ring.sq_tail, 1);
    CHECK(entry_untouched(&f, 1));
    cmd.command_id = t3;
    CHECK_EQ_U64(nvme_ring_submit(&f.ring, &f.sq, &cmd, 0, f.why, sizeof(f.why)), (uint64_t)-1);

    /* A command without a buffer takes slot 1 first: the claim on it is gone, also once that
     * command has completed and slot 1 is the next one again. */
    uint16_t other;
    struct nvme_completion cpl;
    CHECK_EQ_U64(submit(&f, 2, &other), 1);
    CHECK_EQ_U64(nvme_ring_submit(&f.ring, &f.sq, &cmd, 1, f.why, sizeof(f.why)), (uint64_t)-1);
    fetch(&f, 4);
    post(&f, other);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(nvme_ring_next_slot(&f.ring, NULL, 0), 1);
    CHECK_EQ_U64(nvme_ring_submit(&f.ring, &f.sq, &cmd, 1, f.why, sizeof(f.why)), (uint64_t)-1);
    CHECK_EQ_U64(nvme_ring_in_flight(&f.ring), 1);

    /* Every slot in flight: nothing to claim. */
    CHECK_EQ_U64(submit(&f, 2, NULL), 1);
    CHECK_EQ_U64(submit(&f, 2, NULL), 2);
    CHECK_EQ_U64(nvme_ring_claim(&f.ring, &t1, f.why, sizeof(f.why)), (uint64_t)-1);
    CHECK_STR(f.why, "queue 1: all 3 command slots in flight (SQ head 2, tail 0, 4 entries)");

    /* The ticket counter wraps without giving 0. */
    f.ring.last_ticket = 0xffff;
    fetch(&f, 4);
    post(&f, 1);
    CHECK_EQ_U64(reap(&f, &cpl), 1);
    CHECK_EQ_U64(nvme_ring_claim(&f.ring, &t1, NULL, 0), 0);
    CHECK_EQ_U64(t1, 1);
    fake_close(&f);
}

/* Queues in device memory (a CMB): the same exchange through the 8-byte accessors. */
static void device_memory_queues(void)
{
    struct fake f;
    fake_open(&f, 4, NVME_MEMORY_CMB);
    for (unsigned i = 0; i < 6; i++) {
        uint16_t id;
        struct nvme_completion cpl;
        CHECK(submit(&f, (uint8_t)(0x10 + i), &id) >= 0);
        CHECK_EQ_U64(sq_entry(&f, i % 4)->opcode, 0x10 + i);
        CHECK_EQ_U64(sq_entry(&f, i % 4)->nsid, 1);
        CHECK_EQ_U64(sq_entry(&f, i % 4)->command_id, id);
        fetch(&f, 4);
        post(&f, id);
        CHECK_EQ_U64(reap(&f, &cpl), 1);
        CHECK_EQ_U64(cpl.result, 0x1000u + id);
        CHECK_EQ_U64(cpl.sq_head, (i + 1) % 4);
    }
    CHECK_EQ_U64(f.ring.phase, 0);
    fake_close(&f);
}

/* Each slot's PRP list: big enough for the largest transfer at the worst offset, a power of
 * two, so that packed lists never cross a page; and the builder agrees at every slot. */
static void slot_list_sizes(void)
{
    static const struct {
        uint64_t max_bytes;
        uint32_t page_size;
        uint32_t bytes;
    } cases[] = {
        {4096, 4096, 8},             /* two pages at most: no list, the minimum */
        {8192, 4096, 16},            /* MDTS 1: three pages, two entries */
        {128 * 1024, 4096, 256},     /* 33 pages, 32 entries */
        {512 * 1024, 4096, 1024},    /* QEMU's MDTS 7: 128 entries */
        {2u << 20, 4096, 4096},      /* 512 entries: a whole page */
        {(2u << 20) + 4096, 4096, 0}, /* would need chaining */
        {1u << 20, 8192, 1024},      /* 8 KiB pages: 128 entries */
        {0, 4096, 0},
        {4096, 2048, 0},
    };
    static uint64_t list[4096 / 8];
    for (size_t i = 0; i < CHECK_COUNT(cases); i++) {
        uint32_t bytes = nvme_prp_list_bytes(cases[i].max_bytes, cases[i].page_size);
        CHECK_EQ_U64(bytes, cases[i].bytes);
        if (!bytes || cases[i].page_size != 4096)
            continue;
        /* The worst case, in every slot of a page of packed lists. */
        for (uint64_t at = 0; at < 4096; at += bytes) {
            struct nvme_prp prp;
            CHECK_EQ_U64(nvme_prp_build(0x100ffc, cases[i].max_bytes, 4096, list, 0x7000000 + at,
                                        bytes / 8, &prp), 0);
        }
    }
}

static const struct check_case cases[] = {
    CHECK_CASE(ring_init_sizes_the_slots),
    CHECK_CASE(phase_tag_flips_at_cq_wrap),
    CHECK_CASE(sq_tail_wraps),
    CHECK_CASE(command_ids_wrap_past_fffe),
    CHECK_CASE(command_id_in_flight_is_skipped),
    CHECK_CASE(full_sq_is_refused),
    CHECK_CASE(sq_head_from_completions),
    CHECK_CASE(completions_in_any_order),
    CHECK_CASE(completions_that_do_not_fit),
    CHECK_CASE(slot_buffer_claims),
    CHECK_CASE(device_memory_queues),
    CHECK_CASE(slot_list_sizes),
};

int main(void)
{
    return CHECK_RUN("nvme_queue", cases);
}
