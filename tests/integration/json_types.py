#!/usr/bin/env python3
"""json_types.py: the tcphs fields in `tshark -T ek` and `-T json`, type by type.

The plugin cannot change how tshark writes JSON (Wireshark 4.0 - 4.4 write
integers as strings in both formats, booleans as true/false in -T ek and as
"1"/"0" in -T json), so this test pins what it can:

  1. every tcphs field is registered with the type of the contract below
     (`tshark -G fields`);
  2. in -T ek, field by field: booleans are JSON booleans, integers are JSON
     integers or decimal-integer strings in the field's range, relative times
     parse as non-negative floats (seconds), strings are strings and, where
     tcphs has a vocabulary, words of it;
  3. in -T json the same, with booleans "1"/"0", and the connection fields
     nested under the tcphs.connection item (tcphs.connection_tree where a
     Wireshark gives that item a value), per-packet fields at the top;
  4. every tcphs field in the -T ek output has an entry in
     docs/elastic-mapping-tcphs.json whose type fits its values, and that
     file is what tools/elastic-mapping.py generates now (not stale).

Every contract field must appear at least once in the captures read.
"""
import json
import os
import re
import subprocess
import sys

import harness

# The contract: field -> Wireshark field type.
TYPES = {
    "tcphs.phase": "FT_STRING",
    "tcphs.event": "FT_STRING",
    "tcphs.from": "FT_STRING",
    "tcphs.role_guessed": "FT_BOOLEAN",
    "tcphs.handshake.step": "FT_UINT8",
    "tcphs.client": "FT_STRING",
    "tcphs.server": "FT_STRING",
    "tcphs.isn_client": "FT_UINT32",
    "tcphs.isn_client.derived": "FT_BOOLEAN",
    "tcphs.isn_server": "FT_UINT32",
    "tcphs.ack_check": "FT_BOOLEAN",
    "tcphs.note": "FT_STRING",
    "tcphs.state.client": "FT_STRING",
    "tcphs.state.server": "FT_STRING",
    "tcphs.connection": "FT_NONE",
    "tcphs.handshake.state": "FT_STRING",
    "tcphs.handshake.syn_retransmissions": "FT_UINT32",
    "tcphs.handshake.irtt": "FT_RELATIVE_TIME",
    "tcphs.handshake.syn_to_synack": "FT_RELATIVE_TIME",
    "tcphs.handshake.synack_to_ack": "FT_RELATIVE_TIME",
    "tcphs.opt.mss_client": "FT_UINT16",
    "tcphs.opt.mss_server": "FT_UINT16",
    "tcphs.opt.mss_effective": "FT_UINT16",
    "tcphs.opt.wscale_client": "FT_UINT8",
    "tcphs.opt.wscale_server": "FT_UINT8",
    "tcphs.opt.wscale": "FT_BOOLEAN",
    "tcphs.opt.sack": "FT_BOOLEAN",
    "tcphs.opt.timestamps": "FT_BOOLEAN",
    "tcphs.opt.ecn": "FT_BOOLEAN",
    "tcphs.opt.tfo": "FT_BOOLEAN",
    "tcphs.opt.ecn_mode": "FT_STRING",
    "tcphs.close.initiator": "FT_STRING",
    "tcphs.close.kind": "FT_STRING",
    "tcphs.conn_state": "FT_STRING",
    "tcphs.history": "FT_STRING",
    "tcphs.conn.packets_client": "FT_UINT32",
    "tcphs.conn.packets_server": "FT_UINT32",
    "tcphs.conn.bytes_client": "FT_UINT64",
    "tcphs.conn.bytes_server": "FT_UINT64",
    "tcphs.conn.duration": "FT_RELATIVE_TIME",
    "tcphs.connection.handshake": "FT_NONE",
    "tcphs.connection.options": "FT_NONE",
    "tcphs.connection.close": "FT_NONE",
    "tcphs.connection.counters": "FT_NONE",
    "tcphs.connection.links": "FT_NONE",
    "tcphs.frame.syn": "FT_FRAMENUM",
    "tcphs.frame.synack": "FT_FRAMENUM",
    "tcphs.frame.handshake_ack": "FT_FRAMENUM",
    "tcphs.frame.first_data": "FT_FRAMENUM",
    "tcphs.frame.fin": "FT_FRAMENUM",
    "tcphs.frame.peer_fin": "FT_FRAMENUM",
    "tcphs.frame.rst": "FT_FRAMENUM",
    "tcphs.acked_in": "FT_FRAMENUM",
    "tcphs.rtt": "FT_RELATIVE_TIME",
    "tcphs.rtt.estimated": "FT_RELATIVE_TIME",
    "tcphs.rtt.deviation": "FT_RELATIVE_TIME",
    "tcphs.rtt.rto": "FT_RELATIVE_TIME",
    "tcphs.window.bytes": "FT_UINT32",
    "tcphs.acks.segments": "FT_UINT32",
    "tcphs.conn.throughput_client": "FT_DOUBLE",
    "tcphs.conn.throughput_server": "FT_DOUBLE",
    "tcphs.conn.throughput_client.too_short": "FT_NONE",
    "tcphs.conn.throughput_server.too_short": "FT_NONE",
    "tcphs.round": "FT_UINT32",
    "tcphs.round.segments": "FT_UINT32",
    "tcphs.round.bytes": "FT_UINT32",
    "tcphs.round.growth": "FT_DOUBLE",
    "tcphs.round.inflight": "FT_UINT32",
    "tcphs.round.phase": "FT_STRING",
    "tcphs.conn.rounds_client": "FT_UINT32",
    "tcphs.conn.rounds_server": "FT_UINT32",
    "tcphs.conn.sent_again_client": "FT_UINT32",
    "tcphs.conn.sent_again_server": "FT_UINT32",
    "tcphs.conn.dup_acks_client": "FT_UINT32",
    "tcphs.conn.dup_acks_server": "FT_UINT32",
    "tcphs.conn.zero_windows_client": "FT_UINT32",
    "tcphs.conn.zero_windows_server": "FT_UINT32",
}


# The named groups of the Connection subtree (Handshake, Options, Close,
# Counters, Links): containers in -T json, their fields are connection fields.
GROUPS = {"tcphs.connection.handshake", "tcphs.connection.options", "tcphs.connection.close",
          "tcphs.connection.counters", "tcphs.connection.links"}

UINT_MAX = {"FT_UINT8": 0xFF, "FT_UINT16": 0xFFFF, "FT_UINT32": 0xFFFFFFFF, "FT_UINT64": 0xFFFFFFFFFFFFFFFF,
            "FT_FRAMENUM": 0xFFFFFFFF}

VOCABULARY = {
    "tcphs.phase": {"handshake", "data", "teardown", "reset"},
    "tcphs.event": {"syn", "syn-ack", "handshake-ack", "syn-retransmission", "syn-ack-retransmission",
                    "data", "ack", "keep-alive", "keep-alive-ack", "fin", "peer-fin", "fin-ack", "rst", "other"},
    "tcphs.from": {"client", "server"},
    "tcphs.handshake.state": {"complete", "unanswered", "refused", "aborted", "invalid",
                              "simultaneous-open", "incomplete", "not-seen"},
    "tcphs.close.initiator": {"client", "server", "both", "none"},
    "tcphs.close.kind": {"graceful", "half", "reset", "none"},
    "tcphs.opt.ecn_mode": {"none", "classic", "accurate"},
    "tcphs.round.phase": {"loss recovery", "receiver-limited", "slow start", "congestion avoidance",
                          "sender-limited"},
    "tcphs.conn_state": {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH",
                         "SH", "SHR", "OTH"},
    "tcphs.state.client": {"LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
                           "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED", "unknown"},
}
VOCABULARY["tcphs.state.server"] = VOCABULARY["tcphs.state.client"]
PATTERNS = {
    "tcphs.client": re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$"),
    "tcphs.server": re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$"),
    "tcphs.history": re.compile(r"^[A-Za-z^]+\+?$"),  # Zeek's letters, ^ for a flip, + after a cut
    "tcphs.note": re.compile(r"\S"),
}

# Per-packet fields sit at the top of the tcphs object in -T json; connection
# fields below tcphs.connection.
CONNECTION = set(harness.CONNECTION_FIELDS) | {"tcphs.conn.throughput_client.too_short",
                                               "tcphs.conn.throughput_server.too_short"}

# Captures that together carry every field (derived ISN, guessed roles, a
# wrong ack, an unanswered SYN, IPv6, keep-alives, two TCP layers in a frame).
CAPTURES = ["client-close", "midstream", "starts-at-synack", "handshake-bad-ack", "syn-unanswered",
            "keepalive", "ipv6", "refused", "odd-two-tcp-layers", "transfer"]

MAPPING = os.path.join(harness.ROOT, "docs", "elastic-mapping-tcphs.json")
MAPPING_TOOL = os.path.join(harness.ROOT, "tools", "elastic-mapping.py")
MAPPING_FITS = {  # Elasticsearch type -> the value kinds -T ek may write for it
    "boolean": {"bool"},
    "short": {"int"}, "integer": {"int"}, "long": {"int"},
    "double": {"float"}, "float": {"float"},
    "keyword": {"str"}, "text": {"str"},
}

problems = []


def problem(message):
    problems.append(message)


def ek_key(field):
    return "tcphs_" + field.replace(".", "_")


EK_FIELD = {ek_key(f): f for f in TYPES}


def values_of(value):
    """A field that occurs several times in a frame (TCP in TCP) is a list."""
    return value if isinstance(value, list) else [value]


def kind_of_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d+", value):
        return int(value)
    return None


def kind_of_float(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    return None


def check_value(where, field, value, fmt):
    """Whether one value of a field has the right JSON shape; returns the kind
    it was checked as (bool, int, float, str) or None after reporting."""
    ftype = TYPES[field]
    if ftype == "FT_BOOLEAN":
        if fmt == "ek":
            if not isinstance(value, bool):
                problem("%s: %s is %r, expected a JSON boolean in -T ek" % (where, field, value))
                return None
        elif value not in ("1", "0", True, False):
            problem("%s: %s is %r, expected \"1\" or \"0\" in -T json" % (where, field, value))
            return None
        return "bool"
    if ftype in UINT_MAX:
        number = kind_of_int(value)
        if number is None or number > UINT_MAX[ftype]:
            problem("%s: %s is %r, expected an integer (%s) as a JSON number or decimal string"
                    % (where, field, value, ftype))
            return None
        return "int"
    if ftype == "FT_DOUBLE":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            number = None
        else:
            try:
                number = float(value)
            except ValueError:
                number = None
        if number is None or number < 0:
            problem("%s: %s is %r, expected a non-negative number" % (where, field, value))
            return None
        return "float"
    if ftype == "FT_RELATIVE_TIME":
        if kind_of_float(value) is None:
            problem("%s: %s is %r, expected seconds as a float" % (where, field, value))
            return None
        return "float"
    if ftype == "FT_STRING":
        if not isinstance(value, str):
            problem("%s: %s is %r, expected a string" % (where, field, value))
            return None
        if field in VOCABULARY and value not in VOCABULARY[field]:
            problem("%s: %s is %r, not one of %s" % (where, field, value, sorted(VOCABULARY[field])))
        if field in PATTERNS and not PATTERNS[field].search(value):
            problem("%s: %s is %r, which does not look like a %s" % (where, field, value, field))
        return "str"
    if ftype == "FT_NONE":
        if value not in (None, ""):
            problem("%s: %s (FT_NONE) carries %r" % (where, field, value))
        return None
    problem("%s: %s has no check for %s" % (where, field, ftype))
    return None


# ---- 1. registered types -------------------------------------------------------------

def check_registered_types():
    out, _ = harness.run_program(["-G", "fields"])
    registered = {}
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) >= 5 and cols[0] == "F" and cols[4] == "tcphs" and not cols[2].startswith("tcphs.expert."):
            registered[cols[2]] = cols[3]
    for field, ftype in TYPES.items():
        if registered.get(field) != ftype:
            problem("tshark -G fields: %s is %s, the contract says %s" % (field, registered.get(field), ftype))
    for field in sorted(set(registered) - set(TYPES)):
        problem("tshark -G fields: %s (%s) is not in the contract of json_types.py" % (field, registered[field]))


# ---- 2. -T ek ---------------------------------------------------------------------------

def ek_documents(capture):
    out, err = harness.run_program(["-r", capture, "-n", "-2", "-T", "ek"])
    bugs = harness.dissector_bugs(err)
    if bugs:
        problem("%s: tshark -T ek reported %s" % (capture, bugs))
    docs = []
    for line in out.splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        if "index" in doc:
            continue
        docs.append(doc)
    return docs


def check_ek(name, capture, seen, ek_kinds):
    docs = ek_documents(capture)
    if not docs:
        problem("%s: -T ek wrote no document" % name)
    for number, doc in enumerate(docs, start=1):
        layers = doc.get("layers", {}).get("tcphs")
        if layers is None:
            continue
        where = "%s -T ek document %d" % (name, number)
        for layer in values_of(layers):    # a list when a frame has two TCP layers
            for key, value in layer.items():
                if key == "_ws_expert":
                    continue
                field = EK_FIELD.get(key)
                if field is None:
                    problem("%s: unexpected key %s in the tcphs layer" % (where, key))
                    continue
                for one in values_of(value):
                    kind = check_value(where, field, one, "ek")
                    if kind:
                        seen.add(field)
                        ek_kinds.setdefault(key, set()).add(kind)


# ---- 3. -T json -------------------------------------------------------------------------

def check_json(name, capture, seen):
    out, err = harness.run_program(["-r", capture, "-n", "-2", "-T", "json"])
    bugs = harness.dissector_bugs(err)
    if bugs:
        problem("%s: tshark -T json reported %s" % (capture, bugs))
    packets = json.loads(out) if out.strip() else []
    if not packets:
        problem("%s: -T json wrote no packet" % name)
    for number, packet in enumerate(packets, start=1):
        layer = packet["_source"]["layers"].get("tcphs")
        if layer is None:
            continue
        where = "%s -T json packet %d" % (name, number)
        for layer_one in values_of(layer):
            check_json_layer(where, layer_one, seen)


def check_json_layer(where, layer, seen):
    connection = None
    for key in ("tcphs.connection_tree", "tcphs.connection"):
        if isinstance(layer.get(key), (dict, list)):
            connection = layer[key]
            break
    for key, value in layer.items():
        if key in ("tcphs.connection", "tcphs.connection_tree", "_ws.expert"):
            continue
        if key.endswith("_tree") and key[:-5] in TYPES:
            continue    # expert infos below an item
        if key not in TYPES:
            problem("%s: unexpected key %s in the tcphs layer" % (where, key))
            continue
        if key in CONNECTION:
            problem("%s: connection field %s at the top of the tcphs layer, not under tcphs.connection" % (where, key))
        for one in values_of(value):
            if check_value(where, key, one, "json"):
                seen.add(key)
    if connection is None:
        problem("%s: no tcphs.connection object (connection fields) in the tcphs layer" % where)
        return
    for conn in values_of(connection):
        check_json_connection(where, conn, seen)


def check_json_connection(where, conn, seen):
    """The fields below tcphs.connection, and below its named groups."""
    for key, value in conn.items():
        group_key = key[:-5] if key.endswith("_tree") else key
        if group_key in GROUPS and all(isinstance(v, dict) for v in values_of(value)):
            for group in values_of(value):
                check_json_connection(where, group, seen)
            continue
        if key == "_ws.expert" or key in GROUPS or (key.endswith("_tree") and key[:-5] in TYPES):
            continue    # expert infos on the connection item or below a field; a group's own (empty) value
        if key not in CONNECTION:
            problem("%s: %s under tcphs.connection is not a connection field" % (where, key))
            continue
        for one in values_of(value):
            if check_value(where, key, one, "json"):
                seen.add(key)


# ---- 4. the Elasticsearch mapping ------------------------------------------------------

def check_mapping(ek_kinds):
    try:
        with open(MAPPING, encoding="utf-8") as f:
            mapping = json.load(f)
        props = mapping["mappings"]["properties"]["layers"]["properties"]["tcphs"]["properties"]
    except (OSError, ValueError, KeyError) as e:
        problem("%s: cannot read the tcphs properties: %s" % (MAPPING, e))
        return
    for key, kinds in sorted(ek_kinds.items()):
        entry = props.get(key)
        if entry is None:
            problem("%s has no entry for %s, which -T ek writes" % (MAPPING, key))
            continue
        fits = MAPPING_FITS.get(entry.get("type"), set())
        if not kinds <= fits:
            problem("%s maps %s as %s, but -T ek writes it as %s" % (MAPPING, key, entry.get("type"), sorted(kinds)))
    for key in sorted(set(props) - set(EK_FIELD)):
        problem("%s maps %s, which is not a tcphs field" % (MAPPING, key))
    proc = subprocess.run([sys.executable, MAPPING_TOOL, "--build", harness.build_dir(), "--check", MAPPING],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        problem("docs mapping: %s%s" % (proc.stdout, proc.stderr))


def main():
    check_registered_types()
    seen_ek, seen_json, ek_kinds = set(), set(), {}
    for name in CAPTURES:
        path = os.path.join(harness.CAPTURES, name + ".pcap")
        check_ek(name, path, seen_ek, ek_kinds)
        check_json(name, path, seen_json)
    valued = {f for f, t in TYPES.items() if t != "FT_NONE"}
    for label, seen in (("-T ek", seen_ek), ("-T json", seen_json)):
        missing = sorted(valued - seen)
        if missing:
            problem("%s: never saw %s in %s: the test covers too little" % (label, ", ".join(missing), CAPTURES))
    check_mapping(ek_kinds)
    if not problems:
        print("json_types: %d fields checked in -T ek and -T json on %d captures, mapping up to date"
              % (len(valued), len(CAPTURES)))
    harness.fail(problems[:60] + (["... and %d more" % (len(problems) - 60)] if len(problems) > 60 else []))


if __name__ == "__main__":
    main()
