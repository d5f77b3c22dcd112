"""intel-iommu with three NVMe controllers, on pcie.0, behind a pcie-root-port and behind a pcie-pci-bridge (at slot 2, so that the bridge's source ID differs from the controller's own address), allow_write on: a domain per source ID, and QEMU's trace shows the controller behind the PCIe-to-PCI bridge translated and faulting as the bridge (secondary bus, 00.0)."""


from harness import ids, nvme, pci, vtd

MACHINE = {"NVME_DRIVE_COUNT": "2", "NVME_BUS": "pcie.0 rp1",
           "BRIDGES": "rp1:pcie-root-port rp2:pcie-root-port ppb:pcie-pci-bridge@rp2"}


def nvme2(state):
    """nvme2 behind the PCIe-to-PCI bridge ppb at device 2, which NVME_BUS cannot ask for: the same
    device line the runner writes, appended to QEMU's command line."""
    return ["-drive", "if=none,id=nvm2,format=raw,file=%s/nvme2.img" % state,
            "-object", "memory-backend-file,id=pmr2,share=on,mem-path=%s/pmr2.bin,size=8M" % state,
            "-device", "nvme,id=nvme2,serial=nvmetal-2,drive=nvm2,bus=ppb,addr=0x2,cmb_size_mb=64,pmrdev=pmr2,legacy-cmb=off"]


def run(s):
    c = s.c
    s.fresh_nvme_state()
    for f, size in (("nvme2.img", 64 << 20), ("pmr2.bin", 8 << 20)):
        with open(s.state_file(f), "ab") as fh:
            fh.truncate(size)
    # query-pci after the run: bus numbers behind bridges are the firmware's.
    b = vtd.boot(s, "vtd-bridges", MACHINE, inspect=True, qemu_args=nvme2(s.state))
    if b is None:
        return
    tap = b.tap
    # No isa-debug-exit here (the image's reset pauses QEMU for query-pci): the verdict line
    # stands for the exit code.
    nvme.tap_clean(c, tap)
    nvme.n_controllers(c, b, 3)
    if not (b.qmp_ok and b.bdfs):
        return
    # The topology this scenario claims, from QEMU: nvme2 behind the pcie-pci-bridge at a non-zero
    # device number, so that its source ID (the bridge's secondary bus, 00.0) is not its own address.
    b0, b1, b2 = (pci.bdf_of(b.qmp, q) for q in ("nvme0", "nvme1", "nvme2"))
    ppb = pci.bdf_of(b.qmp, "ppb")
    d = pci.find(b.qmp, "ppb")
    sec2 = "%02x" % ((d or {}).get("pci_bridge", {}).get("bus", {}).get("secondary") or 0)
    bus = lambda x: x.split(":")[0]
    if bus(b0) == "00" and b1 and bus(b1) != "00" and ppb and bus(ppb) != "00" and bus(b2) == sec2 and b2.split(":", 1)[1] != "00.0":
        c.ok("topology: nvme0 %s on pcie.0, nvme1 %s behind a root port, nvme2 %s behind the pcie-pci-bridge %s (secondary bus %s)"
             % (b0, b1, b2, ppb, sec2))
    else:
        c.not_ok("topology: nvme0 on pcie.0, nvme1 behind a root port, nvme2 behind the pcie-pci-bridge at a device other than 00.0",
                 "nvme0=%s nvme1=%s nvme2=%s ppb=%s secondary=%s" % (b0, b1, b2, ppb, sec2))
    smap = vtd.sid_map(b)
    c.eq("requester IDs from QEMU's topology: each controller its own, nvme2 the bridge's (%s:00.0)" % sec2,
         sum(1 for x in smap if x == (b2, sec2 + ":00.0")), 1)
    c.grep("the image found the controller behind the pcie-pci-bridge at %s" % b2,
           r"^# pci %s [0-9a-f]{4}:[0-9a-f]{4} class 01:08:02" % b2, tap)
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE, ids.NVME_CMB, ids.NVME_PMR)
    vtd.translated(c, tap, b.sum, smap, 3, 39, 1)
    vtd.skip(c, tap, "vtd.p2p.cmb_copy", ("beyond_reach", {"reach_bits": "39"}))
    # nvme2's DMA, as QEMU saw it: only ever under the bridge's source ID.
    sm = b.sum
    if sm:
        own = sum(1 for e in sm.events if e.arg(0) == "sid=" + b2 or e.arg(1) == "sid=" + b2)
        alias = sum(1 for e in sm.ev("translate") if e.arg(0) == "sid=%s:00.0" % sec2)
        faults = sum(1 for e in sm.ev("fault") if e.arg(1) == "sid=%s:00.0" % sec2 and e.where == b2 + "/vtd")
        if own == 0 and alias > 0 and faults >= 4:
            c.ok("QEMU translated %s's DMA only as %s:00.0 (%d translations) and recorded its %d isolation faults under %s:00.0"
                 % (b2, sec2, alias, faults, sec2))
        else:
            c.not_ok("QEMU translated %s's DMA only as %s:00.0 and recorded its isolation faults under it" % (b2, sec2),
                     "%d events under %s itself, %d translations and %d fault records under %s:00.0" % (own, b2, alias, faults, sec2))
