/* IDT construction, dispatch of every vector, and the register dump on CPU exceptions. */
#include "arch/x86_64/interrupts.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/platform_exit.h"
#include "lib/tap.h"

#include <stdbool.h>

struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

struct __attribute__((packed)) idt_pointer {
    uint16_t limit;
    uint64_t base;
};
_Static_assert(sizeof(struct idt_pointer) == 10, "lidt operand is 10 bytes");

#define GATE_PRESENT_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define FIRST_EXTERNAL_VECTOR  32

extern const uint64_t isr_stub_table[256];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static interrupt_handler handlers[256];

static const char *const exception_names[32] = {
    [0] = "#DE divide error",        [1] = "#DB debug",
    [2] = "NMI",                     [3] = "#BP breakpoint",
    [4] = "#OF overflow",            [5] = "#BR bound range",
    [6] = "#UD invalid opcode",      [7] = "#NM device not available",
    [8] = "#DF double fault",        [10] = "#TS invalid TSS",
    [11] = "#NP segment not present", [12] = "#SS stack fault",
    [13] = "#GP general protection", [14] = "#PF page fault",
    [16] = "#MF x87 error",          [17] = "#AC alignment check",
    [18] = "#MC machine check",      [19] = "#XM SIMD error",
    [20] = "#VE virtualization",     [21] = "#CP control protection",
};

static uint16_t current_code_segment(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs;
}

void interrupts_init(void)
{
    uint16_t cs = current_code_segment();
    for (unsigned v = 0; v < 256; v++) {
        uint64_t target = isr_stub_table[v];
        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)target,
            .selector = cs,
            .type_attributes = GATE_PRESENT_INTERRUPT,
            .offset_mid = (uint16_t)(target >> 16),
            .offset_high = (uint32_t)(target >> 32),
        };
    }
    struct idt_pointer pointer = {.limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}

void interrupts_set_handler(uint8_t vector, interrupt_handler handler)
{
    handlers[vector] = handler;
}

void interrupt_frame_dump(const struct interrupt_frame *f)
{
    tap_diag("exception rip %016llx cs %04llx rflags %016llx error %llx",
             (unsigned long long)f->rip, (unsigned long long)f->cs,
             (unsigned long long)f->rflags, (unsigned long long)f->error_code);
    tap_diag("exception rsp %016llx ss %04llx cr2 %016llx cr3 %016llx",
             (unsigned long long)f->rsp, (unsigned long long)f->ss,
             (unsigned long long)read_cr2(), (unsigned long long)read_cr3());
    tap_diag("exception rax %016llx rbx %016llx rcx %016llx rdx %016llx",
             (unsigned long long)f->rax, (unsigned long long)f->rbx,
             (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    tap_diag("exception rsi %016llx rdi %016llx rbp %016llx r8  %016llx",
             (unsigned long long)f->rsi, (unsigned long long)f->rdi,
             (unsigned long long)f->rbp, (unsigned long long)f->r8);
    tap_diag("exception r9  %016llx r10 %016llx r11 %016llx r12 %016llx",
             (unsigned long long)f->r9, (unsigned long long)f->r10,
             (unsigned long long)f->r11, (unsigned long long)f->r12);
    tap_diag("exception r13 %016llx r14 %016llx r15 %016llx cr0 %016llx",
             (unsigned long long)f->r13, (unsigned long long)f->r14,
             (unsigned long long)f->r15, (unsigned long long)read_cr0());
    /* The stack tells where the code came from: the return address is usually near. */
    const uint64_t *stack = (const uint64_t *)(uintptr_t)f->rsp;
    tap_diag("exception stack %016llx %016llx %016llx %016llx",
             (unsigned long long)stack[0], (unsigned long long)stack[1],
             (unsigned long long)stack[2], (unsigned long long)stack[3]);
}

static void cpu_exception(struct interrupt_frame *frame)
{
    /* A fault while reporting a fault must not recurse: leave at once. */
    static bool reporting;
    if (reporting)
        platform_exit(VERDICT_BAIL_OUT);
    reporting = true;
    const char *name = exception_names[frame->vector];
    tap_diag("exception %s (vector %llu)", name ? name : "reserved",
             (unsigned long long)frame->vector);
    interrupt_frame_dump(frame);
    tap_bail_out("CPU exception %s (vector %llu) at rip 0x%llx", name ? name : "reserved",
                 (unsigned long long)frame->vector, (unsigned long long)frame->rip);
    platform_exit(VERDICT_BAIL_OUT);
}

/* Called from isr_common with interrupts disabled (interrupt gates). */
void interrupt_dispatch(struct interrupt_frame *frame);
void interrupt_dispatch(struct interrupt_frame *frame)
{
    if (frame->vector < FIRST_EXTERNAL_VECTOR) {
        cpu_exception(frame);
        return;
    }
    /* A vector nobody claimed (a stray or spurious interrupt) is ignored. */
    interrupt_handler handler = handlers[frame->vector & 0xff];
    if (handler)
        handler(frame);
}
