"""real firmware's ACPI: a Lenovo laptop's DMAR whose only DRHD has register base 0 (a BIOS bug) and 100 extra tables (an XSDT of 107 entries, as on servers): every table is found, the DMAR parses with the unit ignored, the VT-d cases SKIP naming the bug under iommu = auto and fail under require."""

import os

from harness import ids, nvme, vtd
from harness.scenario import Stop

TRANSLATION_IDS = [i for i in ids.VTD if i != "vtd.dmar.parse" and not i.startswith("vtd.bench.")]
MACHINE = {"IOMMU": "none", "CMB_SIZE_MB": "0", "PMR_SIZE": "0"}


def run(s):
    c = s.c
    dmar = os.path.join(os.path.dirname(s.repo), "shared", "acpi-samples", "lenovo-ideapadflex15-dmar.dat")
    if not os.path.isfile(dmar):
        c.not_ok("the real DMAR sample is there", "%s missing (CI lays shared/ beside the repository)" % dmar)
        raise Stop()
    # QEMU adds each -acpitable to the XSDT; its own tables make 7 more.
    empty = os.path.join(s.work, "empty.bin")
    open(empty, "w").close()
    extra = ["-acpitable", "file=" + dmar]
    for i in range(100):
        extra += ["-acpitable", "sig=T%03d,data=%s" % (i, empty)]

    def boot_tables(name, *cfg):
        esp = s.esp(name, s.cfg(name, "# scenario firmware-tables: %s" % name, "tests = platform.acpi.*, vtd.*, nvme.identify.*", *cfg))
        if esp is None:
            return None
        b = s.boot_qmp(name, MACHINE, esp=esp, qemu_args=extra)
        b.extract()
        return b

    # ---- iommu = auto: SKIPs that name the firmware bug ----
    s.fresh_nvme_state()
    b = boot_tables("auto")
    if b:
        tap = b.tap
        c.rc("auto: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
        nvme.tap_clean(c, tap)
        nvme.point_keys(c, tap, "platform.acpi.root_table", None, {"root_table": "XSDT", "tables": 107}, what="auto: the XSDT's 107 tables are all listed")
        for sig in ("DMAR", "T000", "T099"):
            c.grep("auto: table %s is among them" % sig, r"^# acpi: XSDT entries [0-9]+\.\.[0-9]+:.* %s( |$)" % sig, tap)
        ls = tap.at("vtd.dmar.parse")
        line = "\n".join(p.line for p in ls)
        c.check(line.startswith("ok ") and "# SKIP" not in line, "auto: vtd.dmar.parse passed", line or "not reported")
        c.grep("auto: vtd.dmar.parse's YAML reports the base-0 DRHD as ignored",
               r'^  ignored_unit_1: "DRHD at 0x30: register base is 0 \(a firmware bug\); unit ignored"$', tap)
        for tid in TRANSLATION_IDS:
            ls = tap.at(tid)
            c.check(ls and all(p.skipped_as("base0_drhd") for p in ls), "auto: %s SKIPs naming the base-0 DRHD" % tid,
                    "\n".join(p.line for p in ls) or "not reported")
        vtd.no_vtd_pass(c, tap)
    # ---- iommu = require: the same machine fails the VT-d cases ----
    s.fresh_nvme_state()
    b = boot_tables("require", "iommu = require")
    if b:
        tap = b.tap
        c.rc("require: exit code 1 (fail) through isa-debug-exit", b.rc, 1, s.work)
        line = "\n".join(p.line for p in tap.at("vtd.translation.enable"))
        good = line.startswith("not ok ") and "(iommu = require)" in line and \
            line.find("register base 0 (a firmware bug); no usable VT-d unit") > line.find("(iommu = require)")
        c.check(good, "require: vtd.translation.enable fails naming iommu = require and the base-0 DRHD", line or "not reported")
        c.no_grep("require: every failed test point is a vtd.* one", r"^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]", tap)
        c.grep("require: vtd.dmar.parse still passes", r"^ok [0-9]+ - vtd\.dmar\.parse: ", tap)
