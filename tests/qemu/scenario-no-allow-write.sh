#!/usr/bin/env bash
# tests/qemu/scenario-no-allow-write.sh: default machine, no \nvmetal.cfg (allow_write = none): every namespace image and PMR file must be bit-for-bit unchanged, every write test SKIP naming allow_write, the read-only CMB tests still pass.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

scenario_begin no-allow-write "${1:-}"
esp=$(make_esp no-allow-write) || { not_ok "ESP built" "see $WORK/no-allow-write.build.log"; scenario_end; }

# Files the runner will keep as they are (right sizes), full of data, so that
# any write at all shows: random bytes in the first 8 MiB of each namespace
# (the image's test areas lie there) and in the whole of each PMR.
fresh_nvme_state
state=$WORK/state
files=()
for i in 0 1; do
	head -c $((8 << 20)) /dev/urandom >"$state/nvme$i.img"
	truncate -s 64M -- "$state/nvme$i.img"
	head -c $((8 << 20)) /dev/urandom >"$state/pmr$i.bin"
	files+=("$state/nvme$i.img" "$state/pmr$i.bin")
done
before=$(sha256_of "${files[@]}")

trace=$WORK/no-allow-write.trace
boot_qmp no-allow-write TRACE="$trace" TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/no-allow-write.tap
expect_clean_pass no-allow-write "$tap"
expect_grep "the image ran with allow_write = none" '^# config: allow_write = none$' "$tap"

# ---- the oracle: the files on the host --------------------------------------------
expect_unchanged "$before" "${files[@]}"

[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/no-allow-write.qmp.json"
bdfs=$NVME_BDFS
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$bdfs")" 2
[[ -n $bdfs ]] || scenario_end

# ---- test points ----------------------------------------------------------------
expect_points_skip "$tap" "$bdfs" 'allow_write' nvme.io.verify nvme.cmb.write_from_cmb \
	nvme.pmr.power_cycle nvme.pmr.access_widths nvme.pmr.disable_hides_data \
	nvme.pmr.survives_reset nvme.pmr.survives_flr nvme.pmr.dma_target
copy=$(point_lines "$tap" nvme.cmb.copy_between_controllers)
if [[ -n $copy ]] && ! grep -Ev '^ok [0-9]+ - [^#]*# SKIP .*allow_write' <<<"$copy" | grep -q .; then
	ok "nvme.cmb.copy_between_controllers SKIPs naming allow_write: $(head -n1 <<<"${copy#*# SKIP }")"
else
	not_ok "nvme.cmb.copy_between_controllers SKIPs naming allow_write" "${copy:-not reported}"
fi
expect_points_pass "$tap" "$bdfs" nvme.controller.takeover nvme.identify.controller nvme.queues.io_pair \
	nvme.cmb.admin_sq nvme.cmb.io_sq nvme.cmb.prp_list nvme.cmb.read_into_cmb nvme.cmb.mixed_prp_rejected \
	nvme.pmr.discover nvme.pmr.enable nvme.controller.shutdown@any

# ---- QEMU's trace: no command that writes a namespace ever reached a controller ----
sum=$WORK/no-allow-write.events
if oracle trace "$trace" >"$sum" && grep -q '^point ' "$sum"; then
	expect_dma_inside "$tap" "$sum"
	n_read=$(awk '$1 == "ev" && $5 == "rw" && $6 == "read"' "$sum" | wc -l)
	if ((n_read > 0)); then ok "QEMU executed $n_read Read commands (the trace sees I/O)"; else
		not_ok "QEMU executed Read commands (the trace sees I/O)" "none"
	fi
	# NVM: Write 0x01, Write Uncorrectable 0x04, Write Zeroes 0x08, Dataset
	# Management 0x09, Copy 0x19; admin: Namespace Management 0x0d, Format
	# NVM 0x80, Sanitize 0x84.
	expect_no_grep "QEMU executed no Write, Write Zeroes/Uncorrectable, DSM or Copy command" \
		' (rw write |io_cmd sqid=[0-9]+ opc=0x(1|4|8|9|19)( nsid=[0-9]+)?$)' "$sum"
	expect_no_grep "QEMU executed no Format NVM, Sanitize or Namespace Management command" \
		' admin_cmd sqid=[0-9]+ opc=0x(d|80|84)$' "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi
scenario_end
