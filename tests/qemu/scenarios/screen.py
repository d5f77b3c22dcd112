"""screen console (VGA=std): QMP screendumps, read cell by cell against glyphs the host renders from the PSF font itself (harness/screen.py), show the run as it goes (header, TAP lines as on COM1, status counts) and at the end a summary whose verdict, counts and failed IDs with their first YAML line equal the serial TAP, in the right colours (RGB order); with end_wait = key QEMU exits with the verdict only after a key (QMP send-key); VGA=none or screen = off: no screen, said in the banner."""

import os
import re
import time

from harness import qmp, screen

# The image waits on its summary screen for a key (config end_wait = key, boot/main.c finish()).
# False: the older flow, the image's reset pausing QEMU (shutdown=pause) with the screen kept.
END_WAIT_KEY = True

SUMMARY_RE = r"^# nvmetal: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$"
POINT_RE = re.compile(r"^(not ok|ok)\b")
SCREEN_LINE_RE = r"^# screen: ([0-9]+)x([0-9]+) (\S+), ([0-9]+)x([0-9]+) cells, font (\S+)$"
# The running console is read once the serial has this many test points: early, because the
# rest of a read-only run can take well under a second of host time when the host is busy.
MID_RUN_POINTS = 8


def serial_lines(b):
    return b.serial_text().splitlines()


def points(lines):
    """(passed, failed, skipped) of the test point lines in LINES, YAML blocks skipped."""
    p = f = k = 0
    in_yaml = False
    for ln in lines:
        if in_yaml:
            in_yaml = ln != "  ..."
            continue
        if ln == "  ---":
            in_yaml = True
        elif ln.startswith("not ok"):
            f += 1
        elif POINT_RE.match(ln):
            if re.search(r"(?<!\\)#\s*skip", ln, re.I):
                k += 1
            else:
                p += 1
    return p, f, k


def failures(lines):
    """[(ID, why)] of the serial's failed points, in order: why is the first YAML line, or
    without YAML the description after "ID: " (what the summary shows under each ID)."""
    out = []
    for i, ln in enumerate(lines):
        m = re.match(r"^not ok [0-9]+ - ([^:# ]+)(?:: (.*))?$", ln)
        if m:
            yaml = lines[i + 2].strip() if i + 2 < len(lines) and lines[i + 1] == "  ---" else ""
            out.append((m.group(1), yaml or (m.group(2) or "").strip()))
    return out


def dump(s, b, tag):
    """A screendump of the running QEMU as a Screen (and a PNG beside it); None if QMP failed."""
    ppm = os.path.join(s.work, "%s.%s.ppm" % (b.name, tag))
    r = qmp.session(b.sock, ("screendump", {"filename": ppm}))
    if not r or "return" not in r[0] or not os.path.exists(ppm):
        return None
    sc = screen.Screen(ppm)
    screen.write_png(ppm[:-4] + ".png", sc.width, sc.height, sc.rgb)
    return sc


def check_running(s, b, sc, cols, rows):
    """The console while the run goes on: header from the banner, region lines as on COM1, status counts."""
    c = s.c
    lines = serial_lines(b)
    text = sc.text(1)
    cells = sc.cells(1)
    banner = next((ln for ln in lines if ln.startswith("# nvmetal ")), "")
    m = re.match(r"^# nvmetal (\S+) \((\S+)\) firmware \"(.*)\" 0x", banner)
    if m:
        c.eq("running: header row 0 names the version and build of the banner", text[0].strip(),
             "nvmetal %s (%s)" % (m.group(1), m.group(2)))
        c.check(text[1].strip().startswith("firmware: %s 0x" % m.group(3)), "running: header row 1 names the firmware vendor %r" % m.group(3), repr(text[1]))
    else:
        c.not_ok("banner line '# nvmetal VERSION (GIT) firmware ...' on COM1", "not found")
    brand = next((re.match(r'^# console \S+; cpu "(.*?)"', ln).group(1) for ln in lines if re.match(r'^# console \S+; cpu "', ln)), None)
    c.check(brand is not None and text[2].strip().startswith("machine: %s" % brand), "running: header row 2 names the CPU of the banner", repr(text[2]))
    c.eq("running: header rows on the bar colour", cells[0][0][2], screen.BAR)
    # The region: every row is a COM1 line (cut at the screen's width), in COM1's order.
    region = [t for t in text[3:rows - 1]]
    cut = [ln[:cols].rstrip(" ") for ln in lines]
    shown = [t for t in region if t]
    pos, in_order = 0, True
    for t in shown:
        try:
            pos = cut.index(t, pos) + 1
        except ValueError:
            in_order = False
            c.not_ok("running: region row is a COM1 line", repr(t))
            break
    c.check(in_order and len(shown) >= 10, "running: %d region rows are COM1 lines in COM1's order" % len(shown), "%d rows" % len(shown))
    # Colours: "ok" green, SKIP yellow, on the background; a swapped red/blue would not match.
    ok_rows = [r for r in range(3, rows - 1) if text[r].startswith("ok ") and "# SKIP" not in text[r]]
    skip_rows = [r for r in range(3, rows - 1) if "# SKIP" in text[r]]
    c.check(ok_rows and all(cells[r][0][1] == screen.GREEN and cells[r][1][1] == screen.GREEN and cells[r][0][2] == screen.BACKGROUND for r in ok_rows),
            "running: the 'ok' of %d ok rows is green %s on %s" % (len(ok_rows), screen.GREEN, screen.BACKGROUND),
            "first ok row cells %r" % (cells[ok_rows[0]][:2] if ok_rows else None,))
    if skip_rows:
        c.check(all(cells[r][0][1] == screen.YELLOW for r in skip_rows), "running: %d SKIP rows are yellow" % len(skip_rows),
                repr(cells[skip_rows[0]][0]))
    # Status line: its counts are those of COM1 up to the last point the region shows.
    st = re.match(r"^ test: (\S+) +passed ([0-9]+)  failed ([0-9]+)  skipped ([0-9]+)$", text[rows - 1])
    last_point = next((t for t in reversed(shown) if POINT_RE.match(t)), None)
    if not st or last_point is None:
        c.not_ok("running: status line ' test: ID ... passed P  failed F  skipped S' and a point in the region", repr(text[rows - 1]))
        return None
    # The status line is drawn at each case's start, the region at most every 100 ms: the
    # counts are COM1's after the last point the region shows, or after a later one.
    upto = next(i for i, ln in enumerate(cut) if ln == last_point)
    got = tuple(int(x) for x in st.groups()[1:])
    prefixes = {points(lines[:i + 1]) for i in range(upto, len(lines)) if POINT_RE.match(lines[i])}
    c.check(got in prefixes, "running: status counts %r are COM1's after a point at or after the last one on the screen (%r)" % (got, last_point[:40]),
            "COM1 from there: %r" % sorted(prefixes)[:5])
    return st.group(1)


def check_summary(s, b, sc, rc_expected):
    """The end screen: verdict bar, counts, failed IDs and YAML, as COM1's TAP says."""
    c = s.c
    lines = serial_lines(b)
    summ = [re.match(SUMMARY_RE, ln) for ln in lines]
    summ = [m for m in summ if m]
    if not summ:
        c.not_ok("COM1 has the summary line '# nvmetal: P passed, F failed, S skipped'", "not found")
        return
    p, f, k = (int(x) for x in summ[-1].groups())
    c.eq("COM1's summary line equals its own test points", (p, f, k), points(lines))
    scale = next((sc_ for sc_ in (2, 1) if sc.text(sc_)[1].strip() in ("PASS", "FAIL", "SKIPPED", "BAIL OUT")), None)
    if scale is None:
        c.not_ok("summary screen: a verdict word on row 1 (scale 2 or 1)", repr(sc.text(2)[:3]))
        return
    text, cells = sc.text(scale), sc.cells(scale)
    verdict = "FAIL" if f else ("SKIPPED" if k == p + f + k and k else "PASS")
    c.eq("summary: verdict word (scale %d) is COM1's verdict" % scale, text[1].strip(), verdict)
    bar = screen.RED if f else (screen.YELLOW if verdict == "SKIPPED" else screen.GREEN)
    c.eq("summary: the verdict bar is %s in the screendump's RGB (pixel format packed right)" % (bar,),
         cells[1][0][2], bar)
    c.eq("summary: counts equal COM1's summary line", text[3].strip(), "passed %d   failed %d   skipped %d" % (p, f, k))
    c.eq("summary: background is %s" % (screen.BACKGROUND,), cells[3][0][2], screen.BACKGROUND)
    if f:
        want = failures(lines)
        c.eq("summary: 'failed:' heads the list", text[5].strip(), "failed:")
        cols = len(cells[0])
        # Two rows per failure (ID, then its why indented) when all fit, else one row each.
        two_rows = len(text) > 7 and text[7].startswith("      ")
        got = []
        r = 6
        while r < len(text) and text[r].startswith("    ") and not text[r].startswith("    ... and") and len(got) < len(want):
            ident, why = want[len(got)]
            if two_rows:
                exp = ["    " + ident] + (["      " + why] if why else [])
            else:
                exp = [("    " + ident + ("  " + why if why else ""))]
            exp = [e[:cols].rstrip(" ") for e in exp]
            seen = text[r:r + len(exp)]
            got.append((ident, seen == exp, seen, exp))
            r += len(exp)
        bad = [g for g in got if not g[1]]
        c.check(got and not bad, "summary: %d failed IDs (%s form), each with its first YAML line or description, as on COM1 (%s)"
                % (len(got), "two-row" if two_rows else "one-row", ", ".join(g[0] for g in got)),
                "first mismatch: screen %r, COM1 %r" % (bad[0][2], bad[0][3]) if bad else "no ID rows")
        c.eq("summary: failed IDs are red %s" % (screen.RED,), cells[6][4][1], screen.RED)
        if len(got) < len(want):
            c.grep("summary: the %d IDs that did not fit are counted" % (len(want) - len(got)), r"^    \.\.\. and %d more" % (len(want) - len(got)), text)


def wait_fast(b, seconds, fn):
    """Boot.wait_for, polling every 20 ms: the moment to stop QEMU at passes quickly."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and b.alive():
        if fn():
            return True
        time.sleep(0.02)
    return bool(fn())


def run_one(s, name, knobs, cfg, rc_expected, mid_run=True):
    c = s.c
    k = dict(knobs)
    k["VGA"] = "std"
    k["QMP"] = os.path.join(s.sockdir, name + ".qmp")
    if END_WAIT_KEY:
        cfg = cfg + ["end_wait = key"]
    else:
        k.update(DEBUG_EXIT="off", NO_REBOOT="off", ACTION="reboot=shutdown,shutdown=pause")
    b = s.start(name, k, esp=s.media(name, "# scenario screen: %s" % name, *cfg))
    if not b.wait_for(30, lambda: os.path.exists(b.sock)):
        c.not_ok("%s: QMP socket appeared" % name, b.sock)
        return s._done(b)
    m = None
    if b.wait_for(60, lambda: b.serial_has(SCREEN_LINE_RE) or b.serial_has(r"^# screen: none")):
        m = re.search(SCREEN_LINE_RE, b.serial_text(), re.M)
    c.check(m is not None, "%s: banner '# screen: WxH FORMAT, COLSxROWS cells, font NAME'" % name,
            (re.findall(r"^# screen: .*$", b.serial_text(), re.M) or ["no screen line"])[0])
    cols = rows = None
    if m:
        c.eq("%s: the banner names the font the harness reads" % name, m.group(6), "Lat15-Terminus16")
        cols, rows = int(m.group(4)), int(m.group(5))
    status_id = None
    if m and mid_run:
        if wait_fast(b, 60, lambda: sum(1 for ln in serial_lines(b) if POINT_RE.match(ln)) >= MID_RUN_POINTS):
            # The screen lags COM1 by up to one draw interval (100 ms of the guest): a dump
            # without a test point in the region yet is taken again a little later.
            for _ in range(12):
                r = qmp.session(b.sock, "stop")
                sc = dump(s, b, "running") if r else None
                qmp.session(b.sock, "cont")
                # A passing (not SKIP) point in the region: the colour check below needs one.
                if sc is None or any(POINT_RE.match(t) and t.startswith("ok") and "# SKIP" not in t
                                     for t in sc.text(1)[3:-1]):
                    break
                b.wait_for(0.3, lambda: False)
            if sc is None:
                c.not_ok("%s: screendump while running" % name, "QMP failed")
            else:
                c.eq("%s: the banner's size is the screendump's" % name, (int(m.group(1)), int(m.group(2))), (sc.width, sc.height))
                c.eq("%s: the banner's cells are the screen's 8x16 cells" % name, (cols, rows), (sc.width // 8, sc.height // 16))
                status_id = check_running(s, b, sc, cols, rows)
        else:
            c.not_ok("%s: %d test points on COM1 to read the running console at" % (name, MID_RUN_POINTS), "fewer")
    # The end: the plan line on COM1, then the summary on the screen.
    sc = None
    if b.wait_for(s.boot_timeout, lambda: b.serial_has(r"^1\.\.[0-9]+$") or b.serial_has(r"^Bail out!")):
        # The image says when the last pixel of the summary is drawn.
        if not b.wait_for(30, lambda: b.serial_has(r"^# screen: summary shown$")):
            c.not_ok("%s: COM1 says the summary is shown ('# screen: summary shown')" % name, "not in %s" % c.rel(b.serial))
        if END_WAIT_KEY:
            for _ in range(40):
                sc = dump(s, b, "summary")
                if sc and any(t.strip() in ("PASS", "FAIL", "SKIPPED", "BAIL OUT") for t in sc.text(2)[:3] + sc.text(1)[:3]):
                    break
                b.wait_for(0.5, lambda: False)
        else:
            b.wait_for(60, lambda: qmp.status(b.sock) == "shutdown")
            sc = dump(s, b, "summary")
    else:
        c.not_ok("%s: COM1 shows the plan line" % name, "not in %s" % c.rel(b.serial))
    if sc is None:
        c.not_ok("%s: screendump of the summary" % name, "QMP failed")
    else:
        check_summary(s, b, sc, rc_expected)
    if status_id:
        c.grep("%s: the status line's test (%s) is a case of the run" % (name, status_id),
               r"^(not )?ok [0-9]+ - %s([: ]|$)" % re.escape(status_id), serial_lines(b))
    if END_WAIT_KEY:
        alive = b.alive()
        c.check(alive, "%s: QEMU still runs on the summary screen (end_wait = key)" % name, "it had exited")
        qmp.session(b.sock, ("send-key", {"keys": [{"type": "qcode", "data": "ret"}]}))
        s._done(b)
        c.rc("%s: after send-key, exit code %d (the verdict) through isa-debug-exit" % (name, rc_expected), b.rc, rc_expected, s.work)
    else:
        qmp.session(b.sock, "quit")
        s._done(b)
    return b


def run(s):
    c = s.c
    s.fresh_nvme_state()
    # bench = yes: the in-image figures keep the run going for seconds after the first points,
    # so the running console is there to read (a read-only run alone can end within a second).
    run_one(s, "pass", {}, ["bench = yes"], 0)
    # A failing run: VT-d required where QEMU has none fails vtd.dmar.parse (and the run).
    s.fresh_nvme_state()
    # save_results = yes puts the results line in the footer, as a real machine's summary has it;
    # the record it leaves in the vars file is dropped after, so the next boots find none.
    run_one(s, "fail", {"IOMMU": "none"}, ["iommu = require", "save_results = yes"], 1, mid_run=False)
    vars_file = s.state_file("OVMF_VARS_4M.fd")
    if os.path.exists(vars_file):
        os.unlink(vars_file)
    # No display adapter: no GOP, no screen console, said in the banner; the run is the same.
    b = s.boot("none", {"VGA": "none"}, esp=s.media("none", "# scenario screen: no display"))
    c.rc("none: exit code 0 through isa-debug-exit", b.rc, 0, s.work)
    c.grep("none: banner says there is no screen and why", r"^# screen: none \(no GOP framebuffer\)$", serial_lines(b))
    # screen = off: the display is there and left alone.
    b = s.boot("off", {"VGA": "std"}, esp=s.media("off", "# scenario screen: screen = off", "screen = off"))
    c.rc("off: exit code 0 through isa-debug-exit", b.rc, 0, s.work)
    c.grep("off: banner says the config turned the screen off", r"^# screen: none \(screen = off\)$", serial_lines(b))
    c.no_grep("off: no screen sink in the console line", r"^# console [^;]*screen", serial_lines(b))
