#!/usr/bin/env bash
# tests/qemu/scenario-vtd-iommu-off-require.sh: config key iommu: "off" on a machine with intel-iommu leaves the unit alone (every vtd.* point SKIPs saying so; QEMU sees no register write, translation never on), "require" on a machine without one fails vtd.dmar.parse and the run (exit code 1).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-iommu-off-require "${1:-}"

# ---- iommu = off, intel-iommu present ---------------------------------------------
fresh_nvme_state
VTD_CFG=('iommu = off')
if vtd_boot off; then
	tap=$WORK/off.tap
	expect_rc "off: exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	expect_tap_clean "$tap"
	expect_grep "off: the image read iommu = off" '^# config: iommu = off$' "$tap"
	expect_eq "off: QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
	expect_vtd_skips "$tap" '^iommu = off' 'iommu = off in the config'
	expect_no_vtd_pass "$tap"
	[[ -n $NVME_BDFS ]] &&
		expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
	if [[ -n $VTD_SUM ]]; then
		trace=$WORK/off.trace
		expect_grep "off: the unit was there (QEMU traced vtd_* events of its own)" '[0-9]:vtd_(switch_address_space|context_cache_reset)' "$trace"
		expect_no_grep "off: QEMU never turned translation on (no vtd_dmar_enable)" 'vtd_dmar_enable' "$trace"
		reads=$(grep -c 'vtd_reg_read ' "$trace" || true)
		expect_no_grep "off: the image wrote no VT-d register (no vtd_reg_write; $reads register reads)" 'vtd_reg_write' "$trace"
		expect_no_grep "off: no DMA translated or blocked by the unit" ' (translate|dma_fault|fault) ' "$VTD_SUM"
		expect_trace_no_errors "$VTD_SUM" nvme.cmb.mixed_prp_rejected
	fi
fi

# ---- iommu = require, no IOMMU -------------------------------------------------
fresh_nvme_state
VTD_CFG=('iommu = require')
if vtd_boot require IOMMU=none; then
	tap=$WORK/require.tap
	expect_rc "require: exit code 1 (fail) through isa-debug-exit" "$BOOT_RC" 1
	expect_grep "require: the image read iommu = require" '^# config: iommu = require$' "$tap"
	line=$(point_lines "$tap" vtd.dmar.parse)
	if [[ $line == 'not ok '* && $line == *'iommu = require'* && $line == *'no DMAR table'* ]]; then
		ok "require: vtd.dmar.parse failed: ${line#*vtd.dmar.parse: }"
	else
		not_ok "require: vtd.dmar.parse 'not ok', naming iommu = require and the missing DMAR table" "${line:-not reported}"
	fi
	read -r passed failed skipped <<<"$(tap_summary "$tap")" || true
	if [[ ${failed:-0} =~ ^[0-9]+$ ]] && ((failed > 0)); then
		ok "require: verdict line reports the failure ($passed passed, $failed failed, ${skipped:-0} skipped)"
	else
		not_ok "require: verdict line reports failures" "'${passed:-} ${failed:-} ${skipped:-}'"
	fi
	# Nothing but VT-d failed: the NVMe cases ran and passed.
	expect_no_grep "require: every failed test point is a vtd.* one" '^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]' "$tap"
	expect_no_grep "require: no bail out" '^Bail out!' "$tap"
	[[ -n $NVME_BDFS ]] &&
		expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
	if [[ -n $VTD_SUM ]]; then
		expect_no_grep "require: QEMU's trace has no vtd_* event (there is no unit)" '[0-9]:vtd_|^vtd_' "$WORK/require.trace"
		expect_trace_no_errors "$VTD_SUM" nvme.cmb.mixed_prp_rejected
	fi
fi
scenario_end
