"""two boots with the PMR backend share=off (QEMU maps the file privately: nothing persists): boot 2 must find no record, and the host files must stay all zero."""

from harness import oracles
from harness.scenario import Stop
from harness.power_cycle import expect_power_cycle, power_cycle_boot


def run(s):
    c = s.c
    s.fresh_nvme_state()
    b = None
    for boot in ("boot1", "boot2"):
        b = power_cycle_boot(s, boot, "off")
        if b is None:
            raise Stop()
        for bdf in b.bdfs:
            i = b.index[bdf]
            expect_power_cycle(c, b, bdf, "none", 1)
            c.oracle("after %s, pmr%d.bin (%s) is still all zero (a private mapping)" % (boot, i, bdf),
                     oracles.nvme("zero", s.state_file("pmr%d.bin" % i)))
    c.no_grep("boot 2 found no record from boot 1 (no found_generation in its YAML)", r"^  found_generation: ", b.tap)
