#!/usr/bin/env bash
# image/mkusb.sh: build a GPT disk image with one EFI System Partition (FAT32) holding \EFI\BOOT\BOOTX64.EFI and \nvmetal.cfg, for dd to a USB stick.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: image/mkusb.sh OUT.img EFI CFG
  OUT.img  disk image to (re)create: GPT, one EFI System Partition (type EF00)
  EFI      the UEFI application, installed as \EFI\BOOT\BOOTX64.EFI
  CFG      config file, installed as \nvmetal.cfg (image/nvmetal.cfg is the
           read-only default for a stick)
environment: USB_SIZE_MB (whole disk, default 64; the partition spans
             1 MiB .. size-1 MiB, leaving room for the backup GPT)
write it with: dd if=OUT.img of=/dev/sdX bs=4M conv=fsync
USAGE
	exit 2
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=fat.sh
. "$here/fat.sh"

(($# == 3)) || usage
out=$1 efi=$2 cfg=$3
size_mb=${USB_SIZE_MB:-64}
if ! [[ $size_mb =~ ^[0-9]+$ ]] || ((size_mb < 40 || size_mb > 65536)); then
	die "USB_SIZE_MB='$size_mb' must be a whole number of MiB in 40..65536 (FAT32 needs room)"
fi

need_tools sgdisk mformat mmd mcopy
check_efi "$efi"
[[ -f $cfg ]] || die "config file '$cfg' not found"
mkdir -p -- "$(dirname -- "$out")"

tmp="$out.tmp.$$"
trap 'rm -f -- "$tmp"' EXIT
rm -f -- "$tmp"
truncate -s "${size_mb}M" -- "$tmp"

# Partition 1: first sector 2048 (1 MiB), last sector at size-1 MiB - 1, so both
# ends are 1 MiB aligned and the backup GPT fits in the last MiB.
first=2048
last=$(((size_mb - 1) * 2048 - 1))
sgdisk --clear --set-alignment=2048 \
	--new="1:$first:$last" --typecode=1:EF00 --change-name=1:"nvmetal ESP" \
	-- "$tmp" >/dev/null || die "sgdisk failed on $tmp"

# Read the partition back rather than trusting our arithmetic.
info=$(sgdisk --info=1 -- "$tmp") || die "sgdisk could not read partition 1 back"
start=$(sed -n 's/^First sector: \([0-9]*\).*/\1/p' <<<"$info")
end=$(sed -n 's/^Last sector: \([0-9]*\).*/\1/p' <<<"$info")
[[ -n $start && -n $end ]] || die "could not parse sgdisk --info output"
((start % 2048 == 0)) || die "partition 1 starts at sector $start, not 1 MiB aligned"
grep -q 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' <<<"$info" ||
	die "partition 1 is not an EFI System Partition"

fat_fill "$tmp" $((start * 512)) $((end - start + 1)) NVMETAL yes "$efi" "$cfg"
sgdisk --verify -- "$tmp" >/dev/null || die "sgdisk --verify reports problems in $tmp"
mv -f -- "$tmp" "$out"
trap - EXIT
printf 'mkusb: %s (%s MiB GPT, ESP at sector %s..%s, FAT32): %s\n' "$out" "$size_mb" "$start" "$end" \
	'\EFI\BOOT\BOOTX64.EFI + \nvmetal.cfg' >&2
