"""The reduced trace (nvme_oracle.py trace): 'bar', 'point' and 'ev' lines, split
into fields; queries the scenarios make of it (lib.sh's awk one-liners)."""

from . import oracles


def hexint(s):
    s = s.lower()
    if s.startswith("0x"):
        s = s[2:]
    return int(s, 16) if s else 0


class Ev:
    __slots__ = ("line", "w", "n", "tid", "where", "name", "kv")

    def __init__(self, line, w):
        self.line = line
        self.w = w  # all fields: ev N ID WHERE EVENT k=v...
        self.n, self.tid, self.where, self.name = w[1], w[2], w[3], w[4]
        self.kv = dict(x.split("=", 1) for x in w[5:] if "=" in x)

    def get(self, key, default=""):
        return self.kv.get(key, default)

    def arg(self, i):
        """Field i after the event name (0-based), '' when absent: awk's $6, $7, ..."""
        return self.w[5 + i] if len(self.w) > 5 + i else ""

    @property
    def last(self):
        return self.w[-1]

    def rest(self, first_field):
        """The line from awk field FIRST_FIELD (1-based) on: cut -d' ' -fN-."""
        return " ".join(self.w[first_field - 1:])


class Summary:
    def __init__(self, path):
        self.path = path
        self.lines = []
        self.events = []
        self.points = []  # fields of 'point' lines
        self.bars = []    # fields of 'bar' lines
        with open(path, errors="replace") as f:
            for ln in f:
                ln = ln.rstrip("\n")
                self.lines.append(ln)
                w = ln.split()
                if not w:
                    continue
                if w[0] == "ev" and len(w) >= 5:
                    self.events.append(Ev(ln, w))
                elif w[0] == "point":
                    self.points.append(w)
                elif w[0] == "bar":
                    self.bars.append(w)

    def ev(self, name=None, tid=None, where=None):
        return [e for e in self.events if (name is None or e.name == name) and (tid is None or e.tid == tid)
                and (where is None or e.where == where)]

    def seg(self, tid, where, name):
        """lib.sh seg_events: events NAME while test point TID ran on WHERE."""
        return self.ev(name, tid, where)

    def bar(self, bdf, index):
        """[(0xADDR, SIZE)] of every placement QEMU gave that BAR."""
        return [(w[3], int(w[4])) for w in self.bars if w[1] == bdf and w[2] == str(index)]

    def grep(self, ere):
        import re
        r = re.compile(ere)
        return [ln for ln in self.lines if r.search(ln)]

    def rw_blocks(self, tid, where, op, nsid=None):
        """(count, blocks, lowest LBA or -1, end of the highest run) of QEMU's Reads or Writes in that point."""
        mine = {w[1] for w in self.points if w[2] == tid and w[3] == where and (nsid is None or (len(w) > 5 and w[5] == "nsid=%s" % nsid))}
        n = b = hi = 0
        lo = -1
        for e in self.events:
            if e.n in mine and e.tid == tid and e.where == where and e.name == "rw" and e.arg(0) == op:
                l = int(e.arg(1).replace("lba=", "", 1))
                k = int(e.arg(2).replace("nlb=", "", 1))
                n += 1
                b += k
                if n == 1 or l < lo:
                    lo = l
                if l + k > hi:
                    hi = l + k
        return n, b, (lo if n else -1), hi

    def rw_sids(self, tid, where):
        """[(op, lba, nlb, sid or '-')]: each Read/Write in that point and the requester ID
        the IOMMU translated its PRP1 page for first after it (lib.sh rw_sids)."""
        cmds = []
        cur = None
        for e in self.events:
            if e.tid != tid or e.where != where:
                continue
            if e.name == "rw":
                cur = {"op": e.arg(0), "lba": e.get("lba"), "nlb": e.get("nlb"), "page": -1, "sid": "-"}
                cmds.append(cur)
            elif e.name == "map_prp" and cur is not None and cur["page"] < 0:
                p = hexint(e.get("prp1"))
                cur["page"] = p - p % 4096
            elif e.name == "translate":
                iv = hexint(e.get("iova"))
                iv -= iv % 4096
                for c in cmds:
                    if c["sid"] == "-" and c["page"] >= 0 and c["page"] == iv:
                        c["sid"] = e.get("sid")
        return [(c["op"], c["lba"], c["nlb"], c["sid"]) for c in cmds]


def load(c, name, trace, out):
    """Reduce TRACE into OUT; the Summary, or None (with a failed check) when it holds no test point."""
    rc = oracles.reduce_trace(trace, out)
    s = None
    if rc == 0:
        s = Summary(out)
        if not s.points:
            s = None
    if s is None:
        c.not_ok("%s: QEMU's trace holds the image's test points" % name if name else
                 "QEMU's trace holds the image's test points", "see %s" % c.rel(trace))
    return s
