#!/usr/bin/env python3
"""plugin_loads.py: tshark loads tcphs.so from the build tree and knows its fields."""
import harness

REQUIRED_FIELDS = harness.PER_PACKET_FIELDS + harness.WHOLE_CAPTURE_PACKET_FIELDS + harness.CONNECTION_FIELDS


def main():
    problems = []
    plugins, _ = harness.run_program(["-G", "plugins"])
    if not any(line.startswith("tcphs.so") for line in plugins.splitlines()):
        problems.append("tshark -G plugins does not list tcphs.so:\n" + plugins)
    fields, _ = harness.run_program(["-G", "fields"])
    registered = {line.split("\t")[2] for line in fields.splitlines() if line.count("\t") >= 2}
    for field in REQUIRED_FIELDS:
        if field not in registered:
            problems.append("tshark -G fields lacks %s" % field)
    protocols = [line for line in fields.splitlines() if line.startswith("P\t") and line.endswith("\ttcphs")]
    if protocols != ["P\tTCP Handshake Analysis\ttcphs"]:
        problems.append("protocol line for tcphs: %r" % protocols)
    harness.fail(problems)


if __name__ == "__main__":
    main()
