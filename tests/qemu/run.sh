#!/usr/bin/env bash
# tests/qemu/run.sh: run every QEMU scenario (tests/qemu/scenarios/*.py) against an nvmetal .efi, each under a hard timeout, and summarize ("qemu: N passed, M failed").
# The harness is tests/qemu/harness (runner.py: SCENARIOS, SCENARIO_TIMEOUT, JOBS, QEMU_TEST_DIR).
exec python3 -B "$(dirname -- "${BASH_SOURCE[0]}")/harness/runner.py" "$@"
