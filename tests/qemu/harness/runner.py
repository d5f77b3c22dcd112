#!/usr/bin/env python3
"""tests/qemu/harness/runner.py: run every QEMU scenario against an nvmetal .efi, each under
a hard timeout, JOBS at a time, and summarize ("qemu: N passed, M failed").

A scenario is tests/qemu/scenarios/NAME.py, run in its own process by run_scenario.py.  Output
of each scenario: its `ok - NAME: ...` / `not ok - NAME: ...` lines, whole, in the usual order,
then "# scenario NAME: passed (N assertions held, Ts)" or "FAILED: why"."""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/qemu
REPO = os.path.dirname(os.path.dirname(HERE))
USAGE = """usage: tests/qemu/run.sh EFI_PATH [USB_IMG_PATH]
  EFI_PATH      the nvmetal UEFI application (e.g. build/nvmetal.efi)
  USB_IMG_PATH  optional GPT image from image/mkusb.sh for the usb scenario
                (default: the scenario builds one from EFI_PATH)
environment:
  SCENARIOS="default bridges ..."  run only these (default: all)
  SCENARIO_TIMEOUT=150             hard limit per scenario, in seconds
  JOBS=2                           scenarios run at once (1 = one after the
                                   other, output as it comes); each one's
                                   output is shown whole, in the usual order
  QEMU_TEST_DIR=build/qemu-tests   where each scenario keeps its files
  TEST_LOG_DIR=build/test-logs     where NAME.junit.xml goes (in its qemu/ folder;
                                   make test sets it); unset: QEMU_TEST_DIR/NAME.junit.xml"""

# Everything the scenarios call, with the Debian package that provides it.
NEEDS = [("qemu-system-x86_64", "qemu-system-x86"), ("mformat", "mtools"), ("mcopy", "mtools"),
         ("sgdisk", "gdisk"), ("python3", "python3")]


def die(msg):
    print("run.sh: " + msg, file=sys.stderr)
    sys.exit(2)


def scenarios():
    """{name: (kind, path)} of tests/qemu/scenarios/NAME.py."""
    out = {}
    for f in sorted(glob.glob(os.path.join(HERE, "scenarios", "*.py"))):
        n = os.path.basename(f)[:-3]
        if not n.startswith("_"):
            out[n] = ("py", f)
    return out


def rel(path):
    """PATH relative to the repository when it lies inside it (as the messages show it)."""
    return path[len(REPO) + 1:] if path.startswith(REPO + "/") else path


def leftover_qemu(work):
    pids = []
    for p in glob.glob("/proc/[0-9]*"):
        try:
            with open(p + "/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "qemu-system" in cmd and (work + "/") in cmd:
            pids.append(int(p[6:]))
    return pids


class Job:
    def __init__(self, name, kind, path, efi, usb, test_dir, limit):
        self.name, self.kind, self.path = name, kind, path
        self.log = os.path.join(test_dir, name + ".log")
        self.work = os.path.join(test_dir, name)
        self.limit = limit
        self.record = os.path.join(test_dir, name + ".checks.jsonl")
        for f in (self.log, self.log + ".status", self.record):
            if os.path.exists(f):
                os.unlink(f)
        env = dict(os.environ, QEMU_CHECKS_RECORD=self.record)
        argv = [sys.executable, "-B", os.path.join(HERE, "harness", "run_scenario.py"), name, efi]
        if usb:
            argv.append(usb)
        self.t0 = time.monotonic()
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True, env=env)
        self.killed = False
        self.term_at = None
        self.rc = None

    def poll(self):
        """True once the scenario has ended; TERM at the limit, KILL 10 s later (as timeout(1) did)."""
        if self.rc is not None:
            return True
        rc = self.proc.poll()
        now = time.monotonic()
        if rc is None:
            if self.term_at is None and now - self.t0 > self.limit:
                self.killed = True
                self.term_at = now
                try:
                    os.kill(self.proc.pid, signal.SIGTERM)
                except OSError:
                    pass
            elif self.term_at is not None and now - self.term_at > 10:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
            return False
        self.rc = 124 if self.killed else rc
        self.took = int(now - self.t0)
        with open(self.log + ".status", "w") as f:
            f.write("%d %d\n" % (self.rc, self.took))
        return True

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except OSError:
                pass


def main(argv):
    if len(argv) not in (2, 3):
        print(USAGE, file=sys.stderr)
        return 2
    efi, usb = argv[1], (argv[2] if len(argv) == 3 else "")
    if not os.path.isfile(efi):
        die("EFI image '%s' not found" % efi)
    if usb and not os.path.isfile(usb):
        die("USB image '%s' not found" % usb)
    efi = os.path.abspath(efi)
    usb = os.path.abspath(usb) if usb else ""
    limit = os.environ.get("SCENARIO_TIMEOUT", "150")
    if not limit.isdigit() or int(limit) == 0:
        die("SCENARIO_TIMEOUT='%s' is not a number of seconds" % limit)
    limit = int(limit)
    jobs = os.environ.get("JOBS", "2")
    if not jobs.isdigit() or not 1 <= int(jobs) <= 8:
        die("JOBS='%s' is not a number in 1..8" % jobs)
    jobs = int(jobs)
    test_dir = os.environ.get("QEMU_TEST_DIR") or os.path.join(REPO, "build", "qemu-tests")
    os.makedirs(test_dir, exist_ok=True)
    test_dir = os.path.abspath(test_dir)
    os.environ["QEMU_TEST_DIR"] = test_dir
    junit_dir = os.path.join(os.environ["TEST_LOG_DIR"], "qemu") if os.environ.get("TEST_LOG_DIR") else ""
    if junit_dir:
        os.makedirs(junit_dir, exist_ok=True)

    known = scenarios()
    if os.environ.get("SCENARIOS"):
        names = os.environ["SCENARIOS"].split()
        for n in names:
            if n not in known:
                die("no scenario '%s' (%s/scenarios/%s.py)" % (n, HERE, n))
    else:
        names = sorted(known)
    if not names:
        die("no scenarios found in %s" % HERE)

    missing = ["%s (%s)" % (t, p) for t, p in NEEDS if shutil.which(t) is None]
    if not os.path.isfile("/usr/share/OVMF/OVMF_CODE_4M.fd"):
        missing.append("/usr/share/OVMF/OVMF_CODE_4M.fd (ovmf)")
    if missing:
        print("run.sh: missing: %s; install image/packages.txt" % " ".join(missing), file=sys.stderr)
        print("qemu: 0 passed, 1 failed")
        return 1

    print("# qemu scenarios: %d, image %s, limit %ds each, %d at a time" % (len(names), efi, limit, jobs), flush=True)
    running = {}
    nxt = [0]

    def start_next():
        if nxt[0] < len(names):
            n = names[nxt[0]]
            running[n] = Job(n, known[n][0], known[n][1], efi, usb, test_dir, limit)
            nxt[0] += 1

    def stop_all(signum, frame):
        for j in running.values():
            j.stop()
        for j in running.values():
            try:
                j.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        sys.exit(130)
    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)

    for _ in range(jobs):
        start_next()
    passed = failed = 0
    failures = []
    for n in names:
        j = running[n]
        shown = 0
        while not j.poll():
            for other in list(running.values()):
                other.poll()
            if jobs == 1:
                shown = _show(j.log, shown)
            time.sleep(0.2)
        for other in list(running.values()):
            other.poll()
        if jobs == 1:
            _show(j.log, shown)
        else:
            _show(j.log, 0)
        del running[n]
        with open(j.log, errors="replace") as f:
            text = f.read().splitlines()
        n_ok = sum(1 for ln in text if ln.startswith("ok - "))
        n_bad = sum(1 for ln in text if ln.startswith("not ok - "))
        reason = ""
        runner_checks = []  # (ok, what, details) the runner adds to the scenario's own
        if j.rc in (124, 137) or j.killed:
            reason = "killed by the harness after %ds" % limit
            print("not ok - %s: finished within %ds (hung; killed)" % (n, limit))
            runner_checks.append((False, "finished within %ds" % limit, "hung; killed"))
            n_bad += 1
        left = leftover_qemu(j.work)
        if left:
            print("not ok - %s: left no QEMU running (pids %s; stopping them)" % (n, " ".join(map(str, left))))
            runner_checks.append((False, "left no QEMU running", "pids %s" % " ".join(map(str, left))))
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            n_bad += 1
            reason = reason or "left QEMU running"
        if j.rc == 0 and n_bad == 0 and n_ok > 0:
            passed += 1
            print("# scenario %s: passed (%d assertions held, %ss)" % (n, n_ok, j.took))
        else:
            failed += 1
            if not reason and n_ok + n_bad == 0:
                reason = "made no assertion (exit %s)" % j.rc
            reason = reason or "%d of %d assertions did not hold" % (n_bad, n_ok + n_bad)
            failures.append(n)
            print("# scenario %s: FAILED: %s (%ss; files in %s)" % (n, reason, j.took, rel(j.work)))
        junit = write_junit(n, j, text, runner_checks, junit_dir or test_dir)
        if junit is None:
            print("not ok - %s: JUnit file written (%s)" % (n, rel(junit_dir or test_dir)))
        sys.stdout.flush()
        start_next()
    if failed:
        print("# failed scenarios: " + " ".join(failures))
    n_junit = len(glob.glob(os.path.join(test_dir, "*", "*.junit.xml")))
    print("# each boot's clean TAP and JUnit XML (%d boots): %s/<scenario>/<boot>.tap, <boot>.junit.xml"
          % (n_junit, rel(test_dir)))
    print("qemu: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def scenario_checks(job, text):
    """[(ok, what, details)] of the scenario's checks: the record check.py wrote, or, when a
    scenario died before writing one, its "ok - " / "not ok - " lines (what and detail not split)."""
    try:
        with open(job.record, encoding="utf-8", errors="replace") as f:
            checks = []
            for ln in f:
                try:
                    r = json.loads(ln)
                    checks.append((bool(r["ok"]), str(r["what"]), str(r.get("details", ""))))
                except (ValueError, KeyError, TypeError):
                    checks.append((False, "check record readable", ln.strip()[:200]))
            return checks
    except OSError:
        pass
    prefix = "%s: " % job.name
    checks = []
    for ln in text:
        for ok, head in ((True, "ok - "), (False, "not ok - ")):
            if ln.startswith(head):
                what = ln[len(head):]
                checks.append((ok, what[len(prefix):] if what.startswith(prefix) else what, ""))
    return checks


def write_junit(name, job, text, runner_checks, out_dir):
    """OUT_DIR/NAME.junit.xml: one testsuite NAME, one testcase per check (a <failure> with
    the check's detail when it did not hold), and an <error> testcase when the scenario
    itself failed without a failing check (a bad exit code, no assertion at all). Returns the
    path, or None when it could not be written."""
    import xml.etree.ElementTree as ET
    checks = scenario_checks(job, text) + runner_checks
    errors = []
    if job.rc not in (0, 124, 137) and not job.killed and all(ok for ok, _, _ in checks):
        errors.append(("exit code", "scenario exited %s with every check holding; see %s" % (job.rc, rel(job.log))))
    if not checks:
        errors.append(("assertions", "made no assertion (exit %s); see %s" % (job.rc, rel(job.log))))
    bad = sum(1 for ok, _, _ in checks if not ok)
    counts = {"tests": str(len(checks) + len(errors)), "failures": str(bad),
              "errors": str(len(errors)), "skipped": "0", "time": str(getattr(job, "took", 0))}
    root = ET.Element("testsuites", dict(name="qemu", **counts))
    suite = ET.SubElement(root, "testsuite", dict(name=name, **counts))
    clean = lambda s: "".join(c for c in s if c in "\t\n\r" or c >= " ")  # XML 1.0 has no C0 controls
    for ok, what, details in checks:
        case = ET.SubElement(suite, "testcase", classname=name, name=clean(what), time="0")
        if not ok:
            ET.SubElement(case, "failure", message=clean(details or what), type="not ok").text = clean(details)
    for what, why in errors:
        case = ET.SubElement(suite, "testcase", classname=name, name=what, time="0")
        ET.SubElement(case, "error", message=clean(why), type="scenario").text = clean(why)
    if hasattr(ET, "indent"):
        ET.indent(root)
    path = os.path.join(out_dir, name + ".junit.xml")
    try:
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    except OSError:
        return None
    return path


def _show(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return offset
    if data:
        sys.stdout.write(data.decode("utf-8", "replace"))
        sys.stdout.flush()
    return offset + len(data)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
