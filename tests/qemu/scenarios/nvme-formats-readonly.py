"""the metadata and PI namespaces of nvme-formats with allow_write naming nothing: the read cases run on every format, every image stays byte-identical, no write command reaches QEMU, and no DMA lands outside the image's pool (before the fix QEMU read into guest page 0 here)."""

import os

from harness import nvme
from harness.scenario import NVME_TRACE_EVENTS, Stop, fill_random, sha256_of
from harness import trace as tr

NAMESPACES = "0:1:64M:ms=8 0:2:64M:ms=16,mset=1 0:3:64M:ms=8,pi=1 1:1:64M:ms=8,mset=1,pi=3 1:2:64M:ms=16,pi=1"
MACHINE = {"NVME_NS": NAMESPACES, "CMB_SIZE_MB": "16", "PMR_SIZE": "0"}


def run(s):
    c = s.c
    esp = s.esp("nvme-formats-readonly")
    if esp is None:
        raise Stop()
    # Images full of data where the cases would read and write, so any write shows. The PI
    # namespaces stay unwritten (sparse zeros, which QEMU reads back as never written, PI checks
    # off): random bytes there would be blocks whose PI is wrong. Any write still changes their hash.
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    files = []
    for spec in NAMESPACES.split():
        ctl, nsid, _, props = spec.split(":", 3)
        f = s.state_file("nvme%sn%s.img" % (ctl, nsid))
        if "pi=" not in props:
            fill_random(f, 8 << 20)
        with open(f, "ab") as fh:
            fh.truncate(64 << 20)
        files.append(f)
    before = sha256_of(*files)
    trace = os.path.join(s.work, "nvme-formats-readonly.trace")
    b = s.boot_qmp("nvme-formats-readonly", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    c.grep("the image ran with allow_write = none", r"^# config: allow_write = none$", tap)
    nvme.unchanged(c, before, *files)
    bdf_of = {str(i): bdf for i, bdf in b.nvme}
    for spec in NAMESPACES.split():
        ctl, nsid = spec.split(":")[:2]
        bdf = bdf_of.get(ctl, "none")
        nvme.points_pass_at(c, tap, [bdf, bdf + "/vtd"], "nvme.queues.io_pair@" + nsid, "nvme.io.flush@" + nsid)
        nvme.ns_skips(c, tap, bdf, nsid, ("allow_write", {"serial": "nvmetal-[0-9]", "denied": "namespace writes"}),
                      "nvme.io.verify", "nvme.io.metadata", "nvme.io.write_zeroes", "nvme.io.deallocate")
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-formats-readonly.events"))
    if sm:
        nvme.dma_inside(c, tap, sm)
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        c.no_grep("QEMU executed no Write, Write Zeroes/Uncorrectable, DSM, Copy or zone command",
                  r" (rw write |io_cmd sqid=[0-9]+ opc=0x(1|4|8|9|19|79|7d)( nsid=[0-9]+)?$)", sm.lines)
        n_read = sum(1 for e in sm.ev("rw") if e.arg(0) == "read")
        c.check(n_read > 0, "QEMU executed %d Read commands on these formats" % n_read if n_read else
                "QEMU executed Read commands on these formats", "none")
