"""the image's TAP, cleaned from the raw serial log by image/tap_tools.py, is read without complaint by Debian's prove, TAP::Formatter::JUnit and tappy (YAML included) on a passing run with SKIPs, a run with failures and SKIPs and a bail out, each tool seeing every test point; tap_tools.py's own JUnit XML holds the same counts."""

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from harness.scenario import TAP_TOOLS

CMB_TESTS = "tests = platform.*, pci.*, nvme.identify.*, nvme.cmb.*"
NO_CMB = {"CMB_SIZE_MB": "0", "PMR_SIZE": "0"}
CASES = [
    # A passing run whose SKIPs have reasons (no CMB: every nvme.cmb.* SKIPs).
    ("pass", 0, "pass", NO_CMB, [CMB_TESTS]),
    # Failures with YAML blocks (register dumps as '|' block scalars) and SKIPs: iommu = require on
    # a unit that cannot translate fails the translation cases.
    ("fail", 1, "fail", dict(NO_CMB, DMA_TRANSLATION="off"), [CMB_TESTS + ", vtd.*", "iommu = require"]),
    # A bail out before any test point (a tests glob that matches no test ID).
    ("bail", 2, "bail", NO_CMB, ["tests = pci.*, nvme.nosuch.*"]),
]

# tappy's parser reads every point (number, ok, SKIP) as tap_tools.py does, every YAML block into a
# mapping, no line it does not know; and its runner's rules hold.  Run by the python3 that has tappy.
TAPPY_CHECK = r'''
import sys
sys.dont_write_bytecode = True  # no __pycache__ in image/
sys.path.insert(0, sys.argv[2])
import tap_tools
import tap.line
import tap.parser
from tap.loader import Loader

if not (tap.parser.ENABLE_VERSION_13 and tap.line.LOAD_YAML):
    print("tappy's YAML support is off (python3-yaml, python3-more-itertools)")
    sys.exit(1)
path = sys.argv[1]
ours = tap_tools.Tap(open(path, encoding="utf-8").read())
results, unknown, problems = [], [], []
for line in tap.parser.Parser().parse_file(path):
    if line.category == "test":
        results.append(line)
    elif line.category == "unknown":
        unknown.append(line)
if len(results) != len(ours.points):
    problems.append("%d test lines, tap_tools.py sees %d points" % (len(results), len(ours.points)))
nyaml = 0
for r, p in zip(results, ours.points):
    if (r.number, r.ok, r.skip) != (int(p.number), p.ok, p.skip):
        problems.append("point %s: tappy reads number %s ok %s skip %s" % (p.number, r.number, r.ok, r.skip))
    if (r._yaml_block is None) != (p.yaml is None):
        problems.append("point %s: tappy %s a YAML block" % (p.number, "missed" if p.yaml is not None else "invented"))
    elif p.yaml is not None:
        y = r.yaml_block
        if isinstance(y, dict) and y:
            nyaml += 1
        else:
            problems.append("point %s: tappy's YAML block reads as %r" % (p.number, y))
if unknown:
    problems.append("%d lines tappy does not recognize" % len(unknown))
problems += ["rule: " + t._line.description for t in Loader().load_suite_from_file(path)
             if t._line.number is None and not t._line.ok]
print("tappy read %d points (%d not ok, %d SKIP), %d YAML blocks as mappings%s" % (
    len(results), sum(not r.ok for r in results), sum(r.skip for r in results), nyaml,
    "; " + "; ".join(problems[:6]) if problems else ""))
sys.exit(1 if problems else 0)
'''

# JUnit testcase names carry ID, device and nsid only: no measured value.
NAME_SHAPE = re.compile(r"^[A-Za-z0-9_.]+(: (?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7](?:/[A-Za-z0-9_.-]+)?( nsid \d+)?)?$")


def numbers(lines, kind):
    pat = {"not_ok": r"^not ok ([0-9]+)( .*)?$", "skip": r"^ok ([0-9]+) .*# SKIP.*", "all": r"^(?:not )?ok ([0-9]+)( .*)?$"}[kind]
    return [m.group(1) for m in (re.match(pat, ln) for ln in lines) if m]


def prove_failed(text):
    """The numbers prove lists as 'Failed tests:' (it wraps long lists onto lines indented 16 blanks)."""
    parts, on = [], False
    for ln in text.splitlines():
        if re.match(r"^  Failed tests?:", ln):
            on = True
            parts.append(re.sub(r"^  Failed tests?: *", "", ln))
        elif on and re.match(r"^                [0-9]", ln):
            parts.append(ln)
        else:
            on = False
    out = []
    for x in ",".join(parts).split(","):
        x = x.replace(" ", "")
        if not x:
            continue
        if "-" in x:
            a, b = x.split("-", 1)
            out += [str(i) for i in range(int(a), int(b) + 1)]
        else:
            out.append(x)
    return out


def junit_counts(path):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        return "invalid: %s" % e
    n = lambda tag: len(root.findall(".//" + tag))
    return "%d %d %d %d" % (n("testcase"), n("failure"), n("error"), n("skipped"))


def sh(argv, out=None, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", **kw)
    if out:
        with open(out, "w") as f:
            f.write(r.stdout)
    return r.returncode, r.stdout.strip()


def consumers_case(s, tools, name, want_rc, kind, knobs, cfg):
    c = s.c
    esp = s.esp(name, s.cfg(name, "# scenario %s: %s" % (s.name, name), *cfg))
    if esp is None:
        return
    b = s.boot(name, knobs, esp=esp)
    serial, tap = b.serial, b.tap_path
    c.rc("%s: exit code %d through isa-debug-exit" % (name, want_rc), b.rc, want_rc, s.work)
    # -- the raw log and the clean TAP
    raw = open(serial, "rb").read() if os.path.exists(serial) else b""
    c.check(b"\r" in raw and b"\x1b[" in raw, "%s: the raw serial log has CR line ends and escape sequences (OVMF's) to clean" % name
            if b"\r" in raw and b"\x1b[" in raw else "%s: the raw serial log has CR line ends and escape sequences" % name,
            "nothing to clean in %s" % c.rel(serial))
    rc, out = sh(["python3", TAP_TOOLS, "clean", serial, tap])
    if rc != 0 or not os.path.exists(tap) or os.path.getsize(tap) == 0:
        c.not_ok("%s: tap_tools.py clean made %s" % (name, c.rel(tap)), "exit %d: %s" % (rc, out))
        return
    data = open(tap, "rb").read()
    lines = data.decode("utf-8", "replace").splitlines()
    c.ok("%s: tap_tools.py clean made %s (%d lines)" % (name, c.rel(tap), data.count(b"\n")))
    c.eq("%s: the .tap starts with the version line" % name, lines[0] if lines else "", "TAP version 13")
    ctl = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data)
    if ctl:
        ln = data[:ctl.start()].count(b"\n") + 1
        c.not_ok("%s: the .tap holds no CR, escape or other control byte" % name, "%d:%r" % (ln, data.split(b"\n")[ln - 1][:110]))
    else:
        c.ok("%s: the .tap holds no CR, escape or other control byte (LF line ends only)" % name)
    c.eq("%s: the .tap ends with a line feed" % name, "\\n" if data.endswith(b"\n") else repr(data[-1:]), "\\n")
    last = lines[-1] if lines else ""
    if kind == "bail":
        c.check(last.startswith("Bail out!"), "%s: the .tap ends with the bail out: %s" % (name, last[:100])
                if last.startswith("Bail out!") else "%s: the .tap ends with the bail out" % name, "last line: %s" % last)
    else:
        c.eq("%s: the .tap ends with the plan" % name, last, "1..%d" % len(numbers(lines, "all")))
    # -- what the TAP says
    n_points, n_fail, n_skip = len(numbers(lines, "all")), len(numbers(lines, "not_ok")), len(numbers(lines, "skip"))
    fails = " ".join(numbers(lines, "not_ok"))
    c.note("%s: %d test points, %d not ok (%s), %d SKIP" % (name, n_points, n_fail, fails or "none", n_skip))
    if kind == "pass":
        good = n_points > 0 and n_fail == 0 and n_skip > 0
        c.check(good, "%s: the run passed with SKIPs (%d points, %d SKIP)" % (name, n_points, n_skip) if good else
                "%s: the run passed with SKIPs" % name, "%d points, %d not ok, %d SKIP" % (n_points, n_fail, n_skip))
    elif kind == "fail":
        good = n_fail > 0 and n_skip > 0 and n_fail + n_skip < n_points
        c.check(good, "%s: the run has passes, failures and SKIPs (%d points, %d not ok, %d SKIP)" % (name, n_points, n_fail, n_skip)
                if good else "%s: the run has passes, failures and SKIPs" % name, "%d points, %d not ok, %d SKIP" % (n_points, n_fail, n_skip))
    else:
        c.eq("%s: no test point ran before the bail out" % name, n_points, 0)
    if kind != "bail":
        summ = None
        for ln in lines:
            m = re.match(r"^# nvmetal: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?", ln)
            if m:
                summ = (m.group(1), m.group(2), m.group(4) or "?")
        got = " ".join(summ) if summ else "? ? ?"
        c.eq("%s: the summary comment agrees with the points (%d passed, %d failed, %d skipped)" % (name, n_points - n_fail - n_skip, n_fail, n_skip),
             got, "%d %d %d" % (n_points - n_fail - n_skip, n_fail, n_skip))
    # -- prove (TAP::Harness): the file read as a test's output
    bail_err = 1 if kind == "bail" else 0
    if tools["prove"]:
        pfile = os.path.join(s.work, name + ".prove")
        rc, ptext = sh(["prove", "--norc", "--exec", "cat", tap], out=pfile)
        ptext = open(pfile).read()
        summary = "|".join(ln[:120] for ln in ptext.splitlines() if re.match(r"^(Result|Files=|Bailout called)", ln))
        has = lambda ere: re.search(ere, ptext, re.M) is not None
        if kind == "pass":
            if rc == 0 and has(r"^Result: PASS$") and has(r"^Files=1, Tests=%d," % n_points):
                c.ok("prove passes %s: exit 0, %s" % (name, summary))
            else:
                c.not_ok("prove passes %s (exit 0, Result: PASS, Tests=%d)" % (name, n_points), "exit %d; %s; see %s" % (rc, summary, c.rel(pfile)))
        elif kind == "fail":
            got = " ".join(prove_failed(ptext))
            if rc != 0 and has(r"^Result: FAIL$") and has(r"^Files=1, Tests=%d," % n_points) and got == fails:
                c.ok("prove fails %s with exactly the not-ok points: exit %d, failed tests %s, %s" % (name, rc, got, summary))
            else:
                c.not_ok("prove fails %s with exactly the not-ok points (%s), Tests=%d" % (name, fails, n_points),
                         "exit %d, prove's failed tests '%s'; %s" % (rc, got, summary))
        else:
            if rc != 0 and has(r"^Bailout called\.  Further testing stopped:  .") and has(r"^Result: FAIL$"):
                c.ok("prove stops at %s's bail out: exit %d, %s" % (name, rc, summary))
            else:
                c.not_ok("prove stops at %s's bail out" % name, "exit %d; %s" % (rc, summary))
        # A run that bails out has no plan by design: prove says so, nothing else.
        perr = "\n".join(re.sub(r"^ +(Parse errors?: *)?", "", ln) for ln in ptext.splitlines()
                         if re.match(r"^  Parse errors?:|^                [^0-9 ]", ln))
        if kind == "bail":
            c.eq("%s: prove's only parse error is the missing plan of a bail out" % name, perr or "none", "No plan found in TAP output")
        elif not perr:
            c.ok("%s: prove reports no parse errors (YAML blocks, plan and version read)" % name)
        else:
            c.not_ok("%s: prove reports no parse errors" % name, perr.replace("\n", " | "))
    # -- TAP::Formatter::JUnit through prove
    if tools["prove"] and tools["junit"]:
        xml = os.path.join(s.work, name + ".prove-junit.xml")
        with open(xml, "w") as f, open(os.path.join(s.work, name + ".prove-junit.err"), "w") as err:
            subprocess.run(["prove", "--norc", "--formatter", "TAP::Formatter::JUnit", "--exec", "cat", tap], stdout=f, stderr=err)
        got = junit_counts(xml)
        # It writes no <skipped>; a bail out is an <error> of the suite.
        want = "%d %d %d 0" % (n_points, n_fail, bail_err)
        if got == want:
            cases, f_, e_, _ = got.split()
            c.ok("TAP::Formatter::JUnit on %s: well-formed XML, %s testcases (one per point), %s failures, %s errors" % (name, cases, f_, e_))
        else:
            c.not_ok("TAP::Formatter::JUnit on %s: one testcase per point, a failure per not ok" % name,
                     "got testcases/failures/errors/skipped '%s', want '%s'; see %s" % (got, want, c.rel(xml)))
    # -- tappy
    if tools["tappy"]:
        r = subprocess.run([tools["tappy"], "-", tap, os.path.join(s.repo, "image")], input=TAPPY_CHECK, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        out, rc = r.stdout.strip(), r.returncode
        if kind == "bail":
            if "; rule: Bailed: " in out and not re.search(r"; rule: .*; rule: ", out) and "does not recognize" not in out:
                c.ok("tappy on %s: %s" % (name, out))
            else:
                c.not_ok("tappy on %s: reads the bail out and nothing it rejects" % name, out)
        elif rc == 0:
            c.ok("tappy on %s: %s" % (name, out))
        else:
            c.not_ok("tappy on %s: every point and YAML block read, no rule broken" % name, out)
    # -- tap_tools.py's JUnit
    xml = os.path.join(s.work, name + ".xml")
    rc, out = sh(["python3", TAP_TOOLS, "junit", tap, xml, "--name", "%s/%s" % (s.name, name)])
    if rc != 0:
        c.not_ok("%s: tap_tools.py junit wrote %s" % (name, c.rel(xml)), "exit %d: %s" % (rc, out))
        return
    rc, out = sh(["python3", TAP_TOOLS, "check", tap, xml])
    c.check(rc == 0, "%s: tap_tools.py %s" % (name, out) if rc == 0 else "%s: tap_tools.py check: the JUnit matches the TAP" % name, out)
    want = "%d %d %d %d" % (n_points + bail_err, n_fail, bail_err, n_skip)
    c.eq("%s: tap_tools.py's JUnit, read by Python's XML parser, has '%s' testcases, failures, errors, skipped" % (name, want), junit_counts(xml), want)
    if kind != "bail":
        bad = ["%s | %s" % (t.get("classname"), t.get("name")) for t in ET.parse(xml).getroot().iter("testcase")
               if not NAME_SHAPE.match(t.get("name", "")) or not t.get("name", "").startswith(t.get("classname", "?"))]
        c.check(not bad, "%s: every JUnit testcase is named 'ID', 'ID: DEVICE' or 'ID: DEVICE nsid N', classname ID" % name
                if not bad else "%s: JUnit testcases are named by ID, device and nsid only" % name, "\n".join(bad[:3]))


def run(s):
    c = s.c
    s.boot_timeout = 60  # small test selections: each boot takes seconds
    tools = {"prove": shutil.which("prove") is not None, "junit": False, "tappy": ""}
    if not tools["prove"]:
        c.not_ok("prove installed", "Debian package perl")
    if subprocess.run(["perl", "-MTAP::Formatter::JUnit", "-e", "1"], stderr=subprocess.DEVNULL).returncode == 0:
        tools["junit"] = True
    else:
        c.not_ok("TAP::Formatter::JUnit installed", "Debian package libtap-formatter-junit-perl")
    # Debian's python3-tap lives in /usr/lib/python3/dist-packages: the python3 first on PATH may not see it.
    for py in ("python3", "/usr/bin/python3"):
        if subprocess.run([py, "-c", "import tap.parser, tap.loader, yaml, more_itertools"], stderr=subprocess.DEVNULL).returncode == 0:
            tools["tappy"] = py
            break
    if not tools["tappy"]:
        c.not_ok("tappy with YAML support importable",
                 "Debian packages python3-tap, python3-yaml, python3-more-itertools (tappy reads no YAML block without the last)")
    for name, want_rc, kind, knobs, cfg in CASES:
        consumers_case(s, tools, name, want_rc, kind, knobs, cfg)
