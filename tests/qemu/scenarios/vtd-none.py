"""no IOMMU on the machine (IOMMU=none), allow_write on: every vtd.* point SKIPs naming the missing DMAR table, every NVMe point still passes, and QEMU's trace holds no VT-d event at all."""

from harness import ids, nvme, vtd

MACHINE = {"IOMMU": "none"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-none", MACHINE)
    if b is None:
        return
    tap = b.tap
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        return
    vtd.skips(c, tap, "no_dmar", "the machine has no intel-iommu")
    vtd.no_vtd_pass(c, tap)
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    # Untranslated, the copy between the controllers runs (it SKIPs under VT-d).
    c.grep("nvme.cmb.copy_between_controllers passed, untranslated",
           r"^ok [0-9]+ - nvme\.cmb\.copy_between_controllers: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [^#]*$", tap)
    nvme.only_skips(c, tap, (("nvme.cmb.cq: *", nvme.CQS_ZERO), ("nvme.bench.*: *", "bench_off")) + nvme.PLAIN_SKIPS,
                    "only nvme.cmb.cq for CMBSZ.CQS=0, nvme.bench.*, and what a plain namespace lacks")
    # QEMU's trace: the NVMe events are there (so the trace was on), no VT-d.
    if b.sum:
        with open(b.trace, errors="replace") as f:
            lines = f.read().splitlines()
        n = sum(1 for ln in lines if ":pci_nvme_" in ln)
        c.check(n > 1000, "QEMU traced the run: %d pci_nvme_* events, the test points rebuilt from COM1" % n
                if n > 1000 else "QEMU traced the run (pci_nvme_* events)", "%d events in %s" % (n, c.rel(b.trace)))
        c.no_grep("QEMU's trace has no vtd_* event at all (TRACE_EVENTS had vtd_*)", r"[0-9]:vtd_|^vtd_", lines)
        nvme.trace_no_errors(c, b.sum, "nvme.cmb.mixed_prp_rejected")
