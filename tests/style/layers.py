#!/usr/bin/env python3
"""The rooms of tcphs and the way data flows through them.

    feed -> analysis -> store -> words -> glue (tree, experts, taps)

A file may include headers of its own room and of rooms before it, never of
a room after it, and no chain of includes comes back to where it started.
The core (core/*/) includes no Wireshark header: the analysis knows no
words, and the words know no epan.

Run from anywhere: python3 tests/style/layers.py; it names every include
that goes the wrong way and every circle.
"""
import glob
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROOMS = ["feed", "analysis", "store", "words", "glue"]
GLUE_GLOBS = ["*.c", "*.h", "plugin/*.c", "plugin/*.h"]
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
WIRESHARK = re.compile(r"^(epan|wsutil|wiretap|ws_[a-z_]+\.h|config\.h|ws-compat\.h)")


def room_of(path):
    parts = path.split("/")
    if parts[0] == "core" and len(parts) == 3:
        return parts[1]
    return "glue"


def sources():
    files = set(glob.glob("core/*/*.[ch]", root_dir=ROOT))
    for pattern in GLUE_GLOBS:
        files.update(glob.glob(pattern, root_dir=ROOT))
    return sorted(files)


def resolve(including, name):
    """The repository file an #include "name" of `including` names, or None."""
    for candidate in (os.path.join(os.path.dirname(including), name), name):
        candidate = os.path.normpath(candidate)
        if os.path.exists(os.path.join(ROOT, candidate)):
            return candidate
    return None


def main():
    problems = []
    graph = {}
    for path in sources():
        text = open(os.path.join(ROOT, path), encoding="utf-8").read()
        graph[path] = []
        for kind, name in INCLUDE.findall(text):
            if room_of(path) != "glue" and WIRESHARK.match(name):
                problems.append(f"{path}: includes Wireshark's {name}: the core knows no epan")
            if kind != '"':
                continue
            target = resolve(path, name)
            if target is None:
                continue
            graph[path].append(target)
            here, there = ROOMS.index(room_of(path)), ROOMS.index(room_of(target))
            if there > here:
                problems.append(f"{path} ({room_of(path)}) includes {target} ({room_of(target)}), "
                                f"a room after its own")
    # A circle: depth-first search, colouring files being visited.
    state = {}
    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                circle = stack[stack.index(nxt):] + [nxt]
                problems.append("circle of includes: " + " -> ".join(circle))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"
    for node in graph:
        if node not in state:
            visit(node, [])
    for line in problems:
        print(line)
    print(f"{len(graph)} files, {sum(len(v) for v in graph.values())} includes, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
