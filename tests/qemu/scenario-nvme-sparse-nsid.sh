#!/usr/bin/env bash
# tests/qemu/scenario-nvme-sparse-nsid.sh: one controller (no CMB, no PMR, no IOMMU) with namespaces 1 (512 B blocks) and 3 (4 KiB blocks) and none at 2, allow_write on: the image finds exactly the active NSIDs, runs every per-namespace case on both with each one's own block size, and QEMU's trace and the two images agree.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-sparse-nsid "${1:-}"
fresh_nvme_state
name=nvme-sparse-nsid
cfg=$(make_cfg "$name" '# scenario nvme-sparse-nsid: write to the runner'"'"'s controller' 'allow_write = nvmetal-*')
esp=$(make_esp "$name" "$cfg") || { not_ok "ESP built" "see $WORK/$name.build.log"; scenario_end; }

# 64 MiB of 4 KiB blocks is 16384 LBAs: the whole map the image's cases use
# (AREA_FORMAT ends at 16384) fits exactly.
trace=$WORK/$name.trace
boot_qmp "$name" TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS" IOMMU=none NVME_DRIVE_COUNT=1 CMB_SIZE_MB=0 PMR_SIZE=0 \
	NVME_NS='0:1:64M 0:3:64M:logical_block_size=4096,physical_block_size=4096' -- --esp "$esp"
tap=$WORK/$name.tap
tap_extract "$WORK/$name.serial" "$tap"
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/$name.qmp.json"
bdf=$NVME_BDFS
expect_eq "QEMU realized 1 NVMe controller" "$(wc -w <<<"$bdf")" 1
[[ $(wc -w <<<"$bdf") -eq 1 ]] || scenario_end
img1=$WORK/state/nvme0n1.img img3=$WORK/state/nvme0n3.img

# ---- which namespaces, in what format --------------------------------------------------
got=$(grep -E "^(not )?ok [0-9]+ - nvme\\.identify\\.namespaces: ${bdf//./\\.} nsid [0-9]+( |$)" "$tap" |
	sed -nE 's/.* nsid ([0-9]+).*/\1/p' | paste -sd' ' - || true)
expect_eq "nvme.identify.namespaces reports exactly nsid 1 and 3 on $bdf" "$got" "1 3"
n2=$(grep -cE "^(not )?ok [0-9]+ - [a-z0-9_.]+: [0-9a-f:./a-z]+ nsid 2( |$)" "$tap" || true)
n13=$(grep -cE "^(not )?ok [0-9]+ - [a-z0-9_.]+: [0-9a-f:./a-z]+ nsid [13]( |$)" "$tap" || true)
if ((n13 > 0 && n2 == 0)); then
	ok "$n13 test points name nsid 1 or 3, none names nsid 2"
else
	not_ok "test points name nsid 1 and 3, none nsid 2" "$n13 name 1 or 3, $n2 name 2"
fi
# The format as the image decoded it, against the image files QEMU serves:
# nsze blocks of block_bytes are the file, byte for byte.
for pair in "1 512 $img1" "3 4096 $img3"; do
	read -r nsid bs f <<<"$pair"
	nsze=$(point_yaml "$tap" nvme.identify.namespaces "$bdf nsid $nsid" nsze)
	got_bs=$(point_yaml "$tap" nvme.identify.namespaces "$bdf nsid $nsid" block_bytes)
	ms=$(point_yaml "$tap" nvme.identify.namespaces "$bdf nsid $nsid" metadata_bytes)
	csi=$(point_yaml "$tap" nvme.identify.namespaces "$bdf nsid $nsid" csi)
	size=$(stat -c %s -- "$f" 2>/dev/null || echo 0)
	if [[ $got_bs == "$bs" && $ms == 0 && $csi == 0x00 && $nsze =~ ^[0-9]+$ ]] && ((nsze * bs == size && size > 0)); then
		ok "nsid $nsid: block_bytes $got_bs, metadata_bytes $ms, csi $csi, nsze $nsze: $nsze x $bs = $(basename -- "$f")'s $size bytes"
	else
		not_ok "nsid $nsid: block_bytes $bs, no metadata, NVM command set, nsze x block_bytes = $(basename -- "$f")'s size" \
			"block_bytes '$got_bs', metadata_bytes '$ms', csi '$csi', nsze '$nsze', file $size bytes"
	fi
	expect_yaml "nsid $nsid: io.verify moved blocks of the namespace's own size" "$tap" nvme.io.verify "$bdf nsid $nsid" data_block_bytes "$bs"
done

# ---- every per-namespace case on both ------------------------------------------------------
ns_ids=(nvme.queues.io_pair nvme.io.verify nvme.io.flush nvme.io.write_zeroes nvme.io.deallocate)
expect_points_pass_at "$tap" "$bdf" nvme.controller.takeover nvme.identify.controller \
	"${ns_ids[@]/%/@1}" "${ns_ids[@]/%/@3}" nvme.controller.shutdown
expect_only_skips "$tap" "nvme\\.(cmb|pmr)\\.[a-z_]+: [^#]* # SKIP CAP\\.(CMBS|PMRS)=0: no (CMB|PMR)|nvme\\.cmb\\.copy_between_controllers # SKIP no controller has a CMB .*|nvme\\.bench\\.[a-z0-9_]+:.*|$NVME_PLAIN_SKIPS" \
	'only what a controller without CMB/PMR, a plain namespace and bench = no explain (nothing for size)'

# ---- QEMU's trace ------------------------------------------------------------------------------
sum=$WORK/$name.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
	# Every I/O command QEMU took named namespace 1 or 3, and each of them.
	nsids=$(awk '$1 == "ev" && $5 == "io_cmd" { n = "?"; for (i = 6; i <= NF; i++) if ($i ~ /^nsid=/) n = substr($i, 6); c[n]++ }
		END { for (n in c) print n "=" c[n] }' "$sum" | sort | paste -sd' ' -)
	if [[ $nsids =~ ^1=[0-9]+\ 3=[0-9]+$ ]]; then
		ok "QEMU's I/O commands named only nsid 1 and 3 (commands per nsid: $nsids)"
	else
		not_ok "QEMU's I/O commands named only nsid 1 and 3, both" "commands per nsid: ${nsids:-none}"
	fi
	# io.verify on each namespace: QEMU wrote and read exactly the LBAs
	# (in that namespace's blocks) the image names.
	for nsid in 1 3; do
		read -r first end < <(yaml_lbas "$tap" nvme.io.verify "$bdf nsid $nsid") || { first=-1 end=-1; }
		read -r nw bw lw hw <<<"$(rw_blocks "$sum" nvme.io.verify "$bdf" write "$nsid")"
		read -r _ br lr hr <<<"$(rw_blocks "$sum" nvme.io.verify "$bdf" read "$nsid")"
		if ((first >= 0 && nw > 0 && bw == end - first && lw == first && hw == end && br == bw && lr == first && hr == end)); then
			ok "during nvme.io.verify on nsid $nsid QEMU wrote, then read, exactly LBAs $first-$end ($bw blocks in $nw Writes)"
		else
			not_ok "during nvme.io.verify on nsid $nsid QEMU wrote and read exactly the LBAs its YAML names" \
				"lbas $first-$end; QEMU wrote $bw blocks in $nw commands ($lw-$hw), read $br ($lr-$hr)"
		fi
	done
	expect_shutdown_trace "$sum" "$bdf"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# ---- the namespace images ----------------------------------------------------------------------
expect_written "nvme0n1.img (nsid 1, 512 B blocks): nothing written outside io.verify's and the format cases' areas" \
	"$img1" "$AREA_IO_VERIFY" "$AREA_FORMAT"
NVME_ORACLE_BS=4096 expect_written "nvme0n3.img (nsid 3, 4 KiB blocks): nothing written outside io.verify's and the format cases' areas" \
	"$img3" "$AREA_IO_VERIFY" "$AREA_FORMAT"
expect_verify_blocks "$tap" "$bdf nsid 1" "$img1" 512
expect_verify_blocks "$tap" "$bdf nsid 3" "$img3" 4096
scenario_end
