#!/usr/bin/env bash
# tests/qemu/scenario-power-cycle-share-on.sh: two boots on the same PMR files with share=on (a power cycle that keeps the PMR): boot 2 must find and verify boot 1's record, and the host files must hold generation 1, then 2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin power-cycle-share-on "${1:-}"
fresh_nvme_state

# ---- boot 1: fresh (all-zero) PMR files ----------------------------------------
power_cycle_boot boot1 on || scenario_end
for bdf in $NVME_BDFS; do
	i=${NVME_INDEX[$bdf]}
	expect_power_cycle boot1 "$bdf" none 1
	expect_pmr_record "after boot 1, pmr$i.bin ($bdf)" "$WORK/state/pmr$i.bin" 1
	seed1[i]=$(oracle pmr "$WORK/state/pmr$i.bin" | sed -n 's/.* seed \(0x[0-9a-f]*\) .*/\1/p' || true)
done

# ---- boot 2: the same files -------------------------------------------------------
power_cycle_boot boot2 on || scenario_end
for bdf in $NVME_BDFS; do
	i=${NVME_INDEX[$bdf]}
	expect_power_cycle boot2 "$bdf" 1 2
	expect_pmr_record "after boot 2, pmr$i.bin ($bdf)" "$WORK/state/pmr$i.bin" 2
	seed2=$(oracle pmr "$WORK/state/pmr$i.bin" | sed -n 's/.* seed \(0x[0-9a-f]*\) .*/\1/p' || true)
	# The record is rewritten by boot 2, not left over: a new seed per run.
	if [[ -n ${seed1[i]:-} && -n $seed2 && $seed2 != "${seed1[i]}" ]]; then
		ok "pmr$i.bin: boot 2's record has its own seed ($seed2, boot 1 wrote ${seed1[i]})"
	else
		not_ok "pmr$i.bin: boot 2's record has its own seed" "boot 1 ${seed1[i]:-none}, boot 2 ${seed2:-none}"
	fi
done
scenario_end
