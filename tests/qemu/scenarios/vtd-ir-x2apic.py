"""interrupt remapping in x2APIC mode: the one scenario on QEMU 10 from bookworm-backports (image/qemu-backports.sh unpacks it; the system's QEMU 7.2 has no x2APIC under TCG and refuses eim=on). With -cpu qemu64,+x2apic and intel-iommu intremap=on,eim=on, the image switches the local APIC from xAPIC to x2APIC for the IR cases (QEMU's cpu_set_apic_base: EXTD set, inside the first vtd.ir.remapped point), programs IRTA with EIME=1 (the value the unit took) and every IR case holds as under xAPIC: each IRTE's vector delivered 4 times, none for the cleared and the wrong-SID entry; the watchdog's LAPIC timer still counts down when read through the x2APIC MSRs after the switch."""

import os
import subprocess

from harness import nvme
from harness import trace as tr
from harness.scenario import REPO, VTD_TRACE_EVENTS

TESTS = "tests = vtd.dmar.*, vtd.unit.*, vtd.ir.*, nvme.identify.*"
IR_PASS = ("vtd.ir.remapped", "vtd.ir.not_present", "vtd.ir.bad_sid", "vtd.ir.stale_iec")
EIME = 1 << 11


def backports_qemu(s):
    """The unpacked QEMU binary and its data directory, or None (a failed check says why)."""
    dest = os.environ.get("NVMETAL_QEMU_BPO") or os.path.join(os.path.expanduser("~"), ".cache", "nvmetal", "qemu-bpo")
    log = os.path.join(s.work, "qemu-backports.log")
    with open(log, "w") as f:
        r = subprocess.run(["bash", os.path.join(REPO, "image", "qemu-backports.sh"), dest], stdout=subprocess.PIPE,
                           stderr=f, text=True)
    binary = r.stdout.strip().splitlines()[-1] if r.returncode == 0 and r.stdout.strip() else ""
    if not binary or not os.access(binary, os.X_OK):
        s.c.not_ok("QEMU from bookworm-backports unpacked (image/qemu-backports.sh)", "see %s" % s.c.rel(log))
        return None
    s.c.ok("QEMU from bookworm-backports unpacked: %s" % binary)
    return binary, os.path.join(dest, "root", "usr", "share", "qemu")


def hexv(text):
    return int(text, 16) if text else -1


def run(s):
    c = s.c
    q = backports_qemu(s)
    if q is None:
        return
    binary, data = q
    s.fresh_nvme_state()
    trace = os.path.join(s.work, "x2apic.trace")
    esp = s.media("x2apic", "# scenario vtd-ir-x2apic", TESTS)
    # -L twice: QEMU 10's own ROMs, then the system's SeaBIOS (the VGA BIOS the data package links to).
    knobs = {"QEMU": binary, "EXTRA_ARGS": "-L %s -L /usr/share/seabios" % data, "CPU": "qemu64,+x2apic", "EIM": "on",
             "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "TRACE": trace, "TRACE_EVENTS": VTD_TRACE_EVENTS + " cpu_set_apic_base"}
    b = s.boot_qmp("x2apic", knobs, esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        return
    nvme.points_pass(c, tap, b.bdfs, *IR_PASS)
    nvme.points_skip(c, tap, b.bdfs, "qemu_no_cfis", "vtd.ir.compat_blocked")
    t = "vtd.ir.remapped"
    first = b.bdfs[0]
    nvme.yaml_is(c, "%s: the image switched the local APIC to x2APIC itself" % first, tap, t, first, "x2apic_entered_by", "nvmetal")
    for bdf in b.bdfs:
        nvme.yaml_is(c, "%s: the watchdog's LAPIC timer counts, read through the x2APIC MSRs" % bdf, tap, t, bdf,
                     "watchdog_timer_counting", "1")
    sm = tr.load(c, "", trace, os.path.join(s.work, "x2apic.events"))
    for bdf in b.bdfs:
        nvme.yaml_is(c, "%s: the unit has ECAP.EIM=1" % bdf, tap, t, bdf, "ecap_eim", "1")
        nvme.yaml_is(c, "%s: the local APIC runs in x2APIC mode" % bdf, tap, t, bdf, "lapic_mode", "x2APIC")
        irta = hexv(tap.yaml(t, bdf, "irta"))
        c.check(irta > 0 and irta & EIME, "%s: IRTA.EIME=1: 32-bit destinations (irta %s)" % (bdf, tap.yaml(t, bdf, "irta")), "")
        if not sm:
            continue
        writes = [e for e in sm.seg(t, bdf, "vtd_write") if hexv(e.get("reg")) == 0xb8]
        c.check(writes and all(hexv(e.get("value")) == irta for e in writes),
                "%s: the unit's IRTA register took 0x%x (vtd_reg_write)" % (bdf, irta),
                " / ".join(e.line for e in writes) or "no IRTA write in the point")
        for key in ("vector_first", "vector_second"):
            v = "0x%02x" % hexv(tap.yaml(t, bdf, key))
            remaps = [e for e in sm.seg(t, bdf, "ir_remap") if e.get("vector") == v]
            got = [e for e in sm.seg(t, bdf, "apic_deliver") if e.get("vector") == v]
            c.check(len(remaps) == 4 and len(got) == 4 and all(e.get("dest") == "0x0" for e in remaps),
                    "%s: the IRTE's vector %s went to x2APIC ID 0 four times (ir_remap, apic_deliver)" % (bdf, v),
                    "%d ir_remap, %d apic_deliver" % (len(remaps), len(got)))
        for blocked in ("vtd.ir.not_present", "vtd.ir.bad_sid"):
            got = sm.seg(blocked, bdf, "apic_deliver")
            remapped = sm.seg(blocked, bdf, "ir_remap")
            c.check(not got and not remapped, "%s %s: nothing remapped or delivered" % (bdf, blocked),
                    (got or remapped)[0].line if got or remapped else "")
    if sm:
        bases = sm.ev("apic_base")
        on = [e for e in bases if e.get("x2apic") == "1"]
        c.check(on and on[0].tid == t and on[0].where == first and all(e.get("x2apic") == "0" for e in bases[:bases.index(on[0])]),
                "QEMU's CPU took IA32_APIC_BASE with EXTD set first inside %s on %s (cpu_set_apic_base %s)" % (t, first, on[0].get("value") if on else "none"),
                " / ".join(e.line for e in bases) or "no cpu_set_apic_base")
