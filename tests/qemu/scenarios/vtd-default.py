"""intel-iommu with its defaults (aw-bits 39), allow_write on: every vtd.* point passes but the peer-to-peer copy (SKIP: the BARs lie beyond 39 bits), and QEMU's trace shows the translation, the faults and the invalidations the image claims."""

from harness import ids, nvme, vtd

MACHINE = {}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-default", MACHINE)
    if b is None:
        return
    tap = b.tap
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    nvme.n_controllers(c, b, 2)
    if not b.bdfs:
        return
    # On pcie.0 each controller is its own source ID.
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    vtd.translated(c, tap, b.sum, vtd.sid_map(b), 3, 39, 1)
    nvme.point_keys(c, tap, "vtd.translation.enable", None, {"caching_mode": 0}, what="translation enabled without caching mode")
    vtd.skip(c, tap, "vtd.p2p.cmb_copy", ("beyond_reach", {"reach_bits": "39"}))
    # The queued invalidation: QEMU processed it, and its wait descriptor.
    sm = b.sum
    if sm:
        n = sum(1 for e in sm.ev("inv_wait", "vtd.isolation.stale_queued") if e.arg(0) == "kind=sw")
        q = sum(1 for e in sm.ev("qi_enable", "vtd.isolation.stale_queued") if e.arg(0) == "enabled=1")
        if n >= 2 and q >= 1:
            c.ok("during vtd.isolation.stale_queued QEMU turned queued invalidation on and processed %d wait descriptors (status write)" % n)
        else:
            c.not_ok("during vtd.isolation.stale_queued QEMU turned queued invalidation on and processed a wait descriptor per controller",
                     "%d vtd_inv_qi_enable 1, %d vtd_inv_desc_wait_sw" % (q, n))
        # Outside that test (and the interrupt remapping cases, whose IEC invalidation exists
        # only as a descriptor) the image invalidates through the registers only.
        bad = [e.rest(2) for e in sm.ev("inv_desc") if e.tid != "vtd.isolation.stale_queued" and not e.tid.startswith("vtd.ir.")]
        c.check(not bad, "queued descriptors only during vtd.isolation.stale_queued and vtd.ir.*", "|".join(bad[:2]))
