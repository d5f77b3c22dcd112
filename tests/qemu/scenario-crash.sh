#!/usr/bin/env bash
# tests/qemu/scenario-crash.sh: a deliberate CPU exception and a deliberate hang (selftest = exception|hang) must end in a Bail out, exit code 2, by themselves.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin crash "${1:-}"
BOOT_TIMEOUT=60 # both cases must end long before this

# ---- selftest = exception ------------------------------------------------
# Oracle: QEMU's own interrupt log (-d int) records every exception the CPU
# took, with its vector and instruction pointer.
cfg=$(make_cfg exception '# scenario crash: deliberate CPU exception' 'selftest = exception')
if esp=$(make_esp exception "$cfg"); then
	boot exception TRACE="$WORK/exception.trace" TRACE_EVENTS= LOG_ITEMS=int -- --esp "$esp"
	tap=$WORK/exception.tap
	tap_extract "$WORK/exception.serial" "$tap"
	expect_rc "exception: exit code 2 (bail out) through isa-debug-exit" "$BOOT_RC" 2
	if [[ $BOOT_SECONDS =~ ^[0-9.]+$ ]] && awk -v t="$BOOT_SECONDS" 'BEGIN { exit !(t < 40) }'; then
		ok "exception: QEMU ended by itself after ${BOOT_SECONDS}s (limit 40s)"
	else
		not_ok "exception: QEMU ended by itself within 40s" "took ${BOOT_SECONDS}s, runner exit $BOOT_RC"
	fi
	for reg in rip rsp cr2; do
		expect_grep "exception: register dump shows $reg" "^# exception.*\\b$reg\\b" "$tap"
	done
	bail=$(grep -m1 '^Bail out!' "$tap" || true)
	if [[ $bail =~ [Ee]xception ]]; then
		ok "exception: Bail out names the exception: ${bail:0:100}"
	else
		not_ok "exception: Bail out names the exception" "${bail:-no Bail out line}"
	fi
	vector='' rip=''
	[[ $bail =~ vector\ ([0-9]+) ]] && vector=${BASH_REMATCH[1]}
	[[ $bail =~ rip\ (0x[0-9a-fA-F]+) ]] && rip=${BASH_REMATCH[1]}
	if [[ -z $vector || -z $rip ]]; then
		not_ok "exception: Bail out gives 'vector N' and 'rip 0x...'" "${bail:-no Bail out line}"
	else
		v=$(printf '%02x' "$vector")
		r=$(printf '%016x' "$((rip))")
		# -d int lines: "N: v=06 e=0000 i=0 cpl=0 IP=0038:<rip> pc=... SP=..."
		if grep -Eq "v=$v e=[0-9a-f]+ i=0 .*IP=[0-9a-f]+:$r " "$WORK/exception.trace"; then
			ok "exception: QEMU's interrupt log shows vector $vector raised at rip $rip"
		else
			seen=$(grep -Eo 'v=[0-9a-f]{2} e=[0-9a-f]+ i=0 cpl=[0-9] IP=[0-9a-f]+:[0-9a-f]+' "$WORK/exception.trace" |
				grep -Ev 'v=(2[0-9a-f]|[3-9a-f][0-9a-f])' | tail -n 3 | paste -sd, - || true)
			not_ok "exception: QEMU's interrupt log shows vector $vector raised at rip $rip" \
				"last CPU exceptions logged: ${seen:-none}"
		fi
	fi
else
	not_ok "exception: ESP built" "see $WORK/exception.build.log"
fi

# ---- selftest = hang, timeout_s = 5 -------------------------------------------
# Oracle: QEMU's wall-clock-stamped trace of COM1 writes; the watchdog's Bail
# out must come about timeout_s after the image started talking, not sooner.
limit=5
cfg=$(make_cfg hang '# scenario crash: deliberate hang, caught by the watchdog' 'selftest = hang' "timeout_s = $limit")
if esp=$(make_esp hang "$cfg"); then
	boot hang TRACE="$WORK/hang.trace" TRACE_EVENTS=serial_write -- --esp "$esp"
	tap=$WORK/hang.tap
	tap_extract "$WORK/hang.serial" "$tap"
	expect_rc "hang: exit code 2 (bail out) through isa-debug-exit" "$BOOT_RC" 2
	expect_grep "hang: 'Bail out! watchdog...' printed" '^Bail out! .*watchdog' "$tap"
	serial_lines_from_trace "$WORK/hang.trace" >"$WORK/hang.timed"
	t_tap=$(awk -F'\t' '$2 == "TAP version 13" { print $1; exit }' "$WORK/hang.timed")
	t_bail=$(awk -F'\t' 'index($2, "Bail out!") == 1 { print $1; exit }' "$WORK/hang.timed")
	if [[ -n $t_tap && -n $t_bail ]]; then
		gap=$(awk -v a="$t_tap" -v b="$t_bail" 'BEGIN { printf "%.2f", b - a }')
		# The watchdog may start a little before the TAP header: allow 2 s.
		if awk -v g="$gap" -v l="$limit" 'BEGIN { exit !(g >= l - 2 && g <= l + 20) }'; then
			ok "hang: QEMU's trace puts the Bail out ${gap}s after 'TAP version 13' (timeout_s = $limit)"
		else
			not_ok "hang: QEMU's trace puts the Bail out about timeout_s = $limit s after 'TAP version 13'" \
				"gap ${gap}s"
		fi
	else
		not_ok "hang: QEMU's serial trace shows 'TAP version 13' and 'Bail out!'" \
			"see ${WORK#"$REPO"/}/hang.timed"
	fi
else
	not_ok "hang: ESP built" "see $WORK/hang.build.log"
fi
scenario_end
