#!/usr/bin/env bash
# tests/qemu/scenario-bad-config.sh: an unknown key and a bad value in nvmetal.cfg must each end in a Bail out naming the line, exit code 2, no test run; so must a tests glob that matches no test ID (a typo), and a DMA pool the firmware cannot reserve (the run ends through isa-debug-exit even though boot services were never exited).
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

# bail_case NAME ERE KNOB=VALUE... -- CFG_LINE...: a config the parser accepts but the
# run cannot honour: Bail out matching ERE, exit 2 through isa-debug-exit, nothing ran.
bail_case() {
	local name=$1 ere=$2 cfg esp tap
	shift 2
	local -a knobs=()
	while (($#)) && [[ $1 != -- ]]; do knobs+=("$1"); shift; done
	shift
	cfg=$(make_cfg "$name" "$@")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return; }
	boot "$name" "${knobs[@]}" -- --esp "$esp"
	tap=$WORK/$name.tap
	tap_extract "$WORK/$name.serial" "$tap"
	expect_grep "$name: Bail out says why" "^Bail out! .*$ere" "$tap"
	expect_rc "$name: exit code 2 (bail out) through isa-debug-exit, not a return to the firmware" "$BOOT_RC" 2
	expect_eq "$name: no test point ran" "$(tap_points "$tap" | wc -l)" 0
}
bail_case no-such-test "tests = \.\.\. glob 'nvme\.cbm\.\*' matches no test ID" IOMMU=none -- \
	'# scenario bad-config: a typo in tests' 'tests = pci.*, nvme.cbm.*'
# 1 GiB of RAM cannot hold a 1 GiB pool below 4 GiB: AllocatePages fails before
# ExitBootServices, and the run must still leave through the exit route.
bail_case pool-too-big 'AllocatePages for a 1024 MiB DMA pool below 4 GiB failed' IOMMU=none MEM=1024 -- \
	'# scenario bad-config: a DMA pool the machine cannot give' 'dma_pool_mb = 1024'
scenario_end
