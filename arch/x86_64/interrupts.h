/* Interrupt descriptor table, vector dispatch and the CPU exception dump. */
#ifndef NVMETAL_ARCH_INTERRUPTS_H
#define NVMETAL_ARCH_INTERRUPTS_H

#include <stddef.h>
#include <stdint.h>

/* What isr_stubs.asm leaves on the stack, lowest address first. */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(offsetof(struct interrupt_frame, vector) == 15 * 8, "frame matches isr_common");
_Static_assert(offsetof(struct interrupt_frame, rip) == 17 * 8, "frame matches the CPU push");
_Static_assert(sizeof(struct interrupt_frame) == 22 * 8, "frame size");

typedef void (*interrupt_handler)(struct interrupt_frame *frame);

/* Builds the IDT over the current code segment and loads it. Every CPU
 * exception then prints a register dump and bails out. */
void interrupts_init(void);
/* Routes an external vector (>= 32) to handler. */
void interrupts_set_handler(uint8_t vector, interrupt_handler handler);
/* Prints the frame as "# exception" diagnostic lines. */
void interrupt_frame_dump(const struct interrupt_frame *frame);

#endif
