/* Results files on the boot volume: the directory made as needed, the next free run number, write, flush, read back. */
#include "boot/efi_results_file.h"

#include <stdio.h>
#include <string.h>

#include "boot/efi_boot_volume.h"

#define PATH_CHARS 64
/* Directory entries are read into this; a longer name than fits is skipped, not a failure. */
#define DIRECTORY_ENTRY_BYTES (SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16))
#define READ_BACK_CHUNK 4096

static void widen(const char *narrow, CHAR16 out[PATH_CHARS])
{
    unsigned i = 0;
    for (; narrow[i] && i + 1 < PATH_CHARS; i++)
        out[i] = (CHAR16)narrow[i];
    out[i] = 0;
}

static EFI_STATUS open_path(EFI_FILE_HANDLE root, const char *path, UINT64 mode, UINT64 attributes,
                            EFI_FILE_HANDLE *out)
{
    CHAR16 wide[PATH_CHARS];
    widen(path, wide);
    return root->Open(root, out, wide, mode, attributes);
}

/* "12.tap" -> 12; anything else -> 0. */
static unsigned run_number_of(const CHAR16 *name)
{
    unsigned n = 0, digits = 0;
    for (; name[digits] >= '0' && name[digits] <= '9' && digits < 9; digits++)
        n = n * 10 + (unsigned)(name[digits] - '0');
    return digits && name[digits] == '.' ? n : 0;
}

static unsigned largest_run_number(EFI_FILE_HANDLE dir)
{
    unsigned largest = 0;
    UINT64 entry[DIRECTORY_ENTRY_BYTES / sizeof(UINT64) + 1];
    for (;;) {
        UINTN bytes = sizeof(entry);
        if (EFI_ERROR(dir->Read(dir, &bytes, entry)) || bytes == 0)
            break;
        unsigned n = run_number_of(((EFI_FILE_INFO *)entry)->FileName);
        if (n > largest)
            largest = n;
    }
    return largest;
}

static EFI_STATUS fail(char *why, size_t why_len, EFI_STATUS status, const char *step, const char *path)
{
    snprintf(why, why_len, "%s %s: EFI status 0x%llx", step, path, (unsigned long long)status);
    return EFI_ERROR(status) ? status : EFI_DEVICE_ERROR;
}

static EFI_STATUS write_one(EFI_FILE_HANDLE root, const char *path, const struct results_file *f,
                            char *why, size_t why_len)
{
    EFI_FILE_HANDLE file = NULL;
    EFI_STATUS status = open_path(root, path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
                                  EFI_FILE_MODE_CREATE, 0, &file);
    if (EFI_ERROR(status))
        return fail(why, why_len, status, "create", path);
    UINTN bytes = f->len;
    status = file->Write(file, &bytes, (void *)f->bytes);
    if (!EFI_ERROR(status) && bytes != f->len)
        status = EFI_VOLUME_FULL;
    if (!EFI_ERROR(status))
        status = file->Flush(file);
    file->Close(file);
    if (EFI_ERROR(status))
        return fail(why, why_len, status, "write", path);

    /* Read back through a fresh handle: what the volume holds, not what the write was given. */
    status = open_path(root, path, EFI_FILE_MODE_READ, 0, &file);
    if (EFI_ERROR(status))
        return fail(why, why_len, status, "reopen", path);
    char chunk[READ_BACK_CHUNK];
    size_t at = 0;
    for (;;) {
        UINTN got = sizeof(chunk);
        status = file->Read(file, &got, chunk);
        if (EFI_ERROR(status) || got == 0)
            break;
        if (at + got > f->len || memcmp(chunk, f->bytes + at, got) != 0) {
            status = EFI_CRC_ERROR;
            break;
        }
        at += got;
    }
    file->Close(file);
    if (!EFI_ERROR(status) && at != f->len)
        status = EFI_END_OF_FILE;
    return EFI_ERROR(status) ? fail(why, why_len, status, "read back", path) : EFI_SUCCESS;
}

EFI_STATUS efi_results_write(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, const struct results_file *files,
                             unsigned count, unsigned *number, char *why, size_t why_len)
{
    EFI_FILE_HANDLE root = NULL, dir = NULL;
    EFI_STATUS status = efi_open_boot_volume(st, image, &root);
    if (EFI_ERROR(status))
        return fail(why, why_len, status, "open", "the boot volume");
    static const char *const directories[] = {"\\nvmetal", RESULTS_DIRECTORY};
    for (unsigned i = 0; i < 2; i++) {
        status = open_path(root, directories[i], EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
                           EFI_FILE_MODE_CREATE, EFI_FILE_DIRECTORY, &dir);
        if (EFI_ERROR(status)) {
            root->Close(root);
            return fail(why, why_len, status, "create directory", directories[i]);
        }
        if (i == 0)
            dir->Close(dir);
    }
    *number = largest_run_number(dir) + 1;
    dir->Close(dir);
    for (unsigned i = 0; i < count && !EFI_ERROR(status); i++) {
        char path[PATH_CHARS];
        snprintf(path, sizeof(path), RESULTS_DIRECTORY "\\%u%s", *number, files[i].suffix);
        status = write_one(root, path, &files[i], why, why_len);
    }
    root->Close(root);
    return status;
}
