#!/usr/bin/env bash
# tests/qemu/scenario-nvme-many.sh: ten NVMe controllers (no CMB, no PMR) spread over pcie.0, four pcie-root-ports and a pcie-pci-bridge, intel-iommu on, allow_write on: the firmware places every BAR, the image drives every controller where QEMU put it, in the plain and the VT-d pass, with a domain per requester ID (the three behind the PCIe-to-PCI bridge share one), and every namespace image holds what io.verify wrote.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-many "${1:-}"
fresh_nvme_state
name=nvme-many
cfg=$(make_cfg "$name" '# scenario nvme-many: write to the runner'"'"'s ten controllers' 'allow_write = nvmetal-*')
esp=$(make_esp "$name" "$cfg") || { not_ok "ESP built" "see $WORK/$name.build.log"; scenario_end; }

# Controller i sits on bus ${buses[i]}: three on the root complex, one behind
# each of four root ports, three behind the PCIe-to-PCI bridge (on root port
# rp5), interleaved so that QEMU's order, bus order and file order all differ.
# Eight requester IDs in all: the image's domains, and the oracle's IOVA slots.
N=10
buses=(pcie.0 rp1 ppb rp2 pcie.0 rp3 ppb rp4 pcie.0 ppb)
bridges="rp1:pcie-root-port rp2:pcie-root-port rp3:pcie-root-port rp4:pcie-root-port rp5:pcie-root-port ppb:pcie-pci-bridge@rp5"
trace=$WORK/$name.trace
# query-pci once the image's last pci.* point is out: bus numbers behind the
# bridges are the firmware's by then, and the exit code is kept.
boot_qmp_when "$name" '^ok [0-9]+ - pci\.caps\.well_formed' TRACE="$trace" TRACE_EVENTS="$VTD_TRACE_EVENTS" \
	NVME_DRIVE_COUNT=$N CMB_SIZE_MB=0 PMR_SIZE=0 BRIDGES="$bridges" NVME_BUS="${buses[*]}" -- --esp "$esp"
tap=$WORK/$name.tap json=$WORK/$name.qmp.json
tap_extract "$WORK/$name.serial" "$tap"
expect_rc "exit code 0 (pass) through isa-debug-exit" "$BOOT_RC" 0
expect_tap_clean "$tap"

# ---- QEMU's inventory ----------------------------------------------------------
[[ $QMP_OK == yes ]] || scenario_end
nvme_controllers "$json"
bdfs=$NVME_BDFS
expect_eq "query-pci shows $N NVMe functions (class 01:08)" \
	"$(jq '[def devs: .devices[]? | ., (.pci_bridge // empty | devs); .return[] | devs | select(.class_info.class == 264)] | length' "$json")" $N
expect_eq "query-pci shows the runner's controllers nvme0..nvme$((N - 1))" "$(wc -w <<<"$bdfs")" $N
[[ -n $bdfs ]] || scenario_end

# Where QEMU put each one: on the bus the runner asked for, the bridges' buses
# as the firmware numbered them.
errs=''
while read -r id bdf parent; do
	i=${id#nvme}
	[[ $parent == "${buses[i]}" ]] || errs+="$id at $bdf behind '$parent', want '${buses[i]}'; "
done < <(qmp_nvme_parents "$json")
n_root=$(tr ' ' '\n' <<<"$bdfs" | grep -c '^00:' || true)
n_bus=$(tr ' ' '\n' <<<"$bdfs" | cut -d: -f1 | sort -u | wc -l)
ppb_sec=$(printf '%02x' "$(jq -r 'def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	.return[] | devs | select(.qdev_id == "ppb") | .pci_bridge.bus.secondary // 0' "$json")")
n_ppb=$(tr ' ' '\n' <<<"$bdfs" | grep -c "^$ppb_sec:" || true)
if [[ -z $errs && $n_root -eq 3 && $n_ppb -eq 3 && $n_bus -eq 6 && $ppb_sec != 00 ]]; then
	ok "topology: 3 controllers on bus 00, 4 alone behind their root ports, 3 on the pcie-pci-bridge's bus $ppb_sec (6 buses; each on the bus the runner named)"
else
	not_ok "topology: 3 on bus 00, 4 behind root ports, 3 behind the pcie-pci-bridge, each where the runner put it" \
		"${errs}bus 00: $n_root, bus $ppb_sec: $n_ppb, $n_bus buses"
fi
unmapped=$(qmp_unmapped_bars "$json" | paste -sd, -)
n_bars=$(jq '[def devs: .devices[]? | ., (.pci_bridge // empty | devs); .return[] | devs | .regions[]? | select(.bar < 6)] | length' "$json")
if [[ -z $unmapped && $n_bars -gt $N ]]; then
	ok "the firmware assigned every one of the $n_bars BARs query-pci lists (no MMIO or bus shortage)"
else
	not_ok "the firmware assigned every BAR query-pci lists" "unassigned: ${unmapped:-none} of $n_bars"
fi
for bdf in $bdfs; do
	sizes=$(qmp_bar_sizes "$json" "$bdf")
	[[ $sizes == 0:* && $sizes != *' 2:'* && $sizes != *' 4:'* ]] || errs+="$bdf: $sizes; "
done
if [[ -z $errs ]]; then
	ok "query-pci: each controller has BAR0 and neither a CMB (BAR2) nor a PMR (BAR4)"
else
	not_ok "query-pci: each controller has BAR0 and neither a CMB (BAR2) nor a PMR (BAR4)" "$errs"
fi
pci_from_tap "$tap" >"$WORK/$name.image-pci"
pci_from_qmp "$json" >"$WORK/$name.qemu-pci"
compare_inventory "$WORK/$name.image-pci" "$WORK/$name.qemu-pci"
# Requester IDs as QEMU's IOMMU sees them: the three behind the PCIe-to-PCI
# bridge are all the bridge's secondary bus, 00.0.
declare -A sid_of=()
while read -r bdf sid; do sid_of[$bdf]=$sid; done < <(qmp_requester_ids "$json")
sids=$(printf '%s\n' "${sid_of[@]}" | sort -u | paste -sd' ' -)
n_sids=$(wc -w <<<"$sids")
alias=$(for b in $bdfs; do [[ ${b%%:*} == "$ppb_sec" ]] && echo "${sid_of[$b]}"; done | sort -u | paste -sd' ' -)
if ((n_sids == 8)) && [[ $alias == "$ppb_sec:00.0" ]]; then
	ok "requester IDs from QEMU's topology: $n_sids for $N controllers, the pcie-pci-bridge's three all $alias"
else
	not_ok "requester IDs from QEMU's topology: 8, the pcie-pci-bridge's three all $ppb_sec:00.0" "$n_sids: $sids; behind the bridge: $alias"
fi

# ---- test points, both passes ----------------------------------------------------
errs=''
for bdf in $bdfs; do
	grep -Eq "^# pci $bdf 1b36:0010 class 01:08:02" "$tap" || errs+="$bdf "
done
if [[ -z $errs ]]; then ok "the image's inventory lists an NVMe controller at each of QEMU's $N addresses"; else not_ok "the image's inventory lists an NVMe controller at each of QEMU's addresses" "missing: $errs"; fi
expect_grep "pci.enumerate passed, through the 6 bridges, finding $N controllers" \
	"^ok [0-9]+ - pci\\.enumerate: [0-9]+ functions, 6 bridges, $N NVMe controllers$" "$tap"
expect_grep "pci.bridges.bus_ranges passed over the 6 bridges" '^ok [0-9]+ - pci\.bridges\.bus_ranges: 6 bridges, ' "$tap"
vtds=$(for b in $bdfs; do printf '%s/vtd ' "$b"; done)
ids=(nvme.controller.takeover nvme.identify.controller nvme.identify.namespaces@1 nvme.queues.io_pair@1
	nvme.io.verify@1 nvme.io.flush@1 nvme.io.write_zeroes@1 nvme.io.deallocate@1)
expect_points_pass_at "$tap" "$bdfs" "${ids[@]}"
expect_points_pass_at "$tap" "$vtds" "${ids[@]}" nvme.controller.shutdown
expect_points_skip "$tap" "$bdfs" 'CAP\.CMBS=0: no CMB' "${NVME_CMB_IDS[@]}" nvme.cmb.cq
expect_points_skip "$tap" "$bdfs" 'CAP\.PMRS=0: no PMR' "${NVME_PMR_IDS[@]}"
expect_only_skips "$tap" "nvme\\.(cmb|pmr)\\.[a-z_]+: [^#]* # SKIP CAP\\.(CMBS|PMRS)=0: no (CMB|PMR)|nvme\\.cmb\\.copy_between_controllers # SKIP no controller has a CMB .*|nvme\\.bench\\.[a-z0-9_]+:.*|$NVME_PLAIN_SKIPS" \
	'only what a controller without CMB/PMR, a plain namespace and bench = no explain'
# Which controller the image talked to at each address: its serial, per pass.
errs='' nqns=''
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	for w in "$bdf" "$bdf/vtd"; do
		s=$(point_yaml_text "$tap" nvme.identify.controller "$w" serial)
		[[ $s == "nvmetal-$i" ]] || errs+="$w: serial '${s:-absent}', want nvmetal-$i; "
	done
	nqns+="$(point_yaml_text "$tap" nvme.identify.controller "$bdf" subnqn)"$'\n'
done
if [[ -z $errs ]]; then
	ok "nvme.identify.controller's serial at each address is QEMU's nvmeN there (nvmetal-N), in both passes"
else
	not_ok "nvme.identify.controller's serial at each address is QEMU's nvmeN there" "$errs"
fi
expect_eq "nvme.identify.controller: $N different subnqn (one subsystem each)" "$(grep . <<<"$nqns" | sort -u | wc -l)" $N

# ---- VT-d: the image's account -------------------------------------------------------
expect_vtd_point "$tap" vtd.translation.enable "GSTS 0xc0000000: 3-level tables \\(MGAW 39\\), $n_sids NVMe domains"
expect_vtd_point "$tap" vtd.nvme.translated "NVMe cases ran with $N controllers translated; no fault recorded"
expect_points_pass "$tap" "$bdfs" "${VTD_ISOLATION_IDS[@]/%/@any}"
line=$(point_lines "$tap" vtd.isolation.other_domain)
other=$(sed -nE 's/^ok [0-9]+ - vtd\.isolation\.other_domain: ([0-9a-f:.]+)\/vtd .*/\1/p' <<<"$line")
if [[ -n $other && -n ${sid_of[$other]:-} && $line != *'# SKIP'* ]]; then
	ok "vtd.isolation.other_domain passed once, on $other/vtd"
else
	not_ok "vtd.isolation.other_domain passed once, on one of the controllers" "${line:-not reported}"
fi

# ---- QEMU's trace ---------------------------------------------------------------------
sum=$WORK/$name.events
if ! oracle trace "$trace" >"$sum" || ! grep -q '^point ' "$sum"; then
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
	sum=''
fi
if [[ -n $sum ]]; then
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
	# io.verify on every controller, in both passes: QEMU wrote and read
	# exactly the LBAs the image names; in the VT-d pass, every translation
	# during it came from that controller's requester ID.
	errs=''
	for bdf in $bdfs; do
		for w in "$bdf" "$bdf/vtd"; do
			read -r first end < <(yaml_lbas "$tap" nvme.io.verify "$w nsid 1") || { errs+="$w: no lbas; "; continue; }
			read -r nw bw lw hw <<<"$(rw_blocks "$sum" nvme.io.verify "$w" write 1)"
			read -r _ br lr hr <<<"$(rw_blocks "$sum" nvme.io.verify "$w" read 1)"
			((nw > 0 && bw == end - first && lw == first && hw == end && br == bw && lr == first && hr == end)) ||
				errs+="$w: lbas $first-$end, QEMU wrote $bw blocks in $nw commands ($lw-$hw), read $br ($lr-$hr); "
		done
		stray=$(seg_events "$sum" nvme.io.verify "$bdf/vtd" translate | awk -v s="sid=${sid_of[$bdf]}" '$6 != s' | head -n1)
		n_tr=$(seg_events "$sum" nvme.io.verify "$bdf/vtd" translate | wc -l)
		[[ -z $stray && $n_tr -gt 0 ]] || errs+="$bdf/vtd: $n_tr translations, not from ${sid_of[$bdf]}: ${stray:-none}; "
	done
	if [[ -z $errs ]]; then
		ok "during nvme.io.verify on each controller and pass QEMU wrote, then read, exactly the LBAs its YAML names; translated under the controller's own requester ID"
	else
		not_ok "during nvme.io.verify on each controller and pass QEMU wrote and read exactly the LBAs its YAML names" "$errs"
	fi
	for bdf in $bdfs; do expect_shutdown_trace "$sum" "$bdf"; done
	# shellcheck disable=SC2086 # one SID per word
	expect_vtd_oracle "QEMU loaded a context entry per requester ID, each its own domain, 3-level" context "$sum" 1 $sids
	# shellcheck disable=SC2086
	expect_vtd_oracle "QEMU translated DMA from those $n_sids requester IDs only, each inside its own IOVA slot" translations "$sum" $sids
	expect_vtd_oracle "no fault while the positive cases ran (vtd.dmar.parse .. vtd.nvme.translated)" \
		quiet "$sum" vtd.dmar.parse vtd.nvme.translated
	# The faults' addresses are in the points' YAML (matched_fault); oracle_tap puts them where the oracle reads them.
	view=$(oracle_tap "$tap")
	for bdf in $bdfs; do
		for id in "${VTD_ISOLATION_IDS[@]}"; do
			expect_vtd_oracle "$id on $bdf/vtd: QEMU's record, under ${sid_of[$bdf]}" isolation "$sum" "$view" "$id" "$bdf/vtd" "${sid_of[$bdf]}"
		done
	done
	[[ -n $other ]] && expect_vtd_oracle "vtd.isolation.other_domain on $other/vtd: QEMU's record" \
		isolation "$sum" "$view" vtd.isolation.other_domain "$other/vtd" "${sid_of[$other]}"
fi

# ---- the namespace images --------------------------------------------------------------
for bdf in $bdfs; do
	i=${NVME_INDEX[$bdf]}
	img=$WORK/state/nvme$i.img
	# No CMB, no PMR: only io.verify's and the format cases' areas are written.
	expect_written "nvme$i.img ($bdf): nothing written outside io.verify's and the format cases' areas" \
		"$img" "$AREA_IO_VERIFY" "$AREA_FORMAT"
	expect_verify_blocks "$tap" "$bdf/vtd nsid 1" "$img"
done
scenario_end
