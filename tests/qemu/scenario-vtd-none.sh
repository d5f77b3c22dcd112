#!/usr/bin/env bash
# tests/qemu/scenario-vtd-none.sh: no IOMMU on the machine (IOMMU=none), allow_write on: every vtd.* point SKIPs naming the missing DMAR table, every NVMe point still passes, and QEMU's trace holds no VT-d event at all.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-none "${1:-}"
fresh_nvme_state
vtd_boot vtd-none IOMMU=none || scenario_end
tap=$WORK/vtd-none.tap
trace=$WORK/vtd-none.trace
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
[[ -n $NVME_BDFS ]] || scenario_end

expect_vtd_skips "$tap" 'no DMAR table' 'the machine has no intel-iommu'
expect_no_vtd_pass "$tap"
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
# Untranslated, the copy between the controllers runs (it SKIPs under VT-d).
expect_grep "nvme.cmb.copy_between_controllers passed, untranslated" \
	'^ok [0-9]+ - nvme\.cmb\.copy_between_controllers: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [^#]*$' "$tap"
expect_only_skips "$tap" "nvme\\.cmb\\.cq:.*|nvme\\.bench\\.[a-z0-9_]+:.*|$NVME_PLAIN_SKIPS" 'only nvme.cmb.cq for CMBSZ.CQS=0, nvme.bench.*, and what a plain namespace lacks'

# QEMU's trace: the NVMe events are there (so the trace was on), no VT-d.
if [[ -n $VTD_SUM ]]; then
	n=$(grep -c ':pci_nvme_' "$trace" || true)
	if ((n > 1000)); then
		ok "QEMU traced the run: $n pci_nvme_* events, the test points rebuilt from COM1"
	else
		not_ok "QEMU traced the run (pci_nvme_* events)" "$n events in ${trace#"$REPO"/}"
	fi
	expect_no_grep "QEMU's trace has no vtd_* event at all (TRACE_EVENTS had vtd_*)" '[0-9]:vtd_|^vtd_' "$trace"
	expect_trace_no_errors "$VTD_SUM" nvme.cmb.mixed_prp_rejected
fi
scenario_end
