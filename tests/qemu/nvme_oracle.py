#!/usr/bin/env python3
"""tests/qemu/nvme_oracle.py: host-side oracles for the NVMe scenarios: QEMU's trace, namespace images and PMR backing files, read without the image's help.

Subcommands (each prints its findings; exit 0 = the check held, 1 = it did not,
2 = bad usage or unreadable input):

  trace TRACE
      QEMU's trace (pci_nvme_*, pci_update_mappings_*, serial_write), reduced to
      lines the scenarios grep:
        bar BDF INDEX 0xADDR SIZE NAME        every memory BAR QEMU ever mapped
        point N ID WHERE STATUS               a test point, rebuilt from COM1
                                              (WHERE: BB:DD.F[/pass] or -)
        ev N ID WHERE EVENT key=value...      an NVMe event, labelled with the
                                              test point printed next after it
      N ID WHERE of an event are "0 firmware -" before "TAP version 14" and
      "end end -" after the last test point.  Addresses carry win=BDF/INDEX,
      the BAR that held them at that moment (win=- when none did).  With
      memory_region_ops_read traced, reads of a BAR by a device rather than
      the CPU (cpu -1: peer-to-peer DMA) become "dma_read addr= bytes= win="
      lines, one per contiguous run.
      With vtd_* traced (Intel IOMMU), the unit's events become ev lines too
      (SID and DEV as BB:DD.F, the requester ID QEMU saw):
        translate sid= iova= gpa= win= n=     a DMA translated (n: repeats
                                              of the same page in a row)
        dma_fault sid= reason= addr= write= n= a DMA the unit blocked
        fault index= sid= reason= addr= type= a fault record written (FRR)
        walk sid= iova= slpte= did=           a page walk filled the IOTLB
        context sid= hi= lo= did= aw=         a context entry loaded
        ce_not_present sid=                   a context entry looked up, absent
        switch_as dev= translated=0|1         a device's address space switched
        dmar_enable enable=0|1                GCMD.TE acted
        gcmd status= value=                   a GCMD write
        qi_enable enabled=0|1                 queued invalidation on/off
        inv_desc type= hi= lo=                a queued descriptor processed
        inv_wait kind=sw|irq|write_fail ...   an invalidation wait descriptor
        inv kind=iotlb_pages did= addr= am=   an IOTLB or context-cache
        inv kind=iotlb_domain did=            invalidation as QEMU ran it
        inv kind=iotlb_global|cc_global|...   (register or queued)
        vtd_write reg= value= size=           a register write
  blocks IMG FIRST COUNT [SOURCE]
      COUNT pattern blocks from LBA FIRST: magic "NVMTLBLK", LBA field
      SOURCE + i (default FIRST + i), bytes 28..31 zero, the CRC-32 of bytes
      32..511 and the whole splitmix64 body (lib/pattern.c) regenerated.
  same IMG_A LBA_A IMG_B LBA_B COUNT
      the COUNT blocks are byte-identical.
  written IMG [FIRST-END ...]
      runs of non-zero blocks; any outside the half-open ranges given fail.
  pmr FILE
      the PMR record at offset 0 (lib/pmr_record.h): "valid generation G seed
      0xS payload P" (exit 0), "absent ..." or "corrupt ..." (exit 1).
  pmr-holds PMR_FILE OFFSET IMG LBA COUNT
      PMR_FILE holds, at byte OFFSET, the COUNT blocks of IMG from LBA.
  zero FILE
      every byte of FILE is zero.

Block size: 512 bytes (QEMU's default namespace); NVME_ORACLE_BS overrides it.
"""

import os
import re
import struct
import sys
import zlib

BS = int(os.environ.get("NVME_ORACLE_BS", "512"))
M64 = (1 << 64) - 1
BLOCK_MAGIC = b"NVMTLBLK"
PMR_MAGIC = b"NVMTLPMR"
STREAM_LBA_MULTIPLIER = 0xD1B54A32D192ED03
HEADER = struct.Struct("<8sIIQQQII")  # struct pmr_record_header, 48 bytes


class Usage(Exception):
    pass


# ---- lib/pattern.c, written again ---------------------------------------------

def pattern_body(seed, lba, nbytes):
    """The splitmix64 stream that follows the 32-byte block header."""
    state = (seed ^ (lba * STREAM_LBA_MULTIPLIER)) & M64
    words = []
    for _ in range(nbytes // 8):
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        words.append(z ^ (z >> 31))
    return struct.pack("<%dQ" % len(words), *words)


def check_block(block, want_lba):
    """None if block is a well-formed pattern block for want_lba, else why not."""
    if block[:8] != BLOCK_MAGIC:
        return "no NVMTLBLK magic (first bytes %s)" % block[:8].hex()
    lba, seed, crc, pad = struct.unpack_from("<QQII", block, 8)
    if lba != want_lba:
        return "LBA field %d, want %d" % (lba, want_lba)
    if pad != 0:
        return "bytes 28..31 are 0x%08x, want 0" % pad
    body = block[32:]
    if zlib.crc32(body) != crc:
        return "CRC field 0x%08x, CRC-32 of bytes 32.. is 0x%08x" % (crc, zlib.crc32(body))
    if body != pattern_body(seed, lba, len(body)):
        return "body is not the splitmix64 stream of seed 0x%x (CRC matched a foreign body)" % seed
    return None


def read_blocks(path, lba, count):
    with open(path, "rb") as f:
        f.seek(lba * BS)
        data = f.read(count * BS)
    if len(data) != count * BS:
        raise Usage("%s: LBA %d..%d lies past the end of the file" % (path, lba, lba + count - 1))
    return data


# ---- subcommands -------------------------------------------------------------

def cmd_blocks(args):
    if len(args) not in (3, 4):
        raise Usage("blocks IMG FIRST COUNT [SOURCE]")
    img, first, count = args[0], int(args[1], 0), int(args[2], 0)
    source = int(args[3], 0) if len(args) == 4 else first
    data = read_blocks(img, first, count)
    bad = []
    seeds = set()
    for i in range(count):
        block = data[i * BS:(i + 1) * BS]
        why = check_block(block, source + i)
        if why:
            bad.append("LBA %d: %s" % (first + i, why))
        else:
            seeds.add(struct.unpack_from("<Q", block, 16)[0])
    if bad:
        print("%d of %d blocks bad; %s" % (len(bad), count, "; ".join(bad[:3])))
        return 1
    print("%d blocks from LBA %d well formed (LBA fields %d..%d, %d seed%s)" %
          (count, first, source, source + count - 1, len(seeds), "" if len(seeds) == 1 else "s"))
    return 0


def cmd_same(args):
    if len(args) != 5:
        raise Usage("same IMG_A LBA_A IMG_B LBA_B COUNT")
    a = read_blocks(args[0], int(args[1], 0), int(args[4], 0))
    b = read_blocks(args[2], int(args[3], 0), int(args[4], 0))
    if a == b:
        print("%d blocks identical" % int(args[4], 0))
        return 0
    first = next(i for i in range(len(a)) if a[i] != b[i])
    print("differ first at byte %d (block %d)" % (first, first // BS))
    return 1


def cmd_written(args):
    if not args:
        raise Usage("written IMG [FIRST-END ...]")
    allowed = []
    for r in args[1:]:
        m = re.fullmatch(r"(\d+)-(\d+)", r)
        if not m:
            raise Usage("range %r is not FIRST-END" % r)
        allowed.append((int(m.group(1)), int(m.group(2))))
    runs = []
    chunk_blocks = 2048
    with open(args[0], "rb") as f:
        base = 0
        while True:
            chunk = f.read(chunk_blocks * BS)
            if not chunk:
                break
            if chunk.count(0) != len(chunk):
                for i in range(0, len(chunk), BS):
                    if chunk[i:i + BS].count(0) != len(chunk[i:i + BS]):
                        lba = base + i // BS
                        if runs and runs[-1][1] == lba:
                            runs[-1][1] = lba + 1
                        else:
                            runs.append([lba, lba + 1])
            base += len(chunk) // BS
    stray = [r for r in runs if not any(a <= r[0] and r[1] <= b for a, b in allowed)]
    print("written: %s%s" % (" ".join("%d-%d" % tuple(r) for r in runs) or "nothing",
                            "; outside the allowed areas: " + " ".join("%d-%d" % tuple(r) for r in stray)
                            if stray else ""))
    return 1 if stray else 0


def pmr_record(path):
    """(state, text, header dict or None) for the record at offset 0 of path."""
    with open(path, "rb") as f:
        head = f.read(HEADER.size)
        if head[:8] != PMR_MAGIC:
            return "absent", "absent: no NVMTLPMR magic at offset 0", None
        if len(head) < HEADER.size:
            return "corrupt", "corrupt: file shorter than the 48-byte header", None
        magic, version, hbytes, gen, seed, pbytes, pcrc, hcrc = HEADER.unpack(head)
        h = dict(version=version, header_bytes=hbytes, generation=gen, seed=seed,
                 payload_bytes=pbytes, payload_crc=pcrc, header_crc=hcrc)
        if version != 1:
            return "corrupt", "corrupt: version %d, want 1" % version, h
        if hbytes != HEADER.size:
            return "corrupt", "corrupt: header_bytes %d, want 48" % hbytes, h
        want = zlib.crc32(head[:44] + b"\0\0\0\0")
        if hcrc != want:
            return "corrupt", "corrupt: header_crc 0x%08x, computed 0x%08x" % (hcrc, want), h
        if pbytes != 4096:
            return "corrupt", "corrupt: payload_bytes %d, want 4096" % pbytes, h
        payload = f.read(pbytes)
    if len(payload) != pbytes:
        return "corrupt", "corrupt: payload runs past the end of the file", h
    if zlib.crc32(payload) != pcrc:
        return "corrupt", "corrupt: payload_crc 0x%08x, computed 0x%08x" % (pcrc, zlib.crc32(payload)), h
    if gen == 0:
        return "corrupt", "corrupt: generation 0", h
    # The payload is one pattern block of payload_bytes whose LBA is the generation.
    why = check_block(payload, gen)
    if why:
        return "corrupt", "corrupt: payload is not the pattern block for generation %d: %s" % (gen, why), h
    return "valid", "valid generation %d seed 0x%x payload %d" % (gen, seed, pbytes), h


def cmd_pmr(args):
    if len(args) != 1:
        raise Usage("pmr FILE")
    state, text, _ = pmr_record(args[0])
    print(text)
    return 0 if state == "valid" else 1


def cmd_pmr_holds(args):
    if len(args) != 5:
        raise Usage("pmr-holds PMR_FILE OFFSET IMG LBA COUNT")
    offset, count = int(args[1], 0), int(args[4], 0)
    want = read_blocks(args[2], int(args[3], 0), count)
    with open(args[0], "rb") as f:
        f.seek(offset)
        got = f.read(len(want))
    if got == want:
        print("%d bytes at PMR offset 0x%x equal LBA %s.. of the namespace" % (len(want), offset, args[3]))
        return 0
    if len(got) != len(want):
        print("PMR file ends before offset 0x%x + %d" % (offset, len(want)))
        return 1
    first = next(i for i in range(len(want)) if want[i] != got[i])
    print("PMR offset 0x%x differs from the namespace first at byte %d" % (offset, first))
    return 1


def cmd_zero(args):
    if len(args) != 1:
        raise Usage("zero FILE")
    nonzero = 0
    first = None
    pos = 0
    with open(args[0], "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            n = len(chunk) - chunk.count(0)
            if n and first is None:
                first = pos + next(i for i, b in enumerate(chunk) if b)
            nonzero += n
            pos += len(chunk)
    if nonzero:
        print("%d non-zero bytes, the first at offset 0x%x" % (nonzero, first))
        return 1
    print("all %d bytes zero" % pos)
    return 0


# ---- QEMU's trace ------------------------------------------------------------

LINE = re.compile(r"^(?:\d+@[0-9.]+:)?(\w+) ?(.*)$")
MAPPING = re.compile(r"^(\S+) ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (\d+),0x([0-9a-f]+)\+0x([0-9a-f]+)")
# "ok N - ID: WHERE text", "ok N - ID # SKIP ..."; WHERE is a controller,
# BB:DD.F, optionally with the pass it belongs to (00:02.0/vtd).
POINT = re.compile(r"^(not )?ok (\d+) - ([A-Za-z0-9_.]+)"
                   r"(?:: ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7](?:/[A-Za-z0-9_.-]+)?))?(?=[: ]|$)")
MIN_MEM_BAR = 0x100000  # below this a "mapping" is an I/O port range
VTD_PAGE = ~0xFFF


def sid_text(sid):
    """A PCI requester ID (bus << 8 | devfn) as BB:DD.F."""
    return "%02x:%02x.%x" % (sid >> 8, (sid >> 3) & 0x1F, sid & 7)


def vtd_event(ev, rest, window):
    """(event, text, key) for a vtd_* trace line, or None to drop it.  key,
    when not None, merges the event with an identical one right before it."""
    def hexes(pattern):
        mm = re.search(pattern, rest)
        return [int(g, 16) for g in mm.groups()] if mm else None
    if ev == "vtd_dmar_translate":
        mm = re.search(r"dev ([0-9a-f]+):([0-9a-f]+)\.([0-9a-f]+) iova 0x([0-9a-f]+) -> gpa 0x([0-9a-f]+)", rest)
        if not mm:
            return None
        b, d, fn, iova, gpa = (int(g, 16) for g in mm.groups())
        sid = sid_text(b << 8 | d << 3 | fn)
        return ("translate", "sid=%s iova=0x%x gpa=0x%x win=%s" % (sid, iova, gpa, window(gpa)),
                ("translate", sid, iova, gpa))
    if ev == "vtd_dmar_fault":
        v = hexes(r"sid 0x([0-9a-f]+) fault ([0-9a-f]+) addr 0x([0-9a-f]+) write ([0-9a-f]+)")
        if not v:
            return None
        sid, reason, addr, write = v
        return ("dma_fault", "sid=%s reason=0x%02x addr=0x%x write=%d" % (sid_text(sid), reason, addr, write),
                ("dma_fault", sid, reason, addr & VTD_PAGE, write))
    if ev == "vtd_frr_new":
        mm = re.search(r"index (\d+) high 0x([0-9a-f]+) low 0x([0-9a-f]+)", rest)
        if not mm:
            return None
        hi, lo = int(mm.group(2), 16), int(mm.group(3), 16)
        return ("fault", "index=%s sid=%s reason=0x%02x addr=0x%x type=%s" %
                (mm.group(1), sid_text(hi & 0xFFFF), (hi >> 32) & 0xFF, lo & VTD_PAGE,
                 "read" if hi >> 62 & 1 else "write"), None)
    if ev == "vtd_iotlb_page_update":
        v = hexes(r"sid 0x([0-9a-f]+) iova 0x([0-9a-f]+) slpte 0x([0-9a-f]+) domain 0x([0-9a-f]+)")
        if not v:
            return None
        return ("walk", "sid=%s iova=0x%x slpte=0x%x did=0x%x" % (sid_text(v[0]), v[1], v[2], v[3]), None)
    if ev == "vtd_iotlb_cc_update":
        v = hexes(r"bus 0x([0-9a-f]+) devfn 0x([0-9a-f]+) high 0x([0-9a-f]+) low 0x([0-9a-f]+)")
        if not v:
            return None
        b, devfn, hi, lo = v
        return ("context", "sid=%s hi=0x%x lo=0x%x did=0x%x aw=%d" %
                (sid_text(b << 8 | devfn), hi, lo, (hi >> 8) & 0xFFFF, hi & 7), None)
    if ev == "vtd_ce_not_present":
        mm = re.search(r"bus (\d+) devfn (\d+)", rest)
        if not mm:
            return None
        return ("ce_not_present", "sid=%s" % sid_text(int(mm.group(1)) << 8 | int(mm.group(2))),
                ("ce_not_present", mm.group(1), mm.group(2)))
    if ev == "vtd_switch_address_space":
        mm = re.search(r"Device ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*enabled=(\d)", rest)
        if not mm:
            return None
        return ("switch_as", "dev=%s translated=%s" % mm.groups(), None)
    if ev == "vtd_dmar_enable":
        mm = re.search(r"enable (\d)", rest)
        return ("dmar_enable", "enable=%s" % (mm.group(1) if mm else "?"), None)
    if ev == "vtd_reg_write_gcmd":
        v = hexes(r"status 0x([0-9a-f]+) value 0x([0-9a-f]+)")
        return ("gcmd", "status=0x%x value=0x%x" % tuple(v), None) if v else None
    if ev == "vtd_inv_qi_enable":
        mm = re.search(r"enabled (\d)", rest)
        return ("qi_enable", "enabled=%s" % (mm.group(1) if mm else "?"), None)
    if ev == "vtd_inv_desc":
        mm = re.search(r"type (\S+) high 0x([0-9a-f]+) low 0x([0-9a-f]+)", rest)
        if not mm:
            return None
        return ("inv_desc", "type=%s hi=0x%x lo=0x%x" % (mm.group(1), int(mm.group(2), 16), int(mm.group(3), 16)), None)
    if ev in ("vtd_inv_desc_wait_sw", "vtd_inv_desc_wait_irq", "vtd_inv_desc_wait_write_fail"):
        kind = ev[len("vtd_inv_desc_wait_"):]
        v = hexes(r"addr 0x([0-9a-f]+) data 0x([0-9a-f]+)")
        return ("inv_wait", "kind=%s" % kind + (" addr=0x%x data=0x%x" % tuple(v) if v else ""), None)
    if ev == "vtd_inv_desc_iotlb_pages":
        v = hexes(r"domain 0x([0-9a-f]+) addr 0x([0-9a-f]+) mask 0x([0-9a-f]+)")
        return ("inv", "kind=iotlb_pages did=0x%x addr=0x%x am=%d" % tuple(v), None) if v else None
    if ev in ("vtd_inv_desc_iotlb_domain", "vtd_inv_desc_cc_domain"):
        v = hexes(r"domain 0x([0-9a-f]+)")
        return ("inv", "kind=%s did=0x%x" % (ev[len("vtd_inv_desc_"):], v[0] if v else -1), None)
    if ev.startswith("vtd_inv_desc_iotlb_") or ev.startswith("vtd_inv_desc_cc_"):
        detail = "_".join(rest.split())
        return ("inv", "kind=%s%s" % (ev[len("vtd_inv_desc_"):], " detail=" + detail if detail else ""), None)
    if ev == "vtd_reg_write":
        v = hexes(r"addr 0x([0-9a-f]+) size 0x([0-9a-f]+) value 0x([0-9a-f]+)")
        return ("vtd_write", "reg=0x%x value=0x%x size=%d" % (v[0], v[2], v[1]), None) if v else None
    return None


def cmd_trace(args):
    if len(args) != 1:
        raise Usage("trace TRACE")
    mapped = {}       # (bdf, index) -> (addr, size, name) while mapped
    ever = {}         # (bdf, index, addr, size) -> name
    pending = []      # events not yet labelled with a test point
    out = []
    tap_seen = False
    serial = {"line": bytearray(), "dlab": False}
    run = []          # [start, end, win] of the device read being gathered
    same = []         # [key, event, text, count] of the vtd event being merged

    def window(addr):
        for (bdf, idx), (base, size, _) in sorted(mapped.items()):
            if base <= addr < base + size:
                return "%s/%d" % (bdf, idx)
        return "-"

    def flush_run():
        if same:
            _, event, text, count = same
            same.clear()
            put(event, "%s n=%d" % (text, count))
        if run:
            start, end, win = run
            run.clear()
            put("dma_read", "addr=0x%x bytes=%d win=%s" % (start, end - start, win))

    def emit_merged(event, text, key):
        if same and same[0] == key:
            same[3] += 1
            return
        flush_run()
        same.extend([key, event, text, 1])

    def emit(event, text):
        flush_run()
        put(event, text)

    def put(event, text):
        if tap_seen:
            pending.append("%s %s" % (event, text) if text else event)
        else:
            out.append("ev 0 firmware - %s %s" % (event, text) if text else "ev 0 firmware - " + event)

    def serial_line(text):
        nonlocal tap_seen
        if not tap_seen:
            if text == "TAP version 14":
                tap_seen = True
            return
        m = POINT.match(text)
        if not m:
            return
        status = "not_ok" if m.group(1) else ("skip" if "# SKIP" in text else "ok")
        n, tid, bdf = m.group(2), m.group(3), m.group(4) or "-"
        flush_run()
        out.append("point %s %s %s %s" % (n, tid, bdf, status))
        for e in pending:
            out.append("ev %s %s %s %s" % (n, tid, bdf, e))
        pending.clear()

    with open(args[0], "r", errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            ev, rest = m.group(1), m.group(2)
            if ev == "serial_write":
                mm = re.search(r"addr 0x([0-9a-f]+) val 0x([0-9a-f]+)", rest)
                if not mm:
                    continue
                reg, val = int(mm.group(1), 16), int(mm.group(2), 16)
                if reg == 3:
                    serial["dlab"] = val >= 0x80
                elif reg == 0 and not serial["dlab"]:
                    if val == 10:
                        serial_line(serial["line"].decode("latin-1"))
                        serial["line"] = bytearray()
                    elif val != 13:
                        serial["line"].append(val)
            elif ev == "memory_region_ops_read":
                if not rest.startswith("cpu -1 "):
                    continue
                mm = re.search(r"addr 0x([0-9a-f]+) value 0x[0-9a-f]+ size (\d+)", rest)
                if not mm:
                    continue
                a, size = int(mm.group(1), 16), int(mm.group(2))
                win = window(a)
                if win == "-":
                    continue
                if run and run[1] == a and run[2] == win:
                    run[1] = a + size
                else:
                    flush_run()
                    run.extend([a, a + size, win])
            elif ev in ("pci_update_mappings_add", "pci_update_mappings_del"):
                mm = MAPPING.match(rest)
                if not mm:
                    continue
                name, bdf, idx = mm.group(1), mm.group(2), int(mm.group(3))
                addr, size = int(mm.group(4), 16), int(mm.group(5), 16)
                if addr < MIN_MEM_BAR:
                    continue
                if ev.endswith("_add"):
                    mapped[(bdf, idx)] = (addr, size, name)
                    ever[(bdf, idx, addr, size)] = name
                else:
                    mapped.pop((bdf, idx), None)
            elif ev == "pci_nvme_create_sq":
                mm = re.search(r"addr=0x([0-9a-f]+), sqid=(\d+), cqid=(\d+), qsize=(\d+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("create_sq", "sqid=%s cqid=%s qsize=%s addr=0x%x win=%s" %
                         (mm.group(2), mm.group(3), mm.group(4), a, window(a)))
            elif ev == "pci_nvme_create_cq":
                mm = re.search(r"addr=0x([0-9a-f]+), cqid=(\d+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("create_cq", "cqid=%s addr=0x%x win=%s" % (mm.group(2), a, window(a)))
            elif ev == "pci_nvme_mmio_asqaddr_hi":
                mm = re.search(r"new_address=0x([0-9a-f]+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("asq", "addr=0x%x win=%s" % (a, window(a)))
            elif ev == "pci_nvme_map_addr_cmb":
                mm = re.search(r"addr 0x([0-9a-f]+) len (\d+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("cmb_map", "addr=0x%x len=%s win=%s" % (a, mm.group(2), window(a)))
            elif ev == "pci_nvme_mmio_write":
                mm = re.search(r"addr 0x([0-9a-f]+) data 0x([0-9a-f]+) size (\d+)", rest)
                if mm:
                    emit("mmio_write", "reg=0x%x data=0x%x size=%s" %
                         (int(mm.group(1), 16), int(mm.group(2), 16), mm.group(3)))
            elif ev == "pci_nvme_mmio_read":
                mm = re.search(r"addr 0x([0-9a-f]+)", rest)
                if mm:
                    emit("mmio_read", "reg=0x%x" % int(mm.group(1), 16))
            elif ev in ("pci_nvme_mmio_stopped", "pci_nvme_mmio_start_success",
                        "pci_nvme_mmio_shutdown_set", "pci_nvme_mmio_shutdown_cleared",
                        "pci_nvme_pci_reset"):
                emit(ev[len("pci_nvme_"):], "")
            elif ev in ("pci_nvme_read", "pci_nvme_write"):
                mm = re.search(r"nlb (\d+) count \d+ lba 0x([0-9a-f]+)", rest)
                if mm:
                    emit("rw", "%s lba=%d nlb=%s" % (ev[len("pci_nvme_"):], int(mm.group(2), 16), mm.group(1)))
            elif ev in ("pci_nvme_io_cmd", "pci_nvme_admin_cmd"):
                mm = re.search(r"sqid (\d+) opc 0x([0-9a-f]+)", rest)
                if mm:
                    emit(ev[len("pci_nvme_"):], "sqid=%s opc=0x%x" % (mm.group(1), int(mm.group(2), 16)))
            elif ev.startswith("pci_nvme_err_") or ev.startswith("pci_nvme_ub_"):
                emit("err", "%s %s" % (ev, " ".join(rest.split())))
            elif ev.startswith("vtd_"):
                got = vtd_event(ev, rest, window)
                if got is None:
                    continue
                event, text, key = got
                if key is None:
                    emit(event, text)
                else:
                    emit_merged(event, text, key)
    flush_run()
    for (bdf, idx, addr, size), name in sorted(ever.items()):
        print("bar %s %d 0x%x %d %s" % (bdf, idx, addr, size, name))
    for line in out:
        print(line)
    for e in pending:
        print("ev end end - " + e)
    return 0


COMMANDS = {
    "trace": cmd_trace, "blocks": cmd_blocks, "same": cmd_same, "written": cmd_written,
    "pmr": cmd_pmr, "pmr-holds": cmd_pmr_holds, "zero": cmd_zero,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[1]](argv[2:])
    except (Usage, OSError, ValueError) as e:
        print("nvme_oracle %s: %s" % (argv[1], e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
