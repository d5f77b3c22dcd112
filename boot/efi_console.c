/* ConOut console sink: ASCII widened to UCS-2 in small chunks, "\n" sent as "\r\n". */
#include "boot/efi_console.h"

#include <efi.h>

static EFI_SIMPLE_TEXT_OUT_PROTOCOL *con_out;

void efi_console_init(void *efi_system_table)
{
    con_out = ((EFI_SYSTEM_TABLE *)efi_system_table)->ConOut;
}

void efi_console_write(const char *text, size_t len)
{
    CHAR16 chunk[130];
    size_t used = 0;
    for (size_t i = 0; i < len && con_out; i++) {
        if (text[i] == '\n')
            chunk[used++] = '\r';
        chunk[used++] = (CHAR16)(unsigned char)text[i];
        if (used >= 128 || i + 1 == len) {
            chunk[used] = 0;
            con_out->OutputString(con_out, chunk);
            used = 0;
        }
    }
}
