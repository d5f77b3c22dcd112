"""MSI-X without remapping (IOMMU=none): each controller's I/O CQ is created with IEN=1 on MSI-X entry 1; QEMU raises entry 1 once per read and the local APIC gets exactly that many interrupts on the vector the image named, none from the admin CQ's masked entry 0; MSI-X is off again after the case. Interrupt Coalescing SKIPs with QEMU's refusal of Set Features 08h. MSI (the capability) on QEMU's edu device: the config writes QEMU took hold the message the image reported, MSI on for the case and Message Control as found after it, and the local APIC got one interrupt per request on that vector."""

import os

from harness import nvme
from harness import trace as tr
from harness.scenario import NVME_TRACE_EVENTS

EDU = "00:08.0"  # QEMU's edu device, the MSI requester
MACHINE = {"IOMMU": "none", "CMB_SIZE_MB": "0", "PMR_SIZE": "0", "EXTRA_ARGS": "-device edu,addr=0x08"}
EVENTS = NVME_TRACE_EVENTS + " apic_deliver_irq msix_write_config pci_cfg_write"
TID = "irq.msix.delivered"
MSI = "irq.msi.delivered"


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("irq-msix", "# scenario irq-msix: interrupts, read-only", "tests = irq.*, nvme.irq.*, nvme.identify.*")
    trace = os.path.join(s.work, "irq-msix.trace")
    b = s.boot_qmp("irq-msix", dict(MACHINE, TRACE=trace, TRACE_EVENTS=EVENTS), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        return
    nvme.points_pass(c, tap, b.bdfs, TID)
    # QEMU 7.2 lists Interrupt Coalescing as supported but not changeable: the controller's own
    # refusal is the SKIP (status 0x10e, Feature Identifier Not Changeable, with DNR).
    nvme.points_skip(c, tap, b.bdfs, ("coalescing_not_changeable", {"refused": r"^Interrupt Coalescing \(08h\)$"}),
                     "nvme.irq.coalescing")

    sm = tr.load(c, "", trace, os.path.join(s.work, "irq-msix.events"))
    if not sm:
        return
    for bdf in b.bdfs:
        sets = [e for e in sm.seg("nvme.irq.coalescing", bdf, "admin_cmd") if e.get("opc") == "0x9"]
        c.check(sets, "%s: QEMU took the Set Features the coalescing SKIP names (admin opcode 0x09)" % bdf,
                "none in the trace")
    vectors = set()
    for bdf in b.bdfs:
        commands = tap.yaml(TID, bdf, "commands")
        vector = tap.yaml(TID, bdf, "vector")
        apic_id = tap.yaml(TID, bdf, "apic_id")
        vectors.add(vector)
        c.eq("%s: the image counted one interrupt per command (YAML interrupts = commands)" % bdf,
             tap.yaml(TID, bdf, "interrupts"), commands)
        cqs = [e for e in sm.seg(TID, bdf, "create_cq") if e.get("cqid") == "1"]
        c.check(cqs and cqs[0].get("ien") == "1" and cqs[0].get("vector") == tap.yaml(TID, bdf, "msix_entry"),
                "%s: QEMU created CQ 1 with IEN=1 on the MSI-X entry the image named (%s)" % (bdf, tap.yaml(TID, bdf, "msix_entry")),
                " / ".join(e.line for e in cqs) or "no create_cq cqid=1 in the point")
        c.check(len(cqs) >= 2 and cqs[-1].get("ien") == "0", "%s: after the case CQ 1 was created polled again (ien=0)" % bdf,
                " / ".join(e.line for e in cqs) or "no create_cq cqid=1")
        raised = [e for e in sm.seg(TID, bdf, "irq_msix") if e.get("entry") == "1"]
        c.eq("%s: QEMU raised MSI-X entry 1 once per read (pci_nvme_irq_msix)" % bdf, str(len(raised)), commands)
        admin = [e for e in sm.seg(TID, bdf, "irq_msix") if e.get("entry") == "0"]
        c.check(len(admin) > 0, "%s: QEMU raised the admin CQ's entry 0 too (%d times), which the image kept masked" % (bdf, len(admin)),
                "no irq_msix entry=0 in the point")
        c.eq("%s: the image saw the admin entry's pending bit (YAML admin_entry_pending)" % bdf,
             tap.yaml(TID, bdf, "admin_entry_pending"), "1")
        got = [e for e in sm.seg(TID, bdf, "apic_deliver") if e.get("vector") == vector]
        c.eq("%s: the local APIC got exactly as many interrupts on %s as commands ran (entry 0 delivered none)" % (bdf, vector),
             str(len(got)), commands)
        c.check(got and all(e.get("dest") == apic_id and e.get("delivery_mode") == "0" and e.get("trigger_mode") == "0"
                            for e in got),
                "%s: each went to APIC ID %s, fixed, edge, as the MSI-X entry said" % (bdf, apic_id),
                got[0].line if got else "none")
        cfg = [e for e in sm.seg(TID, bdf, "msix_config")]
        c.check(any(e.get("enabled") == "1" and e.get("masked") == "0" for e in cfg) and cfg and cfg[-1].get("enabled") == "0",
                "%s: MSI-X was enabled unmasked for the case and disabled after it (msix_write_config)" % bdf,
                " / ".join(e.line for e in cfg) or "no msix_write_config in the point")
    msi_edu(c, tap, sm)
    # The firmware's own interrupts (before the TAP stream) are not the image's.
    outside = [e for e in sm.ev("apic_deliver") if e.tid not in (TID, MSI, "firmware")]
    c.check(not outside, "from the TAP stream on, no interrupt reached the local APIC outside %s and %s" % (TID, MSI),
            outside[0].line if outside else "")


def msi_edu(c, tap, sm):
    """The edu device's MSI point against QEMU's config writes and APIC deliveries."""
    nvme.points_pass(c, tap, [EDU], MSI)
    raised = tap.yaml(MSI, EDU, "raised")
    c.eq("%s: each request raised one interrupt (YAML interrupts = raised)" % EDU, tap.yaml(MSI, EDU, "interrupts"), raised)
    c.eq("%s: none with MSI off (YAML interrupts_msi_off)" % EDU, tap.yaml(MSI, EDU, "interrupts_msi_off"), "0")
    cap = int(tap.yaml(MSI, EDU, "msi_capability") or "0", 16)
    data_at = cap + (0xc if tap.yaml(MSI, EDU, "address64") == "1" else 0x8)
    writes = [(int(e.get("offset"), 16), int(e.get("value"), 16)) for e in sm.seg(MSI, EDU, "cfg_write")]
    address = int(tap.yaml(MSI, EDU, "msi_address") or "0", 16)
    data = int(tap.yaml(MSI, EDU, "msi_data") or "0", 16)
    c.check((cap + 4, address) in writes and (data_at, data) in writes,
            "%s: QEMU took the message the image reported (0x%x at +4, 0x%x at +0x%x of the capability)" % (EDU, address, data, data_at - cap),
            " / ".join("@0x%x <- 0x%x" % w for w in writes) or "no cfg_write in the point")
    control = [v for o, v in writes if o == cap + 2]
    found = int(tap.yaml(MSI, EDU, "msi_control_found") or "0", 16)
    c.check(any(v & 0x71 == 0x01 for v in control) and control and control[-1] == found,
            "%s: Message Control written with MSI Enable and MME=0 for the case, as found (0x%x) last" % (EDU, found),
            " / ".join("0x%x" % v for v in control) or "no write to Message Control")
    vector = tap.yaml(MSI, EDU, "vector")
    got = [e for e in sm.seg(MSI, EDU, "apic_deliver") if e.get("vector") == vector]
    c.eq("%s: the local APIC got one interrupt on %s per request (apic_deliver_irq)" % (EDU, vector), str(len(got)), raised)
    c.check(got and all(e.get("dest") == tap.yaml(MSI, EDU, "apic_id") and e.get("delivery_mode") == "0" for e in got),
            "%s: each to APIC ID %s, fixed, as the message said" % (EDU, tap.yaml(MSI, EDU, "apic_id")), got[0].line if got else "none")
