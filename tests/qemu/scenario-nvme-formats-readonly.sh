#!/usr/bin/env bash
# tests/qemu/scenario-nvme-formats-readonly.sh: the metadata and PI namespaces of nvme-formats with allow_write naming nothing: the read cases run on every format, every image stays byte-identical, no write command reaches QEMU, and no DMA lands outside the image's pool (before the fix QEMU read into guest page 0 here).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

NAMESPACES='0:1:64M:ms=8 0:2:64M:ms=16,mset=1 0:3:64M:ms=8,pi=1 1:1:64M:ms=8,mset=1,pi=3 1:2:64M:ms=16,pi=1'

scenario_begin nvme-formats-readonly "${1:-}"
esp=$(make_esp nvme-formats-readonly) || { not_ok "ESP built" "see $WORK/nvme-formats-readonly.build.log"; scenario_end; }
# Images full of data where the cases would read and write, so any write shows. The PI
# namespaces stay unwritten (sparse zeros, which QEMU reads back as never written, PI
# checks off): random bytes there would be blocks whose PI is wrong, and a read of them
# rightly fails its guard check. Any write still changes their hash.
state=$WORK/state
rm -f -- "$state"/nvme*.img
files=()
for spec in $NAMESPACES; do
	IFS=: read -r c nsid _ props <<<"$spec"
	f=$state/nvme${c}n$nsid.img
	if [[ $props != *pi=* ]]; then head -c $((8 << 20)) /dev/urandom >"$f"; fi
	truncate -s 64M -- "$f"
	files+=("$f")
done
before=$(sha256_of "${files[@]}")

trace=$WORK/nvme-formats-readonly.trace
boot_qmp nvme-formats-readonly NVME_NS="$NAMESPACES" CMB_SIZE_MB=16 PMR_SIZE=0 TRACE="$trace" \
	TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/nvme-formats-readonly.tap
expect_clean_pass nvme-formats-readonly "$tap"
expect_grep "the image ran with allow_write = none" '^# config: allow_write = none$' "$tap"
expect_unchanged "$before" "${files[@]}"

[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-formats-readonly.qmp.json"
declare -A BDF_OF=()
for bdf in $NVME_BDFS; do BDF_OF[${NVME_INDEX[$bdf]}]=$bdf; done
for spec in $NAMESPACES; do
	IFS=: read -r c nsid _ <<<"$spec"
	bdf=${BDF_OF[$c]:-none}
	expect_points_pass_at "$tap" "$bdf $bdf/vtd" "nvme.queues.io_pair@$nsid" "nvme.io.flush@$nsid"
	expect_ns_skips "$tap" "$bdf" "$nsid" 'allow_write does not name serial nvmetal-[0-9]: no namespace writes' \
		nvme.io.verify nvme.io.metadata nvme.io.write_zeroes nvme.io.deallocate
done

sum=$WORK/nvme-formats-readonly.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_dma_inside "$tap" "$sum"
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_no_grep "QEMU executed no Write, Write Zeroes/Uncorrectable, DSM, Copy or zone command" \
		' (rw write |io_cmd sqid=[0-9]+ opc=0x(1|4|8|9|19|79|7d)( nsid=[0-9]+)?$)' "$sum"
	n_read=$(awk '$1 == "ev" && $5 == "rw" && $6 == "read"' "$sum" | wc -l)
	if ((n_read > 0)); then ok "QEMU executed $n_read Read commands on these formats"; else
		not_ok "QEMU executed Read commands on these formats" "none"; fi
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
scenario_end
