#!/usr/bin/env bash
# tests/qemu/scenario-default.sh: default machine; the image's PCI inventory must equal QEMU's own query-pci, and no test may fail.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin default "${1:-}"
# An empty config: every key at its default (exit_action = reset).
cfg=$(make_cfg default '# scenario default: all keys at their defaults')
esp=$(make_esp default "$cfg") || { not_ok "ESP built" "see $WORK/default.build.log"; scenario_end; }

boot_and_inspect default -- --esp "$esp"
tap_extract "$WORK/default.serial" "$WORK/default.tap"

expect_grep "serial log starts a TAP version 13 stream" '^TAP version 13$' "$WORK/default.tap"
read -r passed failed skipped <<<"$(tap_summary "$WORK/default.tap")" || true
if [[ -n ${failed:-} ]]; then
	expect_eq "verdict line reports 0 failed ($passed passed, ${skipped:-0} skipped)" "$failed" 0
else
	not_ok "verdict line '# nvmetal: P passed, F failed, S skipped' present" "not found"
fi
expect_grep "pci.enumerate passed" '^ok [0-9]+ - pci\.enumerate([: ]|$)' "$WORK/default.tap"
expect_no_grep "no test point failed" '^not ok ' "$WORK/default.tap"
expect_no_grep "no bail out" '^Bail out!' "$WORK/default.tap"

if [[ $INSPECT_OK == yes ]]; then
	pci_from_tap "$WORK/default.tap" >"$WORK/default.image-pci"
	pci_from_qmp "$WORK/default.qmp.json" >"$WORK/default.qemu-pci"
	n_nvme=$(grep -c '^fn .* 01:08$' "$WORK/default.qemu-pci" || true)
	expect_eq "QEMU's query-pci shows the 2 default NVMe controllers" "$n_nvme" 2
	compare_inventory "$WORK/default.image-pci" "$WORK/default.qemu-pci"
fi
scenario_end
