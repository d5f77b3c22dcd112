"""nvme_oracle.py and vtd_oracle.py, imported: each subcommand called in-process,
its findings captured; (rc, text) as the scripts' exit code and output."""

import contextlib
import io
import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import nvme_oracle  # noqa: E402
import vtd_oracle  # noqa: E402


def _call(mod, name, args, stdout=None):
    buf = io.StringIO()
    out = stdout or buf
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(buf):
            rc = mod.COMMANDS[name]([str(a) for a in args])
    except (mod.Usage, OSError, ValueError) as e:
        buf.write("%s %s: %s\n" % (mod.__name__, name, e))
        rc = 2
    return rc, buf.getvalue().strip()


def nvme(name, *args, bs=512, ms=0, ext=False, pil="last"):
    """An nvme_oracle.py subcommand with NVME_ORACLE_BS/MS/EXT/PIL as given."""
    saved = (nvme_oracle.BS, nvme_oracle.MS, nvme_oracle.EXT, nvme_oracle.PIL)
    nvme_oracle.BS, nvme_oracle.MS, nvme_oracle.EXT, nvme_oracle.PIL = int(bs), int(ms), bool(ext), pil
    try:
        return _call(nvme_oracle, name, args)
    finally:
        nvme_oracle.BS, nvme_oracle.MS, nvme_oracle.EXT, nvme_oracle.PIL = saved


def vtd(name, *args):
    return _call(vtd_oracle, name, args)


def reduce_trace(trace, out_path):
    """nvme_oracle.py trace TRACE > OUT_PATH; its exit code."""
    with open(out_path, "w") as f:
        rc, _ = _call(nvme_oracle, "trace", [trace], stdout=f)
    return rc
