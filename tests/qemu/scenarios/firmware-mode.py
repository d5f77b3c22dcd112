"""exit_boot_services = no prints through the firmware's console and hands the machine back to it."""

import re

from harness import nvme

CONFIG = ["# scenario firmware-mode: keep boot services, return to firmware", "exit_boot_services = no", "tests = platform.*, pci.*"]


def run(s):
    c = s.c
    s.boot_timeout = 90
    esp = s.media("firmware", *CONFIG)
    # In this mode the image writes no exit code: it returns to the firmware, whose boot manager
    # then starts its next option (UiApp on OVMF) and never exits.
    b = s.start("firmware", {}, esp=esp)

    def resumed():
        seen = False
        for ln in b.serial_text().split("\n"):
            if ln.startswith("# nvmetal: "):
                seen = True
            if seen and re.search(r"BdsDxe: (loading|starting) Boot", ln):
                return True
        return False
    if b.wait_for(80, resumed):
        c.ok("the firmware's boot manager ran again after the image's summary line (control returned)")
    else:
        c.not_ok("the firmware's boot manager ran again after the image's summary line",
                 "no 'BdsDxe: loading/starting Boot...' after '# nvmetal:' in %s" % c.rel(b.serial))
    b.stop_qemu()
    b.wait()
    tap = b.extract()
    sm = tap.summary()
    if sm and sm[1] == 0 and sm[0] > 0:
        c.ok("verdict line reports 0 failed (%d passed, %s skipped)" % (sm[0], sm[2] if sm[2] is not None else ""))
    else:
        c.not_ok("verdict line reports 0 failed", "summary: '%s'" % (" ".join(str(x) for x in sm) if sm else "  "))
    nvme.skips_as(c, "platform.boot.exit_boot_services SKIPs naming the key", tap, "platform.boot.exit_boot_services",
                  "exit_boot_services_off")
    c.grep("pci.enumerate passed while the firmware owned the machine", r"^ok [0-9]+ - pci\.enumerate:", tap)
    # Through ConOut each line arrives once: the image must not also drive COM1 itself.
    c.eq("the TAP header appears once (firmware console only, no second COM1 stream)", sum(1 for ln in tap.lines if ln == "TAP version 13"), 1)
    c.no_grep("no bail out", r"^Bail out!", tap)
