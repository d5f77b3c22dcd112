/* Device interrupt vectors: who holds which, how often each arrived, and a bounded wait for the next; every delivery ends with an EOI. */
#include "arch/x86_64/irq_vector.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"

#define VECTOR_COUNT (IRQ_VECTOR_LAST - IRQ_VECTOR_FIRST + 1)

static bool claimed[VECTOR_COUNT];
static volatile uint64_t counts[VECTOR_COUNT];
static volatile uint64_t last_tsc[VECTOR_COUNT];
static volatile uint64_t strays;

static bool in_range(uint8_t vector)
{
    return vector >= IRQ_VECTOR_FIRST && vector <= IRQ_VECTOR_LAST;
}

static void counted(struct interrupt_frame *frame)
{
    unsigned i = (unsigned)frame->vector - IRQ_VECTOR_FIRST;
    last_tsc[i] = rdtsc();
    counts[i] = counts[i] + 1;
    lapic_eoi();
}

/* An interrupt on a vector nobody holds (a device left programmed, a late delivery after a
 * release): counted, and ended so that it blocks no lower-priority vector. */
static void stray(struct interrupt_frame *frame)
{
    (void)frame;
    strays = strays + 1;
    lapic_eoi();
}

void irq_vector_init(void)
{
    for (unsigned v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++)
        if (!claimed[v - IRQ_VECTOR_FIRST])
            interrupts_set_handler((uint8_t)v, stray);
}

int irq_vector_claim(void)
{
    for (unsigned i = 0; i < VECTOR_COUNT; i++) {
        if (claimed[i])
            continue;
        claimed[i] = true;
        counts[i] = 0;
        last_tsc[i] = 0;
        interrupts_set_handler((uint8_t)(IRQ_VECTOR_FIRST + i), counted);
        return (int)(IRQ_VECTOR_FIRST + i);
    }
    return -1;
}

void irq_vector_release(uint8_t vector)
{
    if (!in_range(vector))
        return;
    interrupts_set_handler(vector, stray);
    claimed[vector - IRQ_VECTOR_FIRST] = false;
}

uint64_t irq_vector_count(uint8_t vector)
{
    return in_range(vector) ? counts[vector - IRQ_VECTOR_FIRST] : 0;
}

uint64_t irq_vector_last_tsc(uint8_t vector)
{
    return in_range(vector) ? last_tsc[vector - IRQ_VECTOR_FIRST] : 0;
}

uint64_t irq_vector_strays(void)
{
    return strays;
}

uint64_t irq_vector_wait(uint8_t vector, uint64_t seen, uint64_t budget_us)
{
    struct deadline d = deadline_after_us(budget_us);
    for (;;) {
        uint64_t now = irq_vector_count(vector);
        if (now != seen || deadline_passed(d))
            return now;
        cpu_pause();
    }
}
