#!/usr/bin/env bash
# image/qemu-backports.sh DEST: Debian bookworm-backports' QEMU unpacked into DEST (never installed:
# the system's QEMU 7.2 stays what every other scenario runs), for the one scenario 7.2 cannot run:
# an x2APIC CPU with intel-iommu eim=on under TCG (QEMU 8.1 and later). Idempotent.
# Prints the binary's path. Uses its own apt lists under DEST, not the system's sources.
set -euo pipefail
dest=${1:?usage: image/qemu-backports.sh DEST}
bin=$dest/root/usr/bin/qemu-system-x86_64
if [[ -x $bin ]] && "$bin" --version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi
packages=(qemu-system-x86 qemu-system-data qemu-system-common)
mkdir -p "$dest/apt/lists/partial" "$dest/apt/cache/archives/partial" "$dest/debs"
cat >"$dest/apt/sources.list" <<LIST
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
LIST
apt_opts=(-o "Dir::Etc::SourceList=$dest/apt/sources.list" -o "Dir::Etc::SourceParts=-"
	-o "Dir::State::Lists=$dest/apt/lists" -o "Dir::Cache=$dest/apt/cache"
	-o "Debug::NoLocking=1" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update -qq >&2
# The packages of that list only (the versions of bookworm-backports), fetched not installed.
(cd "$dest/debs" && apt-get "${apt_opts[@]}" download "${packages[@]/%//bookworm-backports}" >&2)
rm -rf "$dest/root"
for deb in "$dest"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dest/root"
done
"$bin" --version >&2
echo "$bin"
