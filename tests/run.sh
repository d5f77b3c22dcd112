#!/usr/bin/env bash
# make test: host unit tests, the call-graph check, the fuzz harnesses, then every QEMU scenario; one summary line "N passed, N failed".
set -uo pipefail
efi=${1:?usage: tests/run.sh NVMETAL_EFI USB_IMG}
usb=${2:?usage: tests/run.sh NVMETAL_EFI USB_IMG}
here=$(cd "$(dirname "$0")" && pwd)
log_dir=$(cd "$here/.." && pwd)/build/test-logs
mkdir -p "$log_dir"

# Runs one part, streams its output, and pulls "<part>: P passed, F failed" from it.
passed=0 failed=0 status=0
run_part() {
  local name=$1; shift
  local log="$log_dir/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local summary
  summary=$(grep -a -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
  if [[ -z $summary ]]; then
    echo "not ok - $name: produced no summary line (exit $rc)"
    failed=$((failed + 1)); status=1; return
  fi
  local p f
  p=$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$summary")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
  passed=$((passed + p)); failed=$((failed + f))
  if ((rc != 0 || f != 0)); then status=1; fi
}

run_part host make --no-print-directory -C "$here/host" run
# The image's file-level call graph (from the objects make test just built): acyclic, downward.
run_part layers python3 "$here/layers.py" "$(cd "$here/.." && pwd)/build/obj"
# The parsers' libFuzzer harnesses, FUZZ_S seconds each (tests/fuzz/run.sh; about a minute).
run_part fuzz make --no-print-directory -j2 -C "$here/fuzz" run
# Each scenario's checks also go to build/test-logs/qemu/<scenario>.junit.xml, for CI viewers.
TEST_LOG_DIR=$log_dir run_part qemu bash "$here/qemu/run.sh" "$efi" "$usb"

echo
echo "logs: $log_dir (JUnit per scenario: ${log_dir#"$(cd "$here/.." && pwd)/"}/qemu/<scenario>.junit.xml)"
echo "$passed passed, $failed failed"
exit $status
