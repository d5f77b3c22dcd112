#!/usr/bin/env bash
# tests/qemu/scenario-firmware-tables.sh: real firmware's ACPI: a Lenovo laptop's DMAR whose only DRHD has register base 0 (a BIOS bug) and 100 extra tables (an XSDT of 107 entries, as on servers): every table is found, the DMAR parses with the unit ignored, the VT-d cases SKIP naming the bug under iommu = auto and fail under require.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin firmware-tables "${1:-}"
dmar=$REPO/../shared/acpi-samples/lenovo-ideapadflex15-dmar.dat
if [[ ! -f $dmar ]]; then
	not_ok "the real DMAR sample is there" "$dmar missing (CI lays shared/ beside the repository)"
	scenario_end
fi
TRANSLATION_IDS=(vtd.unit.takeover vtd.translation.enable vtd.nvme.translated vtd.isolation.unmapped_iova
	vtd.isolation.read_only vtd.isolation.stale_register vtd.isolation.stale_queued vtd.isolation.other_domain
	vtd.scope.others_reach_ram vtd.p2p.cmb_copy)
# QEMU adds each -acpitable to the XSDT; its own tables make 7 more.
: >"$WORK/empty.bin"
extra=(-acpitable "file=$dmar")
for ((i = 0; i < 100; i++)); do extra+=(-acpitable "sig=T$(printf '%03d' "$i"),data=$WORK/empty.bin"); done

boot_tables() {
	local name=$1 cfg esp
	shift
	cfg=$(make_cfg "$name" "# scenario firmware-tables: $name" 'tests = platform.acpi.*, vtd.*, nvme.identify.*' "$@")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return 1; }
	boot_qmp "$name" IOMMU=none CMB_SIZE_MB=0 PMR_SIZE=0 -- --esp "$esp" -- "${extra[@]}"
	tap_extract "$WORK/$name.serial" "$WORK/$name.tap"
}

# ---- iommu = auto: SKIPs that name the firmware bug ------------------------------------
fresh_nvme_state
if boot_tables auto; then
	tap=$WORK/auto.tap
	expect_rc "auto: exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	expect_tap_clean "$tap"
	expect_grep "auto: the XSDT's 107 tables are all listed" \
		'^ok [0-9]+ - platform\.acpi\.root_table: XSDT lists 107 tables' "$tap"
	for sig in DMAR T000 T099; do
		expect_grep "auto: table $sig is among them" "^# acpi: XSDT entries [0-9]+\\.\\.[0-9]+:.* $sig( |$)" "$tap"
	done
	line=$(point_lines "$tap" vtd.dmar.parse)
	if [[ $line == 'ok '* && $line != *'# SKIP'* ]]; then ok "auto: vtd.dmar.parse passed"; else
		not_ok "auto: vtd.dmar.parse passed" "${line:-not reported}"; fi
	expect_grep "auto: vtd.dmar.parse's YAML reports the base-0 DRHD as ignored" \
		'^  ignored_unit_1: "DRHD at 0x30: register base is 0 \(a firmware bug\); unit ignored"$' "$tap"
	for id in "${TRANSLATION_IDS[@]}"; do
		line=$(point_lines "$tap" "$id")
		if [[ $line == 'ok '*"# SKIP the DMAR's only DRHD has register base 0 (a firmware bug); no usable VT-d unit" ]]; then
			ok "auto: $id SKIPs naming the base-0 DRHD"
		else
			not_ok "auto: $id SKIPs naming the base-0 DRHD" "${line:-not reported}"
		fi
	done
	expect_no_vtd_pass "$tap"
fi

# ---- iommu = require: the same machine fails the VT-d cases ---------------------------
fresh_nvme_state
if boot_tables require 'iommu = require'; then
	tap=$WORK/require.tap
	expect_rc "require: exit code 1 (fail) through isa-debug-exit" "$BOOT_RC" 1
	line=$(point_lines "$tap" vtd.translation.enable)
	if [[ $line == 'not ok '*'(iommu = require)'*'register base 0 (a firmware bug); no usable VT-d unit'* ]]; then
		ok "require: vtd.translation.enable fails naming iommu = require and the base-0 DRHD"
	else
		not_ok "require: vtd.translation.enable fails naming iommu = require and the base-0 DRHD" "${line:-not reported}"
	fi
	expect_no_grep "require: every failed test point is a vtd.* one" '^not ok [0-9]+ - [^v]|^not ok [0-9]+ - v[^t]' "$tap"
	expect_grep "require: vtd.dmar.parse still passes" '^ok [0-9]+ - vtd\.dmar\.parse: ' "$tap"
fi
scenario_end
