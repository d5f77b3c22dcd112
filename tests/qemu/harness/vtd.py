"""Shared VT-d oracles: QEMU's Intel IOMMU (the reduced trace, vtd_oracle.py) held
against the image's vtd.* points."""

import os
import re

from . import ids, nvme, oracles, pci, trace
from .scenario import VTD_TRACE_EVENTS
from .tap import skip_text


def boot(s, name, knobs=None, cfg=(), inspect=False, **kw):
    """A config of allow_write = nvmetal-* plus CFG, one traced boot with QMP (query-pci
    before the run, or after it with INSPECT: bus numbers behind bridges are the firmware's);
    the boot with .tap extracted and .sum the reduced trace (None when there is none)."""
    esp = s.esp(name, s.cfg(name, "# scenario %s: %s" % (s.name, name), "allow_write = nvmetal-*", *cfg))
    if esp is None:
        return None
    k = dict(TRACE=os.path.join(s.work, name + ".trace"), TRACE_EVENTS=VTD_TRACE_EVENTS)
    k.update(knobs or {})
    b = (s.boot_and_inspect if inspect else s.boot_qmp)(name, k, esp=esp, **kw)
    b.extract()
    b.sum = trace.load(s.c, name, b.trace, os.path.join(s.work, name + ".events"))
    return b


def oracle_view(tap):
    """The path of a copy of TAP's point lines as vtd_oracle.py reads them: each line with the fault
    its YAML names (fault_sid, fault_access, fault_addr, fault_reason) appended as
    ' | SID S ACCESS of 0xA: reason 0xR', vtd.p2p.cmb_copy's 'through IOVAs' made 'through IOVA 0xI'
    (YAML iova).  Nothing of the point's description is read: the oracle finds only the keys."""
    out = tap.path[:-4] + ".oracle.tap" if tap.path.endswith(".tap") else tap.path + ".oracle.tap"
    with open(out, "w") as f:
        for p in tap.points:
            pt = p.line
            fault, iova = "", p.y("iova")
            if p.y("fault_sid") and p.y("fault_access") and p.y("fault_addr") and p.y("fault_reason"):
                fault = "SID %s %s of %s: reason %s" % (p.y("fault_sid"), p.y("fault_access"), p.y("fault_addr"), p.y("fault_reason"))
            if fault:
                pt += " | " + fault
            if iova and re.match(r"^(not )?ok [0-9]+ - vtd\.p2p\.cmb_copy: ", pt):
                pt = pt.replace(" through IOVAs ", " through IOVA %s " % iova, 1)
            f.write(pt + "\n")
    return out


def skip(c, tap, tid, want):
    """ID is reported once and SKIPs as WANT says (its skip code, or (code, {key: ERE}))."""
    lines = tap.at(tid)
    if len(lines) == 1 and lines[0].skipped_as(want):
        c.ok("%s SKIPs, %s: %s" % (tid, skip_text(want), lines[0].reason))
    else:
        c.not_ok("%s SKIPs once, %s" % (tid, skip_text(want)), "\n".join(p.line for p in lines) or "not reported")


def skips(c, tap, want, why):
    """Every vtd.* point is reported once (a per-controller case once per controller) and
    SKIPs as WANT says (the bench: bench_off)."""
    bad = []
    for tid in ids.VTD:
        lines = tap.at(tid)
        expected = "bench_off" if tid.startswith("vtd.bench.") else want
        if not lines:
            bad.append("%s: not reported" % tid)
        elif (len(lines) != 1 and tid not in ids.PER_CONTROLLER) or not all(p.skipped_as(expected) for p in lines):
            bad.append("\n".join(p.line for p in lines)[:150])
    if not bad:
        c.ok("all %d vtd.* test points SKIP, %s (%s)" % (len(ids.VTD), skip_text(want), why))
    else:
        c.not_ok("all vtd.* test points SKIP, %s (%s)" % (skip_text(want), why), "".join(x + " | " for x in bad))


def no_vtd_pass(c, tap):
    c.no_grep("no test point ran on a translated controller (BB:DD.F/vtd)",
              r"^(not )?ok [0-9]+ - [A-Za-z0-9_.]+: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/vtd", tap)


def others_reach_ram_page(c, tap):
    """vtd.scope.others_reach_ram names its page in the YAML (canary_physical), inside the DMA pool."""
    where = ""
    for p in tap.at("vtd.scope.others_reach_ram"):
        if p.ok and p.where:
            where = p.where
            break
    page = tap.yaml("vtd.scope.others_reach_ram", where or "none", "canary_physical")
    ok_range = ""
    if re.match(r"^0x[0-9a-f]+$", page):
        for r in nvme.dma_pool_ranges(tap):
            lo, hi = (int(x, 16) for x in r.split("-"))
            if lo <= int(page, 16) <= hi:
                ok_range = r
    if ok_range:
        c.ok("vtd.scope.others_reach_ram on %s names its page in the YAML (canary_physical: %s, in the DMA pool %s)"
             % (where, page, ok_range))
    else:
        c.not_ok("vtd.scope.others_reach_ram names its page in the YAML (canary_physical), inside the DMA pool",
                 "on '%s': canary_physical '%s', pool %s" % (where or "?", page or "absent", " ".join(nvme.dma_pool_ranges(tap))))


def enable_gsts(tap):
    """GSTS as vtd.translation.enable reads it: TES and RTPS, plus IRTPS once the interrupt
    remapping cases have set a table pointer (QEMU keeps IRTPS after IRE goes off again)."""
    ir_ran = any(p.ok and not p.skip for p in tap.points if p.id.startswith("vtd.ir."))
    return "0xc1000000" if ir_ran else "0xc0000000"


def translated(c, tap, sm, sid_map, levels, mgaw, aw):
    """What every machine with translation on must show (lib.sh expect_vtd_translated).
    SID_MAP: [(BB:DD.F, SID)] of the controllers."""
    bdfs = [b for b, _ in sid_map]
    sids = [s for _, s in sid_map]
    n = len(bdfs)
    nvme.point_keys(c, tap, "vtd.dmar.parse", None, {"haw": mgaw, "flags": "0x1", "drhd_count": 1})
    nvme.point_keys(c, tap, "vtd.unit.takeover", None, {"firmware_gsts": "0x00000000", "firmware_pmen": "0x00000000"})
    nvme.point_keys(c, tap, "vtd.translation.enable", None,
                    {"gsts": enable_gsts(tap), "levels": levels, "address_bits": mgaw, "nvme_domains": n})
    nvme.point_keys(c, tap, "vtd.nvme.translated", None, {"controllers": n, "faults": 0})
    nvme.points_pass(c, tap, bdfs, [i + "@any" for i in ids.VTD_ISOLATION])
    lines = tap.at("vtd.isolation.other_domain")
    if len(lines) == 1 and lines[0].ok and "# SKIP" not in lines[0].line:
        c.ok("vtd.isolation.other_domain passed once: %s" % lines[0].line.split("other_domain: ", 1)[-1])
    else:
        c.not_ok("vtd.isolation.other_domain passed once", "\n".join(p.line for p in lines) or "not reported")
    nvme.point_keys(c, tap, "vtd.scope.others_reach_ram", None, {"lent_context": "pass-through"})
    others_reach_ram_page(c, tap)
    skip(c, tap, "vtd.bench.map_invalidate", "bench_off")
    bad = ""
    for bdf in bdfs:
        for tid in ("nvme.controller.takeover", "nvme.io.verify", "nvme.cmb.read_into_cmb", "nvme.pmr.dma_target"):
            ls = tap.at(tid, bdf + "/vtd")
            if not (ls and ls[0].ok and "# SKIP" not in "\n".join(p.line for p in ls)):
                bad += "%s on %s/vtd: %s | " % (tid, bdf, "\n".join(p.line for p in ls) or "not reported")
    if not bad:
        c.ok("the NVMe cases ran again, translated, on each of: %s (BB:DD.F/vtd)" % " ".join(bdfs))
    else:
        c.not_ok("the NVMe cases ran again, translated, on each controller", bad)
    if sm is None:
        return

    # ---- QEMU's trace ----
    p = {}
    for w in sm.points:
        if w[2] in ("vtd.dmar.parse", "vtd.translation.enable"):
            p[w[2]] = int(w[1])
    on = None
    for e in sm.events:
        if e.name == "dmar_enable" and e.arg(0) == "enable=1":
            on = e
            break
    first, last = p.get("vtd.dmar.parse", 0), p.get("vtd.translation.enable", 0)
    if on is not None and on.n.isdigit() and first > 0 and first <= int(on.n) <= last:
        c.ok("QEMU turned translation on (vtd_dmar_enable 1) for the first time within points %d..%d (during %s)"
             % (first, last, on.tid))
    else:
        c.not_ok("QEMU turned translation on (vtd_dmar_enable 1) first within vtd.dmar.parse .. vtd.translation.enable",
                 "points %d..%d; first enable: %s" % (first, last, "%s %s" % (on.n, on.tid) if on else "none "))
    ens = [e for e in sm.events if e.name == "dmar_enable"]
    last_en = ens[-1] if ens else None
    # TODO(yaml): the image's "translation turned off" is a diagnostic line.
    if last_en is not None and last_en.arg(0) == "enable=0" and \
            any(ln.startswith("# vtd: translation turned off (GSTS.TES=0) before exit") for ln in tap.lines):
        c.ok("translation off again at the end, as the image says (QEMU's last vtd_dmar_enable: 0, after point %s)" % last_en.n)
    else:
        c.not_ok("translation off again at the end, as the image says", "last vtd_dmar_enable: %s" %
                 ("%s %s %s" % (last_en.n, last_en.tid, last_en.arg(0)) if last_en else "none"))
    c.oracle("QEMU loaded a context entry per source ID, each its own domain, %s-level (AW %s)" % (levels, aw),
             oracles.vtd("context", sm.path, aw, *sids))
    c.oracle("QEMU translated every controller's DMA inside its own domain's IOVA slot",
             oracles.vtd("translations", sm.path, *sids))
    c.oracle("no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated, translation on)",
             oracles.vtd("quiet", sm.path, "vtd.dmar.parse", "vtd.nvme.translated"))
    c.oracle("no fault during vtd.scope.others_reach_ram",
             oracles.vtd("quiet", sm.path, "vtd.scope.others_reach_ram", "vtd.scope.others_reach_ram"))
    # others_reach_ram lends a controller the pass-through context: QEMU switches it to
    # untranslated, a read lands, and it is translated again.
    lent = ""
    for q in tap.at("vtd.scope.others_reach_ram"):
        if q.passed and q.where and q.where.endswith("/vtd") and q.y("lent_context") == "pass-through":
            lent = q.where[:-4]
    sid = dict(sid_map).get(lent, "")
    off = seen = back = False
    for e in sm.events:
        if e.tid != "vtd.scope.others_reach_ram":
            continue
        if e.name == "switch_as" and e.arg(0) == "dev=" + sid:
            if e.arg(1) == "translated=0":
                off = True
            elif off and seen:
                back = True
        if e.name == "rw" and e.arg(0) == "read" and off and not back:
            seen = True
    if sid and off and seen and back:
        c.ok("during vtd.scope.others_reach_ram QEMU switched %s to pass-through, a read ran, then %s was translated again" % (sid, sid))
    else:
        evs = ",".join(e.rest(5) for e in sm.events if e.tid == "vtd.scope.others_reach_ram" and e.name in ("switch_as", "rw"))
        c.not_ok("during vtd.scope.others_reach_ram QEMU switched the lent controller to pass-through and back around a read",
                 "controller '%s' SID '%s': %s" % (lent or "?", sid or "?", evs[:300]))
    bad = [e.rest(2) for e in sm.events if e.name in ("fault", "dma_fault") and not e.tid.startswith("vtd.isolation.")]
    if not bad:
        c.ok("every fault QEMU recorded or DMA it blocked fell inside a vtd.isolation.* test point (%d fault records)"
             % sum(1 for ln in sm.lines if " fault index=" in ln))
    else:
        c.not_ok("every fault QEMU recorded or DMA it blocked fell inside a vtd.isolation.* test point", "|".join(bad[:3]))
    view = oracle_view(tap)
    for bdf, sid in sid_map:
        for tid in ids.VTD_ISOLATION:
            c.oracle("%s on %s/vtd: QEMU's record" % (tid, bdf), oracles.vtd("isolation", sm.path, view, tid, bdf + "/vtd", sid))
    where = ""
    for q in tap.at("vtd.isolation.other_domain"):
        if q.ok and q.where and re.match(r"^[0-9a-f:.]+/vtd$", q.where):
            where = q.where
    sid = dict((b + "/vtd", s) for b, s in sid_map).get(where, "")
    if sid:
        c.oracle("vtd.isolation.other_domain on %s: QEMU's record" % where,
                 oracles.vtd("isolation", sm.path, view, "vtd.isolation.other_domain", where, sid))
    else:
        c.not_ok("vtd.isolation.other_domain ran on one of the controllers: %s" % " ".join(bdfs), "on '%s'" % (where or "nothing"))
    nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")


def sid_map(b):
    """[(BB:DD.F, SID)] of the controllers, in the order of query-pci's requester IDs."""
    r = pci.requester_ids(b.qmp) if b.qmp_ok else {}
    return list(r.items())
