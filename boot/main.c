/* The boot flow after the firmware hand-off: consoles, config, timers, PCI, the suite, the verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/irq_vector.h"
#include "arch/x86_64/platform_exit.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/watchdog.h"
#include "boot/boot_info.h"
#include "boot/efi_console.h"
#include "boot/nvme_selection.h"
#include "boot/results_report.h"
#include "boot/run_end.h"
#include "drivers/framebuffer/fb_console.h"
#include "drivers/pci/pci.h"
#include "drivers/uart16550.h"
#include "lib/acpi_discover.h"
#include "lib/console.h"
#include "lib/dma_pool.h"
#include "lib/heap.h"
#include "lib/load_options.h"
#include "lib/log_capture.h"
#include "lib/spcr.h"
#include "lib/syscalls.h"
#include "lib/tap.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/suite.h"
#include "tests/suite/vtd_fixture.h"

#ifndef NVMETAL_VERSION
#define NVMETAL_VERSION "0.0.0"
#endif
#ifndef NVMETAL_GIT
#define NVMETAL_GIT "unknown"
#endif

static struct acpi_platform acpi;

/* The run's log kept in memory for the stick: the largest scenario prints 160 KiB. */
#define LOG_COPY_BYTES (1u << 20)

/* Far more than any SPCR (88 bytes and a namespace path): a larger length is read this far only. */
#define SPCR_READ_LIMIT 4096u

/* newlib's abort() and exit(): a library giving up is a bail-out, through the exit route. */
static void exit_from_library(int status)
{
    platform_exit(status == 0 ? VERDICT_PASS : VERDICT_BAIL_OUT);
}

static void emit_diag(const char *line)
{
    tap_diag("%s", line);
}

/* The serial port the console uses, and the banner's sentence about how it was chosen. */
struct serial_choice {
    bool found;
    const char *sink; /* "spcr" or "com1" */
    char line[256];
};

/* The first SPCR the root table lists, with how much of it may be read; NULL if none. */
static const void *find_spcr(size_t *avail)
{
    for (unsigned i = 0; i < acpi.table_count; i++) {
        if (strcmp(acpi.table_signatures[i], "SPCR") != 0)
            continue;
        const struct acpi_header *h = (const void *)(uintptr_t)acpi.tables[i];
        *avail = h->length < SPCR_READ_LIMIT ? h->length : SPCR_READ_LIMIT;
        return h;
    }
    return NULL;
}

/* The UART SPCR names when it parses, names a 16550 and answers; otherwise COM1 as probed.
 * ACPI is read first (silently, nothing printed), so TAP's first line is on the chosen port. */
static void choose_serial(struct serial_choice *c)
{
    char why[ACPI_WHY_LEN], uart_why[96], before[ACPI_WHY_LEN + 160];
    size_t avail = 0;
    const void *table = find_spcr(&avail);
    struct spcr_info spcr;
    if (!table && acpi.root_why[0]) {
        snprintf(before, sizeof(before), "no SPCR table (ACPI: %s)", acpi.root_why);
    } else if (!table) {
        snprintf(before, sizeof(before), "no SPCR table");
    } else if (spcr_parse(table, avail, &spcr, why) != 0) {
        const char *reason = strncmp(why, "SPCR: ", 6) == 0 ? why + 6 : why;
        snprintf(before, sizeof(before), "SPCR rejected: %s", reason);
    } else {
        struct uart16550_port port = {
            .space = spcr.space_id == ACPI_SPACE_IO ? UART16550_IO : UART16550_MMIO,
            .base = spcr.address,
            .stride = spcr.register_bits / 8,
            .access_bytes = spcr.access_bits / 8,
            .baud = spcr.baud,
            .clock_hz = spcr.uart_clock_hz,
            .probe_scratch = false, /* named by the firmware, not guessed */
        };
        char described[160];
        spcr_describe(&spcr, described, sizeof(described));
        if (uart16550_init(&port, uart_why, sizeof(uart_why))) {
            *c = (struct serial_choice){.found = true, .sink = "spcr"};
            snprintf(c->line, sizeof(c->line), "%s", described);
            return;
        }
        snprintf(before, sizeof(before), "%s: not used, %s", described, uart_why);
    }
    struct uart16550_port com1 = UART16550_COM1;
    *c = (struct serial_choice){.sink = "com1"};
    c->found = uart16550_init(&com1, uart_why, sizeof(uart_why));
    snprintf(c->line, sizeof(c->line), "%s%sCOM1 probed at 0x%x%s%s", before,
             table ? "; " : ": ", COM1_PORT, c->found ? "" : ", absent: ", c->found ? "" : uart_why);
}

/* The banner's "screen:" line: the console's mode, or why there is none. */
static char screen_line[192];

/* The framebuffer console once the firmware is gone (before, GOP is the firmware's). */
static void bring_up_screen(const struct boot_info *info)
{
    char why[128];
    const struct boot_framebuffer *f = &info->framebuffer;
    if (!info->boot_services_exited) {
        snprintf(screen_line, sizeof(screen_line), "none (boot services kept: the firmware's console)");
        return;
    }
    if (!info->config.screen) {
        snprintf(screen_line, sizeof(screen_line), "none (screen = off)");
        return;
    }
    if (!f->present) {
        snprintf(screen_line, sizeof(screen_line), "none (no GOP framebuffer)");
        return;
    }
    static char lines[3][128];
    char vendor[13] = "", brand[49];
    cpu_hypervisor_vendor(vendor);
    cpu_brand_string(brand);
    snprintf(lines[0], sizeof(lines[0]), "nvmetal %s (%s)", NVMETAL_VERSION, NVMETAL_GIT);
    snprintf(lines[1], sizeof(lines[1]), "firmware: %s 0x%x, UEFI %u.%u", info->firmware_vendor,
             info->firmware_revision, info->uefi_revision >> 16, info->uefi_revision & 0xffff);
    snprintf(lines[2], sizeof(lines[2]), "machine: %s%s%s", brand, vendor[0] ? ", hypervisor " : "",
             vendor);
    const char *const header[] = {lines[0], lines[1], lines[2]};
    struct fb_console_mode mode = {
        .base = f->base, .size = f->size, .width = f->width, .height = f->height,
        .pixels_per_scan_line = f->pixels_per_scan_line, .pixel_format = f->pixel_format,
        .masks = {f->red_mask, f->green_mask, f->blue_mask, f->reserved_mask},
    };
    if (fb_console_start(&mode, header, 3, why, sizeof(why)) != 0) {
        snprintf(screen_line, sizeof(screen_line), "none (%s)", why);
        return;
    }
    fb_console_describe(screen_line, sizeof(screen_line));
    console_add_sink("screen", fb_console_write);
    console_add_status("screen", fb_console_status);
}

static void bring_up_consoles(const struct boot_info *info, const struct serial_choice *serial)
{
    /* With boot services up the firmware owns the console (and on OVMF mirrors
     * it to the serial port itself); writing the UART too would print twice. */
    if (!info->boot_services_exited && info->config.console == CONSOLE_AUTO) {
        efi_console_init(info->efi_system_table);
        console_add_sink("efi-conout", efi_console_write);
    } else if (serial->found) {
        console_add_sink(serial->sink, uart16550_write);
    }
    bring_up_screen(info);
}

static void print_banner(const struct boot_info *info, const struct serial_choice *serial)
{
    tap_diag("nvmetal %s (%s) firmware \"%s\" 0x%x uefi %u.%u", NVMETAL_VERSION, NVMETAL_GIT,
             info->firmware_vendor, info->firmware_revision, info->uefi_revision >> 16,
             info->uefi_revision & 0xffff);
    char sinks[64], vendor[13] = "", brand[49];
    console_describe(sinks, sizeof(sinks));
    cpu_hypervisor_vendor(vendor);
    cpu_brand_string(brand);
    tap_diag("serial: %s", serial->line);
    if (info->secure_boot < 0)
        tap_diag("secure boot: not reported (the firmware has no SecureBoot variable)");
    else
        tap_diag("secure boot: %s (SecureBoot=%d, SetupMode=%d)", info->secure_boot ? "on" : "off",
                 info->secure_boot, info->setup_mode);
    tap_diag("console %s; cpu \"%s\"%s%s", sinks, brand, vendor[0] ? " hypervisor " : "", vendor);
    tap_diag("screen: %s", screen_line);
    if (info->config_origin == CONFIG_FROM_FILE)
        tap_diag("config: \\nvmetal.cfg, %zu bytes", info->config_file_bytes);
    else
        tap_diag("config: no \\nvmetal.cfg on the boot volume, defaults");
    static const char *const kinds[] = {
        [LOAD_OPTIONS_NONE] = "none",
        [LOAD_OPTIONS_EMPTY] = "an empty string",
        [LOAD_OPTIONS_AUTO_BOOT_ENTRY] = "the firmware's auto-created boot entry marker, not options",
    };
    if (info->load_options_read && info->load_options_kind == LOAD_OPTIONS_TEXT)
        tap_diag("load options: %s", info->load_options);
    else if (info->load_options_read)
        tap_diag("load options: %s (%llu bytes)", kinds[info->load_options_kind],
                 (unsigned long long)info->load_options_bytes);
}

static void emit_config_line(const char *line)
{
    tap_diag("config: %s", line);
}

/* How the verdict leaves the machine once the run is over. */
static void configure_exit(const struct boot_info *info)
{
    struct platform_exit_route route = {
        .under_qemu = platform_is_qemu(),
        .action = info->config.exit_action,
        .efi_reset_system = info->efi_reset_system,
        .acpi_reset_usable = acpi.has_fadt && !acpi.fadt_why[0] && acpi.fadt.reset_supported,
        .acpi_reset_register = acpi.fadt.reset_register,
        .acpi_reset_value = acpi.fadt.reset_value,
    };
    platform_exit_configure(&route);
}

static enum verdict verdict_of(struct tap_counts c)
{
    if (c.failed)
        return VERDICT_FAIL;
    if (c.total && c.skipped == c.total)
        return VERDICT_ALL_SKIPPED;
    return VERDICT_PASS;
}

/* A deliberate fault, so the harness can prove exceptions and the watchdog end the run. */
static void run_selftest(enum selftest which)
{
    if (which == SELFTEST_EXCEPTION) {
        tap_diag("selftest: executing ud2 on purpose");
        __asm__ volatile("ud2");
    } else if (which == SELFTEST_HANG) {
        tap_diag("selftest: spinning forever on purpose; the watchdog must end it");
        for (;;)
            cpu_pause();
    }
}

/* Ends the run: every controller shut down cleanly, then in firmware mode hand
 * the verdict back, otherwise leave the machine. A run meant to take the machine
 * over leaves through the exit route even when it stopped before ExitBootServices
 * (a reservation failed): handing that verdict to the firmware would leave a CI
 * machine at its shell, and a user without a verdict. */
static int finish(const struct boot_info *info, enum verdict verdict)
{
    if (!info->boot_services_exited && !info->config.exit_boot_services)
        return (int)verdict;
    watchdog_stop();
    run_end(info, verdict);
}

/* What the cases run with; the release below needs it on every way out, bail-outs too. */
static struct suite_context suite;

/* Controllers shut down, then translation off: before the plan line, so the
 * summary stays the last line; a controller that will not stop is a failure. */
static void release_hardware(void)
{
    if (suite.nvme)
        nvme_fixture_teardown(&suite, emit_diag, true);
    suite.nvme = NULL;
    vtd_teardown(&suite, emit_diag);
}

static int bail_out(const struct boot_info *info, const char *reason)
{
    release_hardware();
    run_end_announce(info, &acpi);
    tap_bail_out("%s", reason);
    return finish(info, VERDICT_BAIL_OUT);
}

int nvmetal_main(struct boot_info *info)
{
    char why[160];
    struct serial_choice serial;
    heap_init((void *)(uintptr_t)info->heap_base, info->heap_bytes);
    libc_on_exit(exit_from_library);
    /* Before the console: SPCR may name the serial port. It prints nothing, and comes before
     * anything can bail out: a bail-out must be able to leave the machine (configure_exit). */
    acpi_discover(info->rsdp_address, &acpi);
    choose_serial(&serial);
    /* The copy of the run kept for the stick (save_results): every byte the consoles get. */
    static char *log_copy;
    if ((log_copy = malloc(LOG_COPY_BYTES)))
        log_capture_start(log_copy, LOG_COPY_BYTES);
    console_add_copy("log-copy", log_capture_write);
    bring_up_consoles(info, &serial);
    /* A config that did not parse still gets the default TAP its Bail out! is read with. */
    tap_begin(console_write_line, info->config_ok ? info->config.tap_version : 13);
    print_banner(info, &serial);
    configure_exit(info);

    if (info->boot_error[0])
        return bail_out(info, info->boot_error);
    if (!info->config_ok) {
        snprintf(why, sizeof(why), "%s: %s", info->config_error.where,
                 info->config_error.message);
        return bail_out(info, why);
    }
    config_describe(&info->config, emit_config_line);
    results_report_saved(info);
    if (info->results_only) {
        run_end_announce(info, &acpi);
        tap_end();
        return finish(info, verdict_of(tap_counts()));
    }
    /* A selection with a glob that matches nothing (a typo) would run less than asked
     * and could end green: refuse it before touching any hardware. */
    if (suite_check_selection(&info->config, why, sizeof(why)) != 0)
        return bail_out(info, why);
    if (dma_pool_init(info->dma_pool_base, info->dma_pool_bytes) != 0)
        return bail_out(info, "cannot set up the page allocator over the DMA pool");
    /* Every address a controller is given lies in this pool or in a BAR window:
     * the scenarios check QEMU's trace against this line. */
    tap_diag("dma_pool: base=0x%llx bytes=0x%llx", (unsigned long long)info->dma_pool_base,
             (unsigned long long)info->dma_pool_bytes);
    /* Our IDT only once the firmware is gone: its timer still needs its own. */
    if (info->boot_services_exited) {
        interrupts_init();
        irq_vector_init();
    }

    struct timer_calibration timer = {0};
    char timer_why[128] = "";
    if (timer_calibrate(acpi.has_fadt ? &acpi.fadt : NULL, acpi.has_hpet ? &acpi.hpet : NULL,
                        &timer, timer_why) != 0) {
        snprintf(why, sizeof(why), "no usable platform timer, every bounded wait needs one: %s",
                 timer_why);
        return bail_out(info, why);
    }
    /* The method and the figure every latency and bandwidth below depends on. */
    char timer_line[320];
    timer_describe(&timer, timer_line, sizeof(timer_line));
    tap_diag("%s", timer_line);
    if (info->boot_services_exited && watchdog_start(info->config.timeout_s, timer_why) != 0) {
        snprintf(why, sizeof(why), "watchdog unavailable: %s", timer_why);
        return bail_out(info, why);
    }

    run_selftest(info->config.selftest);

    /* From the heap: a static table would sit inside the image file. */
    struct pci_inventory *inventory = malloc(sizeof(*inventory));
    if (!inventory)
        return bail_out(info, "no heap for the PCI inventory");
    pci_config_init(acpi.mcfg, acpi.mcfg_count);
    if (info->firmware_nvme_note[0])
        tap_diag("devices: %s", info->firmware_nvme_note);
    /* Config `devices` is applied here, before enumeration writes anything to a function. */
    pci_enumerate(inventory, nvme_selection_leave_alone, info);
    pci_print_inventory(inventory, emit_diag);

    static struct nvme_fixture nvme;
    if (nvme_fixture_setup(&nvme, inventory, &info->config, rdtsc(), why) != 0)
        return bail_out(info, why);
    suite = (struct suite_context){
        .boot = info,
        .config = &info->config,
        .acpi = &acpi,
        .pci = inventory,
        .nvme = &nvme,
    };
    suite_run(&suite); /* every glob matched a case: suite_check_selection */
    release_hardware();
    run_end_announce(info, &acpi);
    tap_end();
    return finish(info, verdict_of(tap_counts()));
}
