/* Host tests for dmar_unit_verdict (lib/dmar.c): which DMARs leave a VT-d unit to program and, when none, why — real machines' tables and crafted ones. */
#include "check.h"
#include "fixtures/file_bytes.h"
#include "fixtures/table_builder.h"
#include "lib/dmar.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

/* The Makefile points this at the repository's ../shared/acpi-samples (where CI lays shared/). */
#ifndef ACPI_SAMPLES_DIR
#error "ACPI_SAMPLES_DIR must name the folder of real tables (tests/host/Makefile sets it)"
#endif

/* The sample whose only DRHD has register base 0 (its README: "a real BIOS bug"). */
#define ZERO_BASE_SAMPLE "lenovo-ideapadflex15-dmar"
#define ONLY_UNIT_AT_ZERO \
    "the DMAR's only DRHD has register base 0 (a firmware bug); no usable VT-d unit"

static struct table t;
static struct dmar_info info;
static char why[ACPI_WHY_LEN];

static enum dmar_unit_verdict verdict_of(const uint8_t *bytes, size_t length)
{
    char parse_why[ACPI_WHY_LEN] = "";
    dmar_free(&info);
    CHECK_EQ_U64(dmar_parse(bytes, length, &info, parse_why), 0);
    CHECK_STR(parse_why, "");
    strcpy(why, "untouched");
    return dmar_unit_verdict(&info, why, sizeof why);
}

static enum dmar_unit_verdict crafted_verdict(void)
{
    table_seal(&t);
    return verdict_of(t.bytes, t.length);
}

/* ---- real machines ---- */

/* Every real DMAR leaves a unit to program, except the Lenovo one: its only DRHD is at 0. */
static void real_machines(void)
{
    DIR *dir = opendir(ACPI_SAMPLES_DIR);
    if (!dir) {
        check_fail(__FILE__, __LINE__, "%s: %s (CI lays shared/ beside the repository)",
                   ACPI_SAMPLES_DIR, strerror(errno));
        return;
    }
    unsigned samples = 0;
    bool zero_base_seen = false;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        const char *name = entry->d_name;
        size_t len = strlen(name);
        if (len < 9 || strcmp(name + len - 9, "-dmar.dat") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", ACPI_SAMPLES_DIR, name);
        uint8_t *bytes;
        size_t length;
        if (file_bytes_read(path, &bytes, &length) != 0) {
            check_fail(__FILE__, __LINE__, "%s: %s", path, strerror(errno));
            continue;
        }
        samples++;
        bool zero_base = strncmp(name, ZERO_BASE_SAMPLE, strlen(ZERO_BASE_SAMPLE)) == 0;
        zero_base_seen |= zero_base;
        enum dmar_unit_verdict verdict = verdict_of(bytes, length);
        if (zero_base) {
            CHECK_EQ_U64(verdict, DMAR_UNITS_ALL_ZERO_BASE);
            CHECK_STR(why, ONLY_UNIT_AT_ZERO);
            CHECK_EQ_U64(info.unit_count, 0);
            CHECK_EQ_U64(info.rmrr_count, 2); /* the rest of the table is kept as it is */
            CHECK_EQ_U64(info.problem_count, 1);
            CHECK(info.problem_count == 1 && info.problems[0].zero_base_unit);
        } else {
            if (verdict != DMAR_UNITS_USABLE || why[0])
                check_fail(__FILE__, __LINE__, "%s: verdict %u, why \"%s\"; expected a usable "
                           "unit", name, verdict, why);
            for (unsigned i = 0; i < info.problem_count; i++)
                CHECK(!info.problems[i].zero_base_unit);
        }
        free(bytes);
    }
    closedir(dir);
    CHECK(samples >= 2);
    CHECK(zero_base_seen);
}

/* ---- crafted ---- */

/* The Lenovo shape: an INCLUDE_PCI_ALL unit at 0, then an RMRR that stays trusted. */
static void only_unit_at_zero(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, DMAR_INCLUDE_PCI_ALL, 0, 0);
    table_end_structure(&t, drhd);
    size_t rmrr = table_begin_rmrr(&t, 0, 0x90e11000, 0x90e30fff);
    table_add_device_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);
    table_end_structure(&t, rmrr);
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_ALL_ZERO_BASE);
    CHECK_STR(why, ONLY_UNIT_AT_ZERO);
    CHECK_EQ_U64(info.rmrr_count, 1);
    CHECK(info.problems[0].zero_base_unit);
    CHECK_STR(info.problems[0].text,
              "DRHD at 0x30: register base is 0 (a firmware bug); unit ignored");
}

static void every_unit_at_zero(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0);
    table_add_simple_drhd(&t, 0);
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_ALL_ZERO_BASE);
    CHECK_STR(why, "all 2 of the DMAR's DRHDs have register base 0 (a firmware bug); no usable "
                   "VT-d unit");
}

/* A unit at 0 beside a good one: the good one is used, the verdict says nothing. */
static void zero_base_beside_a_good_unit(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0);
    table_add_simple_drhd(&t, 0xfed90000);
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_USABLE);
    CHECK_STR(why, "");
    CHECK_EQ_U64(info.unit_count, 1);
    CHECK_EQ_U64(info.problem_count, 1);
    CHECK(info.problems[0].zero_base_unit);
}

/* A malformed DRHD is doubt, not a platform fact: no SKIP can be built on it. */
static void zero_base_and_a_malformed_unit(void)
{
    table_begin_dmar(&t, 38, 1);
    table_add_simple_drhd(&t, 0);
    table_add_simple_drhd(&t, 0xfed90010);
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_NONE_TRUSTED);
    CHECK_STR(why, "no trusted DRHD in the DMAR (1 malformed, 1 at register base 0); no usable "
                   "VT-d unit");
    CHECK(info.problems[0].zero_base_unit);
    CHECK(!info.problems[1].zero_base_unit);
}

/* What followed a stopped walk is unknown: it may have been the good unit. */
static void zero_base_then_the_walk_stops(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t drhd = table_begin_drhd(&t, 0, 0, 0);
    table_end_structure(&t, drhd);
    table_append_le(&t, DMAR_TYPE_DRHD, 2);
    table_append_le(&t, 2, 2); /* a length of 2 hides everything after it */
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_NONE_TRUSTED);
    CHECK_STR(why, "no trusted DRHD in the DMAR (0 malformed, 1 at register base 0; walk "
                   "stopped at 0x40); no usable VT-d unit");
}

static void no_unit_listed(void)
{
    table_begin_dmar(&t, 38, 1);
    size_t rmrr = table_begin_rmrr(&t, 0, 0x7f000000, 0x7f000fff);
    table_end_structure(&t, rmrr);
    CHECK_EQ_U64(crafted_verdict(), DMAR_UNITS_NONE_LISTED);
    CHECK_STR(why, "the DMAR lists no DRHD; no VT-d unit");
    /* Nothing to write to is fine too: the verdict alone is the answer. */
    CHECK_EQ_U64(dmar_unit_verdict(&info, NULL, 0), DMAR_UNITS_NONE_LISTED);
}

static const struct check_case cases[] = {
    CHECK_CASE(real_machines),
    CHECK_CASE(only_unit_at_zero),
    CHECK_CASE(every_unit_at_zero),
    CHECK_CASE(zero_base_beside_a_good_unit),
    CHECK_CASE(zero_base_and_a_malformed_unit),
    CHECK_CASE(zero_base_then_the_walk_stops),
    CHECK_CASE(no_unit_listed),
};

int main(void)
{
    int status = CHECK_RUN("dmar_verdict", cases);
    dmar_free(&info);
    table_free(&t);
    return status;
}
