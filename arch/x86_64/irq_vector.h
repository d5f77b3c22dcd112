/* Device interrupt vectors: a small allocator over 0x50..0xef, a counting handler with EOI on each, and a bounded wait for the next delivery. */
#ifndef NVMETAL_ARCH_IRQ_VECTOR_H
#define NVMETAL_ARCH_IRQ_VECTOR_H

#include <stdbool.h>
#include <stdint.h>

/* Below: CPU exceptions, the watchdog (0x40). Above: the spurious vector (0xff). */
#define IRQ_VECTOR_FIRST 0x50
#define IRQ_VECTOR_LAST  0xef

/* Routes every vector of the range to the stray counter (after interrupts_init). */
void irq_vector_init(void);
/* A free vector, its count zeroed and its handler installed; -1 when all are taken. */
int irq_vector_claim(void);
void irq_vector_release(uint8_t vector);

/* Deliveries of `vector` since it was claimed, and the TSC at the last one (0: none yet). */
uint64_t irq_vector_count(uint8_t vector);
uint64_t irq_vector_last_tsc(uint8_t vector);
/* Deliveries of any vector nobody claimed (each still ended with an EOI). */
uint64_t irq_vector_strays(void);

/* Waits until `vector` has been delivered more than `seen` times, at most budget_us. Returns
 * the count then (== seen when the budget ran out). Interrupts must be on (watchdog_running). */
uint64_t irq_vector_wait(uint8_t vector, uint64_t seen, uint64_t budget_us);

#endif
