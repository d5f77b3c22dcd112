"""one controller (no CMB, no PMR, no IOMMU) with namespaces 1 (512 B blocks) and 3 (4 KiB blocks) and none at 2, allow_write on: the image finds exactly the active NSIDs, runs every per-namespace case on both with each one's own block size, and QEMU's trace and the two images agree."""

import os
import re

from harness import nvme
from harness.scenario import AREA_FORMAT, AREA_IO_VERIFY, NVME_TRACE_EVENTS, Stop
from harness import trace as tr

# 64 MiB of 4 KiB blocks is 16384 LBAs: the whole map the image's cases use (AREA_FORMAT ends at 16384) fits exactly.
MACHINE = {"IOMMU": "none", "NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0",
           "NVME_NS": "0:1:64M 0:3:64M:logical_block_size=4096,physical_block_size=4096"}
NS_IDS = ["nvme.queues.io_pair", "nvme.io.verify", "nvme.io.flush", "nvme.io.write_zeroes", "nvme.io.deallocate"]


def run(s):
    c = s.c
    name = "nvme-sparse-nsid"
    s.fresh_nvme_state()
    esp = s.media(name, "# scenario nvme-sparse-nsid: write to the runner's controller", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, name + ".trace")
    b = s.boot_qmp(name, dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS), esp=esp)
    tap = b.extract()
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    c.eq("QEMU realized 1 NVMe controller", len(b.bdfs), 1)
    if len(b.bdfs) != 1:
        raise Stop()
    bdf = b.bdfs[0]
    img1, img3 = s.state_file("nvme0n1.img"), s.state_file("nvme0n3.img")
    # ---- which namespaces, in what format ----
    got = " ".join(p.nsid for p in tap.points if re.match(r"^nvme\.identify\.namespaces: %s nsid [0-9]+( |$)" % re.escape(bdf), p.text))
    c.eq("nvme.identify.namespaces reports exactly nsid 1 and 3 on %s" % bdf, got, "1 3")
    n2 = sum(1 for p in tap.points if re.match(r"^[a-z0-9_.]+: [0-9a-f:./a-z]+ nsid 2( |$)", p.text))
    n13 = sum(1 for p in tap.points if re.match(r"^[a-z0-9_.]+: [0-9a-f:./a-z]+ nsid [13]( |$)", p.text))
    if n13 > 0 and n2 == 0:
        c.ok("%d test points name nsid 1 or 3, none names nsid 2" % n13)
    else:
        c.not_ok("test points name nsid 1 and 3, none nsid 2", "%d name 1 or 3, %d name 2" % (n13, n2))
    # The format as the image decoded it, against the image files QEMU serves: nsze blocks of
    # block_bytes are the file, byte for byte.
    for nsid, bs, f in ((1, 512, img1), (3, 4096, img3)):
        w = "%s nsid %d" % (bdf, nsid)
        nsze, got_bs = tap.yaml("nvme.identify.namespaces", w, "nsze"), tap.yaml("nvme.identify.namespaces", w, "block_bytes")
        ms, csi = tap.yaml("nvme.identify.namespaces", w, "metadata_bytes"), tap.yaml("nvme.identify.namespaces", w, "csi")
        size = os.path.getsize(f) if os.path.exists(f) else 0
        if got_bs == str(bs) and ms == "0" and csi == "0x00" and nsze.isdigit() and int(nsze) * bs == size and size > 0:
            c.ok("nsid %d: block_bytes %s, metadata_bytes %s, csi %s, nsze %s: %s x %d = %s's %d bytes" % (nsid, got_bs, ms, csi, nsze, nsze, bs, os.path.basename(f), size))
        else:
            c.not_ok("nsid %d: block_bytes %d, no metadata, NVM command set, nsze x block_bytes = %s's size" % (nsid, bs, os.path.basename(f)),
                     "block_bytes '%s', metadata_bytes '%s', csi '%s', nsze '%s', file %d bytes" % (got_bs, ms, csi, nsze, size))
        nvme.yaml_is(c, "nsid %d: io.verify moved blocks of the namespace's own size" % nsid, tap, "nvme.io.verify", w, "data_block_bytes", bs)
    # ---- every per-namespace case on both ----
    nvme.points_pass_at(c, tap, [bdf], "nvme.controller.takeover", "nvme.identify.controller",
                        [i + "@1" for i in NS_IDS], [i + "@3" for i in NS_IDS], "nvme.controller.shutdown")
    nvme.only_skips(c, tap, nvme.NO_CMB_PMR_SKIPS + nvme.PLAIN_SKIPS,
                    "only what a controller without CMB/PMR, a plain namespace and bench = no explain (nothing for size)")
    # ---- QEMU's trace ----
    sm = tr.load(c, "", trace, os.path.join(s.work, name + ".events"))
    if sm:
        nvme.trace_no_errors(c, sm)
        nvme.dma_inside(c, tap, sm)
        # Every I/O command QEMU took named namespace 1 or 3, and each of them.
        cnt = {}
        for e in sm.ev("io_cmd"):
            n = "?"
            for f in e.w[5:]:
                if f.startswith("nsid="):
                    n = f[5:]
            cnt[n] = cnt.get(n, 0) + 1
        nsids = " ".join("%s=%d" % (k, cnt[k]) for k in sorted(cnt))
        if re.match(r"^1=[0-9]+ 3=[0-9]+$", nsids):
            c.ok("QEMU's I/O commands named only nsid 1 and 3 (commands per nsid: %s)" % nsids)
        else:
            c.not_ok("QEMU's I/O commands named only nsid 1 and 3, both", "commands per nsid: %s" % (nsids or "none"))
        # io.verify on each namespace: QEMU wrote and read exactly the LBAs (in that namespace's blocks) the image names.
        for nsid in (1, 3):
            first, end = nvme.yaml_lbas(tap, "nvme.io.verify", "%s nsid %d" % (bdf, nsid)) or (-1, -1)
            nw, bw, lw, hw = sm.rw_blocks("nvme.io.verify", bdf, "write", nsid)
            _, br, lr, hr = sm.rw_blocks("nvme.io.verify", bdf, "read", nsid)
            if first >= 0 and nw > 0 and bw == end - first and lw == first and hw == end and br == bw and lr == first and hr == end:
                c.ok("during nvme.io.verify on nsid %d QEMU wrote, then read, exactly LBAs %d-%d (%d blocks in %d Writes)" % (nsid, first, end, bw, nw))
            else:
                c.not_ok("during nvme.io.verify on nsid %d QEMU wrote and read exactly the LBAs its YAML names" % nsid,
                         "lbas %d-%d; QEMU wrote %d blocks in %d commands (%d-%d), read %d (%d-%d)" % (first, end, bw, nw, lw, hw, br, lr, hr))
        nvme.shutdown_trace(c, sm, bdf)
    # ---- the namespace images ----
    nvme.written(c, "nvme0n1.img (nsid 1, 512 B blocks): nothing written outside io.verify's and the format cases' areas", img1, AREA_IO_VERIFY, AREA_FORMAT)
    nvme.written(c, "nvme0n3.img (nsid 3, 4 KiB blocks): nothing written outside io.verify's and the format cases' areas", img3, AREA_IO_VERIFY, AREA_FORMAT, bs=4096)
    nvme.verify_blocks(c, tap, bdf + " nsid 1", img1, 512)
    nvme.verify_blocks(c, tap, bdf + " nsid 3", img3, 4096)
