/* Saved-run record in UEFI variables: QueryVariableInfo budget, chunked SetVariable, read back, delete. */
#include "boot/results_store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lzss.h"
#include "lib/pattern.h"

/* nvmetal's vendor GUID for its own variables. */
static EFI_GUID results_guid = {0x6e766d74, 0x6c72, 0x4573, {0x8a, 0x1c, 0x52, 0x65, 0x73, 0x75, 0x6c, 0x74}};

#define RESULTS_ATTRIBUTES \
    (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

/* The largest chunk written, and what each variable costs the store beyond its data (an
 * edk2 authenticated-variable header is 60 bytes, plus the name): small variables are what
 * every firmware's store handles (Linux's efi-pstore writes 1 KiB ones). */
#define CHUNK_MAX_BYTES     (8u << 10)
#define VARIABLE_OVERHEAD   128u
/* Never take the store below this, nor more than half of what is free: firmware that runs
 * out of variable space can fail to boot (the lesson of 2013's bricked laptops). */
#define STORE_RESERVE_BYTES (64u << 10)
#define SAVE_MAX_PACKED     (256u << 10)

static CHAR16 header_name[] = L"NvmetalResults";

static void chunk_name(CHAR16 out[24], unsigned index)
{
    char narrow[24];
    snprintf(narrow, sizeof(narrow), "NvmetalResults%03u", index);
    for (unsigned i = 0; i < sizeof(narrow); i++)
        if (!(out[i] = (CHAR16)narrow[i]))
            break;
}

static EFI_STATUS put_variable(EFI_RUNTIME_SERVICES *rt, CHAR16 *name, const void *data, UINTN bytes)
{
    return rt->SetVariable(name, &results_guid, RESULTS_ATTRIBUTES, bytes, (void *)data);
}

static bool header_waiting(EFI_RUNTIME_SERVICES *rt)
{
    struct results_record_header h;
    UINTN bytes = sizeof(h);
    UINT32 attributes = 0;
    EFI_STATUS status = rt->GetVariable(header_name, &results_guid, &attributes, &bytes, &h);
    return status == EFI_SUCCESS || status == EFI_BUFFER_TOO_SMALL;
}

static void forget_with(EFI_RUNTIME_SERVICES *rt)
{
    rt->SetVariable(header_name, &results_guid, 0, 0, NULL);
    for (unsigned i = 0; i < RESULTS_MAX_CHUNKS; i++) {
        CHAR16 name[24];
        chunk_name(name, i);
        if (rt->SetVariable(name, &results_guid, 0, 0, NULL) == EFI_NOT_FOUND)
            break;
    }
}

void results_store_forget(EFI_SYSTEM_TABLE *st)
{
    forget_with(st->RuntimeServices);
}

static void refuse(struct results_save *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void refuse(struct results_save *out, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(out->why, sizeof(out->why), fmt, args);
    va_end(args);
}

void results_store_save(EFI_SYSTEM_TABLE *st, const char *log, size_t log_bytes, size_t run_bytes,
                        uint32_t verdict, struct results_save *out)
{
    EFI_RUNTIME_SERVICES *rt = st->RuntimeServices;
    memset(out, 0, sizeof(*out));
    out->run_bytes = run_bytes;
    size_t len = log_bytes;
    while (len < run_bytes && len && log[len - 1] != '\n') /* a capture cut mid-line */
        len--;
    if (header_waiting(rt)) {
        refuse(out, "a previous run's results still wait for the stick (boot it once to write "
                    "them): not replaced");
        return;
    }
    if ((rt->Hdr.Revision >> 16) < 2) {
        refuse(out, "UEFI %u.x firmware has no QueryVariableInfo: nothing saved",
               (unsigned)(rt->Hdr.Revision >> 16));
        return;
    }
    UINT64 maximum = 0, remaining = 0, largest = 0;
    EFI_STATUS status = rt->QueryVariableInfo(RESULTS_ATTRIBUTES, &maximum, &remaining, &largest);
    if (EFI_ERROR(status)) {
        refuse(out, "QueryVariableInfo failed (0x%llx): nothing saved",
               (unsigned long long)status);
        return;
    }
    out->store_remaining = remaining;
    out->max_variable = largest;
    if (remaining < 2 * STORE_RESERVE_BYTES || largest < 2 * VARIABLE_OVERHEAD + 1024) {
        refuse(out, "the variable store has %llu bytes free, variables of at most %llu bytes: "
                    "too little to spare, nothing saved",
               (unsigned long long)remaining, (unsigned long long)largest);
        return;
    }
    uint32_t chunk = (uint32_t)(largest - 2 * VARIABLE_OVERHEAD);
    if (chunk > CHUNK_MAX_BYTES)
        chunk = CHUNK_MAX_BYTES;
    uint64_t spare = (remaining - STORE_RESERVE_BYTES) / 2;
    if (spare > SAVE_MAX_PACKED)
        spare = SAVE_MAX_PACKED;
    size_t budget = (size_t)(spare - VARIABLE_OVERHEAD * (spare / chunk + 2));

    size_t cap = lzss_bound(len);
    uint8_t *packed = malloc(cap);
    void *work = malloc(LZSS_WORK_BYTES);
    if (!packed || !work) {
        free(packed);
        free(work);
        refuse(out, "no heap for the compressed log (%zu bytes): nothing saved", cap);
        return;
    }
    size_t kept = 0;
    size_t packed_bytes = results_pack(log, len, budget, packed, cap, work, &kept);
    free(work);
    if (!packed_bytes) {
        free(packed);
        refuse(out, "not even the first line packs into the %zu bytes the store can spare",
               budget);
        return;
    }
    struct results_record_header h;
    results_record_init(&h, (uint32_t)kept, (uint32_t)run_bytes, (uint32_t)packed_bytes, chunk,
                        crc32_ieee(packed, packed_bytes), crc32_ieee(log, kept), verdict);
    /* Chunks first, the header last: a save cut short leaves no header, so no record. */
    forget_with(rt);
    for (uint32_t i = 0; i < h.chunk_count; i++) {
        CHAR16 name[24];
        chunk_name(name, i);
        status = put_variable(rt, name, packed + (size_t)i * chunk, results_record_chunk_size(&h, i));
        if (EFI_ERROR(status)) {
            forget_with(rt);
            free(packed);
            refuse(out, "SetVariable of chunk %u failed (0x%llx): nothing saved", i,
                   (unsigned long long)status);
            return;
        }
    }
    free(packed);
    status = put_variable(rt, header_name, &h, sizeof(h));
    if (EFI_ERROR(status) || !header_waiting(rt)) {
        forget_with(rt);
        refuse(out, "SetVariable of the header failed (0x%llx): nothing saved",
               (unsigned long long)status);
        return;
    }
    out->saved = true;
    out->log_bytes = kept;
    out->packed_bytes = packed_bytes;
    out->chunks = h.chunk_count;
    if (kept < run_bytes)
        refuse(out, "the log is cut after %zu of %zu bytes: the variable store could spare no more",
               kept, run_bytes);
}

enum results_waiting results_store_take(EFI_SYSTEM_TABLE *st, char **log, size_t *len,
                                        struct results_record_header *header, char *why,
                                        size_t why_len)
{
    EFI_RUNTIME_SERVICES *rt = st->RuntimeServices;
    EFI_BOOT_SERVICES *bs = st->BootServices;
    uint8_t raw[sizeof(struct results_record_header) + 1];
    UINTN bytes = sizeof(raw);
    UINT32 attributes = 0;
    EFI_STATUS status = rt->GetVariable(header_name, &results_guid, &attributes, &bytes, raw);
    if (status == EFI_NOT_FOUND)
        return RESULTS_NONE;
    char check[RESULTS_WHY_LEN];
    if (EFI_ERROR(status)) {
        snprintf(why, why_len, "the header variable cannot be read: GetVariable 0x%llx",
                 (unsigned long long)status);
        return RESULTS_UNREADABLE;
    }
    if (results_record_check(raw, bytes, header, check) != 0) {
        snprintf(why, why_len, "the header variable is not a record: %s", check);
        return RESULTS_UNREADABLE;
    }
    uint8_t *packed = NULL;
    char *text = NULL;
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, header->packed_bytes, (void **)&packed)) ||
        EFI_ERROR(bs->AllocatePool(EfiLoaderData, header->log_bytes + 1, (void **)&text))) {
        snprintf(why, why_len, "no pool memory for %u + %u bytes", header->packed_bytes,
                 header->log_bytes);
        return RESULTS_UNREADABLE;
    }
    for (uint32_t i = 0; i < header->chunk_count; i++) {
        CHAR16 name[24];
        chunk_name(name, i);
        UINTN want = results_record_chunk_size(header, i), got = want;
        status = rt->GetVariable(name, &results_guid, &attributes, &got,
                                 packed + (size_t)i * header->chunk_bytes);
        if (EFI_ERROR(status) || got != want) {
            snprintf(why, why_len, "chunk %u of %u: GetVariable 0x%llx, %llu of %llu bytes", i,
                     header->chunk_count, (unsigned long long)status, (unsigned long long)got,
                     (unsigned long long)want);
            return RESULTS_UNREADABLE;
        }
    }
    size_t out_len = 0;
    if (crc32_ieee(packed, header->packed_bytes) != header->packed_crc) {
        snprintf(why, why_len, "the packed stream's CRC does not match its header");
        return RESULTS_UNREADABLE;
    }
    if (lzss_decompress(packed, header->packed_bytes, (uint8_t *)text, header->log_bytes,
                        &out_len) != 0 ||
        out_len != header->log_bytes || crc32_ieee(text, out_len) != header->log_crc) {
        snprintf(why, why_len, "the packed stream does not decompress to the %u bytes its header "
                               "names (got %zu)", header->log_bytes, out_len);
        return RESULTS_UNREADABLE;
    }
    bs->FreePool(packed);
    text[out_len] = '\0';
    *log = text;
    *len = out_len;
    return RESULTS_READ;
}
