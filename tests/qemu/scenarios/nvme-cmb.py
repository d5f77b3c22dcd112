"""default machine (2 controllers, 64 MiB CMB, 8 MiB PMR), allow_write on: every NVMe/CMB/PMR test passes, and QEMU's trace and the namespace/PMR files on the host agree with what the image claims."""

import os
import re

from harness import ids, nvme, oracles, pci
from harness.scenario import AREA_CMB, AREA_COPY, AREA_FORMAT, AREA_IO_VERIFY, AREA_PMR_DMA, NVME_TRACE_EVENTS, Stop
from harness import trace as tr

MACHINE = {}
# memory_region_ops_read shows reads of a BAR made by a device (cpu -1), i.e. the peer-to-peer
# copy; the ACPI timer's reads are dropped from the file afterwards.
TRACE_EVENTS = NVME_TRACE_EVENTS + " vtd_dmar_translate memory_region_ops_read"


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("nvme-cmb", "# scenario nvme-cmb: write to the runner's controllers", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "nvme-cmb.trace")
    b = s.boot_qmp("nvme-cmb", dict(MACHINE, TRACE=trace, TRACE_EVENTS=TRACE_EVENTS), esp=esp)
    if os.path.isfile(trace):
        with open(trace, errors="replace") as f, open(trace + ".tmp", "w") as g:
            for ln in f:
                if "name 'acpi-tmr'" not in ln:
                    g.write(ln)
        os.replace(trace + ".tmp", trace)
    tap = nvme.clean_pass(c, b)
    # ---- QEMU's inventory: which controller is which file ----
    bdfs = b.bdfs
    for bdf in bdfs:
        sizes = pci.bar_sizes(b.qmp, bdf)
        sp = " %s " % sizes
        if " 2:67108864 " in sp and " 4:8388608 " in sp:
            c.ok("query-pci: nvme%d at %s has BAR2 of 64 MiB (CMB) and BAR4 of 8 MiB (PMR)" % (b.index[bdf], bdf))
        else:
            c.not_ok("query-pci: nvme%d at %s has BAR2 of 64 MiB and BAR4 of 8 MiB" % (b.index[bdf], bdf), "BARs (index:size): %s" % sizes)
    c.eq("QEMU realized 2 NVMe controllers (nvme0, nvme1)", len(bdfs), 2)
    if not bdfs:
        raise Stop()
    # ---- test points ----
    nvme.points_pass(c, tap, bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    nvme.points_skip(c, tap, bdfs, nvme.CQS_ZERO, "nvme.cmb.cq")
    nvme.only_skips(c, tap, (("nvme.cmb.cq: *", nvme.CQS_ZERO), ("nvme.bench.*: *", "bench_off"),
                             ("nvme.cmb.copy_between_controllers: */vtd", "translated")) + nvme.PLAIN_SKIPS,
                    "only nvme.cmb.cq for CMBSZ.CQS=0, nvme.bench.*, the copy in the VT-d pass, and what a plain namespace lacks")
    copy = [p for p in tap.at("nvme.cmb.copy_between_controllers") if "# SKIP" not in p.line][:1]
    src = dst = copy_lba = ""
    parties = nvme.copy_parties(tap)
    if parties:
        src, dst, copy_lba = parties
    idx = b.index
    if copy and copy[0].ok and dst and src in idx and dst in idx and src != dst:
        c.ok("nvme.cmb.copy_between_controllers passed: %s's CMB to %s, LBA %s" % (src, dst, copy_lba))
    else:
        c.not_ok("nvme.cmb.copy_between_controllers passed between the two controllers", copy[0].line if copy else "no such test point")
        src = dst = ""
    # ---- QEMU's trace ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-cmb.events"))
    if sm:
        for bdf in bdfs:
            nvme.cmb_trace(c, sm, bdf, tap)
            nvme.pmr_enable_trace(c, sm, bdf)
            nvme.shutdown_trace(c, sm, bdf)
        if src:
            cid = "nvme.cmb.copy_between_controllers"
            n = sum(1 for e in sm.seg(cid, src, "cmb_map") if "win=%s/2" % src in e.line)
            peer = sum(int(e.arg(1).replace("bytes=", "", 1) or 0) for e in sm.seg(cid, src, "dma_read") if e.last == "win=%s/2" % src)
            wrote = sum(1 for e in sm.seg(cid, src, "rw") if e.line.endswith(" write lba=%s nlb=32" % copy_lba))
            if n >= 4 and peer >= 16384 and wrote == 1:
                c.ok("copy: QEMU read 16 KiB into %s's CMB (%d pages), a device read %d bytes of that CMB over PCI, and a Write of 32 blocks went to LBA %s"
                     % (src, n, peer, copy_lba))
            else:
                c.not_ok("copy: QEMU read into %s's CMB, a device read 16 KiB of it over PCI, one Write to LBA %s" % (src, copy_lba),
                         "%d CMB pages, %d bytes read by a device, %d writes" % (n, peer, wrote))
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        nvme.dma_inside(c, tap, sm)
    # ---- the files on the host ----
    for bdf in bdfs:
        i = idx[bdf]
        img, pmr = s.state_file("nvme%d.img" % i), s.state_file("pmr%d.bin" % i)
        areas = [AREA_IO_VERIFY, AREA_CMB, AREA_PMR_DMA, AREA_FORMAT] + ([AREA_COPY] if bdf == dst else [])
        c.oracle("nvme%d.img (%s): nothing written outside the documented areas" % (i, bdf), oracles.nvme("written", img, *areas))
        c.oracle("nvme%d.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" % i, oracles.nvme("blocks", img, 0, 1024))
        c.oracle("nvme%d.img: the CMB tests' blocks 4096..4159 are pattern blocks of their own LBA" % i, oracles.nvme("blocks", img, 4096, 64))
        c.oracle("nvme%d.img: pmr.dma_target's source blocks 12288..12319" % i, oracles.nvme("blocks", img, 12288, 32))
        c.oracle("nvme%d.img: blocks 12320..12351, written from the PMR, carry LBAs 12288.." % i, oracles.nvme("blocks", img, 12320, 32, 12288))
        # discard=ignore (QEMU's default): deallocation is advisory, the blocks stay.
        nvme.yaml_is(c, "%s nsid 1: DSM deallocation kept the blocks" % bdf, tap, "nvme.io.deallocate", bdf + " nsid 1", "outcome", "kept")
        lbas = tap.yaml("nvme.io.deallocate", bdf + " nsid 1", "lbas")
        lo, _, hi = lbas.partition("-")
        c.oracle("nvme%d.img: the deallocated blocks still hold their pattern, as the image said" % i,
                 oracles.nvme("blocks", img, lo, int(hi or 0) - int(lo or 0)) if lo.isdigit() and hi.isdigit() else (1, "lbas '%s'" % lbas))
        nvme.pmr_record(c, "pmr%d.bin (%s): the record one boot on a fresh file leaves" % (i, bdf), pmr, 1)
        at = ""
        for p in tap.at("nvme.pmr.dma_target", bdf):
            if re.match(r"^0x[0-9a-f]+$", p.y("pmr_address")):
                at = p.y("pmr_address")
                break
        bar4 = sm.bar(bdf, 4) if sm else []
        if at and len(bar4) == 1:
            c.oracle("pmr%d.bin holds, at the offset nvme.pmr.dma_target named, LBAs 12288.. of nvme%d.img" % (i, i),
                     oracles.nvme("pmr-holds", pmr, int(at, 16) - int(bar4[0][0], 16), img, 12288, 32))
        else:
            c.not_ok("nvme.pmr.dma_target names an address in %s's BAR4" % bdf,
                     "address '%s', BAR4 '%s'" % (at or "none", " ".join("%s %d" % x for x in bar4) or "none"))
    if dst:
        si, di = idx[src], idx[dst]
        c.oracle("nvme%d.img: the copy's blocks %s.. carry the source LBAs 4096.." % (di, copy_lba),
                 oracles.nvme("blocks", s.state_file("nvme%d.img" % di), copy_lba, 32, 4096))
        c.oracle("nvme%d.img LBA %s.. equal nvme%d.img LBA 4096.. byte for byte" % (di, copy_lba, si),
                 oracles.nvme("same", s.state_file("nvme%d.img" % si), 4096, s.state_file("nvme%d.img" % di), copy_lba, 32))
