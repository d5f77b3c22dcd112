"""A QMP client over QEMU's unix socket: greeting, capabilities, then commands,
each answered by the reply carrying its id (events are skipped)."""

import json
import socket


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(path)
            self.f = self.sock.makefile("rwb")
            greeting = self._read()
            if "QMP" not in greeting:
                raise QMPError("no QMP greeting: %r" % greeting)
        except (OSError, ValueError) as e:
            self.sock.close()
            raise QMPError(str(e))
        self.n = 0
        self.sock.settimeout(20.0)
        self.cmd("qmp_capabilities")

    def _read(self):
        line = self.f.readline()
        if not line:
            raise QMPError("QMP closed the connection")
        return json.loads(line)

    def cmd(self, execute, **arguments):
        """The reply ({"return": ...} or {"error": ...}) without its id."""
        self.n += 1
        msg = {"execute": execute, "id": self.n}
        if arguments:
            msg["arguments"] = arguments
        try:
            self.f.write((json.dumps(msg) + "\n").encode())
            self.f.flush()
            while True:
                r = self._read()
                if r.get("id") == self.n:
                    r.pop("id")
                    return r
        except (OSError, ValueError) as e:
            raise QMPError(str(e))

    def close(self):
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def session(path, *commands, timeout=10.0):
    """Run COMMANDS (names, or (name, arguments) pairs) in one session; their replies, or None on a failure."""
    try:
        with QMP(path, timeout) as q:
            out = []
            for c in commands:
                if isinstance(c, tuple):
                    out.append(q.cmd(c[0], **c[1]))
                else:
                    out.append(q.cmd(c))
            return out
    except QMPError:
        return None


def status(path):
    r = session(path, "query-status", timeout=5.0)
    try:
        return r[0]["return"]["status"]
    except (TypeError, KeyError, IndexError):
        return ""
