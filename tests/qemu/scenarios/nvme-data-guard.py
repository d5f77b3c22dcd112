"""with allow_write = *, a namespace holding a GPT (sgdisk) with a FAT partition and one holding a bare ext4 stay byte-identical, their write cases SKIP naming what was found, QEMU gets no Write for them, and a blank namespace beside them is written as usual; allow_write_over_data = yes then writes over the GPT."""

import os
import re
import subprocess

from harness import nvme
from harness.scenario import NVME_TRACE_EVENTS, Stop, sha256_of
from harness import trace as tr

WRITE_IDS = ["nvme.io.verify", "nvme.io.write_zeroes", "nvme.io.deallocate"]
MACHINE = {"NVME_DRIVE_COUNT": "3"}


def make_disks(s):
    """nvme0: a GPT disk as a partitioning tool leaves it, FAT in its first partition at 1 MiB;
    nvme1: ext4 over the whole namespace, no partition table; nvme2: zeros."""
    s.fresh_nvme_state()
    st = s.state
    for i in range(3):
        with open("%s/nvme%d.img" % (st, i), "ab") as f:
            f.truncate(64 << 20)
    with open(os.path.join(s.work, "sgdisk.log"), "a") as log:
        for argv in (["sgdisk", "-n", "1:2048:+16M", "-t", "1:0700", "-c", "1:data", "-n", "2:0:0", "-t", "2:8300", st + "/nvme0.img"],
                     ["mformat", "-i", st + "/nvme0.img@@1M", "-T", "32768", "-h", "64", "-s", "32", "-v", "NVMETALDATA", "::"],
                     ["mkfs.ext4", "-q", "-F", "-L", "nvmetal", st + "/nvme1.img"]):
            if subprocess.run(argv, stdout=log, stderr=log).returncode != 0:
                return False
    return True


def rw_on(sm, bdf, op):
    """Reads or Writes QEMU executed while a point on BDF ran (the copy between controllers left out)."""
    return sum(1 for e in sm.events if e.tid != "nvme.cmb.copy_between_controllers" and
               (e.where == bdf or e.where.startswith(bdf + "/")) and e.name == "rw" and e.arg(0) == op)


def run(s):
    c = s.c
    st = s.state
    # ---- boot 1: allow_write = *, the guard keeps the two formatted namespaces ----
    if not make_disks(s):
        c.not_ok("the GPT, FAT and ext4 images were made", "see %s/sgdisk.log" % s.work)
        raise Stop()
    table = subprocess.run(["sgdisk", "-p", st + "/nvme0.img"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True).stdout.splitlines()
    c.grep("sgdisk made a GPT whose first partition starts at 1 MiB", r"^ +1 +2048 +34815 ", table)
    before = sha256_of(st + "/nvme0.img", st + "/nvme1.img")
    esp = s.media("guard", "# scenario nvme-data-guard", "allow_write = *")
    k = dict(MACHINE, TRACE=os.path.join(s.work, "guard.trace"), TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate")
    b = s.boot_qmp("guard", k, esp=esp)
    tap = nvme.clean_pass(c, b)
    if len(b.bdfs) < 3:
        c.not_ok("QEMU realized 3 NVMe controllers", "got: %s" % " ".join(b.bdfs))
        raise Stop()
    bdf0, bdf1, bdf2 = b.bdfs[:3]
    nvme.unchanged(c, before, st + "/nvme0.img", st + "/nvme1.img")
    nvme.yaml_is(c, "the image names all four structures on the GPT disk", tap, "nvme.data.guard", bdf0 + " nsid 1", "found",
                 "protective MBR (GPT) at LBA 0, GPT header at LBA 1, FAT boot sector at LBA 2048, backup GPT header at LBA 131071")
    nvme.yaml_is(c, "the image names the ext4 superblock", tap, "nvme.data.guard", bdf1 + " nsid 1", "found", "ext2/3/4 superblock at LBA 2")
    nvme.points_skip(c, tap, [bdf0], ("data_found", {"found": r"protective MBR \(GPT\) at LBA 0, GPT header at LBA 1, FAT boot sector at LBA 2048.*"}), WRITE_IDS)
    nvme.points_skip(c, tap, [bdf1], ("data_found", {"found": r"ext2/3/4 superblock at LBA 2"}), WRITE_IDS)
    nvme.points_pass(c, tap, [bdf2], WRITE_IDS)
    nvme.yaml_is(c, "the guard refuses writes on the GPT disk", tap, "nvme.data.guard", bdf0 + " nsid 1", "writes", "refused")
    nvme.yaml_is(c, "the guard refuses writes on the ext4 namespace", tap, "nvme.data.guard", bdf1 + " nsid 1", "writes", "refused")
    nvme.yaml_is(c, "the guard allows writes on the blank namespace", tap, "nvme.data.guard", bdf2 + " nsid 1", "found", "none")
    nvme.verify_blocks(c, tap, bdf2 + " nsid 1", st + "/nvme2.img")
    # The read-only cases still ran on the formatted namespaces: the guard refuses writes only.
    nvme.points_pass(c, tap, [bdf0, bdf1], "nvme.identify.controller", "nvme.queues.io_pair", "nvme.cmb.read_into_cmb")
    sm = tr.load(c, "", b.trace, os.path.join(s.work, "guard.events"))
    if sm:
        c.eq("QEMU executed no Write while a point on %s (GPT) ran" % bdf0, rw_on(sm, bdf0, "write"), 0)
        c.eq("QEMU executed no Write while a point on %s (ext4) ran" % bdf1, rw_on(sm, bdf1, "write"), 0)
        n = rw_on(sm, bdf2, "write")
        c.check(n > 0, "QEMU executed %d Writes for %s (blank)" % (n, bdf2) if n else "QEMU executed Writes for %s (blank)" % bdf2, "none")
        # The guard's own point: it read LBAs 0..16383 and the last one (131071), wrote nothing.
        for bdf in (bdf0, bdf1, bdf2):
            n, blocks, first, end = sm.rw_blocks("nvme.data.guard", bdf, "read", 1)
            nw = sm.rw_blocks("nvme.data.guard", bdf, "write", 1)[0]
            if n > 0 and blocks == 16385 and first == 0 and end == 131072 and nw == 0:
                c.ok("during nvme.data.guard on %s QEMU read LBAs 0-16383 and 131071 (%d commands) and wrote nothing" % (bdf, n))
            else:
                c.not_ok("during nvme.data.guard on %s QEMU read LBAs 0-16383 and 131071 and wrote nothing" % bdf,
                         "%d reads of %d blocks (%d-%d), %d writes" % (n, blocks, first, end, nw))
        nvme.dma_inside(c, tap, sm)

    # ---- boot 2: allow_write_over_data = yes on the GPT disk's controller only ----
    if not make_disks(s):
        c.not_ok("the images were made again", "see %s/sgdisk.log" % s.work)
        raise Stop()
    before = sha256_of(st + "/nvme0.img", st + "/nvme1.img")
    esp = s.media("over", "# scenario nvme-data-guard: over data", "allow_write = nvmetal-0",
                  "allow_write_over_data = yes", "tests = nvme.identify.*, nvme.io.*")
    b = s.boot_qmp("over", MACHINE, esp=esp)
    tap = nvme.clean_pass(c, b)
    c.grep("over: the image says it writes over the GPT",
           r"^# data guard: %s nsid 1: writing over it: allow_write_over_data = yes$" % re.escape(bdf0), tap)
    nvme.points_pass(c, tap, [bdf0], WRITE_IDS)
    nvme.verify_blocks(c, tap, bdf0 + " nsid 1", st + "/nvme0.img")
    after = sha256_of(st + "/nvme1.img")
    c.check(after["nvme1.img"] == before["nvme1.img"], "over: nvme1.img (allow_write leaves it out) unchanged",
            "before: %s after: %s" % (before, after))
