#!/usr/bin/env bash
# image/mkesp.sh: build a bare FAT ESP image (no partition table) holding \EFI\BOOT\BOOTX64.EFI and an optional \nvmetal.cfg.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: image/mkesp.sh OUT.img EFI [CFG]
  OUT.img  image file to (re)create: a whole-disk FAT file system (superfloppy)
  EFI      the UEFI application, installed as \EFI\BOOT\BOOTX64.EFI
  CFG      optional config file, installed as \nvmetal.cfg
environment: ESP_SIZE_MB (default 32)
USAGE
	exit 2
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=fat.sh
. "$here/fat.sh"

(($# == 2 || $# == 3)) || usage
out=$1 efi=$2 cfg=${3:-}
size_mb=${ESP_SIZE_MB:-32}
if ! [[ $size_mb =~ ^[0-9]+$ ]] || ((size_mb < 8 || size_mb > 4096)); then
	die "ESP_SIZE_MB='$size_mb' must be a whole number of MiB in 8..4096"
fi

need_tools mformat mmd mcopy
check_efi "$efi"
[[ -z $cfg || -f $cfg ]] || die "config file '$cfg' not found"
mkdir -p -- "$(dirname -- "$out")"

# Build next to the target and rename, so a failure never leaves a half image.
tmp="$out.tmp.$$"
trap 'rm -f -- "$tmp"' EXIT
rm -f -- "$tmp"
truncate -s "${size_mb}M" -- "$tmp"
fat32=no
((size_mb >= 64)) && fat32=yes # FAT32 needs >= 65525 clusters
fat_fill "$tmp" 0 $((size_mb * 2048)) NVMETAL "$fat32" "$efi" "$cfg"
mv -f -- "$tmp" "$out"
trap - EXIT
printf 'mkesp: %s (%s MiB FAT): %s%s\n' "$out" "$size_mb" '\EFI\BOOT\BOOTX64.EFI' "${cfg:+ + \\nvmetal.cfg}" >&2
