#!/usr/bin/env bash
# tests/qemu/scenario-power-cycle-share-off.sh: two boots with the PMR backend share=off (QEMU maps the file privately: nothing persists): boot 2 must find no record, and the host files must stay all zero.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin power-cycle-share-off "${1:-}"
fresh_nvme_state

for boot in boot1 boot2; do
	power_cycle_boot "$boot" off || scenario_end
	for bdf in $NVME_BDFS; do
		i=${NVME_INDEX[$bdf]}
		expect_power_cycle "$boot" "$bdf" none 1
		expect_oracle "after $boot, pmr$i.bin ($bdf) is still all zero (a private mapping)" zero "$WORK/state/pmr$i.bin"
	done
done
expect_no_grep "boot 2 found no record from boot 1 (no found_generation in its YAML)" '^  found_generation: ' "$WORK/boot2.tap"
scenario_end
