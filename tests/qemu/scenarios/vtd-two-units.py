"""two DRHDs nothing answers at (IOMMU=none, a crafted DMAR through -acpitable): unit 0 at 0xfed90000 scopes q35's VGA with an RMRR for it, unit 1 at 0xfed91000 is INCLUDE_PCI_ALL; the image names the right unit for each NVMe controller and for the display (the harness's own table is the oracle), reports both absent, SKIPs the VT-d cases as unit_absent and never writes either base (QEMU's guest_errors log of accesses to unassigned memory); a second DMAR, its scope running past its DRHD's end, is refused on the DMAR-rejected path with no access to either base and no crash."""

import os
import re
import struct

from harness import ids, nvme, pci, qmp, vtd
from harness.scenario import VTD_TRACE_EVENTS

# Where no device decodes on q35 without intel-iommu: 0xfed90000 is the intel-iommu's own
# register page (absent with IOMMU=none), 0xfed91000 the page after it. Both lie in the
# chipset window 0xfec00000..0xfeffffff (IOAPIC 0xfec00000, HPET 0xfed00000, LPC RCRB
# 0xfed1c000, LAPIC 0xfee00000) that OVMF never hands to a PCI BAR; QEMU's flat memory map,
# read over QMP before the firmware runs, must show nothing there either.
UNIT0, UNIT1 = 0xFED90000, 0xFED91000
VGA = (0, 1, 0)                          # q35's VGA (checked against query-pci)
RMRR = (0x000A0000, 0x000BFFFF)          # the legacy VGA window, the classic display RMRR
MACHINE = {"IOMMU": "none", "LOG_ITEMS": "guest_errors"}
# The VT-d cases that need the unit (all but the table and units reports and the bench).
NEEDS_UNIT = [i for i in ids.VTD if i not in ("vtd.dmar.parse", "vtd.dmar.units") and not i.startswith("vtd.bench.")]
# QEMU's line for an access nothing decodes (memory_region_access_valid, -d guest_errors).
INVALID = re.compile(r"Invalid (read|write) at addr 0x([0-9A-Fa-f]+), size (\d+), region '[^']*', reason: rejected")


def scope(kind, bus, dev, fn, length=None):
    """A device scope: type, length, flags, reserved, enumeration ID, start bus, one (device, function) hop."""
    return struct.pack("<BBBBBBBB", kind, length or 8, 0, 0, 0, bus, dev, fn)


def drhd(flags, base, scopes=b""):
    return struct.pack("<HHBBHQ", 0, 16 + len(scopes), flags, 0, 0, base) + scopes


def rmrr(base, limit, scopes):
    return struct.pack("<HHHHQQ", 1, 24 + len(scopes), 0, 0, base, limit) + scopes


def dmar(body):
    """The whole table: ACPI header (checksum made right), HAW 39 bits, flags 0, reserved."""
    payload = struct.pack("<BB10x", 38, 0) + body
    header = bytearray(struct.pack("<4sIBB6s8sI4sI", b"DMAR", 36 + len(payload), 1, 0, b"NVMTAL",
                                   b"TWOUNITS", 1, b"NVMT", 1))
    raw = header + payload
    raw[9] = (-sum(raw)) & 0xFF
    return bytes(raw)


def two_units(malformed=False):
    # Malformed: the VGA scope claims 16 bytes where its DRHD holds 8 (QEMU and OVMF fix a
    # table's checksum on their own, so a bad checksum cannot be injected this way).
    vga = scope(1, *VGA, length=16 if malformed else None)
    return dmar(drhd(0, UNIT0, vga) + drhd(1, UNIT1) + rmrr(RMRR[0], RMRR[1], scope(1, *VGA)))


def flat_view_holders(text, lo, hi):
    """The regions of QEMU's flat memory map ('info mtree -f', address-space: memory) that overlap lo..hi."""
    out, on = [], False
    for ln in text.splitlines():
        if ln.startswith("FlatView") or ln.startswith("address-space"):
            on = ln.startswith("address-space: memory") or (on and ln.startswith("address-space"))
            continue
        m = re.match(r"^\s+([0-9a-f]{16})-([0-9a-f]{16}) \(prio [-0-9]+, ([a-z]+)\): (\S+)", ln)
        if on and m and int(m.group(1), 16) <= hi and int(m.group(2), 16) >= lo:
            out.append(ln.strip())
    return out


def boot(s, name, table, *cfg):
    """Frozen (-S) until query-pci and QEMU's flat memory map are saved, then run to the end."""
    path = os.path.join(s.work, name + ".dmar.bin")
    with open(path, "wb") as f:
        f.write(table)
    esp = s.esp(name, s.cfg(name, "# scenario %s: %s" % (s.name, name), "allow_write = nvmetal-*", *cfg))
    if esp is None:
        return None, ""
    k = dict(MACHINE, TRACE=os.path.join(s.work, name + ".trace"), TRACE_EVENTS=VTD_TRACE_EVENTS,
             START_PAUSED="yes", QMP=os.path.join(s.sockdir, name + ".qmp"))
    b = s.start(name, k, esp=esp, qemu_args=["-acpitable", "file=" + path])
    r = None
    if b.wait_for(30, lambda: os.path.exists(b.sock)):
        r = qmp.session(b.sock, "query-pci", ("human-monitor-command", {"command-line": "info mtree -f"}), "cont")
    mtree = ""
    if r is not None:
        b.qmp = r[0]
        mtree = r[1].get("return", "") if isinstance(r[1], dict) else ""
    else:
        s.c.not_ok("QMP query-pci, info mtree and cont answered", "socket %s" % b.sock)
        b.stop_qemu()
    b.wait()
    s.c.note("boot %s: runner exit %s after %ss" % (name, b.rc, b.seconds))
    b.extract()
    return b, mtree


def accesses(b):
    """[(read|write, address, size)] of QEMU's guest_errors lines inside either unit's page."""
    out = []
    try:
        with open(b.trace, errors="replace") as f:
            for ln in f:
                m = INVALID.search(ln)
                if m:
                    a = int(m.group(2), 16)
                    if UNIT0 <= a < UNIT0 + 0x1000 or UNIT1 <= a < UNIT1 + 0x1000:
                        out.append((m.group(1), a, int(m.group(3))))
    except OSError:
        pass
    return out


def nothing_there(c, mtree, what):
    if not mtree:
        c.not_ok("%s: QEMU's flat memory map read over QMP" % what, "no 'info mtree -f' reply")
        return
    for base in (UNIT0, UNIT1):
        held = flat_view_holders(mtree, base, base + 0xFFF)
        c.check(not held, "%s: nothing in QEMU's memory map at 0x%x..0x%x (info mtree -f)" % (what, base, base + 0xFFF),
                "; ".join(held))


def run(s):
    c = s.c
    # ---- two absent units: selection, then a safe refusal ----
    s.fresh_nvme_state()
    b, mtree = boot(s, "two-units", two_units())
    if b is None:
        return
    tap = b.tap
    c.rc("two-units: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    nvme.tap_clean(c, tap)
    nothing_there(c, mtree, "two-units")
    if not nvme.n_controllers(c, b, 2):
        return
    # The oracle: the table the harness built, walked over QEMU's topology. Every NVMe function
    # on pcie.0 that no scope names is unit 1's (INCLUDE_PCI_ALL); the VGA is unit 0's (endpoint).
    vga = [pci.bdf(d) for d, _, _ in pci.devices(b.qmp) if d["class_info"]["class"] == 0x0300]
    c.eq("query-pci: the one display controller is at 00:01.0, as the crafted scope names it", vga, ["00:01.0"])
    want_nvme = ", ".join(b.bdfs)
    nvme.point_keys(c, tap, "vtd.dmar.parse", None, {"drhd_count": 2, "ignored_units": 0, "haw": 39})
    nvme.point_keys(c, tap, "vtd.dmar.units", "vtd@0x%x" % UNIT0,
                    {"index": 0, "include_all": 0, "present": 0, "version": "0x00000000", "nvme_count": 0,
                     "nvme": "none", "display_count": 1, "displays": "00:01.0 unit_left_as_firmware_left_it (1 RMRR)",
                     "action": "absent", "scopes": "endpoint 00:01.0"},
                    what="unit 0 (0xfed90000): the VGA's, with its RMRR, no NVMe, reported absent")
    nvme.point_keys(c, tap, "vtd.dmar.units", "vtd@0x%x" % UNIT1,
                    {"index": 1, "include_all": 1, "present": 0, "nvme_count": 2, "nvme": want_nvme,
                     "display_count": 0, "action": "absent", "refused": "unit_absent"},
                    what="unit 1 (0xfed91000, INCLUDE_PCI_ALL): both NVMe controllers (%s), reported absent and refused" % want_nvme)
    c.eq("vtd.dmar.units reported exactly the two units", len(tap.at("vtd.dmar.units")), 2)
    bad = [p.line[:150] for t in NEEDS_UNIT for p in tap.at(t) if not p.skipped_as("unit_absent")]
    missing = [t for t in NEEDS_UNIT if not tap.at(t)]
    c.check(not bad and not missing, "every VT-d case that needs the unit SKIPs as unit_absent (%d cases)" % len(NEEDS_UNIT),
            "; ".join(bad[:3] + ["%s not reported" % m for m in missing[:3]]))
    vtd.no_vtd_pass(c, tap)
    nvme.points_pass(c, tap, b.bdfs, ids.NVME_BASE)
    got = accesses(b)
    writes = [a for a in got if a[0] == "write"]
    reads = sorted(set((a[1], a[2]) for a in got if a[0] == "read"))
    # What the inspection reads: VER (0x00), CAP (0x08, 0x0c), ECAP (0x10, 0x14), 32 bits each;
    # the all-zero answer stops it before GSTS and PMEN.
    want = sorted((base + off, 4) for base in (UNIT0, UNIT1) for off in (0x0, 0x8, 0xC, 0x10, 0x14))
    c.check(not writes, "QEMU logged no write to either unit's page (-d guest_errors)",
            " ".join("0x%x/%d" % (a, n) for _, a, n in writes[:6]))
    c.eq("QEMU logged the image's reads of VER, CAP and ECAP at both bases, and nothing else there",
         ["0x%x/%d" % r for r in reads], ["0x%x/%d" % r for r in want])

    # ---- the same table with a scope past its DRHD's end: refused, nothing touched ----
    s.fresh_nvme_state()
    b, mtree = boot(s, "malformed", two_units(malformed=True))
    if b is None:
        return
    tap = b.tap
    c.rc("malformed: exit code 1 (a test failed) through isa-debug-exit, no crash", b.rc, 1, s.work)
    c.no_grep("malformed: no bail out", r"^Bail out!", tap)
    c.check(tap.summary() is not None, "malformed: the verdict line is there", "no '# nvmetal:' verdict")
    lines = tap.at("vtd.dmar.parse")
    p = lines[0] if len(lines) == 1 else None
    c.check(p is not None and not p.ok and re.search(r"scope 0: length 16 runs past the structure's end", p.y("problem_1")),
            "malformed: vtd.dmar.parse fails naming the scope that runs past its DRHD (YAML problem_1)",
            "\n".join(x.line for x in lines) + (" problem_1: %s" % p.y("problem_1") if p else ""))
    units = tap.at("vtd.dmar.units")
    c.check(len(units) == 1 and not units[0].ok and "DMAR rejected" in units[0].line,
            "malformed: vtd.dmar.units fails once, no unit read: DMAR rejected",
            "\n".join(x.line[:160] for x in units) or "not reported")
    c.no_grep("malformed: every failed test point is a vtd.* one", r"^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]", tap)
    vtd.no_vtd_pass(c, tap)
    c.no_grep("malformed: no vtd.* case passed", r"^ok [0-9]+ - vtd\.(?!dmar\.parse)[^#]*$", tap)
    got = accesses(b)
    c.check(not got, "malformed: QEMU logged no access at all to either unit's page (the table was refused before any)",
            " ".join("%s 0x%x/%d" % a for a in got[:6]))
