#!/usr/bin/env bash
# tests/qemu/scenario-no-nvme.sh: a machine without any NVMe controller; nvme.* tests must SKIP with a reason and the verdict must be a pass.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin no-nvme "${1:-}"
cfg=$(make_cfg no-nvme '# scenario no-nvme: defaults')
esp=$(make_esp no-nvme "$cfg") || { not_ok "ESP built" "see $WORK/no-nvme.build.log"; scenario_end; }

# QEMU starts frozen (-S): its device list is read over QMP before the guest
# runs a single instruction, then the machine is let go.
sock=$SOCKDIR/no-nvme.qmp
BOOT_NAME=no-nvme
boot_start no-nvme NVME_DRIVE_COUNT=0 START_PAUSED=yes QMP="$sock" -- --esp "$esp"
json=$WORK/no-nvme.qmp.json
if wait_for 30 test -S "$sock" && qmp "$sock" '{"execute":"query-pci"}' '{"execute":"cont"}' >"$WORK/no-nvme.qmp.out"; then
	head -n1 "$WORK/no-nvme.qmp.out" >"$json"
	pci_from_qmp "$json" >"$WORK/no-nvme.qemu-pci"
	nfn=$(grep -c '^fn ' "$WORK/no-nvme.qemu-pci" || true)
	nnvme=$(grep -c '^fn .* 01:08$' "$WORK/no-nvme.qemu-pci" || true)
	if ((nfn > 0 && nnvme == 0)); then
		ok "QEMU's query-pci lists $nfn functions and none of class 01:08 (NVMe)"
	else
		not_ok "QEMU's query-pci lists functions and none of class 01:08" "$nfn functions, $nnvme NVMe"
	fi
else
	not_ok "QMP query-pci and cont answered" "socket $sock; see ${WORK#"$REPO"/}/no-nvme.qmp.out"
fi
boot_wait
note "boot no-nvme: runner exit $BOOT_RC after ${BOOT_SECONDS}s"

tap=$WORK/no-nvme.tap
tap_extract "$WORK/no-nvme.serial" "$tap"
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
read -r passed failed skipped <<<"$(tap_summary "$tap")" || true
if [[ -n ${failed:-} ]]; then
	ok "verdict line present ($passed passed, $failed failed, ${skipped:-?} skipped)"
else
	not_ok "verdict line '# nvmetal: P passed, F failed, S skipped' present" "not found"
fi
expect_no_grep "image lists no NVMe controller in its inventory" '^# pci .*class 01:08:02' "$tap"
expect_no_grep "no test point failed" '^not ok ' "$tap"

nvme_points=$(grep -E '^(not )?ok [0-9]+ - nvme\.' "$tap" || true)
if [[ -z $nvme_points ]]; then
	not_ok "nvme.* test points are reported (as skips)" "no nvme.* test point in the TAP stream"
else
	n=$(wc -l <<<"$nvme_points")
	bad=$(grep -Ev '^ok [0-9]+ - nvme\.[^#]*# SKIP [^ ].*[^ ]' <<<"$nvme_points" | head -n 3 || true)
	if [[ -z $bad ]]; then
		ok "all $n nvme.* test points SKIP with a reason"
	else
		not_ok "all nvme.* test points SKIP with a reason" "${bad//$'\n'/ | }"
	fi
fi
scenario_end
