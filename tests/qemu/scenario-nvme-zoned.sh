#!/usr/bin/env bash
# tests/qemu/scenario-nvme-zoned.sh: a zoned namespace (4 MiB zones) beside a conventional one, allow_write on, intel-iommu: the controller runs with every I/O command set (CC.CSS=6), the zoned namespace is identified as such, its zones are reported, one zone is reset, written at its write pointer, appended to and read back, a misplaced write is refused, and no conventional write case ever writes it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

ZONE_BLOCKS=8192 # 4 MiB zones of 512-byte blocks

scenario_begin nvme-zoned "${1:-}"
rm -f -- "$WORK"/state/nvme*.img
cfg=$(make_cfg nvme-zoned '# scenario nvme-zoned' 'allow_write = nvmetal-*')
esp=$(make_esp nvme-zoned "$cfg") || { not_ok "ESP built" "see $WORK/nvme-zoned.build.log"; scenario_end; }
trace=$WORK/nvme-zoned.trace
boot_qmp nvme-zoned NVME_DRIVE_COUNT=1 CMB_SIZE_MB=0 PMR_SIZE=0 \
	NVME_NS='0:1:64M:zoned=true,zoned.zone_size=4M 0:2:64M' TRACE="$trace" \
	TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/nvme-zoned.tap
expect_clean_pass nvme-zoned "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-zoned.qmp.json"
bdf=${NVME_BDFS%% *}
[[ -n $bdf ]] || { not_ok "QEMU realized the NVMe controller" "none in query-pci"; scenario_end; }

expect_yaml "$bdf: enabled with every I/O command set (CC.CSS=6)" "$tap" nvme.identify.controller "$bdf" cc_css 6
expect_yaml "$bdf nsid 1: identified as zoned (CSI 02h)" "$tap" nvme.identify.namespaces "$bdf nsid 1" csi 0x02
expect_yaml "$bdf nsid 1: zone size from the zoned Identify Namespace" "$tap" nvme.identify.namespaces "$bdf nsid 1" zone_size_blocks "$ZONE_BLOCKS"
expect_yaml "$bdf nsid 2: identified as conventional (NVM)" "$tap" nvme.identify.namespaces "$bdf nsid 2" csi 0x00
expect_points_pass_at "$tap" "$bdf $bdf/vtd" nvme.zns.report@1 nvme.zns.zone_cycle@1
expect_ns_skips "$tap" "$bdf" 2 'not a zoned namespace \(CSI 0x00\)' nvme.zns.report nvme.zns.zone_cycle
blocks=$(point_yaml "$tap" nvme.zns.zone_cycle "$bdf nsid 1" blocks_per_write)
start=$(point_yaml "$tap" nvme.zns.zone_cycle "$bdf nsid 1" zone_start)
expect_eq "zone_cycle used zone 1" "$start" "$ZONE_BLOCKS"
if [[ $blocks =~ ^[0-9]+$ ]]; then
	expect_yaml "Zone Append wrote right after the first write" "$tap" nvme.zns.zone_cycle "$bdf nsid 1" appended_lba $((ZONE_BLOCKS + blocks))
	expect_yaml "the write pointer advanced by both writes" "$tap" nvme.zns.zone_cycle "$bdf nsid 1" write_pointer $((ZONE_BLOCKS + 2 * blocks))
else
	not_ok "zone_cycle names its write size" "blocks_per_write '${blocks:-absent}'"
	blocks=0
fi
expect_yaml "a write past the write pointer got Zone Invalid Write" "$tap" nvme.zns.zone_cycle "$bdf nsid 1" misplaced_write_status 0x41bc
# Every write case of the conventional kind refuses the zoned namespace, naming why.
expect_ns_skips "$tap" "$bdf" 1 'zoned namespace \(CSI 02h\): written only at a write pointer, by the nvme\.zns cases' \
	nvme.io.verify nvme.io.metadata nvme.io.protection nvme.io.write_zeroes nvme.io.deallocate
expect_points_pass_at "$tap" "$bdf $bdf/vtd" nvme.io.verify@2 nvme.io.write_zeroes@2 nvme.io.deallocate@2

# ---- QEMU's trace and the zoned namespace's image ------------------------------------
sum=$WORK/nvme-zoned.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
	for opc in 0x79 0x7a 0x7d; do
		n=$(awk -v opc="opc=$opc" '$1 == "ev" && $5 == "io_cmd" && $7 == opc && $8 == "nsid=1" && $3 ~ /^nvme\.zns\./' "$sum" | wc -l)
		outside=$(awk -v opc="opc=$opc" '$1 == "ev" && $5 == "io_cmd" && $7 == opc && $3 !~ /^nvme\.zns\./' "$sum" | wc -l)
		if ((n > 0 && outside == 0)); then ok "QEMU executed $n zoned command(s) $opc on nsid 1, all inside nvme.zns.*"; else
			not_ok "QEMU executed zoned commands $opc on nsid 1 only inside nvme.zns.*" "$n inside, $outside outside"; fi
	done
	n=$(awk '$1 == "ev" && $5 == "io_cmd" && $8 == "nsid=1" && ($7 == "opc=0x1" || $7 == "opc=0x8" || $7 == "opc=0x9") && $3 != "nvme.zns.zone_cycle"' "$sum" | wc -l)
	expect_eq "no Write, Write Zeroes or DSM reached nsid 1 outside nvme.zns.zone_cycle" "$n" 0
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
img=$WORK/state/nvme0n1.img
expect_oracle "nvme0n1.img: written only in zone 1, where zone_cycle wrote" written "$img" "$ZONE_BLOCKS-$((ZONE_BLOCKS + 2 * blocks))"
expect_oracle "nvme0n1.img: zone 1 holds the write and the append as pattern blocks of their LBAs" blocks "$img" "$ZONE_BLOCKS" $((2 * blocks))
scenario_end
