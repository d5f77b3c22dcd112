#!/usr/bin/env python3
"""tests/layers.py: the image's file-level call graph, from nm: no cycle between files, and no call upward (lib < arch < drivers < tests < boot)."""
import collections
import os
import subprocess
import sys

# A file may call files of its own layer or of a lower one.
LAYERS = {"lib": 0, "arch": 1, "drivers": 2, "tests": 3, "boot": 4}


def symbols(obj):
    """(functions defined, symbols used) of one object file."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        # Only text symbols count as calls: a table of function pointers (suite.c's list of
        # cases, the IDT stubs) is a registry the callee does not depend on.
        if len(parts) == 3 and parts[1] == "T":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def has_source(root, obj):
    """An object left behind by a source file that is gone is not part of the image."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(root)))  # ROOT is REPO/build/obj
    stem = os.path.join(repo, os.path.relpath(obj, root)[:-2])
    return any(os.path.exists(stem + ext) for ext in (".c", ".asm", ".S"))


def graph(root):
    objs = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                  if f.endswith(".o") and has_source(root, os.path.join(d, f)))
    owner, uses = {}, {}
    for obj in objs:
        defined, used = symbols(obj)
        for name in defined:
            owner.setdefault(name, obj)
        uses[obj] = used
    edges = collections.defaultdict(dict)  # caller -> callee -> [symbols]
    for obj, used in uses.items():
        for name in sorted(used):
            callee = owner.get(name)
            if callee and callee != obj:
                edges[obj].setdefault(callee, []).append(name)
    return objs, edges


def cycles(objs, edges):
    """Strongly connected components of more than one file (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in objs:
        if start in index:
            continue
        work = [(start, iter(edges.get(start, {})))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, {}))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main(argv):
    if len(argv) != 2:
        print("usage: tests/layers.py BUILD_OBJ_DIR", file=sys.stderr)
        return 2
    root = argv[1]
    objs, edges = graph(root)
    name = lambda o: os.path.relpath(o, root)[:-2]
    if not objs:
        print("not ok - layers: object files found in %s" % root)
        print("layers: 0 passed, 1 failed")
        return 1
    n_edges = sum(len(v) for v in edges.values())
    print("# layers: %d files, %d caller -> callee pairs" % (len(objs), n_edges))
    passed = failed = 0

    found = cycles(objs, edges)
    if not found:
        print("ok - layers: no call cycle between files")
        passed += 1
    else:
        for component in found:
            links = ["%s -> %s (%s)" % (name(a), name(b), ", ".join(edges[a][b][:3]))
                     for a in component for b in component if b in edges.get(a, {})]
            print("not ok - layers: a call cycle between %s: %s" % (", ".join(map(name, component)), "; ".join(links)))
            failed += 1

    upward = []
    for caller, callees in sorted(edges.items()):
        for callee, syms in sorted(callees.items()):
            a, b = name(caller).split("/")[0], name(callee).split("/")[0]
            if a in LAYERS and b in LAYERS and LAYERS[a] < LAYERS[b]:
                upward.append("%s -> %s (%s)" % (name(caller), name(callee), ", ".join(syms[:3])))
    if not upward:
        print("ok - layers: every call goes to the caller's layer or below (lib < arch < drivers < tests < boot)")
        passed += 1
    else:
        for line in upward:
            print("not ok - layers: upward call %s" % line)
            failed += 1
    print("layers: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
