#!/usr/bin/env bash
# tests/qemu/scenario-nvme-extended-lba-limit.sh: a defect of QEMU 7.2 the image must catch: with an extended-LBA format (metadata interleaved with data), a Write longer than about 512 bytes of metadata stores the data but not the rest of the metadata. The same transfer with a separate metadata buffer is stored whole. The image's nvme.io.verify must fail on the first and pass on the second, and the namespace images show why.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-extended-lba-limit "${1:-}"
rm -f -- "$WORK"/state/nvme*.img
cfg=$(make_cfg nvme-extended-lba-limit '# scenario nvme-extended-lba-limit' 'allow_write = nvmetal-*' \
	'tests = nvme.identify.*, nvme.io.verify' 'iommu = off')
esp=$(make_esp nvme-extended-lba-limit "$cfg") || { not_ok "ESP built" "see $WORK/nvme-extended-lba-limit.build.log"; scenario_end; }
boot nvme-extended-lba-limit IOMMU=none NVME_DRIVE_COUNT=1 CMB_SIZE_MB=0 PMR_SIZE=0 \
	NVME_NS='0:1:64M:ms=16,mset=1 0:2:64M:ms=16' -- --esp "$esp"
tap=$WORK/nvme-extended-lba-limit.tap
tap_extract "$WORK/nvme-extended-lba-limit.serial" "$tap"
expect_rc "exit code 1 (a test failed) through isa-debug-exit" "$BOOT_RC" 1
bdf=$(sed -nE 's/^ok [0-9]+ - nvme\.identify\.controller: ([0-9a-f:.]+) .*/\1/p' "$tap" | head -n1)
[[ -n $bdf ]] || { not_ok "nvme.identify.controller passed on the controller" "no such point"; scenario_end; }

# The image: the interleaved namespace fails on its PRP-list shape, at byte 512 of a
# block (the first metadata byte); the separate one passes every shape.
line=$(ns_point_lines "$tap" nvme.io.verify "$bdf" 1)
if [[ $line == "not ok "* ]]; then ok "nvme.io.verify fails on nsid 1 (extended LBA): ${line#*nsid 1 }"; else
	not_ok "nvme.io.verify fails on nsid 1 (extended LBA)" "${line:-not reported}"; fi
expect_yaml "the first mismatch is the first metadata byte of a block" "$tap" nvme.io.verify "$bdf nsid 1" offset_in_block 512
shape=$(point_yaml "$tap" nvme.io.verify "$bdf nsid 1" shape)
if [[ $shape == 'PRP list, '* ]]; then ok "the shape that failed is the first long one ($shape)"; else
	not_ok "the shape that failed is the first long one (PRP list)" "shape: ${shape:-absent}"; fi
line=$(ns_point_lines "$tap" nvme.io.verify "$bdf" 2)
if [[ $line == "ok "* && $line != *'# SKIP'* ]]; then ok "nvme.io.verify passes on nsid 2 (separate metadata): ${line#*nsid 2 }"; else
	not_ok "nvme.io.verify passes on nsid 2 (separate metadata)" "${line:-not reported}"; fi

# The host files: QEMU stored the data of the failing write, and metadata only for its
# first blocks; the separate namespace has every block's metadata.
first=$(sed -nE 's/^PRP list, ([0-9]+) blocks at LBA ([0-9]+)$/\2 \1/p' <<<"$shape")
read -r lba count <<<"${first:-0 0}"
if ((count > 0)); then
	out=$(python3 - "$WORK/state/nvme0n1.img" "$lba" "$count" <<'PY'
import sys
path, lba, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bs, ms = 512, 16
data = open(path, "rb").read()
moff = (len(data) // (bs + ms)) * bs
kept = [data[moff + (lba + i) * ms:moff + (lba + i + 1) * ms] != bytes(ms) for i in range(count)]
n = kept.index(False) if False in kept else count
print("%d %d %d" % (n, sum(kept[n:]), sum(data[(lba + i) * bs:(lba + i + 1) * bs] != bytes(bs) for i in range(count))))
PY
)
	read -r stored after data_blocks <<<"$out"
	if ((stored > 0 && stored < count && after == 0 && data_blocks == count)); then
		ok "nvme0n1.img: QEMU stored all $count data blocks of the write but metadata only for the first $stored"
	else
		not_ok "nvme0n1.img: QEMU stored the data of the write but not all its metadata" "metadata kept for $stored then $after more of $count blocks, data for $data_blocks"
	fi
else
	not_ok "nvme.io.verify names the failing transfer" "shape '${shape:-}'"
fi
end=$(point_yaml "$tap" nvme.io.verify "$bdf nsid 2" lbas)
NVME_ORACLE_MS=16 expect_oracle "nvme0n2.img: every block io.verify wrote has its metadata" metadata "$WORK/state/nvme0n2.img" 0 "${end#*-}"
scenario_end
