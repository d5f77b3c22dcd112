#!/usr/bin/env bash
# tests/qemu/scenario-nvme-bad-namespace.sh: a 64 MiB namespace 1 beside an empty (0-byte) namespace 2 on one controller, allow_write on: the empty one is reported as unusable (the only failing point), never given I/O, and everything on namespace 1 and on the controller still runs and passes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin nvme-bad-namespace "${1:-}"
rm -f -- "$WORK"/state/nvme*.img
cfg=$(make_cfg nvme-bad-namespace '# scenario nvme-bad-namespace' 'allow_write = nvmetal-*' 'iommu = off')
esp=$(make_esp nvme-bad-namespace "$cfg") || { not_ok "ESP built" "see $WORK/nvme-bad-namespace.build.log"; scenario_end; }
trace=$WORK/nvme-bad-namespace.trace
boot_qmp nvme-bad-namespace IOMMU=none NVME_DRIVE_COUNT=1 CMB_SIZE_MB=0 PMR_SIZE=0 \
	NVME_NS='0:1:64M 0:2:0' TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS" -- --esp "$esp"
tap=$WORK/nvme-bad-namespace.tap
tap_extract "$WORK/nvme-bad-namespace.serial" "$tap"
expect_rc "exit code 1 (a test failed) through isa-debug-exit" "$BOOT_RC" 1
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-bad-namespace.qmp.json"
bdf=${NVME_BDFS%% *}
[[ -n $bdf ]] || { not_ok "QEMU realized the NVMe controller" "none in query-pci"; scenario_end; }

failing=$(grep -E '^not ok ' "$tap" || true)
if [[ $(grep -c . <<<"$failing") -eq 1 && $failing == *"nvme.identify.namespaces: $bdf nsid 2 "* ]]; then
	ok "the only failing point is nvme.identify.namespaces on nsid 2: ${failing#*nsid 2 }"
else
	not_ok "the only failing point is nvme.identify.namespaces on nsid 2" "${failing//$'\n'/ | }"
fi
expect_yaml "nsid 2's failure names the cause" "$tap" nvme.identify.namespaces "$bdf nsid 2" problem 'namespace size is 0 blocks'
expect_yaml "nsid 1 identified with its size" "$tap" nvme.identify.namespaces "$bdf nsid 1" nsze 131072
expect_points_pass "$tap" "$bdf" nvme.controller.takeover nvme.identify.controller nvme.controller.shutdown@any
ids=(nvme.queues.io_pair nvme.io.verify nvme.io.flush nvme.io.write_zeroes nvme.io.deallocate)
expect_points_pass_at "$tap" "$bdf" "${ids[@]/%/@1}"
expect_ns_skips "$tap" "$bdf" 2 'namespace unusable: namespace size is 0 blocks' "${ids[@]}"

sum=$WORK/nvme-bad-namespace.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	n=$(awk '$1 == "ev" && $5 == "io_cmd" && $8 == "nsid=2"' "$sum" | wc -l)
	expect_eq "QEMU never got an I/O command for nsid 2" "$n" 0
	n=$(awk '$1 == "ev" && $5 == "io_cmd" && $8 == "nsid=1"' "$sum" | wc -l)
	if ((n > 0)); then ok "QEMU executed $n I/O commands on nsid 1"; else not_ok "QEMU executed I/O commands on nsid 1" "none"; fi
	expect_trace_no_errors "$sum"
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
end=$(point_yaml "$tap" nvme.io.verify "$bdf nsid 1" lbas)
expect_oracle "nvme0n1.img: io.verify's pattern blocks" blocks "$WORK/state/nvme0n1.img" 0 "${end#*-}"
expect_oracle "nvme0n1.img: nothing written outside the documented areas" written "$WORK/state/nvme0n1.img" "$AREA_IO_VERIFY" "$AREA_FORMAT"
expect_eq "nvme0n2.img is still empty" "$(stat -c %s -- "$WORK/state/nvme0n2.img")" 0
scenario_end
