"""a unit that by design cannot translate (intel-iommu,dma-translation=off: CAP.SAGAW=0, interrupt remapping only): under iommu = auto every translation case SKIPs naming SAGAW=0 and translation is never turned on, while the interrupt remapping cases run on it; under iommu = require the same unit fails the translation cases."""

from harness import ids, nvme, vtd

MACHINE = {"CMB_SIZE_MB": "0", "PMR_SIZE": "0", "DMA_TRANSLATION": "off"}
TESTS = "tests = vtd.*, nvme.identify.*"


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "auto", MACHINE, cfg=[TESTS])
    if b is not None:
        tap = b.tap
        c.rc("auto: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
        nvme.tap_clean(c, tap)
        nvme.point_keys(c, tap, "vtd.unit.takeover", None, {"sagaw": "0x0"}, what="auto: the unit reports CAP.SAGAW=0 (decoded by the image)")
        for tid in ("vtd.dmar.parse", "vtd.dmar.units", "vtd.unit.takeover"):
            ls = tap.at(tid)
            c.check(ls and ls[0].ok and "# SKIP" not in "\n".join(p.line for p in ls), "auto: %s passed" % tid,
                    "\n".join(p.line for p in ls) or "not reported")
        for tid in ids.VTD_TRANSLATION:
            ls = tap.at(tid)
            c.check(len(ls) == 1 and ls[0].skipped_as("sagaw_zero"), "auto: %s SKIPs naming CAP.SAGAW=0" % tid,
                    "\n".join(p.line for p in ls) or "not reported")
        # The unit remaps interrupts: the IR cases run on it (compat_blocked SKIPs on QEMU, which
        # does not block compatibility-format interrupts).
        bdfs = b.bdfs
        c.check(len(bdfs) == 2, "auto: QEMU realized 2 NVMe controllers", " ".join(bdfs))
        nvme.points_pass(c, tap, bdfs, [i for i in ids.VTD_IR if i != "vtd.ir.compat_blocked"])
        nvme.points_skip(c, tap, bdfs, "qemu_no_cfis", "vtd.ir.compat_blocked")
        vtd.no_vtd_pass(c, tap)
        c.no_grep("auto: QEMU never turned translation on (no vtd_dmar_enable)", r"vtd_dmar_enable", b.trace, c.rel(b.trace))
        if b.sum:
            c.no_grep("auto: no DMA translated or blocked by the unit", r" (translate|dma_fault|fault) ", b.sum.lines)
    s.fresh_nvme_state()
    b = vtd.boot(s, "require", MACHINE, cfg=[TESTS, "iommu = require"])
    if b is not None:
        tap = b.tap
        c.rc("require: exit code 1 (fail) through isa-debug-exit", b.rc, 1, s.work)
        for tid in ids.VTD_TRANSLATION:
            ls = tap.at(tid)
            c.check(len(ls) == 1 and not ls[0].ok and "(iommu = require): CAP.SAGAW=0: " in ls[0].line,
                    "require: %s fails naming iommu = require and CAP.SAGAW=0" % tid, "\n".join(p.line for p in ls) or "not reported")
        c.no_grep("require: every failed test point is a vtd.* one", r"^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]", tap)
