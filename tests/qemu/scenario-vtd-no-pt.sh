#!/usr/bin/env bash
# tests/qemu/scenario-vtd-no-pt.sh: intel-iommu,pt=off (no ECAP.PT): every other device gets a 1:1 domain over RAM, and QEMU's trace shows DMA under it translated identity.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-no-pt "${1:-}"
fresh_nvme_state
vtd_boot vtd-no-pt IOMMU_PT=off || scenario_end
tap=$WORK/vtd-no-pt.tap
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
[[ -n $NVME_BDFS ]] || { not_ok "QEMU realized NVMe controllers" "none in query-pci"; scenario_end; }
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_grep "ECAP reads PT=0 (QEMU pt=off)" '^# vtd 0x[0-9a-f]+ now ECAP 0x[0-9a-f]+ .* PT=0 ' "$tap"
expect_vtd_point "$tap" vtd.translation.enable \
	'[0-9]+ devices? identity-mapped \([0-9]+ MiB of RAM, no ECAP\.PT\)'
expect_vtd_point "$tap" vtd.scope.others_reach_ram \
	'\(the identity domain\), a read landed in a RAM page by its physical address with no fault; own domain restored'
expect_others_reach_ram_page "$tap"
expect_vtd_point "$tap" vtd.nvme.translated 'no fault recorded'

if [[ -n $VTD_SUM ]]; then
	# Identity translations (IOVA == GPA) belong to the lent context only: every
	# NVMe domain hands out IOVAs that differ from the physical address.
	summary=$(awk '$1 == "ev" && $5 == "translate" {
			iova = ""; gpa = ""
			for (i = 6; i <= NF; i++) {
				if ($i ~ /^iova=/) iova = substr($i, 6)
				if ($i ~ /^gpa=/) gpa = substr($i, 5)
			}
			if (iova == gpa) { if ($3 == "vtd.scope.others_reach_ram") inside++; else outside++ }
		}
		END { print inside + 0, outside + 0 }' "$VTD_SUM")
	read -r inside outside <<<"$summary"
	if ((inside > 0)); then
		ok "QEMU translated $inside page(s) 1:1 through the identity domain during vtd.scope.others_reach_ram"
	else
		not_ok "QEMU translated pages 1:1 through the identity domain during vtd.scope.others_reach_ram" \
			"no translate event with iova == gpa in that point"
	fi
	expect_eq "no identity translation outside vtd.scope.others_reach_ram" "$outside" 0
	expect_vtd_oracle "no fault or blocked DMA while the positive VT-d cases ran" \
		quiet "$VTD_SUM" vtd.translation.enable vtd.nvme.translated
fi
scenario_end
