/* NVMe controller life cycle: attach, disable, start with chosen queue placement, shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_reg_access.h"
#include "drivers/nvme/nvme_regs.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/nvme/nvme_queue.h"
#include "drivers/pci/pci_path.h"

#define CAP_CSS_NVM     0x01u /* CAP.CSS bit 0: the NVM command set */
#define CAP_CSS_IO_SETS 0x40u /* CAP.CSS bit 6: one or more I/O command sets */
#define CC_CSS_ALL_IO_SETS nvme_put_CC_CSS(6) /* every I/O command set the controller supports */
#define ACTIVE_LIST_ENTRIES (NVME_IDENTIFY_BYTES / 4)
#define SHUTDOWN_BUDGET_US 10000000u  /* when RTD3E says nothing useful */
#define MIN_READY_BUDGET_US 500000u   /* CAP.TO = 0 still deserves one unit */

int nvme_attach(struct nvme_controller *c, const struct pci_function *f,
                const struct pci_inventory *inv)
{
    memset(c, 0, sizeof(*c));
    c->pci = f;
    pci_address_format(f->address, c->name, sizeof(c->name));
    struct nvme_probe probe;
    if (nvme_probe(f, &probe) != 0) {
        snprintf(c->error, sizeof(c->error), "%s", probe.problem);
        return -1;
    }
    /* DMA needs bus mastering here and on every bridge above: firmware may
     * have cleared it at ExitBootServices. */
    pci_enable_bus_master_path(inv, f);
    c->bar0 = probe.bar0;
    c->cap = probe.cap;
    c->vs = probe.vs;
    c->firmware_cc = probe.cc;
    c->firmware_csts = probe.csts;
    c->doorbell_stride = 4u << nvme_CAP_DSTRD(c->cap);
    c->ready_budget_us = nvme_CAP_TO(c->cap) * 500000u;
    if (c->ready_budget_us < MIN_READY_BUDGET_US)
        c->ready_budget_us = MIN_READY_BUDGET_US;
    if (!(nvme_CAP_CSS(c->cap) & CAP_CSS_NVM)) {
        snprintf(c->error, sizeof(c->error), "CAP.CSS 0x%llx lacks the NVM command set",
                 (unsigned long long)nvme_CAP_CSS(c->cap));
        return -1;
    }
    c->io_command_sets = (nvme_CAP_CSS(c->cap) & CAP_CSS_IO_SETS) != 0;
    if (nvme_CAP_MPSMIN(c->cap) != 0) {
        snprintf(c->error, sizeof(c->error), "CAP.MPSMIN %u: 4 KiB pages not supported",
                 (unsigned)nvme_CAP_MPSMIN(c->cap));
        return -1;
    }
    return nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &c->scratch);
}

int nvme_disable(struct nvme_controller *c)
{
    uint32_t cc = nvme_reg_read32(c, NVME_REG(cc));
    uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
    if (!(cc & NVME_CC_EN) && !(csts & NVME_CSTS_RDY))
        return 0;
    nvme_reg_write32(c, NVME_REG(cc), cc & ~NVME_CC_EN);
    /* A controller in fatal state still has to reach RDY=0: do not stop on CFS. */
    return nvme_wait_register_through_fatal(c, NVME_REG(csts), NVME_CSTS_RDY, 0,
                                            c->ready_budget_us, "CSTS.RDY=0 after CC.EN=0");
}

/* Queue memory in host RAM or in the CMB; the CMB only where CMBSZ allows it. */
int nvme_alloc(struct nvme_controller *c, enum nvme_memory_kind kind, uint64_t bytes,
               struct nvme_region *out)
{
    if (kind == NVME_MEMORY_HOST) {
        if (nvme_host_alloc(bytes, 0, out) != 0) {
            snprintf(c->error, sizeof(c->error), "DMA pool exhausted (%llu bytes)",
                     (unsigned long long)bytes);
            return -1;
        }
        if (!c->mapper)
            return 0;
        out->bus = c->mapper->map(c->mapper->ctx, out->cpu, out->bytes);
        if (out->bus)
            return 0;
        nvme_host_free(out);
        snprintf(c->error, sizeof(c->error), "IOMMU mapping of %llu bytes failed",
                 (unsigned long long)bytes);
        return -1;
    }
    if (kind != NVME_MEMORY_CMB || !c->cmb.present) {
        snprintf(c->error, sizeof(c->error), "no %s to allocate from", nvme_memory_kind_name(kind));
        return -1;
    }
    uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t cpu = page_alloc(&c->cmb.allocator, pages, 0);
    if (!cpu) {
        snprintf(c->error, sizeof(c->error), "CMB exhausted (%llu bytes)", (unsigned long long)bytes);
        return -1;
    }
    *out = nvme_region_slice(&c->cmb.window, cpu - c->cmb.window.cpu, pages * PAGE_SIZE);
    nvme_region_zero(out);
    return 0;
}

void nvme_free(struct nvme_controller *c, struct nvme_region *region)
{
    if (!region->bytes)
        return;
    if (region->kind == NVME_MEMORY_CMB)
        page_free(&c->cmb.allocator, region->cpu, region->bytes / PAGE_SIZE);
    else if (region->kind == NVME_MEMORY_HOST) {
        if (c->mapper)
            c->mapper->unmap(c->mapper->ctx, region->bus, region->bytes);
        nvme_host_free(region);
    }
    region->bytes = 0;
}

static void release_queue(struct nvme_controller *c, struct nvme_queue *q)
{
    nvme_free(c, &q->sq);
    nvme_free(c, &q->cq);
    nvme_free(c, &q->slot_buffers); /* unmapped only now: the controller no longer reads them */
}

/* slot_bytes: each command slot's host buffer (0: none, the admin queue). */
static int setup_queue(struct nvme_controller *c, struct nvme_queue *q, uint16_t id,
                       uint16_t entries, enum nvme_memory_kind sq_kind,
                       enum nvme_memory_kind cq_kind, uint32_t slot_bytes)
{
    memset(q, 0, sizeof(*q));
    q->id = id;
    nvme_ring_init(&q->ring, id, entries);
    q->slot_bytes = slot_bytes;
    q->sq_doorbell = c->bar0 + 0x1000 + (2u * id) * c->doorbell_stride;
    q->cq_doorbell = c->bar0 + 0x1000 + (2u * id + 1) * c->doorbell_stride;
    if (nvme_alloc(c, sq_kind, (uint64_t)entries * sizeof(struct nvme_command), &q->sq) != 0 ||
        nvme_alloc(c, cq_kind, (uint64_t)entries * sizeof(struct nvme_completion), &q->cq) != 0 ||
        (slot_bytes && nvme_alloc(c, NVME_MEMORY_HOST, (uint64_t)q->ring.slots * slot_bytes,
                                  &q->slot_buffers) != 0)) {
        release_queue(c, q);
        return -1;
    }
    return 0;
}

static int check_placement(struct nvme_controller *c, const struct nvme_placement *p)
{
    bool sq_in_cmb = p->admin_sq == NVME_MEMORY_CMB || p->io_sq == NVME_MEMORY_CMB;
    if ((sq_in_cmb || p->io_cq == NVME_MEMORY_CMB) && !c->cmb.present) {
        snprintf(c->error, sizeof(c->error), "queues placed in a CMB the controller does not have");
        return -1;
    }
    if (sq_in_cmb && !(c->cmb.cmbsz & NVME_CMBSZ_SQS)) {
        snprintf(c->error, sizeof(c->error), "CMBSZ.SQS=0: SQs may not live in this CMB");
        return -1;
    }
    if (p->io_cq == NVME_MEMORY_CMB && !(c->cmb.cmbsz & NVME_CMBSZ_CQS)) {
        snprintf(c->error, sizeof(c->error), "CMBSZ.CQS=0: CQs may not live in this CMB");
        return -1;
    }
    if (p->admin_sq == NVME_MEMORY_PMR || p->io_sq == NVME_MEMORY_PMR || p->io_cq == NVME_MEMORY_PMR) {
        snprintf(c->error, sizeof(c->error), "queues cannot be placed in the PMR");
        return -1;
    }
    return 0;
}

static void release_all_queues(struct nvme_controller *c)
{
    release_queue(c, &c->admin);
    release_queue(c, &c->io);
    c->started = false;
}

static int enable(struct nvme_controller *c)
{
    uint32_t admin_entries = NVME_ADMIN_ENTRIES;
    if (admin_entries > nvme_CAP_MQES(c->cap) + 1)
        admin_entries = (uint32_t)nvme_CAP_MQES(c->cap) + 1;
    if (setup_queue(c, &c->admin, 0, (uint16_t)admin_entries, c->placement.admin_sq,
                    NVME_MEMORY_HOST, 0) != 0)
        return -1;
    nvme_reg_write32(c, NVME_REG(aqa), ((admin_entries - 1) << 16) | (admin_entries - 1));
    nvme_reg_write64(c, NVME_REG(asq), c->admin.sq.bus);
    nvme_reg_write64(c, NVME_REG(acq), c->admin.cq.bus);
    /* CC.CSS=6 where offered: zoned namespaces then take their own command set; with
     * CC.CSS=0 a controller may still expose them under NVM rules they cannot keep. */
    uint32_t css = c->io_command_sets ? CC_CSS_ALL_IO_SETS : 0;
    nvme_reg_write32(c, NVME_REG(cc), NVME_CC_IOCQES_16 | NVME_CC_IOSQES_64 | css | NVME_CC_EN);
    return nvme_wait_register(c, NVME_REG(csts), NVME_CSTS_RDY, NVME_CSTS_RDY,
                              c->ready_budget_us, "CSTS.RDY=1 after CC.EN=1");
}

int nvme_identify_csi(struct nvme_controller *c, uint8_t cns, uint32_t nsid, uint8_t csi)
{
    struct nvme_command cmd = {
        .opcode = NVME_ADMIN_IDENTIFY, .nsid = nsid, .prp1 = c->scratch.bus, .cdw10 = cns,
        .cdw11 = (uint32_t)csi << 24};
    struct nvme_completion cpl;
    nvme_region_zero(&c->scratch);
    int status = nvme_submit_and_wait(c, &c->admin, &cmd, &cpl);
    if (status == 0)
        nvme_region_read(&c->scratch, 0, c->identify_page, NVME_IDENTIFY_BYTES);
    return status;
}

int nvme_identify(struct nvme_controller *c, uint8_t cns, uint32_t nsid)
{
    return nvme_identify_csi(c, cns, nsid, NVME_CSI_NVM);
}

static struct nvme_namespace *add_namespace(struct nvme_controller *c, uint32_t nsid)
{
    if (c->namespace_count == c->namespace_capacity) {
        unsigned capacity = c->namespace_capacity ? 2 * c->namespace_capacity : 8;
        struct nvme_namespace *grown = realloc(c->namespaces, capacity * sizeof(*grown));
        if (!grown) {
            snprintf(c->error, sizeof(c->error), "no heap for %u namespaces", capacity);
            return NULL;
        }
        c->namespaces = grown;
        c->namespace_capacity = capacity;
    }
    struct nvme_namespace *ns = &c->namespaces[c->namespace_count++];
    memset(ns, 0, sizeof(*ns));
    ns->nsid = nsid;
    return ns;
}

/* The command set of one namespace and, for a zoned one, its zone geometry. A status from
 * the controller makes the namespace unusable; only a timeout or a fatal status fails. */
static int identify_command_set(struct nvme_controller *c, struct nvme_namespace *ns)
{
    char why[96];
    if (!c->io_command_sets)
        return 0;
    int status = nvme_identify(c, NVME_IDENTIFY_NS_DESCRIPTORS, ns->nsid);
    if (status < 0)
        return -1;
    if (status > 0 || nvme_parse_namespace_descriptors(c->identify_page, &ns->csi, why) != 0) {
        snprintf(ns->problem, sizeof(ns->problem), "namespace descriptors: %s",
                 status > 0 ? c->error : why);
        ns->usable = false;
        return 0;
    }
    if (ns->csi == NVME_CSI_NVM)
        return 0;
    if (ns->csi != NVME_CSI_ZONED) {
        snprintf(ns->problem, sizeof(ns->problem), "command set 0x%02x is not one nvmetal drives",
                 ns->csi);
        ns->usable = false;
        return 0;
    }
    status = nvme_identify_csi(c, NVME_IDENTIFY_CSI_NAMESPACE, ns->nsid, NVME_CSI_ZONED);
    if (status < 0)
        return -1;
    if (status > 0 || nvme_parse_zoned_namespace(c->identify_page, ns->identity.lba_format,
                                                 &ns->zoned, why) != 0) {
        snprintf(ns->problem, sizeof(ns->problem), "zoned identify: %s",
                 status > 0 ? c->error : why);
        ns->usable = false;
    }
    return 0;
}

static int identify_one_namespace(struct nvme_controller *c, uint32_t nsid)
{
    char why[96];
    int status = nvme_identify(c, NVME_IDENTIFY_NAMESPACE, nsid);
    if (status < 0)
        return -1;
    struct nvme_namespace_identity identity = {0};
    int parsed = status == 0 ? nvme_parse_identify_namespace(c->identify_page, &identity, why) : -1;
    /* With the NN fallback an inactive NSID reads as zeros: not a namespace at all. */
    if (parsed != 0 && c->namespace_list_fallback)
        return 0;
    struct nvme_namespace *ns = add_namespace(c, nsid);
    if (!ns)
        return -1;
    ns->identity = identity;
    ns->usable = parsed == 0;
    if (!ns->usable) {
        snprintf(ns->problem, sizeof(ns->problem), "%s", status > 0 ? c->error : why);
        return 0;
    }
    return identify_command_set(c, ns);
}

/* Every active namespace, however many: the CNS 02h list is read page by page (each page
 * holds the next 1024 NSIDs above the last one seen). */
static int identify_namespaces(struct nvme_controller *c)
{
    c->namespace_count = 0;
    c->namespace_list_fallback = false;
    /* CNS 02h arrived with NVMe 1.1; older controllers get every NSID up to NN. */
    bool listed = c->vs >= 0x00010100;
    uint32_t after = 0;
    while (listed) {
        uint32_t nsids[ACTIVE_LIST_ENTRIES];
        int status = nvme_identify(c, NVME_IDENTIFY_ACTIVE_NS_LIST, after);
        if (status < 0)
            return -1;
        int count = status == 0 ? nvme_parse_active_namespaces(c->identify_page, nsids,
                                                               ACTIVE_LIST_ENTRIES) : -1;
        if (count < 0) {
            if (after == 0) {
                listed = false; /* no usable list: fall back to 1..NN */
                break;
            }
            snprintf(c->error, sizeof(c->error), "active namespace list after nsid %u is "
                     "not ascending", after);
            return -1;
        }
        for (int i = 0; i < count; i++)
            if (identify_one_namespace(c, nsids[i]) != 0)
                return -1;
        if (count < (int)ACTIVE_LIST_ENTRIES)
            return 0;
        after = nsids[count - 1];
    }
    c->namespace_list_fallback = true;
    for (uint32_t id = 1; id <= c->identity.namespace_count && id != 0; id++)
        if (identify_one_namespace(c, id) != 0)
            return -1;
    return 0;
}

int nvme_set_feature(struct nvme_controller *c, uint8_t feature, uint32_t nsid, uint32_t value,
                     uint32_t *result)
{
    struct nvme_completion cpl = {0};
    struct nvme_command cmd = {
        .opcode = NVME_ADMIN_SET_FEATURES, .nsid = nsid, .cdw10 = feature, .cdw11 = value};
    int status = nvme_submit_and_wait(c, &c->admin, &cmd, &cpl);
    if (result)
        *result = cpl.result;
    return status;
}

int nvme_get_feature(struct nvme_controller *c, uint8_t feature, uint32_t nsid, uint32_t *result)
{
    struct nvme_completion cpl = {0};
    struct nvme_command cmd = {.opcode = NVME_ADMIN_GET_FEATURES, .nsid = nsid, .cdw10 = feature};
    int status = nvme_submit_and_wait(c, &c->admin, &cmd, &cpl);
    if (result)
        *result = cpl.result;
    return status;
}

static int create_io_queues(struct nvme_controller *c)
{
    struct nvme_completion cpl;
    uint32_t granted;
    if (nvme_set_feature(c, NVME_FEATURE_NUMBER_OF_QUEUES, 0, 0, &granted) != 0)
        return -1;
    /* Answers are 0-based: both halves count the queues beyond the first. */
    c->io_queues_granted = (uint16_t)((granted & 0xffff) < (granted >> 16)
                                          ? (granted & 0xffff) + 1
                                          : (granted >> 16) + 1);
    uint32_t entries = NVME_IO_ENTRIES;
    if (entries > nvme_CAP_MQES(c->cap) + 1)
        entries = (uint32_t)nvme_CAP_MQES(c->cap) + 1;
    if (setup_queue(c, &c->io, 1, (uint16_t)entries, c->placement.io_sq, c->placement.io_cq,
                    nvme_slot_buffer_bytes(nvme_max_transfer_bytes(c))) != 0)
        return -1;
    /* CDW11: IV in 31:16, IEN bit 1, PC (physically contiguous) bit 0. */
    c->io.irq = c->io_interrupt;
    uint32_t interrupts = c->io.irq.vector ? ((uint32_t)c->io.irq.entry << 16) | 2u : 0;
    struct nvme_command create_cq = {
        .opcode = NVME_ADMIN_CREATE_CQ, .prp1 = c->io.cq.bus,
        .cdw10 = ((entries - 1) << 16) | c->io.id, .cdw11 = interrupts | 1u};
    if (nvme_submit_and_wait(c, &c->admin, &create_cq, &cpl) != 0)
        return -1;
    struct nvme_command create_sq = {
        .opcode = NVME_ADMIN_CREATE_SQ, .prp1 = c->io.sq.bus,
        .cdw10 = ((entries - 1) << 16) | c->io.id, .cdw11 = ((uint32_t)c->io.id << 16) | 1};
    return nvme_submit_and_wait(c, &c->admin, &create_sq, &cpl) != 0 ? -1 : 0;
}

static int bring_up(struct nvme_controller *c)
{
    char why[96];
    if (enable(c) != 0)
        return -1;
    if (nvme_identify(c, NVME_IDENTIFY_CONTROLLER, 0) != 0)
        return -1;
    if (nvme_parse_identify_controller(c->identify_page, &c->identity, why) != 0) {
        snprintf(c->error, sizeof(c->error), "identify controller: %s", why);
        return -1;
    }
    if (identify_namespaces(c) != 0)
        return -1;
    return create_io_queues(c);
}

int nvme_start(struct nvme_controller *c, const struct nvme_placement *placement)
{
    c->error[0] = '\0';
    if (check_placement(c, placement) != 0)
        return -1;
    if (nvme_disable(c) != 0)
        return -1;
    release_all_queues(c);
    c->placement = *placement;
    if (bring_up(c) == 0) {
        c->started = true;
        return 0;
    }
    /* Part-way up is not up: stop the controller, keep the reason. */
    char reason[sizeof(c->error)];
    snprintf(reason, sizeof(reason), "%s", c->error);
    nvme_disable(c);
    release_all_queues(c);
    snprintf(c->error, sizeof(c->error), "%s", reason);
    return -1;
}

int nvme_shutdown(struct nvme_controller *c)
{
    int result = 0;
    if (c->started) {
        struct nvme_completion cpl;
        struct nvme_command delete_sq = {.opcode = NVME_ADMIN_DELETE_SQ, .cdw10 = c->io.id};
        struct nvme_command delete_cq = {.opcode = NVME_ADMIN_DELETE_CQ, .cdw10 = c->io.id};
        if (c->io.sq.bytes) {
            nvme_submit_and_wait(c, &c->admin, &delete_sq, &cpl);
            nvme_submit_and_wait(c, &c->admin, &delete_cq, &cpl);
        }
        uint32_t cc = nvme_reg_read32(c, NVME_REG(cc));
        nvme_reg_write32(c, NVME_REG(cc), (cc & ~NVME_CC_SHN) | NVME_CC_SHN_NORMAL);
        result = nvme_wait_register(c, NVME_REG(csts), NVME_CSTS_SHST,
                                    NVME_CSTS_SHST_COMPLETE, SHUTDOWN_BUDGET_US,
                                    "CSTS.SHST=complete after CC.SHN=normal");
    }
    if (nvme_disable(c) != 0)
        result = -1;
    release_all_queues(c);
    return result;
}

void nvme_use_interrupt(struct nvme_controller *c, const struct nvme_interrupt *irq)
{
    c->io_interrupt = irq ? *irq : (struct nvme_interrupt){0};
}

void nvme_interrupt_moved(struct nvme_controller *c, uint8_t vector)
{
    c->io.irq.vector = vector;
    c->io.irq_seen = irq_vector_count(vector);
    c->io.irq_drain = false;
}

int nvme_set_dma_mapper(struct nvme_controller *c, const struct nvme_dma_mapper *mapper)
{
    int result = nvme_shutdown(c);
    nvme_free(c, &c->scratch);
    c->mapper = mapper;
    if (nvme_alloc(c, NVME_MEMORY_HOST, PAGE_SIZE, &c->scratch) != 0)
        return -1;
    return result;
}

uint32_t nvme_max_transfer_bytes(const struct nvme_controller *c)
{
    const uint64_t cap = 2u << 20;
    uint64_t unit = 4096ull << nvme_CAP_MPSMIN(c->cap);
    if (c->identity.mdts == 0 || c->identity.mdts >= 20)
        return (uint32_t)cap;
    uint64_t bytes = unit << c->identity.mdts;
    return (uint32_t)(bytes < cap ? bytes : cap);
}

const struct nvme_namespace *nvme_namespace_by_nsid(const struct nvme_controller *c, uint32_t nsid)
{
    for (unsigned i = 0; i < c->namespace_count; i++)
        if (c->namespaces[i].nsid == nsid)
            return &c->namespaces[i];
    return NULL;
}

