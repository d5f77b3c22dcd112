"""one NVMe subsystem of two controllers (no CMB, no PMR) with a shared namespace 1 on both and a private namespace 2 on the second, intel-iommu on, allow_write on: one SUBNQN, two CNTLIDs, NMIC as QEMU set it, and the multipath case's write through one controller and read through the other seen in QEMU's trace under each controller's own requester ID and on the shared image."""

import os
import re

from harness import nvme, oracles, pci, vtd
from harness.scenario import AREA_FORMAT, AREA_IO_VERIFY, VTD_TRACE_EVENTS, Stop
from harness import trace as tr

# intel-iommu stays on: QEMU's NVMe trace names no device, but under VT-d each controller's DMA is
# translated under its own requester ID, which is what tells the writer's commands from the reader's.
MACHINE = {"NVME_DRIVE_COUNT": "2", "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "NVME_SUBSYS": "on", "NVME_NS": "s:1:64M 1:2:64M"}
NS_IDS = ["nvme.queues.io_pair", "nvme.io.verify", "nvme.io.flush", "nvme.io.write_zeroes", "nvme.io.deallocate"]
MP = "nvme.multipath.shared_namespace"


def run(s):
    c = s.c
    name = "nvme-subsys"
    s.fresh_nvme_state()
    esp = s.media(name, "# scenario nvme-subsys: write to the subsystem's controllers (serial nvmetal-subsys0)", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, name + ".trace")
    b = s.boot_qmp(name, dict(MACHINE, TRACE=trace, TRACE_EVENTS=VTD_TRACE_EVENTS), esp=esp)
    tap = b.extract()
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    bd = b.bdfs
    c0, c1 = (bd + ["?", "?"])[:2]
    c.eq("QEMU realized 2 NVMe controllers (nvme0, nvme1) on pcie.0", " ".join(bd), "%s %s" % (c0, c1))
    if not (len(bd) == 2 and c0.startswith("00:") and c1.startswith("00:")):
        raise Stop()
    shared, private = s.state_file("nvmesn1.img"), s.state_file("nvme1n2.img")
    idc = "nvme.identify.controller"
    # ---- Identify: one subsystem, two controllers ----
    errs = ""
    nqn = tap.yaml_text(idc, c0, "subnqn")
    cntlid = {}
    for w in (c0, c1, c0 + "/vtd", c1 + "/vtd"):
        sr, q, ci, m = tap.yaml_text(idc, w, "serial"), tap.yaml_text(idc, w, "subnqn"), tap.yaml(idc, w, "cntlid"), tap.yaml(idc, w, "cmic")
        cntlid[w] = ci
        if sr != "nvmetal-subsys0":
            errs += "%s: serial '%s'; " % (w, sr)
        if not (q and q == nqn):
            errs += "%s: subnqn '%s', %s's is '%s'; " % (w, q, c0, nqn)
        if not ci.isdigit():
            errs += "%s: cntlid '%s'; " % (w, ci)
        if not (re.match(r"^0x[0-9a-f]+$", m) and int(m, 16) & 2):
            errs += "%s: cmic '%s' (want bit 1, more than one controller); " % (w, m)
    if not (cntlid[c0] and cntlid[c0] != cntlid[c1] and cntlid[c0] == cntlid[c0 + "/vtd"] and cntlid[c1] == cntlid[c1 + "/vtd"]):
        errs += "cntlid %s '%s', %s '%s' (and /vtd: '%s', '%s'); " % (c0, cntlid[c0], c1, cntlid[c1], cntlid[c0 + "/vtd"], cntlid[c1 + "/vtd"])
    if not errs:
        c.ok("nvme.identify.controller YAML, both passes: one serial (nvmetal-subsys0), one subnqn (%s), CMIC bit 1 on both, cntlid %s=%s and %s=%s"
             % (nqn, c0, cntlid[c0], c1, cntlid[c1]))
    else:
        c.not_ok("nvme.identify.controller YAML: the same subnqn, different cntlid, CMIC bit 1", errs)
    # ---- Identify: which namespaces each controller has, and their NMIC ----
    errs = ""
    for w in (c0, c1, c0 + "/vtd", c1 + "/vtd"):
        want = "1 2" if w.split("/")[0] == c1 else "1"
        got = " ".join(p.nsid for p in tap.points if re.match(r"^nvme\.identify\.namespaces: %s nsid [0-9]+( |$)" % re.escape(w), p.text))
        if got != want:
            errs += "%s: nsid '%s', want '%s'; " % (w, got, want)
        for nsid in want.split():
            m = tap.yaml("nvme.identify.namespaces", "%s nsid %s" % (w, nsid), "nmic")
            want_m = "0x01" if nsid == "1" else "0x00"
            if m != want_m:
                errs += "%s nsid %s: nmic '%s', want %s; " % (w, nsid, m or "absent", want_m)
    if not errs:
        c.ok("nvme.identify.namespaces, both passes: nsid 1 on %s and %s with nmic 0x01 (shared), nsid 2 only on %s with nmic 0x00" % (c0, c1, c1))
    else:
        c.not_ok("nvme.identify.namespaces: nsid 1 shared on both (nmic 0x01), nsid 2 only on %s (nmic 0x00)" % c1, errs)
    # ---- the per-namespace cases ----
    nvme.points_pass_at(c, tap, [c0, c1, c0 + "/vtd", c1 + "/vtd"], "nvme.controller.takeover", idc, [i + "@1" for i in NS_IDS])
    nvme.points_pass_at(c, tap, [c1, c1 + "/vtd"], [i + "@2" for i in NS_IDS])
    nvme.points_pass_at(c, tap, [c0 + "/vtd", c1 + "/vtd"], "nvme.controller.shutdown")
    nvme.only_skips(c, tap, nvme.NO_CMB_PMR_SKIPS + tuple(e for e in nvme.PLAIN_SKIPS if not e[0].startswith("nvme.multipath.")),
                    "only what controllers without CMB/PMR, plain namespaces and bench = no explain; the multipath case never")
    n1 = sum(1 for p in tap.points if re.match(r"^[a-z0-9_.]+: %s(/vtd)? nsid 1( |$)" % re.escape(c0), p.text))
    n2 = sum(1 for p in tap.points if re.match(r"^[a-z0-9_.]+: %s(/vtd)? nsid 2( |$)" % re.escape(c0), p.text))
    if n1 > 0 and n2 == 0:
        c.ok("on %s, %d test points name namespace 1 and none namespace 2 (private to %s)" % (c0, n1, c1))
    else:
        c.not_ok("on %s, test points name namespace 1 and none namespace 2 (private to %s)" % (c0, c1), "%d name nsid 1, %d nsid 2" % (n1, n2))
    # ---- the multipath case, in both passes ----
    lines = tap.at(MP)
    if len(lines) == 2 and all(p.ok for p in lines) and not any("# SKIP" in p.line for p in lines):
        c.ok("%s passed twice (plain and VT-d pass)" % MP)
    else:
        c.not_ok("%s passed twice (plain and VT-d pass)" % MP, "\n".join(p.line for p in lines) or "not reported")
    sid_of = pci.requester_ids(b.qmp)
    sm = tr.load(c, "", trace, os.path.join(s.work, name + ".events"))
    mp_first = mp_end = None
    for pss in ("", "/vtd"):
        w = ""
        for p in lines:
            if p.ok and p.nsid == "1" and p.where and re.match(r"^[0-9a-f:.]+%s$" % re.escape(pss), p.where):
                w = p.where
                break
        if not w:
            c.not_ok("%s ran%s on namespace 1" % (MP, " in the %s pass" % pss if pss else ""), "\n".join(p.line for p in lines) or "not reported")
            continue
        wh = w + " nsid 1"
        writer, reader = tap.yaml(MP, wh, "writer"), tap.yaml(MP, wh, "reader")
        wb, rb = writer[:-4] if writer.endswith("/vtd") else writer, reader[:-4] if reader.endswith("/vtd") else reader
        writer += " cntlid " + tap.yaml(MP, wh, "writer_cntlid")
        reader += " cntlid " + tap.yaml(MP, wh, "reader_cntlid")
        q, m = tap.yaml_text(MP, wh, "subnqn"), tap.yaml(MP, wh, "nmic")
        if wb in bd and rb in bd and wb != rb and writer == "%s%s cntlid %s" % (wb, pss, cntlid.get(wb, "")) and \
                reader == "%s%s cntlid %s" % (rb, pss, cntlid.get(rb, "")) and q == nqn and m == "0x01":
            c.ok("%s on %s YAML: writer %s, reader %s (two of QEMU's controllers, their Identify CNTLIDs), subnqn %s, nmic %s" % (MP, w, writer, reader, q, m))
        else:
            c.not_ok("%s on %s YAML: writer and reader two different controllers, with their CNTLIDs, subnqn and nmic" % (MP, w),
                     "writer '%s', reader '%s', subnqn '%s' (Identify: '%s'), nmic '%s'" % (writer, reader, q, nqn, m))
            continue
        r = nvme.yaml_lbas(tap, MP, wh)
        if not r:
            c.not_ok("%s on %s names its LBAs (YAML lbas)" % (MP, w), "lbas: '%s'" % tap.yaml(MP, wh, "lbas"))
            continue
        first, end = r
        mp_first, mp_end = first, end
        if not sm:
            continue
        # QEMU's own account of the point: one Write of exactly those LBAs, then one Read of them;
        # under VT-d, the Write's data moved by the writer (its requester ID) and the Read's by the reader.
        got = ",".join(" ".join(x) for x in sm.rw_sids(MP, w))
        if pss:
            want = "write %d %d %s,read %d %d %s" % (first, end - first, sid_of.get(wb, ""), first, end - first, sid_of.get(rb, ""))
            what = "during %s on %s QEMU wrote LBAs %d-%d through %s's DMA (requester ID %s), then read them through %s's (%s)" % (
                MP, w, first, end, wb, sid_of.get(wb, ""), rb, sid_of.get(rb, ""))
        else:
            want = "write %d %d -,read %d %d -" % (first, end - first, first, end - first)
            what = "during %s on %s QEMU executed one Write of LBAs %d-%d, then one Read of them" % (MP, w, first, end)
        c.check(got == want, what, "commands (op lba nlb requester-ID): %s" % (got or "none"))
    # ---- QEMU's trace ----
    if sm:
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
        nvme.point_keys(c, tap, "vtd.translation.enable", None, {"gsts": vtd.enable_gsts(tap), "levels": 3, "address_bits": 39, "nvme_domains": 2})
        c.oracle("QEMU loaded a context entry per controller, each its own domain", oracles.vtd("context", sm.path, 1, sid_of.get(c0), sid_of.get(c1)))
        c.oracle("QEMU translated DMA from the two controllers only, each inside its own IOVA slot",
                 oracles.vtd("translations", sm.path, sid_of.get(c0), sid_of.get(c1)))
        c.oracle("no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated)",
                 oracles.vtd("quiet", sm.path, "vtd.dmar.parse", "vtd.nvme.translated"))
    # ---- the namespace images ----
    for f in (shared, private):
        nvme.written(c, "%s: nothing written outside io.verify's and the format cases' areas" % os.path.basename(f), f, AREA_IO_VERIFY, AREA_FORMAT)
    for w in (c0, c1, c0 + "/vtd", c1 + "/vtd"):
        nvme.verify_blocks(c, tap, w + " nsid 1", shared)
    for w in (c1, c1 + "/vtd"):
        nvme.verify_blocks(c, tap, w + " nsid 2", private)
    if mp_first is not None:
        c.oracle("nvmesn1.img: the multipath case's blocks %d-%d are pattern blocks of their own LBA" % (mp_first, mp_end),
                 oracles.nvme("blocks", shared, mp_first, mp_end - mp_first))
    else:
        c.not_ok("nvmesn1.img holds the multipath case's blocks", "no LBAs named by %s" % MP)
