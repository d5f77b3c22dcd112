#!/usr/bin/env bash
# Installs the Debian packages nvmetal needs (build and QEMU side), only those missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# Build side; the QEMU side is listed in image/packages.txt.
packages=(gcc make binutils git xz-utils gnu-efi newlib-source nasm mtools)
while read -r name _; do
  [[ -z $name || $name == \#* ]] || packages+=("$name")
done <"$here/packages.txt"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages and not root; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
