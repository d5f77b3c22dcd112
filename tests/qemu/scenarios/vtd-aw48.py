"""intel-iommu,aw-bits=48, allow_write on: 4-level tables, every vtd.* point passes including the peer-to-peer copy, which QEMU's trace shows going from controller B through its IOVAs into controller A's BAR2."""

import re

from harness import ids, nvme, oracles, vtd

MACHINE = {"AW_BITS": "48"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-aw48", MACHINE)
    if b is None:
        return
    tap = b.tap
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    nvme.n_controllers(c, b, 2)
    if not b.bdfs:
        return
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    # aw-bits=48: MGAW 48, SAGAW offers 3 and 4 levels; the image takes 4.
    nvme.point_keys(c, tap, "vtd.unit.takeover", None, {"sagaw": "0x6", "mgaw": "0x2f"},
                    what="CAP says SAGAW 3- and 4-level (0x6), MGAW 47 (0x2f)")
    vtd.translated(c, tap, b.sum, vtd.sid_map(b), 4, 48, 2)
    vtd_ctl = lambda v: re.match(r"^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/vtd$", v) is not None
    nvme.point_keys(c, tap, "vtd.p2p.cmb_copy", None, {"source_controller": vtd_ctl, "target_controller": vtd_ctl,
                                                       "bytes": 16384, "iova": lambda v: v.startswith("0x")})
    sm = b.sum
    if sm:
        # QEMU's side of the copy: B's translations of the IOVAs the image names (YAML iova) land in
        # A's BAR2, where QEMU itself put it (YAML source_controller, target_controller).
        a = bb = ""
        for p in tap.at("vtd.p2p.cmb_copy"):
            if p.passed:
                a, bb = p.y("source_controller").split("/")[0], p.y("target_controller").split("/")[0]
        bar2 = sm.bar(a or "none", 2)
        if a and bb and a != bb and len(bar2) == 1 and int(bar2[0][0], 16) >= 1 << 39:
            c.ok("QEMU placed %s's BAR2 once, at %s (%d MiB), above 2^39 (out of aw-bits=39's reach)" % (a, bar2[0][0], bar2[0][1] >> 20))
        else:
            c.not_ok("the copy names two controllers; QEMU placed the source's BAR2 once, above 2^39",
                     "A '%s' B '%s', BAR2 placements: %s" % (a, bb, ", ".join("%s %d" % x for x in bar2) or "none"))
        c.oracle("vtd.p2p.cmb_copy: QEMU's record", oracles.vtd("p2p", sm.path, vtd.oracle_view(tap)))
