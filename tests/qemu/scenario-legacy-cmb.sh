#!/usr/bin/env bash
# tests/qemu/scenario-legacy-cmb.sh: controllers with the pre-1.4 CMB (legacy-cmb=on: window always on at BAR2, no CMBMSC): the image must say so, pass every CMB test, and QEMU's trace must show its queues and data in BAR2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin legacy-cmb "${1:-}"
fresh_nvme_state
cfg=$(make_cfg legacy-cmb '# scenario legacy-cmb' 'allow_write = nvmetal-*')
esp=$(make_esp legacy-cmb "$cfg") || { not_ok "ESP built" "see $WORK/legacy-cmb.build.log"; scenario_end; }

trace=$WORK/legacy-cmb.trace
boot_qmp legacy-cmb LEGACY_CMB=on TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/legacy-cmb.tap
expect_clean_pass legacy-cmb "$tap"

[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/legacy-cmb.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end

expect_points_pass "$tap" "$bdfs" "${NVME_CMB_IDS[@]}"
expect_points_skip "$tap" "$bdfs" 'CMBSZ\.CQS=0' nvme.cmb.cq
for bdf in $bdfs; do
	line=$(point_lines "$tap" nvme.cmb.discover "$bdf")
	if [[ $line == *'legacy (pre-1.4)'* ]]; then
		ok "$bdf: nvme.cmb.discover reports the legacy (pre-1.4) scheme"
	else
		not_ok "$bdf: nvme.cmb.discover reports the legacy (pre-1.4) scheme" "${line:-not reported}"
	fi
done
copy=$(point_lines "$tap" nvme.cmb.copy_between_controllers | grep -v '# SKIP' | head -n1 || true)
if [[ $copy == ok\ * ]]; then ok "nvme.cmb.copy_between_controllers passed"; else
	not_ok "nvme.cmb.copy_between_controllers passed" "$(point_lines "$tap" nvme.cmb.copy_between_controllers | head -n1)"
fi

sum=$WORK/legacy-cmb.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	for bdf in $bdfs; do
		expect_cmb_trace "$sum" "$bdf" "$tap"
	done
	# A pre-1.4 controller has no CMBMSC: 0x50..0x57 are reserved there.
	expect_no_grep "the image never wrote CMBMSC (0x50/0x54), which a legacy controller does not have" \
		' mmio_write reg=0x(50|54) ' "$sum"
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
scenario_end
