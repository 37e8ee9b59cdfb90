#!/usr/bin/env python3
"""field_reference.py: docs/fields.md documents exactly what the plugin registers.

  - every field `tshark -G fields` lists under tcphs (tcphs.* and the
    tcphs.expert.* items of the expert infos) has a row in a table of
    docs/fields.md, and every row names a registered field;
  - the type column of a field row is the registered type (FT_STRING, ...);
  - the group and severity of an expert row are those of ei[] in
    packet-tcphs.c (tshark 4.0 has no -G expert);
  - the preference rows are registered preferences (tshark -G defaultprefs).

A row is a Markdown table row whose first cell is `tcphs.NAME` in a table
headed `| field | type |...`, `| expert | group | severity |...` or
`| preference |...`.  A failure names the field and what differs.

  field_reference.py [--doc FILE]
"""
import argparse
import os
import re

import harness

DOC = os.path.join(harness.ROOT, "docs", "fields.md")
SOURCE = os.path.join(harness.ROOT, "packet-tcphs.c")


def doc_tables(path):
    """{kind: {name: [cells]}} for kind in field, expert, preference, with the
    line number of each row in rows_at."""
    tables = {"field": {}, "expert": {}, "preference": {}}
    kind = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.startswith("|"):
                kind = None
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if kind is None:
                kind = cells[0] if cells[0] in tables else ""
                continue
            if not kind or set(cells[0]) <= set("-: "):
                continue
            match = re.fullmatch(r"`(tcphs\.[a-z0-9_.]+)`", cells[0])
            if not match:
                raise harness.Failure("%s:%d: first cell %r is not one `tcphs.NAME`" % (path, number, cells[0]))
            name = match.group(1)
            if name in tables[kind]:
                raise harness.Failure("%s:%d: %s documented twice" % (path, number, name))
            tables[kind][name] = (number, cells)
    return tables


def registered_fields():
    out, _ = harness.run_program(["-G", "fields"])
    fields = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "F" and len(parts) > 4 and parts[4] == "tcphs":
            fields[parts[2]] = parts[3]
    return fields


def source_experts(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {name: (group, severity) for name, group, severity in
            re.findall(r'\{\s*"(tcphs\.expert\.[a-z0-9_]+)",\s*(PI_[A-Z_]+),\s*(PI_[A-Z_]+)', text)}


def registered_preferences():
    out, _ = harness.run_program(["-G", "defaultprefs"])
    return set(re.findall(r"^#?(tcphs\.[a-z0-9_]+):", out, re.M))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doc", default=DOC)
    options = parser.parse_args()
    doc = os.path.relpath(options.doc, harness.ROOT)

    tables = doc_tables(options.doc)
    fields = registered_fields()
    experts = source_experts(SOURCE)
    problems = []
    if not fields:
        problems.append("tshark -G fields lists no tcphs field: is the plugin loaded?")

    documented = dict(tables["field"], **tables["expert"])
    for name in sorted(fields):
        if name not in documented:
            kind = "expert" if name.startswith("tcphs.expert.") else "field"
            problems.append("%s: registered %s %s (%s) has no row in %s" % (name, kind, name, fields[name], doc))
    for name, (line, _) in sorted(documented.items()):
        if name not in fields:
            problems.append("%s:%d: %s is documented but not registered (tshark -G fields)" % (doc, line, name))

    for name, (line, cells) in sorted(tables["field"].items()):
        if name in fields and (len(cells) < 2 or cells[1] != fields[name]):
            problems.append("%s:%d: %s has type '%s' in the table, registered as %s" %
                            (doc, line, name, cells[1] if len(cells) > 1 else "", fields[name]))
        if name.startswith("tcphs.expert."):
            problems.append("%s:%d: %s belongs in the expert table" % (doc, line, name))

    for name, (line, cells) in sorted(tables["expert"].items()):
        if name not in experts:
            problems.append("%s:%d: %s has no entry in ei[] of packet-tcphs.c" % (doc, line, name))
            continue
        if tuple(cells[1:3]) != experts[name]:
            problems.append("%s:%d: %s is %s in the table, %s in packet-tcphs.c" %
                            (doc, line, name, " ".join(cells[1:3]), " ".join(experts[name])))
    for name in sorted(set(experts) - set(tables["expert"])):
        problems.append("%s: expert %s of packet-tcphs.c has no row in %s" % (name, name, doc))

    preferences = registered_preferences()
    for name, (line, _) in sorted(tables["preference"].items()):
        if name not in preferences:
            problems.append("%s:%d: preference %s is not registered (tshark -G defaultprefs)" % (doc, line, name))
    for name in sorted(preferences - set(tables["preference"])):
        problems.append("%s: preference %s has no row in %s" % (name, name, doc))

    if not problems:
        print("field_reference: %d fields, %d experts, %d preferences documented in %s" %
              (len(tables["field"]), len(tables["expert"]), len(tables["preference"]), doc))
    harness.fail(problems)


if __name__ == "__main__":
    main()
