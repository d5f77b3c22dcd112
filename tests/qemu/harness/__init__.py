"""tests/qemu/harness: the QEMU scenarios' harness: boot (image/qemu.sh with knobs), QMP, TAP and its YAML, the trace oracles as modules, counted checks, and the runner.

Modules:
  runner       tests/qemu/run.sh: every scenario, JOBS at a time, each under SCENARIO_TIMEOUT
               (TERM, KILL 10 s later), no QEMU left behind, "qemu: N passed, M failed"
  run_scenario one scenario in its own process: tests/qemu/scenarios/NAME.py's run(s)
  scenario     Scenario (work dir, configs, ESPs via image/mkesp.sh, the boots: boot, boot_qmp,
               boot_and_inspect, boot_qmp_when, all through `bash image/qemu.sh` with knobs in the
               environment; cleanup of every QEMU by its pidfile) and Boot (its files, exit code,
               query-pci, the NVMe controllers QEMU realized, the parsed TAP)
  check        Checks: ok / not_ok / note and eq / rc / grep / no_grep / oracle, counted
  tap          the clean TAP parsed into points: id, where, nsid, ok, SKIP (its code: YAML skip) and
               reason, YAML keys
  qmp          a QMP client over the unix socket (plain sockets; no socat, no jq)
  pci          PCI inventories from the TAP and from query-pci, requester IDs, the comparison
  trace        the reduced trace (nvme_oracle.py trace, imported) and queries on it
  oracles      nvme_oracle.py / vtd_oracle.py subcommands called in-process
  ids          test-ID lists read from the image's case tables (tests/suite/*.c), in one place
  nvme, vtd    the shared oracles (points pass/skip, YAML keys, CMB/PMR/shutdown trace, DMA
               pool, host files; VT-d translation, faults, isolation records)
  power_cycle  the PMR power-cycle boot and its check

Adding a scenario: one file, tests/qemu/scenarios/NAME.py (the runner finds it; NAME is the
scenario's name in SCENARIOS=, in the output and in build/qemu-tests/NAME/):

    \"\"\"What the scenario holds the image to (one line).\"\"\"
    from harness import ids, nvme
    MACHINE = {"NVME_DRIVE_COUNT": "1", "CMB_SIZE_MB": "0"}      # image/qemu.sh knobs
    CONFIG = ["# scenario NAME", "allow_write = nvmetal-*"]       # \\nvmetal.cfg lines

    def run(s):                                  # s: harness.scenario.Scenario
        b = s.boot_qmp("NAME", MACHINE, esp=s.media("NAME", *CONFIG))
        tap = nvme.clean_pass(s.c, b)            # exit 0, no failure, no bail out
        nvme.points_pass(s.c, tap, b.bdfs, ids.NVME_BASE)
        nvme.point_keys(s.c, tap, "nvme.queues.io_pair", b.bdfs[0], {"io_sq": "host"})

Checks assert on points (ID, device, directive) and their YAML keys (a SKIP's cause: its key
skip, e.g. nvme.points_skip(s.c, tap, bdfs, "cmbs_zero", ids.NVME_CMB)), on QEMU's trace, QMP
and the host files, never on a description's words; a check is one s.c.ok / s.c.not_ok line,
so every one of them can fail.
"""
