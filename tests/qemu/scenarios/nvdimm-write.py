"""NVDIMM writes, held against the backing file: with share=on two boots (the second on -cpu max, with CLWB and CLFLUSHOPT) leave generation 1, then 2, of the record at offset 0 and each write method's pattern blocks at the offsets the image printed; share=off writes stay private (the file byte-identical, the next boot finds no record and claims nothing); unarmed=on, allow_write = * (no nvdimm- name) and allow_write_outside_map = no each leave the file byte-identical with the write cases SKIPping for that reason; the reported persistence domain follows nvdimm-persistence."""

import hashlib
import os

from harness import nvme, oracles
from harness import trace as tr
from harness.scenario import VTD_TRACE_EVENTS

TESTS = "tests = nvdimm.*"
WRITE = ("allow_write = nvdimm-spa-*", "allow_write_outside_map = yes")
WRITERS = ("nvdimm.persistence.power_cycle", "nvdimm.io.verify")
RANGE = "nvdimm-spa-2"  # QEMU 7.2's SPA range structure index for the one NVDIMM
BLOCK = 4096
SIZE = 64 << 20


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def zero_file(path, size=SIZE):
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(size)


def boot(s, name, knobs, *cfg, tests=TESTS):
    esp = s.media(name, "# scenario nvdimm-write: %s" % name, tests, *cfg)
    k = dict(NVDIMM="on", IOMMU="none", CMB_SIZE_MB="0", PMR_SIZE="0", NVDIMM_PERSISTENCE="mem-ctrl")
    k.update(knobs)
    b = s.boot(name, k, esp=esp)
    nvme.clean_pass(s.c, b, name)
    return b


def record(c, what, image, generation):
    got = oracles.nvme("pmr", image)[1]
    c.check(got.startswith("valid generation %d " % generation), "%s: the file holds record generation %d at offset 0" % (what, generation), got)


def patterns(c, what, tap, image, methods):
    """Each method's 64 KiB at its offset_* holds well-formed pattern blocks whose LBA is offset / 4096."""
    tid = "nvdimm.io.verify"
    c.eq("%s: the image wrote with %s" % (what, methods), tap.yaml(tid, RANGE, "methods"), methods)
    per = int(tap.yaml(tid, RANGE, "bytes_per_method") or "0")
    for m in methods.split():
        off = int(tap.yaml(tid, RANGE, "offset_" + m) or "-1", 16)
        if off < 0 or per <= 0:
            c.not_ok("%s: %s's offset reported" % (what, m), "offset_%s or bytes_per_method absent" % m)
            continue
        rc, out = oracles.nvme("blocks", image, str(off // BLOCK), str(per // BLOCK), bs=BLOCK)
        c.check(rc == 0, "%s: the file holds %s's %d pattern blocks at 0x%x" % (what, m, per // BLOCK, off), out)


def unchanged(s, name, knobs, cfg, skip, domain=None):
    """A boot that must not write: the file is byte-identical and both write cases SKIP with SKIP."""
    c = s.c
    image = s.state_file("nvdimm0.img")
    before = digest(image)
    b = boot(s, name, knobs, *cfg)
    for tid in WRITERS:
        ls = b.tap.at(tid, RANGE)
        c.check(len(ls) == 1 and ls[0].skipped_as(skip), "%s: %s SKIPs %s" % (name, tid, skip),
                "\n".join(p.line for p in ls) or "not reported")
    c.eq("%s: the NVDIMM's backing file is byte-identical" % name, digest(image), before)
    return b


def run(s):
    c = s.c
    image = s.state_file("nvdimm0.img")
    # ---- share=on, boot 1: default CPU (CLFLUSH only), memory-controller domain ----
    zero_file(image)
    b = boot(s, "share-on-1", {}, *WRITE)
    nvme.point_keys(c, b.tap, "nvdimm.persistence.power_cycle", RANGE, {"found": "none", "generation": 1, "flush": "clflush"},
                    what="share-on-1: no record found, generation 1 written with CLFLUSH")
    nvme.point_keys(c, b.tap, "nvdimm.persistence.domain", None, {"domain": "memory_controller", "write_needs": "cache_line_flush+sfence"},
                    what="share-on-1: nvdimm-persistence=mem-ctrl reported as the memory controller's domain")
    record(c, "after share-on-1", image, 1)
    seed = b.tap.yaml("nvdimm.io.verify", RANGE, "seed")
    got = oracles.nvme("pmr", image)[1]
    c.check(seed and " seed 0x%x " % int(seed, 16) in got, "share-on-1: the record carries the run's seed (%s, as io.verify's patterns)" % seed, got)
    patterns(c, "share-on-1", b.tap, image, "clflush non_temporal")
    # ---- share=on, boot 2: -cpu max (CLWB, CLFLUSHOPT), CPU-cache domain ----
    b = boot(s, "share-on-2", {"CPU": "max", "NVDIMM_PERSISTENCE": "cpu"}, *WRITE, "bench = yes")
    nvme.point_keys(c, b.tap, "nvdimm.bench.bandwidth", RANGE,
                    {"write_%s_mib_per_s" % m: (lambda v: v.isdigit() and int(v) > 0) for m in ("clwb", "clflushopt", "clflush", "non_temporal")},
                    what="share-on-2: bench = yes: 1 MiB written and read back with each of the four methods, figures in the YAML")
    nvme.point_keys(c, b.tap, "nvdimm.persistence.power_cycle", RANGE,
                    {"found": "valid", "found_generation": 1, "generation": 2, "flush": "clwb"},
                    what="share-on-2: boot 1's record found and verified, generation 2 written with CLWB")
    nvme.point_keys(c, b.tap, "nvdimm.persistence.domain", None, {"domain": "cpu_cache", "write_needs": "sfence"},
                    what="share-on-2: nvdimm-persistence=cpu reported as the CPU-cache domain")
    record(c, "after share-on-2", image, 2)
    patterns(c, "share-on-2", b.tap, image, "clwb clflushopt clflush non_temporal")
    dma(s)
    # ---- refusals on the same file: nothing changes ----
    unchanged(s, "unarmed", {"NVDIMM_UNARMED": "on"}, WRITE, "not_armed")
    b = unchanged(s, "glob-star", {}, ("allow_write = *", "allow_write_outside_map = yes"), "allow_write")
    ls = b.tap.at("nvdimm.persistence.power_cycle", RANGE)
    c.check(len(ls) == 1 and ls[0].y("found") == "valid" and ls[0].y("found_generation") == "2",
            "glob-star: the read-only pass still verifies boot 2's record (found_generation 2)",
            "\n".join(p.line for p in ls) or "not reported")
    unchanged(s, "outside-map-no", {}, ("allow_write = nvdimm-spa-*",), "not_in_memory_map")
    label(s)
    two(s)
    # ---- share=off: writes private to the boot ----
    zero_file(image)
    before = digest(image)
    for n in (1, 2):
        name = "share-off-%d" % n
        b = boot(s, name, {"NVDIMM_SHARE": "off"}, *WRITE)
        nvme.point_keys(c, b.tap, "nvdimm.persistence.power_cycle", RANGE, {"found": "none", "generation": 1},
                        what="%s: no record from the boot before (share=off kept nothing), generation 1 written and read back" % name)
        nvme.point_keys(c, b.tap, "nvdimm.io.verify", RANGE, {"methods": "clflush non_temporal"},
                        what="%s: the patterns read back within the boot" % name)
        c.eq("%s: the NVDIMM's backing file is byte-identical (share=off)" % name, digest(image), before)


def dma(s):
    """Under intel-iommu each controller reads 16 KiB of its namespace into its NVDIMM slot through
    an IOVA: the backing file holds the namespace image's bytes there, and QEMU translated the
    controller's IOVAs into the slot's pages without a fault."""
    c = s.c
    image = s.state_file("nvdimm0.img")
    s.fresh_nvme_state()
    for i in (0, 1):  # data the namespaces really hold, not zeros the NVDIMM might hold too
        with open(s.state_file("nvme%d.img" % i), "wb") as f:
            f.write(os.urandom(1 << 20))
            f.truncate(64 << 20)
    trace = os.path.join(s.work, "dma.trace")
    b = boot(s, "dma", {"IOMMU": "intel-iommu", "TRACE": trace, "TRACE_EVENTS": VTD_TRACE_EVENTS}, *WRITE,
             tests="tests = nvdimm.dma.*, nvme.identify.*")
    points = b.tap.at("nvdimm.dma.target")
    c.check(len(points) == 2 and all(p.passed for p in points), "dma: nvdimm.dma.target passed on both controllers",
            "\n".join(p.line for p in points) or "not reported")
    sm = tr.load(c, "dma", trace, os.path.join(s.work, "dma.events"))
    with open(image, "rb") as f:
        nvdimm = f.read()
    for p in points:
        sid = p.y("requester_id")
        bdf = "%02x:%02x.%x" % (int(sid, 16) >> 8, (int(sid, 16) >> 3) & 31, int(sid, 16) & 7) if sid else "?"
        i = int(bdf[3:5], 16) - 2  # QEMU's nvme0 at 00:02.0, nvme1 at 00:03.0
        off, size = int(p.y("nvdimm_offset") or "0", 16), int(p.y("blocks") or "0") * int(p.y("block_bytes") or "0")
        lba = int(p.y("lba") or "0")
        with open(s.state_file("nvme%d.img" % i), "rb") as f:
            f.seek(lba * int(p.y("block_bytes") or "0"))
            want = f.read(size)
        c.check(size > 0 and nvdimm[off:off + size] == want,
                "dma: %s: the file holds nvme%d.img's %d bytes from LBA %d at 0x%x" % (bdf, i, size, lba, off),
                "differs" if size else "sizes absent")
        if not sm:
            continue
        iova, phys = int(p.y("iova") or "0", 16), int(p.y("physical") or "0", 16)
        ev = [e for e in sm.ev("translate", "nvdimm.dma.target") if e.get("sid") == bdf]
        pages = {(int(e.get("iova"), 16) & ~0xfff, int(e.get("gpa"), 16) & ~0xfff) for e in ev}
        want_pages = {(iova + k, phys + k) for k in range(0, size, 4096)}
        c.check(iova and want_pages <= pages,
                "dma: %s: QEMU translated each IOVA page 0x%x.. to the NVDIMM slot 0x%x.. (%d pages)" % (bdf, iova, phys, len(want_pages)),
                "; ".join(e.line for e in ev[:4]) or "no translate for %s in the point" % bdf)
        faults = [e for e in sm.ev("dma_fault", "nvdimm.dma.target") if e.get("sid") == bdf]
        c.check(not faults, "dma: %s: no DMA fault in the point" % bdf, faults[0].line if faults else "")


def label(s):
    """A 4 MiB NVDIMM with a 128 KiB label area (label-size): the SPA range stops short of the
    labels, the writes stay inside it (the label area still zero), allow_write names it by its
    NFIT device handle, and the bench SKIPs for a range too small for its layout."""
    c = s.c
    image = s.state_file("nvdimm0.img")
    size, labels = 4 << 20, 128 << 10
    zero_file(image, size)
    b = boot(s, "label", {"NVDIMM_SIZE": "4M", "NVDIMM_LABEL_SIZE": "128K"},
             "allow_write = nvdimm-0x00000001", "allow_write_outside_map = yes", "bench = yes")
    parsed = b.tap.at("nvdimm.nfit.parse")
    spa = parsed[0].y("spa_2") if parsed else ""
    c.check(spa.startswith("persistent memory at 0x100000000, 0x%x bytes," % (size - labels)),
            "label: the SPA range is the file less its label area (0x%x bytes)" % (size - labels), spa or "no spa_2 key")
    for tid in WRITERS:
        nvme.point_keys(c, b.tap, tid, RANGE, {"policy_reason": "allow_write names every NVDIMM of nvdimm-spa-2 (1)"},
                        what="label: %s written, allowed by the NVDIMM's handle" % tid)
    ls = b.tap.at("nvdimm.bench.bandwidth", RANGE)
    c.check(len(ls) == 1 and ls[0].skipped_as("nvdimm_small") and ls[0].y("length") == "0x%x" % (size - labels),
            "label: nvdimm.bench.bandwidth SKIPs nvdimm_small with the range's length", "\n".join(p.line for p in ls) or "not reported")
    record(c, "label", image, 1)
    patterns(c, "label", b.tap, image, "clflush non_temporal")
    with open(image, "rb") as f:
        f.seek(size - labels)
        area = f.read()
    c.check(len(area) == labels and not any(area), "label: the label area (the file's last 128 KiB) is untouched (zero)",
            "%d bytes, %d non-zero" % (len(area), sum(1 for x in area if x)))


def two(s):
    """Two NVDIMMs (SPA ranges 2 and 4, handles 1 and 2): allow_write naming one range, then the
    other NVDIMM by its handle, writes that one only; the other's file stays byte-identical and
    its write cases SKIP allow_write."""
    c = s.c
    files = [s.state_file("nvdimm%d.img" % i) for i in (0, 1)]
    for f in files:
        zero_file(f)
    for name, allow, written, spared in (("two-by-range", "allow_write = nvdimm-spa-2", 0, 1),
                                         ("two-by-handle", "allow_write = nvdimm-0x00000002", 1, 0)):
        before = digest(files[spared])
        b = boot(s, name, {"NVDIMM_COUNT": "2"}, allow, "allow_write_outside_map = yes")
        ranges = {0: "nvdimm-spa-2", 1: "nvdimm-spa-4"}
        for tid in WRITERS:
            ls = b.tap.at(tid, ranges[written])
            c.check(len(ls) == 1 and ls[0].passed, "%s: %s passed on %s" % (name, tid, ranges[written]),
                    "\n".join(p.line for p in ls) or "not reported")
            ls = b.tap.at(tid, ranges[spared])
            c.check(len(ls) == 1 and ls[0].skipped_as("allow_write"), "%s: %s SKIPs allow_write on %s" % (name, tid, ranges[spared]),
                    "\n".join(p.line for p in ls) or "not reported")
        record(c, "%s: nvdimm%d.img" % (name, written), files[written], 1)
        c.eq("%s: nvdimm%d.img (%s, not named) is byte-identical" % (name, spared, ranges[spared]), digest(files[spared]), before)
    for f in files[1:]:
        os.unlink(f)  # the boots before this one have one NVDIMM
