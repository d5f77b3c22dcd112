#!/usr/bin/env bash
# Builds the seed corpora in build/fuzz/seeds/<harness>/: generated inputs (seeds.c), the
# image's own config files, and real machines' ACPI tables from ../shared/acpi-samples.
#   usage: tests/fuzz/make-seeds.sh MAKE_SEEDS_BINARY SEEDS_DIR
set -euo pipefail
make_seeds=${1:?usage: make-seeds.sh MAKE_SEEDS_BINARY SEEDS_DIR}
seeds=${2:?usage: make-seeds.sh MAKE_SEEDS_BINARY SEEDS_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)

rm -rf "$seeds"
"$make_seeds" "$seeds"

# The configs the project ships are the most realistic config inputs there are.
for cfg in "$root"/image/*.cfg; do
  cp "$cfg" "$seeds/config/image-$(basename "$cfg")"
done

# Real TAP logs of the image (the JUnit fixtures) for the saved-results harness.
mkdir -p "$seeds/results"
for tap in "$root"/tests/host/fixtures/junit/*.tap; do
  cp "$tap" "$seeds/results/tap-$(basename "$tap")"
done

# QEMU's own NFITs (the host test fixtures the image dumped).
mkdir -p "$seeds/nfit"
for table in "$root"/tests/host/fixtures/nfit/*.bin; do
  cp "$table" "$seeds/nfit/$(basename "$table")"
done

# CI keeps the samples beside the clone, read-only; ACPI_SAMPLES= points elsewhere.
samples=${ACPI_SAMPLES:-$root/../shared/acpi-samples}
shopt -s nullglob
tables=("$samples"/*.dat)
if ((${#tables[@]} == 0)); then
  echo "# fuzz seeds: no ACPI samples in $samples; acpi and dmar run on generated seeds only"
  exit 0
fi
for table in "${tables[@]}"; do
  name=sample-$(basename "$table")
  # Every table goes to both harnesses: the acpi one re-signs inputs as each of its tables.
  cp "$table" "$seeds/acpi/$name"
  cp "$table" "$seeds/dmar/$name"
  chmod u+w "$seeds/acpi/$name" "$seeds/dmar/$name"
done
echo "# fuzz seeds: ${#tables[@]} real ACPI tables from $samples"
