#!/usr/bin/env bash
# tests/qemu/scenario-vtd-aw48.sh: intel-iommu,aw-bits=48, allow_write on: 4-level tables, every vtd.* point passes including the peer-to-peer copy, which QEMU's trace shows going from controller B through its IOVAs into controller A's BAR2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-aw48 "${1:-}"
fresh_nvme_state
vtd_boot vtd-aw48 AW_BITS=48 || scenario_end
tap=$WORK/vtd-aw48.tap
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
[[ -n $NVME_BDFS ]] || scenario_end

map=$(qmp_requester_ids "$WORK/vtd-aw48.qmp.json" | tr ' ' = | paste -sd' ' -)
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
# aw-bits=48: MGAW 48, SAGAW offers 3 and 4 levels; the image takes 4.
expect_grep "CAP says SAGAW 3- and 4-level (0x6), MGAW 47 (0x2f)" '^# vtd 0x[0-9a-f]+ now CAP .* SAGAW=6 MGAW=0x2f ' "$tap"
expect_vtd_translated "$tap" "$VTD_SUM" "$map" 4 48 2
expect_vtd_point "$tap" vtd.p2p.cmb_copy \
	"16 KiB from [0-9a-f:.]+/vtd's CMB written by [0-9a-f:.]+/vtd through IOVAs of its domain that map the BAR, read back identical"

# QEMU's side of the copy: B's translations of the IOVAs the image names (YAML iova)
# land in A's BAR2, where QEMU itself put it (pci_update_mappings_add).
if [[ -n $VTD_SUM ]]; then
	read -r a b <<<"$(point_lines "$tap" vtd.p2p.cmb_copy |
		sed -nE "s/.* from ([0-9a-f:.]+)\\/vtd's CMB written by ([0-9a-f:.]+)\\/vtd .*/\\1 \\2/p")" || true
	bar2=$(trace_bar "$VTD_SUM" "${a:-none}" 2)
	if [[ -n ${a:-} && -n ${b:-} && $a != "$b" && $(grep -c . <<<"$bar2") -eq 1 && -n $bar2 ]] &&
		(($(printf '%d' "${bar2% *}") >= 1 << 39)); then
		ok "QEMU placed $a's BAR2 once, at ${bar2% *} ($((${bar2#* } >> 20)) MiB), above 2^39 (out of aw-bits=39's reach)"
	else
		not_ok "the copy names two controllers; QEMU placed the source's BAR2 once, above 2^39" \
			"A '${a:-}' B '${b:-}', BAR2 placements: ${bar2:-none}"
	fi
	# The IOVA is in the point's YAML (iova); oracle_tap puts it where the oracle reads it.
	expect_vtd_oracle "vtd.p2p.cmb_copy: QEMU's record" p2p "$VTD_SUM" "$(oracle_tap "$tap")"
fi
scenario_end
