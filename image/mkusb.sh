#!/usr/bin/env bash
# image/mkusb.sh: build a GPT disk image with one EFI System Partition (FAT32) holding \EFI\BOOT\BOOTX64.EFI (signed for Secure Boot with SIGN_KEY/SIGN_CERT) and \nvmetal.cfg, for dd to a USB stick.
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
             SIGN_KEY, SIGN_CERT (both or neither): sign the BOOTX64.EFI put
             on the stick with sbsign (PEM private key, PEM X.509 certificate)
             and check it with sbverify --cert; without them it is unsigned
             SIGN_KEY_PASS: the passphrase of an encrypted SIGN_KEY (without
             it sbsign asks on the terminal)
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
sign_key=${SIGN_KEY:-} sign_cert=${SIGN_CERT:-}
if [[ -n $sign_key || -n $sign_cert ]]; then
	[[ -n $sign_key ]] || die "SIGN_CERT is set but SIGN_KEY is not: give both to sign, neither for an unsigned stick"
	[[ -n $sign_cert ]] || die "SIGN_KEY is set but SIGN_CERT is not: give both to sign, neither for an unsigned stick"
	[[ -f $sign_key && -r $sign_key ]] || die "SIGN_KEY '$sign_key' is not a readable file"
	[[ -f $sign_cert && -r $sign_cert ]] || die "SIGN_CERT '$sign_cert' is not a readable file"
	for t in sbsign sbverify; do
		command -v "$t" >/dev/null 2>&1 || die "'$t' not found (Debian package: sbsigntool; see image/packages.txt)"
	done
	[[ -z ${SIGN_KEY_PASS:-} ]] || command -v openssl >/dev/null 2>&1 ||
		die "'openssl' not found (Debian package: openssl), needed to read SIGN_KEY with SIGN_KEY_PASS"
fi
mkdir -p -- "$(dirname -- "$out")"

tmp="$out.tmp.$$"
signdir=
trap 'rm -f -- "$tmp"; [[ -z $signdir ]] || rm -rf -- "$signdir"' EXIT
rm -f -- "$tmp"

# Secure Boot: sign a copy of EFI (the build's own file stays unsigned) and check the copy
# against the certificate before it goes on the stick.
if [[ -n $sign_key ]]; then
	signdir=$(mktemp -d "${TMPDIR:-/tmp}/mkusb-sign.XXXXXX") || die "cannot create a temporary directory"
	key=$sign_key
	if [[ -n ${SIGN_KEY_PASS:-} ]]; then
		# sbsign has no passphrase option: decrypt into the private temporary directory.
		key=$signdir/key.pem
		(umask 077 && SIGN_KEY_PASS=$SIGN_KEY_PASS openssl pkey -in "$sign_key" -passin env:SIGN_KEY_PASS \
			-out "$key" 2>"$signdir/openssl.log") ||
			die "cannot read SIGN_KEY '$sign_key' with SIGN_KEY_PASS: $(tr '\n' ' ' <"$signdir/openssl.log")"
	fi
	# sbsign and sbverify warn "gaps between PE/COFF sections?" about the COFF symbol table
	# after the last section; they hash those bytes as Authenticode says (so does the
	# firmware), so that warning is left out of what is shown.
	signed=yes
	sbsign --key "$key" --cert "$sign_cert" --output "$signdir/BOOTX64.EFI" -- "$efi" \
		>"$signdir/sbsign.log" 2>&1 || signed=no
	[[ $key == "$sign_key" ]] || rm -f -- "$key" # the decrypted copy lives no longer than this
	if [[ $signed == no ]]; then
		grep -v 'gaps between PE/COFF sections' "$signdir/sbsign.log" | sed 's/^/sbsign: /' >&2
		hint=
		grep -q 'ENCRYPTED' -- "$sign_key" 2>/dev/null && [[ -z ${SIGN_KEY_PASS:-} ]] &&
			hint=" (the key is encrypted: run on a terminal to be asked its passphrase, or set SIGN_KEY_PASS)"
		die "sbsign could not sign '$efi' with SIGN_KEY '$sign_key' and SIGN_CERT '$sign_cert'$hint"
	fi
	verify=$(sbverify --cert "$sign_cert" -- "$signdir/BOOTX64.EFI" 2>&1) ||
		die "sbverify --cert '$sign_cert' rejects the signed image: $(grep -v 'gaps between' <<<"$verify" | tr '\n' ' ')"
	verify=$(grep -v 'gaps between' <<<"$verify" | tail -n 1)
	efi=$signdir/BOOTX64.EFI
	printf 'mkusb: signed BOOTX64.EFI with %s; sbverify --cert %s: %s\n' "$sign_key" "$sign_cert" "$verify" >&2
fi
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
[[ -z $signdir ]] || rm -rf -- "$signdir"
trap - EXIT
printf 'mkusb: %s (%s MiB GPT, ESP at sector %s..%s, FAT32): %s%s + %s\n' "$out" "$size_mb" "$start" "$end" \
	'\EFI\BOOT\BOOTX64.EFI' "${sign_key:+ (signed)}" '\nvmetal.cfg' >&2
