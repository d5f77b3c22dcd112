#!/usr/bin/env bash
# Runs each libFuzzer harness for FUZZ_S seconds on its corpus, after replaying the inputs
# saved in tests/fuzz/crashes/<harness>/; one line per run with libFuzzer's figures, then
# "fuzz: P passed, F failed". A crash, a sanitizer report or a broken invariant fails the run.
#   usage: tests/fuzz/run.sh HARNESS...        (make -C tests/fuzz run does this)
#   FUZZ_S   seconds per harness (default 10)
#   FUZZ_JOBS harnesses run at once (default 2: the CI machine has 2 cores)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/fuzz
secs=${FUZZ_S:-10}
parallel=${FUZZ_JOBS:-2}

# The part of a failed run's log that says what happened, indented under its "not ok" line.
report() {
  local log=$1
  # The sanitizer's verdict, the harness's own lines, and the stack frames in our sources.
  grep -E "^(==[0-9]+==ERROR|SUMMARY: |fuzz: |.*runtime error: |    #[0-9]+ 0x[0-9a-f]+ in .* $root/)" \
    "$log" | head -n 60 | sed "s|$root/||; s/^/    /"
  local unit
  unit=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
  if [[ -n $unit && -f $unit ]]; then
    echo "    input: ${unit#"$root"/} ($(stat -c %s "$unit") bytes; hex of the first 128:" \
         "$(od -An -tx1 -v -N128 "$unit" | tr -s ' \n' ' '))"
  fi
  echo "    log: ${log#"$root"/}"
}

# Replays the saved crashes, then fuzzes; writes its "ok"/"not ok" lines to stdout.
run_harness() {
  local harness=$1
  local bin=$build/bin/fuzz_$harness
  local corpus=$build/corpus/$harness
  local artifacts=$build/artifacts/$harness
  mkdir -p "$corpus" "$artifacts" "$build/logs"

  # Inputs that once failed stay as regression cases until the parser handles them.
  local input log
  for input in "$here/crashes/$harness"/*; do
    [[ -f $input ]] || continue
    log=$build/logs/$harness-replay-$(basename "$input").log
    if "$bin" "$input" >"$log" 2>&1; then
      echo "ok - fuzz.$harness.replay: ${input#"$root"/} runs clean"
    else
      echo "not ok - fuzz.$harness.replay: ${input#"$root"/} still fails"
      report "$log"
    fi
  done

  log=$build/logs/$harness.log
  local dict=()
  [[ -f $here/$harness.dict ]] && dict=(-dict="$here/$harness.dict")
  # The corpus directory comes first: libFuzzer adds the inputs it finds there, so later runs
  # start where earlier ones stopped; the seeds are read, never written.
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict[@]}" "$corpus" "$build/seeds/$harness" >"$log" 2>&1
  local rc=$?
  local last execs rate cov ft corp
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+)\/([0-9]+[KMG]?b).*/\1 inputs (\2)/p' <<<"$last")
  if ((rc == 0)); then
    echo "ok - fuzz.$harness: ${secs} s, ${execs:-?} execs (${rate:-?}/s)," \
         "corpus ${corp:-?}, cov ${cov:-?}, ft ${ft:-?}"
  else
    echo "not ok - fuzz.$harness: exit $rc after ${execs:-?} execs"
    report "$log"
  fi
}

echo "# fuzz: $# harnesses, ${secs} s each, $parallel at a time; corpora in ${build#"$root"/}/corpus"
mkdir -p "$build/logs"
for harness in "$@"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n; done
  run_harness "$harness" >"$build/logs/$harness.result" 2>&1 &
done
wait

passed=0 failed=0
for harness in "$@"; do
  cat "$build/logs/$harness.result"
  passed=$((passed + $(grep -c '^ok - ' "$build/logs/$harness.result")))
  failed=$((failed + $(grep -c '^not ok - ' "$build/logs/$harness.result")))
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
