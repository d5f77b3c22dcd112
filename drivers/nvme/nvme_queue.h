/* Queue engine internals the NVMe driver's own files use: each command slot's host buffer, sized once per I/O queue. */
#ifndef NVMETAL_DRIVERS_NVME_QUEUE_H
#define NVMETAL_DRIVERS_NVME_QUEUE_H

#include <stdint.h>

#include "drivers/nvme/nvme.h"

/* Bytes of each slot buffer of an I/O queue whose transfers are at most `max_transfer`
 * bytes: a PRP list for the largest of them, or one Dataset Management range (16 bytes). */
uint32_t nvme_slot_buffer_bytes(uint32_t max_transfer);

/* The buffer of the command slot the next nvme_submit on q takes, for the command being
 * prepared; *ticket goes in its command ID (nvme_submit checks that no other claim or
 * submission came in between). Returns 0, or -1 when q has no slot buffers or is full. */
int nvme_claim_slot_buffer(struct nvme_queue *q, struct nvme_region *buffer, uint16_t *ticket);

#endif
