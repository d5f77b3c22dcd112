/* NVMe controller life cycle: attach, disable, start with chosen queue placement, shutdown. */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/timer.h"
#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_regs.h"
#include "drivers/nvme/nvme_probe.h"
#include "drivers/pci/pci_path.h"

#define CAP_MQES(cap)   ((uint32_t)((cap) & 0xffff))
#define CAP_TO(cap)     ((uint32_t)(((cap) >> 24) & 0xff))
#define CAP_DSTRD(cap)  ((uint32_t)(((cap) >> 32) & 0xf))
#define CAP_CSS_NVM(cap) (((cap) >> 37) & 1)
#define CAP_MPSMIN(cap) ((uint32_t)(((cap) >> 48) & 0xf))
#define SHUTDOWN_BUDGET_US 10000000u  /* when RTD3E says nothing useful */
#define MIN_READY_BUDGET_US 500000u   /* CAP.TO = 0 still deserves one unit */

uint32_t nvme_reg_read32(const struct nvme_controller *c, uint64_t offset)
{
    return mmio_read32(c->bar0 + offset);
}

void nvme_reg_write32(const struct nvme_controller *c, uint64_t offset, uint32_t value)
{
    mmio_write32(c->bar0 + offset, value);
}

/* Two dword reads, low first: valid for every 64-bit register, aligned or not (PMRMSC). */
uint64_t nvme_reg_read64(const struct nvme_controller *c, uint64_t offset)
{
    uint64_t low = nvme_reg_read32(c, offset);
    return low | ((uint64_t)nvme_reg_read32(c, offset + 4) << 32);
}

static void write_address(const struct nvme_controller *c, uint64_t offset, uint64_t value)
{
    nvme_reg_write32(c, offset, (uint32_t)value);
    nvme_reg_write32(c, offset + 4, (uint32_t)(value >> 32));
}

static int wait_register(struct nvme_controller *c, uint64_t offset, uint32_t mask, uint32_t value,
                         uint64_t budget_us, const char *what, bool stop_on_fatal)
{
    struct deadline d = deadline_after_us(budget_us);
    uint32_t seen = 0;
    for (;;) {
        seen = nvme_reg_read32(c, offset);
        if ((seen & mask) == value)
            return 0;
        uint32_t csts = nvme_reg_read32(c, NVME_REG(csts));
        if (stop_on_fatal && (csts & NVME_CSTS_CFS)) {
            snprintf(c->error, sizeof(c->error),
                     "controller fatal status (CSTS 0x%08x) while waiting for %s", csts, what);
            return -1;
        }
        if (deadline_passed(d))
            break;
        delay_us(50);
    }
    snprintf(c->error, sizeof(c->error),
             "timed out after %llu ms waiting for %s (register 0x%llx reads 0x%08x)",
             (unsigned long long)(budget_us / 1000), what, (unsigned long long)offset, seen);
    return -1;
}

int nvme_wait_register(struct nvme_controller *c, uint64_t offset, uint32_t mask, uint32_t value,
                       uint64_t budget_us, const char *what)
{
    return wait_register(c, offset, mask, value, budget_us, what, true);
}

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
    c->doorbell_stride = 4u << CAP_DSTRD(c->cap);
    c->ready_budget_us = (uint64_t)CAP_TO(c->cap) * 500000u;
    if (c->ready_budget_us < MIN_READY_BUDGET_US)
        c->ready_budget_us = MIN_READY_BUDGET_US;
    if (!CAP_CSS_NVM(c->cap)) {
        snprintf(c->error, sizeof(c->error), "CAP.CSS 0x%llx lacks the NVM command set",
                 (unsigned long long)((c->cap >> 37) & 0xff));
        return -1;
    }
    if (CAP_MPSMIN(c->cap) != 0) {
        snprintf(c->error, sizeof(c->error), "CAP.MPSMIN %u: 4 KiB pages not supported",
                 CAP_MPSMIN(c->cap));
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
    return wait_register(c, NVME_REG(csts), NVME_CSTS_RDY, 0, c->ready_budget_us,
                         "CSTS.RDY=0 after CC.EN=0", false);
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
}

static int setup_queue(struct nvme_controller *c, struct nvme_queue *q, uint16_t id,
                       uint16_t entries, enum nvme_memory_kind sq_kind,
                       enum nvme_memory_kind cq_kind)
{
    memset(q, 0, sizeof(*q));
    q->id = id;
    q->entries = entries;
    q->phase = 1;
    q->next_command_id = 1;
    q->sq_doorbell = c->bar0 + 0x1000 + (2u * id) * c->doorbell_stride;
    q->cq_doorbell = c->bar0 + 0x1000 + (2u * id + 1) * c->doorbell_stride;
    if (nvme_alloc(c, sq_kind, (uint64_t)entries * sizeof(struct nvme_command), &q->sq) != 0 ||
        nvme_alloc(c, cq_kind, (uint64_t)entries * sizeof(struct nvme_completion), &q->cq) != 0) {
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
    if (admin_entries > CAP_MQES(c->cap) + 1)
        admin_entries = CAP_MQES(c->cap) + 1;
    if (setup_queue(c, &c->admin, 0, (uint16_t)admin_entries, c->placement.admin_sq,
                    NVME_MEMORY_HOST) != 0)
        return -1;
    nvme_reg_write32(c, NVME_REG(aqa), ((admin_entries - 1) << 16) | (admin_entries - 1));
    write_address(c, NVME_REG(asq), c->admin.sq.bus);
    write_address(c, NVME_REG(acq), c->admin.cq.bus);
    nvme_reg_write32(c, NVME_REG(cc), NVME_CC_IOCQES_16 | NVME_CC_IOSQES_64 | NVME_CC_EN);
    return nvme_wait_register(c, NVME_REG(csts), NVME_CSTS_RDY, NVME_CSTS_RDY,
                              c->ready_budget_us, "CSTS.RDY=1 after CC.EN=1");
}

int nvme_identify(struct nvme_controller *c, uint8_t cns, uint32_t nsid)
{
    struct nvme_command cmd = {
        .opcode = NVME_ADMIN_IDENTIFY, .nsid = nsid, .prp1 = c->scratch.bus, .cdw10 = cns};
    struct nvme_completion cpl;
    nvme_region_zero(&c->scratch);
    int status = nvme_submit_and_wait(c, &c->admin, &cmd, &cpl);
    if (status == 0)
        nvme_region_read(&c->scratch, 0, c->identify_page, NVME_IDENTIFY_BYTES);
    return status;
}

static int identify_namespaces(struct nvme_controller *c)
{
    uint32_t nsids[NVME_MAX_NAMESPACES];
    int count = -1;
    /* CNS 02h arrived with NVMe 1.1; older controllers get every NSID up to NN. */
    if (c->vs >= 0x00010100 && nvme_identify(c, NVME_IDENTIFY_ACTIVE_NS_LIST, 0) == 0)
        count = nvme_parse_active_namespaces(c->identify_page, nsids, NVME_MAX_NAMESPACES);
    if (count < 0) {
        c->namespace_list_fallback = true;
        count = 0;
        for (uint32_t id = 1; id <= c->identity.namespace_count && count < NVME_MAX_NAMESPACES; id++)
            nsids[count++] = id;
    }
    c->namespace_count = 0;
    for (int i = 0; i < count; i++) {
        char why[96];
        struct nvme_namespace *ns = &c->namespaces[c->namespace_count];
        if (nvme_identify(c, NVME_IDENTIFY_NAMESPACE, nsids[i]) != 0)
            return -1;
        /* With the NN fallback an inactive NSID reads as zeros: not a namespace. */
        if (nvme_parse_identify_namespace(c->identify_page, &ns->identity, why) != 0) {
            if (c->namespace_list_fallback)
                continue;
            snprintf(c->error, sizeof(c->error), "namespace %u: %s", nsids[i], why);
            return -1;
        }
        ns->nsid = nsids[i];
        c->namespace_count++;
    }
    return 0;
}

static int create_io_queues(struct nvme_controller *c)
{
    struct nvme_completion cpl;
    struct nvme_command features = {
        .opcode = NVME_ADMIN_SET_FEATURES, .cdw10 = NVME_FEATURE_NUMBER_OF_QUEUES, .cdw11 = 0};
    if (nvme_submit_and_wait(c, &c->admin, &features, &cpl) != 0)
        return -1;
    /* Answers are 0-based: both halves count the queues beyond the first. */
    c->io_queues_granted = (uint16_t)((cpl.result & 0xffff) < (cpl.result >> 16)
                                          ? (cpl.result & 0xffff) + 1
                                          : (cpl.result >> 16) + 1);
    uint32_t entries = NVME_IO_ENTRIES;
    if (entries > CAP_MQES(c->cap) + 1)
        entries = CAP_MQES(c->cap) + 1;
    if (setup_queue(c, &c->io, 1, (uint16_t)entries, c->placement.io_sq, c->placement.io_cq) != 0)
        return -1;
    struct nvme_command create_cq = {
        .opcode = NVME_ADMIN_CREATE_CQ, .prp1 = c->io.cq.bus,
        .cdw10 = ((entries - 1) << 16) | c->io.id, .cdw11 = 1 /* physically contiguous, polled */};
    if (nvme_submit_and_wait(c, &c->admin, &create_cq, &cpl) != 0)
        return -1;
    struct nvme_command create_sq = {
        .opcode = NVME_ADMIN_CREATE_SQ, .prp1 = c->io.sq.bus,
        .cdw10 = ((entries - 1) << 16) | c->io.id, .cdw11 = ((uint32_t)c->io.id << 16) | 1};
    return nvme_submit_and_wait(c, &c->admin, &create_sq, &cpl) != 0 ? -1 : 0;
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
    if (enable(c) != 0)
        return -1;
    c->started = true;
    char why[96];
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
        nvme_reg_write32(c, NVME_REG(cc), (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
        result = nvme_wait_register(c, NVME_REG(csts), NVME_CSTS_SHST_MASK,
                                    NVME_CSTS_SHST_COMPLETE, SHUTDOWN_BUDGET_US,
                                    "CSTS.SHST=complete after CC.SHN=normal");
    }
    if (nvme_disable(c) != 0)
        result = -1;
    release_all_queues(c);
    return result;
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
    const uint32_t cap = 2u << 20;
    if (c->identity.mdts == 0 || c->identity.mdts >= 10)
        return cap;
    uint32_t bytes = PAGE_SIZE << c->identity.mdts;
    return bytes < cap ? bytes : cap;
}

const struct nvme_namespace *nvme_namespace_by_nsid(const struct nvme_controller *c, uint32_t nsid)
{
    for (unsigned i = 0; i < c->namespace_count; i++)
        if (c->namespaces[i].nsid == nsid)
            return &c->namespaces[i];
    return NULL;
}

void nvme_format_registers(const struct nvme_controller *c, char *out, unsigned len)
{
    unsigned used = 0;
    out[0] = '\0';
    bool has_cmb = ((c->cap >> 57) & 1) || nvme_reg_read32(c, NVME_REG(cmbsz));
    bool has_pmr = (c->cap >> 56) & 1;
    for (size_t i = 0; i < nvme_register_table_count && used + 1 < len; i++) {
        const struct nvme_register_table *t = &nvme_register_tables[i];
        if ((t->group == NVME_REGISTER_CMB && !has_cmb) ||
            (t->group == NVME_REGISTER_PMR && !has_pmr))
            continue;
        uint64_t value = t->width == 8 ? nvme_reg_read64(c, t->offset)
                                       : nvme_reg_read32(c, t->offset);
        char fields[200];
        bitfield_format(t->fields, t->field_count, value, fields, sizeof(fields));
        int n = snprintf(out + used, len - used, "%s%s 0x%0*llx %s", used ? "\n" : "", t->name,
                         t->width * 2, (unsigned long long)value, fields);
        if (n < 0)
            break;
        used += (unsigned)n;
    }
}
