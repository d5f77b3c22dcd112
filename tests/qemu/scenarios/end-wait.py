"""end_wait: after its plan line the image waits, still running, until the power button (QMP system_powerdown, the ACPI fixed-feature button) or a PS/2 key (QMP send-key), then leaves with its verdict through isa-debug-exit; with end_wait_s it gives up on its own; end_wait = auto under QEMU does not wait."""

import os
import re
import time

from harness import qmp

MACHINE = {"NVME_DRIVE_COUNT": 0}
QUICK = ["tests = pci.enumerate"]
PLAN = r"^1\.\.[0-9]+\s*$"
# How long the image must still be running after its plan line to count as waiting.
HOLD_S = 3


def end_line(b):
    """'# end: SOURCE after N ms' from the raw serial log (it follows the plan line)."""
    m = re.search(r"^# end: (\S+) after ([0-9]+) ms$", b.serial_text(), re.M)
    return (m.group(1), int(m.group(2))) if m else ("", 0)


def waits_then(s, name, cfg, command, **arguments):
    """Boot NAME, wait for the plan line, check QEMU is still running HOLD_S later, then send
    COMMAND over QMP; returns the boot after QEMU ended."""
    c = s.c
    esp = s.media(name, "# scenario end-wait: " + name, *cfg)
    k = dict(MACHINE)
    k["QMP"] = os.path.join(s.sockdir, name + ".qmp")
    b = s.start(name, k, esp=esp)
    if not b.wait_for(s.boot_timeout, lambda: b.serial_has(PLAN)):
        c.not_ok("%s: the plan line appeared on COM1" % name, "not in %s" % c.rel(b.serial))
        b.stop_qemu()
        return s._done(b)
    time.sleep(HOLD_S)
    running = b.alive() and qmp.status(b.sock) == "running"
    c.check(running, "%s: %d s after the plan line QEMU still runs (the image waits)" % (name, HOLD_S),
            "QEMU ended or stopped (rc %s)" % b.proc.poll())
    if running:
        r = qmp.session(b.sock, *(([command] if not arguments else [(command, arguments)])))
        # The image may leave on the key so fast that QEMU quits before its QMP reply: no
        # answer is then fine, an error answer never is (the '# end:' line shows what ended it).
        answered = r is not None and "error" not in (r[0] or {})
        gone = r is None and b.wait_for(10, lambda: not b.alive())
        c.check(answered or gone, "%s: QMP %s taken (answered, or QEMU ended at once)" % (name, command), str(r))
    if not b.wait_for(30, lambda: not b.alive()):
        c.not_ok("%s: QEMU ended within 30 s of %s" % (name, command), "still running")
        b.stop_qemu()
    return s._done(b)


def run(s):
    c = s.c
    # The power button: QEMU's system_powerdown presses the ACPI fixed-feature button.
    b = waits_then(s, "button", QUICK + ["end_wait = key"], "system_powerdown")
    tap = b.extract()
    c.rc("button: exit code 0 (pass) through isa-debug-exit after the press", b.rc, 0, s.work)
    c.grep("button: the image said it waits for the power button", r"^# end: then waits for .*the power button", tap)
    source, ms = end_line(b)
    c.eq("button: '# end:' names the power button as what ended the wait", source, "power_button")
    # The image's clock starts once its summary is drawn, a little after the plan line the host
    # times its hold from: what counts is that the wait held until the button (at most a few
    # hundred ms less than the hold), not the last millisecond.
    c.check(ms >= HOLD_S * 1000 - 500, "button: the wait held until the button, about %d s (%d ms)" % (HOLD_S, ms), "%d ms" % ms)

    # A PS/2 key: send-key reaches the i8042 keyboard (q35 has no USB keyboard here).
    b = waits_then(s, "key", QUICK + ["end_wait = key"], "send-key", keys=[{"type": "qcode", "data": "ret"}])
    b.extract()
    c.rc("key: exit code 0 (pass) through isa-debug-exit after the key", b.rc, 0, s.work)
    c.eq("key: '# end:' names the PS/2 keyboard", end_line(b)[0], "ps2")

    # A timeout: nothing pressed, end_wait_s = 2.
    esp = s.media("timeout", "# scenario end-wait: timeout", *(QUICK + ["end_wait = key", "end_wait_s = 2"]))
    b = s.boot("timeout", MACHINE, esp=esp)
    b.extract()
    c.rc("timeout: exit code 0 (pass) after end_wait_s", b.rc, 0, s.work)
    source, ms = end_line(b)
    c.eq("timeout: '# end:' says timeout", source, "timeout")
    c.check(1900 <= ms <= 10000, "timeout: the wait lasted about 2 s (%d ms)" % ms, "%d ms" % ms)

    # end_wait = auto under QEMU: no wait, no '# end:' line.
    esp = s.media("auto", "# scenario end-wait: auto", *QUICK)
    b = s.boot("auto", MACHINE, esp=esp)
    tap = b.extract()
    c.rc("auto: exit code 0 (pass) at once", b.rc, 0, s.work)
    c.no_grep("auto: no wait announced under QEMU", r"^# end: then waits", tap)
    c.eq("auto: no '# end:' line", end_line(b)[0], "")
