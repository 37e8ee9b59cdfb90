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
# The list of capture test cases: name, capture, expected-files basename, tshark options.
TESTLIST = os.path.join(ROOT, "tests", "TESTLIST")

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
    "tcphs.state.client",
    "tcphs.state.server",
    "tcphs.window.bytes",
    "tcphs.acks.segments",
    "tcphs.round",
]

# Per-packet fields that a later packet completes (the ACK of the segment):
# final in two-pass tshark and the GUI (sharkd), absent in one pass.
# The note of a data segment or FIN names the ACK that answered it once that
# ACK was read (two passes, sharkd, the GUI), and only the ack that would
# answer it before (one pass): it is compared in one pass only where no
# later ACK completes it, that is never by these tests.
ONE_PASS_PACKET_FIELDS = [field for field in PER_PACKET_FIELDS if field != "tcphs.note"]

WHOLE_CAPTURE_PACKET_FIELDS = [
    "tcphs.acked_in",
    "tcphs.rtt",
    "tcphs.rtt.estimated",
    "tcphs.rtt.deviation",
    "tcphs.rtt.rto",
    "tcphs.round.segments",
    "tcphs.round.bytes",
    "tcphs.round.growth",
    "tcphs.round.inflight",
    "tcphs.round.phase",
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
    "tcphs.opt.ecn_mode",
    "tcphs.close.initiator",
    "tcphs.close.kind",
    "tcphs.conn_state",
    "tcphs.history",
    "tcphs.conn.packets_client",
    "tcphs.conn.packets_server",
    "tcphs.conn.bytes_client",
    "tcphs.conn.bytes_server",
    "tcphs.conn.duration",
    "tcphs.frame.syn",
    "tcphs.frame.synack",
    "tcphs.frame.handshake_ack",
    "tcphs.frame.first_data",
    "tcphs.frame.fin",
    "tcphs.frame.peer_fin",
    "tcphs.frame.rst",
    "tcphs.conn.throughput_client",
    "tcphs.conn.throughput_server",
    "tcphs.conn.rounds_client",
    "tcphs.conn.rounds_server",
    "tcphs.conn.sent_again_client",
    "tcphs.conn.sent_again_server",
    "tcphs.conn.dup_acks_client",
    "tcphs.conn.dup_acks_server",
    "tcphs.conn.zero_windows_client",
    "tcphs.conn.zero_windows_server",
]

KEY_FIELDS = ["frame.number", "tcp.stream"]

# The two expected files of a test case (tests/expected/BASE.packets.tsv and
# BASE.streams.tsv): one row per TCP frame with the per-packet fields, and one
# row per analysed stream with the connection fields as two-pass tshark gives
# them (final), like Zeek's conn.log.
PACKET_COLUMNS = KEY_FIELDS + PER_PACKET_FIELDS + WHOLE_CAPTURE_PACKET_FIELDS
STREAM_KEY = "tcp.stream"
STREAM_COLUMNS = [STREAM_KEY] + CONNECTION_FIELDS

# Booleans print as 1/0 in Wireshark 4.0 and as True/False from 4.2 on: the
# expected files hold 1/0, and output is read the same way on every version.
BOOLEAN_FIELDS = {
    "tcphs.role_guessed", "tcphs.isn_client.derived", "tcphs.ack_check", "tcphs.opt.wscale",
    "tcphs.opt.sack", "tcphs.opt.timestamps", "tcphs.opt.ecn", "tcphs.opt.tfo",
}


# Doubles print as "%.15g" in Wireshark 4.0 - 4.4 and in the shortest form
# that reads back exactly from 4.6 on ("6e+06"): the expected files hold 12
# significant digits.
DOUBLE_FIELDS = {"tcphs.conn.throughput_client", "tcphs.conn.throughput_server", "tcphs.round.growth"}


def normalize_double(text):
    try:
        return "%.12g" % float(text)
    except ValueError:
        return text


def normalize(field, value):
    """A field's value as the expected files write it."""
    if field in DOUBLE_FIELDS:
        return "|".join(normalize_double(v) if v else v for v in value.split("|"))
    if field not in BOOLEAN_FIELDS:
        return value
    return "|".join({"True": "1", "False": "0"}.get(v, v) for v in value.split("|"))


class Failure(Exception):
    pass


# ---- tests/TESTLIST --------------------------------------------------------------

class Case:
    """One line of tests/TESTLIST."""

    def __init__(self, name, capture, expected, options, line):
        self.name, self.capture, self.expected, self.options, self.line = name, capture, expected, options, line

    @property
    def capture_path(self):
        return os.path.join(ROOT, self.capture)

    @property
    def packets_path(self):
        return os.path.join(EXPECTED, self.expected + ".packets.tsv")

    @property
    def streams_path(self):
        return os.path.join(EXPECTED, self.expected + ".streams.tsv")


def read_testlist(path=TESTLIST):
    """The cases of tests/TESTLIST, in file order.  A line is
    NAME CAPTURE EXPECTED [TSHARK OPTION ...], separated by blanks; '#' starts
    a comment."""
    cases, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            where = "%s:%d" % (os.path.relpath(path, ROOT), number)
            if len(words) < 3:
                raise Failure("%s: want NAME CAPTURE EXPECTED [OPTIONS], got %r" % (where, line.strip()))
            name, capture, expected, options = words[0], words[1], words[2], words[3:]
            if name in seen:
                raise Failure("%s: case %s listed twice" % (where, name))
            seen.add(name)
            if not os.path.exists(os.path.join(ROOT, capture)):
                raise Failure("%s: case %s: no capture %s" % (where, name, capture))
            cases.append(Case(name, capture, expected, options, where))
    return cases


# ---- per-packet rows and per-stream rows -------------------------------------------

def split_values(row, field):
    value = row.get(field, "")
    return value.split("|") if value else []


def analysed_layers(row):
    """The streams of a frame's TCP layers when tcphs analysed every one of
    them (one tcphs.event per tcp.stream), else None (a TCP header quoted in
    ICMP or cut by the snaplen: no tcphs tree)."""
    streams = split_values(row, "tcp.stream")
    if streams and len(split_values(row, "tcphs.event")) == len(streams):
        return streams
    return None


def layer_value(row, field, layers, index):
    """The value of field for the index-th TCP layer of a frame, or None when
    -T fields cannot tell (some layers lack the field)."""
    values = split_values(row, field)
    if len(layers) == 1:
        return row.get(field, "")
    if not values:
        return ""
    if len(values) == len(layers):
        return values[index]
    return None


def stream_rows(rows, fields, problems=None, label="", last_only=False):
    """{stream: {field: value}} from per-frame rows (tshark output or an old
    expected file): the connection fields of each analysed stream.  With
    problems (a list), every analysed frame must agree with the stream's
    first one, and a frame tcphs did not analyse must have no connection
    field (two-pass tshark: the values are final on every frame).  With
    last_only, the values of each stream's last analysed frame (one pass)."""
    found, first_frame = {}, {}
    for row in rows:
        layers = analysed_layers(row)
        frame = row.get("frame.number", "?")
        if layers is None:
            if problems is not None:
                for field in fields:
                    if row.get(field, ""):
                        problems.append("%sframe %s %s: '%s' on a frame tcphs did not analyse" %
                                        (label, frame, field, row[field]))
            continue
        for i, stream in enumerate(layers):
            values = {}
            for field in fields:
                value = layer_value(row, field, layers, i)
                if value is None:
                    # -T fields cannot tell which layer the value is of: one
                    # pass leaves it unknown (None, not compared), two passes
                    # keep the stream's value from its other frames.
                    value = None if last_only else found.get(stream, {}).get(field, "")
                values[field] = value
            if stream in found and problems is not None and not last_only:
                for field in fields:
                    if values[field] != found[stream][field]:
                        problems.append("%sstream %s %s: frame %s says '%s', frame %s says '%s'" %
                                        (label, stream, field, first_frame[stream], found[stream][field],
                                         frame, values[field]))
                continue
            if stream not in found or last_only:
                found[stream] = values
                first_frame.setdefault(stream, frame)
    return found


def expand_rows(packets, streams, fields):
    """The one-file-per-capture rows (per-packet fields and connection fields
    on every frame) that a packets file and a streams file stand for: what
    two-pass tshark prints with both field lists."""
    rows = []
    for packet in packets:
        row = dict(packet)
        layers = analysed_layers(packet)
        for field in fields:
            if layers is None:
                row[field] = ""
            else:
                row[field] = "|".join(v for v in (streams.get(s, {}).get(field, "") for s in layers) if v != "")
        rows.append(row)
    return rows


def build_dir():
    return os.environ.get("TCPHS_BUILD", os.path.join(ROOT, "build"))


def run_program(args, program="tshark", stdin=None, check=True, timeout=600, extra_wrapper_args=()):
    """Run tshark (or another Wireshark program) with the plugin; return (stdout, stderr).
    $TCPHS_TSHARK (a JSON list: a command and its arguments) replaces the
    build tree's tshark, e.g. another release's, with its own plugin folder
    (tools/build-all-versions.sh --run)."""
    if program == "tshark" and os.environ.get("TCPHS_TSHARK"):
        cmd = [*json.loads(os.environ["TCPHS_TSHARK"]), *args]
    else:
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


def read_streams(path):
    """A streams file as {stream: {field: value}}."""
    return {row[STREAM_KEY]: row for row in read_expected(path)}


def write_streams(path, streams):
    rows = [dict(values, **{STREAM_KEY: stream}) for stream, values in sorted(streams.items(), key=lambda i: int(i[0]))]
    write_expected(path, rows, STREAM_COLUMNS)


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


def sharkd_preferences(options):
    """tshark's -o NAME:VALUE options as sharkd setconf requests."""
    requests, words = [], list(options)
    while words:
        option = words.pop(0)
        if option != "-o" or not words or ":" not in words[0]:
            raise Failure("sharkd takes only -o NAME:VALUE options, not %r" % option)
        name, _, value = words.pop(0).partition(":")
        requests.append({"jsonrpc": "2.0", "method": "setconf", "params": {"name": name, "value": value}})
    return requests


def sharkd_per_packet(capture, frames, seed, options=()):
    """Ask sharkd for the given frames in a shuffled order (as the GUI might),
    after setting the preferences of options (-o NAME:VALUE), and return
    {frame: {field: value}} for the per-packet fields, the ones a later
    packet completes included (sharkd has read the whole capture)."""
    order = list(frames)
    random.Random(seed).shuffle(order)
    requests = sharkd_preferences(options)
    requests.append({"jsonrpc": "2.0", "method": "load", "params": {"file": "@CAPTURE@"}})
    first_frame = len(requests) + 1
    for frame in order:
        requests.append({"jsonrpc": "2.0", "method": "frame", "params": {"frame": frame, "proto": True}})
    for rid, request in enumerate(requests, start=1):
        request["id"] = rid     # sharkd wants positive ids
    script = "\n".join(json.dumps(r) for r in requests) + "\n"
    out = run_sharkd(capture, script)
    results = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        reply = json.loads(line)
        rid = reply.get("id", 0)
        if rid < first_frame:
            if reply.get("result", {}).get("status") != "OK":
                raise Failure("sharkd refused %s on %s: %s" %
                              (json.dumps(requests[rid - 1]["params"]) if rid else "a request", capture, line))
            continue
        found = {}
        _collect_tcphs(reply.get("result", {}).get("tree", []), found)
        results[order[rid - first_frame]] = {field: normalize(field, "|".join(found.get(field, [])))
                                             for field in PER_PACKET_FIELDS + WHOLE_CAPTURE_PACKET_FIELDS}
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
