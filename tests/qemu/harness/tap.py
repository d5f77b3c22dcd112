"""The image's TAP stream (the clean .tap image/tap_tools.py makes), parsed into points.

A point keeps its raw line; `id`, `where` (the token after "ID: ": BB:DD.F,
BB:DD.F/PASS or a name such as dma-pool), `nsid` (from "WHERE nsid N"),
`skip`/`todo` and `reason` (for people), and `yaml`: the keys of its YAML block
(top level "  key: value"; a key without a value whose block goes on at a deeper
indent holds a dict of those).  A SKIP's cause is its YAML key `skip`, a code
(tests/suite/suite.h lists them), with the values it names as keys of their own.
Checks assert on ids, where, directives and YAML keys.
"""

import fnmatch
import re

POINT = re.compile(r"^(not )?ok (\d+)( |$)")
SUMMARY = re.compile(r"^# nvmetal: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?")


def skip_want(want):
    """(code glob, {key: ERE}) of WANT: a code ('*' globs), or (code, {key: ERE})."""
    return (want, {}) if isinstance(want, str) else (want[0], dict(want[1]))


def skip_text(want):
    """WANT as a check's message says it: 'skip: CODE, KEY ~ /ERE/'."""
    code, keys = skip_want(want)
    return ", ".join(["skip: " + code] + ["%s ~ /%s/" % kv for kv in sorted(keys.items())])


def unquote(v):
    """A YAML scalar as lib.sh's point_yaml gave it: surrounding double quotes removed."""
    if len(v) >= 1 and v.startswith('"'):
        v = v[1:]
    if v.endswith('"'):
        v = v[:-1]
    return v


class Point:
    def __init__(self, line, index):
        self.line = line
        self.index = index  # position in the stream
        m = POINT.match(line)
        self.ok = m.group(1) is None
        self.number = int(m.group(2))
        rest = line[m.end():]
        self.text = rest[2:] if rest.startswith("- ") else rest  # "ID: WHERE ..." after "ok N - "
        m2 = re.match(r"[^: ]*", self.text)
        self.id = m2.group(0)
        after = self.text[len(self.id):]
        self.where = None
        self.nsid = None
        if after.startswith(": "):
            toks = after[2:].split(" ")
            self.where = toks[0]
            if len(toks) >= 3 and toks[1] == "nsid" and re.match(r"^\d+:?$", toks[2]):
                self.nsid = toks[2].rstrip(":")
        self.skip = "# SKIP" in line
        self.todo = "# TODO" in line
        self.reason = line.split("# SKIP ", 1)[1] if "# SKIP " in line else None
        self.yaml = {}
        self.yaml_raw = []

    @property
    def passed(self):
        """ok, not a SKIP or TODO."""
        return self.ok and not self.skip and not self.todo

    def skipped_as(self, want):
        """ok and a SKIP whose YAML `skip` code matches WANT's code glob and each key WANT
        names has a value its ERE matches whole (skip_want)."""
        code, keys = skip_want(want)
        got = self.y("skip")
        return (self.ok and self.skip and got != "" and fnmatch.fnmatchcase(got, code)
                and all(re.fullmatch(ere, self.y(k)) is not None for k, ere in keys.items()))

    def head(self):
        """'ID' or 'ID: WHERE', as only_skips' globs name a point."""
        return self.id + (": " + self.where if self.where else "")

    def y(self, key, default=""):
        """The value of a top-level YAML key, outer quotes removed (lib.sh point_yaml)."""
        v = self.yaml.get(key)
        if v is None:
            return default
        return v if isinstance(v, dict) else unquote(v)

    def y_text(self, key, default=""):
        """y() with the quotes the image escapes inside a string removed (point_yaml_text)."""
        return self.y(key, default).replace('\\"', "")

    def __str__(self):
        return self.line


class Tap:
    def __init__(self, path=None, text=None):
        self.path = path
        if text is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                text = ""
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.points = []
        cur = None
        in_yaml = False
        sub = None
        for ln in self.lines:
            if POINT.match(ln):
                cur = Point(ln, len(self.points))
                self.points.append(cur)
                in_yaml = False
                continue
            if cur is not None and ln == "  ---" and not in_yaml:
                in_yaml = True
                sub = None
                continue
            if in_yaml:
                if ln == "  ...":
                    in_yaml = False
                    continue
                cur.yaml_raw.append(ln)
                m = re.match(r"^  ([^ :][^:]*): (.*)$", ln)
                if m:
                    cur.yaml.setdefault(m.group(1), m.group(2))
                    sub = None
                    continue
                m = re.match(r"^  ([^ :][^:]*):$", ln)
                if m:
                    sub = cur.yaml.setdefault(m.group(1), {})
                    continue
                m = re.match(r"^    ([^ :][^:]*): (.*)$", ln)
                if m and isinstance(sub, dict):
                    sub.setdefault(m.group(1), unquote(m.group(2)))
                continue
            cur = None if not ln.startswith(" ") else cur

    # ---- lines -------------------------------------------------------------
    def grep(self, ere):
        r = re.compile(ere)
        return [ln for ln in self.lines if r.search(ln)]

    def has(self, ere):
        return bool(self.grep(ere))

    def diag(self, prefix):
        """# lines starting with PREFIX."""
        return [ln for ln in self.lines if ln.startswith(prefix)]

    @property
    def bail(self):
        for ln in self.lines:
            if ln.startswith("Bail out!"):
                return ln
        return None

    def summary(self):
        """(passed, failed, skipped) of the last '# nvmetal:' line, or None; skipped may be None."""
        got = None
        for ln in self.lines:
            m = SUMMARY.match(ln)
            if m:
                got = (int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
        return got

    # ---- points (lib.sh point_lines and friends) ----------------------------
    def _match(self, pattern):
        r = re.compile(pattern)
        return [p for p in self.points if r.match(p.text)]

    def at(self, tid, where=None):
        """Points of ID (on WHERE exactly: 'BB:DD.F', 'BB:DD.F/vtd', 'BB:DD.F nsid 1')."""
        if where is None:
            return self._match(re.escape(tid) + r"(:| |$)")
        return self._match(re.escape(tid) + ": " + re.escape(where) + r"( |$)")

    def on_controller(self, tid, bdf):
        """Points of ID on controller BDF in every pass (BDF and BDF/PASS)."""
        return self._match(re.escape(tid) + ": " + re.escape(bdf) + r"(/[A-Za-z0-9_.-]+)?( |$)")

    def on_ns(self, tid, bdf, nsid):
        """Points of ID for namespace NSID of BDF, in any pass."""
        return self._match(re.escape(tid) + ": " + re.escape(bdf) + r"(/[A-Za-z0-9_.-]+)? nsid " + str(nsid) + r"([: ]|$)")

    def on_ns_at(self, tid, where, nsid):
        """Points of ID for namespace NSID on exactly WHERE."""
        return self._match(re.escape(tid) + ": " + re.escape(where) + " nsid " + str(nsid) + r"([: ]|$)")

    def first(self, tid, where):
        """The first point whose 'ID: WHERE' head matches exactly (lib.sh point_yaml's choice)."""
        head = tid + ": " + where
        for p in self.points:
            if p.text == head or p.text.startswith(head + " "):
                return p
        return None

    def yaml(self, tid, where, key):
        p = self.first(tid, where)
        return p.y(key) if p else ""

    def yaml_text(self, tid, where, key):
        p = self.first(tid, where)
        return p.y_text(key) if p else ""
