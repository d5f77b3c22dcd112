"""controllers without CMB and PMR: every nvme.cmb.* and nvme.pmr.* test must SKIP naming CAP.CMBS=0 / CAP.PMRS=0, I/O must still pass, and QEMU must show no BAR2/BAR4, no queue outside RAM and no touch of the CMB/PMR registers."""

import os

from harness import ids, nvme, oracles, pci
from harness.scenario import AREA_FORMAT, AREA_IO_VERIFY, NVME_TRACE_EVENTS, Stop
from harness import trace as tr
from harness.trace import hexint

MEM_MIB = 512
MACHINE = {"CMB_SIZE_MB": "0", "PMR_SIZE": "0", "MEM": str(MEM_MIB)}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("no-cmb-pmr", "# scenario no-cmb-pmr", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "no-cmb-pmr.trace")
    b = s.boot_qmp("no-cmb-pmr", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdfs = b.bdfs
    for bdf in bdfs:
        sizes = pci.bar_sizes(b.qmp, bdf)
        sp = " %s " % sizes
        if " 0:" in sp and " 2:" not in sp and " 4:" not in sp:
            c.ok("query-pci: %s has BAR0 and neither BAR2 (CMB) nor BAR4 (PMR) (%s)" % (bdf, sizes))
        else:
            c.not_ok("query-pci: %s has BAR0 and neither BAR2 nor BAR4" % bdf, "BARs (index:size): %s" % (sizes or "none"))
    # ---- test points ----
    nvme.points_pass(c, tap, bdfs, ids.NVME_BASE)
    nvme.points_skip(c, tap, bdfs, "cmbs_zero", ids.NVME_CMB, "nvme.cmb.cq")
    nvme.points_skip(c, tap, bdfs, "pmrs_zero", ids.NVME_PMR)
    # The copy needs two controllers: it is reported once, with no controller.
    copy = tap.at("nvme.cmb.copy_between_controllers")
    if copy and all(p.skipped_as("no_cmb_reader") for p in copy):
        c.ok("nvme.cmb.copy_between_controllers SKIPs with a reason naming the CMB: %s" % copy[0].line.split("# SKIP ", 1)[1])
    else:
        c.not_ok("nvme.cmb.copy_between_controllers SKIPs with a reason naming the CMB", "\n".join(p.line for p in copy) or "not reported")
    for bdf in bdfs:
        nvme.point_keys(c, tap, "nvme.queues.io_pair", bdf, {"io_sq": "host"}, what="%s: nvme.queues.io_pair used a host SQ 1" % bdf)
    # ---- QEMU's trace ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "no-cmb-pmr.events"))
    if sm:
        for bdf in bdfs:
            placed = ",".join("BAR%s %s" % (w[2], w[3]) for w in sm.bars if w[1] == bdf and w[2] != "0")
            c.check(not placed, "%s: QEMU placed no BAR but BAR0" % bdf, placed)
        # Every queue the image gave QEMU lies outside any BAR; those of the untranslated pass (test
        # points on a plain BB:DD.F) lie in RAM, below -m.  (The VT-d pass hands out IOVAs.)
        top = MEM_MIB << 20
        bad, n, np_ = [], 0, 0
        for e in sm.events:
            if e.n != "0" and e.name in ("create_sq", "create_cq", "asq"):
                a = ""
                for f in e.w[5:]:
                    if f.startswith("addr="):
                        a = f[5:]
                n += 1
                plain = "/" not in e.where and not e.tid.startswith("vtd.")
                if e.last != "win=-" or (plain and hexint(a) >= top):
                    bad.append("%s %s %s %s %s" % (e.tid, e.where, e.name, a, e.last))
                if plain:
                    np_ += 1
        if not bad and np_ > 0:
            c.ok("all %d admin/I/O queue addresses QEMU was given lie outside every BAR; the %d of the untranslated pass below the %d MiB of RAM" % (n, np_, MEM_MIB))
        else:
            c.not_ok("all admin/I/O queue addresses lie outside every BAR, the untranslated ones in RAM", "|".join(bad[:3]) or "no queue seen")
        c.no_grep("QEMU served nothing from a CMB (no pci_nvme_map_addr_cmb)", r" cmb_map ", sm.lines)
        c.no_grep("the image left CMBMSC (0x50/0x54) and PMRCTL/PMRMSC (0xe04, 0xe14/0xe18) alone",
                  r" mmio_write reg=0x(50|54|e04|e14|e18) ", sm.lines)
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
    # ---- the namespaces: I/O ran, and only io.verify wrote ----
    for bdf in bdfs:
        i = b.index[bdf]
        img = s.state_file("nvme%d.img" % i)
        c.oracle("nvme%d.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" % i, oracles.nvme("blocks", img, 0, 1024))
        c.oracle("nvme%d.img: nothing written outside io.verify's and the format cases' areas (no CMB or PMR test ran)" % i,
                 oracles.nvme("written", img, AREA_IO_VERIFY, AREA_FORMAT))
