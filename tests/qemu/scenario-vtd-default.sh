#!/usr/bin/env bash
# tests/qemu/scenario-vtd-default.sh: intel-iommu with its defaults (aw-bits 39), allow_write on: every vtd.* point passes but the peer-to-peer copy (SKIP: the BARs lie beyond 39 bits), and QEMU's trace shows the translation, the faults and the invalidations the image claims.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-default "${1:-}"
fresh_nvme_state
vtd_boot vtd-default || scenario_end
tap=$WORK/vtd-default.tap
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
[[ -n $NVME_BDFS ]] || scenario_end

# On pcie.0 each controller is its own source ID.
map=$(qmp_requester_ids "$WORK/vtd-default.qmp.json" | tr ' ' = | paste -sd' ' -)
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_vtd_translated "$tap" "$VTD_SUM" "$map" 3 39 1
expect_no_grep "translation enabled without caching mode" '^ok [0-9]+ - vtd\.translation\.enable: .*caching mode' "$tap"
expect_vtd_skip "$tap" vtd.p2p.cmb_copy "beyond the unit's 39-bit reach.*aw-bits=48"

# The queued invalidation: QEMU processed it, and its wait descriptor.
if [[ -n $VTD_SUM ]]; then
	n=$(awk '$1 == "ev" && $3 == "vtd.isolation.stale_queued" && $5 == "inv_wait" && $6 == "kind=sw"' "$VTD_SUM" | grep -c . || true)
	q=$(awk '$1 == "ev" && $3 == "vtd.isolation.stale_queued" && $5 == "qi_enable" && $6 == "enabled=1"' "$VTD_SUM" | grep -c . || true)
	if ((n >= 2 && q >= 1)); then
		ok "during vtd.isolation.stale_queued QEMU turned queued invalidation on and processed $n wait descriptors (status write)"
	else
		not_ok "during vtd.isolation.stale_queued QEMU turned queued invalidation on and processed a wait descriptor per controller" \
			"$q vtd_inv_qi_enable 1, $n vtd_inv_desc_wait_sw"
	fi
	# Outside that test the image invalidates through the registers only.
	bad=$(awk '$1 == "ev" && $5 == "inv_desc" && $3 != "vtd.isolation.stale_queued"' "$VTD_SUM" | head -n 2 | cut -d' ' -f2- | paste -sd'|' -)
	if [[ -z $bad ]]; then
		ok "queued descriptors only during vtd.isolation.stale_queued"
	else
		not_ok "queued descriptors only during vtd.isolation.stale_queued" "$bad"
	fi
fi
scenario_end
