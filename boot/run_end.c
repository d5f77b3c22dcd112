/* End of a run: save the captured TAP in firmware variables, show the summary, wait for a key or the power button, leave. */
#include "boot/run_end.h"

#include <efi.h>
#include <stdio.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "boot/results_store.h"
#include "drivers/acpi_power_button.h"
#include "drivers/framebuffer/fb_console.h"
#include "drivers/i8042.h"
#include "drivers/uart16550.h"
#include "lib/log_capture.h"
#include "lib/tap.h"

/* How long the boot that wrote a previous run's files keeps its message up before powering off. */
#define RESULTS_ONLY_LINGER_US (5u * 1000u * 1000u)

struct end_plan {
    bool under_qemu;
    bool save;            /* keep the log in firmware variables for the next boot */
    bool wait;            /* wait for the user before exit_action */
    bool ps2, serial;     /* key sources */
    uint16_t power_button_port; /* 0: no fixed-feature power button to poll */
    uint16_t power_button_enable;
    unsigned wait_s;      /* 0: until a key */
};

static struct end_plan plan;

static const char *const exit_action_words[] = {
    [EXIT_ACTION_RESET] = "reset",
    [EXIT_ACTION_SHUTDOWN] = "power off",
    [EXIT_ACTION_HALT] = "halt",
};

/* "a PS/2 key, a byte on the serial port or the power button": the sources this machine has. */
static void describe_sources(char *out, size_t len)
{
    const char *names[3];
    unsigned n = 0;
    if (plan.ps2)
        names[n++] = "a PS/2 key";
    if (plan.serial)
        names[n++] = "a byte on the serial port";
    if (plan.power_button_port)
        names[n++] = "the power button";
    out[0] = '\0';
    size_t used = 0;
    for (unsigned i = 0; i < n && used < len; i++) {
        const char *joint = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(out + used, len - used, "%s%s", joint, names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void run_end_announce(const struct boot_info *info, const struct acpi_platform *acpi)
{
    const struct config *cfg = &info->config;
    plan = (struct end_plan){.under_qemu = platform_is_qemu()};
    bool took_over = info->boot_services_exited;
    plan.save = took_over && (cfg->save_results == SAVE_RESULTS_YES ||
                              (cfg->save_results == SAVE_RESULTS_AUTO && !plan.under_qemu));
    plan.wait = took_over && (cfg->end_wait == END_WAIT_KEY ||
                              (cfg->end_wait == END_WAIT_AUTO && !plan.under_qemu));
    plan.wait_s = cfg->end_wait_s;
    plan.ps2 = i8042_present();
    plan.serial = uart16550_present();
    if (acpi->has_fadt && acpi->fadt.power_button_fixed) {
        plan.power_button_port = acpi->fadt.pm1a_status_port;
        plan.power_button_enable = acpi->fadt.pm1a_enable_port;
    }

    if (plan.save)
        tap_diag("results: this run's TAP is kept in firmware variables at the end; the next boot "
                 "from this volume writes it to \\nvmetal\\results\\ (save_results = %s)",
                 cfg->save_results == SAVE_RESULTS_YES ? "yes" : "auto, not QEMU");
    if (plan.wait) {
        char sources[96];
        describe_sources(sources, sizeof(sources));
        tap_diag("end: then waits for %s%s%s, then %s", sources[0] ? sources : "nothing it can read",
                 plan.wait_s ? " or a timeout of " : "", plan.wait_s ? "the seconds in end_wait_s" : "",
                 exit_action_words[cfg->exit_action]);
    }
}

/* A key, a serial byte or the power button; false at the deadline. */
static const char *poll_sources(struct acpi_power_button *button)
{
    uint8_t byte;
    if (plan.ps2 && i8042_key_pressed())
        return "ps2";
    if (uart16550_read_byte(&byte))
        return "serial";
    if (plan.power_button_port && acpi_power_button_pressed(button))
        return "power_button";
    return NULL;
}

/* What ended the wait: "ps2", "serial", "power_button", or "timeout". Interrupts stay off: the
 * power button's SCI, which arming may raise, must never be taken. */
static const char *wait_for_user(void)
{
    interrupts_disable();
    struct acpi_power_button button;
    if (plan.ps2)
        i8042_discard_pending();
    if (plan.power_button_port)
        acpi_power_button_arm(&button, plan.power_button_port, plan.power_button_enable);
    uint8_t byte;
    while (uart16550_read_byte(&byte)) /* typed during the run: not an answer */
        ;
    struct deadline end = deadline_after_us((uint64_t)plan.wait_s * 1000000u);
    const char *source = NULL;
    while (!(source = poll_sources(&button))) {
        if (plan.wait_s && deadline_passed(end)) {
            source = "timeout";
            break;
        }
        delay_us(1000);
    }
    if (plan.power_button_port)
        acpi_power_button_disarm(&button);
    return source;
}

void run_end(const struct boot_info *info, enum verdict verdict)
{
    log_capture_stop();
    struct results_save saved = {0};
    if (plan.save)
        results_store_save(info->efi_system_table, log_capture_text(), log_capture_kept(),
                           log_capture_offered(), (uint32_t)verdict, &saved);
    /* Lines short enough for the summary's large glyphs (75 cells on a 1280-pixel screen). */
    char results_line[96] = "", results_next[96] = "", wait_line[120] = "";
    const char *footer[3];
    unsigned footer_count = 0;
    if (plan.save && saved.saved) {
        snprintf(results_line, sizeof(results_line), "Results: kept in firmware variables (%zu bytes%s).",
                 saved.packed_bytes, saved.log_bytes < saved.run_bytes ? ", log cut to fit" : "");
        snprintf(results_next, sizeof(results_next),
                 "The next boot from this stick writes \\nvmetal\\results\\N.tap");
    } else if (plan.save) {
        snprintf(results_line, sizeof(results_line), "Results: not saved: %.70s", saved.why);
    }
    if (results_line[0])
        footer[footer_count++] = results_line;
    if (results_next[0])
        footer[footer_count++] = results_next;
    if (plan.wait) {
        char sources[96];
        describe_sources(sources, sizeof(sources));
        snprintf(wait_line, sizeof(wait_line), "Press %s to %s.",
                 sources[0] ? sources : "reset", exit_action_words[info->config.exit_action]);
        footer[footer_count++] = wait_line;
    }
    /* Said on COM1 once the last pixel is drawn: a screendump before it may catch half a
     * summary (the scenario screen waits for this line). */
    if (fb_console_summary(footer, footer_count))
        tap_diag("screen: summary shown");

    if (info->results_only) {
        /* after_save = shutdown: the user pressed a key to save these; now the run is over. */
        platform_exit_set_action(EXIT_ACTION_SHUTDOWN);
        EFI_SYSTEM_TABLE *st = info->efi_system_table; /* boot services are still up */
        if (!plan.under_qemu)
            st->BootServices->Stall(RESULTS_ONLY_LINGER_US);
    }
    if (plan.wait) {
        uint64_t start = time_now_us();
        const char *source = wait_for_user();
        /* After the plan: for whoever watches the serial port, not part of the saved log. */
        tap_diag("end: %s after %llu ms", source,
                 (unsigned long long)((time_now_us() - start) / 1000));
    }
    platform_exit(verdict);
}
