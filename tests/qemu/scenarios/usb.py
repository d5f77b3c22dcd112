"""the GPT USB image from image/mkusb.sh, booted by OVMF as usb-storage on qemu-xhci, must run the image to a passing verdict."""

import os
import re
import subprocess

from harness.scenario import MKUSB, Stop


def run(s):
    c = s.c
    given = s.usb or os.environ.get("NVMETAL_USB", "")
    img = os.path.join(s.work, "usb.img")
    if given:
        # Boot a private copy: the caller's image is never opened by QEMU.
        subprocess.run(["cp", "--sparse=always", "--", given, img], check=False)
        c.note("USB image: copy of %s" % given)
    else:
        with open(os.path.join(s.work, "usb.build.log"), "w") as log:
            r = subprocess.run(["bash", MKUSB, img, s.efi, os.path.join(s.repo, "image", "nvmetal.cfg")], stdout=subprocess.DEVNULL, stderr=log)
        if r.returncode != 0:
            c.not_ok("USB image built by image/mkusb.sh", "see %s/usb.build.log" % c.rel(s.work))
            raise Stop()
    # Host-file oracle: the partition table and the file system on the stick.
    start = ""
    r = subprocess.run(["sgdisk", "--info=1", "--", img], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    info = r.stdout if r.returncode == 0 else ""
    m = re.search(r"^First sector: ([0-9]*)", info, re.M)
    if m:
        start = m.group(1)
    if start and "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" in info and int(start) % 2048 == 0:
        c.ok("GPT partition 1 is an EFI System Partition starting at sector %s (1 MiB aligned)" % start)
    else:
        c.not_ok("GPT partition 1 is a 1 MiB aligned EFI System Partition", "sgdisk --info=1: %s" % (info or "unreadable"))
    if start:
        spec = "%s@@%d" % (img, int(start) * 512)
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        out = os.path.join(s.work, "usb-bootx64.efi")
        r = subprocess.run(["mcopy", "-n", "-i", spec, "::/EFI/BOOT/BOOTX64.EFI", out], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        same = r.returncode == 0 and open(out, "rb").read() == open(s.efi, "rb").read()
        c.check(same, "the stick's \\EFI\\BOOT\\BOOTX64.EFI is the same file as %s" % (os.path.basename(s.efi) if same else s.efi), "missing or different")
        with open(os.path.join(s.work, "usb-nvmetal.cfg"), "w") as f:
            r = subprocess.run(["mtype", "-i", spec, "::/nvmetal.cfg"], env=env, stdout=f, stderr=subprocess.DEVNULL)
        c.check(r.returncode == 0, "the stick holds \\nvmetal.cfg", "mtype failed")
    # Boot it.  Oracle: QEMU's SCSI trace of the usb-storage disk shows the firmware reading the
    # partition's first sector (the FAT boot sector).
    b = s.boot("usb", {"USB": img, "TRACE": os.path.join(s.work, "usb.trace"), "TRACE_EVENTS": "scsi_req_parsed_lba"})
    tap = b.extract()
    c.rc("exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    sm = tap.summary()
    if sm:
        c.eq("verdict line reports 0 failed (%d passed, %s skipped)" % (sm[0], sm[2] or 0), sm[1], 0)
    else:
        c.not_ok("verdict line '# nvmetal: P passed, F failed, S skipped' present", "not found")
    if start:
        c.grep("QEMU's trace shows the firmware reading LBA %s (the ESP's boot sector) from the USB disk" % start,
               r"scsi_req_parsed_lba .* lba %s$" % start, b.trace, c.rel(b.trace))
