"""controllers with MDTS 1 (8 KiB per command), CMB and PMR, allow_write on: every case sizes its transfers from MDTS, none exceeds it in QEMU's trace, and every case still passes."""

import os
import re

from harness import ids, nvme, oracles
from harness.scenario import AREA_CMB, AREA_COPY, AREA_FORMAT, AREA_IO_VERIFY, AREA_PMR_DMA, NVME_TRACE_EVENTS, Stop
from harness import trace as tr

MACHINE = {"NVME_OPTS": "mdts=1"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("nvme-mdts", "# scenario nvme-mdts: write to the runner's controllers", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "nvme-mdts.trace")
    b = s.boot_qmp("nvme-mdts", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdfs = b.bdfs
    # ---- what the image read and how it sized its transfers ----
    for bdf in bdfs:
        w = bdf + " nsid 1"
        nvme.yaml_is(c, "%s: Identify Controller's MDTS as the image decoded it" % bdf, tap, "nvme.identify.controller", bdf, "mdts", 1)
        nvme.yaml_is(c, "%s: the largest transfer is 2^1 pages of 4 KiB" % bdf, tap, "nvme.identify.controller", bdf, "max_transfer_bytes", 8192)
        nvme.yaml_is(c, "%s nsid 1: io.verify sized its largest shape from MDTS" % bdf, tap, "nvme.io.verify", w, "max_transfer_bytes", 8192)
        shapes = tap.yaml("nvme.io.verify", w, "shapes")
        if all(x in shapes for x in ("PRP1 only (8 blocks)", "PRP1 + PRP2 (8 blocks)", "PRP list (16 blocks)",
                                     "largest transfer (MDTS) (16 blocks)")):
            c.ok("%s nsid 1: io.verify formed all four PRP shapes within 8 KiB (%s)" % (bdf, shapes))
        else:
            c.not_ok("%s nsid 1: io.verify formed all four PRP shapes within 8 KiB" % bdf, "shapes: %s" % (shapes or "absent"))
        c.eq("%s nsid 1: io.verify found no shape impossible" % bdf, tap.yaml("nvme.io.verify", w, "not_possible"), "")
    nvme.points_pass(c, tap, bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR, "nvme.io.write_zeroes", "nvme.io.deallocate")
    # ---- QEMU's trace: no command above MDTS, DMA only where the image owns memory ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-mdts.events"))
    if sm:
        c.no_grep("QEMU never refused a transfer above MDTS (no pci_nvme_err_mdts)", r" pci_nvme_err_mdts", sm.lines)
        rws = sm.ev("rw")
        big = [e.line for e in rws if int(e.arg(2).replace("nlb=", "", 1) or 0) > 16][:1]
        if not big and rws:
            c.ok("all %d Reads and Writes QEMU executed move at most 16 blocks (8 KiB)" % len(rws))
        else:
            c.not_ok("every Read and Write QEMU executed moves at most 16 blocks (8 KiB)", big[0] if big else "no rw events")
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        nvme.dma_inside(c, tap, sm)
    # ---- the namespace images ----
    for bdf in bdfs:
        i = b.index[bdf]
        img = s.state_file("nvme%d.img" % i)
        c.oracle("nvme%d.img (%s): nothing written outside the documented areas" % (i, bdf),
                 oracles.nvme("written", img, AREA_IO_VERIFY, AREA_CMB, AREA_COPY, AREA_PMR_DMA, AREA_FORMAT))
        last = tap.yaml("nvme.io.verify", bdf + " nsid 1", "lbas").split("-", 1)[-1]
        if re.match(r"^[0-9]+$", last):
            c.oracle("nvme%d.img: io.verify's blocks 0..%d are pattern blocks of their own LBA" % (i, int(last) - 1),
                     oracles.nvme("blocks", img, 0, last))
        else:
            c.not_ok("nvme.io.verify on %s nsid 1 names its LBAs" % bdf, "lbas: '%s'" % (last or "absent"))
