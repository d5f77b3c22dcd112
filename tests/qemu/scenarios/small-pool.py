"""the smallest DMA pool the config allows (dma_pool_mb = 1): platform.memory.dma_pool sizes its aligned run from the pool and passes, the NVMe controllers still start and read, and every address QEMU mapped lies in that 1 MiB."""

import os

from harness import nvme
from harness.scenario import NVME_TRACE_EVENTS
from harness import trace as tr

MACHINE = {"IOMMU": "none", "CMB_SIZE_MB": "0", "PMR_SIZE": "0"}
CONFIG = ["# scenario small-pool", "dma_pool_mb = 1", "tests = platform.*, nvme.identify.*, nvme.queues.*"]


def run(s):
    c = s.c
    s.fresh_nvme_state()
    esp = s.media("small-pool", *CONFIG)
    trace = os.path.join(s.work, "small-pool.trace")
    b = s.boot_qmp("small-pool", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS), esp=esp)
    tap = nvme.clean_pass(c, b)
    def one_mib(v):
        lo, _, hi = v.partition("..")
        return lo.startswith("0x") and hi.startswith("0x") and int(hi, 16) - int(lo, 16) + 1 == 0x100000
    nvme.point_keys(c, tap, "platform.memory.dma_pool", "dma-pool", {"pool": one_mib}, what="the image reserved a 1 MiB pool")
    nvme.yaml_is(c, "platform.memory.dma_pool ran on the 256-page pool", tap, "platform.memory.dma_pool", "dma-pool", "pool_pages", 256)
    if b.bdfs:
        nvme.points_pass(c, tap, b.bdfs, "nvme.identify.controller", "nvme.queues.io_pair")
    sm = tr.load(c, "", trace, os.path.join(s.work, "small-pool.events"))
    if sm:
        nvme.dma_inside(c, tap, sm)
