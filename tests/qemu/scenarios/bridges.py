"""NVMe controllers on pcie.0, behind a pcie-root-port and behind a pcie-pci-bridge; the image must find each where QEMU put it."""

import re

from harness import pci

# nvme0 on the root complex, nvme1 behind root port rp1, nvme2 behind a PCIe-to-PCI bridge that
# itself sits on root port rp2.
MACHINE = {"NVME_DRIVE_COUNT": "3", "BRIDGES": "rp1:pcie-root-port rp2:pcie-root-port ppb:pcie-pci-bridge@rp2",
           "NVME_BUS": "pcie.0 rp1 ppb"}


def run(s):
    c = s.c
    b = s.boot_and_inspect("bridges", MACHINE, esp=s.media("bridges", "# scenario bridges: defaults"))
    tap = b.extract()
    c.check(any(p.ok for p in tap.at("pci.enumerate")), "pci.enumerate passed", "no line matching /^ok [0-9]+ - pci\\.enumerate([: ]|$)/")
    c.no_grep("no bail out", r"^Bail out!", tap)
    if not b.qmp_ok:
        return
    where = {}
    for qid in ("nvme0", "nvme1", "nvme2"):
        where[qid] = pci.bdf_of(b.qmp, qid)
        if not where[qid]:
            c.not_ok("QEMU reports controller %s" % qid, "no qdev_id %s in query-pci" % qid)
            continue
        bdf = where[qid]
        # The image's inventory line for that address must be an NVMe controller.
        if tap.has(r"^# pci %s [0-9a-f]{4}:[0-9a-f]{4} class 01:08:02" % re.escape(bdf)):
            c.ok("%s found by the image at %s, QEMU's address for it" % (qid, bdf))
        else:
            seen = ",".join(ln.split()[2] for ln in tap.grep(r"^# pci [0-9a-f:.]+ .*class 01:08:02"))
            c.not_ok("%s found by the image at %s, QEMU's address for it" % (qid, bdf), "image lists NVMe at: %s" % (seen or "none"))
        # ... and some test point must have run on it.
        c.check(any(p.where == bdf for p in tap.points), "a test point ran on %s (%s)" % (qid, bdf),
                "no line matching /^(not )?ok [0-9]+ - [A-Za-z0-9_.]+: %s( |$)/" % bdf)
    # The topology really is what this scenario claims (else it proves nothing).
    b0, b1, b2 = where.get("nvme0", ""), where.get("nvme1", ""), where.get("nvme2", "")
    bus = lambda x: x.split(":")[0]
    if bus(b0) == "00" and b1 and bus(b1) != "00" and b2 and bus(b2) != "00" and bus(b1) != bus(b2):
        c.ok("topology: nvme0 on bus 00, nvme1 (%s) and nvme2 (%s) on two different secondary buses" % (bus(b1), bus(b2)))
    else:
        c.not_ok("topology: nvme0 on bus 00, nvme1 and nvme2 behind bridges", "got nvme0=%s nvme1=%s nvme2=%s" % (b0, b1, b2))
    pci.compare_inventory(c, pci.from_tap(tap), pci.from_qmp(b.qmp))
