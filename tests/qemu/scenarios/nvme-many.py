"""ten NVMe controllers (no CMB, no PMR) spread over pcie.0, four pcie-root-ports and a pcie-pci-bridge, intel-iommu on, allow_write on: the firmware places every BAR, the image drives every controller where QEMU put it, in the plain and the VT-d pass, with a domain per requester ID (the three behind the PCIe-to-PCI bridge share one), and every namespace image holds what io.verify wrote."""

import os
import re

from harness import ids, nvme, oracles, pci, vtd
from harness.scenario import AREA_FORMAT, AREA_IO_VERIFY, VTD_TRACE_EVENTS, Stop
from harness import trace as tr

# Controller i sits on bus BUSES[i]: three on the root complex, one behind each of four root
# ports, three behind the PCIe-to-PCI bridge (on root port rp5), interleaved so that QEMU's order,
# bus order and file order all differ.  Eight requester IDs in all.
N = 10
BUSES = ["pcie.0", "rp1", "ppb", "rp2", "pcie.0", "rp3", "ppb", "rp4", "pcie.0", "ppb"]
BRIDGES = "rp1:pcie-root-port rp2:pcie-root-port rp3:pcie-root-port rp4:pcie-root-port rp5:pcie-root-port ppb:pcie-pci-bridge@rp5"
MACHINE = {"NVME_DRIVE_COUNT": str(N), "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "BRIDGES": BRIDGES, "NVME_BUS": " ".join(BUSES)}
IDS = ["nvme.controller.takeover", "nvme.identify.controller", "nvme.identify.namespaces@1", "nvme.queues.io_pair@1",
       "nvme.io.verify@1", "nvme.io.flush@1", "nvme.io.write_zeroes@1", "nvme.io.deallocate@1"]


def run(s):
    c = s.c
    name = "nvme-many"
    s.fresh_nvme_state()
    esp = s.media(name, "# scenario nvme-many: write to the runner's ten controllers", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, name + ".trace")
    # query-pci once the image's last pci.* point is out: bus numbers behind the bridges are the
    # firmware's by then, and the exit code is kept.
    b = s.boot_qmp_when(name, r"^ok [0-9]+ - pci\.caps\.well_formed", dict(MACHINE, TRACE=trace, TRACE_EVENTS=VTD_TRACE_EVENTS), esp=esp)
    tap = b.extract()
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    # ---- QEMU's inventory ----
    if not b.qmp_ok:
        raise Stop()
    q = b.qmp
    bdfs = b.bdfs
    c.eq("query-pci shows %d NVMe functions (class 01:08)" % N, sum(1 for d, _, _ in pci.devices(q) if d["class_info"]["class"] == 264), N)
    c.eq("query-pci shows the runner's controllers nvme0..nvme%d" % (N - 1), len(bdfs), N)
    if not bdfs:
        raise Stop()
    # Where QEMU put each one: on the bus the runner asked for, the bridges' buses as the firmware numbered them.
    errs = ""
    for qid, bdf, parent in pci.nvme_parents(q):
        i = int(qid[4:])
        if parent != BUSES[i]:
            errs += "%s at %s behind '%s', want '%s'; " % (qid, bdf, parent, BUSES[i])
    bus = lambda x: x.split(":")[0]
    n_root = sum(1 for x in bdfs if x.startswith("00:"))
    n_bus = len({bus(x) for x in bdfs})
    d = pci.find(q, "ppb")
    ppb_sec = "%02x" % ((d or {}).get("pci_bridge", {}).get("bus", {}).get("secondary") or 0)
    n_ppb = sum(1 for x in bdfs if x.startswith(ppb_sec + ":"))
    if not errs and n_root == 3 and n_ppb == 3 and n_bus == 6 and ppb_sec != "00":
        c.ok("topology: 3 controllers on bus 00, 4 alone behind their root ports, 3 on the pcie-pci-bridge's bus %s (6 buses; each on the bus the runner named)" % ppb_sec)
    else:
        c.not_ok("topology: 3 on bus 00, 4 behind root ports, 3 behind the pcie-pci-bridge, each where the runner put it",
                 "%sbus 00: %d, bus %s: %d, %d buses" % (errs, n_root, ppb_sec, n_ppb, n_bus))
    unmapped = ",".join(pci.unmapped_bars(q))
    n_bars = pci.n_bars(q)
    if not unmapped and n_bars > N:
        c.ok("the firmware assigned every one of the %d BARs query-pci lists (no MMIO or bus shortage)" % n_bars)
    else:
        c.not_ok("the firmware assigned every BAR query-pci lists", "unassigned: %s of %d" % (unmapped or "none", n_bars))
    for bdf in bdfs:
        sizes = pci.bar_sizes(q, bdf)
        if not (sizes.startswith("0:") and " 2:" not in sizes and " 4:" not in sizes):
            errs += "%s: %s; " % (bdf, sizes)
    c.check(not errs, "query-pci: each controller has BAR0 and neither a CMB (BAR2) nor a PMR (BAR4)", errs)
    pci.compare_inventory(c, pci.from_tap(tap), pci.from_qmp(q))
    # Requester IDs as QEMU's IOMMU sees them: the three behind the PCIe-to-PCI bridge are all the
    # bridge's secondary bus, 00.0.
    sid_of = pci.requester_ids(q)
    sids = sorted(set(sid_of.values()))
    alias = " ".join(sorted({sid_of[x] for x in bdfs if bus(x) == ppb_sec}))
    if len(sids) == 8 and alias == ppb_sec + ":00.0":
        c.ok("requester IDs from QEMU's topology: %d for %d controllers, the pcie-pci-bridge's three all %s" % (len(sids), N, alias))
    else:
        c.not_ok("requester IDs from QEMU's topology: 8, the pcie-pci-bridge's three all %s:00.0" % ppb_sec,
                 "%d: %s; behind the bridge: %s" % (len(sids), " ".join(sids), alias))
    # ---- test points, both passes ----
    miss = [bdf for bdf in bdfs if not tap.has(r"^# pci %s 1b36:0010 class 01:08:02" % re.escape(bdf))]
    c.check(not miss, "the image's inventory lists an NVMe controller at each of QEMU's %d addresses" % N if not miss else
            "the image's inventory lists an NVMe controller at each of QEMU's addresses", "missing: %s " % " ".join(miss))
    nvme.point_keys(c, tap, "pci.enumerate", None, {"functions": lambda v: v.isdigit(), "bridges": 6, "nvme_controllers": N},
                    what="pci.enumerate passed, through the 6 bridges, finding %d controllers" % N)
    nvme.point_keys(c, tap, "pci.bridges.bus_ranges", None, {"bridges": 6}, what="pci.bridges.bus_ranges passed over the 6 bridges")
    vtds = [x + "/vtd" for x in bdfs]
    nvme.points_pass_at(c, tap, bdfs, IDS)
    nvme.points_pass_at(c, tap, vtds, IDS, "nvme.controller.shutdown")
    nvme.points_skip(c, tap, bdfs, "cmbs_zero", ids.NVME_CMB, "nvme.cmb.cq")
    nvme.points_skip(c, tap, bdfs, "pmrs_zero", ids.NVME_PMR)
    nvme.only_skips(c, tap, nvme.NO_CMB_PMR_SKIPS + nvme.PLAIN_SKIPS,
                    "only what a controller without CMB/PMR, a plain namespace and bench = no explain")
    # Which controller the image talked to at each address: its serial, per pass.
    errs = ""
    nqns = []
    idx = b.index
    for bdf in bdfs:
        i = idx[bdf]
        for w in (bdf, bdf + "/vtd"):
            sr = tap.yaml_text("nvme.identify.controller", w, "serial")
            if sr != "nvmetal-%d" % i:
                errs += "%s: serial '%s', want nvmetal-%d; " % (w, sr or "absent", i)
        nqns.append(tap.yaml_text("nvme.identify.controller", bdf, "subnqn"))
    c.check(not errs, "nvme.identify.controller's serial at each address is QEMU's nvmeN there (nvmetal-N), in both passes"
            if not errs else "nvme.identify.controller's serial at each address is QEMU's nvmeN there", errs)
    c.eq("nvme.identify.controller: %d different subnqn (one subsystem each)" % N, len({x for x in nqns if x}), N)
    # ---- VT-d: the image's account ----
    nvme.point_keys(c, tap, "vtd.translation.enable", None, {"gsts": vtd.enable_gsts(tap), "levels": 3, "address_bits": 39, "nvme_domains": len(sids)})
    nvme.point_keys(c, tap, "vtd.nvme.translated", None, {"controllers": N, "faults": 0})
    nvme.points_pass(c, tap, bdfs, [i + "@any" for i in ids.VTD_ISOLATION])
    line = "\n".join(p.line for p in tap.at("vtd.isolation.other_domain"))
    od = [p for p in tap.at("vtd.isolation.other_domain") if p.ok and p.where and p.where.endswith("/vtd")]
    other = od[0].where[:-4] if len(od) == 1 else ""
    if other and other in sid_of and "# SKIP" not in line:
        c.ok("vtd.isolation.other_domain passed once, on %s/vtd" % other)
    else:
        c.not_ok("vtd.isolation.other_domain passed once, on one of the controllers", line or "not reported")
    # ---- QEMU's trace ----
    sm = tr.load(c, "", trace, os.path.join(s.work, name + ".events"))
    if sm:
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
        # io.verify on every controller, in both passes: QEMU wrote and read exactly the LBAs the image
        # names; in the VT-d pass, every translation during it came from that controller's requester ID.
        errs = ""
        for bdf in bdfs:
            for w in (bdf, bdf + "/vtd"):
                r = nvme.yaml_lbas(tap, "nvme.io.verify", w + " nsid 1")
                if not r:
                    errs += "%s: no lbas; " % w
                    continue
                first, end = r
                nw, bw, lw, hw = sm.rw_blocks("nvme.io.verify", w, "write", 1)
                _, br, lr, hr = sm.rw_blocks("nvme.io.verify", w, "read", 1)
                if not (nw > 0 and bw == end - first and lw == first and hw == end and br == bw and lr == first and hr == end):
                    errs += "%s: lbas %d-%d, QEMU wrote %d blocks in %d commands (%d-%d), read %d (%d-%d); " % (w, first, end, bw, nw, lw, hw, br, lr, hr)
            trs = sm.seg("nvme.io.verify", bdf + "/vtd", "translate")
            stray = [e.line for e in trs if e.arg(0) != "sid=" + sid_of[bdf]][:1]
            if stray or not trs:
                errs += "%s/vtd: %d translations, not from %s: %s; " % (bdf, len(trs), sid_of[bdf], stray[0] if stray else "none")
        if not errs:
            c.ok("during nvme.io.verify on each controller and pass QEMU wrote, then read, exactly the LBAs its YAML names; translated under the controller's own requester ID")
        else:
            c.not_ok("during nvme.io.verify on each controller and pass QEMU wrote and read exactly the LBAs its YAML names", errs)
        for bdf in bdfs:
            nvme.shutdown_trace(c, sm, bdf)
        c.oracle("QEMU loaded a context entry per requester ID, each its own domain, 3-level", oracles.vtd("context", sm.path, 1, *sids))
        c.oracle("QEMU translated DMA from those %d requester IDs only, each inside its own IOVA slot" % len(sids), oracles.vtd("translations", sm.path, *sids))
        c.oracle("no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated)", oracles.vtd("quiet", sm.path, "vtd.dmar.parse", "vtd.nvme.translated"))
        view = vtd.oracle_view(tap)
        for bdf in bdfs:
            for tid in ids.VTD_ISOLATION:
                c.oracle("%s on %s/vtd: QEMU's record, under %s" % (tid, bdf, sid_of[bdf]),
                         oracles.vtd("isolation", sm.path, view, tid, bdf + "/vtd", sid_of[bdf]))
        if other:
            c.oracle("vtd.isolation.other_domain on %s/vtd: QEMU's record" % other,
                     oracles.vtd("isolation", sm.path, view, "vtd.isolation.other_domain", other + "/vtd", sid_of[other]))
    # ---- the namespace images ----
    for bdf in bdfs:
        i = idx[bdf]
        img = s.state_file("nvme%d.img" % i)
        # No CMB, no PMR: only io.verify's and the format cases' areas are written.
        nvme.written(c, "nvme%d.img (%s): nothing written outside io.verify's and the format cases' areas" % (i, bdf), img, AREA_IO_VERIFY, AREA_FORMAT)
        nvme.verify_blocks(c, tap, bdf + "/vtd nsid 1", img)
