#!/usr/bin/env python3
"""elastic-mapping.py: the Elasticsearch / OpenSearch index mapping of the
tcphs fields in `tshark -T ek` output (docs/elastic-mapping-tcphs.json).

  tools/elastic-mapping.py [--build DIR] [--output FILE | --check FILE]

Starts from Wireshark's own mapping,
`tshark -G elastic-mapping --elastic-mapping-filter tcphs` (run with the
plugin of the build tree through tools/tshark-with-tcphs), which maps the
integer and boolean fields (short / integer / long / boolean), then fills in
what that mapping gets wrong or leaves out for tcphs, from the field types of
`tshark -G fields`:

  - FT_STRING fields: Wireshark leaves strings out ("dynamic": false then
    keeps them out of the index); tcphs maps them as keyword, and tcphs.note,
    a sentence, as text;
  - FT_RELATIVE_TIME fields: Wireshark says "date", but -T ek writes a
    relative time as seconds ("0.000043000"), which a date field would read as
    milliseconds since 1970; tcphs maps them as double (seconds).

-T ek writes integers as strings ("1460") in Wireshark 4.0 - 4.4;
Elasticsearch and OpenSearch coerce numeric strings into numeric fields.
FT_NONE items (tcphs.connection, the expert infos) carry no value and are
not mapped.

--output writes the mapping (default: stdout); --check compares it with FILE
and exits 1 if they differ (the file is stale: regenerate it).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRAPPER = os.path.join(ROOT, "tools", "tshark-with-tcphs")
GENERATOR = "tools/elastic-mapping.py"
TEXT_FIELDS = {"tcphs.note"}


def tshark(build, args):
    cmd = [WRAPPER]
    if build:
        cmd += ["--build", build]
    cmd += ["--"] + args
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        sys.exit("elastic-mapping: %s failed (%d): %s" % (" ".join(args), proc.returncode, proc.stderr))
    return proc.stdout


def tcphs_field_types(build):
    """{field: FT_TYPE} for every tcphs field, from tshark -G fields."""
    types = {}
    for line in tshark(build, ["-G", "fields"]).splitlines():
        cols = line.split("\t")
        if len(cols) >= 5 and cols[0] == "F" and cols[4] == "tcphs":
            types[cols[2]] = cols[3]
    if not types:
        sys.exit("elastic-mapping: tshark -G fields lists no tcphs field: is the plugin built?")
    return types


def ek_name(field):
    """The key -T ek gives a field: <protocol>_<field with dots as underscores>."""
    return "tcphs_" + field.replace(".", "_")


def mapping(build):
    wireshark = json.loads(tshark(build, ["-G", "elastic-mapping", "--elastic-mapping-filter", "tcphs"]))
    types = tcphs_field_types(build)
    props = wireshark["mappings"]["properties"]["layers"]["properties"].setdefault("tcphs", {}).setdefault("properties", {})
    for field, ftype in sorted(types.items()):
        key = ek_name(field)
        if ftype == "FT_STRING":
            props[key] = {"type": "text" if field in TEXT_FIELDS else "keyword"}
        elif ftype == "FT_RELATIVE_TIME":
            props[key] = {"type": "double"}
        elif ftype == "FT_NONE":
            props.pop(key, None)
        elif key not in props:
            sys.exit("elastic-mapping: Wireshark's mapping has no entry for %s (%s): teach %s this type"
                     % (field, ftype, GENERATOR))
    wireshark["mappings"]["properties"]["layers"]["properties"]["tcphs"]["properties"] = dict(sorted(props.items()))
    wireshark["mappings"]["_meta"] = {
        "generated_by": GENERATOR + ": tshark -G elastic-mapping --elastic-mapping-filter tcphs, "
                        "with strings as keyword/text and relative times as double (seconds)",
    }
    return json.dumps(wireshark, indent=2) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", help="build tree with the plugin (default: build/ or $TCPHS_BUILD)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--output", help="write the mapping to this file")
    group.add_argument("--check", help="compare the mapping with this file")
    args = parser.parse_args()
    text = mapping(args.build)
    if args.check:
        with open(args.check, encoding="utf-8") as f:
            if f.read() != text:
                print("%s is stale: regenerate it with %s --output %s" % (args.check, GENERATOR, args.check),
                      file=sys.stderr)
                sys.exit(1)
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
