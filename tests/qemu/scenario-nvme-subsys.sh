#!/usr/bin/env bash
# tests/qemu/scenario-nvme-subsys.sh: one NVMe subsystem of two controllers (no CMB, no PMR) with a shared namespace 1 on both and a private namespace 2 on the second, intel-iommu on, allow_write on: one SUBNQN, two CNTLIDs, NMIC as QEMU set it, and the multipath case's write through one controller and read through the other seen in QEMU's trace under each controller's own requester ID and on the shared image.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-subsys "${1:-}"
fresh_nvme_state
name=nvme-subsys
cfg=$(make_cfg "$name" '# scenario nvme-subsys: write to the subsystem'"'"'s controllers (serial nvmetal-subsys0)' 'allow_write = nvmetal-*')
esp=$(make_esp "$name" "$cfg") || { not_ok "ESP built" "see $WORK/$name.build.log"; scenario_end; }

# intel-iommu stays on: QEMU's NVMe trace names no device, but under VT-d
# each controller's DMA is translated under its own requester ID, which is
# what tells the writer's commands from the reader's.
trace=$WORK/$name.trace
boot_qmp "$name" TRACE="$trace" TRACE_EVENTS="$VTD_TRACE_EVENTS" NVME_DRIVE_COUNT=2 CMB_SIZE_MB=0 PMR_SIZE=0 \
	NVME_SUBSYS=on NVME_NS='s:1:64M 1:2:64M' -- --esp "$esp"
tap=$WORK/$name.tap
tap_extract "$WORK/$name.serial" "$tap"
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/$name.qmp.json"
read -r c0 c1 extra <<<"$NVME_BDFS" || true
expect_eq "QEMU realized 2 NVMe controllers (nvme0, nvme1) on pcie.0" "$NVME_BDFS" "${c0:-?} ${c1:-?}"
[[ -n ${c1:-} && -z ${extra:-} && ${c0%%:*} == 00 && ${c1%%:*} == 00 ]] || scenario_end
shared=$WORK/state/nvmesn1.img private=$WORK/state/nvme1n2.img

# ---- Identify: one subsystem, two controllers ---------------------------------------
errs=''
nqn=$(point_yaml_text "$tap" nvme.identify.controller "$c0" subnqn)
declare -A cntlid=()
for w in "$c0" "$c1" "$c0/vtd" "$c1/vtd"; do
	s=$(point_yaml_text "$tap" nvme.identify.controller "$w" serial)
	q=$(point_yaml_text "$tap" nvme.identify.controller "$w" subnqn)
	c=$(point_yaml "$tap" nvme.identify.controller "$w" cntlid)
	m=$(point_yaml "$tap" nvme.identify.controller "$w" cmic)
	cntlid[$w]=$c
	[[ $s == nvmetal-subsys0 ]] || errs+="$w: serial '$s'; "
	[[ -n $q && $q == "$nqn" ]] || errs+="$w: subnqn '$q', $c0's is '$nqn'; "
	[[ $c =~ ^[0-9]+$ ]] || errs+="$w: cntlid '$c'; "
	[[ $m =~ ^0x[0-9a-f]+$ ]] && (((m & 2) != 0)) || errs+="$w: cmic '$m' (want bit 1, more than one controller); "
done
[[ -n ${cntlid[$c0]} && ${cntlid[$c0]} != "${cntlid[$c1]}" && ${cntlid[$c0]} == "${cntlid[$c0/vtd]}" &&
	${cntlid[$c1]} == "${cntlid[$c1/vtd]}" ]] || errs+="cntlid $c0 '${cntlid[$c0]}', $c1 '${cntlid[$c1]}' (and /vtd: '${cntlid[$c0/vtd]}', '${cntlid[$c1/vtd]}'); "
if [[ -z $errs ]]; then
	ok "nvme.identify.controller YAML, both passes: one serial (nvmetal-subsys0), one subnqn ($nqn), CMIC bit 1 on both, cntlid $c0=${cntlid[$c0]} and $c1=${cntlid[$c1]}"
else
	not_ok "nvme.identify.controller YAML: the same subnqn, different cntlid, CMIC bit 1" "$errs"
fi

# ---- Identify: which namespaces each controller has, and their NMIC ---------------------
errs=''
for w in "$c0" "$c1" "$c0/vtd" "$c1/vtd"; do
	b=${w%/*}
	want='1'
	[[ $b == "$c1" ]] && want='1 2'
	got=$(grep -E "^(not )?ok [0-9]+ - nvme\\.identify\\.namespaces: ${w//./\\.} nsid [0-9]+( |$)" "$tap" |
		sed -nE 's/.* nsid ([0-9]+).*/\1/p' | paste -sd' ' - || true)
	[[ $got == "$want" ]] || errs+="$w: nsid '$got', want '$want'; "
	for nsid in $want; do
		m=$(point_yaml "$tap" nvme.identify.namespaces "$w nsid $nsid" nmic)
		want_m=0x00
		((nsid == 1)) && want_m=0x01
		[[ $m == "$want_m" ]] || errs+="$w nsid $nsid: nmic '${m:-absent}', want $want_m; "
	done
done
if [[ -z $errs ]]; then
	ok "nvme.identify.namespaces, both passes: nsid 1 on $c0 and $c1 with nmic 0x01 (shared), nsid 2 only on $c1 with nmic 0x00"
else
	not_ok "nvme.identify.namespaces: nsid 1 shared on both (nmic 0x01), nsid 2 only on $c1 (nmic 0x00)" "$errs"
fi

# ---- the per-namespace cases ------------------------------------------------------------
ns_ids=(nvme.queues.io_pair nvme.io.verify nvme.io.flush nvme.io.write_zeroes nvme.io.deallocate)
expect_points_pass_at "$tap" "$c0 $c1 $c0/vtd $c1/vtd" nvme.controller.takeover nvme.identify.controller "${ns_ids[@]/%/@1}"
expect_points_pass_at "$tap" "$c1 $c1/vtd" "${ns_ids[@]/%/@2}"
expect_points_pass_at "$tap" "$c0/vtd $c1/vtd" nvme.controller.shutdown
expect_only_skips "$tap" "nvme\\.(cmb|pmr)\\.[a-z_]+: [^#]* # SKIP CAP\\.(CMBS|PMRS)=0: no (CMB|PMR)|nvme\\.cmb\\.copy_between_controllers # SKIP no controller has a CMB .*|nvme\\.bench\\.[a-z0-9_]+:.*|nvme\\.io\\.(metadata|protection): [^#]* # SKIP format [0-9]+ B has no (metadata|protection information)|nvme\\.zns\\.[a-z_]+: [^#]* # SKIP not a zoned namespace \\(CSI 0x00\\)|nvme\\.devices\\.left_alone # SKIP config devices selects all [0-9]+ NVMe controllers found" \
	'only what controllers without CMB/PMR, plain namespaces and bench = no explain; the multipath case never'
n1=$(grep -cE "^(not )?ok [0-9]+ - [a-z0-9_.]+: ${c0//./\\.}(/vtd)? nsid 1( |$)" "$tap" || true)
n2=$(grep -cE "^(not )?ok [0-9]+ - [a-z0-9_.]+: ${c0//./\\.}(/vtd)? nsid 2( |$)" "$tap" || true)
if ((n1 > 0 && n2 == 0)); then
	ok "on $c0, $n1 test points name namespace 1 and none namespace 2 (private to $c1)"
else
	not_ok "on $c0, test points name namespace 1 and none namespace 2 (private to $c1)" "$n1 name nsid 1, $n2 nsid 2"
fi

# ---- the multipath case, in both passes -----------------------------------------------------
mp=nvme.multipath.shared_namespace
lines=$(point_lines "$tap" $mp)
if [[ $(grep -c . <<<"$lines") -eq 2 && $(grep -c '^ok ' <<<"$lines") -eq 2 && $lines != *'# SKIP'* ]]; then
	ok "$mp passed twice (plain and VT-d pass)"
else
	not_ok "$mp passed twice (plain and VT-d pass)" "${lines:-not reported}"
fi
declare -A sid_of=()
while read -r b s; do sid_of[$b]=$s; done < <(qmp_requester_ids "$WORK/$name.qmp.json")
sum=$WORK/$name.events
if ! oracle trace "$trace" >"$sum" || ! grep -q '^point ' "$sum"; then
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
	sum=''
fi
mp_first='' mp_end=''
for pass in '' /vtd; do
	w=$(sed -nE "s|^ok [0-9]+ - ${mp//./\\.}: ([0-9a-f:.]+$pass) nsid 1 .*|\\1|p" <<<"$lines" | head -n1)
	if [[ -z $w ]]; then
		not_ok "$mp ran${pass:+ in the $pass pass} on namespace 1" "${lines:-not reported}"
		continue
	fi
	writer=$(point_yaml "$tap" $mp "$w nsid 1" writer) reader=$(point_yaml "$tap" $mp "$w nsid 1" reader)
	wb=${writer%/vtd} rb=${reader%/vtd}
	writer+=" cntlid $(point_yaml "$tap" $mp "$w nsid 1" writer_cntlid)"
	reader+=" cntlid $(point_yaml "$tap" $mp "$w nsid 1" reader_cntlid)"
	q=$(point_yaml_text "$tap" $mp "$w nsid 1" subnqn)
	m=$(point_yaml "$tap" $mp "$w nsid 1" nmic)
	if [[ " $NVME_BDFS " == *" $wb "* && " $NVME_BDFS " == *" $rb "* && $wb != "$rb" &&
		$writer == "$wb$pass cntlid ${cntlid[$wb]}" && $reader == "$rb$pass cntlid ${cntlid[$rb]}" &&
		$q == "$nqn" && $m == 0x01 ]]; then
		ok "$mp on $w YAML: writer $writer, reader $reader (two of QEMU's controllers, their Identify CNTLIDs), subnqn $q, nmic $m"
	else
		not_ok "$mp on $w YAML: writer and reader two different controllers, with their CNTLIDs, subnqn and nmic" \
			"writer '$writer', reader '$reader', subnqn '$q' (Identify: '$nqn'), nmic '$m'"
		continue
	fi
	if ! read -r first end < <(yaml_lbas "$tap" $mp "$w nsid 1"); then
		not_ok "$mp on $w names its LBAs (YAML lbas)" "lbas: '$(point_yaml "$tap" $mp "$w nsid 1" lbas)'"
		continue
	fi
	mp_first=$first mp_end=$end
	[[ -n $sum ]] || continue
	# QEMU's own account of the point: one Write of exactly those LBAs, then
	# one Read of them; under VT-d, the Write's data moved by the writer (its
	# requester ID) and the Read's by the reader.
	got=$(rw_sids "$sum" $mp "$w" | paste -sd, -)
	if [[ -n $pass ]]; then
		want="write $first $((end - first)) ${sid_of[$wb]},read $first $((end - first)) ${sid_of[$rb]}"
		what="during $mp on $w QEMU wrote LBAs $first-$end through $wb's DMA (requester ID ${sid_of[$wb]}), then read them through $rb's (${sid_of[$rb]})"
	else
		want="write $first $((end - first)) -,read $first $((end - first)) -"
		what="during $mp on $w QEMU executed one Write of LBAs $first-$end, then one Read of them"
	fi
	if [[ $got == "$want" ]]; then ok "$what"; else not_ok "$what" "commands (op lba nlb requester-ID): ${got:-none}"; fi
done

# ---- QEMU's trace ------------------------------------------------------------------------------
if [[ -n $sum ]]; then
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
	expect_vtd_point "$tap" vtd.translation.enable "GSTS 0xc0000000: 3-level tables \\(MGAW 39\\), 2 NVMe domains"
	expect_vtd_oracle "QEMU loaded a context entry per controller, each its own domain" context "$sum" 1 "${sid_of[$c0]}" "${sid_of[$c1]}"
	expect_vtd_oracle "QEMU translated DMA from the two controllers only, each inside its own IOVA slot" \
		translations "$sum" "${sid_of[$c0]}" "${sid_of[$c1]}"
	expect_vtd_oracle "no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated)" \
		quiet "$sum" vtd.dmar.parse vtd.nvme.translated
fi

# ---- the namespace images ------------------------------------------------------------------------
for f in "$shared" "$private"; do
	expect_written "$(basename -- "$f"): nothing written outside io.verify's and the format cases' areas" \
		"$f" "$AREA_IO_VERIFY" "$AREA_FORMAT"
done
for w in "$c0" "$c1" "$c0/vtd" "$c1/vtd"; do expect_verify_blocks "$tap" "$w nsid 1" "$shared"; done
for w in "$c1" "$c1/vtd"; do expect_verify_blocks "$tap" "$w nsid 2" "$private"; done
if [[ -n $mp_first ]]; then
	expect_oracle "nvmesn1.img: the multipath case's blocks $mp_first-$mp_end are pattern blocks of their own LBA" \
		blocks "$shared" "$mp_first" "$((mp_end - mp_first))"
else
	not_ok "nvmesn1.img holds the multipath case's blocks" "no LBAs named by $mp"
fi
scenario_end
