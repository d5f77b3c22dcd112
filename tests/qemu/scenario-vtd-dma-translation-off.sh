#!/usr/bin/env bash
# tests/qemu/scenario-vtd-dma-translation-off.sh: a unit that by design cannot translate (intel-iommu,dma-translation=off: CAP.SAGAW=0, interrupt remapping only): under iommu = auto every translation case SKIPs naming SAGAW=0 and translation is never turned on; under iommu = require the same unit fails them.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-dma-translation-off "${1:-}"
TRANSLATION_IDS=(vtd.translation.enable vtd.nvme.translated vtd.isolation.unmapped_iova vtd.isolation.read_only
	vtd.isolation.stale_register vtd.isolation.stale_queued vtd.isolation.other_domain vtd.scope.others_reach_ram
	vtd.p2p.cmb_copy)

fresh_nvme_state
VTD_CFG=('tests = vtd.*, nvme.identify.*')
if vtd_boot auto CMB_SIZE_MB=0 PMR_SIZE=0 DMA_TRANSLATION=off; then
	tap=$WORK/auto.tap
	expect_rc "auto: exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	expect_tap_clean "$tap"
	expect_grep "auto: the unit reports CAP.SAGAW=0 (decoded by the image)" '^# vtd 0x[0-9a-f]+ now CAP 0x[0-9a-f]+ .* SAGAW=0 ' "$tap"
	for id in vtd.dmar.parse vtd.unit.takeover; do
		line=$(point_lines "$tap" "$id")
		if [[ $line == 'ok '* && $line != *'# SKIP'* ]]; then ok "auto: $id passed"; else not_ok "auto: $id passed" "${line:-not reported}"; fi
	done
	for id in "${TRANSLATION_IDS[@]}"; do
		line=$(point_lines "$tap" "$id")
		if [[ $line == 'ok '*'# SKIP CAP.SAGAW=0: '* ]]; then ok "auto: $id SKIPs naming CAP.SAGAW=0"; else
			not_ok "auto: $id SKIPs naming CAP.SAGAW=0" "${line:-not reported}"; fi
	done
	expect_no_vtd_pass "$tap"
	expect_no_grep "auto: QEMU never turned translation on (no vtd_dmar_enable)" 'vtd_dmar_enable' "$WORK/auto.trace"
	[[ -n $VTD_SUM ]] && expect_no_grep "auto: no DMA translated or blocked by the unit" ' (translate|dma_fault|fault) ' "$VTD_SUM"
fi

fresh_nvme_state
VTD_CFG=('tests = vtd.*, nvme.identify.*' 'iommu = require')
if vtd_boot require CMB_SIZE_MB=0 PMR_SIZE=0 DMA_TRANSLATION=off; then
	tap=$WORK/require.tap
	expect_rc "require: exit code 1 (fail) through isa-debug-exit" "$BOOT_RC" 1
	for id in "${TRANSLATION_IDS[@]}"; do
		line=$(point_lines "$tap" "$id")
		if [[ $line == 'not ok '*'(iommu = require): CAP.SAGAW=0: '* ]]; then ok "require: $id fails naming iommu = require and CAP.SAGAW=0"; else
			not_ok "require: $id fails naming iommu = require and CAP.SAGAW=0" "${line:-not reported}"; fi
	done
	expect_no_grep "require: every failed test point is a vtd.* one" '^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]' "$tap"
fi
scenario_end
