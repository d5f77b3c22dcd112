"""interrupt remapping (intel-iommu, intremap=on, xAPIC; then with ECAP.EIM=1 advertised to the same xAPIC CPU, where the image keeps IRTA.EIME=0): per controller, a remappable MSI-X message reaches the unit with its handle, the IRTE the unit reads names the controller's SID, and the vector delivered is the IRTE's, then the new one after the entry moved; a cleared IRTE and one naming another requester stop the interrupt the controller did raise; a compatibility-format MSI passes with CFIS=0 (QEMU 7.2 does not block it: the image's SKIP says so, the trace shows it); a stale entry's interrupts all arrive on one of the two vectors, and after the IEC invalidation on the new one. All from QEMU's trace (vtd_ir_*, pci_nvme_irq_msix, apic_deliver_irq), against the YAML."""

from harness import nvme, vtd

MACHINE = {"CMB_SIZE_MB": "0", "PMR_SIZE": "0"}
TESTS = "tests = vtd.dmar.*, vtd.unit.*, vtd.ir.*, nvme.identify.*"
IRTE_INDEX = 8


def sid_of(bdf):
    bus, rest = bdf.split(":")
    dev, fn = rest.split(".")
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn, 16)


def hexv(text):
    return int(text, 16) if text else -1


def evs(sm, tid, bdf, name, **want):
    return [e for e in sm.seg(tid, bdf, name) if all(e.get(k) == v for k, v in want.items())]


def irte_words(e):
    return hexv(e.get("lo")), hexv(e.get("hi"))


def run(s):
    run_xapic(s)
    run_eim(s)


def run_xapic(s):
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-ir", MACHINE, cfg=[TESTS])
    if b is None:
        return
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        return
    nvme.points_pass(c, tap, b.bdfs, "vtd.ir.remapped", "vtd.ir.not_present", "vtd.ir.bad_sid", "vtd.ir.stale_iec")
    nvme.points_skip(c, tap, b.bdfs, "qemu_no_cfis", "vtd.ir.compat_blocked")
    eim(s, tap, b.bdfs, "0", b.sum)
    sm = b.sum
    if not sm:
        return
    for bdf in b.bdfs:
        sid = sid_of(bdf)
        # ---- remapped: handle in, the controller's SID validated, the IRTE's vector out ----
        t = "vtd.ir.remapped"
        addr = tap.yaml(t, bdf, "msi_address")
        reqs = evs(sm, t, bdf, "ir_msi_req")
        c.check(reqs and all(hexv(e.get("addr")) == hexv(addr) for e in reqs) and hexv(addr) == 0xfee00000 | IRTE_INDEX << 5 | 1 << 4,
                "%s remapped: every request reached the unit in remappable format, handle %d (addr %s)" % (bdf, IRTE_INDEX, addr),
                "%d requests; first %s" % (len(reqs), reqs[0].line if reqs else "none"))
        gets = evs(sm, t, bdf, "irte_get", index=str(IRTE_INDEX))
        c.check(gets and all(irte_words(e)[1] & 0xffff == sid and (irte_words(e)[1] >> 18) & 3 == 1 for e in gets),
                "%s remapped: each IRTE the unit read validates SID 0x%04x (SVT=1)" % (bdf, sid),
                gets[0].line if gets else "no irte_get index=%d" % IRTE_INDEX)
        for which, key in (("first", "vector_first"), ("second", "vector_second")):
            v = hexv(tap.yaml(t, bdf, key))
            remaps = evs(sm, t, bdf, "ir_remap", vector="0x%02x" % v)
            got = evs(sm, t, bdf, "apic_deliver", vector="0x%02x" % v)
            c.check(len(remaps) == 4 and len(got) == 4,
                    "%s remapped: the %s IRTE's vector 0x%02x was delivered 4 times (ir_remap, apic_deliver)" % (bdf, which, v),
                    "%d ir_remap, %d apic_deliver" % (len(remaps), len(got)))
        # ---- blocked: the controller raised its entry, the unit read the IRTE, nothing was delivered ----
        for t, what in (("vtd.ir.not_present", "P=0"), ("vtd.ir.bad_sid", "another SID")):
            n = tap.yaml(t, bdf, "commands")
            raised = evs(sm, t, bdf, "irq_msix", entry="1")
            c.eq("%s %s: QEMU raised MSI-X entry 1 for each command (%s)" % (bdf, t, n), str(len(raised)), n)
            gets = evs(sm, t, bdf, "irte_get", index=str(IRTE_INDEX))
            if t.endswith("not_present"):
                good = gets and all(irte_words(e)[0] & 1 == 0 for e in gets)
            else:
                other = sid_of(tap.yaml(t, bdf, "irte_sid") or "00:00.0")
                good = gets and other != sid and all(irte_words(e)[0] & 1 == 1 and irte_words(e)[1] & 0xffff == other for e in gets)
            c.check(good and len(gets) == len(raised), "%s %s: the unit read IRTE %d (%s) for each" % (bdf, t, IRTE_INDEX, what),
                    gets[0].line if gets else "no irte_get")
            c.check(not evs(sm, t, bdf, "ir_remap") and not evs(sm, t, bdf, "ir_msi") and not evs(sm, t, bdf, "apic_deliver"),
                    "%s %s: no interrupt remapped or delivered" % (bdf, t),
                    " / ".join(e.line for e in sm.seg(t, bdf, "apic_deliver")[:2]))
        # ---- compat: QEMU passes it with CFIS=0, as the SKIP says ----
        t = "vtd.ir.compat_blocked"
        v = tap.yaml(t, bdf, "vector")
        got = evs(sm, t, bdf, "apic_deliver", vector=v)
        passed = [e for e in sm.seg(t, bdf, "ir_msi") if not hexv(e.get("addr")) & 0x10 and e.get("addr") == e.get("to_addr")]
        c.check(tap.yaml(t, bdf, "cfis") == "0" and str(len(got)) == tap.yaml(t, bdf, "delivered") and len(passed) == len(got) > 0,
                "%s compat: with CFIS=0 QEMU passed %d compatibility-format MSIs untranslated, as the SKIP reports" % (bdf, len(got)),
                "cfis %s, delivered %s, %d apic_deliver, %d untranslated" % (tap.yaml(t, bdf, "cfis"), tap.yaml(t, bdf, "delivered"), len(got), len(passed)))
        # ---- stale: the counts the image gave per vector are what the local APIC got ----
        t = "vtd.ir.stale_iec"
        old = tap.yaml(t, bdf, "irte_old").split(" vector ")[-1].split(" ")[0]
        new = tap.yaml(t, bdf, "irte_new").split(" vector ")[-1].split(" ")[0]
        on_old = len(evs(sm, t, bdf, "apic_deliver", vector=old))
        on_new = len(evs(sm, t, bdf, "apic_deliver", vector=new))
        want_old = 4 + int(tap.yaml(t, bdf, "stale_on_old") or -99) + int(tap.yaml(t, bdf, "after_on_old") or -99)
        want_new = int(tap.yaml(t, bdf, "stale_on_new") or -99) + int(tap.yaml(t, bdf, "after_on_new") or -99)
        c.check(on_old == want_old and on_new == want_new,
                "%s stale: %d interrupts on the old vector %s and %d on the new %s, as the image counted (before invalidation: %s)"
                % (bdf, on_old, old, on_new, new, tap.yaml(t, bdf, "before_invalidation")),
                "trace %d/%d, image %d/%d" % (on_old, on_new, want_old, want_new))
        c.check(len(evs(sm, t, bdf, "inv_iec", index=str(IRTE_INDEX))) >= 2,
                "%s stale: the image invalidated IRTE %d (index-selective IEC) before and after the change" % (bdf, IRTE_INDEX),
                " / ".join(e.line for e in sm.seg(t, bdf, "inv_iec")))
    # ---- the unit: IR on and off around each case, its table where SIRTP put it ----
    on = [e for e in sm.ev("ir_enable") if e.get("enable") == "1"]
    off = [e for e in sm.ev("ir_enable") if e.get("enable") == "0"]
    cases = {(p.id, p.where) for p in tap.points if p.id.startswith("vtd.ir.")}
    c.check(len(on) == len(cases) and len(off) >= len(cases),
            "IRE turned on once per vtd.ir.* point (%d) and off again after each" % len(cases),
            "%d on, %d off" % (len(on), len(off)))
    # (The firmware's own interrupts, before the TAP stream, pass the unit with IR off.)
    outside = [e for e in sm.ev("ir_msi_req") if not e.tid.startswith("vtd.ir.") and e.tid != "firmware"]
    c.check(not outside, "from the TAP stream on, no interrupt request reached the unit outside vtd.ir.*",
            outside[0].line if outside else "")


def eim(s, tap, bdfs, want, sm=None, deliveries=False):
    """IRTA as the image reported it: EIME (bit 11) clear on the xAPIC CPU, whatever ECAP.EIM
    says (want); with a trace, the value the unit took in its IRTA register (0xb8)."""
    c = s.c
    t = "vtd.ir.remapped"
    for bdf in bdfs:
        nvme.yaml_is(c, "%s: the image read ECAP.EIM=%s" % (bdf, want), tap, t, bdf, "ecap_eim", want)
        nvme.yaml_is(c, "%s: the CPU has no x2APIC (CPUID.1:ECX[21], QEMU 7.2 TCG)" % bdf, tap, t, bdf, "x2apic_supported", "0")
        nvme.yaml_is(c, "%s: the local APIC runs in xAPIC mode" % bdf, tap, t, bdf, "lapic_mode", "xAPIC")
        irta = hexv(tap.yaml(t, bdf, "irta"))
        c.check(irta > 0 and not irta & 1 << 11, "%s: IRTA.EIME=0: xAPIC destinations (irta %s)" % (bdf, tap.yaml(t, bdf, "irta")), "")
        if sm and deliveries:  # the xAPIC boot checks its deliveries in run_xapic
            for key in ("vector_first", "vector_second"):
                v = hexv(tap.yaml(t, bdf, key))
                remaps = evs(sm, t, bdf, "ir_remap", vector="0x%02x" % v)
                got = evs(sm, t, bdf, "apic_deliver", vector="0x%02x" % v)
                c.check(len(remaps) == 4 and len(got) == 4 and all(e.get("dest") == "0x0" for e in remaps),
                        "%s: the IRTE's vector 0x%02x went to APIC ID 0 four times (ir_remap dest, apic_deliver)" % (bdf, v),
                        "%d ir_remap, %d apic_deliver; %s" % (len(remaps), len(got), remaps[0].line if remaps else ""))
        if sm:
            writes = [e for e in sm.seg(t, bdf, "vtd_write") if hexv(e.get("reg")) == 0xb8]
            c.check(writes and all(hexv(e.get("value")) == irta for e in writes),
                    "%s: the unit's IRTA register took 0x%x (vtd_reg_write)" % (bdf, irta),
                    " / ".join(e.line for e in writes) or "no IRTA write in the point")


def run_eim(s):
    """ECAP.EIM=1 on a CPU without x2APIC: the image keeps xAPIC-format IRTEs (EIME=0) and the
    remapped interrupts arrive as before."""
    c = s.c
    s.fresh_nvme_state()
    b = vtd.boot(s, "vtd-ir-eim", dict(MACHINE, EIM="advertised"), cfg=["tests = vtd.dmar.*, vtd.unit.*, vtd.ir.remapped, nvme.identify.*"])
    if b is None:
        return
    nvme.clean_pass(c, b, "eim")
    nvme.points_pass(c, b.tap, b.bdfs, "vtd.ir.remapped")
    eim(s, b.tap, b.bdfs, "1", b.sum, deliveries=True)
