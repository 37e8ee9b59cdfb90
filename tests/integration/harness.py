"""harness.py: run the real tshark / sharkd with the built tcphs plugin.

Shared by the integration tests.  Everything goes through
tools/tshark-with-tcphs, which stages the plugin and, as root, runs the
program as nobody (Wireshark ignores WIRESHARK_PLUGIN_DIR for root).
"""
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRAPPER = os.path.join(ROOT, "tools", "tshark-with-tcphs")
CAPTURES = os.path.join(ROOT, "captures")
# Inputs that once made tcphs fail, kept as captures with expected fields.
REGRESSIONS = os.path.join(ROOT, "tests", "robustness", "regressions")
CAPTURE_DIRS = [CAPTURES, REGRESSIONS]
EXPECTED = os.path.join(ROOT, "tests", "expected")

# Per-packet fields: computed once per frame, identical in every pass.
PER_PACKET_FIELDS = [
    "tcphs.phase",
    "tcphs.event",
    "tcphs.from",
    "tcphs.role_guessed",
    "tcphs.handshake.step",
    "tcphs.client",
    "tcphs.server",
    "tcphs.isn_client",
    "tcphs.isn_client.derived",
    "tcphs.isn_server",
    "tcphs.ack_check",
    "tcphs.note",
    "tcphs.window.bytes",
    "tcphs.acks.segments",
]

# Per-packet fields that a later packet completes (the ACK of the segment):
# final in two-pass tshark and the GUI (sharkd), absent in one pass.
WHOLE_CAPTURE_PACKET_FIELDS = [
    "tcphs.acked_in",
    "tcphs.rtt",
    "tcphs.rtt.estimated",
    "tcphs.rtt.deviation",
    "tcphs.rtt.rto",
]

# Connection fields: the whole stream's verdicts (final in two passes).
CONNECTION_FIELDS = [
    "tcphs.handshake.state",
    "tcphs.handshake.syn_retransmissions",
    "tcphs.handshake.irtt",
    "tcphs.handshake.syn_to_synack",
    "tcphs.handshake.synack_to_ack",
    "tcphs.opt.mss_client",
    "tcphs.opt.mss_server",
    "tcphs.opt.mss_effective",
    "tcphs.opt.wscale_client",
    "tcphs.opt.wscale_server",
    "tcphs.opt.wscale",
    "tcphs.opt.sack",
    "tcphs.opt.timestamps",
    "tcphs.opt.ecn",
    "tcphs.opt.tfo",
    "tcphs.close.initiator",
    "tcphs.close.kind",
    "tcphs.conn_state",
    "tcphs.history",
    "tcphs.conn.packets_client",
    "tcphs.conn.packets_server",
    "tcphs.conn.bytes_client",
    "tcphs.conn.bytes_server",
    "tcphs.conn.duration",
    "tcphs.conn.throughput_client",
    "tcphs.conn.throughput_server",
]

KEY_FIELDS = ["frame.number", "tcp.stream"]

# Booleans print as 1/0 in Wireshark 4.0 and as True/False from 4.2 on: the
# expected files hold 1/0, and output is read the same way on every version.
BOOLEAN_FIELDS = {
    "tcphs.role_guessed", "tcphs.isn_client.derived", "tcphs.ack_check", "tcphs.opt.wscale",
    "tcphs.opt.sack", "tcphs.opt.timestamps", "tcphs.opt.ecn", "tcphs.opt.tfo",
}


def normalize(field, value):
    """A field's value as the expected files write it."""
    if field not in BOOLEAN_FIELDS:
        return value
    return "|".join({"True": "1", "False": "0"}.get(v, v) for v in value.split("|"))


class Failure(Exception):
    pass


def build_dir():
    return os.environ.get("TCPHS_BUILD", os.path.join(ROOT, "build"))


def run_program(args, program="tshark", stdin=None, check=True, timeout=600, extra_wrapper_args=()):
    """Run tshark (or another Wireshark program) with the plugin; return (stdout, stderr)."""
    cmd = [WRAPPER, "--build", build_dir(), "--program", program, *extra_wrapper_args, "--", *args]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, errors="replace", timeout=timeout)
    if check and proc.returncode != 0:
        raise Failure("%s failed (%d): %s\n%s" % (program, proc.returncode, " ".join(args), proc.stderr))
    return proc.stdout, proc.stderr


def dissector_bugs(stderr):
    """Lines where Wireshark reports a dissector bug or assertion."""
    return [line for line in stderr.splitlines()
            if "Dissector bug" in line or "assertion" in line or "CRITICAL" in line or "ERROR" in line]


def tshark_fields(capture, fields, two_pass=False, extra=(), display_filter="tcp"):
    """Rows of -T fields output as dicts, one per frame that has tcp (or
    matches display_filter)."""
    args = ["-r", capture, "-n"]
    if two_pass:
        args.append("-2")
    args += list(extra)
    args += ["-Y", display_filter, "-T", "fields", "-E", "header=y", "-E", "separator=/t",
             "-E", "occurrence=a", "-E", "aggregator=|", "-E", "quote=n"]
    for field in fields:
        args += ["-e", field]
    out, err = run_program(args)
    bugs = dissector_bugs(err)
    if bugs:
        raise Failure("tshark reported problems on %s:\n%s" % (capture, "\n".join(bugs)))
    return [{field: normalize(field, value) for field, value in row.items()} for row in parse_tsv(out)]


def parse_tsv(text):
    if not text.strip():
        return []
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        values = line.split("\t")
        values += [""] * (len(header) - len(values))
        rows.append(dict(zip(header, values)))
    return rows


def read_expected(path):
    with open(path, encoding="utf-8") as f:
        return parse_tsv(f.read())


def write_expected(path, rows, fields):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(fields) + "\n")
        for row in rows:
            f.write("\t".join(row.get(field, "") for field in fields) + "\n")


# ---- sharkd ----------------------------------------------------------------------

def _filter_value(expression):
    """The value of a sharkd tree node's filter, e.g. 'tcphs.phase == "data"'."""
    name, _, value = expression.partition(" == ")
    if value.startswith('"') and value.endswith('"'):
        value = json.loads(value)
    return name, value


def _collect_tcphs(nodes, found):
    for node in nodes:
        expression = node.get("f", "")
        if expression.startswith("tcphs."):
            name, value = _filter_value(expression)
            found.setdefault(name, []).append(value)
        _collect_tcphs(node.get("n", []), found)


def sharkd_per_packet(capture, frames, seed, fields=None):
    """Ask sharkd for the given frames in a shuffled order (as the GUI might)
    and return {frame: {field: value}} for the per-packet fields (or the
    given ones)."""
    fields = fields or PER_PACKET_FIELDS
    order = list(frames)
    random.Random(seed).shuffle(order)
    requests = [{"jsonrpc": "2.0", "id": 1, "method": "load", "params": {"file": "@CAPTURE@"}}]
    for i, frame in enumerate(order, start=2):
        requests.append({"jsonrpc": "2.0", "id": i, "method": "frame",
                         "params": {"frame": frame, "proto": True}})
    script = "\n".join(json.dumps(r) for r in requests) + "\n"
    out = run_sharkd(capture, script)
    results = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        reply = json.loads(line)
        rid = reply.get("id", 0)
        if rid == 1:
            if reply.get("result", {}).get("status") != "OK":
                raise Failure("sharkd could not load %s: %s" % (capture, line))
            continue
        found = {}
        _collect_tcphs(reply.get("result", {}).get("tree", []), found)
        results[order[rid - 2]] = {field: normalize(field, "|".join(found.get(field, [])))
                                   for field in fields}
    return results


def run_sharkd(capture, script):
    """sharkd reads requests on stdin; the capture must be readable by the user it runs as,
    so it is passed through the wrapper's -r copy mechanism via a tiny shim."""
    wrapper_args = ["-r", capture]   # makes the wrapper copy the file; sharkd ignores nothing here
    # The wrapper only copies files named after -r; sharkd takes its file in the load request,
    # so run it through `sh -c` with the copied path substituted.
    shim = 'f="$2"; shift 2; sed "s|@CAPTURE@|$f|" | sharkd -'
    proc = subprocess.run([WRAPPER, "--build", build_dir(), "--program", "sh", "--",
                           "-c", shim, "sh", *wrapper_args],
                          input=script, capture_output=True, text=True, errors="replace", timeout=600)
    if proc.returncode != 0:
        raise Failure("sharkd failed on %s: %s" % (capture, proc.stderr))
    return proc.stdout


def fail(messages):
    for message in messages:
        print(message, file=sys.stderr)
    sys.exit(1 if messages else 0)
