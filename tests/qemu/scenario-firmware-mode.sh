#!/usr/bin/env bash
# tests/qemu/scenario-firmware-mode.sh: exit_boot_services = no prints through the firmware's console and hands the machine back to it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin firmware-mode "${1:-}"
BOOT_TIMEOUT=90

cfg=$(make_cfg firmware '# scenario firmware-mode: keep boot services, return to firmware' \
	'exit_boot_services = no' 'tests = platform.*, pci.*')
esp=$(make_esp firmware "$cfg") || { not_ok "ESP built" "see $WORK/firmware.build.log"; scenario_end; }

# In this mode the image writes no exit code: it returns to the firmware, whose
# boot manager then starts its next option (UiApp on OVMF) and never exits.
BOOT_NAME=firmware
boot_start firmware -- --esp "$esp"
serial=$WORK/firmware.serial
resumed() { tr -d '\r' 2>/dev/null <"$serial" | awk '/^# nvmetal: /{seen=1} seen && /BdsDxe: (loading|starting) Boot/{found=1} END{exit !found}'; }
if wait_for 80 resumed; then
	ok "the firmware's boot manager ran again after the image's summary line (control returned)"
else
	not_ok "the firmware's boot manager ran again after the image's summary line" \
		"no 'BdsDxe: loading/starting Boot...' after '# nvmetal:' in ${serial#"$REPO"/}"
fi
scenario_stop_qemu "$WORK/firmware.pid"
boot_wait

tap=$WORK/firmware.tap
tap_extract "$serial" "$tap"
read -r passed failed skipped <<<"$(tap_summary "$tap")" || true
if [[ ${failed:-x} == 0 && ${passed:-0} -gt 0 ]]; then
	ok "verdict line reports 0 failed ($passed passed, $skipped skipped)"
else
	not_ok "verdict line reports 0 failed" "summary: '${passed:-} ${failed:-} ${skipped:-}'"
fi
expect_grep "platform.boot.exit_boot_services SKIPs naming the key" \
	'^ok [0-9]+ - platform\.boot\.exit_boot_services # SKIP exit_boot_services = no' "$tap"
expect_grep "pci.enumerate passed while the firmware owned the machine" '^ok [0-9]+ - pci\.enumerate:' "$tap"
# Through ConOut each line arrives once: the image must not also drive COM1 itself.
dupes=$(grep -cE '^TAP version 13$' "$tap" || true)
expect_eq "the TAP header appears once (firmware console only, no second COM1 stream)" "$dupes" 1
expect_no_grep "no bail out" '^Bail out!' "$tap"
scenario_end
