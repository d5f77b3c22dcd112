"""config devices leaves NVMe controllers alone: excluded by serial (known from the firmware's NVMe driver), undecidable when no one knows the serial, not listed by BDF; each left-alone controller gets no config-space write (QEMU's trace), its namespace and PMR files stay byte-identical with allow_write = *, and the others are tested as usual."""

import os
import re

from harness import nvme
from harness.scenario import Stop, fill_random, sha256_of
from harness import trace as tr

TRACE_CFG = "pci_cfg_write serial_write pci_nvme_* pci_update_mappings_*"
SELECTED = "tests = pci.*, nvme.identify.*, nvme.io.verify, nvme.devices.*"


def cfg_writes(sm, bdf):
    """Config-space writes QEMU took for BDF after the TAP stream began."""
    return sum(1 for e in sm.ev("cfg_write") if e.n != "0" and e.arg(0) == "dev=" + bdf) if sm else 0


class Boot:
    pass


def devices_boot(s, name, bootindex, *cfg):
    """Three controllers on fresh random state (hashed), config-space writes traced."""
    c = s.c
    s.fresh_nvme_state()
    files = []
    for i in range(3):
        fill_random(s.state_file("nvme%d.img" % i), 8 << 20, 64 << 20)
        fill_random(s.state_file("pmr%d.bin" % i), 8 << 20)
    before = sha256_of(*[s.state_file("nvme%d.img" % i) for i in range(3)] + [s.state_file("pmr%d.bin" % i) for i in range(3)])
    esp = s.media(name, "# scenario devices: %s" % name, "allow_write = *", *cfg)
    b = s.boot_qmp(name, {"BOOTINDEX": bootindex, "NVME_DRIVE_COUNT": "3", "TRACE": os.path.join(s.work, name + ".trace"),
                          "TRACE_EVENTS": TRACE_CFG}, esp=esp)
    nvme.clean_pass(c, b)
    out = os.path.join(s.work, name + ".events")
    rc = __import__("harness.oracles", fromlist=["x"]).reduce_trace(b.trace, out)
    b.sum = tr.Summary(out) if rc == 0 else None
    if rc != 0:
        c.not_ok("%s: the trace oracle read %s.trace" % (name, name), "see %s" % out)
    b.before = before
    return b


def left_alone(s, b, bdf, choice, source, *files):
    """The image reports BDF left alone with CHOICE, no test point but that one names it, QEMU took
    no config-space write to it after the image started, and its files are unchanged."""
    c, tap, name = s.c, b.tap, b.name
    la = "nvme.devices.left_alone"
    nvme.yaml_is(c, "%s: %s is left alone by choice" % (name, bdf), tap, la, bdf, "choice", choice)
    nvme.yaml_is(c, "%s: %s's serial came from" % (name, bdf), tap, la, bdf, "serial_source", source)
    nvme.yaml_is(c, "%s: %s's config space reads as found at the end" % (name, bdf), tap, la, bdf, "config_space", "unchanged")
    others = [p.line for p in tap.points if " - nvme.devices.left_alone: " not in p.line]
    c.no_grep("%s: no other test point names %s" % (name, bdf), r"^(not )?ok [0-9]+ - nvme\.[a-z_.]+: %s([ /:]|$)" % re.escape(bdf), others)
    # TODO(yaml): a '#' diagnostic line of the inventory.
    c.grep("%s: the inventory says %s was left alone, BARs not sized" % (name, bdf), r"^# pci   left alone: config devices: ", tap)
    c.eq("%s: QEMU took no config-space write to %s after the image started" % (name, bdf), cfg_writes(b.sum, bdf), 0)
    nvme.unchanged(c, b.before, *files)


def run(s):
    c = s.c
    st = s.state_file
    # ---- boot 1: excluded by serial, the serial from the firmware's NVMe driver ----
    # BOOTINDEX=no: OVMF binds every controller, so its pass-thru protocol knows their serials.
    b = devices_boot(s, "serial", "no", "devices = !nvmetal-1")
    tap = b.tap
    bdfs = b.bdfs
    c.eq("QEMU realized 3 NVMe controllers", len(bdfs), 3)
    if len(bdfs) != 3:
        raise Stop()
    bdf0, bdf1, bdf2 = bdfs
    # TODO(yaml): the decision is a '#' diagnostic line; nvme.devices.left_alone's YAML says the same below.
    c.grep("serial: the firmware's driver named nvmetal-1's serial",
           r"^# devices: 0000:%s excluded: excluded by '!nvmetal-1' \(serial\); serial nvmetal-1 \(from the firmware's NVMe driver\)$" % re.escape(bdf1), tap)
    left_alone(s, b, bdf1, "excluded", "firmware", st("nvme1.img"), st("pmr1.bin"))
    nvme.yaml_is(c, "serial: the left-alone point names the serial", tap, "nvme.devices.left_alone", bdf1, "serial", "nvmetal-1")
    # The two others ran the whole suite, writes included.
    nvme.points_pass(c, tap, [bdf0, bdf2], "nvme.controller.takeover", "nvme.identify.controller", "nvme.io.verify",
                     "nvme.cmb.admin_sq", "nvme.pmr.enable", "nvme.controller.shutdown@any")
    for bdf in (bdf0, bdf2):
        # Two readings of one serial: the firmware's NVMe driver's (pass-thru) and the image's Identify.
        nvme.yaml_is(c, "serial: %s's serial as the firmware reported it" % bdf, tap, "nvme.identify.controller", bdf,
                     "firmware_serial", "nvmetal-%d" % b.index[bdf])
        nvme.verify_blocks(c, tap, bdf + " nsid 1", st("nvme%d.img" % b.index[bdf]))
        w = cfg_writes(b.sum, bdf)
        c.check(w > 0, "serial: the image wrote %s's config space (%d writes: it is selected)" % (bdf, w) if w > 0 else
                "serial: the image wrote %s's config space (it is selected)" % bdf, "no cfg_write after TAP began")
    # ---- boot 2: no one knows the serials, so a serial exclusion leaves every controller alone ----
    # BOOTINDEX=yes: OVMF binds no controller. Every NVMe case SKIPs; pci.* passes, so exit 0.
    b = devices_boot(s, "unknown", "yes", "devices = !nvmetal-1", SELECTED)
    for i, bdf in enumerate((bdf0, bdf1, bdf2)):
        left_alone(s, b, bdf, "undecided", "none", st("nvme%d.img" % i), st("pmr%d.bin" % i))
    nvme.skips_as(c, "unknown: the NVMe cases SKIP naming devices", b.tap, "nvme.io.verify",
                  ("devices_none_selected", {"found_count": "3"}))
    # ---- boot 3: by BDF; the controllers not listed are left alone ----
    b = devices_boot(s, "bdf", "yes", "devices = 0000:%s" % bdf2, SELECTED)
    left_alone(s, b, bdf0, "not_listed", "none", st("nvme0.img"), st("pmr0.bin"))
    left_alone(s, b, bdf1, "not_listed", "none", st("nvme1.img"), st("pmr1.bin"))
    nvme.points_pass(c, b.tap, [bdf2], "nvme.identify.controller", "nvme.io.verify")
    nvme.yaml_is(c, "bdf: with OVMF not bound, no firmware serial for %s" % bdf2, b.tap, "nvme.identify.controller", bdf2, "firmware_serial", "unknown")
    nvme.verify_blocks(c, b.tap, bdf2 + " nsid 1", st("nvme2.img"))
