"""a zoned namespace (4 MiB zones) beside a conventional one, allow_write on, intel-iommu: the controller runs with every I/O command set (CC.CSS=6), the zoned namespace is identified as such, its zones are reported, one zone is reset, written at its write pointer, appended to and read back, a misplaced write is refused, and no conventional write case ever writes it."""

import os

from harness import nvme, oracles
from harness.scenario import NVME_TRACE_EVENTS, Stop
from harness import trace as tr

ZONE_BLOCKS = 8192  # 4 MiB zones of 512-byte blocks
MACHINE = {"NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0",
           "NVME_NS": "0:1:64M:zoned=true,zoned.zone_size=4M 0:2:64M"}
WRITE_IDS = ["nvme.io.verify", "nvme.io.metadata", "nvme.io.protection", "nvme.io.write_zeroes", "nvme.io.deallocate"]


def run(s):
    c = s.c
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    esp = s.media("nvme-zoned", "# scenario nvme-zoned", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "nvme-zoned.trace")
    b = s.boot_qmp("nvme-zoned", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not b.bdfs:
        c.not_ok("QEMU realized the NVMe controller", "none in query-pci")
        raise Stop()
    bdf = b.bdfs[0]
    n1, n2 = bdf + " nsid 1", bdf + " nsid 2"
    nvme.yaml_is(c, "%s: enabled with every I/O command set (CC.CSS=6)" % bdf, tap, "nvme.identify.controller", bdf, "cc_css", 6)
    nvme.yaml_is(c, "%s nsid 1: identified as zoned (CSI 02h)" % bdf, tap, "nvme.identify.namespaces", n1, "csi", "0x02")
    nvme.yaml_is(c, "%s nsid 1: zone size from the zoned Identify Namespace" % bdf, tap, "nvme.identify.namespaces", n1, "zone_size_blocks", ZONE_BLOCKS)
    nvme.yaml_is(c, "%s nsid 2: identified as conventional (NVM)" % bdf, tap, "nvme.identify.namespaces", n2, "csi", "0x00")
    nvme.points_pass_at(c, tap, [bdf, bdf + "/vtd"], "nvme.zns.report@1", "nvme.zns.zone_cycle@1")
    nvme.ns_skips(c, tap, bdf, 2, ("not_zoned", {"csi": "0x00"}), "nvme.zns.report", "nvme.zns.zone_cycle")
    blocks = tap.yaml("nvme.zns.zone_cycle", n1, "blocks_per_write")
    start = tap.yaml("nvme.zns.zone_cycle", n1, "zone_start")
    c.eq("zone_cycle used zone 1", start, ZONE_BLOCKS)
    if blocks.isdigit():
        blocks = int(blocks)
        nvme.yaml_is(c, "Zone Append wrote right after the first write", tap, "nvme.zns.zone_cycle", n1, "appended_lba", ZONE_BLOCKS + blocks)
        nvme.yaml_is(c, "the write pointer advanced by both writes", tap, "nvme.zns.zone_cycle", n1, "write_pointer", ZONE_BLOCKS + 2 * blocks)
    else:
        c.not_ok("zone_cycle names its write size", "blocks_per_write '%s'" % (blocks or "absent"))
        blocks = 0
    nvme.yaml_is(c, "a write past the write pointer got Zone Invalid Write", tap, "nvme.zns.zone_cycle", n1, "misplaced_write_status", "0x41bc")
    # Every write case of the conventional kind refuses the zoned namespace, naming why.
    nvme.ns_skips(c, tap, bdf, 1, "zoned", WRITE_IDS)
    nvme.points_pass_at(c, tap, [bdf, bdf + "/vtd"], "nvme.io.verify@2", "nvme.io.write_zeroes@2", "nvme.io.deallocate@2")
    # ---- QEMU's trace and the zoned namespace's image ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-zoned.events"))
    if sm:
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
        for opc in ("0x79", "0x7a", "0x7d"):
            n = sum(1 for e in sm.ev("io_cmd") if e.arg(1) == "opc=" + opc and e.arg(2) == "nsid=1" and e.tid.startswith("nvme.zns."))
            out = sum(1 for e in sm.ev("io_cmd") if e.arg(1) == "opc=" + opc and not e.tid.startswith("nvme.zns."))
            if n > 0 and out == 0:
                c.ok("QEMU executed %d zoned command(s) %s on nsid 1, all inside nvme.zns.*" % (n, opc))
            else:
                c.not_ok("QEMU executed zoned commands %s on nsid 1 only inside nvme.zns.*" % opc, "%d inside, %d outside" % (n, out))
        n = sum(1 for e in sm.ev("io_cmd") if e.arg(2) == "nsid=1" and e.arg(1) in ("opc=0x1", "opc=0x8", "opc=0x9")
                and e.tid != "nvme.zns.zone_cycle")
        c.eq("no Write, Write Zeroes or DSM reached nsid 1 outside nvme.zns.zone_cycle", n, 0)
    img = s.state_file("nvme0n1.img")
    c.oracle("nvme0n1.img: written only in zone 1, where zone_cycle wrote",
             oracles.nvme("written", img, "%d-%d" % (ZONE_BLOCKS, ZONE_BLOCKS + 2 * blocks)))
    c.oracle("nvme0n1.img: zone 1 holds the write and the append as pattern blocks of their LBAs",
             oracles.nvme("blocks", img, ZONE_BLOCKS, 2 * blocks))
