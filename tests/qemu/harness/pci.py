"""PCI inventories, both reduced to the same sorted lines:
  fn  BB:DD.F vvvv:dddd cc:ss
  bar BB:DD.F N io|mem32|mem64 pref|- 0xADDRESS SIZE_BYTES   (assigned BARs; QEMU: 'unmapped' too)
  br  BB:DD.F SECONDARY SUBORDINATE
and what the scenarios read from QEMU's query-pci."""

import re

UNMAPPED_MIN = 9223372036854775807
NVME_CLASS = 264  # 01:08


def size_bytes(s):
    s = s[:-2] if s.endswith("iB") else s
    m = re.match(r"^(\d+)([KMGT]?)B?$", s)
    if not m:
        return "?" + s
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]


def from_tap(tap):
    """The image's '# pci' lines, normalized (lib.sh pci_from_tap)."""
    out = set()
    bdf = ""
    fn = re.compile(r"^# pci ([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]) ([0-9a-fA-F]{4}):([0-9a-fA-F]{4}) class ([0-9a-fA-F]{2}):([0-9a-fA-F]{2})")
    bar = re.compile(r"^# pci +BAR([0-5]) +(io|mem|mem32|mem64) +(pref +)?(0x[0-9a-fA-F]+) +size +([0-9]+[KMGT]?(i?B)?)")
    br = re.compile(r"^# pci +bridge +secondary +([0-9a-fA-F]{2}) +subordinate +([0-9a-fA-F]{2})")
    for ln in tap.lines:
        m = fn.match(ln)
        if m:
            bdf = m.group(1).lower()
            out.add("fn %s %s:%s %s:%s" % (bdf, m.group(2).lower(), m.group(3).lower(), m.group(4).lower(), m.group(5).lower()))
            continue
        m = bar.match(ln)
        if bdf and m:
            kind = "mem32" if m.group(2) == "mem" else m.group(2)
            addr = int(m.group(4), 16)
            if addr == 0:
                continue
            out.add("bar %s %s %s %s 0x%016x %s" % (bdf, m.group(1), kind, "pref" if m.group(3) else "-", addr,
                                                    size_bytes(m.group(5))))
            continue
        m = br.match(ln)
        if bdf and m:
            out.add("br %s %s %s" % (bdf, m.group(1).lower(), m.group(2).lower()))
    return sorted(out)


def devices(qmp_reply):
    """(device, parent qdev_id, requester-ID alias bus or None) of every function, bridges recursed."""
    out = []

    def walk(devs, parent, alias):
        for d in devs or []:
            out.append((d, parent, alias))
            br = d.get("pci_bridge")
            if br:
                a = alias
                if d["id"]["vendor"] == 6966 and d["id"]["device"] == 14:  # pcie-pci-bridge 1b36:000e
                    a = br["bus"]["secondary"]
                walk(br.get("devices"), d.get("qdev_id"), a)

    for bus in (qmp_reply or {}).get("return", []):
        walk(bus.get("devices"), "pcie.0", None)
    return out


def bdf(d):
    return "%02x:%02x.%x" % (d["bus"], d["slot"], d["function"])


def unmapped(region):
    return region["address"] < 0 or region["address"] >= UNMAPPED_MIN


def from_qmp(reply):
    """QEMU's query-pci, normalized (lib.sh pci_from_qmp); ROM BARs left out."""
    out = set()
    for d, _, _ in devices(reply):
        b = bdf(d)
        c = d["class_info"]["class"]
        out.add("fn %s %04x:%04x %02x:%02x" % (b, d["id"]["vendor"], d["id"]["device"], c // 256, c % 256))
        for r in d.get("regions", []):
            if r["bar"] >= 6:
                continue
            kind = "io" if r["type"] == "io" else ("mem64" if r.get("mem_type_64") else "mem32")
            addr = "unmapped" if unmapped(r) else "0x%016x" % r["address"]
            out.add("bar %s %d %s %s %s %d" % (b, r["bar"], kind, "pref" if r.get("prefetch") else "-", addr, r["size"]))
        br = d.get("pci_bridge")
        if br and br.get("bus"):
            out.add("br %s %02x %02x" % (b, br["bus"]["secondary"], br["bus"]["subordinate"]))
    return sorted(out)


def _natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def nvme(reply):
    """[(qdev_id, BB:DD.F)] of every NVMe function, in qdev_id order (nvme0, nvme1, ...)."""
    got = [(d.get("qdev_id") or "", bdf(d)) for d, _, _ in devices(reply) if d["class_info"]["class"] == NVME_CLASS]
    return sorted(got, key=lambda x: _natural(x[0]))


def nvme_parents(reply):
    """[(qdev_id, BB:DD.F, parent qdev_id)] of every NVMe function, in qdev_id order."""
    got = [(d.get("qdev_id") or "", bdf(d), p) for d, p, _ in devices(reply) if d["class_info"]["class"] == NVME_CLASS]
    return sorted(got, key=lambda x: _natural(x[0]))


def bdf_of(reply, qdev_id):
    for d, _, _ in devices(reply):
        if d.get("qdev_id") == qdev_id:
            return bdf(d)
    return ""


def find(reply, qdev_id):
    for d, _, _ in devices(reply):
        if d.get("qdev_id") == qdev_id:
            return d
    return None


def bar_sizes(reply, want):
    """'INDEX:SIZE ...' of that function's BARs (lib.sh qmp_bar_sizes)."""
    for d, _, _ in devices(reply):
        if bdf(d) == want:
            return " ".join("%d:%d" % (r["bar"], r["size"]) for r in d.get("regions", []) if r["bar"] < 6)
    return ""


def unmapped_bars(reply):
    return ["%s BAR%d" % (bdf(d), r["bar"]) for d, _, _ in devices(reply)
            for r in d.get("regions", []) if r["bar"] < 6 and unmapped(r)]


def n_bars(reply):
    return sum(1 for d, _, _ in devices(reply) for r in d.get("regions", []) if r["bar"] < 6)


def requester_ids(reply):
    """{BB:DD.F: SID} of every NVMe function: the requester ID QEMU's IOMMU sees
    (behind a pcie-pci-bridge: the bridge's secondary bus, 00.0)."""
    out = {}
    for d, _, alias in devices(reply):
        if d["class_info"]["class"] != NVME_CLASS:
            continue
        out[bdf(d)] = "%02x:00.0" % alias if alias is not None else bdf(d)
    return out


def only_in(kind, img, qm):
    a = [ln for ln in img if ln.startswith(kind + " ")]
    b = [ln for ln in qm if ln.startswith(kind + " ")]
    sa, sb = set(a), set(b)
    out = ["image only: " + x for x in a if x not in sb] + ["QEMU only: " + x for x in b if x not in sa]
    return out[:8]


def compare_inventory(c, img, qm):
    """lib.sh compare_inventory: the same functions, assigned BARs and bridges (3 checks)."""
    nfn_img = sum(1 for x in img if x.startswith("fn "))
    nfn_qmp = sum(1 for x in qm if x.startswith("fn "))
    if nfn_qmp == 0:
        c.not_ok("QEMU's query-pci lists PCI functions", "none parsed")
        return
    d = only_in("fn", img, qm)
    if not d:
        c.ok("all %d PCI functions match query-pci (BB:DD.F, vendor:device, class)" % nfn_qmp)
    else:
        c.not_ok("PCI functions match query-pci (image %d, QEMU %d)" % (nfn_img, nfn_qmp), "; ".join(d))
    bars_q = [x for x in qm if x.startswith("bar ")]
    nbar_qmp = sum(1 for x in bars_q if x.split()[5] != "unmapped")
    nbar_img = sum(1 for x in img if x.startswith("bar "))
    unm = ",".join("%s BAR%s" % (x.split()[1], x.split()[2]) for x in bars_q if x.split()[5] == "unmapped")
    d = only_in("bar", img, qm)
    if not d and nbar_qmp > 0:
        c.ok("all %d assigned BARs match query-pci (index, type, address, size)" % nbar_qmp)
    elif not d:
        c.not_ok("assigned BARs match query-pci", "QEMU reports no mapped BAR at all")
    else:
        c.not_ok("assigned BARs match query-pci (image %d, QEMU %d mapped)" % (nbar_img, nbar_qmp),
                 "; ".join(d) + ("; QEMU shows unmapped (decode off?): " + unm if unm else ""))
    d = only_in("br", img, qm)
    if not d:
        c.ok("bridge bus numbers match query-pci (%d bridges)" % sum(1 for x in qm if x.startswith("br ")))
    else:
        c.not_ok("bridge bus numbers match query-pci", "; ".join(d))
