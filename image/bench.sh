#!/usr/bin/env bash
# image/bench.sh: time nvmetal against a no-op EFI app on the same QEMU machine (QEMU start to exit, N runs each) and print "bench: key=value" lines.
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: image/bench.sh NVMETAL_EFI NOOP_EFI
  Boots each app BENCH_RUNS times (default 3) on the default machine of
  image/qemu.sh (same knobs as `make run`; the environment is passed on) and
  prints, as "bench: key=value" lines, each run's wall time from QEMU start
  to QEMU exit, the medians, the median ratio nvmetal/noop and the size of
  the nvmetal image.  NOOP_EFI is expected to exit at once through port 0xf4.
  One untimed warm-up boot per app comes first (OVMF initializes a fresh
  variable store on its first boot, which would skew run 1).
environment: BENCH_RUNS (3), BENCH_WARMUP (1), BENCH_DIR (build/bench),
             TIMEOUT per run (300)
USAGE
	exit 2
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/.." && pwd)
(($# == 2)) || usage
nvmetal=$1 noop=$2
for f in "$nvmetal" "$noop"; do
	[[ -f $f ]] || { echo "bench.sh: '$f' not found" >&2; exit 2; }
done
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-1}
if ! [[ $warmup =~ ^[0-9]+$ ]] || ((warmup > 5)); then
	echo "bench.sh: BENCH_WARMUP='$warmup' must be 0..5" >&2
	exit 2
fi
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs < 1 || runs > 50)); then
	echo "bench.sh: BENCH_RUNS='$runs' must be 1..50" >&2
	exit 2
fi
dir=${BENCH_DIR:-$repo/build/bench}
mkdir -p -- "$dir"

# median FILE: median of the numbers in FILE, one per line.
median() {
	sort -g -- "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

status=0
for which in nvmetal noop; do
	if [[ $which == nvmetal ]]; then efi=$nvmetal; else efi=$noop; fi
	: >"$dir/$which.times"
	# One state dir per app, kept across runs: the OVMF vars copy and the
	# namespace images exist before the first timed run.
	for ((i = 1 - warmup; i <= runs; i++)); do
		rc=0
		STATE_DIR="$dir/state-$which" SERIAL_LOG="$dir/$which-$i.serial" SERIAL_ECHO=no \
			TIME_FILE="$dir/$which-$i.time" TIMEOUT="${TIMEOUT:-300}" \
			"$here/qemu.sh" --efi "$efi" </dev/null >"$dir/$which-$i.log" 2>&1 || rc=$?
		t=$(cat -- "$dir/$which-$i.time" 2>/dev/null || echo '')
		if ((i < 1)); then
			((rc != 126)) || { echo "bench.sh: $which warm-up run failed (exit $rc); see $dir/$which-$i.log" >&2; exit 1; }
			continue
		fi
		if [[ -z $t ]]; then
			echo "bench.sh: $which run $i did not start QEMU (exit $rc); see $dir/$which-$i.log" >&2
			exit 1
		fi
		echo "bench: ${which}_run${i}_s=$t"
		echo "bench: ${which}_run${i}_exit=$rc"
		if ((rc != 0)) && ! [[ $which == nvmetal && ($rc == 1 || $rc == 77) ]]; then
			# A timeout, a bail out or a QEMU failure makes the time meaningless.
			echo "bench.sh: $which run $i exited $rc; its time is not a valid sample (see $dir/$which-$i.log)" >&2
			status=1
		fi
		echo "$t" >>"$dir/$which.times"
	done
done

m_nvmetal=$(median "$dir/nvmetal.times")
m_noop=$(median "$dir/noop.times")
echo "bench: nvmetal_median_s=$m_nvmetal"
echo "bench: noop_median_s=$m_noop"
echo "bench: ratio_median=$(awk -v a="$m_nvmetal" -v b="$m_noop" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')"
echo "bench: nvmetal_extra_s=$(awk -v a="$m_nvmetal" -v b="$m_noop" 'BEGIN { printf "%.3f", a - b }')"
bytes=$(stat -c %s -- "$nvmetal")
echo "bench: nvmetal_efi_bytes=$bytes"
echo "bench: nvmetal_efi_kib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')"
echo "bench: runs=$runs"
echo "bench: warmup_runs=$warmup"
exit "$status"
