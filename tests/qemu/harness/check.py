"""Counted checks: every assertion is one line, `ok - SCENARIO: what` or
`not ok - SCENARIO: what (details)`, as the runner counts them."""

import json
import os
import re
import sys

RC_NAMES = {124: "124 = QEMU killed by the runner's TIMEOUT",
            125: "125 = QEMU ended without the image's exit code",
            126: "126 = QEMU could not run"}


def fold(s):
    """One line of text: newlines become '; ', other control bytes (a screen cell that decoded
    to NUL, a raw serial byte) become \\xNN, so the log stays text for grep and for people."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: "\\x%02x" % ord(m.group(0)), str(s).replace("\n", "; "))


class Checks:
    def __init__(self, scenario, repo):
        self.scenario = scenario
        self.repo = repo
        self.n_ok = 0
        self.n_fail = 0
        # The runner's JUnit file wants each check's text and detail apart, which the
        # "not ok - S: what (detail)" line cannot give back unambiguously: one JSON object a line.
        self.record_path = os.environ.get("QEMU_CHECKS_RECORD")

    def _record(self, ok, what, details):
        if not self.record_path:
            return
        with open(self.record_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"ok": ok, "what": fold(what), "details": details}) + "\n")

    def rel(self, path):
        path = str(path)
        return path[len(self.repo) + 1:] if path.startswith(self.repo + "/") else path

    def _out(self, s):
        sys.stdout.write(s + "\n")
        sys.stdout.flush()

    def ok(self, what):
        self.n_ok += 1
        self._record(True, what, "")
        self._out("ok - %s: %s" % (self.scenario, fold(what)))
        return True

    def not_ok(self, what, details=""):
        self.n_fail += 1
        details = fold(details)
        self._record(False, what, details)
        self._out("not ok - %s: %s%s" % (self.scenario, fold(what), " (%s)" % details if details else ""))
        return False

    def note(self, what):
        self._out("# %s: %s" % (self.scenario, what))

    def check(self, cond, what, details=""):
        return self.ok(what) if cond else self.not_ok(what, details)

    def eq(self, what, got, want):
        got, want = str(got), str(want)
        return self.ok(what) if got == want else self.not_ok(what, "got '%s', want '%s'" % (got, want))

    def rc(self, what, got, want, work=""):
        if got == want:
            return self.ok(what)
        return self.not_ok(what, "exit code %s, want %s; see %s" % (RC_NAMES.get(got, got), want, self.rel(work)))

    def grep(self, what, ere, lines, name=""):
        """Some line of LINES (a list, or a file path) matches ERE."""
        lines = _lines(lines)
        r = re.compile(ere)
        if lines is not None and any(r.search(ln) for ln in lines):
            return self.ok(what)
        return self.not_ok(what, "no line matching /%s/ in %s" % (ere, name))

    def no_grep(self, what, ere, lines, name=""):
        """No line of LINES (a list, or a file path that must exist) matches ERE."""
        lines = _lines(lines)
        if lines is None:
            return self.not_ok(what, "%s does not exist" % name)
        r = re.compile(ere)
        for ln in lines:
            if r.search(ln):
                return self.not_ok(what, "found: %s" % ln[:160])
        return self.ok(what)

    def oracle(self, what, result):
        """RESULT is (rc, output) of an oracle subcommand: ok with its findings when rc is 0."""
        rc, out = result
        return self.ok("%s: %s" % (what, out)) if rc == 0 else self.not_ok(what, out)


def _lines(src):
    if isinstance(src, (list, tuple)):
        return list(src)
    if hasattr(src, "lines"):
        return src.lines
    try:
        with open(src, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return None
