#!/usr/bin/env bash
# tests/qemu/scenario-nvme-data-guard.sh: with allow_write = *, a namespace holding a GPT (sgdisk) with a FAT partition and one holding a bare ext4 stay byte-identical, their write cases SKIP naming what was found, QEMU gets no Write for them, and a blank namespace beside them is written as usual; allow_write_over_data = yes then writes over the GPT.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-data-guard "${1:-}"
state=$WORK/state
WRITE_IDS=(nvme.io.verify nvme.io.write_zeroes nvme.io.deallocate)

# nvme0: a GPT disk as a user's partitioning tool leaves it, a FAT filesystem in its first
# partition at 1 MiB; nvme1: ext4 over the whole namespace, no partition table; nvme2: zeros.
make_disks() {
	fresh_nvme_state
	local i
	for i in 0 1 2; do truncate -s 64M -- "$state/nvme$i.img"; done
	sgdisk -n 1:2048:+16M -t 1:0700 -c 1:data -n 2:0:0 -t 2:8300 "$state/nvme0.img" >"$WORK/sgdisk.log" 2>&1
	mformat -i "$state/nvme0.img@@1M" -T 32768 -h 64 -s 32 -v NVMETALDATA :: >>"$WORK/sgdisk.log" 2>&1
	mkfs.ext4 -q -F -L nvmetal "$state/nvme1.img" >>"$WORK/sgdisk.log" 2>&1
}

# rw_on SUM BDF OP: the number of Reads or Writes QEMU executed while a test point on BDF ran
# (nvme.cmb.copy_between_controllers is left out: it names one controller and writes the other's
# namespace, which the images on the host account for).
rw_on() {
	awk -v w="$2" -v op="$3" '$1 == "ev" && $3 != "nvme.cmb.copy_between_controllers" &&
	  ($4 == w || index($4, w "/") == 1) && $5 == "rw" && $6 == op' "$1" | wc -l
}

# ---- boot 1: allow_write = *, the guard keeps the two formatted namespaces -----------------
make_disks || { not_ok "the GPT, FAT and ext4 images were made" "see $WORK/sgdisk.log"; scenario_end; }
sgdisk -p "$state/nvme0.img" >"$WORK/sgdisk.table" 2>&1 || true
expect_grep "sgdisk made a GPT whose first partition starts at 1 MiB" '^ +1 +2048 +34815 ' "$WORK/sgdisk.table"
before=$(sha256_of "$state/nvme0.img" "$state/nvme1.img")
cfg=$(make_cfg guard '# scenario nvme-data-guard' 'allow_write = *')
esp=$(make_esp guard "$cfg") || { not_ok "ESP built" "see $WORK/guard.build.log"; scenario_end; }
boot_qmp guard NVME_DRIVE_COUNT=3 TRACE="$WORK/guard.trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/guard.tap
expect_clean_pass guard "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/guard.qmp.json"
read -r bdf0 bdf1 bdf2 <<<"$NVME_BDFS"
[[ -n ${bdf2:-} ]] || { not_ok "QEMU realized 3 NVMe controllers" "got: $NVME_BDFS"; scenario_end; }

expect_unchanged "$before" "$state/nvme0.img" "$state/nvme1.img"
expect_grep "the image names all four structures on the GPT disk" \
	"^# data guard: ${bdf0//./\\.} nsid 1: protective MBR \\(GPT\\) at LBA 0, GPT header at LBA 1, FAT boot sector at LBA 2048, backup GPT header at LBA 131071$" "$tap"
expect_grep "the image names the ext4 superblock" \
	"^# data guard: ${bdf1//./\\.} nsid 1: ext2/3/4 superblock at LBA 2$" "$tap"
expect_points_skip "$tap" "$bdf0" \
	'^data found \(allow_write_over_data = no\): protective MBR \(GPT\) at LBA 0, GPT header at LBA 1, FAT boot sector at LBA 2048' \
	"${WRITE_IDS[@]}"
expect_points_skip "$tap" "$bdf1" '^data found \(allow_write_over_data = no\): ext2/3/4 superblock at LBA 2$' \
	"${WRITE_IDS[@]}"
expect_points_pass "$tap" "$bdf2" "${WRITE_IDS[@]}"
expect_yaml "the guard refuses writes on the GPT disk" "$tap" nvme.data.guard "$bdf0 nsid 1" writes refused
expect_yaml "the guard refuses writes on the ext4 namespace" "$tap" nvme.data.guard "$bdf1 nsid 1" writes refused
expect_yaml "the guard allows writes on the blank namespace" "$tap" nvme.data.guard "$bdf2 nsid 1" found none
expect_verify_blocks "$tap" "$bdf2 nsid 1" "$state/nvme2.img"
# The read-only cases still ran on the formatted namespaces: the guard refuses writes only.
expect_points_pass "$tap" "$bdf0 $bdf1" nvme.identify.controller nvme.queues.io_pair nvme.cmb.read_into_cmb

sum=$WORK/guard.events
if oracle trace "$WORK/guard.trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_eq "QEMU executed no Write while a point on $bdf0 (GPT) ran" "$(rw_on "$sum" "$bdf0" write)" 0
	expect_eq "QEMU executed no Write while a point on $bdf1 (ext4) ran" "$(rw_on "$sum" "$bdf1" write)" 0
	n=$(rw_on "$sum" "$bdf2" write)
	if ((n > 0)); then ok "QEMU executed $n Writes for $bdf2 (blank)"; else not_ok "QEMU executed Writes for $bdf2 (blank)" "none"; fi
	# The guard's own point: it read LBAs 0..16383 and the last one (131071), wrote nothing.
	for bdf in $bdf0 $bdf1 $bdf2; do
		read -r n blocks first end <<<"$(rw_blocks "$sum" nvme.data.guard "$bdf" read 1)"
		read -r nw _ <<<"$(rw_blocks "$sum" nvme.data.guard "$bdf" write 1)"
		if ((n > 0 && blocks == 16385 && first == 0 && end == 131072 && nw == 0)); then
			ok "during nvme.data.guard on $bdf QEMU read LBAs 0-16383 and 131071 ($n commands) and wrote nothing"
		else
			not_ok "during nvme.data.guard on $bdf QEMU read LBAs 0-16383 and 131071 and wrote nothing" \
				"$n reads of $blocks blocks ($first-$end), $nw writes"
		fi
	done
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${WORK#"$REPO"/}/guard.trace"
fi

# ---- boot 2: allow_write_over_data = yes on the GPT disk's controller only --------------------
make_disks || { not_ok "the images were made again" "see $WORK/sgdisk.log"; scenario_end; }
before=$(sha256_of "$state/nvme0.img" "$state/nvme1.img")
cfg=$(make_cfg over '# scenario nvme-data-guard: over data' 'allow_write = nvmetal-0' 'allow_write_over_data = yes' \
	'tests = nvme.identify.*, nvme.io.*')
esp=$(make_esp over "$cfg") || { not_ok "ESP built" "see $WORK/over.build.log"; scenario_end; }
boot_qmp over NVME_DRIVE_COUNT=3 -- --esp "$esp"
tap=$WORK/over.tap
expect_clean_pass over "$tap"
expect_grep "over: the image says it writes over the GPT" \
	"^# data guard: ${bdf0//./\\.} nsid 1: writing over it: allow_write_over_data = yes$" "$tap"
expect_points_pass "$tap" "$bdf0" "${WRITE_IDS[@]}"
expect_verify_blocks "$tap" "$bdf0 nsid 1" "$state/nvme0.img"
after=$(sha256_of "$state/nvme1.img")
if grep -qF -- "$after" <<<"$before"; then ok "over: nvme1.img (allow_write leaves it out) unchanged"; else
	not_ok "over: nvme1.img (allow_write leaves it out) unchanged" "before: $before after: $after"; fi
scenario_end
