"""intel-iommu,pt=off (no ECAP.PT): every other device gets a 1:1 domain over RAM, and QEMU's trace shows DMA under it translated identity."""

from harness import ids, nvme, oracles, vtd

MACHINE = {"IOMMU_PT": "off"}


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-no-pt", MACHINE)
    if b is None:
        return
    tap = b.tap
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    if not b.bdfs:
        c.not_ok("QEMU realized NVMe controllers", "none in query-pci")
        return
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    nvme.point_keys(c, tap, "vtd.unit.takeover", None,
                    {"pass_through": 0, "ecap": lambda v: v.startswith("0x") and int(v, 16) & 0x40 == 0},
                    what="ECAP reads PT=0 (QEMU pt=off)")
    nvme.point_keys(c, tap, "vtd.translation.enable", None, {"others": "identity", "others_count": lambda v: v.isdigit() and int(v) > 0})
    nvme.point_keys(c, tap, "vtd.scope.others_reach_ram", None, {"lent_context": "identity"})
    vtd.others_reach_ram_page(c, tap)
    nvme.point_keys(c, tap, "vtd.nvme.translated", None, {"faults": 0})
    sm = b.sum
    if sm:
        # Identity translations (IOVA == GPA) belong to the lent context only: every NVMe domain
        # hands out IOVAs that differ from the physical address.
        inside = outside = 0
        for e in sm.ev("translate"):
            if e.get("iova") == e.get("gpa"):
                if e.tid == "vtd.scope.others_reach_ram":
                    inside += 1
                else:
                    outside += 1
        if inside > 0:
            c.ok("QEMU translated %d page(s) 1:1 through the identity domain during vtd.scope.others_reach_ram" % inside)
        else:
            c.not_ok("QEMU translated pages 1:1 through the identity domain during vtd.scope.others_reach_ram",
                     "no translate event with iova == gpa in that point")
        c.eq("no identity translation outside vtd.scope.others_reach_ram", outside, 0)
        c.oracle("no fault or blocked DMA while the positive VT-d cases ran",
                 oracles.vtd("quiet", sm.path, "vtd.translation.enable", "vtd.nvme.translated"))
