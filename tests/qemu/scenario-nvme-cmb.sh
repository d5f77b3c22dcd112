#!/usr/bin/env bash
# tests/qemu/scenario-nvme-cmb.sh: default machine (2 controllers, 64 MiB CMB, 8 MiB PMR), allow_write on: every NVMe/CMB/PMR test passes, and QEMU's trace and the namespace/PMR files on the host agree with what the image claims.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-cmb "${1:-}"
fresh_nvme_state
cfg=$(make_cfg nvme-cmb '# scenario nvme-cmb: write to the runner'"'"'s controllers' 'allow_write = nvmetal-*')
esp=$(make_esp nvme-cmb "$cfg") || { not_ok "ESP built" "see $WORK/nvme-cmb.build.log"; scenario_end; }

# memory_region_ops_read shows reads of a BAR made by a device (cpu -1), i.e.
# the peer-to-peer copy; the ACPI timer's reads are dropped from the file
# afterwards (hundreds of thousands of lines, no use here).
trace=$WORK/nvme-cmb.trace
boot_qmp nvme-cmb TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate memory_region_ops_read" -- --esp "$esp"
if [[ -f $trace ]]; then
	grep -Fv "name 'acpi-tmr'" -- "$trace" >"$trace.tmp" || true
	mv -- "$trace.tmp" "$trace"
fi
tap=$WORK/nvme-cmb.tap
expect_clean_pass nvme-cmb "$tap"

# ---- QEMU's inventory: which controller is which file -------------------------
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-cmb.qmp.json"
bdfs=$NVME_BDFS
for bdf in $bdfs; do
	sizes=$(qmp_bar_sizes "$WORK/nvme-cmb.qmp.json" "$bdf")
	if [[ " $sizes " == *" 2:67108864 "* && " $sizes " == *" 4:8388608 "* ]]; then
		ok "query-pci: nvme${NVME_INDEX[$bdf]} at $bdf has BAR2 of 64 MiB (CMB) and BAR4 of 8 MiB (PMR)"
	else
		not_ok "query-pci: nvme${NVME_INDEX[$bdf]} at $bdf has BAR2 of 64 MiB and BAR4 of 8 MiB" "BARs (index:size): $sizes"
	fi
done
expect_eq "QEMU realized 2 NVMe controllers (nvme0, nvme1)" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end

# ---- test points ----------------------------------------------------------------
expect_points_pass "$tap" "$bdfs" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_points_skip "$tap" "$bdfs" 'CMBSZ\.CQS=0' nvme.cmb.cq
expect_only_skips "$tap" "nvme\\.cmb\\.cq:.*|nvme\\.bench\\.[a-z0-9_]+:.*|nvme\\.cmb\\.copy_between_controllers: [0-9a-f:.]+/vtd|$NVME_PLAIN_SKIPS" \
	'only nvme.cmb.cq for CMBSZ.CQS=0, nvme.bench.*, the copy in the VT-d pass, and what a plain namespace lacks'
copy=$(point_lines "$tap" nvme.cmb.copy_between_controllers | grep -v '# SKIP' | head -n1 || true)
read -r src dst copy_lba <<<"$(copy_parties "$tap")" || true
if [[ $copy == ok\ * && $copy != *'# SKIP'* && -n ${dst:-} && -n ${NVME_INDEX[$src]:-} && -n ${NVME_INDEX[$dst]:-} && $src != "$dst" ]]; then
	ok "nvme.cmb.copy_between_controllers passed: $src's CMB to $dst, LBA $copy_lba"
else
	not_ok "nvme.cmb.copy_between_controllers passed between the two controllers" "${copy:-no such test point}"
	src='' dst=''
fi

# ---- QEMU's trace ----------------------------------------------------------------
sum=$WORK/nvme-cmb.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	for bdf in $bdfs; do
		expect_cmb_trace "$sum" "$bdf" "$tap"
		expect_pmr_enable_trace "$sum" "$bdf"
		expect_shutdown_trace "$sum" "$bdf"
	done
	if [[ -n $src ]]; then
		n=$(seg_events "$sum" nvme.cmb.copy_between_controllers "$src" cmb_map | grep -cF "win=$src/2" || true)
		peer=$(seg_events "$sum" nvme.cmb.copy_between_controllers "$src" dma_read |
			awk -v win="win=$src/2" '$NF == win { sub(/bytes=/, "", $7); n += $7 } END { print n + 0 }')
		wrote=$(seg_events "$sum" nvme.cmb.copy_between_controllers "$src" rw | grep -c " write lba=$copy_lba nlb=32$" || true)
		if ((n >= 4 && peer >= 16384 && wrote == 1)); then
			ok "copy: QEMU read 16 KiB into $src's CMB ($n pages), a device read $peer bytes of that CMB over PCI, and a Write of 32 blocks went to LBA $copy_lba"
		else
			not_ok "copy: QEMU read into $src's CMB, a device read 16 KiB of it over PCI, one Write to LBA $copy_lba" \
				"$n CMB pages, $peer bytes read by a device, $wrote writes"
		fi
	fi
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# ---- the files on the host ---------------------------------------------------------
state=$WORK/state
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	img=$state/nvme$i.img pmr=$state/pmr$i.bin
	areas=("$AREA_IO_VERIFY" "$AREA_CMB" "$AREA_PMR_DMA" "$AREA_FORMAT")
	[[ $bdf == "${dst:-}" ]] && areas+=("$AREA_COPY")
	expect_oracle "nvme$i.img ($bdf): nothing written outside the documented areas" written "$img" "${areas[@]}"
	expect_oracle "nvme$i.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" blocks "$img" 0 1024
	expect_oracle "nvme$i.img: the CMB tests' blocks 4096..4159 are pattern blocks of their own LBA" blocks "$img" 4096 64
	expect_oracle "nvme$i.img: pmr.dma_target's source blocks 12288..12319" blocks "$img" 12288 32
	expect_oracle "nvme$i.img: blocks 12320..12351, written from the PMR, carry LBAs 12288.." blocks "$img" 12320 32 12288
	# discard=ignore (QEMU's default): deallocation is advisory, the blocks stay.
	expect_yaml "$bdf nsid 1: DSM deallocation kept the blocks" "$tap" nvme.io.deallocate "$bdf nsid 1" outcome kept
	lbas=$(point_yaml "$tap" nvme.io.deallocate "$bdf nsid 1" lbas)
	expect_oracle "nvme$i.img: the deallocated blocks still hold their pattern, as the image said" \
		blocks "$img" "${lbas%-*}" $((${lbas#*-} - ${lbas%-*}))
	expect_pmr_record "pmr$i.bin ($bdf): the record one boot on a fresh file leaves" "$pmr" 1
	at=$(point_lines "$tap" nvme.pmr.dma_target "$bdf" | grep -Eo 'into the PMR at 0x[0-9a-f]+' | grep -Eo '0x[0-9a-f]+' || true)
	bar4=$(trace_bar "$sum" "$bdf" 4)
	if [[ -n $at && $(grep -c . <<<"$bar4" || true) -eq 1 ]]; then
		expect_oracle "pmr$i.bin holds, at the offset nvme.pmr.dma_target named, LBAs 12288.. of nvme$i.img" \
			pmr-holds "$pmr" "$((at - ${bar4% *}))" "$img" 12288 32
	else
		not_ok "nvme.pmr.dma_target names an address in $bdf's BAR4" "address '${at:-none}', BAR4 '${bar4:-none}'"
	fi
done
if [[ -n $dst ]]; then
	s=${NVME_INDEX[$src]} d=${NVME_INDEX[$dst]}
	expect_oracle "nvme$d.img: the copy's blocks $copy_lba.. carry the source LBAs 4096.." blocks "$state/nvme$d.img" "$copy_lba" 32 4096
	expect_oracle "nvme$d.img LBA $copy_lba.. equal nvme$s.img LBA 4096.. byte for byte" \
		same "$state/nvme$s.img" 4096 "$state/nvme$d.img" "$copy_lba" 32
fi
scenario_end
