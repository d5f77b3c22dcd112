"""intel-iommu,caching-mode=on, allow_write on: every vtd.* point passes (the peer-to-peer copy SKIPs as with the defaults), the image says it honours caching mode, and QEMU's trace shows an invalidation before every page is first used."""

from harness import ids, nvme, oracles, vtd

MACHINE = {"CACHING_MODE": "on"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-caching-mode", MACHINE)
    if b is None:
        return
    tap = b.tap
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    nvme.n_controllers(c, b, 2)
    if not b.bdfs:
        return
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    nvme.point_keys(c, tap, "vtd.unit.takeover", None,
                    {"caching_mode": 1, "cap": lambda v: v.startswith("0x") and int(v, 16) & 0x80 != 0},
                    what="CAP has caching mode (CM=1, bit 7)")
    vtd.translated(c, tap, b.sum, vtd.sid_map(b), 3, 39, 1)
    nvme.point_keys(c, tap, "vtd.translation.enable", None, {"caching_mode": 1},
                    what="vtd.translation.enable says the image honours caching mode")
    vtd.skip(c, tap, "vtd.p2p.cmb_copy", ("beyond_reach", {"reach_bits": "39"}))
    sm = b.sum
    if sm:
        # With CM=1 a not-present entry may be cached: the image must invalidate after every
        # map, so no page is used before an invalidation named it.
        c.oracle("caching mode: QEMU saw every page invalidated before its first use",
                 oracles.vtd("cm-invalidations", sm.path))
        # The context cache too: a global context invalidation after the root table is set and
        # before QEMU loads the first context entry.
        cc = ctx = 0
        for i, ln in enumerate(sm.lines, 1):
            w = ln.split()
            if len(w) > 5 and w[0] == "ev" and w[4] == "inv" and w[5] == "kind=cc_global" and not cc:
                cc = i
            if len(w) > 4 and w[0] == "ev" and w[4] == "context" and not ctx:
                ctx = i
        c.check(cc > 0 and ctx > cc, "QEMU ran a global context-cache invalidation before loading the first context entry",
                "first cc_global at event line %d, first context load at %d" % (cc, ctx))
        psi = sum(1 for ln in sm.lines if " inv kind=iotlb_pages " in ln)
        dsi = sum(1 for ln in sm.lines if " inv kind=iotlb_domain " in ln)
        c.note("IOTLB invalidations QEMU ran: %d page-selective, %d domain-selective" % (psi, dsi))
