#!/usr/bin/env bash
# tests/qemu/scenario-tap-consumers.sh: the image's TAP, cleaned from the raw serial log by image/tap_tools.py, is read without complaint by Debian's prove, TAP::Formatter::JUnit and tappy (YAML included) on a passing run with SKIPs, a run with failures and SKIPs and a bail out, each tool seeing every test point; tap_tools.py's own JUnit XML holds the same counts.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin tap-consumers "${1:-}"
BOOT_TIMEOUT=60 # small test selections: each boot takes seconds
TAP_TOOLS=$REPO/image/tap_tools.py

# ---- the consumers ---------------------------------------------------------------

have_prove=no have_junit=no tappy_py=
if command -v prove >/dev/null 2>&1; then have_prove=yes; else not_ok "prove installed" "Debian package perl"; fi
if perl -MTAP::Formatter::JUnit -e 1 2>/dev/null; then have_junit=yes; else
	not_ok "TAP::Formatter::JUnit installed" "Debian package libtap-formatter-junit-perl"; fi
# Debian's python3-tap lives in /usr/lib/python3/dist-packages: the python3
# first on PATH (a virtualenv, pyenv) may not see it.
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import tap.parser, tap.loader, yaml, more_itertools' 2>/dev/null; then tappy_py=$py; break; fi
done
[[ -n $tappy_py ]] || not_ok "tappy with YAML support importable" \
	"Debian packages python3-tap, python3-yaml, python3-more-itertools (tappy reads no YAML block without the last)"

# point_numbers TAP ok|not_ok|skip: the numbers of those test points, one a line.
point_numbers() {
	case $2 in
	not_ok) sed -nE 's/^not ok ([0-9]+)( .*)?$/\1/p' -- "$1" ;;
	skip) sed -nE 's/^ok ([0-9]+) .*# SKIP.*/\1/p' -- "$1" ;;
	all) sed -nE 's/^(not )?ok ([0-9]+)( .*)?$/\2/p' -- "$1" ;;
	esac
}

# prove_failed PROVE_OUT: the numbers prove lists as "Failed tests:", one a
# line (it wraps long lists onto lines indented 16 blanks).
prove_failed() {
	awk '
	  /^  Failed tests?:/ { on = 1; sub(/^  Failed tests?: */, ""); print; next }
	  on && /^                [0-9]/ { print; next }
	  { on = 0 }' "$1" | tr ',' '\n' | tr -d ' ' | grep . |
		awk -F- '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }'
}

# junit_counts XML: "TESTCASES FAILURES ERRORS SKIPPED" from the elements of
# a JUnit file (errors: in testcases or straight in a testsuite), or
# "invalid: REASON" when Python's XML parser rejects it.
junit_counts() {
	python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (ET.ParseError, OSError) as e:
    print("invalid: %s" % e)
    sys.exit(0)
n = lambda tag: len(root.findall(".//" + tag))
print(n("testcase"), n("failure"), n("error"), n("skipped"))
PY
}

# tappy_check TAP: tappy's parser reads every point (number, ok, SKIP) as
# tap_tools.py does, every YAML block into a mapping, no line it does not
# know; and its runner's rules (version first, one plan at an end, the count)
# hold.  Prints one line; fails on any problem.  A bail out is a rule error
# ("Bailed: ...") and is listed like one.
tappy_check() {
	"$tappy_py" - "$1" "$REPO/image" <<'PY'
import sys
sys.dont_write_bytecode = True  # no __pycache__ in image/
sys.path.insert(0, sys.argv[2])
import tap_tools
import tap.line
import tap.parser
from tap.loader import Loader

if not (tap.parser.ENABLE_VERSION_13 and tap.line.LOAD_YAML):
    print("tappy's YAML support is off (python3-yaml, python3-more-itertools)")
    sys.exit(1)
path = sys.argv[1]
ours = tap_tools.Tap(open(path, encoding="utf-8").read())
results, unknown, problems = [], [], []
for line in tap.parser.Parser().parse_file(path):
    if line.category == "test":
        results.append(line)
    elif line.category == "unknown":
        unknown.append(line)
if len(results) != len(ours.points):
    problems.append("%d test lines, tap_tools.py sees %d points" % (len(results), len(ours.points)))
nyaml = 0
for r, p in zip(results, ours.points):
    if (r.number, r.ok, r.skip) != (int(p.number), p.ok, p.skip):
        problems.append("point %s: tappy reads number %s ok %s skip %s" % (p.number, r.number, r.ok, r.skip))
    if (r._yaml_block is None) != (p.yaml is None):
        problems.append("point %s: tappy %s a YAML block" % (p.number, "missed" if p.yaml is not None else "invented"))
    elif p.yaml is not None:
        y = r.yaml_block
        if isinstance(y, dict) and y:
            nyaml += 1
        else:
            problems.append("point %s: tappy's YAML block reads as %r" % (p.number, y))
if unknown:
    problems.append("%d lines tappy does not recognize" % len(unknown))
problems += ["rule: " + t._line.description for t in Loader().load_suite_from_file(path)
             if t._line.number is None and not t._line.ok]
print("tappy read %d points (%d not ok, %d SKIP), %d YAML blocks as mappings%s" % (
    len(results), sum(not r.ok for r in results), sum(r.skip for r in results), nyaml,
    "; " + "; ".join(problems[:6]) if problems else ""))
sys.exit(1 if problems else 0)
PY
}

# ---- one run -------------------------------------------------------------------------

# consumers_case NAME WANT_RC KIND KNOB=VALUE... -- CFG_LINE...: boot with that
# config; KIND pass|fail|bail says what every consumer must conclude.
consumers_case() {
	local name=$1 want_rc=$2 kind=$3 cfg esp serial tap out rc cases f e s want
	shift 3
	local -a knobs=()
	while (($#)) && [[ $1 != -- ]]; do knobs+=("$1"); shift; done
	shift
	cfg=$(make_cfg "$name" "# scenario $SCENARIO: $name" "$@")
	esp=$(make_esp "$name" "$cfg") || { not_ok "$name: ESP built" "see $WORK/$name.build.log"; return; }
	boot "$name" "${knobs[@]}" -- --esp "$esp"
	serial=$WORK/$name.serial tap=$WORK/$name.tap
	expect_rc "$name: exit code $want_rc through isa-debug-exit" "$BOOT_RC" "$want_rc"

	# -- the raw log and the clean TAP
	if grep -q $'\r' "$serial" && grep -q $'\x1b\\[' "$serial"; then
		ok "$name: the raw serial log has CR line ends and escape sequences (OVMF's) to clean"
	else
		not_ok "$name: the raw serial log has CR line ends and escape sequences" "nothing to clean in ${serial#"$REPO"/}"
	fi
	rc=0
	out=$(python3 "$TAP_TOOLS" clean "$serial" "$tap" 2>&1) || rc=$?
	if ((rc != 0)) || [[ ! -s $tap ]]; then
		not_ok "$name: tap_tools.py clean made ${tap#"$REPO"/}" "exit $rc: $out"
		return
	fi
	ok "$name: tap_tools.py clean made ${tap#"$REPO"/} ($(wc -l <"$tap") lines)"
	expect_eq "$name: the .tap starts with the version line" "$(head -n1 "$tap")" "TAP version 13"
	if LC_ALL=C tr -d '\t\n' <"$tap" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		not_ok "$name: the .tap holds no CR, escape or other control byte" \
			"$(LC_ALL=C grep -nm1 '[[:cntrl:]]' "$tap" | cat -v | cut -c1-120)"
	else
		ok "$name: the .tap holds no CR, escape or other control byte (LF line ends only)"
	fi
	expect_eq "$name: the .tap ends with a line feed" "$(tail -c1 "$tap" | od -An -c | tr -d ' ')" '\n'
	local last
	last=$(tail -n1 "$tap")
	if [[ $kind == bail ]]; then
		if [[ $last == 'Bail out!'* ]]; then ok "$name: the .tap ends with the bail out: ${last:0:100}"; else
			not_ok "$name: the .tap ends with the bail out" "last line: $last"; fi
	else
		expect_eq "$name: the .tap ends with the plan" "$last" "1..$(point_numbers "$tap" all | wc -l)"
	fi

	# -- what the TAP says
	local n_points n_fail n_skip fails passed failed skipped
	n_points=$(point_numbers "$tap" all | wc -l)
	n_fail=$(point_numbers "$tap" not_ok | wc -l)
	n_skip=$(point_numbers "$tap" skip | wc -l)
	fails=$(point_numbers "$tap" not_ok | paste -sd' ' -)
	note "$name: $n_points test points, $n_fail not ok (${fails:-none}), $n_skip SKIP"
	case $kind in
	pass)
		if ((n_points > 0 && n_fail == 0 && n_skip > 0)); then ok "$name: the run passed with SKIPs ($n_points points, $n_skip SKIP)"; else
			not_ok "$name: the run passed with SKIPs" "$n_points points, $n_fail not ok, $n_skip SKIP"; fi
		;;
	fail)
		if ((n_fail > 0 && n_skip > 0 && n_fail + n_skip < n_points)); then
			ok "$name: the run has passes, failures and SKIPs ($n_points points, $n_fail not ok, $n_skip SKIP)"
		else
			not_ok "$name: the run has passes, failures and SKIPs" "$n_points points, $n_fail not ok, $n_skip SKIP"
		fi
		;;
	bail) expect_eq "$name: no test point ran before the bail out" "$n_points" 0 ;;
	esac
	if [[ $kind != bail ]]; then
		read -r passed failed skipped <<<"$(tap_summary "$tap")" || true
		expect_eq "$name: the summary comment agrees with the points ($((n_points - n_fail - n_skip)) passed, $n_fail failed, $n_skip skipped)" \
			"${passed:-?} ${failed:-?} ${skipped:-?}" "$((n_points - n_fail - n_skip)) $n_fail $n_skip"
	fi

	# -- prove (TAP::Harness): the file read as a test's output
	if [[ $have_prove == yes ]]; then
		rc=0
		prove --norc --exec cat "$tap" >"$WORK/$name.prove" 2>&1 || rc=$?
		local summary
		summary=$(grep -E '^(Result|Files=|Bailout called)' "$WORK/$name.prove" | cut -c1-120 | paste -sd'|' -)
		case $kind in
		pass)
			if ((rc == 0)) && grep -q '^Result: PASS$' "$WORK/$name.prove" &&
				grep -q "^Files=1, Tests=$n_points," "$WORK/$name.prove"; then
				ok "prove passes $name: exit 0, $summary"
			else
				not_ok "prove passes $name (exit 0, Result: PASS, Tests=$n_points)" "exit $rc; $summary; see ${WORK#"$REPO"/}/$name.prove"
			fi
			;;
		fail)
			local got
			got=$(prove_failed "$WORK/$name.prove" | paste -sd' ' -)
			if ((rc != 0)) && grep -q '^Result: FAIL$' "$WORK/$name.prove" &&
				grep -q "^Files=1, Tests=$n_points," "$WORK/$name.prove" && [[ $got == "$fails" ]]; then
				ok "prove fails $name with exactly the not-ok points: exit $rc, failed tests $got, $summary"
			else
				not_ok "prove fails $name with exactly the not-ok points ($fails), Tests=$n_points" \
					"exit $rc, prove's failed tests '$got'; $summary"
			fi
			;;
		bail)
			if ((rc != 0)) && grep -q '^Bailout called\.  Further testing stopped:  .' "$WORK/$name.prove" &&
				grep -q '^Result: FAIL$' "$WORK/$name.prove"; then
				ok "prove stops at $name's bail out: exit $rc, $summary"
			else
				not_ok "prove stops at $name's bail out" "exit $rc; $summary"
			fi
			;;
		esac
		# A run that bails out has no plan by design: prove says so, nothing else.
		local perr
		perr=$(grep -E '^  Parse errors?:|^                [^0-9 ]' "$WORK/$name.prove" | sed -E 's/^ +(Parse errors?: *)?//' || true)
		if [[ $kind == bail ]]; then
			expect_eq "$name: prove's only parse error is the missing plan of a bail out" "${perr:-none}" "No plan found in TAP output"
		elif [[ -z $perr ]]; then
			ok "$name: prove reports no parse errors (YAML blocks, plan and version read)"
		else
			not_ok "$name: prove reports no parse errors" "${perr//$'\n'/ | }"
		fi
	fi

	# -- TAP::Formatter::JUnit through prove
	if [[ $have_prove == yes && $have_junit == yes ]]; then
		prove --norc --formatter TAP::Formatter::JUnit --exec cat "$tap" >"$WORK/$name.prove-junit.xml" 2>"$WORK/$name.prove-junit.err" || true
		read -r cases f e s <<<"$(junit_counts "$WORK/$name.prove-junit.xml")"
		# It writes no <skipped>; a bail out is an <error> of the suite.
		want="$n_points $n_fail $([[ $kind == bail ]] && echo 1 || echo 0) 0"
		if [[ "$cases $f $e $s" == "$want" ]]; then
			ok "TAP::Formatter::JUnit on $name: well-formed XML, $cases testcases (one per point), $f failures, $e errors"
		else
			not_ok "TAP::Formatter::JUnit on $name: one testcase per point, a failure per not ok" \
				"got testcases/failures/errors/skipped '$cases $f $e $s', want '$want'; see ${WORK#"$REPO"/}/$name.prove-junit.xml"
		fi
	fi

	# -- tappy
	if [[ -n $tappy_py ]]; then
		rc=0
		out=$(tappy_check "$tap" 2>&1) || rc=$?
		if [[ $kind == bail ]]; then
			if [[ $out == *'; rule: Bailed: '* && $out != *'; rule: '*'; rule: '* && $out != *'does not recognize'* ]]; then
				ok "tappy on $name: $out"
			else
				not_ok "tappy on $name: reads the bail out and nothing it rejects" "$out"
			fi
		elif ((rc == 0)); then
			ok "tappy on $name: $out"
		else
			not_ok "tappy on $name: every point and YAML block read, no rule broken" "$out"
		fi
	fi

	# -- tap_tools.py's JUnit
	local xml=$WORK/$name.xml
	rc=0
	out=$(python3 "$TAP_TOOLS" junit "$tap" "$xml" --name "$SCENARIO/$name" 2>&1) || rc=$?
	if ((rc != 0)); then
		not_ok "$name: tap_tools.py junit wrote ${xml#"$REPO"/}" "exit $rc: $out"
		return
	fi
	rc=0
	out=$(python3 "$TAP_TOOLS" check "$tap" "$xml" 2>&1) || rc=$?
	if ((rc == 0)); then ok "$name: tap_tools.py $out"; else not_ok "$name: tap_tools.py check: the JUnit matches the TAP" "$out"; fi
	read -r cases f e s <<<"$(junit_counts "$xml")"
	want="$((n_points + ($([[ $kind == bail ]] && echo 1 || echo 0)))) $n_fail $([[ $kind == bail ]] && echo 1 || echo 0) $n_skip"
	expect_eq "$name: tap_tools.py's JUnit, read by Python's XML parser, has '$want' testcases, failures, errors, skipped" "$cases $f $e $s" "$want"
	if [[ $kind != bail ]]; then
		# The names carry ID, device and nsid only: no measured value.
		local bad
		bad=$(python3 - "$xml" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
shape = re.compile(r"^[A-Za-z0-9_.]+(: (?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7](?:/[A-Za-z0-9_.-]+)?( nsid \d+)?)?$")
for c in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    if not shape.match(c.get("name", "")) or not c.get("name", "").startswith(c.get("classname", "?")):
        print("%s | %s" % (c.get("classname"), c.get("name")))
PY
)
		if [[ -z $bad ]]; then ok "$name: every JUnit testcase is named 'ID', 'ID: DEVICE' or 'ID: DEVICE nsid N', classname ID"; else
			not_ok "$name: JUnit testcases are named by ID, device and nsid only" "$(head -n3 <<<"$bad")"; fi
	fi
}

CMB_TESTS='tests = platform.*, pci.*, nvme.identify.*, nvme.cmb.*'
# A passing run whose SKIPs have reasons (no CMB: every nvme.cmb.* SKIPs).
consumers_case pass 0 pass CMB_SIZE_MB=0 PMR_SIZE=0 -- "$CMB_TESTS"
# Failures with YAML blocks (register dumps as '|' block scalars) and SKIPs:
# iommu = require on a unit that cannot translate fails the translation cases.
consumers_case fail 1 fail CMB_SIZE_MB=0 PMR_SIZE=0 DMA_TRANSLATION=off -- "$CMB_TESTS, vtd.*" 'iommu = require'
# A bail out before any test point (a tests glob that matches no test ID).
consumers_case bail 2 bail CMB_SIZE_MB=0 PMR_SIZE=0 -- 'tests = pci.*, nvme.nosuch.*'
scenario_end
