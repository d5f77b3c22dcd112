"""no bootindex, so OVMF binds the NVMe controllers and leaves them running; the image must see that, stop them cleanly (QEMU's trace: CC.EN cleared before our admin queue) and pass every NVMe test."""

import os
import re

from harness import ids, nvme, oracles
from harness.scenario import NVME_TRACE_EVENTS, Stop
from harness import trace as tr
from harness.trace import hexint

MACHINE = {"BOOTINDEX": "no"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("takeover", "# scenario takeover", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "takeover.trace")
    b = s.boot_qmp("takeover", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdfs = b.bdfs
    # ---- what the image says it found ----
    for bdf in bdfs:
        en = lambda v: re.match(r"^0x[0-9a-f]{8}$", v) is not None and int(v, 16) & 1 == 1
        # What the image recorded of the firmware's controller (at enumeration), and what its
        # takeover found there (the first pass: no earlier pass of ours).
        nvme.point_keys(c, tap, "nvme.controller.takeover", bdf, {"firmware_cc": en},
                        what="%s: nvme.controller.takeover's YAML firmware_cc has CC.EN=1" % bdf)
        nvme.point_keys(c, tap, "nvme.controller.takeover", bdf, {"found_cc": en},
                        what="%s: nvme.controller.takeover found CC.EN=1 (YAML found_cc)" % bdf)
    nvme.points_pass(c, tap, bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    nvme.points_skip(c, tap, bdfs, nvme.CQS_ZERO, "nvme.cmb.cq")
    # ---- QEMU's trace ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "takeover.events"))
    if sm:
        # Before "TAP version 13": OVMF enabled the controllers and made its queues.
        n_start = len(sm.ev("mmio_start_success", "firmware"))
        n_sq = len(sm.ev("create_sq", "firmware"))
        if n_start >= 2 and n_sq >= 2:
            c.ok("before the image started, OVMF enabled the controllers (%d enables) and created %d I/O SQs" % (n_start, n_sq))
        else:
            c.not_ok("before the image started, OVMF enabled both controllers and created I/O SQs", "%d enables, %d SQs" % (n_start, n_sq))
        for bdf in bdfs:
            # Within the takeover point: a CC write with EN=0 that stopped a running controller
            # (pci_nvme_mmio_stopped) before the image's first admin SQ address, and no enable before it.
            cleared = stopped = early = False
            verdict = "bad no admin SQ address written"
            for e in sm.ev(None, "nvme.controller.takeover", bdf):
                if e.name == "mmio_write" and e.arg(0) == "reg=0x14":
                    cleared = hexint(e.arg(1).replace("data=", "", 1)) % 2 == 0
                elif e.name == "mmio_stopped" and cleared:
                    stopped = True
                elif e.name == "mmio_start_success":
                    early = True
                elif e.name == "asq":
                    verdict = ("ok " + e.arg(0)) if stopped and not early else \
                        "bad stopped=%d enabled_before=%d" % (stopped, early)
                    break
            if verdict.startswith("ok"):
                c.ok("%s: QEMU saw CC.EN cleared and the running controller stop before the image's admin SQ (%s)" % (bdf, verdict[3:]))
            else:
                c.not_ok("%s: QEMU saw CC.EN cleared and the running controller stop before the image's admin SQ" % bdf, verdict[4:])
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        nvme.dma_inside(c, tap, sm)
    # ---- the namespaces: the image's writes landed after the takeover ----
    for bdf in bdfs:
        i = b.index[bdf]
        c.oracle("nvme%d.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" % i,
                 oracles.nvme("blocks", s.state_file("nvme%d.img" % i), 0, 1024))
