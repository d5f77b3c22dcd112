#!/usr/bin/env python3
"""tests/qemu/harness/run_scenario.py NAME EFI [USB]: run tests/qemu/scenarios/NAME.py in this process."""

import importlib.util
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/qemu
sys.path.insert(0, HERE)

from harness import scenario  # noqa: E402


def main(argv):
    if len(argv) not in (3, 4):
        print("usage: run_scenario.py NAME EFI [USB]", file=sys.stderr)
        return 2
    name = argv[1]
    path = os.path.join(HERE, "scenarios", name + ".py")
    spec = importlib.util.spec_from_file_location("scenario_" + name.replace("-", "_"), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return scenario.run(mod, name, argv[2], argv[3] if len(argv) == 4 else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
