#!/usr/bin/env bash
# tests/qemu/scenario-nvme-mdts.sh: controllers with MDTS 1 (8 KiB per command), CMB and PMR, allow_write on: every case sizes its transfers from MDTS, none exceeds it in QEMU's trace, and every case still passes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-mdts "${1:-}"
fresh_nvme_state
cfg=$(make_cfg nvme-mdts '# scenario nvme-mdts: write to the runner'"'"'s controllers' 'allow_write = nvmetal-*')
esp=$(make_esp nvme-mdts "$cfg") || { not_ok "ESP built" "see $WORK/nvme-mdts.build.log"; scenario_end; }

trace=$WORK/nvme-mdts.trace
boot_qmp nvme-mdts NVME_OPTS=mdts=1 TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/nvme-mdts.tap
expect_clean_pass nvme-mdts "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-mdts.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end

# ---- what the image read and how it sized its transfers ----------------------------
for bdf in $bdfs; do
	expect_yaml "$bdf: Identify Controller's MDTS as the image decoded it" "$tap" nvme.identify.controller "$bdf" mdts 1
	expect_yaml "$bdf: the largest transfer is 2^1 pages of 4 KiB" "$tap" nvme.identify.controller "$bdf" max_transfer_bytes 8192
	expect_yaml "$bdf nsid 1: io.verify sized its largest shape from MDTS" "$tap" nvme.io.verify "$bdf nsid 1" max_transfer_bytes 8192
	shapes=$(point_yaml "$tap" nvme.io.verify "$bdf nsid 1" shapes)
	if [[ $shapes == *'PRP1 only (8 blocks)'* && $shapes == *'PRP1 + PRP2 (8 blocks)'* &&
		$shapes == *'PRP list (16 blocks)'* && $shapes == *'largest transfer (MDTS) (16 blocks)'* ]]; then
		ok "$bdf nsid 1: io.verify formed all four PRP shapes within 8 KiB ($shapes)"
	else
		not_ok "$bdf nsid 1: io.verify formed all four PRP shapes within 8 KiB" "shapes: ${shapes:-absent}"
	fi
	expect_eq "$bdf nsid 1: io.verify found no shape impossible" "$(point_yaml "$tap" nvme.io.verify "$bdf nsid 1" not_possible)" ""
done
expect_points_pass "$tap" "$bdfs" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}" \
	nvme.io.write_zeroes nvme.io.deallocate

# ---- QEMU's trace: no command above MDTS, DMA only where the image owns memory ----
sum=$WORK/nvme-mdts.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_no_grep "QEMU never refused a transfer above MDTS (no pci_nvme_err_mdts)" ' pci_nvme_err_mdts' "$sum"
	big=$(awk '$1 == "ev" && $5 == "rw" { sub(/nlb=/, "", $8); if ($8 + 0 > 16) { print; exit } }' "$sum")
	n_rw=$(awk '$1 == "ev" && $5 == "rw"' "$sum" | wc -l)
	if [[ -z $big && $n_rw -gt 0 ]]; then
		ok "all $n_rw Reads and Writes QEMU executed move at most 16 blocks (8 KiB)"
	else
		not_ok "every Read and Write QEMU executed moves at most 16 blocks (8 KiB)" "${big:-no rw events}"
	fi
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# ---- the namespace images ---------------------------------------------------------------
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	img=$WORK/state/nvme$i.img
	areas=("$AREA_IO_VERIFY" "$AREA_CMB" "$AREA_COPY" "$AREA_PMR_DMA" "$AREA_FORMAT")
	expect_oracle "nvme$i.img ($bdf): nothing written outside the documented areas" written "$img" "${areas[@]}"
	last=$(point_yaml "$tap" nvme.io.verify "$bdf nsid 1" lbas)
	last=${last#*-}
	if [[ $last =~ ^[0-9]+$ ]]; then
		expect_oracle "nvme$i.img: io.verify's blocks 0..$((last - 1)) are pattern blocks of their own LBA" blocks "$img" 0 "$last"
	else
		not_ok "nvme.io.verify on $bdf nsid 1 names its LBAs" "lbas: '${last:-absent}'"
	fi
done
scenario_end
