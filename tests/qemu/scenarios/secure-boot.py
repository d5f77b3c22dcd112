"""Secure Boot on (SECURE_BOOT=snakeoil: OVMF's SMM build, Debian's test key in PK/KEK/db): the stick image/mkusb.sh signs with that key (make usb SIGN_KEY=... SIGN_CERT=...) boots and passes; the unsigned stick is refused by the firmware and never runs, while the same firmware without enrolled keys runs it."""

import base64
import os
import re
import struct
import subprocess
import sys
import uuid

from harness.scenario import MKUSB, REPO, Stop

sys.path.insert(0, os.path.join(REPO, "image"))
from tap_tools import CONTROLS, ESCAPES  # noqa: E402  (image/tap_tools.py: what is not text on COM1)

# Debian's ovmf package (README.Debian): the snakeoil pair, its passphrase, the firmware.
KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key"
CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
KEY_PASS = "snakeoil"
CODE = "/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd"
VARS = "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"
EMPTY_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"  # no keys: Secure Boot off on the same SMM code

# One small controller: the boots only need to reach the image's verdict.
MACHINE = {"SECURE_BOOT": "snakeoil", "NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0", "PMR_SIZE": "0"}
CONFIG = ["# scenario secure-boot: a short run under Secure Boot", "tests = pci.enumerate, platform.boot.exit_boot_services"]

# OVMF's boot manager on COM1 (MdeModulePkg BdsDxe): the outside oracle of what the firmware did.
BDS_LOAD_DENIED = r'^BdsDxe: failed to load (Boot[0-9A-F]{4}) "[^"]*USB[^"]*" from .*: Access Denied$'
BDS_START_USB = r'^BdsDxe: starting (Boot[0-9A-F]{4}) "[^"]*USB[^"]*" from '
BDS_NOTHING_LEFT = r"^BdsDxe: No bootable option or device was found\."
# The unsigned UEFI Shell in OVMF's own flash is refused as well (only under Secure Boot).
BDS_SHELL_REFUSED = r'^BdsDxe: failed to start Boot[0-9A-F]{4} "EFI Internal Shell" from .*: Security Violation$'

GLOBAL_GUID = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")        # PK, KEK
IMAGE_DB_GUID = uuid.UUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f")      # db
SB_ENABLE_GUID = uuid.UUID("f0a30bc7-af08-4556-99c4-001009c93a44")     # SecureBootEnable
CERT_X509_GUID = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")


def pem_der(path):
    """The DER bytes of the first certificate in PEM file PATH."""
    text = open(path).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return base64.b64decode("".join(m.group(1).split())) if m else b""


def variables(path):
    """{(guid, name): data} of the live variables in an OVMF vars flash image (edk2's
    authenticated variable store: FV header, VARIABLE_STORE_HEADER, 60-byte variable headers)."""
    d = open(path, "rb").read()
    if d[40:44] != b"_FVH":
        return {}
    off = struct.unpack_from("<H", d, 48)[0] + 28
    out = {}
    while off + 60 <= len(d):
        start, state = struct.unpack_from("<HB", d, off)
        if start != 0x55AA:
            break
        name_size, data_size = struct.unpack_from("<II", d, off + 36)
        guid = uuid.UUID(bytes_le=d[off + 44:off + 60])
        name = d[off + 60:off + 60 + name_size].decode("utf-16-le", "replace").rstrip("\0")
        data = d[off + 60 + name_size:off + 60 + name_size + data_size]
        if state in (0x3F, 0x3E):  # VAR_ADDED, or added and in deleted transition
            out[(guid, name)] = data
        off = (off + 60 + name_size + data_size + 3) & ~3
    return out


def x509_entries(data):
    """The X.509 certificates in an EFI_SIGNATURE_LIST sequence."""
    out, off = [], 0
    while off + 28 <= len(data):
        stype = uuid.UUID(bytes_le=data[off:off + 16])
        list_size, header_size, sig_size = struct.unpack_from("<III", data, off + 16)
        if list_size < 28 or sig_size < 16:
            break
        if stype == CERT_X509_GUID:
            p = off + 28 + header_size
            while p + sig_size <= off + list_size:
                out.append(data[p + 16:p + sig_size])  # after SignatureOwner
                p += sig_size
        off += list_size
    return out


def firmware_lines(b):
    """Every COM1 line without escape codes and CR: OVMF's own lines among them."""
    return [CONTROLS.sub("", ESCAPES.sub("", ln)) for ln in b.serial_text().split("\n")]


def machine_line(s, b, vars_copy):
    """The QEMU command line image/qemu.sh printed for boot B has what SECURE_BOOT=snakeoil needs."""
    try:
        log = open(os.path.join(s.work, b.name + ".runner.log")).read()
    except OSError:
        log = ""
    m = re.search(r"^qemu\.sh: (\S*qemu-system-\S+ .*)$", log, re.M)
    argv = m.group(1).split(" ") if m else []
    want = ["-machine q35,smm=on", "-global driver=cfi.pflash01,property=secure,value=on",
            "-drive if=pflash,format=raw,unit=0,file=%s,readonly=on" % CODE,
            "-drive if=pflash,format=raw,unit=1,file=%s" % s.state_file(os.path.basename(vars_copy))]
    pairs = [" ".join(argv[i:i + 2]) for i in range(len(argv))]
    lacking = [w for w in want if w not in pairs]
    s.c.check(argv and not lacking, "%s: the runner's QEMU has smm=on, the secure pflash, %s and a copy of %s"
              % (b.name, os.path.basename(CODE), os.path.basename(vars_copy)),
              "lacking: %s" % "; ".join(lacking) if argv else "no command line in %s.runner.log" % b.name)


def stick(s, name, signed):
    """$WORK/NAME.img by image/mkusb.sh, signed as make usb SIGN_KEY=... SIGN_CERT=... signs it."""
    img = os.path.join(s.work, name + ".img")
    env = dict(os.environ)
    for k in ("SIGN_KEY", "SIGN_CERT", "SIGN_KEY_PASS"):
        env.pop(k, None)
    if signed:
        env.update(SIGN_KEY=KEY, SIGN_CERT=CERT, SIGN_KEY_PASS=KEY_PASS)
    log = os.path.join(s.work, name + ".build.log")
    with open(log, "w") as f:
        r = subprocess.run(["bash", MKUSB, img, s.efi, s.cfg("stick", *CONFIG)], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=f)
    if not s.c.check(r.returncode == 0, "%s stick built by image/mkusb.sh%s" % (name, " with SIGN_KEY/SIGN_CERT" if signed else ""),
                     "exit %d; see %s" % (r.returncode, s.c.rel(log))):
        raise Stop()
    # Host oracle: the file on the stick, read back with mtools, checked with sbverify.
    start = 2048
    info = subprocess.run(["sgdisk", "--info=1", "--", img], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    m = re.search(r"^First sector: ([0-9]+)", info, re.M)
    if m:
        start = int(m.group(1))
    efi = os.path.join(s.work, name + "-bootx64.efi")
    subprocess.run(["mcopy", "-n", "-i", "%s@@%d" % (img, start * 512), "::/EFI/BOOT/BOOTX64.EFI", efi],
                   env=dict(os.environ, MTOOLS_SKIP_CHECK="1"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    v = subprocess.run(["sbverify", "--cert", CERT, efi], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said = " ".join(ln for ln in v.stdout.splitlines() if "gaps between" not in ln)
    if signed:
        s.c.check(v.returncode == 0, "sbverify --cert PkKek-1-snakeoil.pem accepts the signed stick's \\EFI\\BOOT\\BOOTX64.EFI",
                  "sbverify exit %d: %s" % (v.returncode, said))
        same = os.path.isfile(efi) and open(efi, "rb").read() == open(s.efi, "rb").read()
        s.c.check(not same, "the signed stick's BOOTX64.EFI is not the unsigned build (%s)" % os.path.basename(s.efi), "identical")
    else:
        s.c.check(os.path.isfile(efi) and v.returncode != 0, "sbverify rejects the unsigned stick's \\EFI\\BOOT\\BOOTX64.EFI",
                  "sbverify exit %d: %s" % (v.returncode, said))
    return img


def boot(s, name, knobs):
    """Boot NAME; a boot whose firmware ran out of options (it then waits for a key for ever)
    is stopped there.  (Boot, whether the boot manager said it found nothing to boot.)"""
    b = s.start(name, knobs)

    def nothing_left():
        return any(re.search(BDS_NOTHING_LEFT, ln) for ln in firmware_lines(b))
    stuck = b.wait_for(45, nothing_left)
    if stuck:
        b.stop_qemu()
    b.wait()
    s.c.note("boot %s: runner exit %s after %ss" % (name, b.rc, b.seconds))
    machine_line(s, b, knobs.get("OVMF_VARS", VARS))
    return b, stuck


def fresh_vars(s, template):
    """The runner copies the vars template into STATE_DIR once; remove that copy so each boot
    starts from the package's template."""
    p = s.state_file(os.path.basename(template))
    if os.path.exists(p):
        os.unlink(p)
    return p


def boot_flag(tap, key):
    """A key of platform.boot.exit_boot_services, where the image reports the firmware's
    SecureBoot and SetupMode variables ("0", "1" or "absent"); "" when the point is missing."""
    points = tap.at("platform.boot.exit_boot_services")
    return points[0].y(key) if points else ""


def run(s):
    c = s.c
    s.boot_timeout = 60
    missing = [f for f in (KEY, CERT, CODE, VARS, EMPTY_VARS) if not os.path.isfile(f)]
    tools = [t for t in ("sbsign", "sbverify") if subprocess.run(["sh", "-c", "command -v " + t], stdout=subprocess.DEVNULL).returncode]
    if missing or tools:
        c.not_ok("Debian's ovmf snakeoil files and sbsigntool are installed (image/packages.txt)",
                 "missing: %s" % ", ".join(missing + tools))
        raise Stop()

    signed = stick(s, "signed", True)
    unsigned = stick(s, "unsigned", False)

    # Host oracle: the vars template the runner copies holds the snakeoil certificate as PK, in
    # KEK and in db, and SecureBootEnable = 1: with a PK enrolled (user mode) OVMF sets SecureBoot = 1.
    der = pem_der(CERT)
    vs = variables(VARS)
    for guid, name in ((GLOBAL_GUID, "PK"), (GLOBAL_GUID, "KEK"), (IMAGE_DB_GUID, "db")):
        c.check(der and der in x509_entries(vs.get((guid, name), b"")),
                "%s holds PkKek-1-snakeoil.pem as an X.509 entry of %s" % (os.path.basename(VARS), name),
                "not found among %d variables" % len(vs))
    c.eq("%s: SecureBootEnable = 1" % os.path.basename(VARS), vs.get((SB_ENABLE_GUID, "SecureBootEnable"), b"").hex() or "absent", "01")

    # (1) The signed stick boots under Secure Boot and runs to its verdict.
    fresh_vars(s, VARS)
    b, _ = boot(s, "signed", dict(MACHINE, USB=signed))
    c.rc("signed stick: exit code 0 (pass) through isa-debug-exit", b.rc, 0, s.work)
    tap = b.extract()
    sm = tap.summary()
    if sm:
        c.eq("signed stick: verdict line reports 0 failed (%d passed, %s skipped)" % (sm[0], sm[2] or 0), sm[1], 0)
    else:
        c.not_ok("signed stick: verdict line '# nvmetal: P passed, F failed, S skipped' present", "not found")
    c.check(any(p.passed or p.ok for p in tap.at("pci.enumerate")), "signed stick: pci.enumerate passed",
            "no line matching /^ok [0-9]+ - pci\\.enumerate([: ]|$)/")
    # The image's own reading of the firmware's SecureBoot and SetupMode variables.
    c.eq("signed stick: the image read SecureBoot = 1 (YAML secure_boot)", boot_flag(tap, "secure_boot"), "1")
    c.eq("signed stick: the image read SetupMode = 0 (YAML setup_mode)", boot_flag(tap, "setup_mode"), "0")
    fw = firmware_lines(b)
    c.grep("signed stick: OVMF's boot manager started the USB stick's boot option", BDS_START_USB, fw, c.rel(b.serial))
    c.no_grep("signed stick: OVMF refused no USB boot option", BDS_LOAD_DENIED, fw, c.rel(b.serial))

    # (2) The unsigned stick is refused: the firmware says so, the boot manager runs out of
    # options and waits for a key (QEMU never ends by itself: stopped here), the image never ran.
    fresh_vars(s, VARS)
    b, ended = boot(s, "unsigned", dict(MACHINE, USB=unsigned))
    fw = firmware_lines(b)
    denied = [ln for ln in fw if re.search(BDS_LOAD_DENIED, ln)]
    c.check(denied, "unsigned stick: OVMF refused to load it: %s" % (denied[0] if denied else ""),
            "no line matching /%s/ in %s" % (BDS_LOAD_DENIED, c.rel(b.serial)))
    c.no_grep("unsigned stick: OVMF never started the USB boot option", BDS_START_USB, fw, c.rel(b.serial))
    c.grep("unsigned stick: OVMF refused its own unsigned UEFI Shell too (Security Violation)", BDS_SHELL_REFUSED, fw, c.rel(b.serial))
    c.check(ended, "unsigned stick: the boot manager ran out of boot options ('No bootable option or device was found')",
            "not seen within 45 s in %s" % c.rel(b.serial))
    tap = b.extract()
    c.eq("unsigned stick: no TAP from the image (clean TAP lines)", len(tap.lines), 0)
    c.no_grep("unsigned stick: no 'TAP version' line on COM1 at all", r"TAP version", fw, c.rel(b.serial))
    c.check(b.rc not in (0, 1, 2, 77), "unsigned stick: no verdict from the image through isa-debug-exit (runner exit %s)" % b.rc,
            "runner exit %s is an image verdict" % b.rc)

    # (3) Secure Boot, not the SMM build or the stick, refused it: the same unsigned stick on the
    # same code with the keyless vars template (Secure Boot off) runs to a passing verdict.
    fresh_vars(s, EMPTY_VARS)
    b, _ = boot(s, "no-keys", dict(MACHINE, USB=unsigned, OVMF_VARS=EMPTY_VARS))
    c.rc("unsigned stick, same SMM code, no keys enrolled: exit code 0 (pass)", b.rc, 0, s.work)
    fw = firmware_lines(b)
    c.grep("unsigned stick, no keys: OVMF started the USB boot option", BDS_START_USB, fw, c.rel(b.serial))
    c.no_grep("unsigned stick, no keys: no 'Access Denied' from OVMF", BDS_LOAD_DENIED, fw, c.rel(b.serial))
    tap = b.extract()
    sm = tap.summary()
    c.check(sm and sm[1] == 0, "unsigned stick, no keys: verdict line reports 0 failed", "summary %s" % (sm,))
    c.eq("unsigned stick, no keys: the image read SecureBoot = 0 (YAML secure_boot)", boot_flag(tap, "secure_boot"), "0")
