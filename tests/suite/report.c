/* Test points of a running case: the device prefix stack, the YAML keys, one report call per point. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_describe.h"
#include "tests/suite/suite.h"

void report_begin(struct suite_case *t, struct suite_context *ctx, const char *id)
{
    t->ctx = ctx;
    t->id = id;
    report_reset(t);
}

const char *report_prefix(const struct suite_case *t)
{
    return t->prefix;
}

void report_prefix_push(struct suite_case *t, const char *fmt, ...)
{
    size_t used = strlen(t->prefix);
    if (t->depth == REPORT_PREFIX_DEPTH)
        return; /* deeper than any case nests: the pop that follows finds the same depth */
    t->prefix_ends[t->depth++] = (unsigned char)used;
    if (used && used + 1 < sizeof(t->prefix))
        t->prefix[used++] = ' ';
    va_list args;
    va_start(args, fmt);
    vsnprintf(t->prefix + used, sizeof(t->prefix) - used, fmt, args);
    va_end(args);
}

void report_prefix_pop(struct suite_case *t)
{
    if (t->depth)
        t->prefix[t->prefix_ends[--t->depth]] = '\0';
}

void report_subject(struct suite_case *t, struct nvme_controller *c, uint32_t nsid)
{
    t->c = c;
    t->nsid = nsid;
    report_prefix_push(t, "%s", c->name);
    if (nsid)
        report_prefix_push(t, "nsid %u", nsid);
}

void report_subject_end(struct suite_case *t)
{
    if (t->nsid)
        report_prefix_pop(t);
    report_prefix_pop(t);
    t->c = NULL;
    t->nsid = 0;
}

void report_reset(struct suite_case *t)
{
    t->depth = 0;
    t->prefix[0] = '\0';
    t->c = NULL;
    t->nsid = 0;
    tap_result_init(&t->point);
}

void report_yaml(struct suite_case *t, const char *key, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    tap_yaml_addv(&t->point, key, fmt, args);
    va_end(args);
}

/* What an NVMe failure always carries: where, what the driver last said, the registers. */
static void add_subject_evidence(struct suite_case *t)
{
    static char dump[2048]; /* one point at a time; too big for the stack of every case */
    if (t->nsid && !tap_yaml_has(&t->point, "nsid"))
        tap_yaml_add(&t->point, "nsid", "%u", t->nsid);
    if (t->c->error[0] && !tap_yaml_has(&t->point, "error"))
        tap_yaml_add(&t->point, "error", "%s", t->c->error);
    nvme_format_registers(t->c, dump, sizeof(dump));
    tap_yaml_add(&t->point, "registers", "%s", dump);
}

static void emit(struct suite_case *t, enum tap_outcome outcome, const char *fmt, va_list args)
{
    if (outcome == TAP_FAIL && t->c)
        add_subject_evidence(t);
    t->point.outcome = outcome;
    vsnprintf(t->point.description, sizeof(t->point.description), fmt, args);
    tap_report(t->id, t->prefix, &t->point);
    tap_result_init(&t->point);
}

void report(struct suite_case *t, bool pass, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit(t, pass ? TAP_PASS : TAP_FAIL, fmt, args);
    va_end(args);
}

void report_pass(struct suite_case *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit(t, TAP_PASS, fmt, args);
    va_end(args);
}

void report_fail(struct suite_case *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit(t, TAP_FAIL, fmt, args);
    va_end(args);
}

void report_skip(struct suite_case *t, const char *code, const char *fmt, ...)
{
    tap_yaml_add(&t->point, "skip", "%s", code);
    va_list args;
    va_start(args, fmt);
    emit(t, TAP_SKIP, fmt, args);
    va_end(args);
}
