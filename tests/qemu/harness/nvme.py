"""Shared NVMe oracles: test points (by ID, where, directive, YAML key), QEMU's trace
(reduced), the namespace images and PMR files on the host.  One function per lib.sh
expect_* helper, the same checks, the same count."""

import fnmatch
import os
import re

from . import oracles
from .scenario import sha256_of
from .tap import skip_text

# The SKIPs every plain namespace (512 B blocks, no metadata, conventional) and a machine
# without a shared namespace explain, for only_skips: (glob of 'ID' or 'ID: WHERE', the SKIP as
# tap.skip_want takes it: its code, or (code, {key: ERE})).
PLAIN_SKIPS = (("nvme.io.metadata: *", ("no_metadata", {"format": r"[0-9]+ B"})),
               ("nvme.io.protection: *", ("no_pi", {"format": r"[0-9]+ B"})),
               ("nvme.zns.*: *", ("not_zoned", {"csi": "0x00"})),
               ("nvme.multipath.shared_namespace", "no_shared_namespace"),
               ("nvme.devices.left_alone", ("devices_all_selected", {"found_count": "[0-9]+"})),
               # QEMU 7.2 refuses Set Features Interrupt Coalescing (not changeable).
               ("nvme.irq.coalescing: *", ("coalescing_not_changeable", {"refused": r"^Interrupt Coalescing \(08h\)$"})))
# What QEMU's CMB without CQS (its default) and controllers without CMB and PMR explain.
CQS_ZERO = ("cmbsz_field_zero", {"field": "CQS"})
NO_CMB_PMR_SKIPS = (("nvme.cmb.*: *", "cmbs_zero"), ("nvme.pmr.*: *", "pmrs_zero"),
                    ("nvme.cmb.copy_between_controllers", "no_cmb_reader"), ("nvme.bench.*: *", "bench_off"))


def words(x):
    return " ".join(x) if isinstance(x, (list, tuple)) else x


# ---- the run as a whole ---------------------------------------------------------

def tap_clean(c, tap):
    """The closing verdict says 0 failed, no point failed, no bail out (3 checks)."""
    s = tap.summary()
    if s:
        c.eq("verdict line reports 0 failed (%d passed, %s skipped)" % (s[0], s[2] if s[2] is not None else 0), s[1], 0)
    else:
        c.not_ok("verdict line '# nvmetal: P passed, F failed, S skipped' present", "not found")
    c.no_grep("no test point failed", r"^not ok ", tap)
    c.no_grep("no bail out", r"^Bail out!", tap)


def clean_pass(c, b, name=None):
    """Exit code 0 through isa-debug-exit and a clean run (4 checks); NAME (one boot of
    several) leads the exit code's check."""
    tap = b.extract()
    c.rc("%sexit code 0 (pass) through isa-debug-exit" % (name + ": " if name else ""), b.rc, 0, b.s.work)
    tap_clean(c, tap)
    return tap


def n_controllers(c, b, n, what=None):
    c.eq(what or "QEMU realized %d NVMe controllers" % n, len(b.bdfs), n)
    return len(b.bdfs) == n


# ---- test points ------------------------------------------------------------------

def points_pass(c, tap, bdfs, *ids):
    """One check per ID: on each controller it ran (in the first pass among others; ID@any: in
    any pass) and every run is ok, not a SKIP or TODO."""
    bdfs = bdfs.split() if isinstance(bdfs, str) else list(bdfs)
    for tid in _flat(ids):
        anyp = tid.endswith("@any")
        tid = tid[:-4] if anyp else tid
        bad, runs = [], 0
        for bdf in bdfs:
            lines = tap.on_controller(tid, bdf)
            if not lines or (not anyp and not tap.at(tid, bdf)):
                bad.append("%s: not reported" % bdf)
                continue
            runs += len(lines)
            bad += [p.line[:140] for p in lines if not p.passed]
        if not bad:
            c.ok("%s passed on each of: %s (%d runs)" % (tid, " ".join(bdfs), runs))
        else:
            c.not_ok("%s passed on each of: %s" % (tid, " ".join(bdfs)), "".join(x + " | " for x in bad))


def points_skip(c, tap, bdfs, want, *ids):
    """One check per ID: reported on each controller, every run a SKIP as WANT says (its YAML
    skip code, or (code, {key: ERE}): tap.skip_want)."""
    bdfs = bdfs.split() if isinstance(bdfs, str) else list(bdfs)
    for tid in _flat(ids):
        bad, runs = [], 0
        for bdf in bdfs:
            if not tap.at(tid, bdf):
                bad.append("%s: not reported" % bdf)
                continue
            lines = tap.on_controller(tid, bdf)
            runs += len(lines)
            bad += [_skip_seen(p) for p in lines if not p.skipped_as(want)]
        if not bad:
            c.ok("%s SKIPs on each of: %s (%d runs), %s" % (tid, " ".join(bdfs), runs, skip_text(want)))
        else:
            c.not_ok("%s SKIPs on each of: %s with %s" % (tid, " ".join(bdfs), skip_text(want)),
                     "".join(x + " | " for x in bad))


def points_pass_at(c, tap, wheres, *ids):
    """One check per ID: on each WHERE exactly (BB:DD.F or BB:DD.F/PASS) reported once, ok, not a
    SKIP or TODO.  ID@NSID: the point for namespace NSID there."""
    wheres = wheres.split() if isinstance(wheres, str) else list(wheres)
    for tid in _flat(ids):
        nsid = None
        if "@" in tid:
            tid, nsid = tid.split("@", 1)
        miss = []
        for w in wheres:
            lines = tap.on_ns_at(tid, w, nsid) if nsid else tap.at(tid, w)
            if not lines:
                miss.append("%s: not reported" % w)
            elif len(lines) != 1:
                miss.append("%s: reported %d times" % (w, len(lines)))
            elif not lines[0].passed:
                miss.append(lines[0].line[:140])
        what = "%s%s passed once on each of: %s" % (tid, " nsid " + nsid if nsid else "", " ".join(wheres))
        if not miss:
            c.ok(what)
        else:
            c.not_ok(what, "".join(x + " | " for x in miss))


def ns_skips(c, tap, bdf, nsid, want, *ids):
    """One check per ID: namespace NSID of BDF has ID's points (any pass), each a SKIP as WANT
    says (tap.skip_want)."""
    for tid in _flat(ids):
        lines = tap.on_ns(tid, bdf, nsid)
        if lines and all(p.skipped_as(want) for p in lines):
            c.ok("%s nsid %s: %s SKIPs (%d runs), %s: %s" % (bdf, nsid, tid, len(lines), skip_text(want), lines[-1].reason))
        else:
            c.not_ok("%s nsid %s: %s SKIPs with %s" % (bdf, nsid, tid, skip_text(want)),
                     "\n".join(_skip_seen(p) for p in lines) or "not reported")


def _skip_seen(p):
    """A point's line, and its skip code when it has one, for a check's details."""
    return p.line[:140] + (" (skip: %s)" % p.y("skip") if p.y("skip") else "")


def skips_as(c, what, tap, tid, want, where=None):
    """Some point of ID on WHERE (None: one naming no device) SKIPs as WANT says (tap.skip_want)."""
    lines = [p for p in tap.at(tid) if p.where == where]
    if any(p.skipped_as(want) for p in lines):
        return c.ok("%s (%s)" % (what, skip_text(want)))
    return c.not_ok("%s (%s)" % (what, skip_text(want)), "\n".join(_skip_seen(p) for p in lines) or "not reported")


def only_skips(c, tap, allowed, why):
    """Every nvme.* point that SKIPs is one ALLOWED explains: a (glob of its 'ID' or 'ID: WHERE',
    the SKIP as tap.skip_want takes it) pair whose glob matches and whose SKIP it is."""
    allowed = list(allowed)
    bad = [_skip_seen(p) for p in tap.points if p.ok and p.skip and p.id.startswith("nvme.")
           and not any(fnmatch.fnmatchcase(p.head(), glob) and p.skipped_as(want) for glob, want in allowed)][:3]
    if not bad:
        c.ok("no other nvme.* test point SKIPs (%s)" % why)
    else:
        c.not_ok("no other nvme.* test point SKIPs (%s)" % why, " | ".join(bad))


def yaml_is(c, what, tap, tid, where, key, want):
    """The YAML key of ID on WHERE equals WANT."""
    got = tap.yaml(tid, where, key)
    if got and got == str(want):
        return c.ok("%s (%s: %s)" % (what, key, got))
    return c.not_ok(what, "%s on %s: %s is '%s', want '%s'" % (tid, where, key, got or "absent", want))


def yaml_lbas(tap, tid, where):
    """(first, end) of the half-open 'lbas: FIRST-END', or None."""
    m = re.match(r"^(\d+)-(\d+)$", tap.yaml(tid, where, "lbas"))
    if m and int(m.group(2)) > int(m.group(1)):
        return int(m.group(1)), int(m.group(2))
    return None


def verify_blocks(c, tap, where, img, bs=512):
    """nvme.io.verify on WHERE names its LBAs, and IMG holds pattern blocks of their own LBA there."""
    r = yaml_lbas(tap, "nvme.io.verify", where)
    if r:
        c.oracle("%s: the blocks nvme.io.verify on %s names (lbas %d-%d) are pattern blocks of their own LBA"
                 % (os.path.basename(img), where, r[0], r[1]), oracles.nvme("blocks", img, r[0], r[1] - r[0], bs=bs))
    else:
        c.not_ok("nvme.io.verify on %s names its LBAs (YAML lbas: FIRST-END)" % where,
                 "lbas: '%s'" % tap.yaml("nvme.io.verify", where, "lbas"))


def written(c, what, img, *areas, **kw):
    """Nothing in IMG is written outside AREAS, and something is."""
    rc, out = oracles.nvme("written", img, *areas, **kw)
    if rc == 0 and not out.startswith("written: nothing"):
        c.ok("%s: %s" % (what, out))
    else:
        c.not_ok(what, out)


def unchanged(c, before, *paths):
    """Each file still has the sha256 recorded before the run (one check each)."""
    after = sha256_of(*paths)
    for p in paths:
        n = os.path.basename(p)
        b, a = before.get(n, ""), after[n]
        if b and a == b:
            c.ok("%s unchanged by the run (sha256 %s...)" % (n, a[:16]))
        else:
            c.not_ok("%s unchanged by the run" % n, "sha256 before %s, after %s" % (b[:16], a[:16]))


def pmr_record(c, what, path, generation):
    rc, out = oracles.nvme("pmr", path)
    if rc == 0 and out.startswith("valid generation %s " % generation):
        c.ok("%s: %s" % (what, out))
    else:
        c.not_ok(what, "want a valid record of generation %s; oracle: %s" % (generation, out))


def copy_parties(tap):
    """(source, target, lba) of nvme.cmb.copy_between_controllers (YAML source_controller,
    target_controller, target_lba), or None."""
    for p in tap.at("nvme.cmb.copy_between_controllers"):
        if "# SKIP" in p.line:
            continue
        src, dst, lba = p.y("source_controller"), p.y("target_controller"), p.y("target_lba")
        if src and dst and lba:
            return src, dst, lba
    return None


# ---- QEMU's trace ---------------------------------------------------------------------

def trace_no_errors(c, sm, allowed=None):
    """No pci_nvme_err_* / pci_nvme_ub_* event but the ones the cases provoke on purpose, each
    only inside its own test point (lib.sh expect_trace_no_errors)."""
    bad = []
    for e in sm.events:
        if e.name != "err":
            continue
        t, ev, ln = e.tid, e.arg(0), e.line
        if allowed and t == allowed and ev == "pci_nvme_err_req_status" and " status 0x4012 " in ln:
            continue
        if t in ("vtd.isolation.read_only", "vtd.isolation.other_domain") and ev == "pci_nvme_err_req_status" \
                and re.search(r" status 0x285 opc 0x5", ln):
            continue
        if t == "nvme.io.protection" and ev == "pci_nvme_err_req_status" and re.search(r" status 0x28[234] opc 0x2$", ln):
            continue
        if t == "nvme.io.deallocate" and ev == "pci_nvme_err_req_status" and re.search(r" status 0x4?287 opc 0x2$", ln):
            continue
        # Set Features 08h, which QEMU 7.2 does not let change (Feature Not Changeable, DNR).
        if t == "nvme.irq.coalescing" and ev == "pci_nvme_err_req_status" and re.search(r" status 0x410e opc 0x9$", ln):
            continue
        if t == "nvme.zns.zone_cycle" and (ev == "pci_nvme_err_write_not_at_wp" or (
                ev == "pci_nvme_err_req_status" and re.search(r" status 0x41bc opc 0x1$", ln))):
            continue
        bad.append(e.rest(3))
    extra = " besides the 0x4012 refusals in %s" % allowed if allowed else ""
    if not bad:
        c.ok("QEMU's trace has no pci_nvme_err_* / pci_nvme_ub_* event%s (no CFS, no start failure)" % extra)
    else:
        c.not_ok("QEMU's trace has no pci_nvme_err_* / pci_nvme_ub_* event%s" % extra, "|".join(bad[:3]))


def cmb_trace(c, sm, bdf, tap):
    """QEMU's record of the CMB tests on BDF: queues and data in BDF's BAR2, as QEMU placed it."""
    win = "%s/2" % bdf
    bar2 = sm.bar(bdf, 2)
    if len(bar2) != 1:
        c.not_ok("%s: QEMU placed BAR2 (the CMB) once" % bdf,
                 "placements: %s" % (", ".join("%s %d" % x for x in bar2) or "none"))
        return
    c.ok("%s: QEMU placed BAR2 (the CMB) at %s, %d MiB" % (bdf, bar2[0][0], bar2[0][1] >> 20))

    asq = [e for e in sm.seg("nvme.cmb.admin_sq", bdf, "asq") if "win=" + win in e.line]
    found = False
    cmb = False
    for e in sm.events:
        if e.tid == "nvme.cmb.admin_sq" and e.where == bdf:
            if e.name == "asq":
                cmb = ("win=" + win) in e.line
            elif e.name == "mmio_start_success" and cmb:
                found = True
    if asq and found:
        c.ok("%s: during nvme.cmb.admin_sq QEMU enabled the controller with its admin SQ in BAR2 (%s)"
             % (bdf, asq[0].line.rsplit("asq ", 1)[-1]))
    else:
        c.not_ok("%s: during nvme.cmb.admin_sq QEMU enabled the controller with its admin SQ in BAR2" % bdf,
                 "asq events: " + ",".join(e.rest(6) for e in sm.seg("nvme.cmb.admin_sq", bdf, "asq")))

    got = [e for e in sm.seg("nvme.cmb.io_sq", bdf, "create_sq") if re.search(r" sqid=1 .*win=" + re.escape(win) + "$", e.line)]
    if got:
        c.ok("%s: during nvme.cmb.io_sq QEMU created I/O SQ 1 in BAR2 (%s)" % (bdf, got[0].rest(9)))
    else:
        c.not_ok("%s: during nvme.cmb.io_sq QEMU created I/O SQ 1 in BAR2" % bdf,
                 "create_sq events: " + ",".join(e.rest(6) for e in sm.seg("nvme.cmb.io_sq", bdf, "create_sq")))

    # nvme.queues.io_pair says where SQ 1 is (YAML io_sq); QEMU says where it created the last SQ 1 before it.
    claim = ""
    for p in tap.at("nvme.queues.io_pair", bdf):
        if p.y("io_sq") in ("CMB", "host"):
            claim = "SQ 1 (%s)" % p.y("io_sq")
            break
    last = ""
    where = ""
    for ln in sm.lines:
        w = ln.split()
        if not w:
            continue
        if w[0] == "point" and len(w) > 3 and w[2] == "nvme.queues.io_pair" and w[3] == bdf:
            last = where
            break
        if w[0] == "ev" and len(w) > 5 and w[3] == bdf and w[4] == "create_sq" and w[5] == "sqid=1":
            where = w[-1]
    if not claim:
        c.not_ok("%s: nvme.queues.io_pair says where SQ 1 is (YAML io_sq)" % bdf, "\n".join(p.line for p in tap.at("nvme.queues.io_pair", bdf)))
    elif ("CMB" in claim and last == "win=" + win) or ("host" in claim and last == "win=-"):
        c.ok("%s: nvme.queues.io_pair's '%s' matches QEMU's last SQ 1 before it (%s)" % (bdf, claim, last))
    else:
        c.not_ok("%s: nvme.queues.io_pair's '%s' matches QEMU's last SQ 1 before it" % (bdf, claim),
                 "QEMU: %s" % (last or "no SQ 1 created"))

    for tid in ("nvme.cmb.read_into_cmb", "nvme.cmb.write_from_cmb"):
        n = sum(1 for e in sm.seg(tid, bdf, "cmb_map") if "win=" + win in e.line)
        if n >= 4:
            c.ok("%s: during %s QEMU moved data through its own CMB (%d pci_nvme_map_addr_cmb pages in BAR2)" % (bdf, tid, n))
        else:
            c.not_ok("%s: during %s QEMU moved data through its own CMB (>= 4 pages)" % (bdf, tid),
                     "%d pci_nvme_map_addr_cmb in BAR2" % n)

    errs = sm.seg("nvme.cmb.mixed_prp_rejected", bdf, "err")
    if any(re.search(r"pci_nvme_err_req_status .*status 0x4012 ", e.line) for e in errs):
        c.ok("%s: during nvme.cmb.mixed_prp_rejected QEMU itself completed a command with 0x4012" % bdf)
    else:
        c.not_ok("%s: during nvme.cmb.mixed_prp_rejected QEMU itself completed a command with 0x4012" % bdf,
                 ",".join(e.rest(6) for e in errs))


def shutdown_trace(c, sm, bdf):
    """During nvme.controller.shutdown on BDF (any pass) QEMU saw CC.SHN set."""
    if any(e.tid == "nvme.controller.shutdown" and (e.where == bdf or e.where.startswith(bdf + "/"))
           and e.name == "mmio_shutdown_set" for e in sm.events):
        c.ok("%s: during nvme.controller.shutdown QEMU saw CC.SHN set (pci_nvme_mmio_shutdown_set)" % bdf)
    else:
        c.not_ok("%s: during nvme.controller.shutdown QEMU saw CC.SHN set" % bdf,
                 "no pci_nvme_mmio_shutdown_set in that test point")


def pmr_enable_trace(c, sm, bdf):
    writes = sm.seg("nvme.pmr.enable", bdf, "mmio_write")
    if any(" reg=0xe04 data=0x1 " in e.line for e in writes):
        c.ok("%s: during nvme.pmr.enable QEMU saw PMRCTL (0xe04) written with 0x1" % bdf)
    else:
        c.not_ok("%s: during nvme.pmr.enable QEMU saw PMRCTL (0xe04) written with 0x1" % bdf,
                 "writes: " + ",".join(" ".join(e.w[5:7]) for e in writes))


def dma_pool_ranges(tap):
    """['0xFIRST-0xLAST'] (inclusive) of each DMA pool the image reported ('# dma_pool: base= bytes=')."""
    out = set()
    for ln in tap.lines:
        m = re.match(r"^# dma_pool: base=(0x[0-9a-fA-F]+) bytes=(0x[0-9a-fA-F]+)(\s|$)", ln)
        if m:
            base, n = int(m.group(1), 16), int(m.group(2), 16)
            if n > 0:
                out.add("0x%x-0x%x" % (base, base + n - 1))
    return sorted(out)


def dma_inside(c, tap, sm):
    """Every address QEMU mapped for the image's commands outside a BAR, and every page the
    IOMMU translated to, lies in the DMA pool the image reported."""
    ranges = dma_pool_ranges(tap)
    if not ranges:
        c.not_ok("every DMA address QEMU mapped lies in the image's DMA pool",
                 "no '# dma_pool: base= bytes=' line in %s" % c.rel(tap.path))
        return
    rc, out = oracles.nvme("dma-inside", sm.path, *ranges)
    if rc == 0:
        c.ok(out)
    else:
        c.not_ok("every DMA address QEMU mapped lies in the image's DMA pool (%s)" % " ".join(ranges), out)


def _flat(ids):
    out = []
    for i in ids:
        if isinstance(i, (list, tuple)):
            out += _flat(i)
        else:
            out.append(i)
    return out


def point_keys(c, tap, tid, where, want, what=None):
    """ID (on WHERE, exactly, when given) is reported once, ok, not a SKIP, and its YAML keys
    hold the values WANT names ({key: value, or a predicate of the value})."""
    lines = tap.at(tid, where) if where else tap.at(tid)
    bad = []
    if len(lines) != 1 or not lines[0].passed:
        bad.append("\n".join(p.line[:160] for p in lines) or "not reported")
    else:
        for k, v in want.items():
            got = lines[0].y(k)
            good = v(got) if callable(v) else got == str(v)
            if not good:
                bad.append("%s: '%s'%s" % (k, got or "absent", "" if callable(v) else ", want '%s'" % v))
    shown = ", ".join("%s: %s" % (k, lines[0].y(k)) for k in want) if len(lines) == 1 else ""
    label = what or "%s%s passed once" % (tid, " on " + where if where else "")
    if not bad:
        return c.ok("%s (%s)" % (label, shown) if shown else label)
    return c.not_ok(label + (" with " + ", ".join("%s %s" % (k, "as wanted" if callable(v) else v) for k, v in want.items()) if want else ""),
                    "; ".join(bad))
