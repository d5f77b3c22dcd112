; Port I/O: the in/out instructions, one exact width each, SysV calling convention.
default rel
bits 64
section .text

global port_in8, port_in16, port_in32, port_out8, port_out16, port_out32

; uint8_t port_in8(uint16_t port)
port_in8:
    mov dx, di
    xor eax, eax
    in al, dx
    ret

; uint16_t port_in16(uint16_t port)
port_in16:
    mov dx, di
    xor eax, eax
    in ax, dx
    ret

; uint32_t port_in32(uint16_t port)
port_in32:
    mov dx, di
    in eax, dx
    ret

; void port_out8(uint16_t port, uint8_t value)
port_out8:
    mov dx, di
    mov eax, esi
    out dx, al
    ret

; void port_out16(uint16_t port, uint16_t value)
port_out16:
    mov dx, di
    mov eax, esi
    out dx, ax
    ret

; void port_out32(uint16_t port, uint32_t value)
port_out32:
    mov dx, di
    mov eax, esi
    out dx, eax
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
