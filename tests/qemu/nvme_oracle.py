#!/usr/bin/env python3
"""tests/qemu/nvme_oracle.py: host-side oracles for the NVMe scenarios: QEMU's trace, namespace images and PMR backing files, read without the image's help.

Subcommands (each prints its findings; exit 0 = the check held, 1 = it did not,
2 = bad usage or unreadable input):

  trace TRACE
      QEMU's trace (pci_nvme_*, pci_update_mappings_*, serial_write), reduced to
      lines the scenarios grep:
        bar BDF INDEX 0xADDR SIZE NAME        every memory BAR QEMU ever mapped
        point N ID WHERE STATUS [nsid=K]      a test point, rebuilt from COM1
                                              (WHERE: BB:DD.F[/pass] or -;
                                              nsid=K when the TAP line names
                                              a namespace right after WHERE:
                                              "00:02.0/vtd nsid 3 ...")
        ev N ID WHERE EVENT key=value...      an NVMe event, labelled with the
                                              test point printed next after it
      N ID WHERE of an event are "0 firmware -" before "TAP version 13" and
      "end end -" after the last test point.  Addresses carry win=BDF/INDEX,
      the BAR that held them at that moment (win=- when none did).
      Among the NVMe events, the addresses QEMU mapped for a command's data
      and metadata (IOVAs when the IOMMU translates):
        map_addr addr=0x.. len=N win=          every pci_nvme_map_addr (a PRP
                                              entry's run, a metadata pointer)
        map_prp prp1=0x.. len=N trans_len=N prp2=0x.. num_prps=N win=
                                              a command's PRPs (win: of prp1)
      (QEMU 7.2 has no pci_nvme_map_mdata event.)  Commands:
        admin_cmd sqid=N opc=0x..              every admin command QEMU took
        io_cmd sqid=N opc=0x.. nsid=K          every I/O command, its namespace
      With
      memory_region_ops_read traced, reads of a BAR by a device rather than
      the CPU (cpu -1: peer-to-peer DMA) become "dma_read addr= bytes= win="
      lines, one per contiguous run.
      With vtd_* traced, interrupt remapping too:
        ir_enable enable=0|1, ir_root addr=0x.. size=N   IRE, and the table SIRTP set
        ir_msi_req addr=0x.. data=0x..        an interrupt request reached the unit
        irte_get index=N lo=0x.. hi=0x..      the IRTE the unit read for it (lo: bits
                                              63:0 with P, vector, destination; hi:
                                              SID, SQ, SVT)
        ir_remap index=N vector=0x.. trigger= deliver= dest=0x.. dest_mode=
                                              the entry accepted: what it delivers
        ir_msi addr= data= to_addr= to_data=  the message after the unit (blocked
                                              requests have none)
        inv_iec global=0|1 index=N mask=N     an interrupt entry cache invalidation
      With pci_cfg_write traced, every config-space write QEMU took:
        cfg_write dev=BB:DD.F offset=0x.. value=0x..
      Interrupts (pci_nvme_create_cq, pci_nvme_irq_msix, and with
      apic_deliver_irq and msix_write_config traced):
        create_cq cqid=N vector=N ien=0|1 addr=0x.. win=   the CQ's IV and IEN
        irq_msix entry=N                      the controller raised MSI-X entry N
                                              (a masked entry only sets its
                                              pending bit: no apic_deliver)
        apic_deliver dest=N dest_mode=N delivery_mode=N vector=0x.. trigger_mode=N
                                              an interrupt message reached a
                                              local APIC (MSI, remapped or not)
        msix_config dev=NAME enabled=0|1 masked=0|1   Message Control written
        apic_base value=0x.. enabled=0|1 x2apic=0|1   IA32_APIC_BASE written
                                              (cpu_set_apic_base traced)
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
      32..end and the whole splitmix64 body (lib/pattern.c) regenerated.
      A block is BS bytes of data, or with NVME_ORACLE_EXT=1 the transfer
      block: the LBA's data and its MS metadata bytes, reassembled from the
      image as one pattern block of BS+MS bytes.
  same IMG_A LBA_A IMG_B LBA_B COUNT
      the COUNT blocks (transfer blocks with NVME_ORACLE_EXT=1) are
      byte-identical.
  written IMG [FIRST-END ...]
      runs of non-zero blocks of the data area (LBAs; the metadata area
      is not scanned); any outside the half-open ranges given fail.
  metadata IMG FIRST COUNT
      separate metadata (NVME_ORACLE_MS a multiple of 8, NVME_ORACLE_EXT=0,
      no PI): each LBA L's MS bytes are the little-endian words
      seed ^ (L * 0x9E3779B97F4A7C15) ^ j (j = word index, mod 2^64), the
      seed taken from L's data block (a valid pattern block, bytes 16..23).
  pi IMG FIRST COUNT TYPE
      protection information, TYPE 1, 2 or 3 (16-bit guard, 8-byte tuple):
      the tuple at the end of each LBA's metadata (NVME_ORACLE_PIL=last,
      QEMU's pil=0, the default) or at its start (first, pil=1).  Guard
      (bytes 0-1, big-endian) = CRC-16/T10-DIF (poly 0x8BB7, init 0, not
      reflected, no final xor) of the LBA's BS data bytes, followed, with
      the tuple last, by the metadata bytes before it (as QEMU computes it);
      application tag (bytes 2-3) reported; reference tag (bytes 4-7,
      big-endian) = LBA & 0xffffffff for types 1 and 2, reported for type
      3.  An LBA whose data and metadata are all zero (never written) fails.
  dma-inside SUM RANGE...
      RANGE = 0xFIRST-0xLAST (inclusive), memory the image owns (its DMA
      pool).  Every map_addr outside a BAR (win=-) after "TAP version 13"
      lies wholly inside one RANGE, or is an IOVA every page of which the
      IOMMU translated during the same test point, or (vtd.isolation.*
      only) blocked there while it is a page the IOMMU translated at some
      time in the run, or was refused with 0x4012 (QEMU's next event;
      nothing moved); every translate outside a BAR has its gpa inside one
      RANGE (a gpa in a BAR window is peer-to-peer).  Prints how many were
      checked; fails on the first 3 outside (with their test points), or
      when no map_addr was checked at all.
  pmr FILE
      the PMR record at offset 0 (lib/pmr_record.h): "valid generation G seed
      0xS payload P" (exit 0), "absent ..." or "corrupt ..." (exit 1).
  pmr-holds PMR_FILE OFFSET IMG LBA COUNT
      PMR_FILE holds, at byte OFFSET, the COUNT blocks of IMG from LBA.
  zero FILE
      every byte of FILE is zero.

Block format (QEMU's default namespace: 512 bytes, no metadata):
  NVME_ORACLE_BS=512   data bytes per LBA
  NVME_ORACLE_MS=0     metadata bytes per LBA
  NVME_ORACLE_EXT=0    1: extended LBA format, the host transfers each LBA's
                       data and metadata together (blocks, same, pmr-holds)
  NVME_ORACLE_PIL=last where pi finds the tuple in the metadata (first|last)
QEMU 7.2 lays a namespace image out the same way for extended and separate
metadata: nlbas = file size // (BS+MS); LBA L's data at L*BS; the metadata
area at nlbas*BS, L's MS bytes at nlbas*BS + L*MS; any remainder unused.
"""

import os
import re
import struct
import sys
import zlib

BS = int(os.environ.get("NVME_ORACLE_BS", "512"))
MS = int(os.environ.get("NVME_ORACLE_MS", "0"))
EXT = os.environ.get("NVME_ORACLE_EXT", "0") == "1"
PIL = os.environ.get("NVME_ORACLE_PIL", "last")
M64 = (1 << 64) - 1
METADATA_LBA_MULTIPLIER = 0x9E3779B97F4A7C15
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


# ---- the namespace image: QEMU 7.2's layout ------------------------------------
# nlbas = file size // (BS + MS); LBA L's data at L * BS; with metadata, the
# metadata area follows the data of every LBA: LBA L's MS bytes at
# nlbas * BS + L * MS, whether the host transfers them interleaved (extended
# LBA) or from a separate buffer.

def geometry(path):
    """(nlbas, metadata offset) of the namespace image."""
    size = os.stat(path).st_size
    nlbas = size // (BS + MS)
    return nlbas, nlbas * BS


def transfer_bytes():
    """The bytes of one block as the host transfers it: data, then metadata
    when the LBA format is extended (NVME_ORACLE_EXT=1)."""
    return BS + MS if EXT else BS


def read_parts(path, lba, count):
    """(data, metadata) of COUNT LBAs from LBA: COUNT * BS and COUNT * MS bytes."""
    nlbas, moff = geometry(path)
    if lba < 0 or count < 0 or lba + count > nlbas:
        raise Usage("%s: LBA %d..%d lies past the end of the namespace (%d LBAs of %d+%d bytes)" %
                    (path, lba, lba + count - 1, nlbas, BS, MS))
    with open(path, "rb") as f:
        f.seek(lba * BS)
        data = f.read(count * BS)
        meta = b""
        if MS:
            f.seek(moff + lba * MS)
            meta = f.read(count * MS)
    return data, meta


def read_blocks(path, lba, count):
    """COUNT transfer blocks from LBA: the data, or with NVME_ORACLE_EXT=1 each
    LBA's data followed by its metadata, as the host sent them."""
    if MS == 0 or not EXT:
        with open(path, "rb") as f:
            f.seek(lba * BS)
            data = f.read(count * BS)
        if len(data) != count * BS or (MS and lba + count > geometry(path)[0]):
            raise Usage("%s: LBA %d..%d lies past the end of the file" % (path, lba, lba + count - 1))
        return data
    data, meta = read_parts(path, lba, count)
    return b"".join(data[i * BS:(i + 1) * BS] + meta[i * MS:(i + 1) * MS] for i in range(count))


def metadata_pattern(seed, lba, nbytes):
    """The separate metadata the image writes for LBA: 8-byte little-endian
    words seed ^ (LBA * 0x9E3779B97F4A7C15) ^ j, j the word's index."""
    base = (seed ^ (lba * METADATA_LBA_MULTIPLIER)) & M64
    return struct.pack("<%dQ" % (nbytes // 8), *[base ^ j for j in range(nbytes // 8)])


def _crc16_t10_table():
    table = []
    for i in range(256):
        crc = i << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8BB7) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table


CRC16_T10_TABLE = _crc16_t10_table()


def crc16_t10dif(data, crc=0):
    """CRC-16/T10-DIF: polynomial 0x8BB7, init 0, not reflected, no final xor."""
    t = CRC16_T10_TABLE
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ t[(crc >> 8) ^ b]
    return crc


# ---- subcommands -------------------------------------------------------------

def cmd_blocks(args):
    if len(args) not in (3, 4):
        raise Usage("blocks IMG FIRST COUNT [SOURCE]")
    img, first, count = args[0], int(args[1], 0), int(args[2], 0)
    source = int(args[3], 0) if len(args) == 4 else first
    data = read_blocks(img, first, count)
    tb = transfer_bytes()
    bad = []
    seeds = set()
    for i in range(count):
        block = data[i * tb:(i + 1) * tb]
        why = check_block(block, source + i)
        if why:
            bad.append("LBA %d: %s" % (first + i, why))
        else:
            seeds.add(struct.unpack_from("<Q", block, 16)[0])
    if bad:
        print("%d of %d blocks bad; %s" % (len(bad), count, "; ".join(bad[:3])))
        return 1
    print("%d blocks%s from LBA %d well formed (LBA fields %d..%d, %d seed%s)" %
          (count, " of %d+%d bytes (data+metadata)" % (BS, MS) if tb != BS else "", first,
           source, source + count - 1, len(seeds), "" if len(seeds) == 1 else "s"))
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
    print("differ first at byte %d (block %d)" % (first, first // transfer_bytes()))
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
    # The data area only: with metadata, the metadata area after it is not LBAs.
    left = geometry(args[0])[1] if MS else None
    with open(args[0], "rb") as f:
        base = 0
        while True:
            want = chunk_blocks * BS if left is None else min(chunk_blocks * BS, left)
            chunk = f.read(want) if want else b""
            if left is not None:
                left -= len(chunk)
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


def cmd_metadata(args):
    if len(args) != 3:
        raise Usage("metadata IMG FIRST COUNT")
    if MS == 0 or MS % 8 or EXT:
        raise Usage("metadata needs separate metadata of a multiple of 8 bytes per LBA: "
                    "NVME_ORACLE_MS=%d, NVME_ORACLE_EXT=%d" % (MS, EXT))
    img, first, count = args[0], int(args[1], 0), int(args[2], 0)
    data, meta = read_parts(img, first, count)
    bad = []
    seeds = set()
    for i in range(count):
        lba = first + i
        block, got = data[i * BS:(i + 1) * BS], meta[i * MS:(i + 1) * MS]
        why = check_block(block, lba)
        if why:
            bad.append("LBA %d: data block gives no seed (%s); metadata %s" % (lba, why, got[:16].hex()))
            continue
        seed = struct.unpack_from("<Q", block, 16)[0]
        want = metadata_pattern(seed, lba, MS)
        if got != want:
            j = next(k for k in range(0, MS, 8) if got[k:k + 8] != want[k:k + 8]) // 8
            bad.append("LBA %d: metadata word %d is 0x%016x, want 0x%016x (seed 0x%x)" %
                       (lba, j, struct.unpack_from("<Q", got, 8 * j)[0], struct.unpack_from("<Q", want, 8 * j)[0], seed))
        else:
            seeds.add(seed)
    if bad:
        print("%d of %d LBAs' metadata bad; %s" % (len(bad), count, "; ".join(bad[:3])))
        return 1
    print("metadata of %d LBAs from LBA %d (%d bytes each, at offset 0x%x of the image) matches the pattern of "
          "seed %s" % (count, first, MS, geometry(img)[1] + first * MS, ",".join("0x%x" % x for x in sorted(seeds))))
    return 0


def cmd_pi(args):
    if len(args) != 4:
        raise Usage("pi IMG FIRST COUNT TYPE")
    if args[3] not in ("1", "2", "3"):
        raise Usage("TYPE %r is not 1, 2 or 3" % args[3])
    if PIL not in ("first", "last"):
        raise Usage("NVME_ORACLE_PIL=%r is not first or last" % PIL)
    if MS < 8:
        raise Usage("protection information needs NVME_ORACLE_MS >= 8 (is %d)" % MS)
    img, first, count, pitype = args[0], int(args[1], 0), int(args[2], 0), int(args[3])
    data, meta = read_parts(img, first, count)
    at = 0 if PIL == "first" else MS - 8
    # The guard covers the data and, with the tuple last, the metadata bytes
    # before it (QEMU 7.2, as NVMe specifies); with it first, the data only.
    covered = at
    bad = []
    apptags, reftags = {}, []
    for i in range(count):
        lba = first + i
        m = meta[i * MS:(i + 1) * MS]
        guard, app, ref = struct.unpack_from(">HHI", m, at)
        want = crc16_t10dif(m[:covered], crc16_t10dif(data[i * BS:(i + 1) * BS]))
        apptags[app] = apptags.get(app, 0) + 1
        reftags.append(ref)
        why = []
        if not any(m) and data[i * BS:(i + 1) * BS].count(0) == BS:
            # All zero passes a CRC and a type 3 check: it proves nothing.
            bad.append("LBA %d: never written (data and metadata all zero)" % lba)
            continue
        if guard != want:
            why.append("guard 0x%04x, CRC-16/T10-DIF of the data%s is 0x%04x" %
                       (guard, " and %d metadata bytes" % covered if covered else "", want))
        if pitype in (1, 2) and ref != lba & 0xFFFFFFFF:
            why.append("reference tag 0x%08x, want 0x%08x" % (ref, lba & 0xFFFFFFFF))
        if why:
            bad.append("LBA %d: %s (tuple %s)" % (lba, ", ".join(why), m[at:at + 8].hex()))
    apps = ", ".join("0x%04x%s" % (a, " x%d" % n if len(apptags) > 1 else "")
                     for a, n in sorted(apptags.items())[:4]) + (" ..." if len(apptags) > 4 else "")
    where = "bytes %d..%d of %d metadata bytes (%s)" % (at, at + 7, MS, PIL)
    if bad:
        print("%d of %d LBAs' protection information bad (type %d, %s); %s; app tag%s %s" %
              (len(bad), count, pitype, where, "; ".join(bad[:3]), "s" if len(apptags) > 1 else "", apps))
        return 1
    if pitype == 3:
        refs = "reference tags not checked (type 3): 0x%08x..0x%08x" % (min(reftags), max(reftags)) if reftags else ""
    else:
        refs = "reference tags = LBA"
    print("protection information of %d LBAs from LBA %d (type %d, %s) holds: guards = CRC-16/T10-DIF of the "
          "data%s; %s; app tag%s %s" % (count, first, pitype, where,
                                        " and the %d metadata bytes before the tuple" % covered if covered else "",
                                        refs, "s" if len(apptags) > 1 else "", apps))
    return 0


def parse_ranges(texts):
    ranges = []
    for r in texts:
        m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)-(0x[0-9a-fA-F]+|\d+)", r)
        if not m:
            raise Usage("range %r is not 0xFIRST-0xLAST" % r)
        lo, hi = int(m.group(1), 0), int(m.group(2), 0)
        if hi < lo:
            raise Usage("range %r ends before it starts" % r)
        ranges.append((lo, hi))
    return ranges


def cmd_dma_inside(args):
    if len(args) < 2:
        raise Usage("dma-inside SUM RANGE...")
    ranges = parse_ranges(args[1:])

    def inside(lo, hi):
        return any(a <= lo and hi <= b for a, b in ranges)

    points = {}       # N -> "N ID WHERE[ nsid=K]"
    segs = {}         # N -> [event dicts] in order
    with open(args[0], errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) >= 5 and w[0] == "point":
                points[w[1]] = " ".join(w[1:4] + [x for x in w[5:] if x.startswith("nsid=")])
            elif len(w) >= 5 and w[0] == "ev":
                fields = dict(kv.split("=", 1) for kv in w[5:] if "=" in kv)
                fields["_name"], fields["_id"], fields["_rest"] = w[4], w[2], " ".join(w[5:])
                segs.setdefault(w[1], []).append(fields)
    # Every IOVA page the IOMMU translated at some time in the run.
    ever = {int(e["iova"], 16) >> 12 for evs in segs.values() for e in evs if e["_name"] == "translate"}
    counts = dict(pool=0, translated=0, blocked=0, refused=0, window=0, firmware=0, xlate=0, xlate_bar=0)
    bad = []
    for n, evs in segs.items():
        label = points.get(n, "%s %s -" % (n, evs[0]["_id"]) if n != "end" else "end (after the last point)")
        if n == "0":
            counts["firmware"] += sum(1 for e in evs if e["_name"] == "map_addr")
            continue
        # IOVA pages the IOMMU translated / blocked while this point ran.
        xpages = {int(e["iova"], 16) >> 12 for e in evs if e["_name"] == "translate"}
        fpages = {int(e["addr"], 16) >> 12 for e in evs if e["_name"] == "dma_fault"}
        negative = evs[0]["_id"].startswith("vtd.isolation.")
        for k, e in enumerate(evs):
            if e["_name"] == "map_addr":
                if e.get("win", "-") != "-":
                    counts["window"] += 1
                    continue
                lo = int(e["addr"], 16)
                hi = lo + max(int(e["len"]), 1) - 1
                pages = range(lo >> 12, (hi >> 12) + 1)
                if inside(lo, hi):
                    counts["pool"] += 1
                elif all(p in xpages for p in pages):
                    counts["translated"] += 1
                elif negative and all(p in ever and (p in xpages or p in fpages) for p in pages):
                    # A page the image did map once, used after its unmap or
                    # from another domain: the IOMMU blocked it on purpose.
                    counts["blocked"] += 1
                elif k + 1 < len(evs) and evs[k + 1]["_name"] == "err" and \
                        re.match(r"pci_nvme_err_req_status .*status 0x4012 ", evs[k + 1]["_rest"] + " "):
                    # QEMU refused to mix this host address with the CMB (0x4012):
                    # the command ended there, nothing was transferred.
                    counts["refused"] += 1
                else:
                    bad.append("map_addr addr=0x%x len=%s in point %s" % (lo, e["len"], label))
            elif e["_name"] == "translate":
                counts["xlate"] += 1
                if e.get("win", "-") != "-":
                    counts["xlate_bar"] += 1
                    continue
                gpa = int(e["gpa"], 16)
                if not inside(gpa, gpa):
                    bad.append("translate sid=%s iova=%s gpa=0x%x (outside) in point %s" %
                               (e.get("sid", "?"), e.get("iova", "?"), gpa, label))
    checked = counts["pool"] + counts["translated"] + counts["blocked"] + counts["refused"] + sum(
        1 for b in bad if b.startswith("map_addr"))
    summary = ("%d map_addr events checked (%d inside the ranges, %d translated by the IOMMU, %d blocked in "
               "vtd.isolation.*, %d refused with 0x4012); %d translate events checked (%d into a BAR window); "
               "not checked: %d map_addr in a BAR window, %d before the TAP stream (firmware)" %
               (checked, counts["pool"], counts["translated"], counts["blocked"], counts["refused"],
                counts["xlate"], counts["xlate_bar"], counts["window"], counts["firmware"]))
    if bad:
        print("%d DMA address%s outside %s: %s; %s" %
              (len(bad), "" if len(bad) == 1 else "es", " ".join(args[1:]), "; ".join(bad[:3]), summary))
        return 1
    if checked == 0:
        print("no map_addr event to check (is pci_nvme_map_addr traced?); %s" % summary)
        return 1
    print("every DMA address inside %s: %s" % (" ".join(args[1:]), summary))
    return 0


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
# "... 00:02.0 nsid 3 text": the namespace named right after WHERE.
POINT_NSID = re.compile(r" nsid (\d+)(?=[: ]|$)")
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
    if ev == "vtd_ir_enable":
        mm = re.search(r"enable (\d)", rest)
        return ("ir_enable", "enable=%s" % (mm.group(1) if mm else "?"), None)
    if ev == "vtd_reg_ir_root":
        v = hexes(r"addr 0x([0-9a-f]+) size 0x([0-9a-f]+)")
        return ("ir_root", "addr=0x%x size=%d" % tuple(v), None) if v else None
    if ev == "vtd_ir_irte_get":
        mm = re.search(r"index (\d+) low 0x([0-9a-f]+) high 0x([0-9a-f]+)", rest)
        if not mm:
            return None
        # QEMU 7.2 passes the IRTE's qwords swapped: its "low" is bits 127:64, "high" 63:0.
        return ("irte_get", "index=%s lo=0x%x hi=0x%x" % (mm.group(1), int(mm.group(3), 16), int(mm.group(2), 16)), None)
    if ev == "vtd_ir_remap":
        mm = re.search(r"index (\d+) trigger (\d+) vector (\d+) deliver (\d+) dest 0x([0-9a-f]+) mode (\d+)", rest)
        if not mm:
            return None
        return ("ir_remap", "index=%s vector=0x%02x trigger=%s deliver=%s dest=0x%x dest_mode=%s" %
                (mm.group(1), int(mm.group(3)), mm.group(2), mm.group(4), int(mm.group(5), 16), mm.group(6)), None)
    if ev == "vtd_ir_remap_msi":
        v = hexes(r"\(addr 0x([0-9a-f]+), data 0x([0-9a-f]+)\) -> \(addr 0x([0-9a-f]+), data 0x([0-9a-f]+)\)")
        return ("ir_msi", "addr=0x%x data=0x%x to_addr=0x%x to_data=0x%x" % tuple(v), None) if v else None
    if ev == "vtd_ir_remap_msi_req":
        v = hexes(r"addr 0x([0-9a-f]+) data 0x([0-9a-f]+)")
        return ("ir_msi_req", "addr=0x%x data=0x%x" % tuple(v), None) if v else None
    if ev == "vtd_inv_desc_iec":
        v = hexes(r"granularity 0x([0-9a-f]+) index 0x([0-9a-f]+) mask 0x([0-9a-f]+)")
        return ("inv_iec", "global=%d index=%d mask=%d" % (0 if v[0] else 1, v[1], v[2]), None) if v else None
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
            if text.startswith("TAP version "):
                tap_seen = True
            return
        m = POINT.match(text)
        if not m:
            return
        status = "not_ok" if m.group(1) else ("skip" if "# SKIP" in text else "ok")
        n, tid, bdf = m.group(2), m.group(3), m.group(4) or "-"
        nsid = POINT_NSID.match(text, m.end()) if m.group(4) else None
        flush_run()
        out.append("point %s %s %s %s%s" % (n, tid, bdf, status, " nsid=%s" % nsid.group(1) if nsid else ""))
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
            elif ev == "pci_cfg_write":
                mm = re.match(r"\S+ ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) @0x([0-9a-f]+) <- 0x([0-9a-f]+)", rest)
                if mm:
                    emit("cfg_write", "dev=%s offset=0x%s value=0x%s" % mm.groups())
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
                mm = re.search(r"addr=0x([0-9a-f]+), cqid=(\d+), vector=(\d+), .*ien=(\d+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("create_cq", "cqid=%s vector=%s ien=%s addr=0x%x win=%s" %
                         (mm.group(2), mm.group(3), mm.group(4), a, window(a)))
            elif ev == "pci_nvme_irq_msix":
                mm = re.search(r"vector (\d+)", rest)
                if mm:
                    emit("irq_msix", "entry=%s" % mm.group(1))
            elif ev == "apic_deliver_irq":
                mm = re.search(r"dest (\d+) dest_mode (\d+) delivery_mode (\d+) vector (\d+) trigger_mode (\d+)", rest)
                if mm:
                    emit("apic_deliver", "dest=%s dest_mode=%s delivery_mode=%s vector=0x%02x trigger_mode=%s" %
                         (mm.group(1), mm.group(2), mm.group(3), int(mm.group(4)), mm.group(5)))
            elif ev == "cpu_set_apic_base":
                mm = re.search(r"0x([0-9a-f]+)", rest)
                if mm:
                    v = int(mm.group(1), 16)
                    emit("apic_base", "value=0x%x enabled=%d x2apic=%d" % (v, v >> 11 & 1, v >> 10 & 1))
            elif ev == "msix_write_config":
                mm = re.search(r"dev (\S+) enabled (\d+) masked (\d+)", rest)
                if mm:
                    emit("msix_config", "dev=%s enabled=%s masked=%s" % mm.groups())
            elif ev == "pci_nvme_mmio_asqaddr_hi":
                mm = re.search(r"new_address=0x([0-9a-f]+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("asq", "addr=0x%x win=%s" % (a, window(a)))
            elif ev in ("pci_nvme_map_addr", "pci_nvme_map_addr_cmb"):
                mm = re.search(r"addr 0x([0-9a-f]+) len (\d+)", rest)
                if mm:
                    a = int(mm.group(1), 16)
                    emit("map_addr" if ev == "pci_nvme_map_addr" else "cmb_map",
                         "addr=0x%x len=%s win=%s" % (a, mm.group(2), window(a)))
            elif ev == "pci_nvme_map_prp":
                mm = re.search(r"trans_len (\d+) len (\d+) prp1 0x([0-9a-f]+) prp2 0x([0-9a-f]+) num_prps (\d+)", rest)
                if mm:
                    a, b = int(mm.group(3), 16), int(mm.group(4), 16)
                    emit("map_prp", "prp1=0x%x len=%s trans_len=%s prp2=0x%x num_prps=%s win=%s" %
                         (a, mm.group(2), mm.group(1), b, mm.group(5), window(a)))
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
                    text = "sqid=%s opc=0x%x" % (mm.group(1), int(mm.group(2), 16))
                    ns = re.search(r"nsid 0x([0-9a-f]+)", rest)
                    if ev == "pci_nvme_io_cmd" and ns:
                        text += " nsid=%d" % int(ns.group(1), 16)
                    emit(ev[len("pci_nvme_"):], text)
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
    "metadata": cmd_metadata, "pi": cmd_pi, "dma-inside": cmd_dma_inside,
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
