#!/usr/bin/env python3
"""image/tap_tools.py: turn a raw nvmetal serial log into clean TAP (clean), write JUnit XML from that TAP (junit), and check the two agree (check)."""

# usage:
#   tap_tools.py clean SERIAL_LOG OUT.tap
#       The TAP stream of the first run in SERIAL_LOG: from the first
#       "TAP version 13" (or 14) line on, with terminal escape sequences,
#       other control characters and CRs removed and LF line endings; it ends
#       after the run's plan (printed last) or "Bail out!", or before a second
#       "TAP version" line (a reboot).  Exit 1 (and no OUT.tap) when
#       SERIAL_LOG has no version line.
#   tap_tools.py junit TAP OUT.xml [--name SUITE]
#       JUnit XML written from the TAP: one <testsuite> (name SUITE, default
#       "nvmetal") in a <testsuites>, one <testcase classname="ID"
#       name="ID: DEVICE[ nsid N]"> per test point; "not ok" has a <failure>
#       (message: the description; text: the YAML block), "# SKIP" a
#       <skipped message=REASON/>, the YAML block also goes to the testcase's
#       <system-out>, the "#" diagnostics to the suite's.  A "Bail out!" is an
#       <error> testcase named "bail_out"; a missing plan, or a plan that
#       disagrees with the points seen (a run cut short), an <error> testcase
#       named "plan".
#   tap_tools.py check TAP XML
#       Exit 0 only when XML (as junit writes it) holds exactly TAP's points,
#       with the same failures, SKIPs and errors, in its elements and in its
#       testsuite counts; prints one line with the counts.
# Exit status: 0 success, 1 no TAP / mismatch, 2 usage or file error.

import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

VERSION_LINE = re.compile(r"^TAP version (1[34])$")
PLAN = re.compile(r"^1\.\.(\d+)(?:\s*#\s*(.*))?$")
BAIL = re.compile(r"^Bail out!(?:\s+(.*))?$")
TEST = re.compile(r"^(not )?ok\b(?:\s+(\d+))?(?:\s*-)?(?:\s+(.*))?$")
DIRECTIVE = re.compile(r"^\s*(SKIP|TODO)\S*(?:\s+(.*))?$", re.IGNORECASE)
YAML_START = re.compile(r"^(\s+)---\s*$")
# The image's description: "ID", "ID: WHERE", "ID: WHERE nsid N", then text.
# WHERE is a device (BB:DD.F or SSSS:BB:DD.F), optionally /PASS (00:02.0/vtd).
POINT_ID = re.compile(
    r"^(?P<id>[A-Za-z0-9_.]+)"
    r"(?::\s+(?P<dev>(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7](?:/[A-Za-z0-9_.-]+)?)"
    r"(?:\s+nsid\s+(?P<nsid>\d+))?)?"
    r"(?=[:\s]|$)")

# Terminal output that is not text: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS
# strings (up to BEL or ESC \), other ESC sequences, then any lone control
# character but TAB and LF (CR is dropped: CRLF becomes LF).
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 cannot hold at all, not even as a character reference.
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def die(msg, code=2):
    print("tap_tools: " + msg, file=sys.stderr)
    sys.exit(code)


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    return data.decode("utf-8", errors="replace")


# ---- clean ---------------------------------------------------------------------

def clean_lines(text):
    """The first run's TAP lines in a raw serial log, or None without a version line."""
    out = None
    points = 0
    for raw in text.split("\n"):
        line = CONTROLS.sub("", ESCAPES.sub("", raw))
        if out is None:
            if VERSION_LINE.match(line.rstrip()):
                out = [line.rstrip()]
            continue
        if VERSION_LINE.match(line.rstrip()):
            break  # the machine rebooted into a second run
        out.append(line)
        if TEST.match(line):
            points += 1
        elif BAIL.match(line):
            break
        elif PLAN.match(line) and (points or line.startswith("1..0")):
            break  # the plan comes last
    if out is not None:
        while len(out) > 1 and out[-1].strip() == "":
            out.pop()
    return out


def cmd_clean(args):
    if len(args) != 2:
        usage()
    serial, out = args
    lines = clean_lines(read_text(serial))
    if lines is None:
        try:
            os.remove(out)  # no stale TAP from an earlier run
        except OSError:
            pass
        die("%s: no 'TAP version 13' or 'TAP version 14' line: the image printed no TAP" % serial, 1)
    try:
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
    except OSError as e:
        die("%s: %s" % (out, e.strerror))
    return 0


# ---- parsing TAP -------------------------------------------------------------------

def unescape_split(text):
    """(description, directive text or None): '\\#' and '\\\\' are literal, the first bare '#' starts the directive."""
    desc = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "#\\":
            desc.append(text[i + 1])
            i += 2
            continue
        if c == "#":
            return "".join(desc), text[i + 1:]
        desc.append(c)
        i += 1
    return "".join(desc), None


class Point:
    def __init__(self, ok, number, description, directive):
        self.ok = ok
        self.number = number
        self.description = description.strip()
        self.skip = self.todo = False
        self.reason = ""
        if directive is not None:
            m = DIRECTIVE.match(directive)
            if m:
                self.skip = m.group(1).upper() == "SKIP"
                self.todo = not self.skip
                self.reason = (m.group(2) or "").strip()
        self.yaml = None
        m = POINT_ID.match(self.description)
        if m:
            self.id, self.device, self.nsid = m.group("id"), m.group("dev"), m.group("nsid")
        else:
            word = self.description.split()[0].rstrip(":") if self.description else ""
            self.id, self.device, self.nsid = (word or "test_%s" % (number or "?")), None, None

    @property
    def name(self):
        if not self.device:
            return self.id
        return "%s: %s%s" % (self.id, self.device, " nsid " + self.nsid if self.nsid else "")

    @property
    def failed(self):
        return not self.ok and not self.todo

    @property
    def status(self):
        if self.failed:
            return "failure"
        return "skipped" if self.skip else "pass"


class Tap:
    def __init__(self, text):
        self.version = None
        self.plan = None
        self.points = []
        self.bail_outs = []
        self.diagnostics = []
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        i = 0
        while i < len(lines):
            line = lines[i].rstrip("\r")
            i += 1
            m = TEST.match(line)
            if m:
                desc, directive = unescape_split(m.group(3) or "")
                p = Point(not m.group(1), m.group(2), desc, directive)
                self.points.append(p)
                y = YAML_START.match(lines[i]) if i < len(lines) else None
                if y:
                    indent = y.group(1)
                    end = re.compile(r"^" + re.escape(indent) + r"\.\.\.\s*$")
                    body = []
                    j = i + 1
                    while j < len(lines) and not end.match(lines[j]) and \
                            (lines[j].startswith(indent) or lines[j].strip() == ""):
                        body.append(lines[j][len(indent):])
                        j += 1
                    p.yaml = "".join(b + "\n" for b in body)
                    i = j + 1 if j < len(lines) and end.match(lines[j]) else j
                continue
            m = BAIL.match(line)
            if m:
                self.bail_outs.append((m.group(1) or "").strip())
                continue
            m = VERSION_LINE.match(line)
            if m and self.version is None:
                self.version = int(m.group(1))
                continue
            m = PLAN.match(line)
            if m and self.plan is None:
                self.plan = int(m.group(1))
                self.plan_directive = m.group(2) or ""
                continue
            if line.startswith("#"):
                self.diagnostics.append(line)

    def plan_problem(self):
        """Why the plan does not vouch for the points (a run cut short), or None."""
        if self.bail_outs:
            return None  # the bail out is the error
        if self.plan is None:
            return "no plan: the run ended before the image printed its plan (%d test points seen)" % len(self.points)
        if self.plan != len(self.points):
            return "plan 1..%d, but %d test points" % (self.plan, len(self.points))
        return None

    def expected(self):
        """(classname, name, status) of every testcase the JUnit must hold."""
        cases = [(p.id, p.name, p.status) for p in self.points]
        cases += [("bail_out", "bail_out", "error") for _ in self.bail_outs]
        if self.plan_problem():
            cases.append(("plan", "plan", "error"))
        return cases


# ---- junit ---------------------------------------------------------------------------

def xml_text(s):
    return XML_FORBIDDEN.sub("", s)


def cmd_junit(args):
    name = "nvmetal"
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--name" and i + 1 < len(args):
            name = args[i + 1]
            i += 2
        elif args[i].startswith("--name="):
            name = args[i][len("--name="):]
            i += 1
        else:
            rest.append(args[i])
            i += 1
    if len(rest) != 2:
        usage()
    tap_path, out = rest
    tap = Tap(read_text(tap_path))
    cases = tap.expected()
    failures = sum(1 for c in cases if c[2] == "failure")
    skipped = sum(1 for c in cases if c[2] == "skipped")
    errors = sum(1 for c in cases if c[2] == "error")
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors),
              "skipped": str(skipped), "time": "0"}

    root = ET.Element("testsuites", dict(name=xml_text(name), **counts))
    suite = ET.SubElement(root, "testsuite", dict(name=xml_text(name), **counts))
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="tap_version", value=str(tap.version or ""))
    ET.SubElement(props, "property", name="tap_plan",
                  value="1..%d" % tap.plan if tap.plan is not None else "none")
    for p in tap.points:
        case = ET.SubElement(suite, "testcase", classname=xml_text(p.id), name=xml_text(p.name), time="0")
        line = "%s %s - %s" % ("ok" if p.ok else "not ok", p.number or "", p.description)
        if p.failed:
            f = ET.SubElement(case, "failure", message=xml_text(p.description or line), type="not ok")
            f.text = xml_text(p.yaml if p.yaml is not None else line)
        elif p.skip:
            ET.SubElement(case, "skipped", message=xml_text(p.reason))
        if p.yaml is not None or p.todo:
            out_text = p.yaml if p.yaml is not None else ""
            if p.todo:
                out_text = ("TODO %s\n" % p.reason) + out_text
            ET.SubElement(case, "system-out").text = xml_text(out_text)
    for reason in tap.bail_outs:
        case = ET.SubElement(suite, "testcase", classname="bail_out", name="bail_out", time="0")
        e = ET.SubElement(case, "error", message=xml_text(reason or "Bail out!"), type="bail out")
        e.text = xml_text("Bail out! " + reason if reason else "Bail out!")
    problem = tap.plan_problem()
    if problem:
        case = ET.SubElement(suite, "testcase", classname="plan", name="plan", time="0")
        ET.SubElement(case, "error", message=xml_text(problem), type="plan").text = xml_text(problem)
    ET.SubElement(suite, "system-out").text = xml_text("\n".join(tap.diagnostics) + ("\n" if tap.diagnostics else ""))
    if hasattr(ET, "indent"):
        ET.indent(root)
    try:
        ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
        with open(out, "ab") as f:
            f.write(b"\n")
    except OSError as e:
        die("%s: %s" % (out, e.strerror))
    return 0


# ---- check -----------------------------------------------------------------------------

def cmd_check(args):
    if len(args) != 2:
        usage()
    tap_path, xml_path = args
    tap = Tap(read_text(tap_path))
    want = tap.expected()
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as e:
        print("check: %s is not well-formed XML: %s" % (xml_path, e))
        return 1
    except OSError as e:
        die("%s: %s" % (xml_path, e.strerror))
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    problems = []
    if root.tag not in ("testsuite", "testsuites"):
        problems.append("root element <%s>, not <testsuites> or <testsuite>" % root.tag)
    if len(suites) != 1:
        problems.append("%d <testsuite> elements, want 1" % len(suites))
    got = []
    attrs = collections.Counter()
    for s in suites:
        for key in ("tests", "failures", "errors", "skipped"):
            try:
                attrs[key] += int(s.get(key, "0"))
            except ValueError:
                problems.append("testsuite %s=%r is not a number" % (key, s.get(key)))
        for case in s.iter("testcase"):
            kinds = [k for k in ("failure", "error", "skipped") if case.find(k) is not None]
            if len(kinds) > 1:
                problems.append("testcase %r has %s" % (case.get("name"), " and ".join(kinds)))
            got.append((case.get("classname"), case.get("name"), kinds[0] if kinds else "pass"))

    n = collections.Counter(c[2] for c in want)
    g = collections.Counter(c[2] for c in got)
    tap_counts = (len(want), n["failure"], n["skipped"], n["error"])
    xml_counts = (len(got), g["failure"], g["skipped"], g["error"])
    attr_counts = (attrs["tests"], attrs["failures"], attrs["skipped"], attrs["errors"])
    if xml_counts != tap_counts:
        problems.append("elements: %d testcases, %d failures, %d skipped, %d errors" % xml_counts)
    if attr_counts != tap_counts:
        problems.append("testsuite attributes: tests=%d failures=%d skipped=%d errors=%d" % attr_counts)
    missing = collections.Counter(want) - collections.Counter(got)
    extra = collections.Counter(got) - collections.Counter(want)
    for what, diff in (("no testcase for", missing), ("testcase not in the TAP:", extra)):
        for (cls, nm, st), k in sorted(diff.items(), key=str)[:5]:
            problems.append("%s %s %r (%s)%s" % (what, cls, nm, st, " x%d" % k if k > 1 else ""))

    line = ("TAP %d points (%d not ok, %d SKIP, %d bail out%s) vs JUnit %d testcases "
            "(%d failures, %d skipped, %d errors)" % (
                len(tap.points), sum(p.failed for p in tap.points), sum(p.skip for p in tap.points),
                len(tap.bail_outs), ", plan error" if tap.plan_problem() else "",
                len(got), g["failure"], g["skipped"], g["error"]))
    if problems:
        print("check: MISMATCH: " + line + ": " + "; ".join(problems))
        return 1
    print("check: ok: " + line)
    return 0


def usage():
    print(__doc__.strip(), file=sys.stderr)
    print("usage: tap_tools.py clean SERIAL_LOG OUT.tap\n"
          "       tap_tools.py junit TAP OUT.xml [--name SUITE]\n"
          "       tap_tools.py check TAP XML", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        usage()
    cmd = {"clean": cmd_clean, "junit": cmd_junit, "check": cmd_check}.get(argv[1])
    if cmd is None:
        usage()
    return cmd(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
