"""a defect of QEMU 7.2 the image must catch: with an extended-LBA format (metadata interleaved with data), a Write longer than about 512 bytes of metadata stores the data but not the rest of the metadata. The same transfer with a separate metadata buffer is stored whole. The image's nvme.io.verify must fail on the first and pass on the second, and the namespace images show why."""

import os
import re

from harness import nvme, oracles
from harness.scenario import Stop

MACHINE = {"IOMMU": "none", "NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0",
           "NVME_NS": "0:1:64M:ms=16,mset=1 0:2:64M:ms=16"}
CONFIG = ["# scenario nvme-extended-lba-limit", "allow_write = nvmetal-*", "tests = nvme.identify.*, nvme.io.verify", "iommu = off"]


def run(s):
    c = s.c
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    esp = s.media("nvme-extended-lba-limit", *CONFIG)
    b = s.boot("nvme-extended-lba-limit", MACHINE, esp=esp)
    tap = b.extract()
    c.rc("exit code 1 (a test failed) through isa-debug-exit", b.rc, 1, s.work)
    ids_ok = [p for p in tap.at("nvme.identify.controller") if p.ok and p.where]
    if not ids_ok:
        c.not_ok("nvme.identify.controller passed on the controller", "no such point")
        raise Stop()
    bdf = ids_ok[0].where
    # The image: the interleaved namespace fails on its PRP-list shape, at byte 512 of a block (the
    # first metadata byte); the separate one passes every shape.
    line = "\n".join(p.line for p in tap.on_ns("nvme.io.verify", bdf, 1))
    c.check(line.startswith("not ok "), "nvme.io.verify fails on nsid 1 (extended LBA): %s" % line.split("nsid 1 ", 1)[-1]
            if line.startswith("not ok ") else "nvme.io.verify fails on nsid 1 (extended LBA)", line or "not reported")
    nvme.yaml_is(c, "the first mismatch is the first metadata byte of a block", tap, "nvme.io.verify", bdf + " nsid 1", "offset_in_block", 512)
    shape = tap.yaml("nvme.io.verify", bdf + " nsid 1", "shape")
    c.check(shape.startswith("PRP list, "), "the shape that failed is the first long one (%s)" % shape
            if shape.startswith("PRP list, ") else "the shape that failed is the first long one (PRP list)", "shape: %s" % (shape or "absent"))
    line = "\n".join(p.line for p in tap.on_ns("nvme.io.verify", bdf, 2))
    good = line.startswith("ok ") and "# SKIP" not in line
    c.check(good, "nvme.io.verify passes on nsid 2 (separate metadata): %s" % line.split("nsid 2 ", 1)[-1]
            if good else "nvme.io.verify passes on nsid 2 (separate metadata)", line or "not reported")
    # The host files: QEMU stored the data of the failing write, and metadata only for its first
    # blocks; the separate namespace has every block's metadata.
    m = re.match(r"^PRP list, ([0-9]+) blocks at LBA ([0-9]+)$", shape)
    lba, count = (int(m.group(2)), int(m.group(1))) if m else (0, 0)
    if count > 0:
        bs, ms = 512, 16
        with open(s.state_file("nvme0n1.img"), "rb") as f:
            data = f.read()
        moff = (len(data) // (bs + ms)) * bs
        kept = [data[moff + (lba + i) * ms:moff + (lba + i + 1) * ms] != bytes(ms) for i in range(count)]
        stored = kept.index(False) if False in kept else count
        after = sum(kept[stored:])
        data_blocks = sum(data[(lba + i) * bs:(lba + i + 1) * bs] != bytes(bs) for i in range(count))
        if 0 < stored < count and after == 0 and data_blocks == count:
            c.ok("nvme0n1.img: QEMU stored all %d data blocks of the write but metadata only for the first %d" % (count, stored))
        else:
            c.not_ok("nvme0n1.img: QEMU stored the data of the write but not all its metadata",
                     "metadata kept for %d then %d more of %d blocks, data for %d" % (stored, after, count, data_blocks))
    else:
        c.not_ok("nvme.io.verify names the failing transfer", "shape '%s'" % shape)
    end = tap.yaml("nvme.io.verify", bdf + " nsid 2", "lbas").split("-", 1)[-1]
    c.oracle("nvme0n2.img: every block io.verify wrote has its metadata", oracles.nvme("metadata", s.state_file("nvme0n2.img"), 0, end, ms=16))
