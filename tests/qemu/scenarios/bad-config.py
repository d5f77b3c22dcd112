"""an unknown key and a bad value in nvmetal.cfg must each end in a Bail out naming the line, exit code 2, no test run; so must a tests glob that matches no test ID (a typo), and a DMA pool the firmware cannot reserve (the run ends through isa-debug-exit even though boot services were never exited)."""

import os
import re


def bad_config_case(s, name, line, key, *cfg):
    """Boot with that config; the offending key KEY sits on line LINE."""
    c = s.c
    esp = s.esp(name, s.cfg(name, *cfg))
    if esp is None:
        return
    # Oracle: QEMU's trace of the NVMe controllers.  Config reads of them (OVMF's and the image's
    # enumeration) show the trace works; an MMIO write would mean something touched a controller.
    b = s.boot(name, {"TRACE": os.path.join(s.work, name + ".trace"), "TRACE_EVENTS": "pci_nvme_mmio_write pci_cfg_read"}, esp=esp)
    tap = b.extract()
    bail = tap.bail
    if not bail:
        c.not_ok("%s: 'Bail out!' printed" % name, "none in %s" % c.rel(b.serial))
    else:
        # TODO(yaml): a Bail out has no YAML; its line and key are its text.
        c.check(re.search(r"line %d([^0-9]|$)" % line, bail), "%s: Bail out names line %d: %s" % (name, line, bail[:100])
                if re.search(r"line %d([^0-9]|$)" % line, bail) else "%s: Bail out names line %d" % (name, line), bail)
        c.check(key in bail, "%s: Bail out names the key '%s'" % (name, key), bail)
    c.rc("%s: exit code 2 (bail out) through isa-debug-exit" % name, b.rc, 2, s.work)
    pts = [p.line for p in tap.points][:3]
    c.check(not pts, "%s: no test point ran" % name, " | ".join(pts))
    try:
        with open(b.trace, errors="replace") as f:
            tr = f.read().splitlines()
    except OSError:
        tr = []
    if any("pci_cfg_read nvme" in ln for ln in tr):
        c.no_grep("%s: QEMU trace shows no MMIO write to any NVMe controller" % name, r"pci_nvme_mmio_write", tr)
    else:
        c.not_ok("%s: QEMU trace recorded the NVMe controllers' config reads" % name,
                 "no 'pci_cfg_read nvme' in %s (trace not working?)" % c.rel(b.trace))


def bail_case(s, name, ere, knobs, *cfg):
    """A config the parser accepts but the run cannot honour: Bail out matching ERE, exit 2 through
    isa-debug-exit, nothing ran."""
    c = s.c
    esp = s.esp(name, s.cfg(name, *cfg))
    if esp is None:
        return
    b = s.boot(name, knobs, esp=esp)
    tap = b.extract()
    c.grep("%s: Bail out says why" % name, r"^Bail out! .*" + ere, tap)
    c.rc("%s: exit code 2 (bail out) through isa-debug-exit, not a return to the firmware" % name, b.rc, 2, s.work)
    c.eq("%s: no test point ran" % name, len(tap.points), 0)


def run(s):
    s.boot_timeout = 60  # a config error must stop the image at once
    bad_config_case(s, "unknown-key", 3, "frobnicate", "# scenario bad-config: an unknown key on line 3", "timeout_s = 60", "frobnicate = 1")
    bad_config_case(s, "bad-value", 2, "timeout_s", "# scenario bad-config: a value out of range on line 2", "timeout_s = 0")
    bail_case(s, "no-such-test", r"tests = \.\.\. glob 'nvme\.cbm\.\*' matches no test ID", {"IOMMU": "none"},
              "# scenario bad-config: a typo in tests", "tests = pci.*, nvme.cbm.*")
    # 1 GiB of RAM cannot hold a 1 GiB pool below 4 GiB: AllocatePages fails before
    # ExitBootServices, and the run must still leave through the exit route.
    bail_case(s, "pool-too-big", r"AllocatePages for a 1024 MiB DMA pool below 4 GiB failed", {"IOMMU": "none", "MEM": "1024"},
              "# scenario bad-config: a DMA pool the machine cannot give", "dma_pool_mb = 1024")
