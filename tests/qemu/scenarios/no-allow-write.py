"""default machine, no \nvmetal.cfg (allow_write = none): every namespace image and PMR file must be bit-for-bit unchanged, every write test SKIP naming allow_write, the read-only CMB tests still pass."""

import os

from harness import nvme
from harness.scenario import NVME_TRACE_EVENTS, Stop, fill_random, sha256_of
from harness import trace as tr

MACHINE = {}
SKIP_IDS = ["nvme.io.verify", "nvme.cmb.write_from_cmb", "nvme.pmr.power_cycle", "nvme.pmr.access_widths",
            "nvme.pmr.disable_hides_data", "nvme.pmr.survives_reset", "nvme.pmr.survives_flr", "nvme.pmr.dma_target"]
PASS_IDS = ["nvme.controller.takeover", "nvme.identify.controller", "nvme.queues.io_pair", "nvme.cmb.admin_sq",
            "nvme.cmb.io_sq", "nvme.cmb.prp_list", "nvme.cmb.read_into_cmb", "nvme.cmb.mixed_prp_rejected",
            "nvme.pmr.discover", "nvme.pmr.enable", "nvme.controller.shutdown@any"]


def run(s):
    c = s.c
    esp = s.esp("no-allow-write")  # no \nvmetal.cfg: allow_write = none
    if esp is None:
        raise Stop()
    # Files the runner keeps as they are (right sizes), full of data, so that any write at all
    # shows: random bytes in the first 8 MiB of each namespace and in the whole of each PMR.
    s.fresh_nvme_state()
    files = []
    for i in (0, 1):
        fill_random(s.state_file("nvme%d.img" % i), 8 << 20, 64 << 20)
        fill_random(s.state_file("pmr%d.bin" % i), 8 << 20)
        files += [s.state_file("nvme%d.img" % i), s.state_file("pmr%d.bin" % i)]
    before = sha256_of(*files)
    trace = os.path.join(s.work, "no-allow-write.trace")
    b = s.boot_qmp("no-allow-write", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    c.grep("the image ran with allow_write = none", r"^# config: allow_write = none$", tap)
    # ---- the oracle: the files on the host ----
    nvme.unchanged(c, before, *files)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdfs = b.bdfs
    # ---- test points ----
    nvme.points_skip(c, tap, bdfs, "allow_write", SKIP_IDS)
    copy = tap.at("nvme.cmb.copy_between_controllers")
    if copy and all(p.skipped_as("no_writable_peer") for p in copy):
        c.ok("nvme.cmb.copy_between_controllers SKIPs naming allow_write: %s" % copy[0].line.split("# SKIP ", 1)[1])
    else:
        c.not_ok("nvme.cmb.copy_between_controllers SKIPs naming allow_write", "\n".join(p.line for p in copy) or "not reported")
    nvme.points_pass(c, tap, bdfs, PASS_IDS)
    # ---- QEMU's trace: no command that writes a namespace ever reached a controller ----
    sm = tr.load(c, "", trace, os.path.join(s.work, "no-allow-write.events"))
    if sm:
        nvme.dma_inside(c, tap, sm)
        n_read = sum(1 for e in sm.ev("rw") if e.arg(0) == "read")
        c.check(n_read > 0, "QEMU executed %d Read commands (the trace sees I/O)" % n_read if n_read else
                "QEMU executed Read commands (the trace sees I/O)", "none")
        # NVM: Write 0x01, Write Uncorrectable 0x04, Write Zeroes 0x08, Dataset Management 0x09, Copy
        # 0x19; admin: Namespace Management 0x0d, Format NVM 0x80, Sanitize 0x84.
        c.no_grep("QEMU executed no Write, Write Zeroes/Uncorrectable, DSM or Copy command",
                  r" (rw write |io_cmd sqid=[0-9]+ opc=0x(1|4|8|9|19)( nsid=[0-9]+)?$)", sm.lines)
        c.no_grep("QEMU executed no Format NVM, Sanitize or Namespace Management command",
                  r" admin_cmd sqid=[0-9]+ opc=0x(d|80|84)$", sm.lines)
