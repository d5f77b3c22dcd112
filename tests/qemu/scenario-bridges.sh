#!/usr/bin/env bash
# tests/qemu/scenario-bridges.sh: NVMe controllers on pcie.0, behind a pcie-root-port and behind a pcie-pci-bridge; the image must find each where QEMU put it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin bridges "${1:-}"
cfg=$(make_cfg bridges '# scenario bridges: defaults')
esp=$(make_esp bridges "$cfg") || { not_ok "ESP built" "see $WORK/bridges.build.log"; scenario_end; }

# nvme0 on the root complex, nvme1 behind root port rp1, nvme2 behind a
# PCIe-to-PCI bridge that itself sits on root port rp2.
boot_and_inspect bridges NVME_DRIVE_COUNT=3 \
	BRIDGES="rp1:pcie-root-port rp2:pcie-root-port ppb:pcie-pci-bridge@rp2" \
	NVME_BUS="pcie.0 rp1 ppb" -- --esp "$esp"
tap_extract "$WORK/bridges.serial" "$WORK/bridges.tap"
tap="$WORK/bridges.tap"

expect_grep "pci.enumerate passed" '^ok [0-9]+ - pci\.enumerate([: ]|$)' "$tap"
expect_no_grep "no bail out" '^Bail out!' "$tap"

if [[ $INSPECT_OK == yes ]]; then
	json=$WORK/bridges.qmp.json
	pci_from_tap "$tap" >"$WORK/bridges.image-pci"
	pci_from_qmp "$json" >"$WORK/bridges.qemu-pci"
	declare -A where=()
	for id in nvme0 nvme1 nvme2; do
		where[$id]=$(qmp_bdf_of "$json" "$id")
		if [[ -z ${where[$id]} ]]; then
			not_ok "QEMU reports controller $id" "no qdev_id $id in query-pci"
			continue
		fi
		bdf=${where[$id]}
		# The image's inventory line for that address must be an NVMe controller.
		if grep -Eq "^# pci $bdf [0-9a-f]{4}:[0-9a-f]{4} class 01:08:02" "$tap"; then
			ok "$id found by the image at $bdf, QEMU's address for it"
		else
			seen=$(grep -E '^# pci [0-9a-f:.]+ .*class 01:08:02' "$tap" | awk '{ print $3 }' | paste -sd, -)
			not_ok "$id found by the image at $bdf, QEMU's address for it" "image lists NVMe at: ${seen:-none}"
		fi
		# ... and some test point must have run on it.
		expect_grep "a test point ran on $id ($bdf)" "^(not )?ok [0-9]+ - [A-Za-z0-9_.]+: $bdf( |$)" "$tap"
	done
	# The topology really is what this scenario claims (else it proves nothing).
	b0=${where[nvme0]:-}; b1=${where[nvme1]:-}; b2=${where[nvme2]:-}
	if [[ ${b0%%:*} == 00 && -n $b1 && ${b1%%:*} != 00 && -n $b2 && ${b2%%:*} != 00 && ${b1%%:*} != "${b2%%:*}" ]]; then
		ok "topology: nvme0 on bus 00, nvme1 (${b1%%:*}) and nvme2 (${b2%%:*}) on two different secondary buses"
	else
		not_ok "topology: nvme0 on bus 00, nvme1 and nvme2 behind bridges" "got nvme0=$b0 nvme1=$b1 nvme2=$b2"
	fi
	compare_inventory "$WORK/bridges.image-pci" "$WORK/bridges.qemu-pci"
fi
scenario_end
