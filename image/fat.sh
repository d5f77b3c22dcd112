# image/fat.sh: shared helpers for mkesp.sh and mkusb.sh (sourced, not run).
# shellcheck shell=bash

# die MESSAGE...: print to stderr with the calling script's name and exit 1.
die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# need_tools TOOL...: fail early, naming the Debian package, if a tool is missing.
need_tools() {
	local t pkg
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		case $t in
		mformat | mmd | mcopy | mdir) pkg=mtools ;;
		sgdisk) pkg=gdisk ;;
		*) pkg=$t ;;
		esac
		die "'$t' not found (Debian package: $pkg; see image/packages.txt)"
	done
}

# check_efi PATH: the file exists and looks like a PE image ("MZ" header).
check_efi() {
	local efi=$1 magic
	[[ -f $efi ]] || die "EFI application '$efi' not found"
	magic=$(head -c 2 -- "$efi" | od -An -tx1 | tr -d ' \n')
	[[ $magic == 4d5a ]] || die "'$efi' is not a PE/COFF image (no MZ header)"
}

# fat_fill IMAGE BYTE_OFFSET SECTORS LABEL FAT32(yes|no) EFI [CFG]
# Formats a FAT file system of SECTORS 512-byte sectors starting at
# BYTE_OFFSET inside IMAGE and installs EFI as \EFI\BOOT\BOOTX64.EFI and CFG
# (if non-empty) as \nvmetal.cfg.  No startup.nsh: the firmware's removable
# media path boots BOOTX64.EFI directly, without the shell's countdown.
fat_fill() {
	local img=$1 off=$2 sectors=$3 label=$4 fat32=$5 efi=$6 cfg=${7:-}
	local spec="$img@@$off"
	local -a fmt=(-i "$spec" -T "$sectors" -h 64 -s 32 -H $((off / 512)) -v "$label" -N 4e564d45)
	[[ $fat32 == yes ]] && fmt+=(-F)
	# MTOOLS_SKIP_CHECK: the geometry we pass need not divide the size evenly.
	export MTOOLS_SKIP_CHECK=1
	mformat "${fmt[@]}" :: || die "mformat failed on $spec"
	mmd -i "$spec" ::/EFI ::/EFI/BOOT || die "mmd failed on $spec"
	mcopy -i "$spec" -- "$efi" ::/EFI/BOOT/BOOTX64.EFI || die "mcopy of $efi failed"
	if [[ -n $cfg ]]; then
		mcopy -i "$spec" -- "$cfg" ::/nvmetal.cfg || die "mcopy of $cfg failed"
	fi
}
