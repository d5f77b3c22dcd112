#!/usr/bin/env bash
# tests/qemu/scenario-vtd-caching-mode.sh: intel-iommu,caching-mode=on, allow_write on: every vtd.* point passes (the peer-to-peer copy SKIPs as with the defaults), the image says it honours caching mode, and QEMU's trace shows an invalidation before every page is first used.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-caching-mode "${1:-}"
fresh_nvme_state
vtd_boot vtd-caching-mode CACHING_MODE=on || scenario_end
tap=$WORK/vtd-caching-mode.tap
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
[[ -n $NVME_BDFS ]] || scenario_end

map=$(qmp_requester_ids "$WORK/vtd-caching-mode.qmp.json" | tr ' ' = | paste -sd' ' -)
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_grep "CAP has caching mode (CM=1, bit 7)" '^# vtd 0x[0-9a-f]+ now CAP 0x[0-9a-f]*[89a-f][0-9a-f] .* CM=1 ' "$tap"
expect_vtd_translated "$tap" "$VTD_SUM" "$map" 3 39 1
expect_grep "vtd.translation.enable says the image honours caching mode" '^ok [0-9]+ - vtd\.translation\.enable: .*, caching mode$' "$tap"
expect_vtd_skip "$tap" vtd.p2p.cmb_copy "beyond the unit's 39-bit reach.*aw-bits=48"

if [[ -n $VTD_SUM ]]; then
	# With CM=1 a not-present entry may be cached: the image must invalidate
	# after every map, so no page is used before an invalidation named it.
	expect_vtd_oracle "caching mode: QEMU saw every page invalidated before its first use" cm-invalidations "$VTD_SUM"
	# The context cache too: a global context invalidation after the root
	# table is set and before QEMU loads the first context entry.
	line=$(awk '$1 == "ev" && $5 == "inv" && $6 == "kind=cc_global" && !cc { cc = NR }
		$1 == "ev" && $5 == "context" && !ctx { ctx = NR }
		END { print cc + 0, ctx + 0 }' "$VTD_SUM")
	read -r cc ctx <<<"$line"
	if ((cc > 0 && ctx > cc)); then
		ok "QEMU ran a global context-cache invalidation before loading the first context entry"
	else
		not_ok "QEMU ran a global context-cache invalidation before loading the first context entry" \
			"first cc_global at event line $cc, first context load at $ctx"
	fi
	psi=$(grep -c ' inv kind=iotlb_pages ' "$VTD_SUM" || true)
	dsi=$(grep -c ' inv kind=iotlb_domain ' "$VTD_SUM" || true)
	note "IOTLB invalidations QEMU ran: $psi page-selective, $dsi domain-selective"
fi
scenario_end
