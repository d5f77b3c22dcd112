#!/usr/bin/env bash
# tests/qemu/scenario-nvme-deallocate.sh: Dataset Management deallocation with DULBE on, where QEMU reports it: with raw images opened discard=unmap QEMU punches a hole for the 4 KiB-aligned ranges the case deallocates (512-byte and 4 KiB blocks), and the read must fail with Deallocated or Unwritten Logical Block; the namespace images show the hole, independently of the image. (With QEMU's default discard=ignore the blocks are kept: nvme-cmb checks that outcome against its images.)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-deallocate "${1:-}"
rm -f -- "$WORK"/state/nvme*.img
cfg=$(make_cfg nvme-deallocate '# scenario nvme-deallocate' 'allow_write = nvmetal-*' 'iommu = off' \
	'tests = nvme.identify.*, nvme.io.deallocate, nvme.io.write_zeroes')
esp=$(make_esp nvme-deallocate "$cfg") || { not_ok "ESP built" "see $WORK/nvme-deallocate.build.log"; scenario_end; }
trace=$WORK/nvme-deallocate.trace
boot_qmp nvme-deallocate IOMMU=none NVME_DRIVE_COUNT=1 CMB_SIZE_MB=0 PMR_SIZE=0 NS_DRIVE_OPTS=discard=unmap \
	NVME_NS='0:1:64M 0:2:64M:logical_block_size=4096,physical_block_size=4096' \
	TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS" -- --esp "$esp"
tap=$WORK/nvme-deallocate.tap
expect_clean_pass nvme-deallocate "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-deallocate.qmp.json"
bdf=${NVME_BDFS%% *}
[[ -n $bdf ]] || { not_ok "QEMU realized the NVMe controller" "none in query-pci"; scenario_end; }

# deallocated NSID BS OUTCOME STATUS: the point's outcome, and the image agrees.
deallocated() {
	local nsid=$1 bs=$2 want=$3 status=$4 lbas first end img
	expect_yaml "nsid $nsid ($bs-byte blocks): the read after deallocation" "$tap" nvme.io.deallocate "$bdf nsid $nsid" outcome "$want"
	expect_yaml "nsid $nsid: its read status" "$tap" nvme.io.deallocate "$bdf nsid $nsid" read_status "$status"
	lbas=$(point_yaml "$tap" nvme.io.deallocate "$bdf nsid $nsid" lbas)
	[[ $lbas == *-* ]] || { not_ok "nvme.io.deallocate on nsid $nsid names its LBAs" "lbas '${lbas:-absent}'"; return; }
	first=${lbas%-*} end=${lbas#*-}
	img=$WORK/state/nvme0n$nsid.img
	if [[ $want == kept ]]; then
		NVME_ORACLE_BS=$bs expect_oracle "nvme0n$nsid.img: QEMU kept the blocks (pattern still there)" blocks "$img" "$first" $((end - first))
	else
		out=$(NVME_ORACLE_BS=$bs oracle written "$img" 2>&1 || true)
		if [[ $out != *" $first-"* && $out != *"-$end"* ]] && ! python3 - "$img" "$((first * bs))" "$(((end - first) * bs))" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]))
    sys.exit(0 if any(f.read(int(sys.argv[3]))) else 1)
PY
		then
			ok "nvme0n$nsid.img: LBAs $first..$((end - 1)) are zero on the host: QEMU punched the hole ($out)"
		else
			not_ok "nvme0n$nsid.img: LBAs $first..$((end - 1)) are zero on the host" "$out"
		fi
	fi
}
deallocated 1 512 deallocated 0x4287
deallocated 2 4096 deallocated 0x4287
sum=$WORK/nvme-deallocate.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	n=$(awk '$1 == "ev" && $3 == "nvme.io.deallocate" && $5 == "io_cmd" && $7 == "opc=0x9"' "$sum" | wc -l)
	expect_eq "QEMU executed one Dataset Management command per namespace, inside nvme.io.deallocate" "$n" 2
	n=$(awk '$1 == "ev" && $3 == "nvme.io.deallocate" && $5 == "admin_cmd" && $7 == "opc=0x9"' "$sum" | wc -l)
	expect_eq "QEMU executed two Set Features (DULBE on, then off) per namespace" "$n" 4
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
scenario_end
