"""config key iommu: "off" on a machine with intel-iommu leaves the unit alone (every vtd.* point SKIPs saying so; QEMU sees no register write, translation never on), "require" on a machine without one fails vtd.dmar.parse and the run (exit code 1)."""

from harness import ids, nvme, vtd


def run(s):
    c = s.c
    # ---- iommu = off, intel-iommu present ----
    s.fresh_nvme_state()
    b = vtd.boot(s, "off", {}, cfg=["iommu = off"])
    if b is not None:
        tap = b.tap
        c.rc("off: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
        nvme.tap_clean(c, tap)
        c.grep("off: the image read iommu = off", r"^# config: iommu = off$", tap)
        c.eq("off: QEMU realized 2 NVMe controllers", len(b.bdfs), 2)
        vtd.skips(c, tap, "iommu_off", "iommu = off in the config")
        vtd.no_vtd_pass(c, tap)
        if b.bdfs:
            nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
        if b.sum:
            with open(b.trace, errors="replace") as f:
                tr = f.read().splitlines()
            c.grep("off: the unit was there (QEMU traced vtd_* events of its own)", r"[0-9]:vtd_(switch_address_space|context_cache_reset)", tr)
            c.no_grep("off: QEMU never turned translation on (no vtd_dmar_enable)", r"vtd_dmar_enable", tr)
            reads = sum(1 for ln in tr if "vtd_reg_read " in ln)
            c.no_grep("off: the image wrote no VT-d register (no vtd_reg_write; %d register reads)" % reads, r"vtd_reg_write", tr)
            c.no_grep("off: no DMA translated or blocked by the unit", r" (translate|dma_fault|fault) ", b.sum.lines)
            nvme.trace_no_errors(c, b.sum, "nvme.cmb.mixed_prp_rejected")
    # ---- iommu = require, no IOMMU ----
    s.fresh_nvme_state()
    b = vtd.boot(s, "require", {"IOMMU": "none"}, cfg=["iommu = require"])
    if b is not None:
        tap = b.tap
        c.rc("require: exit code 1 (fail) through isa-debug-exit", b.rc, 1, s.work)
        c.grep("require: the image read iommu = require", r"^# config: iommu = require$", tap)
        ls = tap.at("vtd.dmar.parse")
        line = "\n".join(p.line for p in ls)
        if ls and line.startswith("not ok ") and "iommu = require" in line and "no DMAR table" in line:
            c.ok("require: vtd.dmar.parse failed: %s" % line.split("vtd.dmar.parse: ", 1)[-1])
        else:
            c.not_ok("require: vtd.dmar.parse 'not ok', naming iommu = require and the missing DMAR table", line or "not reported")
        sm = tap.summary()
        if sm and sm[1] > 0:
            c.ok("require: verdict line reports the failure (%d passed, %d failed, %s skipped)" % (sm[0], sm[1], sm[2] or 0))
        else:
            c.not_ok("require: verdict line reports failures", "'%s'" % (" ".join(map(str, sm)) if sm else "  "))
        # Nothing but VT-d failed: the NVMe cases ran and passed.
        c.no_grep("require: every failed test point is a vtd.* one", r"^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]", tap)
        c.no_grep("require: no bail out", r"^Bail out!", tap)
        if b.bdfs:
            nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
        if b.sum:
            c.no_grep("require: QEMU's trace has no vtd_* event (there is no unit)", r"[0-9]:vtd_|^vtd_", b.trace, c.rel(b.trace))
            nvme.trace_no_errors(c, b.sum, "nvme.cmb.mixed_prp_rejected")
