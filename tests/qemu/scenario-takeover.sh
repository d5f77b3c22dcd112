#!/usr/bin/env bash
# tests/qemu/scenario-takeover.sh: no bootindex, so OVMF binds the NVMe controllers and leaves them running; the image must see that, stop them cleanly (QEMU's trace: CC.EN cleared before our admin queue) and pass every NVMe test.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin takeover "${1:-}"
fresh_nvme_state
cfg=$(make_cfg takeover '# scenario takeover' 'allow_write = nvmetal-*')
esp=$(make_esp takeover "$cfg") || { not_ok "ESP built" "see $WORK/takeover.build.log"; scenario_end; }

trace=$WORK/takeover.trace
boot_qmp takeover BOOTINDEX=no TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/takeover.tap
expect_clean_pass takeover "$tap"

[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/takeover.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end

# ---- what the image says it found ------------------------------------------------
for bdf in $bdfs; do
	diag=$(grep -E "^# nvme $bdf firmware left CC 0x[0-9a-f]{8} " "$tap" | head -n1 || true)
	cc=$(grep -Eo 'CC 0x[0-9a-f]{8}' <<<"$diag" | cut -c4- || true)
	if [[ -n $cc ]] && (((cc & 1) == 1)); then
		ok "$bdf: the register diagnostic shows the firmware left CC.EN=1 (CC $cc)"
	else
		not_ok "$bdf: the register diagnostic shows the firmware left CC.EN=1" "${diag:-no \"# nvme $bdf firmware left CC\" line}"
	fi
	line=$(point_lines "$tap" nvme.controller.takeover "$bdf")
	if [[ $line == ok\ *'firmware left CC.EN=1'* ]]; then
		ok "$bdf: nvme.controller.takeover reports 'firmware left CC.EN=1'"
	else
		not_ok "$bdf: nvme.controller.takeover reports 'firmware left CC.EN=1'" "${line:-not reported}"
	fi
done
expect_points_pass "$tap" "$bdfs" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_points_skip "$tap" "$bdfs" 'CMBSZ\.CQS=0' nvme.cmb.cq

# ---- QEMU's trace ------------------------------------------------------------------
sum=$WORK/takeover.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	# Before "TAP version 13": OVMF enabled the controllers and made its queues.
	n_start=$(awk '$1 == "ev" && $3 == "firmware" && $5 == "mmio_start_success"' "$sum" | wc -l)
	n_sq=$(awk '$1 == "ev" && $3 == "firmware" && $5 == "create_sq"' "$sum" | wc -l)
	if ((n_start >= 2 && n_sq >= 2)); then
		ok "before the image started, OVMF enabled the controllers ($n_start enables) and created $n_sq I/O SQs"
	else
		not_ok "before the image started, OVMF enabled both controllers and created I/O SQs" "$n_start enables, $n_sq SQs"
	fi
	for bdf in $bdfs; do
		# Within the takeover test point: a CC write with EN=0 that stopped a
		# running controller (pci_nvme_mmio_stopped) before the image's first
		# admin SQ address, and no enable before it.
		verdict=$(awk -v bdf="$bdf" '
		  function hex(s,   i, n) { n = 0; s = tolower(s); sub(/^0x/, "", s)
		    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		    return n }
		  $1 != "ev" || $3 != "nvme.controller.takeover" || $4 != bdf || done { next }
		  $5 == "mmio_write" && $6 == "reg=0x14" { d = $7; sub(/^data=/, "", d); cleared = (hex(d) % 2 == 0); next }
		  $5 == "mmio_stopped" && cleared { stopped = 1; next }
		  $5 == "mmio_start_success" { early = 1; next }
		  $5 == "asq" { done = 1; print (stopped && !early) ? "ok " $6 : "bad stopped=" stopped + 0 " enabled_before=" early + 0 }
		  END { if (!done) print "bad no admin SQ address written" }' "$sum")
		if [[ $verdict == ok* ]]; then
			ok "$bdf: QEMU saw CC.EN cleared and the running controller stop before the image's admin SQ (${verdict#ok })"
		else
			not_ok "$bdf: QEMU saw CC.EN cleared and the running controller stop before the image's admin SQ" "${verdict#bad }"
		fi
	done
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# ---- the namespaces: the image's writes landed after the takeover ----------------------
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	expect_oracle "nvme$i.img: io.verify's blocks 0..1023 are pattern blocks of their own LBA" blocks "$WORK/state/nvme$i.img" 0 1024
done
scenario_end
