#!/usr/bin/env bash
# tests/qemu/scenario-no-cmb-pmr.sh: controllers without CMB and PMR: every nvme.cmb.* and nvme.pmr.* test must SKIP naming CAP.CMBS=0 / CAP.PMRS=0, I/O must still pass, and QEMU must show no BAR2/BAR4, no queue outside RAM and no touch of the CMB/PMR registers.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin no-cmb-pmr "${1:-}"
fresh_nvme_state
cfg=$(make_cfg no-cmb-pmr '# scenario no-cmb-pmr' 'allow_write = nvmetal-*')
esp=$(make_esp no-cmb-pmr "$cfg") || { not_ok "ESP built" "see $WORK/no-cmb-pmr.build.log"; scenario_end; }

mem_mib=512
trace=$WORK/no-cmb-pmr.trace
boot_qmp no-cmb-pmr CMB_SIZE_MB=0 PMR_SIZE=0 MEM=$mem_mib TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/no-cmb-pmr.tap
expect_clean_pass no-cmb-pmr "$tap"

[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/no-cmb-pmr.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end
for bdf in $bdfs; do
	sizes=$(qmp_bar_sizes "$WORK/no-cmb-pmr.qmp.json" "$bdf")
	if [[ " $sizes " == *" 0:"* && " $sizes " != *" 2:"* && " $sizes " != *" 4:"* ]]; then
		ok "query-pci: $bdf has BAR0 and neither BAR2 (CMB) nor BAR4 (PMR) ($sizes)"
	else
		not_ok "query-pci: $bdf has BAR0 and neither BAR2 nor BAR4" "BARs (index:size): ${sizes:-none}"
	fi
done

# ---- test points ----------------------------------------------------------------
expect_points_pass "$tap" "$bdfs" "${NVME_BASE_IDS[@]}"
expect_points_skip "$tap" "$bdfs" 'CAP\.CMBS=0' "${NVME_CMB_IDS[@]}" nvme.cmb.cq
expect_points_skip "$tap" "$bdfs" 'CAP\.PMRS=0' "${NVME_PMR_IDS[@]}"
# The copy needs two controllers: it is reported once, with no controller.
copy=$(point_lines "$tap" nvme.cmb.copy_between_controllers)
if [[ -n $copy ]] && ! grep -Ev '^ok [0-9]+ - [^#]*# SKIP .*CMB' <<<"$copy" | grep -q .; then
	ok "nvme.cmb.copy_between_controllers SKIPs with a reason naming the CMB: $(head -n1 <<<"${copy#*# SKIP }")"
else
	not_ok "nvme.cmb.copy_between_controllers SKIPs with a reason naming the CMB" "${copy:-not reported}"
fi
for bdf in $bdfs; do
	line=$(point_lines "$tap" nvme.queues.io_pair "$bdf")
	if [[ $line == *'SQ 1 (host)'* ]]; then ok "$bdf: nvme.queues.io_pair used a host SQ 1"; else
		not_ok "$bdf: nvme.queues.io_pair used a host SQ 1" "${line:-not reported}"
	fi
done

# ---- QEMU's trace ------------------------------------------------------------------
sum=$WORK/no-cmb-pmr.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	for bdf in $bdfs; do
		placed=$(awk -v bdf="$bdf" '$1 == "bar" && $2 == bdf && $3 != 0 { print "BAR" $3 " " $4 }' "$sum" | paste -sd, -)
		if [[ -z $placed ]]; then ok "$bdf: QEMU placed no BAR but BAR0"; else
			not_ok "$bdf: QEMU placed no BAR but BAR0" "$placed"
		fi
	done
	# Every queue the image gave QEMU lies outside any BAR; those of the
	# untranslated pass (test points on a plain BB:DD.F) lie in RAM, below -m.
	# (The VT-d pass hands out IOVAs, which may lie anywhere.)
	bad=$(awk -v top=$((mem_mib << 20)) '
	  function hex(s,   i, n) { n = 0; s = tolower(s); sub(/^0x/, "", s)
	    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	    return n }
	  $1 == "ev" && $2 != 0 && ($5 == "create_sq" || $5 == "create_cq" || $5 == "asq") {
	    a = ""; for (f = 6; f <= NF; f++) if ($f ~ /^addr=/) { a = substr($f, 6) }
	    n++
	    plain = ($4 !~ /\// && $3 !~ /^vtd\./)
	    if ($NF != "win=-" || (plain && hex(a) >= top)) print $3 " " $4 " " $5 " " a " " $NF
	    if (plain) np++
	  }
	  END { print "count " n + 0 " " np + 0 }' "$sum")
	read -r n np <<<"$(sed -n 's/^count //p' <<<"$bad")"
	bad=$(grep -v '^count ' <<<"$bad" | head -n 3 | paste -sd'|' - || true)
	if [[ -z $bad && $np -gt 0 ]]; then
		ok "all $n admin/I/O queue addresses QEMU was given lie outside every BAR; the $np of the untranslated pass below the $mem_mib MiB of RAM"
	else
		not_ok "all admin/I/O queue addresses lie outside every BAR, the untranslated ones in RAM" "${bad:-no queue seen}"
	fi
	expect_no_grep "QEMU served nothing from a CMB (no pci_nvme_map_addr_cmb)" ' cmb_map ' "$sum"
	expect_no_grep "the image left CMBMSC (0x50/0x54) and PMRCTL/PMRMSC (0xe04, 0xe14/0xe18) alone" \
		' mmio_write reg=0x(50|54|e04|e14|e18) ' "$sum"
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# ---- the namespaces: I/O ran, and only io.verify wrote -------------------------------
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	img=$WORK/state/nvme$i.img
	expect_oracle "nvme$i.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" blocks "$img" 0 1024
	expect_oracle "nvme$i.img: nothing written outside io.verify's and the format cases' areas (no CMB or PMR test ran)" written "$img" "$AREA_IO_VERIFY" "$AREA_FORMAT"
done
scenario_end
