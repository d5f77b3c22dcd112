; Interrupt entry stubs: one per vector, each pushing a uniform frame for interrupt_dispatch().
default rel
bits 64

extern interrupt_dispatch
global isr_stub_table

section .text

; The CPU pushes an error code for these exception vectors only; every other
; stub pushes a zero in its place so the frame has one shape.
%macro ISR_STUB 1
align 16
isr_stub_%1:
%if (%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30)
%else
    push qword 0
%endif
    push qword %1
    jmp isr_common
%endmacro

%assign vector 0
%rep 256
ISR_STUB vector
%assign vector vector + 1
%endrep

; Saves the general registers (struct interrupt_frame in interrupts.h lists
; them in this order, lowest address first), calls the C dispatcher with a
; pointer to the frame on a 16-byte aligned stack, restores, and returns.
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp
    mov rbx, rsp
    and rsp, -16
    call interrupt_dispatch
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16             ; vector and error code
    iretq

; Addresses of the 256 stubs, for the IDT builder. In .data because the
; entries are relocated at load time.
section .data
align 8
isr_stub_table:
%assign vector 0
%rep 256
    dq isr_stub_ %+ vector
%assign vector vector + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
