"""load options as the UEFI shell passes them (startup.nsh runs nvmetal.efi with a command line): ASCII options override the file's keys; one no-break space (U+00A0, pasted from a web page) is a Bail out naming its position, before anything runs, instead of the options being dropped and the file's allow_write applying."""

import os
import subprocess

MACHINE = {"IOMMU": "none", "CMB_SIZE_MB": "0", "PMR_SIZE": "0"}


def shell_esp(s, name, cfg, command_line):
    """An ESP without a default loader (OVMF falls back to its shell) whose startup.nsh (UCS-2 with
    a BOM, as the shell reads it) runs COMMAND_LINE; <NBSP> stands for U+00A0."""
    esp = s.esp(name, cfg)
    if esp is None:
        return None
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    nsh = os.path.join(s.work, name + ".nsh")
    with open(nsh, "wb") as f:
        f.write(b"\xff\xfe" + (command_line.replace("<NBSP>", "\u00a0") + "\r\n").encode("utf-16-le"))
    with open(os.path.join(s.work, name + ".build.log"), "a") as log:
        for argv in (["mdel", "-i", esp, "::/EFI/BOOT/BOOTX64.EFI"], ["mcopy", "-i", esp, s.efi, "::/nvmetal.efi"],
                     ["mcopy", "-i", esp, nsh, "::/startup.nsh"]):
            if subprocess.run(argv, stdout=log, stderr=log, env=env).returncode != 0:
                return None
    return esp


def run(s):
    c = s.c
    # The file allows writes; the command line must be what decides.
    cfg = s.cfg("load-options", "# scenario load-options: the file says writes are allowed", "allow_write = nvmetal-*")
    # ---- ASCII options: they override the file ----
    esp = shell_esp(s, "ascii", cfg, "fs0:\\nvmetal.efi tests=pci.enumerate allow_write=none")
    if esp:
        b = s.boot("ascii", MACHINE, esp=esp)
        tap = b.extract()
        c.rc("ascii: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
        c.grep("ascii: the image printed the command line it was given", r"^# load options: fs0:\\nvmetal\.efi tests=pci\.enumerate allow_write=none$", tap)
        c.grep("ascii: allow_write from the command line overrode the file's", r"^# config: allow_write = none$", tap)
        c.grep("ascii: tests from the command line", r"^# config: tests = pci\.enumerate$", tap)
        c.eq("ascii: exactly the one selected test point ran", " ".join(p.line.split(" ")[3] for p in tap.points), "pci.enumerate:")
    else:
        c.not_ok("ascii: shell ESP built", "see %s/ascii.build.log" % s.work)
    # ---- a no-break space between two options ----
    prefix = "fs0:\\nvmetal.efi tests=nvme.*"
    position = len(prefix) + 1  # ASCII before it: its 1-based position
    esp = shell_esp(s, "nbsp", cfg, prefix + "<NBSP>allow_write=none")
    if esp:
        b = s.boot("nbsp", dict(MACHINE, TRACE=os.path.join(s.work, "nbsp.trace"), TRACE_EVENTS="pci_nvme_mmio_write pci_cfg_read"), esp=esp)
        tap = b.extract()
        c.rc("nbsp: exit code 2 (bail out) through isa-debug-exit", b.rc, 2, s.work)
        c.grep("nbsp: Bail out names the character's position and code point",
               r"^Bail out! load options: load option character %d is U\+00A0" % position, tap)
        c.eq("nbsp: no test point ran", len(tap.points), 0)
        try:
            with open(b.trace, errors="replace") as f:
                tr = f.read().splitlines()
        except OSError:
            tr = []
        if any("pci_cfg_read nvme" in ln for ln in tr):
            c.no_grep("nbsp: QEMU saw no MMIO write to any NVMe controller", r"pci_nvme_mmio_write", tr)
        else:
            c.not_ok("nbsp: QEMU's trace recorded the NVMe controllers' config reads", "trace not working?")
    else:
        c.not_ok("nbsp: shell ESP built", "see %s/nbsp.build.log" % s.work)
