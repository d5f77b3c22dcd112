# tests/qemu/lib.sh: shared helpers for the QEMU scenarios: boot, QMP, TAP parsing, PCI inventory comparison, assertions (sourced).
# shellcheck shell=bash

QEMU_TESTS=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd -- "$QEMU_TESTS/../.." && pwd)
QEMU_SH=$REPO/image/qemu.sh
MKESP=$REPO/image/mkesp.sh
MKUSB=$REPO/image/mkusb.sh
export MKUSB

SCENARIO=
WORK=
SOCKDIR=
N_OK=0
N_FAIL=0
declare -a BG_PIDS=()

# ---- reporting -------------------------------------------------------------

ok() { N_OK=$((N_OK + 1)); printf 'ok - %s: %s\n' "$SCENARIO" "$1"; }
# not_ok WHAT DETAILS: details are folded onto one line.
not_ok() {
	local details=${2:-}
	N_FAIL=$((N_FAIL + 1))
	details=${details//$'\n'/; }
	printf 'not ok - %s: %s%s\n' "$SCENARIO" "$1" "${details:+ ($details)}"
}
note() { printf '# %s: %s\n' "$SCENARIO" "$*"; }

# check WHAT DETAILS CMD...: ok if CMD succeeds, not ok with DETAILS otherwise.
check() {
	local what=$1 details=$2
	shift 2
	if "$@"; then ok "$what"; else not_ok "$what" "$details"; fi
}
# expect_eq WHAT GOT WANT
expect_eq() {
	if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}
# expect_grep WHAT ERE FILE: some line of FILE matches ERE.
expect_grep() {
	if grep -Eq -- "$2" "$3" 2>/dev/null; then ok "$1"; else not_ok "$1" "no line matching /$2/ in ${3#"$REPO"/}"; fi
}
# expect_no_grep WHAT ERE FILE: no line of FILE matches ERE (FILE must exist).
expect_no_grep() {
	local hit
	if [[ ! -f $3 ]]; then
		not_ok "$1" "${3#"$REPO"/} does not exist"
	elif hit=$(grep -Em1 -- "$2" "$3"); then
		not_ok "$1" "found: ${hit:0:160}"
	else
		ok "$1"
	fi
}
# expect_rc WHAT GOT WANT: exit codes, with the runner's special codes named.
expect_rc() {
	local name
	case $2 in
	124) name="124 = QEMU killed by the runner's TIMEOUT" ;;
	125) name="125 = QEMU ended without the image's exit code" ;;
	126) name="126 = QEMU could not run" ;;
	*) name=$2 ;;
	esac
	if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "exit code $name, want $3; see ${WORK#"$REPO"/}"; fi
}

# ---- scenario life cycle ---------------------------------------------------

# scenario_begin NAME [EFI]: set up $WORK (fresh, except the persistent state
# directory) and a short socket directory, and install the cleanup trap.
scenario_begin() {
	SCENARIO=$1
	NVMETAL_EFI=${2:-${NVMETAL_EFI:-$REPO/build/nvmetal.efi}}
	[[ -f $NVMETAL_EFI ]] || {
		printf 'not ok - %s: EFI image %s not found\n' "$SCENARIO" "$NVMETAL_EFI"
		exit 1
	}
	NVMETAL_EFI=$(cd -- "$(dirname -- "$NVMETAL_EFI")" && pwd)/$(basename -- "$NVMETAL_EFI")
	WORK=${QEMU_TEST_DIR:-$REPO/build/qemu-tests}/$SCENARIO
	mkdir -p -- "$WORK/state"
	find "$WORK" -mindepth 1 -maxdepth 1 ! -name state -exec rm -rf -- {} +
	# unix socket paths are limited to 107 bytes: keep them short
	SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/nvmetal-qmp.XXXXXX")
	trap scenario_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	note "work dir ${WORK#"$REPO"/}, image $NVMETAL_EFI"
}

# scenario_cleanup: stop every QEMU this scenario started (by the pid QEMU
# wrote itself, checked against its command line), then the runners.
# shellcheck disable=SC2317 # runs from the EXIT trap
scenario_cleanup() {
	local f pid i
	for f in "$WORK"/*.pid; do
		[[ -f $f ]] || continue
		pid=$(<"$f")
		[[ $pid =~ ^[0-9]+$ ]] || continue
		if grep -qF -- "$f" "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 20; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${BG_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[[ -n $SOCKDIR ]] && rm -rf -- "$SOCKDIR"
}

# scenario_end: one closing line; exit 0 only if something was asserted and
# nothing failed.
scenario_end() {
	if ((N_OK + N_FAIL == 0)); then
		not_ok "scenario made assertions" "none were made"
	fi
	note "$N_OK assertions held, $N_FAIL did not"
	if ((N_FAIL == 0)); then exit 0; fi
	exit 1
}

# ---- building boot media ---------------------------------------------------

# make_cfg NAME LINE...: write $WORK/NAME.cfg with one line per argument.
make_cfg() {
	local f=$WORK/$1.cfg
	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}
# make_esp NAME [CFG]: build $WORK/NAME.esp.img from $NVMETAL_EFI.
make_esp() {
	local img=$WORK/$1.esp.img
	"$MKESP" "$img" "$NVMETAL_EFI" ${2:+"$2"} 2>>"$WORK/$1.build.log" || return 1
	echo "$img"
}

# ---- booting ---------------------------------------------------------------

# Per boot NAME, the files are $WORK/NAME.{serial,runner.log,pid,time,trace}.
# boot_start NAME KNOB=VALUE... [-- RUNNER_ARGS...]: start image/qemu.sh in
# the background (QEMU's serial only to the log) and set BOOT_PID.
boot_start() {
	local name=$1
	shift
	local -a knobs=() args=()
	while (($#)); do
		if [[ $1 == -- ]]; then
			shift
			args=("$@")
			break
		fi
		knobs+=("$1")
		shift
	done
	rm -f -- "$WORK/$name".{serial,runner.log,pid,time,trace}
	env STATE_DIR="$WORK/state" SERIAL_LOG="$WORK/$name.serial" SERIAL_ECHO=no \
		PIDFILE="$WORK/$name.pid" TIME_FILE="$WORK/$name.time" TIMEOUT="${BOOT_TIMEOUT:-100}" \
		"${knobs[@]}" "$QEMU_SH" "${args[@]}" </dev/null >"$WORK/$name.runner.log" 2>&1 &
	BOOT_PID=$!
	BG_PIDS+=("$BOOT_PID")
}
# boot_wait: wait for the runner started last; set BOOT_RC and BOOT_SECONDS.
boot_wait() {
	BOOT_RC=0
	wait "$BOOT_PID" || BOOT_RC=$?
	BOOT_SECONDS=$(cat -- "$WORK/$BOOT_NAME.time" 2>/dev/null || echo unknown)
}
# boot NAME KNOB=VALUE... [-- RUNNER_ARGS...]: start and wait.
boot() {
	BOOT_NAME=$1
	boot_start "$@"
	boot_wait
	note "boot $BOOT_NAME: runner exit $BOOT_RC after ${BOOT_SECONDS}s"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s while the last runner lives.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while ((SECONDS < deadline)); do
		"$@" && return 0
		kill -0 "$BOOT_PID" 2>/dev/null || { "$@"; return; }
		sleep 0.2
	done
	return 1
}

# ---- QMP -------------------------------------------------------------------

# qmp SOCKET COMMAND_JSON...: run the commands in one QMP session and print
# each reply ({"return": ...} or {"error": ...}) on its own line.
qmp() {
	local sock=$1 line n=0 cmd
	shift
	coproc QMPC { exec socat -t 5 - "UNIX-CONNECT:$sock" 2>/dev/null; }
	local to=${QMPC[1]} from=${QMPC[0]} cpid=$QMPC_PID rc=0
	# greeting, then capabilities negotiation
	if ! read -r -t 10 line <&"$from" || [[ $line != *'"QMP"'* ]]; then
		rc=1
	else
		for cmd in '{"execute":"qmp_capabilities"}' "$@"; do
			n=$((n + 1))
			jq -c --argjson id "$n" '. + {id: $id}' <<<"$cmd" >&"$to" || { rc=1; break; }
			while read -r -t 20 line <&"$from"; do
				jq -e --argjson id "$n" '.id == $id' <<<"$line" >/dev/null 2>&1 || continue
				((n > 1)) && jq -c 'del(.id)' <<<"$line"
				break
			done || { rc=1; break; }
		done
	fi
	exec {to}>&-
	kill "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	return "$rc"
}
# qmp_status SOCKET: the run state ("running", "paused", "shutdown", ...).
qmp_status() {
	qmp "$1" '{"execute":"query-status"}' | jq -r '.return.status // empty'
}

# ---- TAP -------------------------------------------------------------------

# tap_extract SERIAL OUT: the TAP stream (from "TAP version 14" on), with \r
# and terminal escape sequences removed.  Firmware chatter before it is dropped.
tap_extract() {
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;=?]*[A-Za-z]//g' -- "$1" 2>/dev/null |
		awk '/^TAP version 14$/ { on = 1 } on' >"$2"
}
# tap_summary TAP: "P F S" from the closing "# nvmetal: P passed, F failed, S skipped".
tap_summary() {
	sed -nE 's/^# nvmetal: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/p' -- "$1" | tail -n1
}
# tap_points TAP: test point lines only.
tap_points() { grep -E '^(not )?ok [0-9]+( |$)' -- "$1" || true; }
# verdict_seen SERIAL: the image has printed its closing line or a bail out.
verdict_seen() {
	grep -Eq '^(# nvmetal: [0-9]+ passed|Bail out!)' <(tr -d '\r' 2>/dev/null <"$1")
}

# ---- PCI inventory -----------------------------------------------------------
# Both views are reduced to the same sorted lines:
#   fn  BB:DD.F vvvv:dddd cc:ss
#   bar BB:DD.F N io|mem32|mem64 pref|- 0xADDRESS SIZE_BYTES   (assigned BARs)
#   br  BB:DD.F SECONDARY SUBORDINATE

# size_bytes 16K|1G|32: size as printed by the image -> bytes.
size_bytes() {
	local s=${1%iB} n
	[[ $s =~ ^([0-9]+)([KMGT]?)B?$ ]] || { echo "?$1"; return; }
	n=${BASH_REMATCH[1]}
	case ${BASH_REMATCH[2]} in
	K) n=$((n << 10)) ;; M) n=$((n << 20)) ;; G) n=$((n << 30)) ;; T) n=$((n << 40)) ;;
	esac
	echo "$n"
}

# pci_from_tap TAP: the image's "# pci" lines, normalized.
pci_from_tap() {
	local line bdf='' idx kind pref addr size
	while IFS= read -r line; do
		if [[ $line =~ ^#\ pci\ ([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\ ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\ class\ ([0-9a-fA-F]{2}):([0-9a-fA-F]{2}) ]]; then
			bdf=${BASH_REMATCH[1],,}
			printf 'fn %s %s:%s %s:%s\n' "$bdf" "${BASH_REMATCH[2],,}" "${BASH_REMATCH[3],,}" "${BASH_REMATCH[4],,}" "${BASH_REMATCH[5],,}"
		elif [[ -n $bdf && $line =~ ^#\ pci\ +BAR([0-5])\ +(io|mem|mem32|mem64)\ +(pref\ +)?(0x[0-9a-fA-F]+)\ +size\ +([0-9]+[KMGT]?(i?B)?) ]]; then
			idx=${BASH_REMATCH[1]} kind=${BASH_REMATCH[2]} pref=${BASH_REMATCH[3]:+pref} addr=${BASH_REMATCH[4]}
			size=$(size_bytes "${BASH_REMATCH[5]}")
			[[ $kind == mem ]] && kind=mem32
			((addr == 0)) && continue # unassigned
			printf 'bar %s %s %s %s 0x%016x %s\n' "$bdf" "$idx" "$kind" "${pref:--}" "$((addr))" "$size"
		elif [[ -n $bdf && $line =~ ^#\ pci\ +bridge\ +secondary\ +([0-9a-fA-F]{2})\ +subordinate\ +([0-9a-fA-F]{2}) ]]; then
			printf 'br %s %s %s\n' "$bdf" "${BASH_REMATCH[1],,}" "${BASH_REMATCH[2],,}"
		fi
	done <"$1" | sort -u
}

# pci_from_qmp JSON: QEMU's query-pci reply, all buses recursively, normalized.
# ROM BARs (index 6) are left out; BARs QEMU shows unmapped (address -1,
# e.g. decoding disabled) are listed with address "unmapped".
pci_from_qmp() {
	jq -r '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  def hex(w): . as $n | [range(w)] | map(($n / pow(16; .) | floor) % 16) |
	      reverse | map("0123456789abcdef"[.:.+1]) | join("");
	  .return[] | devs |
	  ( [.bus, .slot, .function] ) as [$b, $d, $f] |
	  ("\($b|hex(2)):\($d|hex(2)).\($f)") as $bdf |
	  "fn \($bdf) \(.id.vendor|hex(4)):\(.id.device|hex(4)) \((.class_info.class / 256 | floor)|hex(2)):\((.class_info.class % 256)|hex(2))",
	  ( .regions[]? | select(.bar < 6) |
	    "bar \($bdf) \(.bar) \(if .type == "io" then "io" elif .mem_type_64 then "mem64" else "mem32" end) \(if .prefetch then "pref" else "-" end) \(if (.address < 0 or .address >= 9223372036854775807) then "unmapped" else "0x" + (.address|hex(16)) end) \(.size)" ),
	  ( .pci_bridge.bus? // empty | "br \($bdf) \(.secondary|hex(2)) \(.subordinate|hex(2))" )
	' "$1" | sort -u
}

# qmp_bdf_of JSON QDEV_ID: BB:DD.F of the device with that id in query-pci.
qmp_bdf_of() {
	jq -r --arg id "$2" '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  .return[] | devs | select(.qdev_id == $id) |
	  "\(.bus) \(.slot) \(.function)"' "$1" |
		while read -r b d f; do printf '%02x:%02x.%x\n' "$b" "$d" "$f"; done
}

# only_in KIND A B: lines of KIND found in only one of the two files, labelled
# (at most 8); never fails.
only_in() {
	diff <(grep "^$1 " "$2" || true) <(grep "^$1 " "$3" || true) |
		sed -n 's/^< /image only: /p; s/^> /QEMU only: /p' | head -n 8 || true
}

# compare_inventory TAP_PCI QMP_PCI: assertions that the image's inventory
# equals QEMU's: the same functions, the same assigned BARs, the same bridges.
compare_inventory() {
	local img=$1 qm=$2 d
	local nfn_img nfn_qmp
	nfn_img=$(grep -c '^fn ' "$img" || true)
	nfn_qmp=$(grep -c '^fn ' "$qm" || true)
	if ((nfn_qmp == 0)); then
		not_ok "QEMU's query-pci lists PCI functions" "none parsed from ${qm#"$REPO"/}"
		return
	fi
	d=$(only_in fn "$img" "$qm")
	if [[ -z $d ]]; then
		ok "all $nfn_qmp PCI functions match query-pci (BB:DD.F, vendor:device, class)"
	else
		not_ok "PCI functions match query-pci (image $nfn_img, QEMU $nfn_qmp)" "$d"
	fi

	local nbar_qmp nbar_img unmapped
	nbar_qmp=$(awk '$1 == "bar" && $6 != "unmapped"' "$qm" | wc -l)
	nbar_img=$(grep -c '^bar ' "$img" || true)
	unmapped=$(awk '$1 == "bar" && $6 == "unmapped" { print $2 " BAR" $3 }' "$qm" | paste -sd, -)
	d=$(only_in bar "$img" "$qm")
	if [[ -z $d && $nbar_qmp -gt 0 ]]; then
		ok "all $nbar_qmp assigned BARs match query-pci (index, type, address, size)"
	elif [[ -z $d ]]; then
		not_ok "assigned BARs match query-pci" "QEMU reports no mapped BAR at all"
	else
		not_ok "assigned BARs match query-pci (image $nbar_img, QEMU $nbar_qmp mapped)" \
			"$d${unmapped:+; QEMU shows unmapped (decode off?): $unmapped}"
	fi

	d=$(only_in br "$img" "$qm")
	if [[ -z $d ]]; then
		ok "bridge bus numbers match query-pci ($(grep -c '^br ' "$qm" || true) bridges)"
	else
		not_ok "bridge bus numbers match query-pci" "$d"
	fi
}

# boot_and_inspect NAME KNOB=VALUE...: boot without isa-debug-exit so that the
# image's fallback reset leaves QEMU paused (-action reboot=shutdown,
# shutdown=pause: no reset, device state kept), wait for the verdict, check
# the run state, save query-pci to $WORK/NAME.qmp.json and quit QEMU.
# Sets BOOT_RC and INSPECT_OK (yes/no).
INSPECT_OK=no
boot_and_inspect() {
	local name=$1 sock=$SOCKDIR/$1.qmp status
	shift
	BOOT_NAME=$name
	INSPECT_OK=no
	boot_start "$name" DEBUG_EXIT=off NO_REBOOT=off ACTION=reboot=shutdown,shutdown=pause \
		QMP="$sock" "$@"
	if ! wait_for "${BOOT_TIMEOUT:-100}" verdict_seen "$WORK/$name.serial"; then
		not_ok "image printed a verdict line" "nothing in ${WORK#"$REPO"/}/$name.serial"
	elif ! wait_for 30 test -S "$sock"; then
		not_ok "QMP socket appeared" "$sock missing"
	else
		# After the verdict the image resets: wait until QEMU has paused.
		status=
		# shellcheck disable=SC2016 # expanded by eval, on each try
		wait_for 60 eval 'status=$(qmp_status "$sock"); [[ $status == shutdown ]]' || true
		expect_eq "QEMU paused in run state 'shutdown' after the image's reset (no system reset happened)" \
			"${status:-no answer}" shutdown
		if qmp "$sock" '{"execute":"query-pci"}' >"$WORK/$name.qmp.json" &&
			jq -e '.return | length > 0' "$WORK/$name.qmp.json" >/dev/null 2>&1; then
			# shellcheck disable=SC2034 # read by the scenarios
			INSPECT_OK=yes
		else
			not_ok "query-pci over QMP answered" "see ${WORK#"$REPO"/}/$name.qmp.json"
		fi
		qmp "$sock" '{"execute":"quit"}' >/dev/null || true
	fi
	boot_wait
	note "boot $name: runner exit $BOOT_RC after ${BOOT_SECONDS}s"
}

# ---- serial timing from QEMU's trace ------------------------------------------

# serial_lines_from_trace TRACE: rebuild COM1's output from QEMU's
# serial_write trace events (needs TRACE_EVENTS=serial_write, which the
# runner stamps with wall time): one "SECONDS<TAB>LINE" per line, SECONDS
# being when QEMU saw the line's first byte.  Divisor-latch writes (LCR.DLAB)
# are not data and are skipped.
serial_lines_from_trace() {
	awk '
	  function hex(s,   i, n) {
	    n = 0; s = tolower(s)
	    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	    return n
	  }
	  /serial_write write addr 0x/ {
	    ts = $1; sub(/^[0-9]+@/, "", ts); sub(/:.*/, "", ts)
	    addr = $0; sub(/.*addr 0x/, "", addr); sub(/ .*/, "", addr)
	    val = $0;  sub(/.*val 0x/, "", val);   sub(/[^0-9a-fA-F].*/, "", val)
	    a = hex(addr); v = hex(val)
	    if (a == 3) { dlab = (v >= 128); next }
	    if (a != 0 || dlab) next
	    if (v == 13) next
	    if (v == 10) { print start "\t" line; line = ""; start = ""; next }
	    if (start == "") start = ts
	    line = line sprintf("%c", v)
	  }
	  END { if (line != "") print start "\t" line }
	' "$1"
}
