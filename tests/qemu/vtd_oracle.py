#!/usr/bin/env python3
"""tests/qemu/vtd_oracle.py: host-side oracles for the VT-d scenarios: what QEMU's Intel IOMMU really did, read from the reduced trace (nvme_oracle.py trace SUM) and held against the image's TAP.

Subcommands (each prints its findings; exit 0 = the check held, 1 = it did
not, 2 = bad usage or unreadable input).  SUM is the output of
`nvme_oracle.py trace` on a trace with vtd_*, pci_update_mappings_* and
serial_write enabled; TAP is the image's TAP stream.

  translations SUM SID...
      every DMA QEMU translated came from one of the SIDs; each SID had
      translations, none identity (IOVA != GPA), all inside the image's IOVA
      space and inside one domain slot of it, a different slot per SID.
  quiet SUM FROM_ID TO_ID
      no fault record and no blocked DMA from test point FROM_ID through
      TO_ID (both included).
  isolation SUM TAP ID WHERE [SID]
      the negative test point ID on WHERE: the fault on its line in TAP
      ("SID S write of 0xA: reason 0xR", which the harness writes there from
      the point's YAML keys fault_sid, fault_access, fault_addr, fault_reason:
      harness/vtd.py oracle_view) is a fault record QEMU wrote during
      that point, QEMU blocked that DMA, and nothing was translated through
      the faulting page afterwards.  Per test: unmapped_iova (the page is
      outside the IOVA space), read_only (the page is in the SID's own slot, read
      through first, page-invalidated, then the write faults),
      other_domain (the page is in another SID's slot), stale_register /
      stale_queued (the page was translated first, then invalidated by a
      register write to IOTLB_REG / by a queued IOTLB descriptor followed by
      a wait descriptor, then blocked).  With SID, the image must have
      named that source ID (the one QEMU's IOMMU sees for WHERE).
  p2p SUM TAP
      vtd.p2p.cmb_copy ("16 KiB from A's CMB written by B through IOVA I"):
      B's DMA to I.. was translated into A's BAR2, as QEMU placed it, page
      by page, with no fault.
  context SUM AW SID...
      QEMU loaded a context entry for each SID, each with its own domain ID
      and address width AW (1 = 39-bit/3-level, 2 = 48-bit/4-level).
  cm-invalidations SUM
      caching mode (the image invalidates after every map): every (domain,
      IOVA page) QEMU walked was invalidated before its first walk: by its
      first page-selective invalidation if the image ever names the page,
      else by a domain-selective one.
"""

import re
import sys

# The image's IOVA layout (drivers/vtd/vtd.h VTD_IOVA_BASE, VTD_IOVA_SPAN,
# VTD_MAX_DOMAINS): domain i's IOVAs start at 64 GiB + 32 GiB * i; at most 64
# domains (fewer where the unit's address width ends first).  (An NVMe domain also maps RMRRs 1:1: QEMU's DMAR has none, so any
# identity translation here is a bug.)
IOVA_BASE = 0x1000000000
IOVA_SLOT = 0x800000000
IOVA_SLOTS = 64
PAGE = ~0xFFF

# The image's fault text: "SID 00:02.0 write of 0x1c640000: reason 0x05 ..."
FAULT_TEXT = re.compile(r"SID ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (write|read) of (0x[0-9a-f]+): reason (0x[0-9a-f]+)")
P2P_TEXT = re.compile(r"(\d+) KiB from ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])(?:/[A-Za-z0-9_.-]+)?'s CMB written by "
                      r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])(?:/[A-Za-z0-9_.-]+)? through IOVA (0x[0-9a-f]+)")


class Usage(Exception):
    pass


class Event:
    """One "ev N ID WHERE EVENT key=value..." line of the reduced trace."""

    def __init__(self, seq, n, tid, where, name, fields):
        self.seq, self.n, self.tid, self.where, self.name, self.f = seq, n, tid, where, name, fields

    def num(self, key):
        return int(self.f[key], 0)

    def __str__(self):
        return "%s %s" % (self.name, " ".join("%s=%s" % kv for kv in self.f.items()))


def load(path):
    """(events, points): points maps (ID, WHERE) -> test point number."""
    events, points = [], {}
    with open(path, errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) >= 5 and w[0] == "point":
                points.setdefault((w[2], w[3]), int(w[1]))
            elif len(w) >= 5 and w[0] == "ev":
                n = int(w[1]) if w[1].isdigit() else 1 << 30  # "end": after the last point
                fields = dict(kv.split("=", 1) for kv in w[5:] if "=" in kv)
                events.append(Event(len(events), n, w[2], w[3], w[4], fields))
    return events, points


def tap_line(tap, tid, where):
    pat = re.compile(r"^(not )?ok \d+ - %s: %s( |$)" % (re.escape(tid), re.escape(where)))
    with open(tap, errors="replace") as f:
        for line in f:
            if pat.match(line):
                return line.rstrip("\n")
    return None


def slot_of(iova):
    if IOVA_BASE <= iova < IOVA_BASE + IOVA_SLOTS * IOVA_SLOT:
        return (iova - IOVA_BASE) // IOVA_SLOT
    return None


def slots_by_sid(events):
    """SID -> set of slots its translated IOVAs fell in (None: outside)."""
    out = {}
    for e in events:
        if e.name == "translate":
            out.setdefault(e.f["sid"], set()).add(slot_of(e.num("iova")))
    return out


def iotlb_reg_ivt(e):
    """e is a register write that starts an IOTLB invalidation (IVT, bit 63 of
    IOTLB_REG at IRO + 8 = 0xf8: the high dword at 0xfc, or all 8 bytes)."""
    if e.name != "vtd_write":
        return False
    reg, value = e.num("reg"), e.num("value")
    return (reg == 0xFC and value & 1 << 31) or (reg == 0xF8 and e.num("size") == 8 and value & 1 << 63)


# ---- subcommands ---------------------------------------------------------------

def cmd_translations(args):
    if len(args) < 2:
        raise Usage("translations SUM SID...")
    events, _ = load(args[0])
    want = args[1:]
    per = {}
    bad = []
    for e in events:
        if e.name != "translate":
            continue
        sid, iova, gpa, n = e.f["sid"], e.num("iova"), e.num("gpa"), e.num("n")
        if sid not in want:
            bad.append("%s translated for an unexpected SID (point %s %s)" % (e, e.tid, e.where))
            continue
        s = per.setdefault(sid, {"n": 0, "lo": iova, "hi": iova, "slots": set(), "ident": 0, "outside": 0})
        s["n"] += n
        s["lo"], s["hi"] = min(s["lo"], iova), max(s["hi"], iova)
        slot = slot_of(iova)
        s["slots"].add(slot)
        if slot is None:
            s["outside"] += n
        if iova == gpa:
            s["ident"] += n
    used = {}
    found = []
    for sid in want:
        s = per.get(sid)
        if not s:
            bad.append("%s: no DMA translated" % sid)
            continue
        if s["ident"]:
            bad.append("%s: %d identity translations (IOVA == GPA)" % (sid, s["ident"]))
        if s["outside"]:
            bad.append("%s: %d translations outside 0x%x..0x%x" %
                       (sid, s["outside"], IOVA_BASE, IOVA_BASE + IOVA_SLOTS * IOVA_SLOT - 1))
        slots = sorted(x for x in s["slots"] if x is not None)
        if len(slots) != 1:
            bad.append("%s: IOVAs in %d domain slots %s, want one" % (sid, len(slots), slots))
        elif slots[0] in used:
            bad.append("%s shares IOVA slot %d with %s" % (sid, slots[0], used[slots[0]]))
        else:
            used[slots[0]] = sid
        found.append("%s: %d translations, IOVAs 0x%x..0x%x (slot %s)" %
                     (sid, s["n"], s["lo"], s["hi"], ",".join(map(str, slots)) or "-"))
    if bad:
        print("; ".join(bad[:4]) + ("; ..." if len(bad) > 4 else ""))
        return 1
    print("; ".join(found) + "; none identity, one slot per SID")
    return 0


def cmd_quiet(args):
    if len(args) != 3:
        raise Usage("quiet SUM FROM_ID TO_ID")
    events, points = load(args[0])
    first = [n for (tid, _), n in points.items() if tid == args[1]]
    last = [n for (tid, _), n in points.items() if tid == args[2]]
    if not first or not last:
        print("test point %s or %s not in the trace" % (args[1], args[2]))
        return 1
    lo, hi = min(first), max(last)
    seen = [e for e in events if lo <= e.n <= hi]
    bad = [e for e in seen if e.name in ("fault", "dma_fault")]
    if bad:
        print("%d fault events in points %d..%d, first: %s (during %s %s)" %
              (len(bad), lo, hi, bad[0], bad[0].tid, bad[0].where))
        return 1
    print("test points %d..%d: %d translations, no fault record, no blocked DMA" %
          (lo, hi, sum(e.num("n") for e in seen if e.name == "translate")))
    return 0


def cmd_isolation(args):
    if len(args) not in (4, 5):
        raise Usage("isolation SUM TAP ID WHERE [SID]")
    events, points = load(args[0])
    tid, where = args[2], args[3]
    kind = tid.rsplit(".", 1)[-1]
    line = tap_line(args[1], tid, where)
    if not line:
        print("%s on %s not in the TAP stream" % (tid, where))
        return 1
    m = FAULT_TEXT.search(line)
    if not line.startswith("ok ") or "# SKIP" in line or not m:
        print("image did not report a fault: %s" % line[:160])
        return 1
    sid, rw, page, reason = m.group(1), m.group(2), int(m.group(3), 16) & PAGE, int(m.group(4), 16)
    if len(args) == 5 and sid != args[4]:
        print("the image named SID %s, but QEMU sees %s as %s" % (sid, where, args[4]))
        return 1
    if (tid, where) not in points:
        print("%s on %s not rebuilt from the trace's COM1" % (tid, where))
        return 1
    seg = [e for e in events if e.tid == tid and e.where == where]
    bad = []
    recs = [e for e in seg if e.name == "fault"]
    if not recs:
        bad.append("no fault record written during the point")
    for r in recs:
        if r.f["sid"] != sid or r.num("reason") != reason or r.f["type"] != rw:
            bad.append("fault record %s is not SID %s %s reason 0x%02x" % (r, sid, rw, reason))
    hit = [r for r in recs if r.num("addr") == page]
    if recs and not hit:
        bad.append("no fault record at 0x%x (records at %s)" % (page, ",".join(r.f["addr"] for r in recs)))
    blocked = sum(e.num("n") for e in seg if e.name == "dma_fault" and e.f["sid"] == sid
                  and e.num("addr") & PAGE == page)
    if not blocked:
        bad.append("QEMU blocked no DMA of %s to page 0x%x" % (sid, page))

    def through(e):
        return e.name == "translate" and e.f["sid"] == sid and e.num("iova") == page

    first_fault = hit[0].seq if hit else (1 << 62)
    slots = slots_by_sid(events)
    own = {x for x in slots.get(sid, set()) if x is not None}
    story = ""
    if kind in ("stale_register", "stale_queued"):
        before = [e for e in seg if through(e) and e.seq < first_fault]
        invs = [e for e in seg if e.name == "inv" and e.f.get("kind") == "iotlb_pages"
                and e.num("addr") & PAGE <= page < (e.num("addr") & PAGE) + (0x1000 << e.num("am"))
                and e.seq < first_fault]
        if not before:
            bad.append("0x%x was never translated for %s before the fault (no data while mapped)" % (page, sid))
        elif not invs or invs[-1].seq < before[0].seq:
            bad.append("no page invalidation of 0x%x between its translation and the fault" % page)
        else:
            inv = invs[-1]
            after = [e for e in seg if through(e) and e.seq > inv.seq]
            if after:
                bad.append("0x%x still translated after its invalidation: %s" % (page, after[0]))
            prev = [e for e in seg if e.seq < inv.seq and e.name in ("vtd_write", "inv_desc")]
            descs = [e for e in seg if e.name == "inv_desc"]
            if kind == "stale_register":
                if not prev or not iotlb_reg_ivt(prev[-1]):
                    bad.append("the invalidation of 0x%x did not come from a write to IOTLB_REG (last: %s)" %
                               (page, prev[-1] if prev else "nothing"))
                if descs:
                    bad.append("queued descriptors during the register test: %s" % descs[0])
                story = "translated to 0x%x (%d times), then IOTLB_REG invalidation (did %s), then blocked" % (
                    before[0].num("gpa"), sum(e.num("n") for e in before), inv.f["did"])
            else:
                mine = [e for e in descs if e.seq < inv.seq and e.f["type"] == "iotlb"
                        and e.num("hi") & PAGE == page]
                waits = [e for e in seg if e.name == "inv_wait" and inv.seq < e.seq < first_fault]
                if not mine or not prev or prev[-1] is not mine[-1]:
                    bad.append("the invalidation of 0x%x was not a queued IOTLB descriptor (last: %s)" %
                               (page, prev[-1] if prev else "nothing"))
                if not waits:
                    bad.append("no invalidation wait descriptor processed before the fault")
                story = "translated to 0x%x (%d times), then queued IOTLB descriptor (lo %s) + wait (%s), then blocked" % (
                    before[0].num("gpa"), sum(e.num("n") for e in before),
                    mine[-1].f["lo"] if mine else "?", waits[0].f.get("kind", "?") if waits else "none")
    else:
        through_any = [e for e in seg if through(e)]
        if kind == "read_only":
            # The image first reads through the read-only mapping (a Compare),
            # flushes that page from the IOTLB, then the write must fault.
            before = [e for e in seg if through(e) and e.seq < first_fault]
            invs = [e for e in seg if e.name == "inv" and e.f.get("kind") == "iotlb_pages"
                    and e.num("addr") & PAGE <= page < (e.num("addr") & PAGE) + (0x1000 << e.num("am"))
                    and e.seq < first_fault]
            if not before:
                bad.append("0x%x was never translated for %s before the fault (the read through the "
                           "read-only mapping is missing)" % (page, sid))
            elif not invs or invs[-1].seq < before[-1].seq:
                bad.append("no page invalidation of 0x%x between the read and the faulting write" % page)
            elif [e for e in seg if through(e) and invs[-1].seq < e.seq < first_fault]:
                bad.append("0x%x translated again after its invalidation, before the fault" % page)
        elif through_any:
            bad.append("0x%x translated for %s during the point: %s" % (page, sid, through_any[0]))
        slot = slot_of(page)
        if kind == "unmapped_iova":
            if slot is not None:
                bad.append("0x%x lies inside the IOVA space (slot %d), not an unmapped address outside it" % (page, slot))
            ever = [e for e in events if through(e)]
            if ever:
                bad.append("0x%x was translated for %s elsewhere: %s" % (page, sid, ever[0]))
            story = "outside every domain's IOVA slot, never translated"
        elif kind == "read_only":
            if slot is None or slot not in own:
                bad.append("0x%x is not in %s's own IOVA slot %s" % (page, sid, sorted(own)))
            story = "in %s's own slot %s; read through it first, then page-invalidated" % (sid, slot)
        elif kind == "other_domain":
            owners = [s for s, sl in slots.items() if slot in sl and s != sid]
            if slot is None or slot in own or not owners:
                bad.append("0x%x (slot %s) is not in another SID's slot (%s has %s)" % (page, slot, sid, sorted(own)))
            # The owner uses the IOVA (a Compare) before the other SID's write faults.
            used_by_owner = [e for e in seg if e.name == "translate" and e.f["sid"] in owners
                             and e.num("iova") == page and e.seq < first_fault]
            if owners and not used_by_owner:
                bad.append("0x%x was not translated for its owner %s before the fault" % (page, ",".join(owners)))
            story = "in slot %s, %s's, which translated it first" % (slot, ",".join(owners) or "nobody")
    if bad:
        print("; ".join(bad[:4]))
        return 1
    print("QEMU recorded SID %s %s of 0x%x reason 0x%02x (%d record%s), blocked %d accesses; %s" %
          (sid, rw, page, reason, len(recs), "" if len(recs) == 1 else "s", blocked, story))
    return 0


def cmd_p2p(args):
    if len(args) != 2:
        raise Usage("p2p SUM TAP")
    events, points = load(args[0])
    lines = [ln for ln in open(args[1], errors="replace").read().splitlines()
             if re.match(r"^(not )?ok \d+ - vtd\.p2p\.cmb_copy[: ]", ln)]
    if len(lines) != 1:
        print("%d vtd.p2p.cmb_copy lines" % len(lines))
        return 1
    m = P2P_TEXT.search(lines[0])
    if not lines[0].startswith("ok ") or "# SKIP" in lines[0] or not m:
        print("image did not report the copy: %s" % lines[0][:160])
        return 1
    kib, a, b, iova = int(m.group(1)), m.group(2), m.group(3), int(m.group(4), 16)
    keys = [k for k in points if k[0] == "vtd.p2p.cmb_copy"]
    seg = [e for e in events if keys and (e.tid, e.where) == keys[0]]
    want = [iova + i * 0x1000 for i in range((kib * 1024 + 0xFFF) // 0x1000)]
    got = {}
    bad = []
    for e in seg:
        if e.name == "translate" and e.f["sid"] == b and e.num("iova") in want:
            if e.f["win"] != "%s/2" % a:
                bad.append("IOVA 0x%x -> GPA 0x%x lies in %s, not %s's BAR2" % (e.num("iova"), e.num("gpa"), e.f["win"], a))
            got.setdefault(e.num("iova"), set()).add(e.num("gpa"))
        if e.name in ("fault", "dma_fault"):
            bad.append("fault during the copy: %s" % e)
    missing = [hex(x) for x in want if x not in got]
    if missing:
        bad.append("pages never translated for %s: %s" % (b, ",".join(missing)))
    gpas = [min(got[x]) for x in want if x in got]
    if not bad and (any(len(got[x]) != 1 for x in want) or
                    any(gpas[i] != gpas[0] + i * 0x1000 for i in range(len(gpas)))):
        bad.append("IOVA pages do not map to consecutive GPA pages: %s" %
                   ", ".join("0x%x->%s" % (x, ",".join(map(hex, sorted(got[x])))) for x in want))
    if bad:
        print("; ".join(bad[:4]))
        return 1
    print("%s's DMA through IOVA 0x%x..0x%x went to GPA 0x%x..0x%x in %s's BAR2 (%d accesses), no fault" %
          (b, want[0], want[-1] + 0xFFF, gpas[0], gpas[-1] + 0xFFF, a,
           sum(e.num("n") for e in seg if e.name == "translate" and e.f["sid"] == b and e.num("iova") in want)))
    return 0


def cmd_context(args):
    if len(args) < 3:
        raise Usage("context SUM AW SID...")
    events, _ = load(args[0])
    aw = int(args[1])
    ctx = {}
    for e in events:
        if e.name == "context":
            ctx.setdefault(e.f["sid"], []).append(e)
    bad, found, dids = [], [], {}
    for sid in args[2:]:
        es = ctx.get(sid)
        if not es:
            bad.append("%s: no context entry loaded" % sid)
            continue
        for e in es:
            if not e.num("lo") & 1:
                bad.append("%s: context entry not present (lo %s)" % (sid, e.f["lo"]))
            if e.num("aw") != aw:
                bad.append("%s: context AW %s, want %d" % (sid, e.f["aw"], aw))
            if (e.num("lo") >> 2) & 3 != 0:
                bad.append("%s: translation type %d, want 0 (translated)" % (sid, (e.num("lo") >> 2) & 3))
        d = {e.num("did") for e in es}
        if len(d) != 1 or 0 in d:
            bad.append("%s: domain IDs %s" % (sid, sorted(d)))
            continue
        did = d.pop()
        if did in dids:
            bad.append("%s shares domain %d with %s" % (sid, did, dids[did]))
        dids[did] = sid
        found.append("%s domain %d" % (sid, did))
    if bad:
        print("; ".join(bad[:4]))
        return 1
    print("context entries: %s; AW %d, translated" % (", ".join(found), aw))
    return 0


def cmd_cm_invalidations(args):
    if len(args) != 1:
        raise Usage("cm-invalidations SUM")
    events, _ = load(args[0])
    first_psi, first_dsi, first_walk = {}, {}, {}
    n_psi = n_dsi = 0
    for e in events:
        if e.name == "inv" and e.f.get("kind") == "iotlb_pages":
            n_psi += 1
            base = e.num("addr") & PAGE
            for i in range(1 << e.num("am")):
                first_psi.setdefault((e.num("did"), base + i * 0x1000), e)
        elif e.name == "inv" and e.f.get("kind") == "iotlb_domain":
            n_dsi += 1
            first_dsi.setdefault(e.num("did"), e)
        elif e.name == "walk":
            first_walk.setdefault((e.num("did"), e.num("iova") & PAGE), e)
    if not first_walk:
        print("QEMU walked no page")
        return 1
    # A page the image invalidates page by page must have been invalidated
    # once before its first use (the invalidation after mapping it); a page
    # it never names must at least follow a domain-selective invalidation.
    lacking, by_page = [], 0
    for key, w in sorted(first_walk.items(), key=lambda kv: kv[1].seq):
        psi, dsi = first_psi.get(key), first_dsi.get(key[0])
        if psi is not None:
            by_page += 1
            ok = psi.seq < w.seq
        else:
            ok = dsi is not None and dsi.seq < w.seq
        if not ok:
            lacking.append("domain %d 0x%x (first used during %s %s%s)" %
                           (key[0], key[1], w.tid, w.where,
                            ", invalidated only afterwards" if psi is not None else ""))
    if lacking:
        print("%d of %d pages used before any invalidation named them: %s" %
              (len(lacking), len(first_walk), ", ".join(lacking[:3])))
        return 1
    print("all %d (domain, page) pairs QEMU walked were invalidated before their first use "
          "(%d by a page-selective invalidation, the rest by a domain-selective one; %d PSI, %d DSI in all)" %
          (len(first_walk), by_page, n_psi, n_dsi))
    return 0


COMMANDS = {
    "translations": cmd_translations, "quiet": cmd_quiet, "isolation": cmd_isolation,
    "p2p": cmd_p2p, "context": cmd_context, "cm-invalidations": cmd_cm_invalidations,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[1]](argv[2:])
    except (Usage, OSError, ValueError, KeyError) as e:
        print("vtd_oracle %s: %s" % (argv[1], e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
