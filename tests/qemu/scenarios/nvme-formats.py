"""namespaces with metadata (separate and extended) and end-to-end protection (types 1 and 3), allow_write on, intel-iommu: every data case runs on every format, the PI the controller generated verifies on the host, the wrong tags the image wrote are caught with their status codes, and QEMU never DMAs outside the image's pool."""

import os

from harness import nvme, oracles
from harness.scenario import AREA_CMB, AREA_COPY, AREA_FORMAT, AREA_IO_VERIFY, NVME_TRACE_EVENTS, Stop
from harness import trace as tr
import re

# C:NSID:SIZE:PROPS, and what each namespace must report (metadata_bytes extended_lba pi_type).
NAMESPACES = "0:1:64M:ms=8 0:2:64M:ms=16,mset=1 0:3:64M:ms=8,pi=1 1:1:64M:ms=8,mset=1,pi=3 1:2:64M:ms=16,pi=1"
FORMAT = {"0:1": (8, "false", 0), "0:2": (16, "true", 0), "0:3": (8, "false", 1), "1:1": (8, "true", 3), "1:2": (16, "false", 1)}
MACHINE = {"NVME_NS": NAMESPACES, "NVME_OPTS": "mdts=1", "CMB_SIZE_MB": "16", "PMR_SIZE": "0"}


def lbas_end(tap, tid, where):
    v = tap.yaml(tid, where, "lbas")
    return v.split("-", 1)[1] if "-" in v else ""


def run(s):
    c = s.c
    for f in os.listdir(s.state):
        if f.startswith("nvme") and f.endswith(".img"):
            os.unlink(s.state_file(f))
    esp = s.media("nvme-formats", "# scenario nvme-formats", "allow_write = nvmetal-*")
    trace = os.path.join(s.work, "nvme-formats.trace")
    b = s.boot_qmp("nvme-formats", dict(MACHINE, TRACE=trace, TRACE_EVENTS=NVME_TRACE_EVENTS + " vtd_dmar_translate"), esp=esp)
    tap = nvme.clean_pass(c, b)
    if not nvme.n_controllers(c, b, 2) and not b.bdfs:
        raise Stop()
    bdf_of = {str(i): bdf for i, bdf in b.nvme}
    sm = tr.load(c, "", trace, os.path.join(s.work, "nvme-formats.events"))
    if sm:
        nvme.trace_no_errors(c, sm, "nvme.cmb.mixed_prp_rejected")
        nvme.dma_inside(c, tap, sm)
    for key in ("0:1", "0:2", "0:3", "1:1", "1:2"):
        ctl, nsid = key.split(":")
        bdf = bdf_of.get(ctl)
        if not bdf:
            c.not_ok("controller %s found in query-pci" % ctl, "NVME_INDEX has no %s" % ctl)
            continue
        where = "%s nsid %s" % (bdf, nsid)
        ms, ext, pi = FORMAT[key]
        img = s.state_file("nvme%sn%s.img" % (ctl, nsid))
        name = "nvme%sn%s.img" % (ctl, nsid)
        nvme.yaml_is(c, "%s: Identify Namespace's metadata size" % where, tap, "nvme.identify.namespaces", where, "metadata_bytes", ms)
        nvme.yaml_is(c, "%s: FLBAS extended-LBA bit" % where, tap, "nvme.identify.namespaces", where, "extended_lba", ext)
        nvme.yaml_is(c, "%s: DPS protection type" % where, tap, "nvme.identify.namespaces", where, "pi_type", pi)
        nvme.points_pass_at(c, tap, [bdf, bdf + "/vtd"], *[i + "@" + nsid for i in (
            "nvme.queues.io_pair", "nvme.io.verify", "nvme.io.flush", "nvme.io.metadata", "nvme.io.write_zeroes", "nvme.io.deallocate")])
        # The namespace image: the data area and the metadata area QEMU keeps behind it.
        o = dict(ms=ms, ext=False, pil="last")
        c.oracle("%s: nothing written outside the documented areas" % name,
                 oracles.nvme("written", img, AREA_IO_VERIFY, AREA_CMB, AREA_COPY, AREA_FORMAT, **o))
        end = lbas_end(tap, "nvme.io.verify", where)
        meta = lbas_end(tap, "nvme.io.metadata", where)
        if not end or not meta:
            c.not_ok("%s: io.verify and io.metadata name their LBAs" % where, "io.verify '%s', io.metadata '%s'" % (end, meta))
            continue
        end, meta = int(end), int(meta)
        # io.metadata wrote data blocks and the metadata pattern, whatever the layout.
        c.oracle("%s: io.metadata's data blocks" % name, oracles.nvme("blocks", img, 14336, meta - 14336, **o))
        if pi == 0 or ms > 8:
            c.oracle("%s: io.metadata's metadata pattern, read back from the metadata area" % name,
                     oracles.nvme("metadata", img, 14336, meta - 14336, **o))
        if pi:
            # io.verify went through PRACT where the metadata is all PI: plain data blocks, PI by QEMU.
            if ms == 8:
                c.oracle("%s: io.verify's data blocks (PI inserted by the controller)" % name, oracles.nvme("blocks", img, 0, end, **o))
                c.oracle("%s: the PI QEMU generated for io.verify's blocks" % name, oracles.nvme("pi", img, 0, end, pi, **o))
            gen = tap.yaml("nvme.io.protection", where, "generated_lbas")
            host = tap.yaml("nvme.io.protection", where, "host_pi_lbas")
            wrong = tap.yaml("nvme.io.protection", where, "wrong_tag_lba")
            if "-" in gen and "-" in host and wrong:
                g0, g1 = (int(x) for x in gen.split("-", 1))
                h0, h1 = (int(x) for x in host.split("-", 1))
                c.oracle("%s: PI of the PRACT writes" % name, oracles.nvme("pi", img, g0, g1 - g0, pi, **o))
                c.oracle("%s: PI the image generated" % name, oracles.nvme("pi", img, h0, h1 - h0, pi, **o))
                rc, out = oracles.nvme("pi", img, wrong, 2, pi, **o)
                if rc == 0:
                    c.not_ok("%s: the wrong tag and guard the image wrote are really on the media" % name, "oracle found them valid: %s" % out)
                else:
                    c.ok("%s: the wrong tag and guard the image wrote are really on the media: %s" % (name, out))
            else:
                c.not_ok("%s: nvme.io.protection names its LBAs" % where, "generated '%s', host '%s', wrong '%s'" % (gen, host, wrong))
            want_tag = "0x0283" if pi == 3 else "0x0284"
            nvme.yaml_is(c, "%s: a read over the wrong tag failed with its own status" % where, tap, "nvme.io.protection", where, "tag_status", want_tag)
            nvme.yaml_is(c, "%s: a read over the wrong guard failed with Guard Check Error" % where, tap, "nvme.io.protection", where, "guard_status", "0x0282")
            n_err = sum(1 for e in sm.seg("nvme.io.protection", bdf, "err") if re.search(r" status 0x(28[234]) opc 0x2$", e.line)) if sm else 0
            if n_err >= 2:
                c.ok("%s: QEMU itself completed %d protection-check errors during nvme.io.protection" % (where, n_err))
            else:
                c.not_ok("%s: QEMU itself completed the protection-check errors during nvme.io.protection" % where, "%d in the trace" % n_err)
        else:
            if ext == "true":
                c.oracle("%s: io.verify's blocks, data and metadata interleaved" % name,
                         oracles.nvme("blocks", img, 0, end, ms=ms, ext=True, pil="last"))
            else:
                c.oracle("%s: io.verify's data blocks" % name, oracles.nvme("blocks", img, 0, end, **o))
                c.oracle("%s: io.verify's separate metadata (MPTR)" % name, oracles.nvme("metadata", img, 0, end, **o))
            nvme.ns_skips(c, tap, bdf, nsid, "no_pi", "nvme.io.protection")
