"""default machine; the image's PCI inventory must equal QEMU's own query-pci, and no test may fail."""

from harness import pci

MACHINE = {}  # every knob at its default
CONFIG = ["# scenario default: all keys at their defaults"]  # exit_action = reset


def run(s):
    c = s.c
    b = s.boot_and_inspect("default", MACHINE, esp=s.media("default", *CONFIG))
    tap = b.extract()
    c.grep("serial log starts a TAP version 13 stream", r"^TAP version 13$", tap)
    sm = tap.summary()
    if sm:
        c.eq("verdict line reports 0 failed (%d passed, %s skipped)" % (sm[0], sm[2] or 0), sm[1], 0)
    else:
        c.not_ok("verdict line '# nvmetal: P passed, F failed, S skipped' present", "not found")
    c.check(any(p.passed or p.ok for p in tap.at("pci.enumerate")), "pci.enumerate passed",
            "no line matching /^ok [0-9]+ - pci\\.enumerate([: ]|$)/")
    c.no_grep("no test point failed", r"^not ok ", tap)
    c.no_grep("no bail out", r"^Bail out!", tap)
    if b.qmp_ok:
        img, qm = pci.from_tap(tap), pci.from_qmp(b.qmp)
        c.eq("QEMU's query-pci shows the 2 default NVMe controllers", sum(1 for x in qm if x.startswith("fn ") and x.endswith(" 01:08")), 2)
        pci.compare_inventory(c, img, qm)
