"""A scenario's life: its work dir (fresh but for state/), configs and ESPs, boots
through image/qemu.sh with knobs, QMP, and the cleanup of every QEMU it started."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import traceback

from . import pci, qmp
from .check import Checks
from .tap import Tap

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/qemu
REPO = os.path.dirname(os.path.dirname(HERE))
QEMU_SH = os.path.join(REPO, "image", "qemu.sh")
MKESP = os.path.join(REPO, "image", "mkesp.sh")
MKUSB = os.path.join(REPO, "image", "mkusb.sh")
TAP_TOOLS = os.path.join(REPO, "image", "tap_tools.py")

# What the NVMe scenarios trace: the controllers' events, where QEMU put each BAR, and COM1
# (which places every event inside a test point); the VT-d ones add the unit's events.
NVME_TRACE_EVENTS = "pci_nvme_* pci_update_mappings_* serial_write"
VTD_TRACE_EVENTS = NVME_TRACE_EVENTS + " vtd_* apic_deliver_irq msix_write_config"

# The write areas of the image's NVMe tests, in LBAs (half-open ranges).
AREA_IO_VERIFY = "0-1200"
AREA_CMB = "4096-4160"
AREA_COPY = "8192-8224"
AREA_PMR_DMA = "12288-12352"
AREA_FORMAT = "14336-16384"


class Stop(Exception):
    """End the scenario here (lib.sh: scenario_end in the middle of a script)."""


class Boot:
    """One boot's files and results."""

    def __init__(self, s, name):
        self.s = s
        self.name = name
        w = s.work
        self.serial = os.path.join(w, name + ".serial")
        self.tap_path = os.path.join(w, name + ".tap")
        self.trace = os.path.join(w, name + ".trace")
        self.pidfile = os.path.join(w, name + ".pid")
        self.timefile = os.path.join(w, name + ".time")
        self.json_path = os.path.join(w, name + ".qmp.json")
        self.sock = os.path.join(s.sockdir, name + ".qmp")
        self.rc = None
        self.seconds = "unknown"
        self.proc = None
        self.qmp = None  # query-pci reply
        self._tap = None
        self.sum = None

    @property
    def qmp_ok(self):
        return bool(self.qmp and self.qmp.get("return"))

    def extract(self):
        """tap_extract: the clean TAP stream (image/tap_tools.py clean); empty when there is none."""
        r = subprocess.run(["python3", TAP_TOOLS, "clean", self.serial, self.tap_path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            open(self.tap_path, "w").close()
        self._tap = Tap(self.tap_path)
        return self._tap

    @property
    def tap(self):
        if self._tap is None:
            self.extract()
        return self._tap

    def serial_text(self):
        try:
            with open(self.serial, "rb") as f:
                return f.read().decode("utf-8", "replace").replace("\r", "")
        except OSError:
            return ""

    def serial_has(self, ere):
        return re.search(ere, self.serial_text(), re.M) is not None

    def verdict_seen(self):
        return self.serial_has(r"^(# nvmetal: [0-9]+ passed|Bail out!)")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_for(self, seconds, fn):
        """Poll FN every 0.2 s while the runner lives (one last try after it ended)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if fn():
                return True
            if not self.alive():
                return bool(fn())
            time.sleep(0.2)
        return False

    def wait(self):
        self.rc = self.proc.wait()
        try:
            with open(self.timefile) as f:
                self.seconds = f.read().strip() or "unknown"
        except OSError:
            self.seconds = "unknown"
        return self.rc

    def stop_qemu(self):
        self.s.stop_qemu(self.pidfile)

    # ---- NVMe controllers from query-pci --------------------------------------
    @property
    def nvme(self):
        """[(index, BB:DD.F)]: nvmeN at BB:DD.F, in the runner's order."""
        out = []
        for qid, bdf in pci.nvme(self.qmp) if self.qmp_ok else []:
            m = re.match(r"^nvme(\d+)$", qid)
            if m:
                out.append((int(m.group(1)), bdf))
        return out

    @property
    def bdfs(self):
        return [b for _, b in self.nvme]

    @property
    def index(self):
        return {b: i for i, b in self.nvme}


class Scenario:
    def __init__(self, name, efi, usb=None):
        self.name = name
        self.c = Checks(name, REPO)
        self.efi = efi
        self.usb = usb
        self.repo = REPO
        self.work = os.path.join(os.environ.get("QEMU_TEST_DIR") or os.path.join(REPO, "build", "qemu-tests"), name)
        self.state = os.path.join(self.work, "state")
        self.boot_timeout = 100
        self.procs = []
        self.sockdir = None
        self.boots = {}

    # ---- life cycle -------------------------------------------------------------
    def begin(self):
        if not os.path.isfile(self.efi):
            print("not ok - %s: EFI image %s not found" % (self.name, self.efi), flush=True)
            raise SystemExit(1)
        self.efi = os.path.abspath(self.efi)
        os.makedirs(self.state, exist_ok=True)
        for e in os.listdir(self.work):
            if e == "state":
                continue
            p = os.path.join(self.work, e)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
        # unix socket paths are limited to 107 bytes: keep them short
        self.sockdir = tempfile.mkdtemp(prefix="nvmetal-qmp.", dir=os.environ.get("TMPDIR") or "/tmp")
        self.c.note("work dir %s, image %s" % (self.c.rel(self.work), self.efi))

    def cleanup(self):
        for f in sorted(os.listdir(self.work)) if os.path.isdir(self.work) else []:
            if f.endswith(".pid"):
                self.stop_qemu(os.path.join(self.work, f))
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.terminate()
                    p.wait(10)
                except (OSError, subprocess.TimeoutExpired):
                    p.kill()
        if self.sockdir:
            shutil.rmtree(self.sockdir, ignore_errors=True)

    def end(self):
        c = self.c
        if c.n_ok + c.n_fail == 0:
            c.not_ok("scenario made assertions", "none were made")
        c.note("%d assertions held, %d did not" % (c.n_ok, c.n_fail))
        return 0 if c.n_fail == 0 else 1

    def stop_qemu(self, pidfile):
        """Stop the QEMU that wrote PIDFILE (checked against its command line)."""
        try:
            with open(pidfile) as f:
                pid = f.read().strip()
            if not pid.isdigit():
                return
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if pidfile.encode() not in f.read():
                    return
        except OSError:
            return
        pid = int(pid)
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(20):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    # ---- boot media ----------------------------------------------------------------
    def cfg(self, name, *lines):
        """$WORK/NAME.cfg with one line per argument."""
        path = os.path.join(self.work, name + ".cfg")
        with open(path, "w") as f:
            f.write("".join(ln + "\n" for ln in lines))
        return path

    def esp(self, name, cfg=None, efi=None):
        """$WORK/NAME.esp.img from the image (image/mkesp.sh); None (and a failed check) when it fails."""
        img = os.path.join(self.work, name + ".esp.img")
        with open(os.path.join(self.work, name + ".build.log"), "a") as log:
            r = subprocess.run(["bash", MKESP, img, efi or self.efi] + ([cfg] if cfg else []),
                               stdout=subprocess.DEVNULL, stderr=log)
        if r.returncode != 0:
            self.c.not_ok("%s: ESP built" % name, "see %s/%s.build.log" % (self.work, name))
            return None
        return img

    def media(self, name, *cfg_lines):
        """An ESP whose \\nvmetal.cfg holds CFG_LINES; raises Stop when it cannot be built."""
        esp = self.esp(name, self.cfg(name, *cfg_lines))
        if esp is None:
            raise Stop()
        return esp

    def fresh_nvme_state(self):
        """Delete the namespace images and PMR files; the runner makes new ones (sparse, zero)."""
        for f in os.listdir(self.state):
            if (f.startswith("nvme") and f.endswith(".img")) or (f.startswith("pmr") and f.endswith(".bin")):
                os.unlink(os.path.join(self.state, f))

    def state_file(self, name):
        return os.path.join(self.state, name)

    # ---- booting --------------------------------------------------------------------
    def start(self, name, knobs=None, args=(), esp=None, qemu_args=()):
        """Start image/qemu.sh in the background (COM1 only to the log)."""
        b = Boot(self, name)
        self.boots[name] = b
        for f in (b.serial, b.serial.replace(".serial", ".runner.log"), b.pidfile, b.timefile, b.trace):
            if os.path.exists(f):
                os.unlink(f)
        env = dict(os.environ)
        env.update(STATE_DIR=self.state, SERIAL_LOG=b.serial, SERIAL_ECHO="no", PIDFILE=b.pidfile,
                   TIME_FILE=b.timefile, TIMEOUT=str(self.boot_timeout))
        for k, v in (knobs or {}).items():
            env[k] = str(v)
        argv = ["bash", QEMU_SH] + (["--esp", esp] if esp else []) + list(args)
        if qemu_args:
            argv += ["--"] + list(qemu_args)
        log = open(os.path.join(self.work, name + ".runner.log"), "w")
        b.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        self.procs.append(b.proc)
        return b

    def _done(self, b):
        b.wait()
        self.c.note("boot %s: runner exit %s after %ss" % (b.name, b.rc, b.seconds))
        return b

    def boot(self, name, knobs=None, **kw):
        """Start and wait."""
        return self._done(self.start(name, knobs, **kw))

    def boot_qmp(self, name, knobs=None, **kw):
        """QEMU frozen (-S) until query-pci is saved to NAME.qmp.json (devices as realized), then run to the end."""
        k = dict(knobs or {})
        k.update(START_PAUSED="yes", QMP=None)
        k["QMP"] = os.path.join(self.sockdir, name + ".qmp")
        b = self.start(name, k, **kw)
        r = None
        if b.wait_for(30, lambda: os.path.exists(b.sock)):
            r = qmp.session(b.sock, "query-pci", "cont")
        if r is not None:
            b.qmp = r[0]
            _dump(b.json_path, r[0])
            if not b.qmp_ok:
                self.c.not_ok("QMP query-pci answered", "see %s" % self.c.rel(b.json_path))
        else:
            self.c.not_ok("QMP query-pci and cont answered", "socket %s" % b.sock)
            b.stop_qemu()  # QEMU waits frozen for a cont that will not come
        return self._done(b)

    def boot_and_inspect(self, name, knobs=None, **kw):
        """No isa-debug-exit: the image's fallback reset leaves QEMU paused (reboot=shutdown,
        shutdown=pause); check the run state, save query-pci, quit QEMU."""
        k = dict(DEBUG_EXIT="off", NO_REBOOT="off", ACTION="reboot=shutdown,shutdown=pause")
        k.update(knobs or {})
        k["QMP"] = os.path.join(self.sockdir, name + ".qmp")
        b = self.start(name, k, **kw)
        c = self.c
        if not b.wait_for(self.boot_timeout, b.verdict_seen):
            c.not_ok("image printed a verdict line", "nothing in %s" % c.rel(b.serial))
        elif not b.wait_for(30, lambda: os.path.exists(b.sock)):
            c.not_ok("QMP socket appeared", "%s missing" % b.sock)
        else:
            st = [""]

            def paused():
                st[0] = qmp.status(b.sock)
                return st[0] == "shutdown"
            b.wait_for(60, paused)
            c.eq("QEMU paused in run state 'shutdown' after the image's reset (no system reset happened)",
                 st[0] or "no answer", "shutdown")
            r = qmp.session(b.sock, "query-pci")
            if r is not None:
                b.qmp = r[0]
                _dump(b.json_path, r[0])
            if not b.qmp_ok:
                c.not_ok("query-pci over QMP answered", "see %s" % c.rel(b.json_path))
            qmp.session(b.sock, "quit")
        return self._done(b)

    def boot_qmp_when(self, name, ere, knobs=None, **kw):
        """QMP and isa-debug-exit; query-pci once COM1 shows ERE, while the image goes on."""
        k = dict(knobs or {})
        k["QMP"] = os.path.join(self.sockdir, name + ".qmp")
        b = self.start(name, k, **kw)
        c = self.c
        if not b.wait_for(self.boot_timeout, lambda: b.serial_has(ere)):
            c.not_ok("COM1 showed /%s/, the moment to read query-pci" % ere, "not in %s" % c.rel(b.serial))
        elif not b.wait_for(10, lambda: os.path.exists(b.sock)):
            c.not_ok("QMP socket appeared", "%s missing" % b.sock)
        else:
            r = qmp.session(b.sock, "query-pci")
            if r is not None:
                b.qmp = r[0]
                _dump(b.json_path, r[0])
            if not b.qmp_ok:
                c.not_ok("query-pci over QMP answered while the image ran (after /%s/)" % ere,
                         "see %s" % c.rel(b.json_path))
        return self._done(b)


def _dump(path, obj):
    import json
    with open(path, "w") as f:
        json.dump(obj, f)
        f.write("\n")


def sha256_of(*paths):
    import hashlib
    out = {}
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        out[os.path.basename(p)] = h.hexdigest()
    return out


def fill_random(path, nbytes, size=None):
    """NBYTES random bytes at the start of PATH (truncated to SIZE when given)."""
    with open(path, "wb") as f:
        f.write(os.urandom(nbytes))
        if size:
            f.truncate(size)


def run(module, name, efi, usb=None):
    """Run scenario MODULE (its run(s)); the exit code."""
    s = Scenario(name, efi, usb)

    def term(signum, frame):
        raise SystemExit(143 if signum == signal.SIGTERM else 130)
    signal.signal(signal.SIGTERM, term)
    signal.signal(signal.SIGINT, term)
    rc = 1
    try:
        s.begin()
        try:
            module.run(s)
        except Stop:
            pass
        rc = s.end()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except Exception:  # a bug in the scenario: say so, as a failed check
        for ln in traceback.format_exc().splitlines():
            print("# " + ln, flush=True)
        s.c.not_ok("ran to its end", "stopped early by a Python exception")
        s.end()
        rc = 1
    finally:
        s.cleanup()
    return rc
