"""a 64 MiB namespace 1 beside an empty (0-byte) namespace 2 on one controller, allow_write on: the empty one is reported as unusable (the only failing point), never given I/O, and everything on namespace 1 and on the controller still runs and passes."""

import os

from harness import nvme, oracles
from harness.scenario import AREA_FORMAT, AREA_IO_VERIFY, NVME_TRACE_EVENTS, Stop
from harness import trace as tr

MACHINE = {"IOMMU": "none", "NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "NVME_NS": "0:1:64M 0:2:0"}
CONFIG = ["# scenario nvme-bad-namespace", "allow_write = nvmetal-*", "iommu = off"]
NS_IDS = ["nvme.queues.io_pair", "nvme.io.verify", "nvme.io.flush", "nvme.io.write_zeroes", "nvme.io.deallocate"]


def run(s):
    c = s.c
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    esp = s.media("nvme-bad-namespace", *CONFIG)
    trace = os.path.join(s.work, "nvme-bad-namespace.trace")
    b = s.boot_qmp("nvme-bad-namespace", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS), esp=esp)
    tap = b.extract()
    c.rc("exit code 1 (a test failed) through isa-debug-exit", b.rc, 1, s.work)
    if not b.bdfs:
        c.not_ok("QEMU realized the NVMe controller", "none in query-pci")
        raise Stop()
    bdf = b.bdfs[0]
    failing = [p for p in tap.points if not p.ok]
    if len(failing) == 1 and ("nvme.identify.namespaces: %s nsid 2 " % bdf) in failing[0].line:
        c.ok("the only failing point is nvme.identify.namespaces on nsid 2: %s" % failing[0].line.split("nsid 2 ", 1)[1])
    else:
        c.not_ok("the only failing point is nvme.identify.namespaces on nsid 2", " | ".join(p.line for p in failing))
    nvme.yaml_is(c, "nsid 2's failure names the cause", tap, "nvme.identify.namespaces", bdf + " nsid 2", "problem", "namespace size is 0 blocks")
    nvme.yaml_is(c, "nsid 1 identified with its size", tap, "nvme.identify.namespaces", bdf + " nsid 1", "nsze", 131072)
    nvme.points_pass(c, tap, [bdf], "nvme.controller.takeover", "nvme.identify.controller", "nvme.controller.shutdown@any")
    nvme.points_pass_at(c, tap, [bdf], [i + "@1" for i in NS_IDS])
    nvme.ns_skips(c, tap, bdf, 2, ("namespace_unusable", {"problem": "namespace size is 0 blocks"}), NS_IDS)
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-bad-namespace.events"))
    if sm:
        c.eq("QEMU never got an I/O command for nsid 2", sum(1 for e in sm.ev("io_cmd") if e.arg(2) == "nsid=2"), 0)
        n = sum(1 for e in sm.ev("io_cmd") if e.arg(2) == "nsid=1")
        c.check(n > 0, "QEMU executed %d I/O commands on nsid 1" % n if n else "QEMU executed I/O commands on nsid 1", "none")
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
    end = tap.yaml("nvme.io.verify", bdf + " nsid 1", "lbas").split("-", 1)[-1]
    img1 = s.state_file("nvme0n1.img")
    c.oracle("nvme0n1.img: io.verify's pattern blocks", oracles.nvme("blocks", img1, 0, end))
    c.oracle("nvme0n1.img: nothing written outside the documented areas", oracles.nvme("written", img1, AREA_IO_VERIFY, AREA_FORMAT))
    c.eq("nvme0n2.img is still empty", os.path.getsize(s.state_file("nvme0n2.img")), 0)
