"""controllers with the pre-1.4 CMB (legacy-cmb=on: window always on at BAR2, no CMBMSC): the image must say so, pass every CMB test, and QEMU's trace must show its queues and data in BAR2."""

import os

from harness import ids, nvme
from harness.scenario import NVME_TRACE_EVENTS, Stop
from harness import trace as tr

MACHINE = {"LEGACY_CMB": "on"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("legacy-cmb", "# scenario legacy-cmb", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "legacy-cmb.trace")
    b = s.boot_qmp("legacy-cmb", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdfs = b.bdfs
    nvme.points_pass(c, tap, bdfs, ids.NVME_CMB)
    nvme.points_skip(c, tap, bdfs, nvme.CQS_ZERO, "nvme.cmb.cq")
    for bdf in bdfs:
        nvme.point_keys(c, tap, "nvme.cmb.discover", bdf, {"scheme": "legacy"}, what="%s: nvme.cmb.discover reports the legacy (pre-1.4) scheme" % bdf)
    copy = [p for p in tap.at("nvme.cmb.copy_between_controllers") if "# SKIP" not in p.line]
    if copy and copy[0].ok:
        c.ok("nvme.cmb.copy_between_controllers passed")
    else:
        all_ = tap.at("nvme.cmb.copy_between_controllers")
        c.not_ok("nvme.cmb.copy_between_controllers passed", all_[0].line if all_ else "")
    sm = tr.load(c, "", trace, os.path.join(s.work, "legacy-cmb.events"))
    if sm:
        for bdf in bdfs:
            nvme.cmb_trace(c, sm, bdf, tap)
        # A pre-1.4 controller has no CMBMSC: 0x50..0x57 are reserved there.
        c.no_grep("the image never wrote CMBMSC (0x50/0x54), which a legacy controller does not have", r" mmio_write reg=0x(50|54) ", sm.lines)
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        nvme.dma_inside(c, tap, sm)
