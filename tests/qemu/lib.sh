# tests/qemu/lib.sh: shared helpers for the QEMU scenarios: boot, QMP, TAP parsing, PCI inventory comparison, assertions (sourced).
# shellcheck shell=bash

QEMU_TESTS=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd -- "$QEMU_TESTS/../.." && pwd)
QEMU_SH=$REPO/image/qemu.sh
MKESP=$REPO/image/mkesp.sh
MKUSB=$REPO/image/mkusb.sh
export MKUSB

SCENARIO=
SCENARIO_ENDED=no
WORK=
SOCKDIR=
N_OK=0
N_FAIL=0
declare -a BG_PIDS=()

# ---- reporting -------------------------------------------------------------

# ok WHAT: a line break in WHAT is folded, as not_ok does with its details.
ok() {
	N_OK=$((N_OK + 1))
	printf 'ok - %s: %s\n' "$SCENARIO" "${1//$'\n'/; }"
}
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
	local rc=$? f pid i
	# A command that failed under set -e ends a scenario silently: say so.
	if [[ $SCENARIO_ENDED == no ]] && ((rc != 0 && rc != 130 && rc != 143)); then
		printf 'not ok - %s: ran to its end (stopped early, exit %s: a command failed under set -e)\n' "$SCENARIO" "$rc"
	fi
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
	SCENARIO_ENDED=yes
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

# tap_extract SERIAL OUT: the TAP stream (from "TAP version 13" or 14 to the plan or a
# Bail out!), without \r, escape sequences or firmware chatter: image/tap_tools.py clean,
# the same the runner leaves beside every serial log. No TAP at all: OUT is empty.
tap_extract() {
	python3 "$REPO/image/tap_tools.py" clean "$1" "$2" 2>/dev/null || : >"$2"
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

# ---- NVMe scenarios: QEMU's own view, test points, host files ------------------

NVME_ORACLE=$QEMU_TESTS/nvme_oracle.py
# oracle SUBCOMMAND ARGS...: tests/qemu/nvme_oracle.py (its header lists them).
oracle() { python3 "$NVME_ORACLE" "$@"; }

# What the NVMe scenarios trace: the controllers' events, where QEMU itself
# put each BAR, and COM1 (which places every event inside a test point).
# shellcheck disable=SC2034 # read by the scenarios
NVME_TRACE_EVENTS='pci_nvme_* pci_update_mappings_* serial_write'

# The write areas of the image's NVMe tests, in LBAs (half-open ranges):
# io.verify, the CMB tests, the copy target (second controller only), PMR DMA.
# shellcheck disable=SC2034 # read by the scenarios
AREA_IO_VERIFY=0-1200
# shellcheck disable=SC2034
AREA_CMB=4096-4160
# shellcheck disable=SC2034
AREA_COPY=8192-8224
# shellcheck disable=SC2034
AREA_PMR_DMA=12288-12352
# The format cases (metadata, protection, Write Zeroes, deallocation) and the multipath case.
# shellcheck disable=SC2034
AREA_FORMAT=14336-16384

# fresh_nvme_state: delete the namespace images and PMR files in $WORK/state;
# the runner makes new ones (sparse, all zero) at the next boot.
fresh_nvme_state() { rm -f -- "$WORK"/state/nvme*.img "$WORK"/state/pmr*.bin; }

# boot_qmp NAME KNOB=VALUE... [-- RUNNER_ARGS...]: boot with QEMU frozen (-S)
# until query-pci is saved to $WORK/NAME.qmp.json (devices as realized; BARs
# are placed later, by the firmware), then run to the end.  Sets BOOT_RC,
# BOOT_SECONDS and QMP_OK (yes/no).
QMP_OK=no
boot_qmp() {
	local name=$1 sock=$SOCKDIR/$1.qmp
	shift
	BOOT_NAME=$name
	QMP_OK=no
	local -a knobs=() args=()
	while (($#)); do
		if [[ $1 == -- ]]; then
			args=("$@")
			break
		fi
		knobs+=("$1")
		shift
	done
	boot_start "$name" START_PAUSED=yes QMP="$sock" "${knobs[@]}" "${args[@]}"
	if wait_for 30 test -S "$sock" &&
		qmp "$sock" '{"execute":"query-pci"}' '{"execute":"cont"}' >"$WORK/$name.qmp.out"; then
		head -n1 "$WORK/$name.qmp.out" >"$WORK/$name.qmp.json"
		if jq -e '.return | length > 0' "$WORK/$name.qmp.json" >/dev/null 2>&1; then
			# shellcheck disable=SC2034 # read by the scenarios
			QMP_OK=yes
		else
			not_ok "QMP query-pci answered" "see ${WORK#"$REPO"/}/$name.qmp.out"
		fi
	else
		not_ok "QMP query-pci and cont answered" "socket $sock; see ${WORK#"$REPO"/}/$name.qmp.out"
		# QEMU waits frozen for a cont that will not come: stop it.
		scenario_stop_qemu "$WORK/$name.pid"
	fi
	boot_wait
	note "boot $name: runner exit $BOOT_RC after ${BOOT_SECONDS}s"
}

# scenario_stop_qemu PIDFILE: stop the QEMU that wrote PIDFILE (checked
# against its command line, as scenario_cleanup does).
scenario_stop_qemu() {
	local f=$1 pid i
	[[ -f $f ]] || return 0
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	grep -qF -- "$f" "/proc/$pid/cmdline" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# qmp_nvme JSON: "qdev_id BB:DD.F" of each NVMe function (class 01:08) that
# QEMU realized, in qdev_id order (nvme0, nvme1, ...: the runner's order).
qmp_nvme() {
	jq -r '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  .return[] | devs | select(.class_info.class == 264) |
	  "\(.qdev_id) \(.bus) \(.slot) \(.function)"' "$1" | sort -V |
		while read -r id b d f; do printf '%s %02x:%02x.%x\n' "$id" "$b" "$d" "$f"; done
}
# qmp_bar_sizes JSON BDF: "INDEX:SIZE ..." of that function's BARs in query-pci.
qmp_bar_sizes() {
	jq -r --arg bdf "$2" '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  def hex2: . as $n | [($n / 16 | floor), ($n % 16)] | map("0123456789abcdef"[.:.+1]) | join("");
	  .return[] | devs | select("\(.bus | hex2):\(.slot | hex2).\(.function)" == $bdf) |
	  [.regions[]? | select(.bar < 6) | "\(.bar):\(.size)"] | join(" ")' "$1"
}

# ---- test points ----------------------------------------------------------------

# point_lines TAP ID [WHERE]: the test point lines of ID (on WHERE, exactly:
# a controller BB:DD.F, or BB:DD.F/PASS for a later pass such as /vtd).
point_lines() {
	local re="^(not )?ok [0-9]+ - ${2//./\\.}"
	if [[ -n ${3:-} ]]; then re+=": ${3//./\\.}( |$)"; else re+="(:| |$)"; fi
	grep -E -- "$re" "$1" || true
}
# controller_lines TAP ID BDF: the lines of ID on controller BDF in every pass
# (BDF itself and BDF/PASS).
controller_lines() {
	grep -E -- "^(not )?ok [0-9]+ - ${2//./\\.}: ${3//./\\.}(/[A-Za-z0-9_.-]+)?( |$)" "$1" || true
}
# expect_points_pass TAP "BDF..." ID...: one assertion per ID: on each
# controller it ran at least once, in the first pass (plain BB:DD.F) among
# others, and every run of it is ok, not a SKIP or TODO.  ID@any: any pass
# will do (a test that runs once, in whichever pass comes last).
expect_points_pass() {
	local tap=$1 bdfs=$2 id bdf lines runs=0 any
	shift 2
	for id in "$@"; do
		local -a bad=()
		runs=0 any=no
		[[ $id == *@any ]] && any=yes id=${id%@any}
		for bdf in $bdfs; do
			lines=$(controller_lines "$tap" "$id" "$bdf")
			if [[ -z $lines || ($any == no && -z $(point_lines "$tap" "$id" "$bdf")) ]]; then
				bad+=("$bdf: not reported")
				continue
			fi
			runs=$((runs + $(grep -c . <<<"$lines" || true)))
			while IFS= read -r line; do
				[[ $line == ok\ * && ! $line =~ \#\ (SKIP|TODO) ]] || bad+=("${line:0:140}")
			done <<<"$lines"
		done
		if ((${#bad[@]} == 0)); then
			ok "$id passed on each of: $bdfs ($runs runs)"
		else
			not_ok "$id passed on each of: $bdfs" "$(printf '%s | ' "${bad[@]}")"
		fi
	done
}
# expect_points_skip TAP "BDF..." ERE ID...: one assertion per ID: on each
# controller it is reported (in the first pass among others), and every run of
# it is ok # SKIP with a reason matching ERE.
expect_points_skip() {
	local tap=$1 bdfs=$2 ere=$3 id bdf lines runs
	shift 3
	for id in "$@"; do
		local -a bad=()
		runs=0
		for bdf in $bdfs; do
			lines=$(controller_lines "$tap" "$id" "$bdf")
			if [[ -z $(point_lines "$tap" "$id" "$bdf") ]]; then
				bad+=("$bdf: not reported")
				continue
			fi
			runs=$((runs + $(grep -c . <<<"$lines" || true)))
			while IFS= read -r line; do
				if [[ $line != ok\ *'# SKIP '* ]] || ! grep -Eq -- "$ere" <<<"${line#*# SKIP }"; then
					bad+=("${line:0:140}")
				fi
			done <<<"$lines"
		done
		if ((${#bad[@]} == 0)); then
			ok "$id SKIPs on each of: $bdfs ($runs runs), the reason matching /$ere/"
		else
			not_ok "$id SKIPs on each of: $bdfs with a reason matching /$ere/" "$(printf '%s | ' "${bad[@]}")"
		fi
	done
}
# expect_clean_pass NAME TAP: after boot NAME, TAP is its serial log's TAP stream; the
# image exited 0 through isa-debug-exit and the run is clean (expect_tap_clean).
expect_clean_pass() {
	tap_extract "$WORK/$1.serial" "$2"
	expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	expect_tap_clean "$2"
}
# expect_tap_clean TAP: the closing verdict line says 0 failed, no test point
# failed, no bail out.
expect_tap_clean() {
	local passed failed skipped
	read -r passed failed skipped <<<"$(tap_summary "$1")" || true
	if [[ -n ${failed:-} ]]; then
		expect_eq "verdict line reports 0 failed ($passed passed, ${skipped:-0} skipped)" "$failed" 0
	else
		not_ok "verdict line '# nvmetal: P passed, F failed, S skipped' present" "not found"
	fi
	expect_no_grep "no test point failed" '^not ok ' "$1"
	expect_no_grep "no bail out" '^Bail out!' "$1"
}

# ---- the reduced trace (oracle trace) ----------------------------------------------

# seg_events SUM ID BDF EVENT: the ev lines of EVENT that QEMU logged while
# test point ID ran on BDF (the events printed before that point's line).
seg_events() {
	awk -v id="$2" -v bdf="$3" -v ev="$4" '$1 == "ev" && $3 == id && $4 == bdf && $5 == ev' "$1"
}
# trace_bar SUM BDF INDEX: "0xADDR SIZE" of every placement QEMU gave that BAR.
trace_bar() { awk -v bdf="$2" -v i="$3" '$1 == "bar" && $2 == bdf && $3 == i { print $4, $5 }' "$1"; }

# expect_trace_no_errors SUM [ALLOWED_ID]: no pci_nvme_err_* or pci_nvme_ub_*
# event at all, except "status 0x4012" completions inside test point
# ALLOWED_ID (the refusal that test provokes), Compare Failure (0x285) of a
# Compare (opc 0x5) inside vtd.isolation.read_only/other_domain: those cases
# prove a device read went through with a Compare against a canary page,
# which is meant to differ from the media; and the statuses the format and
# zone cases provoke on purpose, each only inside its own test point: guard,
# application and reference tag errors of Reads in nvme.io.protection,
# Deallocated or Unwritten Logical Block of a Read in nvme.io.deallocate, and
# the write past the write pointer (Zone Invalid Write) in nvme.zns.zone_cycle.
expect_trace_no_errors() {
	local bad
	bad=$(awk -v allow="${2:-}" '$1 == "ev" && $5 == "err" &&
		!(allow != "" && $3 == allow && $6 == "pci_nvme_err_req_status" && / status 0x4012 /) &&
		!(($3 == "vtd.isolation.read_only" || $3 == "vtd.isolation.other_domain") &&
		  $6 == "pci_nvme_err_req_status" && / status 0x285 opc 0x5/) &&
		!($3 == "nvme.io.protection" && $6 == "pci_nvme_err_req_status" && / status 0x28[234] opc 0x2$/) &&
		!($3 == "nvme.io.deallocate" && $6 == "pci_nvme_err_req_status" && / status 0x4?287 opc 0x2$/) &&
		!($3 == "nvme.zns.zone_cycle" && ($6 == "pci_nvme_err_write_not_at_wp" ||
		  ($6 == "pci_nvme_err_req_status" && / status 0x41bc opc 0x1$/)))' "$1" |
		head -n 3 | cut -d' ' -f3- | paste -sd'|' -)
	if [[ -z $bad ]]; then
		ok "QEMU's trace has no pci_nvme_err_* / pci_nvme_ub_* event${2:+ besides the 0x4012 refusals in $2} (no CFS, no start failure)"
	else
		not_ok "QEMU's trace has no pci_nvme_err_* / pci_nvme_ub_* event${2:+ besides the 0x4012 refusals in $2}" "$bad"
	fi
}

# expect_cmb_trace SUM BDF TAP: QEMU's record of the CMB tests on BDF: the
# queues and data the image claims in the CMB really were in BDF's BAR2, as
# QEMU placed it.
expect_cmb_trace() {
	local sum=$1 bdf=$2 tap=$3 win="$2/2" bar2 got claim last n
	bar2=$(trace_bar "$sum" "$bdf" 2)
	if [[ $(grep -c . <<<"$bar2" || true) -ne 1 || -z $bar2 ]]; then
		not_ok "$bdf: QEMU placed BAR2 (the CMB) once" "placements: ${bar2:-none}"
		return
	fi
	ok "$bdf: QEMU placed BAR2 (the CMB) at ${bar2% *}, $((${bar2#* } >> 20)) MiB"

	got=$(seg_events "$sum" nvme.cmb.admin_sq "$bdf" asq | grep -F "win=$win" | head -n1 || true)
	if [[ -n $got ]] && awk -v id=nvme.cmb.admin_sq -v bdf="$bdf" -v win="win=$win" '
		  $1 == "ev" && $3 == id && $4 == bdf {
		    if ($5 == "asq") cmb = (index($0, win) > 0)
		    else if ($5 == "mmio_start_success" && cmb) found = 1
		  }
		  END { exit !found }' "$sum"; then
		ok "$bdf: during nvme.cmb.admin_sq QEMU enabled the controller with its admin SQ in BAR2 (${got##*asq })"
	else
		not_ok "$bdf: during nvme.cmb.admin_sq QEMU enabled the controller with its admin SQ in BAR2" \
			"asq events: $(seg_events "$sum" nvme.cmb.admin_sq "$bdf" asq | cut -d' ' -f6- | paste -sd, -)"
	fi

	got=$(seg_events "$sum" nvme.cmb.io_sq "$bdf" create_sq | grep -E ' sqid=1 .*win='"$win"'$' | head -n1 || true)
	if [[ -n $got ]]; then
		ok "$bdf: during nvme.cmb.io_sq QEMU created I/O SQ 1 in BAR2 ($(cut -d' ' -f9- <<<"$got"))"
	else
		not_ok "$bdf: during nvme.cmb.io_sq QEMU created I/O SQ 1 in BAR2" \
			"create_sq events: $(seg_events "$sum" nvme.cmb.io_sq "$bdf" create_sq | cut -d' ' -f6- | paste -sd, -)"
	fi

	# nvme.queues.io_pair says where SQ 1 is; QEMU says where it created the
	# last SQ 1 on this controller before that point.
	claim=$(point_lines "$tap" nvme.queues.io_pair "$bdf" | grep -Eo 'SQ 1 \((CMB|host)\)' | head -n1 || true)
	last=$(awk -v bdf="$bdf" '
	  $1 == "point" && $3 == "nvme.queues.io_pair" && $4 == bdf { print where; exit }
	  $1 == "ev" && $4 == bdf && $5 == "create_sq" && $6 == "sqid=1" { where = $NF }' "$sum")
	if [[ -z $claim ]]; then
		not_ok "$bdf: nvme.queues.io_pair says where SQ 1 is" "$(point_lines "$tap" nvme.queues.io_pair "$bdf")"
	elif [[ ($claim == *CMB* && $last == "win=$win") || ($claim == *host* && $last == win=-) ]]; then
		ok "$bdf: nvme.queues.io_pair's '$claim' matches QEMU's last SQ 1 before it ($last)"
	else
		not_ok "$bdf: nvme.queues.io_pair's '$claim' matches QEMU's last SQ 1 before it" "QEMU: ${last:-no SQ 1 created}"
	fi

	for id in nvme.cmb.read_into_cmb nvme.cmb.write_from_cmb; do
		n=$(seg_events "$sum" "$id" "$bdf" cmb_map | grep -cF "win=$win" || true)
		if ((n >= 4)); then
			ok "$bdf: during $id QEMU moved data through its own CMB ($n pci_nvme_map_addr_cmb pages in BAR2)"
		else
			not_ok "$bdf: during $id QEMU moved data through its own CMB (>= 4 pages)" "$n pci_nvme_map_addr_cmb in BAR2"
		fi
	done

	if seg_events "$sum" nvme.cmb.mixed_prp_rejected "$bdf" err | grep -q 'pci_nvme_err_req_status .*status 0x4012 '; then
		ok "$bdf: during nvme.cmb.mixed_prp_rejected QEMU itself completed a command with 0x4012"
	else
		not_ok "$bdf: during nvme.cmb.mixed_prp_rejected QEMU itself completed a command with 0x4012" \
			"$(seg_events "$sum" nvme.cmb.mixed_prp_rejected "$bdf" err | cut -d' ' -f6- | paste -sd, -)"
	fi
}

# expect_shutdown_trace SUM BDF: during nvme.controller.shutdown on BDF (in
# whichever pass it ran), QEMU saw CC.SHN set.
expect_shutdown_trace() {
	if awk -v bdf="$2" '$1 == "ev" && $3 == "nvme.controller.shutdown" &&
		($4 == bdf || index($4, bdf "/") == 1) && $5 == "mmio_shutdown_set" { found = 1 }
		END { exit !found }' "$1"; then
		ok "$2: during nvme.controller.shutdown QEMU saw CC.SHN set (pci_nvme_mmio_shutdown_set)"
	else
		not_ok "$2: during nvme.controller.shutdown QEMU saw CC.SHN set" "no pci_nvme_mmio_shutdown_set in that test point"
	fi
}

# expect_pmr_enable_trace SUM BDF: during nvme.pmr.enable on BDF, QEMU saw
# PMRCTL (0xE04) written with EN=1.
expect_pmr_enable_trace() {
	if seg_events "$1" nvme.pmr.enable "$2" mmio_write | grep -q ' reg=0xe04 data=0x1 '; then
		ok "$2: during nvme.pmr.enable QEMU saw PMRCTL (0xe04) written with 0x1"
	else
		not_ok "$2: during nvme.pmr.enable QEMU saw PMRCTL (0xe04) written with 0x1" \
			"writes: $(seg_events "$1" nvme.pmr.enable "$2" mmio_write | cut -d' ' -f6-7 | paste -sd, -)"
	fi
}

# ---- namespace images and PMR files ------------------------------------------------

# expect_oracle WHAT ORACLE_ARGS...: ok if the oracle's check holds; its
# findings go into the message.
expect_oracle() {
	local what=$1 out rc=0
	shift
	out=$(oracle "$@" 2>&1) || rc=$?
	if ((rc == 0)); then ok "$what: $out"; else not_ok "$what" "$out"; fi
}

# The NVMe test points that must pass on every controller of a machine with a
# CMB and a PMR when allow_write names the controllers.
# shellcheck disable=SC2034 # read by the scenarios
NVME_BASE_IDS=(nvme.controller.takeover nvme.identify.controller nvme.identify.namespaces
	nvme.queues.io_pair nvme.io.verify nvme.io.flush nvme.controller.shutdown@any)
# shellcheck disable=SC2034
NVME_CMB_IDS=(nvme.cmb.discover nvme.cmb.window_excludes_host nvme.cmb.admin_sq nvme.cmb.io_sq
	nvme.cmb.prp_list nvme.cmb.read_into_cmb nvme.cmb.write_from_cmb nvme.cmb.mixed_prp_rejected)
# shellcheck disable=SC2034
NVME_PMR_IDS=(nvme.pmr.discover nvme.pmr.enable nvme.pmr.power_cycle nvme.pmr.access_widths
	nvme.pmr.disable_hides_data nvme.pmr.survives_reset nvme.pmr.survives_flr nvme.pmr.dma_target)

# The SKIPs every plain namespace (512 B blocks, no metadata, conventional) and a
# machine without a shared namespace explain, for expect_only_skips.
# shellcheck disable=SC2034
NVME_PLAIN_SKIPS='nvme\.io\.metadata: [^#]* # SKIP format [0-9]+ B has no metadata|nvme\.io\.protection: [^#]* # SKIP format [0-9]+ B has no protection information|nvme\.zns\.[a-z_]+: [^#]* # SKIP not a zoned namespace \(CSI 0x00\)|nvme\.multipath\.shared_namespace # SKIP no namespace with NMIC bit 0 .*|nvme\.devices\.left_alone # SKIP config devices selects all [0-9]+ NVMe controllers found'

# expect_only_skips TAP ERE WHY: every nvme.* test point that SKIPs matches
# ERE in its "ID: WHERE" part (the skips this machine explains: WHY).
expect_only_skips() {
	local bad
	bad=$(grep -E '^ok [0-9]+ - nvme\.[^ ]* .*# SKIP' "$1" | grep -Ev "^ok [0-9]+ - ($2)( |$)" | head -n 3 || true)
	if [[ -z $bad ]]; then
		ok "no other nvme.* test point SKIPs ($3)"
	else
		not_ok "no other nvme.* test point SKIPs ($3)" "${bad//$'\n'/ | }"
	fi
}

# copy_parties TAP: "SOURCE TARGET LBA" from nvme.cmb.copy_between_controllers.
copy_parties() {
	point_lines "$1" nvme.cmb.copy_between_controllers | grep -v '# SKIP' |
		sed -nE "s/.* read into ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])'s CMB, written by ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) straight from it to LBA ([0-9]+).*/\1 \2 \3/p" |
		head -n1
}

# expect_pmr_record WHAT FILE GENERATION: FILE holds a valid PMR record
# (lib/pmr_record.h: CRCs and pattern payload checked) of that generation.
expect_pmr_record() {
	local out rc=0
	out=$(oracle pmr "$2" 2>&1) || rc=$?
	if ((rc == 0)) && [[ $out == "valid generation $3 "* ]]; then
		ok "$1: $out"
	else
		not_ok "$1" "want a valid record of generation $3; oracle: $out"
	fi
}

# nvme_controllers JSON: from QEMU's query-pci, set NVME_BDFS ("BB:DD.F ..."
# in the runner's order) and NVME_INDEX[BB:DD.F] = N, the controller's
# number: its files are $WORK/state/nvmeN.img and pmrN.bin, its serial
# nvmetal-N.
NVME_BDFS=''
# shellcheck disable=SC2034 # read by the scenarios
declare -A NVME_INDEX=()
nvme_controllers() {
	local id bdf
	NVME_BDFS=''
	NVME_INDEX=()
	while read -r id bdf; do
		[[ $id =~ ^nvme([0-9]+)$ ]] || continue
		# shellcheck disable=SC2034 # read by the scenarios
		NVME_INDEX[$bdf]=${BASH_REMATCH[1]}
		NVME_BDFS+="${NVME_BDFS:+ }$bdf"
	done < <(qmp_nvme "$1")
}

# sha256_of FILE...: "NAME=HASH ..." (basename), for before/after comparisons.
sha256_of() {
	local f
	for f in "$@"; do printf '%s=%s ' "$(basename -- "$f")" "$(sha256sum -- "$f" | cut -c1-64)"; done
}

# ---- PMR power cycles --------------------------------------------------------------

# power_cycle_boot NAME SHARE: one boot with allow_write on, PMR_SHARE=SHARE,
# on whatever $WORK/state holds; leaves $WORK/NAME.tap and sets NVME_BDFS.
power_cycle_boot() {
	local name=$1 cfg esp
	cfg=$(make_cfg "$name" "# $SCENARIO: $name" 'allow_write = nvmetal-*')
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return 1; }
	boot_qmp "$name" PMR_SHARE="$2" -- --esp "$esp"
	tap_extract "$WORK/$name.serial" "$WORK/$name.tap"
	expect_rc "$name: exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
	[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/$name.qmp.json"
	expect_eq "$name: QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
}
# expect_power_cycle NAME BDF FOUND WROTE: nvme.pmr.power_cycle on BDF (first
# pass) passed, and its YAML (the generations are state between boots, kept off
# the point's line) says what it found: FOUND "none" (found: none, no
# found_generation) or the generation of the record it verified (found: valid,
# found_generation: FOUND); and that it wrote generation WROTE.
expect_power_cycle() {
	local tap=$WORK/$1.tap line state found gen want_state=valid want_found=$3
	line=$(point_lines "$tap" nvme.pmr.power_cycle "$2")
	state=$(point_yaml "$tap" nvme.pmr.power_cycle "$2" found)
	found=$(point_yaml "$tap" nvme.pmr.power_cycle "$2" found_generation)
	gen=$(point_yaml "$tap" nvme.pmr.power_cycle "$2" generation)
	[[ $3 == none ]] && want_state=none want_found=''
	if [[ $line == ok\ * && $line != *'# SKIP'* && $state == "$want_state" && $found == "$want_found" &&
		-n $gen && $gen == "$4" ]]; then
		ok "$1: $2 nvme.pmr.power_cycle found ${found:+generation }${found:-no record}, wrote generation $gen"
	else
		not_ok "$1: $2 nvme.pmr.power_cycle passed, found ${3/#none/no record}, wrote generation $4" \
			"${line:-not reported}; YAML found '${state:-absent}', found_generation '${found:-absent}', generation '${gen:-absent}'"
	fi
}

# ---- VT-d scenarios: QEMU's Intel IOMMU against the image's vtd.* points ---------

VTD_ORACLE=$QEMU_TESTS/vtd_oracle.py
# vtd_oracle SUBCOMMAND ARGS...: tests/qemu/vtd_oracle.py (its header lists them).
vtd_oracle() { python3 "$VTD_ORACLE" "$@"; }
# expect_vtd_oracle WHAT ORACLE_ARGS...: as expect_oracle, with vtd_oracle.py.
expect_vtd_oracle() {
	local what=$1 out rc=0
	shift
	out=$(vtd_oracle "$@" 2>&1) || rc=$?
	if ((rc == 0)); then ok "$what: $out"; else not_ok "$what" "$out"; fi
}

# What the VT-d scenarios trace: the unit's events besides the NVMe ones.
# shellcheck disable=SC2034 # read by the scenarios
VTD_TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_*"

# Every vtd.* test point the image reports, in its order.
# shellcheck disable=SC2034 # read by the scenarios
VTD_IDS=(vtd.dmar.parse vtd.unit.takeover vtd.translation.enable vtd.nvme.translated
	vtd.isolation.unmapped_iova vtd.isolation.read_only vtd.isolation.stale_register
	vtd.isolation.stale_queued vtd.isolation.other_domain vtd.scope.others_reach_ram vtd.p2p.cmb_copy
	vtd.bench.map_invalidate)
# The isolation tests that run on every translated controller.
# shellcheck disable=SC2034
VTD_ISOLATION_IDS=(vtd.isolation.unmapped_iova vtd.isolation.read_only
	vtd.isolation.stale_register vtd.isolation.stale_queued)

# vtd_boot NAME KNOB=VALUE... [-- RUNNER_ARGS...]: a config of allow_write =
# nvmetal-* plus $VTD_CFG (lines), one traced boot with QMP;
# leaves $WORK/NAME.{tap,events,qmp.json}, sets BOOT_RC, NVME_BDFS (from
# query-pci) and VTD_SUM (the reduced trace, empty when there is none).
# VTD_INSPECT=yes: query-pci after the run (boot_and_inspect: bus numbers
# behind bridges are the firmware's; no exit code, BOOT_RC 125), else
# before it (boot_qmp: right for devices on bus 0 only).
VTD_CFG=()
VTD_INSPECT=no
VTD_SUM=
vtd_boot() {
	local name=$1 cfg esp trace=$WORK/$1.trace
	shift
	cfg=$(make_cfg "$name" "# scenario $SCENARIO: $name" 'allow_write = nvmetal-*' "${VTD_CFG[@]}")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return 1; }
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
	if [[ $VTD_INSPECT == yes ]]; then
		boot_and_inspect "$name" TRACE="$trace" TRACE_EVENTS="$VTD_TRACE_EVENTS" "${knobs[@]}" -- --esp "$esp" "${args[@]}"
		QMP_OK=$INSPECT_OK
	else
		boot_qmp "$name" TRACE="$trace" TRACE_EVENTS="$VTD_TRACE_EVENTS" "${knobs[@]}" -- --esp "$esp" "${args[@]}"
	fi
	vtd_boot_files "$name"
}
# vtd_boot_files NAME: from $WORK/NAME.{serial,trace,qmp.json} (and QMP_OK),
# make NAME.tap and NAME.events and set NVME_BDFS and VTD_SUM.
vtd_boot_files() {
	local name=$1 trace=$WORK/$1.trace
	tap_extract "$WORK/$name.serial" "$WORK/$name.tap"
	NVME_BDFS=''
	[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/$name.qmp.json"
	VTD_SUM=$WORK/$name.events
	if ! oracle trace "$trace" >"$VTD_SUM" || ! grep -q '^point ' "$VTD_SUM"; then
		not_ok "$name: QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
		VTD_SUM=
	fi
}

# oracle_tap TAP: the path of a copy of TAP's test point lines as vtd_oracle.py
# reads them: it finds the fault ("SID S write of 0xA: reason 0xR") and the
# peer-to-peer IOVA ("through IOVA 0xI") on the line, but those addresses are
# the allocators' and now live in the point's YAML (matched_fault, iova) so the
# line stays the same between runs. Each line gets " | MATCHED_FAULT" appended
# and vtd.p2p.cmb_copy's "through IOVAs" becomes "through IOVA 0xI"; a point
# without those keys keeps its line as it is, and the oracle finds nothing.
oracle_tap() {
	local out=${1%.tap}.oracle.tap
	awk '
	  function flush() {
	    if (pt == "") return
	    if (fault != "") pt = pt " | " fault
	    if (iova != "" && pt ~ /^(not )?ok [0-9]+ - vtd\.p2p\.cmb_copy: /) sub(/ through IOVAs /, " through IOVA " iova " ", pt)
	    print pt; pt = ""; fault = ""; iova = ""; yaml = 0
	  }
	  function value(s) { s = substr(s, index(s, ": ") + 2); gsub(/^"|"$/, "", s); return s }
	  /^(not )?ok [0-9]+ / { flush(); pt = $0; next }
	  pt != "" && /^  ---$/ { yaml = 1; next }
	  yaml && /^  \.\.\.$/ { yaml = 0; next }
	  yaml && /^  matched_fault: / { fault = value($0) }
	  yaml && /^  iova: / { iova = value($0) }
	  END { flush() }' "$1" >"$out"
	printf '%s\n' "$out"
}

# expect_vtd_point TAP ID ERE: ID is reported once, ok (not SKIP), saying ERE.
expect_vtd_point() {
	local lines
	lines=$(point_lines "$1" "$2")
	if [[ $(grep -c . <<<"$lines" || true) -eq 1 && $lines == ok\ * && $lines != *'# SKIP'* ]] &&
		grep -Eq -- "$3" <<<"$lines"; then
		ok "$2 passed: ${lines#*"$2"?}"
	else
		not_ok "$2 passed once, saying /$3/" "${lines:-not reported}"
	fi
}

# expect_others_reach_ram_page TAP: vtd.scope.others_reach_ram names, in its YAML
# (canary_physical: the pool allocator's page, so not on the point's line), the
# page its read landed in, and that page lies in the DMA pool the image reported.
expect_others_reach_ram_page() {
	local where page range ok_range=''
	where=$(point_lines "$1" vtd.scope.others_reach_ram | sed -nE 's/^ok [0-9]+ - vtd\.scope\.others_reach_ram: ([^ ]+) .*/\1/p')
	page=$(point_yaml "$1" vtd.scope.others_reach_ram "${where:-none}" canary_physical)
	if [[ $page =~ ^0x[0-9a-f]+$ ]]; then
		while read -r range; do
			[[ -n $range ]] && ((page >= ${range%-*} && page <= ${range#*-})) && ok_range=$range
		done < <(dma_pool_ranges "$1" || true)
	fi
	if [[ -n $ok_range ]]; then
		ok "vtd.scope.others_reach_ram on $where names its page in the YAML (canary_physical: $page, in the DMA pool $ok_range)"
	else
		not_ok "vtd.scope.others_reach_ram names its page in the YAML (canary_physical), inside the DMA pool" \
			"on '${where:-?}': canary_physical '${page:-absent}', pool $(dma_pool_ranges "$1" | paste -sd' ' - || true)"
	fi
}

# expect_vtd_skip TAP ID ERE: ID is reported once and SKIPs, the reason
# matching ERE.
expect_vtd_skip() {
	local lines
	lines=$(point_lines "$1" "$2")
	if [[ $(grep -c . <<<"$lines" || true) -eq 1 && $lines == ok\ *'# SKIP '* ]] && grep -Eq -- "$3" <<<"${lines#*# SKIP }"; then
		ok "$2 SKIPs: ${lines#*# SKIP }"
	else
		not_ok "$2 SKIPs once, saying /$3/" "${lines:-not reported}"
	fi
}

# expect_vtd_skips TAP ERE WHY: every vtd.* test point is reported once and
# SKIPs, with a reason matching ERE (vtd.bench.map_invalidate: the bench
# switch), and none says "not ok".
expect_vtd_skips() {
	local id lines reason
	local -a bad=()
	for id in "${VTD_IDS[@]}"; do
		lines=$(point_lines "$1" "$id")
		reason=$2
		[[ $id == vtd.bench.* ]] && reason='bench = (off|no)'
		if [[ -z $lines ]]; then
			bad+=("$id: not reported")
		elif [[ $(grep -c . <<<"$lines") -ne 1 || $lines != ok\ *'# SKIP '* ]] || ! grep -Eq -- "$reason" <<<"${lines#*# SKIP }"; then
			bad+=("${lines:0:150}")
		fi
	done
	if ((${#bad[@]} == 0)); then
		ok "all ${#VTD_IDS[@]} vtd.* test points SKIP, saying /$2/ ($3)"
	else
		not_ok "all vtd.* test points SKIP, saying /$2/ ($3)" "$(printf '%s | ' "${bad[@]}")"
	fi
}

# expect_no_vtd_pass TAP: no test point ran on a translated controller (no
# BB:DD.F/vtd), since translation was never on.
expect_no_vtd_pass() {
	expect_no_grep "no test point ran on a translated controller (BB:DD.F/vtd)" \
		'^(not )?ok [0-9]+ - [A-Za-z0-9_.]+: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/vtd' "$1"
}

# qmp_requester_ids JSON: "BB:DD.F SID" for each NVMe function in query-pci:
# the requester ID QEMU's IOMMU sees.  A function behind a PCIe-to-PCI bridge
# (pcie-pci-bridge, 1b36:000e) is seen as the bridge's secondary bus, 00.0;
# any other function as itself (the topologies these scenarios build).
qmp_requester_ids() {
	jq -r '
	  def devs($alias): .devices[]? |
	      ({dev: ., alias: $alias}),
	      (. as $d | .pci_bridge // empty |
	        (if $d.id.vendor == 6966 and $d.id.device == 14 then .bus.secondary else $alias end) as $a |
	        devs($a));
	  .return[] | devs(null) | select(.dev.class_info.class == 264) |
	  "\(.dev.bus) \(.dev.slot) \(.dev.function) \(.alias // -1)"' "$1" |
		while read -r b d f a; do
			if ((a >= 0)); then
				printf '%02x:%02x.%x %02x:00.0\n' "$b" "$d" "$f" "$a"
			else
				printf '%02x:%02x.%x %02x:%02x.%x\n' "$b" "$d" "$f" "$b" "$d" "$f"
			fi
		done
}

# expect_vtd_translated TAP SUM "BDF=SID ..." LEVELS MGAW AW: what every
# machine with translation on must show: the unit enabled with LEVELS-level
# tables and a domain per source ID, the NVMe cases again on each controller
# translated, each isolation test's fault really recorded by QEMU for the
# source ID it names, no fault while the positive cases ran, every DMA of
# a controller translated inside its own domain's IOVA slot, translation off
# again at the end.
expect_vtd_translated() {
	local tap=$1 sum=$2 map=$3 levels=$4 mgaw=$5 aw=$6 pair bdf sid id line n bad first last at i view
	local -a ctl_bdfs=() ctl_sids=()
	for pair in $map; do
		ctl_bdfs+=("${pair%%=*}")
		ctl_sids+=("${pair#*=}")
	done
	n=${#ctl_bdfs[@]}
	expect_vtd_point "$tap" vtd.dmar.parse "HAW $mgaw, flags 0x1, 1 DRHD"
	expect_vtd_point "$tap" vtd.unit.takeover 'firmware left GSTS 0x00000000'
	expect_vtd_point "$tap" vtd.translation.enable "GSTS 0xc0000000: $levels-level tables \\(MGAW $mgaw\\), $n NVMe domains"
	expect_vtd_point "$tap" vtd.nvme.translated "NVMe cases ran with $n controllers translated; no fault recorded"
	expect_points_pass "$tap" "${ctl_bdfs[*]}" "${VTD_ISOLATION_IDS[@]/%/@any}"
	line=$(point_lines "$tap" vtd.isolation.other_domain)
	if [[ $(grep -c . <<<"$line" || true) -eq 1 && $line == ok\ * && $line != *'# SKIP'* ]]; then
		ok "vtd.isolation.other_domain passed once: ${line#*other_domain: }"
	else
		not_ok "vtd.isolation.other_domain passed once" "${line:-not reported}"
	fi
	expect_vtd_point "$tap" vtd.scope.others_reach_ram \
		'\(pass-through\), a read landed in a RAM page by its physical address with no fault; own domain restored'
	expect_others_reach_ram_page "$tap"
	expect_vtd_skip "$tap" vtd.bench.map_invalidate 'bench = (off|no)'
	# The NVMe cases ran a second time on every controller, translated.
	bad=''
	for bdf in "${ctl_bdfs[@]}"; do
		for id in nvme.controller.takeover nvme.io.verify nvme.cmb.read_into_cmb nvme.pmr.dma_target; do
			line=$(point_lines "$tap" "$id" "$bdf/vtd")
			[[ $line == ok\ * && $line != *'# SKIP'* ]] || bad+="$id on $bdf/vtd: ${line:-not reported} | "
		done
	done
	if [[ -z $bad ]]; then
		ok "the NVMe cases ran again, translated, on each of: ${ctl_bdfs[*]} (BB:DD.F/vtd)"
	else
		not_ok "the NVMe cases ran again, translated, on each controller" "$bad"
	fi
	[[ -n $sum ]] || return 0

	# ---- QEMU's trace ----
	# The image prints vtd.dmar.parse, .unit.takeover and .translation.enable
	# once the unit is set up: QEMU's TE=1 falls inside those three points
	# (after the untranslated pass), never earlier.
	line=$(awk '$1 == "point" && ($3 == "vtd.dmar.parse" || $3 == "vtd.translation.enable") { p[$3] = $2 }
		$1 == "ev" && $5 == "dmar_enable" && $6 == "enable=1" && on == "" { on = $2 " " $3 }
		END { print p["vtd.dmar.parse"] + 0, p["vtd.translation.enable"] + 0, on }' "$sum")
	read -r first last at id <<<"$line"
	if [[ ${at:-} =~ ^[0-9]+$ ]] && ((first > 0 && at >= first && at <= last)); then
		ok "QEMU turned translation on (vtd_dmar_enable 1) for the first time within points $first..$last (during $id)"
	else
		not_ok "QEMU turned translation on (vtd_dmar_enable 1) first within vtd.dmar.parse .. vtd.translation.enable" \
			"points $first..$last; first enable: ${at:-none} ${id:-}"
	fi
	line=$(awk '$1 == "ev" && $5 == "dmar_enable" { last = $2 " " $3 " " $6 } END { print last }' "$sum")
	if [[ $line == *" enable=0" ]] && grep -q '^# vtd: translation turned off (GSTS.TES=0) before exit' "$tap"; then
		ok "translation off again at the end, as the image says (QEMU's last vtd_dmar_enable: 0, after point ${line%% *})"
	else
		not_ok "translation off again at the end, as the image says" "last vtd_dmar_enable: ${line:-none}"
	fi
	expect_vtd_oracle "QEMU loaded a context entry per source ID, each its own domain, $levels-level (AW $aw)" \
		context "$sum" "$aw" "${ctl_sids[@]}"
	expect_vtd_oracle "QEMU translated every controller's DMA inside its own domain's IOVA slot" \
		translations "$sum" "${ctl_sids[@]}"
	expect_vtd_oracle "no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated, translation on)" \
		quiet "$sum" vtd.dmar.parse vtd.nvme.translated
	expect_vtd_oracle "no fault during vtd.scope.others_reach_ram" quiet "$sum" vtd.scope.others_reach_ram vtd.scope.others_reach_ram
	# others_reach_ram lends a controller the pass-through context: QEMU
	# switches it to untranslated, a read lands, and it is translated again.
	line=$(point_lines "$tap" vtd.scope.others_reach_ram | sed -nE 's/^ok [0-9]+ - vtd\.scope\.others_reach_ram: ([0-9a-f:.]+)\/vtd .*\(pass-through\).*/\1/p')
	sid=''
	for ((i = 0; i < n; i++)); do [[ ${ctl_bdfs[i]} == "$line" ]] && sid=${ctl_sids[i]}; done
	if [[ -n $sid ]] && awk -v sid="$sid" '$1 == "ev" && $3 == "vtd.scope.others_reach_ram" {
		  if ($5 == "switch_as" && $6 == "dev=" sid) { if ($7 == "translated=0") off = 1; else if (off && seen) back = 1 }
		  if ($5 == "rw" && $6 == "read" && off && !back) seen = 1
		} END { exit !(off && seen && back) }' "$sum"; then
		ok "during vtd.scope.others_reach_ram QEMU switched $sid to pass-through, a read ran, then $sid was translated again"
	else
		not_ok "during vtd.scope.others_reach_ram QEMU switched the lent controller to pass-through and back around a read" \
			"controller '${line:-?}' SID '${sid:-?}': $(awk '$3 == "vtd.scope.others_reach_ram" && ($5 == "switch_as" || $5 == "rw")' "$sum" | cut -d' ' -f5- | paste -sd, - | cut -c1-300)"
	fi
	bad=$(awk '$1 == "ev" && ($5 == "fault" || $5 == "dma_fault") && $3 !~ /^vtd\.isolation\./' "$sum" |
		head -n 3 | cut -d' ' -f2- | paste -sd'|' -)
	if [[ -z $bad ]]; then
		ok "every fault QEMU recorded or DMA it blocked fell inside a vtd.isolation.* test point ($(grep -c ' fault index=' "$sum") fault records)"
	else
		not_ok "every fault QEMU recorded or DMA it blocked fell inside a vtd.isolation.* test point" "$bad"
	fi
	view=$(oracle_tap "$tap")
	for ((i = 0; i < n; i++)); do
		for id in "${VTD_ISOLATION_IDS[@]}"; do
			expect_vtd_oracle "$id on ${ctl_bdfs[i]}/vtd: QEMU's record" isolation "$sum" "$view" "$id" "${ctl_bdfs[i]}/vtd" "${ctl_sids[i]}"
		done
	done
	line=$(point_lines "$tap" vtd.isolation.other_domain | sed -nE 's/^ok [0-9]+ - vtd\.isolation\.other_domain: ([0-9a-f:.]+\/vtd) .*/\1/p')
	sid=''
	for ((i = 0; i < n; i++)); do [[ $line == "${ctl_bdfs[i]}/vtd" ]] && sid=${ctl_sids[i]}; done
	if [[ -n $sid ]]; then
		expect_vtd_oracle "vtd.isolation.other_domain on $line: QEMU's record" isolation "$sum" "$view" \
			vtd.isolation.other_domain "$line" "$sid"
	else
		not_ok "vtd.isolation.other_domain ran on one of the controllers: ${ctl_bdfs[*]}" "on '${line:-nothing}'"
	fi
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
}

# ---- namespaces beyond the default one, and where DMA may land ---------------------

# dma_pool_ranges TAP: "0xFIRST-0xLAST" (inclusive) of each DMA pool the image
# reported ("# dma_pool: base=0x... bytes=0x..."); fails if it reported none.
dma_pool_ranges() {
	local line base bytes out=''
	while IFS= read -r line; do
		[[ $line =~ ^#\ dma_pool:\ base=(0x[0-9a-fA-F]+)\ bytes=(0x[0-9a-fA-F]+)([[:space:]]|$) ]] || continue
		base=${BASH_REMATCH[1]} bytes=${BASH_REMATCH[2]}
		((bytes > 0)) || continue
		out+=$(printf '0x%x-0x%x' "$((base))" "$((base + bytes - 1))")$'\n'
	done < <(tr -d '\r' <"$1" 2>/dev/null)
	[[ -n $out ]] || return 1
	printf '%s' "$out" | sort -u
}

# expect_dma_inside TAP SUM: every address QEMU mapped for the image's
# commands outside a BAR (pci_nvme_map_addr), and every page the IOMMU
# translated to outside a BAR, lies in the DMA pool the image reported
# (nvme_oracle.py dma-inside; it fails when it saw no map_addr at all).
expect_dma_inside() {
	local ranges out rc=0
	ranges=$(dma_pool_ranges "$1") || true
	if [[ -z $ranges ]]; then
		not_ok "every DMA address QEMU mapped lies in the image's DMA pool" "no '# dma_pool: base= bytes=' line in ${1#"$REPO"/}"
		return
	fi
	# shellcheck disable=SC2086 # one range per word
	out=$(oracle dma-inside "$2" $ranges 2>&1) || rc=$?
	if ((rc == 0)); then ok "$out"; else not_ok "every DMA address QEMU mapped lies in the image's DMA pool ($(paste -sd' ' <<<"$ranges"))" "$out"; fi
}

# ns_point_lines TAP ID BDF NSID: the test point lines of ID on controller BDF,
# in any pass (BDF or BDF/PASS), for namespace NSID ("... BDF[/PASS] nsid NSID ...").
ns_point_lines() {
	grep -E -- "^(not )?ok [0-9]+ - ${2//./\\.}: ${3//./\\.}(/[A-Za-z0-9_.-]+)? nsid $4([: ]|$)" "$1" || true
}

# point_yaml TAP ID WHERE KEY: the value of KEY in the YAML block of test point ID on WHERE
# (exactly: "00:02.0", "00:02.0 nsid 3", "00:02.0/vtd nsid 3"); empty when absent. The
# first such point counts; quotes around a value are removed.
point_yaml() {
	awk -v id="$2" -v where="$3" -v key="$4" '
	  /^(not )?ok [0-9]+ - / {
	    if (inside) exit
	    line = $0; sub(/^(not )?ok [0-9]+ - /, "", line)
	    head = id ": " where
	    if (substr(line, 1, length(head)) == head &&
	        (length(line) == length(head) || substr(line, length(head) + 1, 1) == " ")) inside = 1
	    next
	  }
	  inside && /^  \.\.\.$/ { exit }
	  inside && index($0, "  " key ": ") == 1 {
	    v = substr($0, length(key) + 5); gsub(/^"|"$/, "", v); print v; exit
	  }' "$1"
}

# expect_yaml WHAT TAP ID WHERE KEY WANT: point_yaml equals WANT.
expect_yaml() {
	local got
	got=$(point_yaml "$2" "$3" "$4" "$5")
	if [[ -n $got && $got == "$6" ]]; then ok "$1 ($5: $got)"; else not_ok "$1" "$3 on $4: $5 is '${got:-absent}', want '$6'"; fi
}

# ---- many controllers, subsystems, sparse namespaces (nvme-many, nvme-subsys, nvme-sparse-nsid) ----

# serial_has FILE ERE: some line of the COM1 log FILE (\r removed) matches ERE.
serial_has() { grep -Eq -- "$2" <(tr -d '\r' 2>/dev/null <"$1"); }

# boot_qmp_when NAME ERE KNOB=VALUE... [-- RUNNER_ARGS...]: boot with QMP and
# isa-debug-exit; once COM1 shows a line matching ERE (pick one printed after
# the firmware placed bridges, bus numbers and BARs and after the image sized
# them, e.g. its last pci.* point), save query-pci to $WORK/NAME.qmp.json while
# the image goes on, then wait for the run to end by itself.  For machines with
# bridges whose bus numbers only the firmware assigns, with the exit code kept.
# Sets BOOT_RC (the image's verdict code), BOOT_SECONDS and QMP_OK (yes/no).
boot_qmp_when() {
	local name=$1 ere=$2 sock=$SOCKDIR/$1.qmp
	shift 2
	BOOT_NAME=$name
	QMP_OK=no
	boot_start "$name" QMP="$sock" "$@"
	if ! wait_for "${BOOT_TIMEOUT:-100}" serial_has "$WORK/$name.serial" "$ere"; then
		not_ok "COM1 showed /$ere/, the moment to read query-pci" "not in ${WORK#"$REPO"/}/$name.serial"
	elif ! wait_for 10 test -S "$sock"; then
		not_ok "QMP socket appeared" "$sock missing"
	elif qmp "$sock" '{"execute":"query-pci"}' >"$WORK/$name.qmp.json" &&
		jq -e '.return | length > 0' "$WORK/$name.qmp.json" >/dev/null 2>&1; then
		# shellcheck disable=SC2034 # read by the scenarios
		QMP_OK=yes
	else
		not_ok "query-pci over QMP answered while the image ran (after /$ere/)" "see ${WORK#"$REPO"/}/$name.qmp.json"
	fi
	boot_wait
	note "boot $name: runner exit $BOOT_RC after ${BOOT_SECONDS}s"
}

# qmp_nvme_parents JSON: "qdev_id BB:DD.F PARENT" of each NVMe function in
# query-pci, PARENT the qdev_id of the bridge it sits behind (pcie.0 on the
# root complex), in qdev_id order.
qmp_nvme_parents() {
	jq -r '
	  def devs($p): .devices[]? | ({dev: ., parent: $p}), (. as $d | .pci_bridge // empty | devs($d.qdev_id));
	  .return[] | devs("pcie.0") | select(.dev.class_info.class == 264) |
	  "\(.dev.qdev_id) \(.dev.bus) \(.dev.slot) \(.dev.function) \(.parent)"' "$1" | sort -V |
		while read -r id b d f p; do printf '%s %02x:%02x.%x %s\n' "$id" "$b" "$d" "$f" "$p"; done
}

# qmp_unmapped_bars JSON: "BB:DD.F BARn" of every BAR (index 0-5) that
# query-pci shows without an address (the firmware did not assign it).
qmp_unmapped_bars() {
	jq -r '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  .return[] | devs | . as $d | .regions[]? | select(.bar < 6) |
	  select(.address < 0 or .address >= 9223372036854775807) |
	  "\($d.bus) \($d.slot) \($d.function) \(.bar)"' "$1" |
		while read -r b d f i; do printf '%02x:%02x.%x BAR%s\n' "$b" "$d" "$f" "$i"; done
}

# point_yaml_text TAP ID WHERE KEY: point_yaml, with the quotes the image
# writes inside a string value removed (serial: "\"nvmetal-0\"" -> nvmetal-0).
point_yaml_text() {
	local v
	v=$(point_yaml "$@")
	v=${v//\\\"/}
	printf '%s\n' "$v"
}

# ns_lines_at TAP ID WHERE NSID: the test point lines of ID on exactly WHERE
# (BB:DD.F, or BB:DD.F/PASS) for namespace NSID.
ns_lines_at() {
	grep -E -- "^(not )?ok [0-9]+ - ${2//./\\.}: ${3//./\\.} nsid $4([: ]|$)" "$1" || true
}

# expect_points_pass_at TAP "WHERE..." ID...: one assertion per ID: on each
# WHERE exactly (BB:DD.F or BB:DD.F/PASS) ID is reported once, ok, not a SKIP
# or TODO.  ID@NSID: the point for namespace NSID there.
expect_points_pass_at() {
	local tap=$1 wheres=$2 id nsid where lines
	shift 2
	for id in "$@"; do
		local -a misses=()
		nsid=''
		[[ $id == *@* ]] && nsid=${id#*@} id=${id%@*}
		for where in $wheres; do
			if [[ -n $nsid ]]; then lines=$(ns_lines_at "$tap" "$id" "$where" "$nsid"); else lines=$(point_lines "$tap" "$id" "$where"); fi
			if [[ -z $lines ]]; then
				misses+=("$where: not reported")
			elif [[ $(grep -c . <<<"$lines") -ne 1 ]]; then
				misses+=("$where: reported $(grep -c . <<<"$lines") times")
			elif [[ $lines != ok\ * || $lines =~ \#\ (SKIP|TODO) ]]; then
				misses+=("${lines:0:140}")
			fi
		done
		if ((${#misses[@]} == 0)); then
			ok "$id${nsid:+ nsid $nsid} passed once on each of: $wheres"
		else
			not_ok "$id${nsid:+ nsid $nsid} passed once on each of: $wheres" "$(printf '%s | ' "${misses[@]}")"
		fi
	done
}

# yaml_lbas TAP ID WHERE: "FIRST END" from the half-open "lbas: FIRST-END" in
# the YAML block of ID on WHERE ("BDF nsid N"); fails when absent or empty.
yaml_lbas() {
	local v
	v=$(point_yaml "$1" "$2" "$3" lbas)
	[[ $v =~ ^([0-9]+)-([0-9]+)$ ]] && ((BASH_REMATCH[2] > BASH_REMATCH[1])) || return 1
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

# expect_verify_blocks TAP WHERE IMG [BS]: nvme.io.verify on WHERE ("BDF nsid
# N") names its LBAs in its YAML, and IMG (BS bytes a block, default 512)
# holds pattern blocks of their own LBA at every one of them.
expect_verify_blocks() {
	local first end
	if read -r first end < <(yaml_lbas "$1" nvme.io.verify "$2"); then
		NVME_ORACLE_BS=${4:-512} expect_oracle \
			"$(basename -- "$3"): the blocks nvme.io.verify on $2 names (lbas $first-$end) are pattern blocks of their own LBA" \
			blocks "$3" "$first" "$((end - first))"
	else
		not_ok "nvme.io.verify on $2 names its LBAs (YAML lbas: FIRST-END)" \
			"lbas: '$(point_yaml "$1" nvme.io.verify "$2" lbas)'"
	fi
}

# rw_blocks SUM ID WHERE OP [NSID]: "COUNT BLOCKS FIRST END" of QEMU's Reads
# or Writes (OP read|write) while test point ID ran on WHERE (with NSID: the
# point that names namespace NSID): commands, blocks moved, lowest LBA, end
# of the highest run (FIRST -1 when there was none).
rw_blocks() {
	awk -v id="$2" -v w="$3" -v op="$4" -v ns="${5:-}" '
	  $1 == "point" && $3 == id && $4 == w && (ns == "" || $6 == "nsid=" ns) { mine[$2] = 1 }
	  $1 == "ev" && ($2 in mine) && $3 == id && $4 == w && $5 == "rw" && $6 == op {
	    l = $7; sub(/^lba=/, "", l); k = $8; sub(/^nlb=/, "", k)
	    n++; b += k; if (n == 1 || l + 0 < lo) lo = l + 0; if (l + k > hi) hi = l + k
	  }
	  END { print n + 0, b + 0, (n ? lo : -1), hi + 0 }' "$1"
}

# expect_written WHAT IMG AREA...: nothing in IMG (blocks of NVME_ORACLE_BS
# bytes) is written outside the half-open LBA ranges AREA, and something is
# (an image no run wrote fails too).
expect_written() {
	local what=$1 out rc=0
	shift
	out=$(oracle written "$@" 2>&1) || rc=$?
	if ((rc == 0)) && [[ $out != 'written: nothing'* ]]; then ok "$what: $out"; else not_ok "$what" "$out"; fi
}

# rw_sids SUM ID WHERE: "OP LBA NLB SID" for each Read or Write QEMU executed
# while test point ID ran on WHERE; SID is the requester ID the IOMMU
# translated the page of that command's PRP1 for (its first translation of
# that IOVA page after the command), "-" when there was none (no IOMMU).  The
# reduced trace names no device for an NVMe command: under VT-d the IOVA and
# its translation say which controller moved the data.
rw_sids() {
	awk -v id="$2" -v w="$3" '
	  function hex(s,   i, n) {
	    n = 0; s = tolower(s); sub(/^0x/, "", s)
	    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	    return n
	  }
	  function val(k,   i) {
	    for (i = 6; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2)
	    return ""
	  }
	  $1 != "ev" || $3 != id || $4 != w { next }
	  $5 == "rw" { n++; op[n] = $6; lba[n] = val("lba"); nlb[n] = val("nlb"); page[n] = -1; sid[n] = "-"; cur = n; next }
	  $5 == "map_prp" && cur && page[cur] < 0 { p = hex(val("prp1")); page[cur] = p - p % 4096; next }
	  $5 == "translate" {
	    iv = hex(val("iova")); iv -= iv % 4096
	    for (k = 1; k <= n; k++) if (sid[k] == "-" && page[k] >= 0 && page[k] == iv) sid[k] = val("sid")
	  }
	  END { for (k = 1; k <= n; k++) print op[k], lba[k], nlb[k], sid[k] }' "$1"
}

# expect_ns_skips TAP BDF NSID ERE ID...: one assertion per ID: namespace NSID of
# controller BDF has ID's points (in any pass), each a SKIP whose reason matches ERE whole.
expect_ns_skips() {
	local tap=$1 bdf=$2 nsid=$3 ere=$4 id lines
	shift 4
	for id in "$@"; do
		lines=$(ns_point_lines "$tap" "$id" "$bdf" "$nsid")
		if [[ -n $lines ]] && ! grep -Evq -- "# SKIP ($ere)\$" <<<"$lines"; then
			ok "$bdf nsid $nsid: $id SKIPs ($(grep -c . <<<"$lines") runs): ${lines##*# SKIP }"
		else
			not_ok "$bdf nsid $nsid: $id SKIPs with a reason matching /$ere/" "${lines:-not reported}"
		fi
	done
}

# expect_unchanged "NAME=HASH ..." FILE...: each FILE still has the sha256 that
# sha256_of recorded before the run.
expect_unchanged() {
	local before=$1 f name a b
	shift
	for f in "$@"; do
		name=$(basename -- "$f")
		b=$(grep -Eo "$name=[0-9a-f]+" <<<"$before" | cut -d= -f2 || true)
		a=$(sha256sum -- "$f" | cut -c1-64)
		if [[ -n $b && $a == "$b" ]]; then ok "$name unchanged by the run (sha256 ${a:0:16}...)"; else
			not_ok "$name unchanged by the run" "sha256 before ${b:0:16}, after ${a:0:16}"; fi
	done
}
