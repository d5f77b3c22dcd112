"""save_results = yes: boot 1 keeps its TAP in firmware variables (the OVMF vars file holds them, the ESP is untouched); boot 2 writes \\nvmetal\\results\\1.tap and 1.xml on the ESP before anything else, reports platform.results.saved and ends (after_save = shutdown); the files, read back with mtools, equal boot 1's serial TAP byte for byte and image/tap_tools.py's JUnit of it; boot 3 (after_save = run) finds no record left and runs."""

import os
import subprocess

from harness.scenario import TAP_TOOLS, Stop, sha256_of

MACHINE = {"NVME_DRIVE_COUNT": 1}  # a read-only run of ~27 KB of TAP: 2 chunks of at most 8 KiB
CONFIG = ["# scenario results-on-stick", "save_results = yes"]
# What the image names its variables (boot/results_store.c), as the vars file stores them.
HEADER_NAME = "NvmetalResults".encode("utf-16-le")
CHUNK_NAME = "NvmetalResults000".encode("utf-16-le")
SECOND_CHUNK = "NvmetalResults001".encode("utf-16-le")


def mtools(*argv, out=None):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    return subprocess.run(list(argv), env=env, stdout=out or subprocess.PIPE, stderr=subprocess.DEVNULL)


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def run(s):
    c = s.c
    vars_file = s.state_file("OVMF_VARS_4M.fd")
    if os.path.exists(vars_file):
        os.unlink(vars_file)  # a fresh variable store: no record left by an earlier run
    esp = s.media("stick", *CONFIG)
    esp_before = sha256_of(esp)

    # ---- boot 1: the run, kept in firmware variables ----
    b1 = s.boot("boot1", MACHINE, esp=esp)
    tap1 = b1.extract()
    c.rc("boot 1: exit code 0 (pass) through isa-debug-exit", b1.rc, 0, s.work)
    c.eq("boot 1 found no record waiting (fresh vars): no platform.results.saved point", len(tap1.at("platform.results.saved")), 0)
    c.grep("boot 1 says its TAP is kept in firmware variables", r"^# results: this run's TAP is kept in firmware variables", tap1)
    c.eq("boot 1 left the ESP byte-identical (the log went to variables, not the disk)", sha256_of(esp), esp_before)
    store = read_file(vars_file)
    c.check(HEADER_NAME in store and CHUNK_NAME in store and SECOND_CHUNK in store,
            "the OVMF vars file holds the header and two chunk variables (UTF-16 names)",
            "names not found in %s (%d bytes)" % (vars_file, len(store)))
    tap_bytes = read_file(b1.tap_path)
    if not tap_bytes:
        c.not_ok("boot 1 has a clean TAP stream", "no TAP in %s" % b1.serial)
        raise Stop()

    # ---- boot 2: the record written to the ESP, then the end ----
    b2 = s.boot("boot2", MACHINE, esp=esp)
    tap2 = b2.extract()
    c.rc("boot 2: exit code 0 (pass): only the write was tested", b2.rc, 0, s.work)
    points = tap2.at("platform.results.saved")
    p = points[0] if len(points) == 1 else None
    c.check(p is not None and p.passed, "boot 2 reports platform.results.saved passed", "; ".join(x.line for x in points) or "not reported")
    y = p.y if p else (lambda key: "")
    c.eq("platform.results.saved names \\nvmetal\\results\\1.tap", y("tap_file"), "\\nvmetal\\results\\1.tap")
    c.eq("platform.results.saved: tap_bytes equals boot 1's clean TAP", y("tap_bytes"), str(len(tap_bytes)))
    c.eq("platform.results.saved: run_verdict 0 (boot 1 passed)", y("run_verdict"), "0")
    c.eq("platform.results.saved: variables deleted", y("variables"), "deleted")
    chunks = int(y("chunks") or 0)
    c.check(chunks >= 2 and int(y("packed_bytes") or 0) < len(tap_bytes) // 2,
            "the log went in %d chunks, packed to %s of %d bytes" % (chunks, y("packed_bytes"), len(tap_bytes)),
            "chunks %s, packed_bytes %s" % (y("chunks") or "absent", y("packed_bytes") or "absent"))
    c.eq("boot 2 ran no test of its own (plan 1..1)", tap2.grep(r"^1\.\.[0-9]+$"), ["1..1"])

    got_tap = os.path.join(s.work, "stick-1.tap")
    got_xml = os.path.join(s.work, "stick-1.xml")
    with open(got_tap, "wb") as f:
        r1 = mtools("mcopy", "-n", "-i", esp, "::/nvmetal/results/1.tap", "-", out=f)
    with open(got_xml, "wb") as f:
        r2 = mtools("mcopy", "-n", "-i", esp, "::/nvmetal/results/1.xml", "-", out=f)
    c.check(r1.returncode == 0 and r2.returncode == 0, "mtools reads \\nvmetal\\results\\1.tap and 1.xml from the ESP", "mcopy failed")
    got = read_file(got_tap)
    if got == tap_bytes:
        c.ok("\\nvmetal\\results\\1.tap equals boot 1's serial TAP byte for byte (%d bytes)" % len(got))
    else:
        at = next((i for i, (a, b) in enumerate(zip(got, tap_bytes)) if a != b), min(len(got), len(tap_bytes)))
        c.not_ok("\\nvmetal\\results\\1.tap equals boot 1's serial TAP byte for byte",
                 "%d vs %d bytes, first difference at byte %d" % (len(got), len(tap_bytes), at))
    want_xml = os.path.join(s.work, "boot1.expected.xml")
    subprocess.run(["python3", TAP_TOOLS, "junit", b1.tap_path, want_xml], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c.check(read_file(got_xml) and read_file(got_xml) == read_file(want_xml),
            "\\nvmetal\\results\\1.xml equals image/tap_tools.py junit of boot 1's TAP byte for byte",
            "%d vs %d bytes" % (len(read_file(got_xml)), len(read_file(want_xml))))
    r = subprocess.run(["python3", TAP_TOOLS, "check", got_tap, got_xml], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c.check(r.returncode == 0, "tap_tools.py check: the JUnit holds exactly the TAP's points (%s)" % r.stdout.strip(), r.stdout.strip())

    # ---- boot 3: nothing left waiting; after_save = run would go on to test ----
    cfg3 = s.cfg("boot3", "# scenario results-on-stick, boot 3", "save_results = no", "after_save = run", "tests = pci.enumerate")
    mtools("mcopy", "-o", "-i", esp, cfg3, "::/nvmetal.cfg")
    b3 = s.boot("boot3", MACHINE, esp=esp)
    tap3 = b3.extract()
    c.rc("boot 3: exit code 0 (pass)", b3.rc, 0, s.work)
    c.eq("boot 3 found no record (boot 2 deleted the variables)", len(tap3.at("platform.results.saved")), 0)
    c.check(any(p.ok for p in tap3.at("pci.enumerate")), "boot 3 ran its own test (pci.enumerate passed)", "not reported")
    listing = mtools("mdir", "-b", "-i", esp, "::/nvmetal/results").stdout.decode(errors="replace").split()
    c.eq("the ESP's \\nvmetal\\results holds only 1.tap and 1.xml", sorted(os.path.basename(x) for x in listing),
         ["1.tap", "1.xml"])
