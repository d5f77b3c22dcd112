"""the serial port ACPI SPCR names (-acpitable): COM1 at 0x3f8 used as SPCR says, a UART at 0x2f8 (QEMU's second isa-serial) gets the whole TAP stream while COM1 gets none of it, and an SPCR naming a PL011 is refused by name with COM1 probed instead."""

import os
import struct

MACHINE = {"NVME_DRIVE_COUNT": "0", "IOMMU": "none", "CMB_SIZE_MB": "0", "PMR_SIZE": "0"}
CONFIG = ["# scenario serial-spcr", "tests = platform.*"]


def spcr(revision, interface_type, space, bits, access, address, baud_code):
    """An 80-byte SPCR (revisions 1 to 3 layout): 8259 IRQ 4, one stop bit, no PCI device."""
    body = struct.pack("<B3x", interface_type)
    body += struct.pack("<BBBBQ", space, bits, 0, access, address)
    body += struct.pack("<BBIBBBBBB", 1, 4, 4, baud_code, 0, 1, 0, 0, 0)
    body += struct.pack("<HHBBBIBI", 0xFFFF, 0xFFFF, 0, 0, 0, 0, 0, 0)
    header = struct.pack("<4sIBB6s8sI4sI", b"SPCR", 36 + len(body), revision, 0, b"NVMTAL", b"SPCRTEST", 1, b"NVMT", 1)
    table = bytearray(header + body)
    assert len(table) == 80
    table[9] = (-sum(table)) & 0xFF
    return bytes(table)


def run(s):
    c = s.c
    esp = s.media("serial-spcr", *CONFIG)

    def boot(name, table, extra=()):
        path = os.path.join(s.work, name + ".spcr.bin")
        with open(path, "wb") as f:
            f.write(table)
        b = s.boot(name, MACHINE, esp=esp, qemu_args=["-acpitable", "file=" + path] + list(extra))
        return b, b.extract()

    # ---- SPCR names COM1 itself: used, and said so ----
    b, tap = boot("com1", spcr(2, 0x00, 1, 8, 1, 0x3F8, 7))
    c.rc("com1: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    c.grep("com1: the banner says the port came from SPCR",
           r"^# serial: SPCR rev 2: 16550 at I/O 0x3f8, 8-bit registers, 115200 baud$", tap)
    c.grep("com1: the console sink is the SPCR port", r"^# console spcr(,screen)?; ", tap)
    c.grep("com1: the XSDT lists the injected SPCR", r"^ok [0-9]+ - platform\.acpi\.root_table: .* SPCR( |$)", tap)
    c.check(tap.summary() is not None and tap.summary()[1] == 0, "com1: the verdict line reports 0 failed", str(tap.summary()))

    # ---- SPCR names a UART at 0x2f8, baud "as is": the stream goes there, not to COM1 ----
    com2 = os.path.join(s.work, "com2.com2.serial")
    if os.path.exists(com2):
        os.unlink(com2)
    b, _ = boot("com2", spcr(1, 0x12, 1, 8, 0, 0x2F8, 0),
                       ["-chardev", "file,id=nvmetal-com2,path=" + com2,
                        "-device", "isa-serial,chardev=nvmetal-com2,iobase=0x2f8,irq=3"])
    c.rc("com2: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    # The raw log (OVMF's own output is there), not the clean TAP, which is empty when there is none.
    c.no_grep("com2: COM1 (QEMU's first isa-serial) got nothing of the image's stream", r"(TAP version|# nvmetal|ok [0-9]|Bail out!)",
              b.serial_text().split("\n"), c.rel(b.serial))
    b.serial = com2  # the clean TAP of what QEMU's second UART received
    b.tap_path = os.path.join(s.work, "com2.com2.tap")
    tap = b.extract()
    c.check(bool(tap.lines) and tap.lines[0] == "TAP version 13", "com2: QEMU's UART at 0x2f8 received the stream from its first line",
            "first line %r of %s" % (tap.lines[0] if tap.lines else "", c.rel(com2)))
    c.grep("com2: the banner names the SPCR port with the firmware's baud rate",
           r"^# serial: SPCR rev 1: 16550 at I/O 0x2f8, 8-bit registers, baud as the firmware set it$", tap)
    c.grep("com2: the console sink is the SPCR port", r"^# console spcr(,screen)?; ", tap)
    sm = tap.summary()
    c.check(sm is not None and sm[1] == 0 and tap.lines[-1].startswith("1.."),
            "com2: the verdict and the plan arrived at 0x2f8, 0 failed", str(sm))

    # ---- SPCR names a PL011: refused by name, COM1 probed ----
    b, tap = boot("pl011", spcr(2, 0x03, 0, 32, 3, 0x9000000, 7))
    c.rc("pl011: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    c.grep("pl011: the banner names the refused interface type and falls back to COM1",
           r"^# serial: SPCR rejected: interface type 0x03 \(ARM PL011 UART\) is not a 16550; COM1 probed at 0x3f8$", tap)
    c.grep("pl011: the console sink is COM1", r"^# console com1(,screen)?; ", tap)
