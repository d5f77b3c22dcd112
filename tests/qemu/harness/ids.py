"""Test-ID lists in one place, read from the image's own case tables
(`{"area.feature.case", run_fn}` in tests/suite/*.c), not copied by hand."""

import glob
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_CASE = re.compile(r'^\s*\{\s*"((?:platform|pci|irq|nvme|nvdimm|vtd)\.[a-z0-9_]+(?:\.[a-z0-9_]+)+)"\s*,', re.M)


def _all():
    ids, per_controller = [], set()
    for path in sorted(glob.glob(os.path.join(REPO, "tests", "suite", "*.c"))):
        with open(path, errors="replace") as f:
            text = f.read()
        for m in _CASE.finditer(text):
            if m.group(1) not in ids:
                ids.append(m.group(1))
            # The entry's flags follow on its line (or the next): one point per controller.
            if "CASE_PER_CONTROLLER" in text[m.end():text.find("}", m.end())]:
                per_controller.add(m.group(1))
    return ids, per_controller


ALL, PER_CONTROLLER = _all()


def prefixed(prefix, exclude=()):
    return [i for i in ALL if i.startswith(prefix) and i not in exclude]


# Every vtd.* test point the image reports.
VTD = prefixed("vtd.")
# The isolation tests that run on every translated controller (other_domain runs once).
VTD_ISOLATION = prefixed("vtd.isolation.", exclude=("vtd.isolation.other_domain",))
# The translation cases: every vtd.* case but the DMAR parse, the read-only report of every unit,
# the benches, the interrupt remapping cases (and the takeover, where named).
# The interrupt remapping cases: they need the unit taken over, not DMA translation.
VTD_IR = prefixed("vtd.ir.")
VTD_TRANSLATION = [i for i in VTD if i not in ("vtd.dmar.parse", "vtd.dmar.units", "vtd.unit.takeover")
                   and i not in VTD_IR and not i.startswith("vtd.bench.")]
# The CMB cases that run on each controller with a CMB (nvme.cmb.cq SKIPs on QEMU, the copy runs once).
NVME_CMB = prefixed("nvme.cmb.", exclude=("nvme.cmb.cq", "nvme.cmb.copy_between_controllers"))
NVME_PMR = prefixed("nvme.pmr.")
# The NVMe points that must pass on every controller when allow_write names it (a scenario's choice).
NVME_BASE = ["nvme.controller.takeover", "nvme.identify.controller", "nvme.identify.namespaces",
             "nvme.queues.io_pair", "nvme.io.verify", "nvme.io.flush", "nvme.controller.shutdown@any"]


def missing():
    """The lists found empty and the base IDs not among the image's cases: the case tables'
    shape changed under us.  Checked at import: a scenario then stops with a failed check
    instead of asserting on an empty list."""
    out = [n for n, v in (("vtd.*", VTD), ("vtd.isolation.*", VTD_ISOLATION), ("nvme.cmb.*", NVME_CMB),
                          ("nvme.pmr.*", NVME_PMR)) if not v]
    return out + [i for i in NVME_BASE if i.split("@")[0] not in ALL]


if missing():
    raise RuntimeError("test-ID lists from tests/suite/*.c incomplete: %s" % ", ".join(missing()))
