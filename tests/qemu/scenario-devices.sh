#!/usr/bin/env bash
# tests/qemu/scenario-devices.sh: config devices leaves NVMe controllers alone: excluded by serial (known from the firmware's NVMe driver), undecidable when no one knows the serial, not listed by BDF; each left-alone controller gets no config-space write (QEMU's trace), its namespace and PMR files stay byte-identical with allow_write = *, and the others are tested as usual.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin devices "${1:-}"
state=$WORK/state
TRACE_CFG="pci_cfg_write serial_write pci_nvme_* pci_update_mappings_*"

# Random bytes in the first 8 MiB of every namespace and in every PMR: any write shows.
fill_state() {
	local i
	fresh_nvme_state
	for i in 0 1 2; do
		head -c $((8 << 20)) /dev/urandom >"$state/nvme$i.img"
		truncate -s 64M -- "$state/nvme$i.img"
		head -c $((8 << 20)) /dev/urandom >"$state/pmr$i.bin"
	done
}

# cfg_writes SUM BDF: how many config-space writes QEMU took for BDF after the TAP stream began.
cfg_writes() { awk -v d="dev=$2" '$1 == "ev" && $2 != 0 && $5 == "cfg_write" && $6 == d' "$1" | wc -l; }

# expect_left_alone NAME TAP SUM BDF CHOICE SERIAL_SOURCE FILE...: the image reports BDF left
# alone with CHOICE, no test point but that one names it, QEMU took no config-space write to it
# after the image started, and its files are unchanged (before: $BEFORE).
expect_left_alone() {
	local name=$1 tap=$2 sum=$3 bdf=$4 choice=$5 source=$6
	shift 6
	expect_yaml "$name: $bdf is left alone by choice" "$tap" nvme.devices.left_alone "$bdf" choice "$choice"
	expect_yaml "$name: $bdf's serial came from" "$tap" nvme.devices.left_alone "$bdf" serial_source "$source"
	expect_yaml "$name: $bdf's config space reads as found at the end" "$tap" nvme.devices.left_alone "$bdf" \
		config_space unchanged
	grep -v ' - nvme\.devices\.left_alone: ' "$tap" >"$WORK/$name.others.tap" || true
	expect_no_grep "$name: no other test point names $bdf" \
		"^(not )?ok [0-9]+ - nvme\.[a-z_.]+: ${bdf//./\\.}([ /:]|$)" "$WORK/$name.others.tap"
	expect_grep "$name: the inventory says $bdf was left alone, BARs not sized" \
		"^# pci   left alone: config devices: " "$tap"
	expect_eq "$name: QEMU took no config-space write to $bdf after the image started" "$(cfg_writes "$sum" "$bdf")" 0
	expect_unchanged "$BEFORE" "$@"
}

# devices_boot NAME BOOTINDEX CFG_LINE...: three controllers on fresh random state (hashed into
# BEFORE), config-space writes traced; sets TAP and SUM (the reduced trace) of boot NAME.
devices_boot() {
	local name=$1 bootindex=$2 cfg esp
	shift 2
	fill_state
	BEFORE=$(sha256_of "$state"/nvme?.img "$state"/pmr?.bin)
	cfg=$(make_cfg "$name" "# scenario devices: $name" 'allow_write = *' "$@")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; scenario_end; }
	boot_qmp "$name" BOOTINDEX="$bootindex" NVME_DRIVE_COUNT=3 TRACE="$WORK/$name.trace" \
		TRACE_EVENTS="$TRACE_CFG" -- --esp "$esp"
	TAP=$WORK/$name.tap
	expect_clean_pass "$name" "$TAP"
	SUM=$WORK/$name.events
	oracle trace "$WORK/$name.trace" >"$SUM" || not_ok "$name: the trace oracle read $name.trace" "see $SUM"
}

# ---- boot 1: excluded by serial, the serial from the firmware's NVMe driver -------------
# BOOTINDEX=no: OVMF binds every controller, so its pass-thru protocol knows their serials.
devices_boot serial no 'devices = !nvmetal-1'
tap=$TAP sum=$SUM
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/serial.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 3 NVMe controllers" "$(wc -w <<<"$bdfs")" 3
[[ $(wc -w <<<"$bdfs") == 3 ]] || scenario_end
read -r bdf0 bdf1 bdf2 <<<"$bdfs"
expect_grep "serial: the firmware's driver named nvmetal-1's serial" \
	"^# devices: 0000:${bdf1//./\\.} excluded: excluded by '!nvmetal-1' \\(serial\\); serial nvmetal-1 \\(from the firmware's NVMe driver\\)$" "$tap"
expect_left_alone serial "$tap" "$sum" "$bdf1" excluded firmware "$state/nvme1.img" "$state/pmr1.bin"
expect_yaml "serial: the left-alone point names the serial" "$tap" nvme.devices.left_alone "$bdf1" serial nvmetal-1
# The two others ran the whole suite, writes included.
expect_points_pass "$tap" "$bdf0 $bdf2" nvme.controller.takeover nvme.identify.controller nvme.io.verify \
	nvme.cmb.admin_sq nvme.pmr.enable nvme.controller.shutdown@any
for bdf in $bdf0 $bdf2; do
	# Two readings of one serial: the firmware's NVMe driver's (pass-thru) and the image's Identify.
	expect_yaml "serial: $bdf's serial as the firmware reported it" "$tap" nvme.identify.controller "$bdf" \
		firmware_serial "nvmetal-${NVME_INDEX[$bdf]}"
	expect_verify_blocks "$tap" "$bdf nsid 1" "$state/nvme${NVME_INDEX[$bdf]}.img"
	writes=$(cfg_writes "$sum" "$bdf")
	if ((writes > 0)); then ok "serial: the image wrote $bdf's config space ($writes writes: it is selected)"; else
		not_ok "serial: the image wrote $bdf's config space (it is selected)" "no cfg_write after TAP began"; fi
done

# ---- boot 2: no one knows the serials, so a serial exclusion leaves every controller alone ----
# BOOTINDEX=yes: OVMF binds no controller. Every NVMe case SKIPs; pci.* passes, so exit 0.
devices_boot unknown yes 'devices = !nvmetal-1' 'tests = pci.*, nvme.identify.*, nvme.io.verify, nvme.devices.*'
tap=$TAP sum=$SUM
for i in 0 1 2; do
	bdf=$(eval echo "\$bdf$i")
	expect_left_alone "unknown" "$tap" "$sum" "$bdf" undecided none "$state/nvme$i.img" "$state/pmr$i.bin"
done
expect_grep "unknown: the NVMe cases SKIP naming devices" \
	'^ok [0-9]+ - nvme\.io\.verify # SKIP config devices selects none of the 3 NVMe controllers found$' "$tap"

# ---- boot 3: by BDF; the controllers not listed are left alone --------------------------
devices_boot bdf yes "devices = 0000:$bdf2" 'tests = pci.*, nvme.identify.*, nvme.io.verify, nvme.devices.*'
tap=$TAP sum=$SUM
expect_left_alone bdf "$tap" "$sum" "$bdf0" not_listed none "$state/nvme0.img" "$state/pmr0.bin"
expect_left_alone bdf "$tap" "$sum" "$bdf1" not_listed none "$state/nvme1.img" "$state/pmr1.bin"
expect_points_pass "$tap" "$bdf2" nvme.identify.controller nvme.io.verify
expect_yaml "bdf: with OVMF not bound, no firmware serial for $bdf2" "$tap" nvme.identify.controller "$bdf2" \
	firmware_serial unknown
expect_verify_blocks "$tap" "$bdf2 nsid 1" "$state/nvme2.img"
scenario_end
