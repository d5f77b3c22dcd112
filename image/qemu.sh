#!/usr/bin/env bash
# image/qemu.sh: boot nvmetal (or any UEFI app) under QEMU q35 + OVMF with NVMe/IOMMU knobs, and exit with the image's verdict.
set -euo pipefail

# knob_list: every knob the runner reads from the environment, one "NAME  meaning
# (default)" line each.  --knobs prints it and --help includes it; `make help` shows
# it and `make run` refuses a command-line variable that is not in it, so keep it in
# step with the defaults block under "knobs" below.
knob_list() {
	cat <<'KNOBS'
IOMMU             intel-iommu or none (intel-iommu)
IOMMU_PT          on: ECAP.PT, pass-through contexts; off: identity domains (on)
DMA_TRANSLATION   off: CAP.SAGAW=0, a unit that remaps interrupts only (on)
INTREMAP          on or off: the unit's interrupt remapping (on)
EIM               on: ECAP.EIM=1 (eim=on; QEMU 7.2 refuses it under TCG, QEMU 10 takes it); advertised: eim=on,x-buggy-eim=on, the 7.2 way to ECAP.EIM=1 (off)
CACHING_MODE      on or off: VT-d caching mode (off)
AW_BITS           39 or 48: the unit's address width (39)
NVME_DRIVE_COUNT  number of NVMe controllers, 0..16 (2)
NS_SIZE           size of each namespace image, at least 1M (64M)
CMB_SIZE_MB       CMB size in MiB, 0 = no CMB (64)
PMR_SIZE          PMR size, a power of two of at least 4K; empty or 0 = no PMR (8M)
PMR_SHARE         on: the PMR file survives a QEMU restart; off (on)
LEGACY_CMB        on: the pre-1.4 CMB (no CMBMSC); off (off)
NVME_OPTS         extra prop=value,... of every -device nvme, e.g. mdts=1 (none)
NVME_NS           namespaces instead of one drive each: C:NSID[:SIZE[:PROPS]] ... (none)
NVME_SUBSYS       on: every controller in one nvme-subsys; needs NVME_NS (off)
NS_DRIVE_OPTS     extra -drive options of every namespace image, e.g. discard=unmap (none)
BRIDGES           bridges created before the NVMe devices: ID:TYPE[@PARENT] ... (none)
NVME_BUS          bus of controller 0, 1, ... (pcie.0)
MEM               guest RAM in MiB, 128..65536 (512)
NVDIMM            on: one virtual NVDIMM (nvdimm=on, -device nvdimm) backed by $STATE_DIR/nvdimm0.img (off)
NVDIMM_COUNT      how many NVDIMMs, 1..4, each backed by $STATE_DIR/nvdimmN.img (1)
NVDIMM_SIZE       the size of each, a multiple of 2 MiB (64M)
NVDIMM_SHARE      on: guest writes reach the file (share=on); off: private to the boot (on)
NVDIMM_UNARMED    on: the NFIT flags it "not armed" (off)
NVDIMM_PERSISTENCE cpu or mem-ctrl: the NFIT's platform capabilities (nvdimm-persistence); empty: none
NVDIMM_LABEL_SIZE label area at the end of the file, e.g. 128K; empty: none
SMP               guest CPUs, 1..64 (1)
CPU               QEMU -cpu model (empty: QEMU's default)
VGA               std: OVMF's GOP framebuffer for the screen console; none (std)
BOOTINDEX         yes; no = OVMF also binds the NVMe controllers (yes)
DEBUG_EXIT        on: isa-debug-exit at 0xf4, how the image reports its verdict (on)
NO_REBOOT         on: a guest reset ends QEMU instead of rebooting (on)
ACTION            passed as -action, e.g. reboot=shutdown,shutdown=pause (none)
START_PAUSED      yes: -S, continue with QMP "cont" (no)
STATE_DIR         namespace images, PMR files, OVMF vars, boot ESP; kept (build/state)
ESP_SIZE_MB       size in MiB of the boot ESP built for --efi, 8..4096 (32)
SERIAL_LOG        COM1 log, always written ($STATE_DIR/serial.log)
SERIAL_ECHO       yes: COM1 is also shown on stdout (yes)
TIMEOUT           seconds until QEMU is killed and the runner exits 124; 0 = none (300)
TRACE             QEMU trace file (none)
TRACE_EVENTS      trace event patterns for TRACE (pci_nvme_* vtd_*; empty: none)
LOG_ITEMS         QEMU -d items, logged to TRACE or $STATE_DIR/qemu.log (none)
QMP               QMP server on this unix socket, no wait (none)
PIDFILE           QEMU writes its pid there (none)
TIME_FILE         receives QEMU's wall time in seconds (none)
EXTRA_ARGS        extra QEMU arguments, split on blanks (none)
QEMU              the QEMU binary (qemu-system-x86_64)
SECURE_BOOT       snakeoil: Secure Boot on (OVMF_*_4M.snakeoil.fd, Debian's test key enrolled; SMM); off (off)
OVMF_CODE         OVMF code flash (/usr/share/OVMF/OVMF_CODE_4M.fd; snakeoil: OVMF_CODE_4M.snakeoil.fd)
OVMF_VARS         OVMF vars template, copied to STATE_DIR (/usr/share/OVMF/OVMF_VARS_4M.fd; snakeoil: OVMF_VARS_4M.snakeoil.fd)
KNOBS
}

usage() {
	cat <<'USAGE'
usage: image/qemu.sh [what to boot] [-n|--dry-run] [-h|--help] [--knobs] [-- QEMU_ARGS...]

What to boot (one of; the same names work as environment variables):
  --efi EFI      build an ESP in $STATE_DIR/boot-esp.img with EFI as
                 \EFI\BOOT\BOOTX64.EFI (and --cfg CFG as \nvmetal.cfg) and
                 boot it (default: EFI=build/nvmetal.efi)
  --cfg CFG      config file for --efi (default: none, the image's defaults)
  --esp IMG      boot a ready-made FAT image as a SATA disk on q35's AHCI
  --usb IMG      boot a GPT image as usb-storage on qemu-xhci instead
Arguments after -- are appended to the QEMU command line as they are.
--knobs prints only the list of knobs below.

Knobs (environment; `make run KNOB=value` passes them through), default in
parentheses:
USAGE
	knob_list | sed 's/^/  /'
	cat <<'USAGE'

In detail:
  NVME_OPTS="prop=value,..."  the runner's own properties (id, drive, bus,
                            serial, subsys, cmb_size_mb, pmrdev, legacy-cmb)
                            cannot be given here
  NVME_NS="SPEC ..."        SPEC = C:NSID[:SIZE[:PROPS]], C the controller
                            (0..NVME_DRIVE_COUNT-1) or s (shared: a namespace
                            of the subsystem, on every controller; needs
                            NVME_SUBSYS=on), NSID 1..256, SIZE as NS_SIZE
                            (empty: NS_SIZE; 0: a zero-byte image), PROPS
                            extra nvme-ns properties, e.g. ms=8,mset=1 or
                            ms=8,pi=1 or zoned=true,zoned.zone_size=4M
                            (not id, bus, nsid, drive, shared); image
                            $STATE_DIR/nvme<C>n<NSID>.img, e.g.
                            "0:1:64M 0:3:64M:ms=8,mset=1 1:1"
  NVME_SUBSYS=on            -device nvme-subsys,id=subsys0,nqn=nvmetal,
                            every controller in it with the one serial QEMU
                            requires, nvmetal-subsys0; needs NVME_NS, NSIDs
                            unique across the subsystem; its s namespaces
                            get shared=on (NMIC bit 0, on every controller),
                            numbered ones shared=off, private to C
  BRIDGES="ID:TYPE[@PARENT] ..."  TYPE pcie-root-port|pcie-pci-bridge|pci-bridge,
                            e.g. "rp1:pcie-root-port rp2:pcie-root-port ppb:pcie-pci-bridge@rp2"
  PMR_SIZE=8M               K, M or G suffix; the PMR BAR QEMU makes needs a
                            power of two
  SECURE_BOOT=snakeoil      adds smm=on to -machine and -global
                            driver=cfi.pflash01,property=secure,value=on (the
                            SMM build needs SMM; only SMM may then write the
                            variables, db and PK among them); the vars
                            template's PK, KEK and db hold
                            /usr/share/ovmf/PkKek-1-snakeoil.pem, so only an
                            image signed with its key boots, e.g. the stick
                            of make usb SIGN_KEY=... SIGN_CERT=...
  TIMEOUT=300               a host-side backstop for a hang the image's own
                            watchdog (timeout_s, 120 s by default) cannot end,
                            e.g. in the firmware; a config with a larger
                            timeout_s needs a larger TIMEOUT (or 0)

Exit status: the image's verdict code (0 pass, 1 fail, 2 bail out,
77 all skipped; decoded from QEMU's (code<<1)|1), 124 TIMEOUT expired,
125 QEMU ended without an exit code from the image (reset or shutdown
without isa-debug-exit, QMP quit, killed by a signal), 126 QEMU or the
runner could not run (bad knob, missing file, QEMU error at start).
USAGE
}

me=${0##*/}
note() { printf '%s: %s\n' "$me" "$*" >&2; }
fail_setup() {
	note "error: $*"
	exit 126
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/.." && pwd)

# ---- arguments -----------------------------------------------------------
EFI=${EFI:-} CFG=${CFG:-} ESP=${ESP:-} USB=${USB:-}
dry_run=no
declare -a tail_args=()
while (($#)); do
	case $1 in
	--efi) EFI=${2:?--efi needs a file}; shift 2 ;;
	--cfg) CFG=${2:?--cfg needs a file}; shift 2 ;;
	--esp) ESP=${2:?--esp needs an image}; shift 2 ;;
	--usb) USB=${2:?--usb needs an image}; shift 2 ;;
	-n | --dry-run) dry_run=yes; shift ;;
	-h | --help) usage; exit 0 ;;
	--knobs) knob_list; exit 0 ;;
	--) shift; tail_args=("$@"); break ;;
	*) usage >&2; fail_setup "unknown argument '$1'" ;;
	esac
done

# ---- knobs ---------------------------------------------------------------
IOMMU=${IOMMU:-intel-iommu}
IOMMU_PT=${IOMMU_PT:-on}
DMA_TRANSLATION=${DMA_TRANSLATION:-on}
INTREMAP=${INTREMAP:-on}
EIM=${EIM:-off}
CACHING_MODE=${CACHING_MODE:-off}
AW_BITS=${AW_BITS:-39}
NVME_DRIVE_COUNT=${NVME_DRIVE_COUNT:-2}
NS_SIZE=${NS_SIZE:-64M}
CMB_SIZE_MB=${CMB_SIZE_MB:-64}
PMR_SIZE=${PMR_SIZE-8M}
PMR_SHARE=${PMR_SHARE:-on}
LEGACY_CMB=${LEGACY_CMB:-off}
NVME_OPTS=${NVME_OPTS:-}
NVME_NS=${NVME_NS:-}
NVME_SUBSYS=${NVME_SUBSYS:-off}
NS_DRIVE_OPTS=${NS_DRIVE_OPTS:-}
BRIDGES=${BRIDGES:-}
NVME_BUS=${NVME_BUS:-}
MEM=${MEM:-512}
NVDIMM=${NVDIMM:-off}
NVDIMM_COUNT=${NVDIMM_COUNT:-1}
NVDIMM_SIZE=${NVDIMM_SIZE:-64M}
NVDIMM_SHARE=${NVDIMM_SHARE:-on}
NVDIMM_UNARMED=${NVDIMM_UNARMED:-off}
NVDIMM_PERSISTENCE=${NVDIMM_PERSISTENCE:-}
NVDIMM_LABEL_SIZE=${NVDIMM_LABEL_SIZE:-}
SMP=${SMP:-1}
CPU=${CPU:-}
VGA=${VGA:-std}
BOOTINDEX=${BOOTINDEX:-yes}
DEBUG_EXIT=${DEBUG_EXIT:-on}
NO_REBOOT=${NO_REBOOT:-on}
ACTION=${ACTION:-}
START_PAUSED=${START_PAUSED:-no}
STATE_DIR=${STATE_DIR:-$repo/build/state}
SERIAL_LOG=${SERIAL_LOG:-$STATE_DIR/serial.log}
SERIAL_ECHO=${SERIAL_ECHO:-yes}
# On by default: a boot that never reaches the image's watchdog (stuck firmware,
# a hang before it is armed) must not hold a terminal or a CI job for ever.
TIMEOUT=${TIMEOUT:-300}
TRACE=${TRACE:-}
TRACE_EVENTS=${TRACE_EVENTS-pci_nvme_* vtd_*}
LOG_ITEMS=${LOG_ITEMS:-}
QMP=${QMP:-}
PIDFILE=${PIDFILE:-}
TIME_FILE=${TIME_FILE:-}
EXTRA_ARGS=${EXTRA_ARGS:-}
QEMU=${QEMU:-qemu-system-x86_64}
# SECURE_BOOT=snakeoil: Debian's ovmf test pair, PK/KEK/db = /usr/share/ovmf/PkKek-1-snakeoil.pem
# and Secure Boot on; the code is the SMM build (a link to OVMF_CODE_4M.secboot.fd).
SECURE_BOOT=${SECURE_BOOT:-off}
ovmf_flavour=
[[ $SECURE_BOOT == snakeoil ]] && ovmf_flavour=.snakeoil
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M$ovmf_flavour.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M$ovmf_flavour.fd}
# Every knob knob_list names got its value above (ESP_SIZE_MB is image/mkesp.sh's):
# a knob renamed here but not there would be accepted by make run and then ignored.
while read -r name _; do
	[[ $name == ESP_SIZE_MB || -v $name ]] || fail_setup "internal: knob $name is listed but never read"
done < <(knob_list)

# one_of NAME VALUE CHOICE...: the knob's value must be one of the choices.
one_of() {
	local name=$1 value=$2 c
	shift 2
	for c in "$@"; do [[ $value == "$c" ]] && return 0; done
	fail_setup "$name='$value' is not one of: $*"
}
# whole NAME VALUE MIN MAX: the knob is a decimal integer in [MIN, MAX].
whole() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
		fail_setup "$1='$2' must be a whole number in $3..$4"
	fi
}
# to_bytes SIZE: 8M / 512K / 1G / 4096 -> bytes on stdout.
to_bytes() {
	local s=$1 n unit
	[[ $s =~ ^([0-9]+)([kKmMgG]?)$ ]] || return 1
	n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
	case $unit in
	k | K) n=$((n << 10)) ;;
	m | M) n=$((n << 20)) ;;
	g | G) n=$((n << 30)) ;;
	esac
	echo "$n"
}

one_of IOMMU "$IOMMU" intel-iommu none
one_of IOMMU_PT "$IOMMU_PT" on off
one_of DMA_TRANSLATION "$DMA_TRANSLATION" on off
one_of INTREMAP "$INTREMAP" on off
one_of EIM "$EIM" off on advertised
one_of CACHING_MODE "$CACHING_MODE" on off
one_of AW_BITS "$AW_BITS" 39 48
whole NVME_DRIVE_COUNT "$NVME_DRIVE_COUNT" 0 16
whole CMB_SIZE_MB "$CMB_SIZE_MB" 0 4096
one_of PMR_SHARE "$PMR_SHARE" on off
one_of LEGACY_CMB "$LEGACY_CMB" on off
whole MEM "$MEM" 128 65536
one_of NVDIMM "$NVDIMM" on off
one_of NVDIMM_SHARE "$NVDIMM_SHARE" on off
one_of NVDIMM_UNARMED "$NVDIMM_UNARMED" on off
[[ -z $NVDIMM_PERSISTENCE ]] || one_of NVDIMM_PERSISTENCE "$NVDIMM_PERSISTENCE" cpu mem-ctrl
whole SMP "$SMP" 1 64
one_of VGA "$VGA" std none
one_of BOOTINDEX "$BOOTINDEX" yes no
one_of DEBUG_EXIT "$DEBUG_EXIT" on off
one_of NO_REBOOT "$NO_REBOOT" on off
one_of START_PAUSED "$START_PAUSED" yes no
one_of SERIAL_ECHO "$SERIAL_ECHO" yes no
one_of SECURE_BOOT "$SECURE_BOOT" off snakeoil
whole TIMEOUT "$TIMEOUT" 0 86400
ns_bytes=$(to_bytes "$NS_SIZE") || ns_bytes=0
((ns_bytes >= 1048576)) || fail_setup "NS_SIZE='$NS_SIZE' must be a size of at least 1M (e.g. 64M)"
pmr_bytes=0
if [[ -n $PMR_SIZE && $PMR_SIZE != 0 ]]; then
	pmr_bytes=$(to_bytes "$PMR_SIZE") || fail_setup "PMR_SIZE='$PMR_SIZE' is not a size (e.g. 8M)"
	((pmr_bytes >= 4096 && (pmr_bytes & (pmr_bytes - 1)) == 0)) ||
		fail_setup "PMR_SIZE='$PMR_SIZE' must be a power of two of at least 4K (QEMU's PMR BAR)"
fi

one_of NVME_SUBSYS "$NVME_SUBSYS" on off
# props_ok NAME VALUE FORBIDDEN...: VALUE is prop=value[,prop=value...] and
# sets none of the FORBIDDEN properties (the runner sets those itself).
props_ok() {
	local name=$1 value=$2 p key k
	shift 2
	local re='^[A-Za-z][A-Za-z0-9_.-]*=[^,=[:space:]]+$'
	local -a parts=()
	IFS=, read -r -a parts <<<"$value"
	[[ $value != *, && $value != ,* && ${#parts[@]} -gt 0 ]] ||
		fail_setup "$name='$value' is not prop=value[,prop=value...]"
	for p in "${parts[@]}"; do
		[[ $p =~ $re ]] || fail_setup "$name='$value': '$p' is not prop=value"
		key=${p%%=*}
		for k in "$@"; do
			[[ $key == "$k" ]] && fail_setup "$name='$value': the runner sets '$k' itself"
		done
	done
	return 0
}
[[ -z $NVME_OPTS ]] || props_ok NVME_OPTS "$NVME_OPTS" id drive bus serial subsys cmb_size_mb pmrdev legacy-cmb
[[ -z $NS_DRIVE_OPTS ]] || props_ok NS_DRIVE_OPTS "$NS_DRIVE_OPTS" if id file format
# NVME_NS: ns_ctl/ns_id/ns_bytes_of/ns_props, one entry per SPEC, in order.
[[ -n ${NVME_NS//[[:space:]]/} ]] || NVME_NS=
declare -a ns_ctl=() ns_id=() ns_bytes_of=() ns_props=()
declare -A ns_seen=()
for spec in $NVME_NS; do
	[[ $spec =~ ^(s|[0-9]{1,3}):([0-9]{1,4})(:([0-9]{0,12}[kKmMgG]?)(:(.*))?)?$ ]] ||
		fail_setup "NVME_NS entry '$spec' is not C:NSID[:SIZE[:PROPS]] (C a controller number or s)"
	c=${BASH_REMATCH[1]} nsid=${BASH_REMATCH[2]} size=${BASH_REMATCH[4]} props=${BASH_REMATCH[6]}
	if [[ $c == s ]]; then
		[[ $NVME_SUBSYS == on ]] || fail_setup "NVME_NS entry '$spec': a shared namespace (s) needs NVME_SUBSYS=on"
		((NVME_DRIVE_COUNT > 0)) || fail_setup "NVME_NS entry '$spec': a shared namespace needs a controller (NVME_DRIVE_COUNT=0)"
	else
		((10#$c < NVME_DRIVE_COUNT)) ||
			fail_setup "NVME_NS entry '$spec': controller $c does not exist (NVME_DRIVE_COUNT=$NVME_DRIVE_COUNT)"
		c=$((10#$c))
	fi
	if ! [[ $nsid =~ ^0*[1-9][0-9]{0,2}$ ]] || ((10#$nsid > 256)); then
		fail_setup "NVME_NS entry '$spec': NSID '$nsid' must be 1..256"
	fi
	nsid=$((10#$nsid))
	if [[ -z $size ]]; then
		bytes=$ns_bytes
	elif [[ $size =~ ^0+[kKmMgG]?$ ]]; then
		bytes=0
	else
		bytes=$(to_bytes "$size") || bytes=0
		((bytes >= 1048576)) ||
			fail_setup "NVME_NS entry '$spec': SIZE '$size' must be 0 or a size of at least 1M (e.g. 64M)"
	fi
	[[ -z $props ]] || props_ok "NVME_NS entry '$spec' PROPS" "$props" id bus nsid drive shared
	# In a subsystem NSIDs are the subsystem's: QEMU refuses one given twice.
	key=$c:$nsid why=
	if [[ $NVME_SUBSYS == on ]]; then
		key=$nsid why=" (NSIDs are unique across a subsystem)"
	fi
	[[ -z ${ns_seen[$key]:-} ]] ||
		fail_setup "NVME_NS entry '$spec': NSID $nsid already given by '${ns_seen[$key]}'$why"
	ns_seen[$key]=$spec
	ns_ctl+=("$c") ns_id+=("$nsid") ns_bytes_of+=("$bytes") ns_props+=("$props")
done
if [[ $NVME_SUBSYS == on && -z $NVME_NS ]]; then
	fail_setup "NVME_SUBSYS=on needs NVME_NS (QEMU refuses a controller's own drive= in a subsystem)"
fi

# What to boot: exactly one of USB, ESP, EFI (EFI defaults to build/nvmetal.efi).
nboot=0
for v in "$EFI" "$ESP" "$USB"; do [[ -n $v ]] && nboot=$((nboot + 1)); done
((nboot <= 1)) || fail_setup "give only one of EFI/--efi, ESP/--esp, USB/--usb"
if ((nboot == 0)); then EFI=$repo/build/nvmetal.efi; fi
[[ -z $CFG || -n $EFI ]] || fail_setup "CFG/--cfg only applies to EFI/--efi (put it in the image instead)"
for f in "$OVMF_CODE" "$OVMF_VARS" ${ESP:+"$ESP"} ${USB:+"$USB"} ${EFI:+"$EFI"} ${CFG:+"$CFG"}; do
	[[ -f $f ]] || fail_setup "file not found: $f"
done
command -v "$QEMU" >/dev/null || fail_setup "$QEMU not found (Debian package: qemu-system-x86)"
((TIMEOUT == 0)) || command -v timeout >/dev/null || fail_setup "timeout(1) not found (coreutils)"

read -r -a nvme_bus <<<"${NVME_BUS//,/ }"
read -r -a extra <<<"$EXTRA_ARGS"

# ---- state: vars, namespaces, PMR files, boot disk -------------------------
mkdir -p -- "$STATE_DIR" || fail_setup "cannot create STATE_DIR=$STATE_DIR"
STATE_DIR=$(cd -- "$STATE_DIR" && pwd)
vars=$STATE_DIR/$(basename -- "$OVMF_VARS")
if [[ ! -f $vars ]]; then
	cp -- "$OVMF_VARS" "$vars" || fail_setup "cannot copy $OVMF_VARS to $vars"
fi
if [[ -n $EFI && $dry_run == no ]]; then
	ESP=$STATE_DIR/boot-esp.img
	"$here/mkesp.sh" "$ESP" "$EFI" ${CFG:+"$CFG"} || fail_setup "could not build $ESP"
elif [[ -n $EFI ]]; then
	ESP=$STATE_DIR/boot-esp.img
fi

# ensure_file PATH BYTES WHAT: create a sparse file of BYTES, or fix its size.
ensure_file() {
	local f=$1 bytes=$2 what=$3 have
	if [[ -f $f ]]; then
		have=$(stat -c %s -- "$f")
		((have == bytes)) && return 0
		note "$what $f is $have bytes, resizing to $bytes"
	fi
	truncate -s "$bytes" -- "$f" || fail_setup "cannot create $f"
}

# ---- command line ----------------------------------------------------------
# opt PATH: a path as a QEMU option value (a comma is written twice).
opt() { printf '%s' "${1//,/,,}"; }
machine=q35
# The Secure Boot build of OVMF needs SMM (with smm=off it hangs without a word on COM1;
# q35 under TCG has it by default, smm=on makes QEMU refuse to start without it), and keeps
# its variables in flash only SMM may write (secure=on): otherwise any EFI program could
# rewrite db and PK, as libvirt's secure-boot firmware descriptors also require.
[[ $SECURE_BOOT != off ]] && machine+=",smm=on"
memory=$MEM
if [[ $NVDIMM == on ]]; then
	# An NVDIMM is a memory device: it needs a hotplug slot and room above RAM (maxmem).
	nvdimm_bytes=$(to_bytes "$NVDIMM_SIZE") || fail_setup "NVDIMM_SIZE='$NVDIMM_SIZE' is not a size"
	((nvdimm_bytes > 0 && nvdimm_bytes % (2 << 20) == 0)) || fail_setup "NVDIMM_SIZE must be a multiple of 2 MiB"
	[[ $NVDIMM_COUNT =~ ^[1-4]$ ]] || fail_setup "NVDIMM_COUNT='$NVDIMM_COUNT' is not 1..4"
	machine+=",nvdimm=on${NVDIMM_PERSISTENCE:+,nvdimm-persistence=$NVDIMM_PERSISTENCE}"
	memory="$MEM,slots=$((NVDIMM_COUNT + 1)),maxmem=$((MEM + NVDIMM_COUNT * nvdimm_bytes / 1048576 + 1024))M"
fi
declare -a cmd=("$QEMU" -machine "$machine" -accel tcg -m "$memory" -smp "$SMP")
[[ -n $CPU ]] && cmd+=(-cpu "$CPU")
cmd+=(-nodefaults -display none -monitor none)
[[ $SECURE_BOOT != off ]] && cmd+=(-global "driver=cfi.pflash01,property=secure,value=on")
cmd+=(-drive "if=pflash,format=raw,unit=0,file=$(opt "$OVMF_CODE"),readonly=on")
cmd+=(-drive "if=pflash,format=raw,unit=1,file=$(opt "$vars")")
# The IOMMU goes first so that it exists before any PCI device is realized.
if [[ $IOMMU == intel-iommu ]]; then
	# TCG has no in-kernel irqchip, so intremap=on needs no kernel-irqchip=split.
	dev="intel-iommu,intremap=$INTREMAP,caching-mode=$CACHING_MODE,aw-bits=$AW_BITS,pt=$IOMMU_PT"
	# Only when asked: the default command line stays as it always was.
	[[ $DMA_TRANSLATION == off ]] && dev+=",dma-translation=off"
	[[ $EIM == on ]] && dev+=",eim=on"
	[[ $EIM == advertised ]] && dev+=",eim=on,x-buggy-eim=on"
	cmd+=(-device "$dev")
fi
[[ $VGA == std ]] && cmd+=(-device VGA)

if [[ $SERIAL_ECHO == yes ]]; then
	cmd+=(-chardev "stdio,id=com1,signal=on,logfile=$(opt "$SERIAL_LOG")")
else
	cmd+=(-chardev "file,id=com1,path=$(opt "$SERIAL_LOG")")
fi
cmd+=(-serial chardev:com1)
[[ $DEBUG_EXIT == on ]] && cmd+=(-device "isa-debug-exit,iobase=0xf4,iosize=0x04")
[[ $NO_REBOOT == on ]] && cmd+=(-no-reboot)
[[ -n $ACTION ]] && cmd+=(-action "$ACTION")
[[ $START_PAUSED == yes ]] && cmd+=(-S)

bootidx=
[[ $BOOTINDEX == yes ]] && bootidx=,bootindex=0
if [[ -n $USB ]]; then
	cmd+=(-device "qemu-xhci,id=xhci")
	cmd+=(-drive "if=none,id=usbstick,format=raw,file=$(opt "$USB")")
	cmd+=(-device "usb-storage,bus=xhci.0,drive=usbstick,removable=on$bootidx")
else
	cmd+=(-drive "if=none,id=esp,format=raw,file=$(opt "$ESP")")
	cmd+=(-device "ide-hd,drive=esp,bus=ide.0$bootidx")
fi

# Bridges: ID:TYPE[@PARENT]; root ports get unique chassis/slot numbers.
chassis=0
for spec in $BRIDGES; do
	[[ $spec =~ ^([A-Za-z][A-Za-z0-9_.-]*):(pcie-root-port|pcie-pci-bridge|pci-bridge)(@([A-Za-z][A-Za-z0-9_.-]*))?$ ]] ||
		fail_setup "BRIDGES entry '$spec' is not ID:TYPE[@PARENT] with TYPE pcie-root-port|pcie-pci-bridge|pci-bridge"
	id=${BASH_REMATCH[1]} type=${BASH_REMATCH[2]} parent=${BASH_REMATCH[4]}
	chassis=$((chassis + 1))
	dev="$type,id=$id${parent:+,bus=$parent}"
	case $type in
	pcie-root-port) dev+=",chassis=$chassis,slot=$chassis" ;;
	pci-bridge) dev+=",chassis_nr=$chassis" ;;
	esac
	cmd+=(-device "$dev")
done

if [[ $NVDIMM == on ]]; then
	for ((i = 0; i < NVDIMM_COUNT; i++)); do
		nvdimm_file=$STATE_DIR/nvdimm$i.img
		[[ $dry_run == yes ]] || ensure_file "$nvdimm_file" "$nvdimm_bytes" "NVDIMM backing file"
		cmd+=(-object "memory-backend-file,id=nvmem$i,share=$NVDIMM_SHARE,mem-path=$(opt "$nvdimm_file"),size=$nvdimm_bytes")
		dev="nvdimm,id=nvdimm$i,memdev=nvmem$i"
		[[ $NVDIMM_UNARMED == on ]] && dev+=",unarmed=on"
		[[ -n $NVDIMM_LABEL_SIZE ]] && dev+=",label-size=$NVDIMM_LABEL_SIZE"
		cmd+=(-device "$dev")
	done
fi

[[ $NVME_SUBSYS == on ]] && cmd+=(-device "nvme-subsys,id=subsys0,nqn=nvmetal")
for ((i = 0; i < NVME_DRIVE_COUNT; i++)); do
	if [[ -z $NVME_NS ]]; then
		ns=$STATE_DIR/nvme$i.img
		[[ $dry_run == yes ]] || ensure_file "$ns" "$ns_bytes" "namespace image"
		cmd+=(-drive "if=none,id=nvm$i,format=raw,file=$(opt "$ns")${NS_DRIVE_OPTS:+,$NS_DRIVE_OPTS}")
		dev="nvme,id=nvme$i,serial=nvmetal-$i,drive=nvm$i"
	elif [[ $NVME_SUBSYS == on ]]; then
		# QEMU 7.2: every controller of a subsystem must have its serial.
		dev="nvme,id=nvme$i,serial=nvmetal-subsys0,subsys=subsys0"
	else
		dev="nvme,id=nvme$i,serial=nvmetal-$i"
	fi
	bus=${nvme_bus[i]:-}
	[[ -n $bus && $bus != pcie.0 ]] && dev+=",bus=$bus"
	((CMB_SIZE_MB > 0)) && dev+=",cmb_size_mb=$CMB_SIZE_MB"
	if ((pmr_bytes > 0)); then
		pmr=$STATE_DIR/pmr$i.bin
		[[ $dry_run == yes ]] || ensure_file "$pmr" "$pmr_bytes" "PMR backing file"
		cmd+=(-object "memory-backend-file,id=pmr$i,share=$PMR_SHARE,mem-path=$(opt "$pmr"),size=$pmr_bytes")
		dev+=",pmrdev=pmr$i"
	fi
	dev+=",legacy-cmb=$LEGACY_CMB"
	[[ -n $NVME_OPTS ]] && dev+=",$NVME_OPTS"
	cmd+=(-device "$dev")
done
# Namespaces go after every controller, whose bus each names.  QEMU 7.2
# attaches a shared one (plugged into nvme0) to every controller of the
# subsystem, those realized after it included.
for ((k = 0; k < ${#ns_ctl[@]}; k++)); do
	c=${ns_ctl[k]} nsid=${ns_id[k]}
	ns=$STATE_DIR/nvme${c}n$nsid.img
	[[ $dry_run == yes ]] || ensure_file "$ns" "${ns_bytes_of[k]}" "namespace image"
	cmd+=(-drive "if=none,id=nvm${c}n$nsid,format=raw,file=$(opt "$ns")${NS_DRIVE_OPTS:+,$NS_DRIVE_OPTS}")
	if [[ $c == s ]]; then
		dev="nvme-ns,id=nvmesn$nsid,bus=nvme0,nsid=$nsid,drive=nvmsn$nsid,shared=on"
	else
		dev="nvme-ns,id=nvme${c}n$nsid,bus=nvme$c,nsid=$nsid,drive=nvm${c}n$nsid"
		[[ $NVME_SUBSYS == on ]] && dev+=",shared=off"
	fi
	[[ -n ${ns_props[k]} ]] && dev+=",${ns_props[k]}"
	cmd+=(-device "$dev")
done
if ((${#nvme_bus[@]} > NVME_DRIVE_COUNT)); then
	note "warning: NVME_BUS names ${#nvme_bus[@]} buses for $NVME_DRIVE_COUNT controllers; the rest are ignored"
fi

qemu_log=
if [[ -n $TRACE ]]; then
	qemu_log=$TRACE
	for ev in $TRACE_EVENTS; do cmd+=(-trace "enable=$ev"); done
	# Wall-clock timestamps on every trace line (pid@seconds.micro:event).
	cmd+=(-msg timestamp=on)
fi
if [[ -n $LOG_ITEMS ]]; then
	qemu_log=${qemu_log:-$STATE_DIR/qemu.log}
	cmd+=(-d "$LOG_ITEMS")
fi
if [[ -n $qemu_log ]]; then
	cmd+=(-D "$qemu_log")
fi
[[ -n $QMP ]] && cmd+=(-qmp "unix:$(opt "$QMP"),server=on,wait=off")
[[ -n $PIDFILE ]] && cmd+=(-pidfile "$PIDFILE")
cmd+=("${extra[@]}" "${tail_args[@]}")

# shell_words ARG...: the arguments as one line a shell would read back.
shell_words() {
	local a out=
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./,:=@%+-]+$ ]]; then
			out+="$a "
		else
			out+="'${a//\'/\'\\\'\'}' "
		fi
	done
	printf '%s\n' "${out% }"
}
note "$(shell_words "${cmd[@]}")"
[[ $dry_run == yes ]] && exit 0

# ---- run -------------------------------------------------------------------
mkdir -p -- "$(dirname -- "$SERIAL_LOG")"
rm -f -- "$SERIAL_LOG" ${qemu_log:+"$qemu_log"} ${QMP:+"$QMP"} ${PIDFILE:+"$PIDFILE"}

declare -a launch=()
if ((TIMEOUT > 0)); then
	launch=(timeout --kill-after=5)
	# timeout(1) moves QEMU into its own process group; with a terminal on
	# stdin that would stop QEMU (SIGTTIN) when the stdio chardev reads it.
	[[ -t 0 ]] && launch+=(--foreground)
	launch+=("$TIMEOUT")
fi

child=
# shellcheck disable=SC2317 # invoked through the traps below
on_signal() {
	local sig=$1
	if [[ -n $child ]]; then
		note "caught SIG$sig, stopping QEMU (pid $child)"
		kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	trap - "$sig"
	kill -"$sig" $$
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# QEMU inherits our stdin (the stdio chardev reads it); if it is closed, as
# it can be under CI, give it /dev/null instead.
{ : <&0; } 2>/dev/null || exec </dev/null

t0=$(date +%s.%N)
# QEMU runs in the background (stdin kept) so that the traps above can act
# while we wait for it.
"${launch[@]}" "${cmd[@]}" <&0 &
child=$!
status=0
wait "$child" || status=$?
child=
t1=$(date +%s.%N)
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
[[ -n $TIME_FILE ]] && echo "$elapsed" >"$TIME_FILE"

timed_out=no
# timeout(1) exits 124, or 137 when QEMU needed the SIGKILL of --kill-after; a 137
# before TIMEOUT is someone else's SIGKILL (the OOM killer), not ours.
if ((TIMEOUT > 0)) && { ((status == 124)) ||
	{ ((status == 137)) && awk -v e="$elapsed" -v t="$TIMEOUT" 'BEGIN { exit !(e >= t) }'; }; }; then
	timed_out=yes
fi
serial_bytes=0
[[ -f $SERIAL_LOG ]] && serial_bytes=$(stat -c %s -- "$SERIAL_LOG")

# Beside the raw log (OVMF's escape codes, CRLF): the clean TAP and a JUnit XML that CI tools
# read unmodified (image/tap_tools.py). NAME.log or NAME.serial gives NAME.tap, NAME.junit.xml.
# A run that printed no TAP leaves neither; that never changes the exit status.
tap_base=${SERIAL_LOG%.log}
tap_base=${tap_base%.serial}
[[ $tap_base == "$SERIAL_LOG" ]] && tap_base=$SERIAL_LOG
rm -f -- "$tap_base.tap" "$tap_base.junit.xml"
if ((serial_bytes > 0)) && python3 "$here/tap_tools.py" clean "$SERIAL_LOG" "$tap_base.tap" 2>/dev/null &&
	python3 "$here/tap_tools.py" junit "$tap_base.tap" "$tap_base.junit.xml" \
		--name "$(basename -- "$tap_base")" 2>/dev/null; then
	note "clean TAP: $tap_base.tap; JUnit: $tap_base.junit.xml"
fi

if [[ $timed_out == yes ]]; then
	note "TIMEOUT: QEMU killed after ${TIMEOUT}s (status $status); serial log: $SERIAL_LOG"
	exit 124
fi
# isa-debug-exit: status = (code << 1) | 1, i.e. 1, 3, 5 and 155 for the codes the
# image writes (0, 1, 2, 77).  Status 1 is also QEMU's own error exit: it counts as
# verdict 0 only once the guest has printed.  These come before the signal check:
# 155 is also what wait reports for a QEMU killed by SIGPROF (128 + 27), which
# nothing sends it, and "everything skipped" must not read as a signal.
verdict=
if [[ $DEBUG_EXIT == on ]]; then
	case $status in
	3 | 5 | 155) verdict=$((status >> 1)) ;;
	1) ((serial_bytes == 0)) || verdict=0 ;;
	esac
fi
if [[ -z $verdict ]] && ((status == 0)); then
	note "QEMU ended without an exit code from the image (guest reset/shutdown or QMP quit) after ${elapsed}s"
	exit 125
elif [[ -z $verdict ]] && ((status > 128 && status < 160)); then
	note "QEMU was killed by signal $((status - 128)) after ${elapsed}s"
	exit 125
elif [[ -z $verdict ]] && ((status & 1 && status > 1)) && [[ $DEBUG_EXIT == on ]]; then
	verdict=$((status >> 1)) # a code the image does not write: passed on as it is
fi
if [[ -n $verdict ]]; then
	case $verdict in
	0) what="pass" ;;
	1) what="a test failed" ;;
	2) what="bail out" ;;
	77) what="everything skipped" ;;
	*) what="unknown verdict code" ;;
	esac
	note "image verdict $verdict ($what) after ${elapsed}s; serial log: $SERIAL_LOG"
	exit "$verdict"
fi
note "QEMU failed (status $status) after ${elapsed}s before the image reported anything"
exit 126
