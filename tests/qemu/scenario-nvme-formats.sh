#!/usr/bin/env bash
# tests/qemu/scenario-nvme-formats.sh: namespaces with metadata (separate and extended) and end-to-end protection (types 1 and 3), allow_write on, intel-iommu: every data case runs on every format, the PI the controller generated verifies on the host, the wrong tags the image wrote are caught with their status codes, and QEMU never DMAs outside the image's pool.
# MDTS is 1 (8 KiB): QEMU 7.2 drops the metadata of longer extended-LBA transfers (scenario
# nvme-extended-lba-limit shows the image catching that).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# C:NSID:SIZE:PROPS, and what each namespace must report (metadata_bytes extended_lba pi_type).
NAMESPACES='0:1:64M:ms=8 0:2:64M:ms=16,mset=1 0:3:64M:ms=8,pi=1 1:1:64M:ms=8,mset=1,pi=3 1:2:64M:ms=16,pi=1'
declare -A FORMAT=([0:1]='8 false 0' [0:2]='16 true 0' [0:3]='8 false 1' [1:1]='8 true 3' [1:2]='16 false 1')

scenario_begin nvme-formats "${1:-}"
rm -f -- "$WORK"/state/nvme*.img
cfg=$(make_cfg nvme-formats '# scenario nvme-formats' 'allow_write = nvmetal-*')
esp=$(make_esp nvme-formats "$cfg") || { not_ok "ESP built" "see $WORK/nvme-formats.build.log"; scenario_end; }
trace=$WORK/nvme-formats.trace
boot_qmp nvme-formats NVME_NS="$NAMESPACES" NVME_OPTS=mdts=1 CMB_SIZE_MB=16 PMR_SIZE=0 TRACE="$trace" \
	TRACE_EVENTS="$NVME_TRACE_EVENTS vtd_dmar_translate" -- --esp "$esp"
tap=$WORK/nvme-formats.tap
expect_clean_pass nvme-formats "$tap"
[[ $QMP_OK == yes ]] && nvme_controllers "$WORK/nvme-formats.qmp.json"
expect_eq "QEMU realized 2 NVMe controllers" "$(wc -w <<<"$NVME_BDFS")" 2
[[ -n $NVME_BDFS ]] || scenario_end
declare -A BDF_OF=()
for bdf in $NVME_BDFS; do BDF_OF[${NVME_INDEX[$bdf]}]=$bdf; done

sum=$WORK/nvme-formats.events
oracle trace "$trace" >"$sum" || true
if grep -q '^point ' "$sum"; then
	expect_trace_no_errors "$sum" nvme.cmb.mixed_prp_rejected
	expect_dma_inside "$tap" "$sum"
else
	not_ok "QEMU's trace holds the image's test points" "see ${trace#"$REPO"/}"
fi

# lbas_end TAP ID WHERE: the end of the point's "lbas: FIRST-END" (empty when absent).
lbas_end() { local v; v=$(point_yaml "$1" "$2" "$3" lbas); [[ $v == *-* ]] && echo "${v#*-}"; }

for key in 0:1 0:2 0:3 1:1 1:2; do
	c=${key%%:*} nsid=${key#*:} bdf=${BDF_OF[${key%%:*}]:-}
	[[ -n $bdf ]] || { not_ok "controller $c found in query-pci" "NVME_INDEX has no $c"; continue; }
	where="$bdf nsid $nsid"
	read -r ms ext pi <<<"${FORMAT[$key]}"
	img=$WORK/state/nvme${c}n$nsid.img
	expect_yaml "$where: Identify Namespace's metadata size" "$tap" nvme.identify.namespaces "$where" metadata_bytes "$ms"
	expect_yaml "$where: FLBAS extended-LBA bit" "$tap" nvme.identify.namespaces "$where" extended_lba "$ext"
	expect_yaml "$where: DPS protection type" "$tap" nvme.identify.namespaces "$where" pi_type "$pi"
	expect_points_pass_at "$tap" "$bdf $bdf/vtd" nvme.queues.io_pair@"$nsid" nvme.io.verify@"$nsid" \
		nvme.io.flush@"$nsid" nvme.io.metadata@"$nsid" nvme.io.write_zeroes@"$nsid" nvme.io.deallocate@"$nsid"
	# The namespace image: the data area and the metadata area QEMU keeps behind it.
	export NVME_ORACLE_MS=$ms NVME_ORACLE_EXT=0 NVME_ORACLE_PIL=last
	expect_oracle "nvme${c}n$nsid.img: nothing written outside the documented areas" written "$img" \
		"$AREA_IO_VERIFY" "$AREA_CMB" "$AREA_COPY" "$AREA_FORMAT"
	end=$(lbas_end "$tap" nvme.io.verify "$where")
	meta=$(lbas_end "$tap" nvme.io.metadata "$where")
	if [[ -z $end || -z $meta ]]; then
		not_ok "$where: io.verify and io.metadata name their LBAs" "io.verify '${end:-}', io.metadata '${meta:-}'"
		continue
	fi
	# io.metadata wrote data blocks and the metadata pattern, whatever the layout.
	expect_oracle "nvme${c}n$nsid.img: io.metadata's data blocks" blocks "$img" 14336 $((meta - 14336))
	if ((pi == 0 || ms > 8)); then
		expect_oracle "nvme${c}n$nsid.img: io.metadata's metadata pattern, read back from the metadata area" \
			metadata "$img" 14336 $((meta - 14336))
	fi
	if ((pi)); then
		# io.verify went through PRACT where the metadata is all PI: plain data blocks, PI by QEMU.
		if ((ms == 8)); then
			expect_oracle "nvme${c}n$nsid.img: io.verify's data blocks (PI inserted by the controller)" blocks "$img" 0 "$end"
			expect_oracle "nvme${c}n$nsid.img: the PI QEMU generated for io.verify's blocks" pi "$img" 0 "$end" "$pi"
		fi
		gen=$(point_yaml "$tap" nvme.io.protection "$where" generated_lbas)
		host=$(point_yaml "$tap" nvme.io.protection "$where" host_pi_lbas)
		wrong=$(point_yaml "$tap" nvme.io.protection "$where" wrong_tag_lba)
		if [[ $gen == *-* && $host == *-* && -n $wrong ]]; then
			expect_oracle "nvme${c}n$nsid.img: PI of the PRACT writes" pi "$img" "${gen%-*}" $((${gen#*-} - ${gen%-*})) "$pi"
			expect_oracle "nvme${c}n$nsid.img: PI the image generated" pi "$img" "${host%-*}" $((${host#*-} - ${host%-*})) "$pi"
			if out=$(oracle pi "$img" "$wrong" 2 "$pi" 2>&1); then
				not_ok "nvme${c}n$nsid.img: the wrong tag and guard the image wrote are really on the media" "oracle found them valid: $out"
			else
				ok "nvme${c}n$nsid.img: the wrong tag and guard the image wrote are really on the media: $out"
			fi
		else
			not_ok "$where: nvme.io.protection names its LBAs" "generated '${gen:-}', host '${host:-}', wrong '${wrong:-}'"
		fi
		want_tag=0x0284
		((pi == 3)) && want_tag=0x0283
		expect_yaml "$where: a read over the wrong tag failed with its own status" "$tap" nvme.io.protection "$where" tag_status "$want_tag"
		expect_yaml "$where: a read over the wrong guard failed with Guard Check Error" "$tap" nvme.io.protection "$where" guard_status 0x0282
		n_err=$(seg_events "$sum" nvme.io.protection "$bdf" err | grep -Ec " status 0x(28[234]) opc 0x2$" || true)
		if ((n_err >= 2)); then
			ok "$where: QEMU itself completed $n_err protection-check errors during nvme.io.protection"
		else
			not_ok "$where: QEMU itself completed the protection-check errors during nvme.io.protection" "$n_err in the trace"
		fi
	else
		if [[ $ext == true ]]; then
			NVME_ORACLE_EXT=1 expect_oracle "nvme${c}n$nsid.img: io.verify's blocks, data and metadata interleaved" blocks "$img" 0 "$end"
		else
			expect_oracle "nvme${c}n$nsid.img: io.verify's data blocks" blocks "$img" 0 "$end"
			expect_oracle "nvme${c}n$nsid.img: io.verify's separate metadata (MPTR)" metadata "$img" 0 "$end"
		fi
		expect_ns_skips "$tap" "$bdf" "$nsid" 'format .* has no protection information' nvme.io.protection
	fi
done
unset NVME_ORACLE_MS NVME_ORACLE_EXT NVME_ORACLE_PIL
scenario_end
