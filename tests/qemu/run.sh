#!/usr/bin/env bash
# tests/qemu/run.sh: run every QEMU scenario (tests/qemu/scenario-*.sh) against an nvmetal .efi, each under a hard timeout, and summarize.
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: tests/qemu/run.sh EFI_PATH [USB_IMG_PATH]
  EFI_PATH      the nvmetal UEFI application (e.g. build/nvmetal.efi)
  USB_IMG_PATH  optional GPT image from image/mkusb.sh for the usb scenario
                (default: the scenario builds one from EFI_PATH)
environment:
  SCENARIOS="default bridges ..."  run only these (default: all)
  SCENARIO_TIMEOUT=150             hard limit per scenario, in seconds
  JOBS=2                           scenarios run at once (1 = one after the
                                   other, output as it comes); each one's
                                   output is shown whole, in the usual order
  QEMU_TEST_DIR=build/qemu-tests   where each scenario keeps its files
USAGE
	exit 2
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)

(($# == 1 || $# == 2)) || usage
efi=$1 usb=${2:-}
[[ -f $efi ]] || { echo "run.sh: EFI image '$efi' not found" >&2; exit 2; }
[[ -z $usb || -f $usb ]] || { echo "run.sh: USB image '$usb' not found" >&2; exit 2; }
efi=$(cd -- "$(dirname -- "$efi")" && pwd)/$(basename -- "$efi")
[[ -z $usb ]] || usb=$(cd -- "$(dirname -- "$usb")" && pwd)/$(basename -- "$usb")
limit=${SCENARIO_TIMEOUT:-150}
if ! [[ $limit =~ ^[0-9]+$ ]] || ((limit == 0)); then
	echo "run.sh: SCENARIO_TIMEOUT='$limit' is not a number of seconds" >&2
	exit 2
fi
jobs=${JOBS:-2}
if ! [[ $jobs =~ ^[0-9]+$ ]] || ((jobs == 0 || jobs > 8)); then
	echo "run.sh: JOBS='$jobs' is not a number in 1..8" >&2
	exit 2
fi
export QEMU_TEST_DIR=${QEMU_TEST_DIR:-$repo/build/qemu-tests}
mkdir -p -- "$QEMU_TEST_DIR"
QEMU_TEST_DIR=$(cd -- "$QEMU_TEST_DIR" && pwd)

# Everything the scenarios call, with the Debian package that provides it.
missing=()
for pair in qemu-system-x86_64:qemu-system-x86 mformat:mtools mcopy:mtools sgdisk:gdisk \
	jq:jq socat:socat timeout:coreutils python3:python3 sha256sum:coreutils; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair%%:*} (${pair#*:})")
done
[[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]] || missing+=("/usr/share/OVMF/OVMF_CODE_4M.fd (ovmf)")
if ((${#missing[@]})); then
	printf 'run.sh: missing: %s; install image/packages.txt\n' "${missing[*]}" >&2
	echo "qemu: 0 passed, 1 failed"
	exit 1
fi

declare -a scripts=()
if [[ -n ${SCENARIOS:-} ]]; then
	for name in $SCENARIOS; do
		[[ -f $here/scenario-$name.sh ]] || { echo "run.sh: no scenario '$name' ($here/scenario-$name.sh)" >&2; exit 2; }
		scripts+=("$here/scenario-$name.sh")
	done
else
	for f in "$here"/scenario-*.sh; do scripts+=("$f"); done
fi
((${#scripts[@]})) || { echo "run.sh: no scenarios found in $here" >&2; exit 2; }

# leftover_qemu DIR: pids of QEMU processes whose command line names DIR
# (only this harness starts QEMU with files in a scenario's work dir).
leftover_qemu() {
	local p cmdline
	for p in /proc/[0-9]*; do
		cmdline=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ $cmdline == *qemu-system* && $cmdline == *"$1/"* ]] && echo "${p#/proc/}"
	done
	return 0
}

echo "# qemu scenarios: ${#scripts[@]}, image $efi, limit ${limit}s each, $jobs at a time"
passed=0 failed=0
declare -a failures=() pids=()
declare -A running=()

# start_scenario I: run scenario I in the background under the hard timeout
# (TERM, then KILL 10 s later; the scenario's trap stops its QEMU on TERM).
# Its output goes to its log; "EXIT_CODE SECONDS" to the log's .status file.
next=0
start_scenario() {
	local script=${scripts[$1]} name log
	name=$(basename -- "$script" .sh)
	name=${name#scenario-}
	log=$QEMU_TEST_DIR/$name.log
	rm -f -- "$log" "$log.status"
	(
		t0=$SECONDS
		rc=0
		timeout --kill-after=10 "$limit" bash "$script" "$efi" ${usb:+"$usb"} </dev/null >"$log" 2>&1 || rc=$?
		echo "$rc $((SECONDS - t0))" >"$log.status"
	) &
	pids[$1]=$!
	running[$!]=1
}
# start_next: start the next scenario, if any is left.
start_next() {
	if ((next < ${#scripts[@]})); then
		start_scenario "$next"
		next=$((next + 1))
	fi
}
# On INT/TERM: stop the scenarios still running (timeout passes the signal on).
stop_all() {
	local p
	for p in "${!running[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${!running[@]}"; do wait "$p" 2>/dev/null || true; done
	exit 130
}
trap stop_all INT TERM

for ((i = 0; i < jobs; i++)); do start_next; done
for ((i = 0; i < ${#scripts[@]}; i++)); do
	script=${scripts[$i]}
	name=$(basename -- "$script" .sh)
	name=${name#scenario-}
	work=$QEMU_TEST_DIR/$name
	log=$QEMU_TEST_DIR/$name.log
	if ((jobs == 1)); then
		# One at a time: show the output as it comes.
		tail -n +1 -s 0.2 -F --pid="${pids[$i]}" -- "$log" 2>/dev/null &
		tailer=$!
		wait "${pids[$i]}" || true
		wait "$tailer" 2>/dev/null || true
	else
		wait "${pids[$i]}" || true
		cat -- "$log"
	fi
	unset "running[${pids[$i]}]"
	rc=125 took='?'
	[[ -f $log.status ]] && read -r rc took <"$log.status"
	n_ok=$(grep -c '^ok - ' "$log" || true)
	n_bad=$(grep -c '^not ok - ' "$log" || true)
	reason=
	if ((rc == 124 || rc == 137)); then
		reason="killed by the harness after ${limit}s"
		echo "not ok - $name: finished within ${limit}s (hung; killed)"
		n_bad=$((n_bad + 1))
	fi
	left=$(leftover_qemu "$work" | paste -sd' ' -)
	if [[ -n $left ]]; then
		echo "not ok - $name: left no QEMU running (pids $left; stopping them)"
		for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
		n_bad=$((n_bad + 1))
		reason=${reason:-left QEMU running}
	fi
	if ((rc == 0 && n_bad == 0 && n_ok > 0)); then
		passed=$((passed + 1))
		echo "# scenario $name: passed ($n_ok assertions held, ${took}s)"
	else
		failed=$((failed + 1))
		[[ -n $reason ]] || { ((n_ok + n_bad == 0)) && reason="made no assertion (exit $rc)"; }
		[[ -n $reason ]] || reason="$n_bad of $((n_ok + n_bad)) assertions did not hold"
		failures+=("$name")
		echo "# scenario $name: FAILED: $reason (${took}s; files in ${work#"$repo"/})"
	fi
	start_next
done

((failed == 0)) || echo "# failed scenarios: ${failures[*]}"
n_junit=$(find "$QEMU_TEST_DIR" -mindepth 2 -maxdepth 2 -name '*.junit.xml' 2>/dev/null | wc -l)
echo "# each boot's clean TAP and JUnit XML ($n_junit boots): ${QEMU_TEST_DIR#"$repo"/}/<scenario>/<boot>.tap, <boot>.junit.xml"
echo "qemu: $passed passed, $failed failed"
((failed == 0))
