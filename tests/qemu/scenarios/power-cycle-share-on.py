"""two boots on the same PMR files with share=on (a power cycle that keeps the PMR): boot 2 must find and verify boot 1's record, and the host files must hold generation 1, then 2."""

import re

from harness import nvme, oracles
from harness.scenario import Stop
from harness.power_cycle import expect_power_cycle, power_cycle_boot


def seed(path):
    m = re.search(r" seed (0x[0-9a-f]*) ", oracles.nvme("pmr", path)[1])
    return m.group(1) if m else ""


def run(s):
    c = s.c
    s.fresh_nvme_state()
    # ---- boot 1: fresh (all-zero) PMR files ----
    b = power_cycle_boot(s, "boot1", "on")
    if b is None:
        raise Stop()
    seed1 = {}
    for bdf in b.bdfs:
        i = b.index[bdf]
        expect_power_cycle(c, b, bdf, "none", 1)
        nvme.pmr_record(c, "after boot 1, pmr%d.bin (%s)" % (i, bdf), s.state_file("pmr%d.bin" % i), 1)
        seed1[i] = seed(s.state_file("pmr%d.bin" % i))
    # ---- boot 2: the same files ----
    b = power_cycle_boot(s, "boot2", "on")
    if b is None:
        raise Stop()
    for bdf in b.bdfs:
        i = b.index[bdf]
        expect_power_cycle(c, b, bdf, "1", 2)
        nvme.pmr_record(c, "after boot 2, pmr%d.bin (%s)" % (i, bdf), s.state_file("pmr%d.bin" % i), 2)
        seed2 = seed(s.state_file("pmr%d.bin" % i))
        # The record is rewritten by boot 2, not left over: a new seed per run.
        if seed1.get(i) and seed2 and seed2 != seed1[i]:
            c.ok("pmr%d.bin: boot 2's record has its own seed (%s, boot 1 wrote %s)" % (i, seed2, seed1[i]))
        else:
            c.not_ok("pmr%d.bin: boot 2's record has its own seed" % i, "boot 1 %s, boot 2 %s" % (seed1.get(i) or "none", seed2 or "none"))
