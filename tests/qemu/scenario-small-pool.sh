#!/usr/bin/env bash
# tests/qemu/scenario-small-pool.sh: the smallest DMA pool the config allows (dma_pool_mb = 1): platform.memory.dma_pool sizes its aligned run from the pool and passes, the NVMe controllers still start and read, and every address QEMU mapped lies in that 1 MiB.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin small-pool "${1:-}"
fresh_nvme_state
cfg=$(make_cfg small-pool '# scenario small-pool' 'dma_pool_mb = 1' 'tests = platform.*, nvme.identify.*, nvme.queues.*')
esp=$(make_esp small-pool "$cfg") || { not_ok "ESP built" "see $WORK/small-pool.build.log"; scenario_end; }
trace=$WORK/small-pool.trace
boot_qmp small-pool IOMMU=none CMB_SIZE_MB=0 PMR_SIZE=0 TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS" -- --esp "$esp"
tap=$WORK/small-pool.tap
expect_clean_pass small-pool "$tap"
expect_grep "the image reserved a 1 MiB pool" '^# dma_pool: base=0x[0-9a-f]+ bytes=0x100000$' "$tap"
expect_yaml "platform.memory.dma_pool ran on the 256-page pool" "$tap" platform.memory.dma_pool dma-pool pool_pages 256
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/small-pool.qmp.json"
[[ -n $NVME_BDFS ]] && expect_points_pass "$tap" "$NVME_BDFS" nvme.identify.controller nvme.queues.io_pair
sum=$WORK/small-pool.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
scenario_end
