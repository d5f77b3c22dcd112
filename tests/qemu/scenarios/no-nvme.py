"""a machine without any NVMe controller; nvme.* tests must SKIP with a reason and the verdict must be a pass."""

from harness import pci, qmp

MACHINE = {"NVME_DRIVE_COUNT": "0"}


def run(s):
    c = s.c
    esp = s.media("no-nvme", "# scenario no-nvme: defaults")
    # QEMU starts frozen (-S): its device list is read over QMP before the guest runs a single
    # instruction, then the machine is let go.
    k = dict(MACHINE, START_PAUSED="yes", QMP=s.sockdir + "/no-nvme.qmp")
    b = s.start("no-nvme", k, esp=esp)
    r = None
    if b.wait_for(30, lambda: __import__("os").path.exists(b.sock)):
        r = qmp.session(b.sock, "query-pci", "cont")
    if r is not None:
        qm = pci.from_qmp(r[0])
        nfn = sum(1 for x in qm if x.startswith("fn "))
        nnvme = sum(1 for x in qm if x.startswith("fn ") and x.endswith(" 01:08"))
        c.check(nfn > 0 and nnvme == 0, "QEMU's query-pci lists %d functions and none of class 01:08 (NVMe)" % nfn
                if nfn > 0 and nnvme == 0 else "QEMU's query-pci lists functions and none of class 01:08",
                "%d functions, %d NVMe" % (nfn, nnvme))
    else:
        c.not_ok("QMP query-pci and cont answered", "socket %s" % b.sock)
    s._done(b)
    tap = b.extract()
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    sm = tap.summary()
    if sm:
        c.ok("verdict line present (%d passed, %d failed, %s skipped)" % (sm[0], sm[1], sm[2] if sm[2] is not None else "?"))
    else:
        c.not_ok("verdict line '# nvmetal: P passed, F failed, S skipped' present", "not found")
    c.no_grep("image lists no NVMe controller in its inventory", r"^# pci .*class 01:08:02", tap)
    c.no_grep("no test point failed", r"^not ok ", tap)
    pts = [p for p in tap.points if p.id.startswith("nvme.")]
    if not pts:
        c.not_ok("nvme.* test points are reported (as skips)", "no nvme.* test point in the TAP stream")
    else:
        bad = [p.line for p in pts if not (p.skipped_as("*") and p.reason)][:3]
        c.check(not bad, "all %d nvme.* test points SKIP with a reason" % len(pts) if not bad else
                "all nvme.* test points SKIP with a reason", " | ".join(bad))
