"""one virtual NVDIMM (nvdimm=on, -device nvdimm): the image finds QEMU's NFIT and reports its persistent-memory range where QMP query-memory-devices says the NVDIMM lies, with its size; the platform capabilities follow nvdimm-persistence (cpu: CPU-cache and memory-controller flush; mem-ctrl: the controller's only; none: no structure) and unarmed=on shows as the mapping's not_armed flag; OVMF's memory map leaves the range out (nvdimm.region.map SKIPs saying so); the run writes nothing to the NVDIMM (its backing file byte-identical)."""

import os
import re

from harness import nvme, qmp
from harness.scenario import sha256_of

TID = "nvdimm.nfit.parse"
TESTS = "tests = nvdimm.*, platform.acpi.*"
VARIANTS = (
    ("cpu", {"NVDIMM_PERSISTENCE": "cpu"}, "0x3 (highest valid bit 1)", "0"),
    ("mem-ctrl-unarmed", {"NVDIMM_PERSISTENCE": "mem-ctrl", "NVDIMM_UNARMED": "on"}, "0x2 (highest valid bit 1)", "1"),
    ("no-persistence", {}, "none", "0"),
)


def boot_with_memory_devices(s, name, knobs):
    """QEMU frozen until query-memory-devices is answered, then run to the end."""
    esp = s.esp(name, s.cfg(name, "# scenario %s: %s" % (s.name, name), TESTS))
    k = dict(knobs, NVDIMM="on", START_PAUSED="yes", CMB_SIZE_MB="0", PMR_SIZE="0")
    k["QMP"] = os.path.join(s.sockdir, name + ".qmp")
    b = s.start(name, k, esp=esp)
    devices = None
    if b.wait_for(30, lambda: os.path.exists(b.sock)):
        r = qmp.session(b.sock, "query-memory-devices", "cont")
        devices = r[0].get("return") if r else None
    if devices is None:
        b.stop_qemu()
    return s._done(b), devices


def run(s):
    c = s.c
    image = s.state_file("nvdimm0.img")
    for name, knobs, capabilities, not_armed in VARIANTS:
        if os.path.exists(image):
            os.unlink(image)
        with open(image, "wb") as f:  # a pattern, so "unchanged" means something
            f.write(bytes(range(256)) * (64 * 4096))
        before = sha256_of(image)
        b, devices = boot_with_memory_devices(s, name, knobs)
        c.rc("%s: exit code 0 (pass) through isa-debug-exit" % name, b.rc, 0, s.work)
        tap = b.tap
        nvme.tap_clean(c, tap)
        nvdimms = [d["data"] for d in (devices or []) if d.get("type") == "nvdimm"]
        if len(nvdimms) != 1:
            c.not_ok("%s: QMP query-memory-devices lists one nvdimm" % name, repr(devices)[:200])
            continue
        d = nvdimms[0]
        want = "persistent memory at 0x%x, 0x%x bytes" % (d["addr"], d["size"])
        spa = [p.y(k) for p in tap.at(TID) for k in p.yaml if re.match(r"^spa_[0-9]+$", k)]
        c.check(len(spa) == 1 and spa[0].startswith(want + ","),
                "%s: the NFIT's range is where QMP puts the NVDIMM (%s)" % (name, want), "; ".join(spa) or "no spa_* key")
        nvme.point_keys(c, tap, TID, None, {"spa_ranges": 1, "region_mappings": 1, "capabilities": capabilities,
                                             "not_armed": not_armed},
                        what="%s: capabilities and the not-armed flag as the machine was given" % name)
        # OVMF 2022.11 lists no NVDIMM in its memory map: neither EfiPersistentMemory nor any
        # other type covers the range, which the image says instead of calling it persistent.
        lines = tap.at("nvdimm.region.map")
        c.check(len(lines) == 1 and lines[0].skipped_as("not_in_memory_map") and lines[0].y("outside_map") == "1"
                and lines[0].y("conflicts") == "0",
                "%s: nvdimm.region.map SKIPs: the memory map leaves the range out, overlapping no other type" % name,
                "\n".join(p.line for p in lines) or "not reported")
        c.eq("%s: the NVDIMM's backing file is byte-identical (nothing writes it)" % name, sha256_of(image), before)
