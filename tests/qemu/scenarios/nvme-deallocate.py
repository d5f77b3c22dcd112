"""Dataset Management deallocation with DULBE on, where QEMU reports it: with raw images opened discard=unmap QEMU punches a hole for the 4 KiB-aligned ranges the case deallocates (512-byte and 4 KiB blocks), and the read must fail with Deallocated or Unwritten Logical Block; the namespace images show the hole, independently of the image. (With QEMU's default discard=ignore the blocks are kept: nvme-cmb checks that outcome against its images.)"""

import os

from harness import nvme, oracles
from harness.scenario import NVME_TRACE_EVENTS, Stop
from harness import trace as tr

MACHINE = {"IOMMU": "none", "NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "NS_DRIVE_OPTS": "discard=unmap",
           "NVME_NS": "0:1:64M 0:2:64M:logical_block_size=4096,physical_block_size=4096"}
CONFIG = ["# scenario nvme-deallocate", "allow_write = nvmetal-*", "iommu = off",
          "tests = nvme.identify.*, nvme.io.deallocate, nvme.io.write_zeroes"]


def run(s):
    c = s.c
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    esp = s.media("nvme-deallocate", *CONFIG)
    trace = os.path.join(s.work, "nvme-deallocate.trace")
    b = s.boot_qmp("nvme-deallocate", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not b.bdfs:
        c.not_ok("QEMU realized the NVMe controller", "none in query-pci")
        raise Stop()
    bdf = b.bdfs[0]
    for nsid, bs, want, status in ((1, 512, "deallocated", "0x4287"), (2, 4096, "deallocated", "0x4287")):
        where = "%s nsid %d" % (bdf, nsid)
        nvme.yaml_is(c, "nsid %d (%d-byte blocks): the read after deallocation" % (nsid, bs), tap, "nvme.io.deallocate", where, "outcome", want)
        nvme.yaml_is(c, "nsid %d: its read status" % nsid, tap, "nvme.io.deallocate", where, "read_status", status)
        lbas = tap.yaml("nvme.io.deallocate", where, "lbas")
        if "-" not in lbas:
            c.not_ok("nvme.io.deallocate on nsid %d names its LBAs" % nsid, "lbas '%s'" % (lbas or "absent"))
            continue
        first, end = (int(x) for x in lbas.split("-", 1))
        img = s.state_file("nvme0n%d.img" % nsid)
        if want == "kept":
            c.oracle("nvme0n%d.img: QEMU kept the blocks (pattern still there)" % nsid, oracles.nvme("blocks", img, first, end - first, bs=bs))
        else:
            _, out = oracles.nvme("written", img, bs=bs)
            with open(img, "rb") as f:
                f.seek(first * bs)
                nonzero = any(f.read((end - first) * bs))
            if (" %d-" % first) not in out and ("-%d" % end) not in out and not nonzero:
                c.ok("nvme0n%d.img: LBAs %d..%d are zero on the host: QEMU punched the hole (%s)" % (nsid, first, end - 1, out))
            else:
                c.not_ok("nvme0n%d.img: LBAs %d..%d are zero on the host" % (nsid, first, end - 1), out)
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-deallocate.events"))
    if sm:
        n = sum(1 for e in sm.ev("io_cmd", "nvme.io.deallocate") if e.arg(1) == "opc=0x9")
        c.eq("QEMU executed one Dataset Management command per namespace, inside nvme.io.deallocate", n, 2)
        n = sum(1 for e in sm.ev("admin_cmd", "nvme.io.deallocate") if e.arg(1) == "opc=0x9")
        c.eq("QEMU executed two Set Features (DULBE on, then off) per namespace", n, 4)
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
