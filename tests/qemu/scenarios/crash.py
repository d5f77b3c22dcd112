"""a deliberate CPU exception and a deliberate hang (selftest = exception|hang) must end in a Bail out, exit code 2, by themselves."""

import os
import re

LIMIT = 5


def serial_lines_from_trace(path):
    """COM1's output rebuilt from QEMU's serial_write events (stamped with wall time): [(seconds,
    line)], seconds when QEMU saw the line's first byte; divisor-latch writes are skipped."""
    out, line, start, dlab = [], "", "", False
    try:
        f = open(path, errors="replace")
    except OSError:
        return out
    with f:
        for ln in f:
            if "serial_write write addr 0x" not in ln:
                continue
            ts = re.sub(r":.*", "", re.sub(r"^[0-9]+@", "", ln.split()[0]))
            addr = int(re.search(r"addr 0x([0-9a-fA-F]+)", ln).group(1), 16)
            m = re.search(r"val 0x([0-9a-fA-F]*)", ln)
            val = int(m.group(1) or "0", 16)
            if addr == 3:
                dlab = val >= 128
                continue
            if addr != 0 or dlab or val == 13:
                continue
            if val == 10:
                out.append((start, line))
                line, start = "", ""
                continue
            if start == "":
                start = ts
            line += chr(val)
    if line:
        out.append((start, line))
    return out


def run(s):
    c = s.c
    s.boot_timeout = 60  # both cases must end long before this
    # ---- selftest = exception ----
    # Oracle: QEMU's own interrupt log (-d int) records every exception the CPU took.
    esp = s.esp("exception", s.cfg("exception", "# scenario crash: deliberate CPU exception", "selftest = exception"))
    if esp:
        b = s.boot("exception", {"TRACE": os.path.join(s.work, "exception.trace"), "TRACE_EVENTS": "", "LOG_ITEMS": "int"}, esp=esp)
        tap = b.extract()
        c.rc("exception: exit code 2 (bail out) through isa-debug-exit", b.rc, 2, s.work)
        if re.match(r"^[0-9.]+$", b.seconds) and float(b.seconds) < 40:
            c.ok("exception: QEMU ended by itself after %ss (limit 40s)" % b.seconds)
        else:
            c.not_ok("exception: QEMU ended by itself within 40s", "took %ss, runner exit %s" % (b.seconds, b.rc))
        # TODO(yaml): the register dump is '#' diagnostics before the Bail out (no YAML there).
        for reg in ("rip", "rsp", "cr2"):
            c.grep("exception: register dump shows %s" % reg, r"^# exception.*\b%s\b" % reg, tap)
        bail = tap.bail or ""
        c.check(re.search(r"[Ee]xception", bail), "exception: Bail out names the exception: %s" % bail[:100]
                if re.search(r"[Ee]xception", bail) else "exception: Bail out names the exception", bail or "no Bail out line")
        mv, mr = re.search(r"vector ([0-9]+)", bail), re.search(r"rip (0x[0-9a-fA-F]+)", bail)
        if not mv or not mr:
            c.not_ok("exception: Bail out gives 'vector N' and 'rip 0x...'", bail or "no Bail out line")
        else:
            vector, rip = mv.group(1), mr.group(1)
            v, r = "%02x" % int(vector), "%016x" % int(rip, 16)
            with open(b.trace, errors="replace") as f:
                tr = f.read()
            # -d int lines: "N: v=06 e=0000 i=0 cpl=0 IP=0038:<rip> pc=... SP=..."
            if re.search(r"v=%s e=[0-9a-f]+ i=0 .*IP=[0-9a-f]+:%s " % (v, r), tr):
                c.ok("exception: QEMU's interrupt log shows vector %s raised at rip %s" % (vector, rip))
            else:
                seen = [x for x in re.findall(r"v=[0-9a-f]{2} e=[0-9a-f]+ i=0 cpl=[0-9] IP=[0-9a-f]+:[0-9a-f]+", tr)
                        if not re.search(r"v=(2[0-9a-f]|[3-9a-f][0-9a-f])", x)][-3:]
                c.not_ok("exception: QEMU's interrupt log shows vector %s raised at rip %s" % (vector, rip),
                         "last CPU exceptions logged: %s" % (",".join(seen) or "none"))
    else:
        c.not_ok("exception: ESP built", "see %s/exception.build.log" % s.work)
    # ---- selftest = hang, timeout_s = 5 ----
    # Oracle: QEMU's wall-clock-stamped trace of COM1 writes; the watchdog's Bail out must come
    # about timeout_s after the image started talking, not sooner.
    esp = s.esp("hang", s.cfg("hang", "# scenario crash: deliberate hang, caught by the watchdog", "selftest = hang", "timeout_s = %d" % LIMIT))
    if esp:
        b = s.boot("hang", {"TRACE": os.path.join(s.work, "hang.trace"), "TRACE_EVENTS": "serial_write"}, esp=esp)
        tap = b.extract()
        c.rc("hang: exit code 2 (bail out) through isa-debug-exit", b.rc, 2, s.work)
        c.grep("hang: 'Bail out! watchdog...' printed", r"^Bail out! .*watchdog", tap)
        timed = serial_lines_from_trace(b.trace)
        with open(os.path.join(s.work, "hang.timed"), "w") as f:
            f.writelines("%s\t%s\n" % x for x in timed)
        t_tap = next((t for t, ln in timed if ln == "TAP version 13"), "")
        t_bail = next((t for t, ln in timed if ln.startswith("Bail out!")), "")
        if t_tap and t_bail:
            gap = float(t_bail) - float(t_tap)
            # The watchdog may start a little before the TAP header: allow 2 s.
            if LIMIT - 2 <= round(gap, 2) <= LIMIT + 20:
                c.ok("hang: QEMU's trace puts the Bail out %.2fs after 'TAP version 13' (timeout_s = %d)" % (gap, LIMIT))
            else:
                c.not_ok("hang: QEMU's trace puts the Bail out about timeout_s = %d s after 'TAP version 13'" % LIMIT, "gap %.2fs" % gap)
        else:
            c.not_ok("hang: QEMU's serial trace shows 'TAP version 13' and 'Bail out!'", "see %s/hang.timed" % c.rel(s.work))
    else:
        c.not_ok("hang: ESP built", "see %s/hang.build.log" % s.work)
