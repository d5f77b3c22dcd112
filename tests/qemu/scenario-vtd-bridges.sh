#!/usr/bin/env bash
# tests/qemu/scenario-vtd-bridges.sh: intel-iommu with three NVMe controllers, on pcie.0, behind a pcie-root-port and behind a pcie-pci-bridge (at slot 2, so that the bridge's source ID differs from the controller's own address), allow_write on: a domain per source ID, and QEMU's trace shows the controller behind the PCIe-to-PCI bridge translated and faulting as the bridge (secondary bus, 00.0).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin vtd-bridges "${1:-}"
fresh_nvme_state
# nvme0 on the root complex and nvme1 behind root port rp1, through the
# runner's knobs; nvme2 behind the PCIe-to-PCI bridge ppb (on root port rp2)
# at device 2, which NVME_BUS cannot ask for: the same device line the
# runner writes, appended to QEMU's command line.
state=$WORK/state
truncate -s 64M -- "$state/nvme2.img"
truncate -s 8M -- "$state/pmr2.bin"
nvme2=(-drive "if=none,id=nvm2,format=raw,file=$state/nvme2.img"
	-object "memory-backend-file,id=pmr2,share=on,mem-path=$state/pmr2.bin,size=8M"
	-device "nvme,id=nvme2,serial=nvmetal-2,drive=nvm2,bus=ppb,addr=0x2,cmb_size_mb=64,pmrdev=pmr2,legacy-cmb=off")
# query-pci after the run: bus numbers behind bridges are the firmware's.
VTD_INSPECT=yes
vtd_boot vtd-bridges NVME_DRIVE_COUNT=2 NVME_BUS="pcie.0 rp1" \
	BRIDGES="rp1:pcie-root-port rp2:pcie-root-port ppb:pcie-pci-bridge@rp2" -- -- "${nvme2[@]}" || scenario_end
tap=$WORK/vtd-bridges.tap
json=$WORK/vtd-bridges.qmp.json
# No isa-debug-exit here (the image's reset pauses QEMU for query-pci): the
# verdict line stands for the exit code.
expect_tap_clean "$tap"
expect_eq "QEMU realized 3 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 3
[[ $QMP_OK == yes && -n $NVME_BDFS ]] || scenario_end

# The topology this scenario claims, from QEMU: nvme2 behind the
# pcie-pci-bridge at a non-zero device number, so that its source ID (the
# bridge's secondary bus, 00.0) is not its own address.
b0=$(qmp_bdf_of "$json" nvme0) b1=$(qmp_bdf_of "$json" nvme1) b2=$(qmp_bdf_of "$json" nvme2)
ppb=$(qmp_bdf_of "$json" ppb)
ppb_sec=$(jq -r '
	  def devs: .devices[]? | ., (.pci_bridge // empty | devs);
	  .return[] | devs | select(.qdev_id == "ppb") | .pci_bridge.bus.secondary' "$json")
sec2=$(printf '%02x' "${ppb_sec:-0}")
if [[ ${b0%%:*} == 00 && -n $b1 && ${b1%%:*} != 00 && -n $ppb && ${ppb%%:*} != 00 &&
	${b2%%:*} == "$sec2" && ${b2#*:} != 00.0 ]]; then
	ok "topology: nvme0 $b0 on pcie.0, nvme1 $b1 behind a root port, nvme2 $b2 behind the pcie-pci-bridge $ppb (secondary bus $sec2)"
else
	not_ok "topology: nvme0 on pcie.0, nvme1 behind a root port, nvme2 behind the pcie-pci-bridge at a device other than 00.0" \
		"nvme0=$b0 nvme1=$b1 nvme2=$b2 ppb=$ppb secondary=$sec2"
fi
map=$(qmp_requester_ids "$json" | tr ' ' = | paste -sd' ' -)
expect_eq "requester IDs from QEMU's topology: each controller its own, nvme2 the bridge's ($sec2:00.0)" \
	"$(tr ' ' '\n' <<<"$map" | grep -c "^$b2=$sec2:00.0$" || true)" 1

expect_grep "the image found the controller behind the pcie-pci-bridge at $b2" "^# pci $b2 [0-9a-f]{4}:[0-9a-f]{4} class 01:08:02" "$tap"
expect_points_pass "$tap" "$NVME_BDFS" "${NVME_BASE_IDS[@]}" "${NVME_CMB_IDS[@]}" "${NVME_PMR_IDS[@]}"
expect_vtd_translated "$tap" "$VTD_SUM" "$map" 3 39 1
expect_vtd_skip "$tap" vtd.p2p.cmb_copy "beyond the unit's 39-bit reach.*aw-bits=48"

# nvme2's DMA, as QEMU saw it: only ever under the bridge's source ID.
if [[ -n $VTD_SUM ]]; then
	# (sid= is the first field after the event name, but the second of "fault")
	own=$(awk -v s="sid=$b2" '$1 == "ev" && ($6 == s || $7 == s)' "$VTD_SUM" | grep -c . || true)
	alias=$(awk -v s="sid=$sec2:00.0" '$1 == "ev" && $5 == "translate" && $6 == s { n++ } END { print n + 0 }' "$VTD_SUM")
	faults=$(awk -v s="sid=$sec2:00.0" -v w="$b2/vtd" '$1 == "ev" && $5 == "fault" && $7 == s && $4 == w { n++ } END { print n + 0 }' "$VTD_SUM")
	if ((own == 0 && alias > 0 && faults >= 4)); then
		ok "QEMU translated $b2's DMA only as $sec2:00.0 ($alias translations) and recorded its $faults isolation faults under $sec2:00.0"
	else
		not_ok "QEMU translated $b2's DMA only as $sec2:00.0 and recorded its isolation faults under it" \
			"$own events under $b2 itself, $alias translations and $faults fault records under $sec2:00.0"
	fi
fi
scenario_end
