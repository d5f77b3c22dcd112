#!/usr/bin/env bash
# tests/qemu/scenario-usb.sh: the GPT USB image from image/mkusb.sh, booted by OVMF as usb-storage on qemu-xhci, must run the image to a passing verdict.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin usb "${1:-}"
given=${2:-${NVMETAL_USB:-}}
img=$WORK/usb.img
if [[ -n $given ]]; then
	# Boot a private copy: the caller's image is never opened by QEMU.
	cp --sparse=always -- "$given" "$img"
	note "USB image: copy of $given"
elif ! "$MKUSB" "$img" "$NVMETAL_EFI" "$REPO/image/nvmetal.cfg" 2>"$WORK/usb.build.log"; then
	not_ok "USB image built by image/mkusb.sh" "see ${WORK#"$REPO"/}/usb.build.log"
	scenario_end
fi

# Host-file oracle: the partition table and the file system on the stick.
start=''
if info=$(sgdisk --info=1 -- "$img" 2>/dev/null); then
	start=$(sed -n 's/^First sector: \([0-9]*\).*/\1/p' <<<"$info")
fi
if [[ -n $start ]] && grep -q 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' <<<"$info" && ((start % 2048 == 0)); then
	ok "GPT partition 1 is an EFI System Partition starting at sector $start (1 MiB aligned)"
else
	not_ok "GPT partition 1 is a 1 MiB aligned EFI System Partition" "sgdisk --info=1: ${info:-unreadable}"
fi
if [[ -n $start ]]; then
	spec="$img@@$((start * 512))"
	if MTOOLS_SKIP_CHECK=1 mcopy -n -i "$spec" ::/EFI/BOOT/BOOTX64.EFI "$WORK/usb-bootx64.efi" 2>/dev/null &&
		cmp -s -- "$WORK/usb-bootx64.efi" "$NVMETAL_EFI"; then
		ok "the stick's \\EFI\\BOOT\\BOOTX64.EFI is the same file as $(basename -- "$NVMETAL_EFI")"
	else
		not_ok "the stick's \\EFI\\BOOT\\BOOTX64.EFI is the same file as $NVMETAL_EFI" "missing or different"
	fi
	if MTOOLS_SKIP_CHECK=1 mtype -i "$spec" ::/nvmetal.cfg >"$WORK/usb-nvmetal.cfg" 2>/dev/null; then
		ok "the stick holds \\nvmetal.cfg"
	else
		not_ok "the stick holds \\nvmetal.cfg" "mtype failed"
	fi
fi

# Boot it.  Oracle: QEMU's SCSI trace of the usb-storage disk shows the
# firmware reading the partition's first sector (the FAT boot sector).
boot usb USB="$img" TRACE="$WORK/usb.trace" TRACE_EVENTS="scsi_req_parsed_lba"
tap=$WORK/usb.tap
tap_extract "$WORK/usb.serial" "$tap"
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
read -r passed failed skipped <<<"$(tap_summary "$tap")" || true
if [[ -n ${failed:-} ]]; then
	expect_eq "verdict line reports 0 failed ($passed passed, ${skipped:-0} skipped)" "$failed" 0
else
	not_ok "verdict line '# nvmetal: P passed, F failed, S skipped' present" "not found"
fi
if [[ -n $start ]]; then
	expect_grep "QEMU's trace shows the firmware reading LBA $start (the ESP's boot sector) from the USB disk" \
		"scsi_req_parsed_lba .* lba $start\$" "$WORK/usb.trace"
fi
scenario_end
