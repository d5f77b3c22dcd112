/* The NVMe driver's API: take a controller over, start it with chosen queue placement, do I/O, stop it. */
#ifndef NVMETAL_DRIVERS_NVME_H
#define NVMETAL_DRIVERS_NVME_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/nvme/nvme_memory.h"
#include "drivers/nvme/nvme_ring.h"
#include "drivers/nvme/nvme_spec.h"
#include "drivers/pci/pci.h"
#include "lib/page_alloc.h"

#define NVME_ADMIN_ENTRIES    32
#define NVME_IO_ENTRIES       64
#define NVME_COMMAND_BUDGET_US 5000000u /* one command; a timeout dumps registers */

/* How a CQ tells of its completions: polled (vector 0), or through MSI-X table entry `entry`
 * (the CQ's Interrupt Vector), which the caller programmed to deliver CPU vector `vector`. */
struct nvme_interrupt {
    uint16_t entry;
    uint8_t vector;
};

struct nvme_queue {
    uint16_t id;
    struct nvme_interrupt irq; /* vector 0: completions are polled */
    uint64_t irq_seen;         /* deliveries of irq.vector the reaper has accounted for */
    bool irq_drain;            /* an interrupt came: reap until the CQ is empty, then wait */
    struct nvme_region sq, cq;
    struct nvme_ring ring; /* entries, SQ tail and head, CQ head and phase, command IDs, slots */
    /* I/O queues: one host buffer per command slot (its PRP list, or its Dataset Management
     * range), slot_bytes each, allocated and mapped with the queue, freed when it is deleted. */
    struct nvme_region slot_buffers;
    uint32_t slot_bytes;
    uint64_t sq_doorbell, cq_doorbell; /* MMIO addresses */
};

/* Where the controller's queues live for one start. */
struct nvme_placement {
    enum nvme_memory_kind admin_sq, io_sq, io_cq; /* HOST or CMB; the admin CQ is always host */
};

/* The Controller Memory Buffer as this driver set it up. */
struct nvme_cmb {
    bool present;
    bool legacy;           /* pre-1.4 scheme: window always on, CBA ignored */
    uint32_t cmbloc, cmbsz;
    uint8_t bir;
    uint64_t bar_address, bar_size;
    struct nvme_region window; /* cpu = BAR + offset, bus = controller address of the window */
    struct page_pool allocator; /* carves the window into queues, lists and buffers */
    uint8_t allocator_bitmap[512]; /* 4096 pages: a 16 MiB window; larger ones use the first 16 MiB */
    char problem[120];
};

/* The Persistent Memory Region. */
struct nvme_pmr {
    bool present;
    uint32_t pmrcap;
    uint8_t bir;
    bool controller_memory_space; /* CMSS: PMRMSC programmable */
    struct nvme_region region; /* cpu = BAR; bus = BAR (ordinary translated DMA) or CBA */
    uint64_t ready_budget_us;
    char problem[120];
};

/* Where host memory is, as the controller must address it: an IOMMU domain's
 * IOVAs. Without one, bus address = physical address. */
struct nvme_dma_mapper {
    uint64_t (*map)(void *ctx, uint64_t physical, uint64_t bytes); /* bus address, or 0 */
    void (*unmap)(void *ctx, uint64_t bus, uint64_t bytes);
    void *ctx;
};

/* One active namespace. A namespace whose Identify answer is impossible stays in the list,
 * marked unusable with the reason, so that it is reported and never given I/O. */
struct nvme_namespace {
    uint32_t nsid;
    bool usable;
    char problem[96];       /* why not usable */
    uint8_t csi;            /* command set: NVME_CSI_NVM or NVME_CSI_ZONED */
    struct nvme_namespace_identity identity;
    struct nvme_zoned_namespace_identity zoned; /* csi == NVME_CSI_ZONED */
};

struct nvme_controller {
    const struct pci_function *pci;
    char name[16];            /* "00:03.0" */
    uint64_t bar0;
    uint64_t cap;
    uint32_t vs;
    uint32_t doorbell_stride; /* bytes */
    uint64_t ready_budget_us; /* CAP.TO */
    uint32_t firmware_cc, firmware_csts; /* as the firmware left them */

    bool started;             /* enabled, identified, I/O queue pair created */
    bool io_command_sets;     /* CAP.CSS bit 6: enabled with CC.CSS=6, zoned namespaces usable */
    struct nvme_placement placement;
    struct nvme_queue admin, io;
    uint16_t io_queues_granted; /* from Set Features Number of Queues */
    struct nvme_interrupt io_interrupt; /* for the I/O CQ at the next start; vector 0: polled */

    struct nvme_region scratch; /* one host page for identify data */
    struct nvme_controller_identity identity;
    uint8_t identify_page[NVME_IDENTIFY_BYTES];
    unsigned namespace_count;
    bool namespace_list_fallback; /* NVMe 1.0: NSIDs 1..NN */
    struct nvme_namespace *namespaces; /* namespace_count of them, from the heap */
    unsigned namespace_capacity;

    struct nvme_cmb cmb;
    struct nvme_pmr pmr;
    const struct nvme_dma_mapper *mapper; /* NULL: host memory untranslated */

    uint64_t prp_list_scratch[PAGE_SIZE / 8]; /* built in RAM, then copied to its home */
    uint16_t last_status;     /* status field of the last failed command */
    char error[200];          /* what went wrong last, one line */
};

/* Reads CAP/VS, enables memory decode and bus mastering (and on the bridges
 * above), records what firmware left. Does not touch CC. Returns 0 or -1. */
int nvme_attach(struct nvme_controller *c, const struct pci_function *f,
                const struct pci_inventory *inv);
/* CC.EN=0 and wait for CSTS.RDY=0 (bounded by CAP.TO). */
int nvme_disable(struct nvme_controller *c);
/* Disables, sets up the admin queue where `placement` says, enables, runs
 * Identify Controller, the namespace list and Identify Namespace, asks for
 * I/O queues and creates one I/O queue pair. Returns 0 or -1 (c->error). */
int nvme_start(struct nvme_controller *c, const struct nvme_placement *placement);
/* Normal shutdown (CC.SHN, wait SHST complete), then CC.EN=0; frees the queues. */
int nvme_shutdown(struct nvme_controller *c);
/* From the next nvme_start, the I/O CQ is created with IEN=1 and IV=irq->entry, and every
 * reap on it waits for CPU vector irq->vector (bounded); NULL or vector 0: polled again. The
 * caller owns the MSI-X entry and the vector (drivers/pci/pci_msix.h, arch irq_vector.h). */
void nvme_use_interrupt(struct nvme_controller *c, const struct nvme_interrupt *irq);
/* The running I/O CQ's MSI-X entry now arrives on CPU vector `vector` (an interrupt remapping
 * entry moved it): reaps wait for that one from now on; 0: they poll, though the CQ still
 * raises its entry (a case that expects the interrupt to be blocked). */
void nvme_interrupt_moved(struct nvme_controller *c, uint8_t vector);

/* Memory for queues, PRP lists and data: host pages from the DMA pool, or
 * pages of this controller's CMB window. Returns 0 or -1 (c->error). */
int nvme_alloc(struct nvme_controller *c, enum nvme_memory_kind kind, uint64_t bytes,
               struct nvme_region *out);
void nvme_free(struct nvme_controller *c, struct nvme_region *region);

/* Stops the controller and makes every later host allocation go through
 * `mapper` (NULL: back to physical addresses). Returns 0 or -1. */
int nvme_set_dma_mapper(struct nvme_controller *c, const struct nvme_dma_mapper *mapper);

/* One block I/O command (Read, Write, Compare, Zone Append). The buffers must hold exactly
 * what the namespace's format makes the controller move (nvme_transfer_layout): the driver
 * refuses, before anything is sent, a command whose data or metadata the controller would
 * have to take from, or put into, memory nobody gave it. */
struct nvme_io {
    uint8_t opcode;
    uint32_t nsid;
    uint64_t lba;          /* Zone Append: the zone's start LBA */
    uint32_t blocks;
    const struct nvme_region *data;     /* host memory, CMB or PMR */
    const struct nvme_region *list;     /* home of a PRP list (host or CMB); NULL = the list of
                                         * the command slot the command takes on c->io */
    const struct nvme_region *metadata; /* separate metadata buffer (MPTR), when the format has one */
    uint8_t prinfo;                     /* NVME_PRINFO_*: PI namespaces only */
    uint32_t reference_tag;             /* ILBRT: expected or initial reference tag */
    uint16_t application_tag, application_mask;
};

/* Fills cmd for `io` (PRPs built, a list written into io->list when needed; with NULL into
 * the list of the command slot the next nvme_submit on c->io takes: submit the command
 * before preparing the next one). Returns 0, or -1 with c->error and no command. */
int nvme_prepare_io(struct nvme_controller *c, const struct nvme_io *io, struct nvme_command *cmd);
/* Prepares, submits and waits on the I/O queue pair (allocates nothing: a list goes in the
 * command slot's own). Returns the status field (0 = success), or -1 for a refusal, timeout or
 * fatal status; *result gets completion DW0..1 (Zone Append: the LBA written) when non-NULL. */
int nvme_io_run(struct nvme_controller *c, const struct nvme_io *io, uint64_t *result);
/* Plain Read/Write: no metadata buffer, no PRINFO (refused where the format needs either). */
int nvme_read(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
              const struct nvme_region *data, const struct nvme_region *list);
int nvme_write(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks,
               const struct nvme_region *data, const struct nvme_region *list);
int nvme_flush(struct nvme_controller *c, uint32_t nsid);
/* Write Zeroes and Dataset Management (one range, deallocate) of `blocks` at `lba`. */
int nvme_write_zeroes(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks);
int nvme_deallocate(struct nvme_controller *c, uint32_t nsid, uint64_t lba, uint32_t blocks);
/* Set/Get Features on the admin queue; *result gets DW0. Returns the status field or -1. */
int nvme_set_feature(struct nvme_controller *c, uint8_t feature, uint32_t nsid, uint32_t value,
                     uint32_t *result);
int nvme_get_feature(struct nvme_controller *c, uint8_t feature, uint32_t nsid, uint32_t *result);
/* Zoned namespaces: report up to `max` zones from `lba` (Zone Management Receive into a host
 * buffer), returns how many or -1; reset one zone (Zone Management Send). */
int nvme_zone_report(struct nvme_controller *c, uint32_t nsid, uint64_t lba,
                     struct nvme_zone *zones, unsigned max);
int nvme_zone_reset(struct nvme_controller *c, uint32_t nsid, uint64_t zone_start);
/* Writes a prepared command at the SQ tail (its command ID is assigned here) and rings the
 * doorbell. Returns 0, or -1 with c->error when the queue does not exist, is full (queue ID,
 * SQ head, tail and entries named) or every command slot is in flight. */
int nvme_submit(struct nvme_controller *c, struct nvme_queue *q, struct nvme_command *command);
/* Waits for the next completion on q (bounded, CSTS.CFS checked) and consumes it: the SQ head
 * it reports frees SQ entries, its command ID frees the command's slot (in any order). */
int nvme_reap(struct nvme_controller *c, struct nvme_queue *q, struct nvme_completion *completion);
/* Submits a prepared command, waits for it, checks its IDs; returns its status field. */
int nvme_submit_and_wait(struct nvme_controller *c, struct nvme_queue *q,
                         struct nvme_command *command, struct nvme_completion *completion);
/* Identify into c->identify_page; the _csi form names the I/O command set (CDW11 31:24)
 * for the command-set-specific structures (CNS 05h, 06h). */
int nvme_identify(struct nvme_controller *c, uint8_t cns, uint32_t nsid);
int nvme_identify_csi(struct nvme_controller *c, uint8_t cns, uint32_t nsid, uint8_t csi);

/* Largest transfer in bytes: MDTS in units of the minimum memory page size (CAP.MPSMIN),
 * capped at what one PRP list page can describe (2 MiB). */
uint32_t nvme_max_transfer_bytes(const struct nvme_controller *c);
const struct nvme_namespace *nvme_namespace_by_nsid(const struct nvme_controller *c,
                                                     uint32_t nsid);

/* Register access (drivers/nvme/nvme_reg_access.c), for this driver's files and the cases that
 * read what a controller shows. */
uint32_t nvme_reg_read32(const struct nvme_controller *c, uint64_t offset);
void nvme_reg_write32(const struct nvme_controller *c, uint64_t offset, uint32_t value);
uint64_t nvme_reg_read64(const struct nvme_controller *c, uint64_t offset);
void nvme_reg_write64(const struct nvme_controller *c, uint64_t offset, uint64_t value);
/* Polls until (register & mask) == value or CSTS.CFS, bounded by budget_us.
 * Returns 0, or -1 with c->error naming the register and what it read. */
int nvme_wait_register(struct nvme_controller *c, uint64_t offset, uint32_t mask, uint32_t value,
                       uint64_t budget_us, const char *what);

#endif
