#!/usr/bin/env bash
# tests/qemu/scenario-bad-config.sh: an unknown key and a bad value in nvmetal.cfg must each end in a Bail out naming the line, exit code 2, no test run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin bad-config "${1:-}"
BOOT_TIMEOUT=60 # a config error must stop the image at once

# bad_config_case NAME LINE KEY CFG_LINE...: boot with that config; the
# offending key KEY sits on line LINE.
bad_config_case() {
	local name=$1 line=$2 key=$3 cfg esp tap bail
	shift 3
	cfg=$(make_cfg "$name" "$@")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return; }
	# Oracle: QEMU's trace of the NVMe controllers.  Config reads of them
	# (OVMF's and the image's enumeration) show the trace works; an MMIO write
	# would mean something touched a controller despite the bad config.
	boot "$name" TRACE="$WORK/$name.trace" TRACE_EVENTS="pci_nvme_mmio_write pci_cfg_read" -- --esp "$esp"
	tap=$WORK/$name.tap
	tap_extract "$WORK/$name.serial" "$tap"

	bail=$(grep -m1 '^Bail out!' "$tap" || true)
	if [[ -z $bail ]]; then
		not_ok "$name: 'Bail out!' printed" "none in ${WORK#"$REPO"/}/$name.serial"
	else
		if [[ $bail =~ line\ $line([^0-9]|$) ]]; then
			ok "$name: Bail out names line $line: ${bail:0:100}"
		else
			not_ok "$name: Bail out names line $line" "$bail"
		fi
		if [[ $bail == *"$key"* ]]; then
			ok "$name: Bail out names the key '$key'"
		else
			not_ok "$name: Bail out names the key '$key'" "$bail"
		fi
	fi
	expect_rc "$name: exit code 2 (bail out) through isa-debug-exit" "$BOOT_RC" 2
	local points
	points=$(tap_points "$tap" | head -n 3)
	if [[ -z $points ]]; then
		ok "$name: no test point ran"
	else
		not_ok "$name: no test point ran" "${points//$'\n'/ | }"
	fi
	if grep -q 'pci_cfg_read nvme' "$WORK/$name.trace" 2>/dev/null; then
		expect_no_grep "$name: QEMU trace shows no MMIO write to any NVMe controller" \
			'pci_nvme_mmio_write' "$WORK/$name.trace"
	else
		not_ok "$name: QEMU trace recorded the NVMe controllers' config reads" \
			"no 'pci_cfg_read nvme' in ${WORK#"$REPO"/}/$name.trace (trace not working?)"
	fi
}

bad_config_case unknown-key 3 frobnicate \
	'# scenario bad-config: an unknown key on line 3' \
	'timeout_s = 60' \
	'frobnicate = 1'
bad_config_case bad-value 2 timeout_s \
	'# scenario bad-config: a value out of range on line 2' \
	'timeout_s = 0'
scenario_end
