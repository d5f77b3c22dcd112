#!/usr/bin/env bash
# tests/qemu/scenario-load-options.sh: load options as the UEFI shell passes them (startup.nsh runs nvmetal.efi with a command line): ASCII options override the file's keys; one no-break space (U+00A0, pasted from a web page) is a Bail out naming its position, before anything runs, instead of the options being dropped and the file's allow_write applying.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin load-options "${1:-}"
export MTOOLS_SKIP_CHECK=1
# The file allows writes; the command line must be what decides.
cfg=$(make_cfg load-options '# scenario load-options: the file says writes are allowed' 'allow_write = nvmetal-*')

# shell_esp NAME COMMAND_LINE: an ESP without a default loader (OVMF falls back to its
# shell) whose startup.nsh (UCS-2 with a BOM, as the shell reads it) runs COMMAND_LINE.
shell_esp() {
	local esp
	esp=$(make_esp "$1" "$cfg") || return 1
	mdel -i "$esp" ::/EFI/BOOT/BOOTX64.EFI && mcopy -i "$esp" "$NVMETAL_EFI" ::/nvmetal.efi || return 1
	# <NBSP> in COMMAND_LINE stands for U+00A0 (the shell's own locale cannot be relied on).
	python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\xff\xfe" + (sys.argv[2].replace("<NBSP>", "\u00a0") + "\r\n").encode("utf-16-le"))' \
		"$WORK/$1.nsh" "$2" && mcopy -i "$esp" "$WORK/$1.nsh" ::/startup.nsh || return 1
	echo "$esp"
}

# ---- ASCII options: they override the file ----------------------------------------
if esp=$(shell_esp ascii 'fs0:\nvmetal.efi tests=pci.enumerate allow_write=none'); then
	boot ascii IOMMU=none CMB_SIZE_MB=0 PMR_SIZE=0 -- --esp "$esp"
	tap=$WORK/ascii.tap
	tap_extract "$WORK/ascii.serial" "$tap"
	expect_rc "ascii: exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	expect_grep "ascii: the image printed the command line it was given" '^# load options: fs0:\\nvmetal\.efi tests=pci\.enumerate allow_write=none$' "$tap"
	expect_grep "ascii: allow_write from the command line overrode the file's" '^# config: allow_write = none$' "$tap"
	expect_grep "ascii: tests from the command line" '^# config: tests = pci\.enumerate$' "$tap"
	expect_eq "ascii: exactly the one selected test point ran" "$(tap_points "$tap" | cut -d' ' -f4 | paste -sd' ' -)" "pci.enumerate:"
else
	not_ok "ascii: shell ESP built" "see $WORK/ascii.build.log"
fi

# ---- a no-break space between two options ------------------------------------------
prefix='fs0:\nvmetal.efi tests=nvme.*'
line="$prefix<NBSP>allow_write=none"
position=$((${#prefix} + 1)) # ASCII before it: its 1-based position whatever the locale
if esp=$(shell_esp nbsp "$line"); then
	boot nbsp IOMMU=none CMB_SIZE_MB=0 PMR_SIZE=0 TRACE="$WORK/nbsp.trace" TRACE_EVENTS="pci_nvme_mmio_write pci_cfg_read" -- --esp "$esp"
	tap=$WORK/nbsp.tap
	tap_extract "$WORK/nbsp.serial" "$tap"
	expect_rc "nbsp: exit code 2 (bail out) through isa-debug-exit" "$BOOT_RC" 2
	expect_grep "nbsp: Bail out names the character's position and code point" \
		"^Bail out! load options: load option character $position is U\\+00A0" "$tap"
	expect_eq "nbsp: no test point ran" "$(tap_points "$tap" | wc -l)" 0
	if grep -q 'pci_cfg_read nvme' "$WORK/nbsp.trace" 2>/dev/null; then
		expect_no_grep "nbsp: QEMU saw no MMIO write to any NVMe controller" 'pci_nvme_mmio_write' "$WORK/nbsp.trace"
	else
		not_ok "nbsp: QEMU's trace recorded the NVMe controllers' config reads" "trace not working?"
	fi
else
	not_ok "nbsp: shell ESP built" "see $WORK/nbsp.build.log"
fi
scenario_end
