#!/usr/bin/env python3
"""kernel_phase.py: the sender kernel's own answer to "which phase was this
round in?", read from the TCP_INFO log that record-rounds.sh keeps beside
each rounds capture (captures/NAME.kernel.tsv, written by rounds_peers.py).

    python3 kernel_phase.py --summary NAME.kernel.tsv [...]   # what the kernel did
    python3 kernel_phase.py --rounds NAME.kernel.tsv [...]    # + a table, one row per round

--rounds needs tshark and NAME.pcap beside the TSV: it splits the sender's
segments into rounds by the rule of the field contract (a round ends at
the other side's first ACK that covers the last byte of the round's first
segment; the sender's next payload segment opens the next round) and asks
phase() about each.

As a module (what the agreement test calls):

    trace = KernelTrace.load("captures/rounds-reno-loss.kernel.tsv")
    trace.phase(start, end)   # times in the capture's clock (frame.time_epoch)

phase() returns one of "loss recovery", "receiver-limited",
"sender-limited", "slow start", "congestion avoidance" (the contract's
names) or "undecidable".  Give it the time of the round's first segment as
start and the time of the next round's first segment as end (for the last
round, the time of the ACK that ended it, or of the last frame): a round
lasts until the next one opens, and the idle time of an application that
writes slowly lies between the ACK that ends a round and the next write.

The TSV rows that describe [start, end) are the row in force at start
(the last one at or before it) and every row after start and before end;
but when a row comes within POLL_SLACK (5 ms, an eighth of these
captures' round trip) after start, it replaces the row in force at start.
A row is a poll, a millisecond after the change it shows, or several on a
busy machine (rounds-long has polls 2.4 ms late), and the change a round starts
with comes with the ACK that opened the round, microseconds before its
first segment: typically the ACK that covers the recover point both ends
the round of the repair and closes the kernel's Recovery, and the poll
that shows Open comes after the next round's first segment.  (The rare
opposite, a round that opens shortly before an ACK changes the state, is
then read as if it opened after it.)

The kernel's rule, first that holds:

1. undecidable: the TSV does not cover [start, end) (no row at or before
   start, none at or after end), or end <= start.
2. loss recovery: tcpi_ca_state is Recovery (3) or Loss (4) in one of the
   rows.
3. receiver-limited: tcpi_rwnd_limited grew between start and end.
4. sender-limited: tcpi_sndbuf_limited grew between start and end, or the
   busy chrono stopped after start: a row after start with nothing in
   flight and nothing written but unsent (tcpi_unacked 0, tcpi_notsent_bytes
   0), the moment the kernel's tcp_chrono_stop() goes to TCP_CHRONO_UNSPEC
   and tcpi_busy_time stops growing: the application had nothing to send.
5. slow start: tcpi_snd_cwnd < tcpi_snd_ssthresh in every row.
6. congestion avoidance: tcpi_snd_cwnd >= tcpi_snd_ssthresh in every row.
7. undecidable: the round holds the switch from slow start to congestion
   avoidance (CUBIC's HyStart sets ssthresh mid-round).

What the chrono counters measure (Linux net/ipv4/tcp_output.c,
tcp_chrono_start/stop/set, and tcp_get_info_chrono_stats in tcp.c): one
chronograph per socket is running at a time, of type BUSY, RWND_LIMITED or
SNDBUF_LIMITED (priority in that order, the higher wins); time is
accumulated in jiffies (4 ms on this kernel, CONFIG_HZ=250) for the type
that runs.
- BUSY starts when data is queued on an empty write queue
  (tcp_add_write_queue_tail) and stops, to no chrono at all (UNSPEC), when
  the retransmit and write queues are both empty: all data sent and
  acknowledged.  tcpi_busy_time is the SUM of all three types: the time
  with data outstanding or queued.
- RWND_LIMITED starts in tcp_write_xmit when the next segment does not fit
  the peer's receive window (tcp_snd_wnd_test fails) and stops (back to
  BUSY) at the next tcp_write_xmit that is not receive-window limited.
  tcpi_rwnd_limited is its time.
- SNDBUF_LIMITED starts in tcp_cwnd_validate when the sender is not
  cwnd-limited, its write queue is empty and the application hit the socket
  buffer (SOCK_NOSPACE): everything written is sent, and the buffer is full
  of unacknowledged data.  It stops in tcp_check_space once ACKs free
  space.  tcpi_sndbuf_limited is its time.
- "Application-limited" time has no counter: it is the wall-clock time
  minus tcpi_busy_time, the time with nothing queued and nothing in
  flight.  The TSV shows it directly: rows with unacked 0 and notsent 0
  (a row is written whenever either goes to or from 0).
"""

import os
import subprocess
import sys

PHASES = ("loss recovery", "receiver-limited", "sender-limited", "slow start",
          "congestion avoidance", "undecidable")
CA_STATES = {0: "Open", 1: "Disorder", 2: "CWR", 3: "Recovery", 4: "Loss"}
INFINITE_SSTHRESH = 0x7FFFFFFF
POLL_SLACK = 0.005                   # seconds: a poll's lateness, at most


class KernelTrace:
    """The rows of one NAME.kernel.tsv, in time order."""

    def __init__(self, rows, title=""):
        self.rows = rows
        self.times = [r["time"] for r in rows]
        self.title = title

    @classmethod
    def load(cls, path):
        title = ""
        header = None
        rows = []
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if line.startswith("#"):
                    if not title:
                        title = line[1:].strip()
                    continue
                if header is None:
                    header = line.split("\t")
                    for need in ("time", "ca_state", "cwnd", "ssthresh", "unacked", "notsent",
                                 "busy_us", "rwnd_limited_us", "sndbuf_limited_us"):
                        if need not in header:
                            raise ValueError("%s: no column %r in the header line" % (path, need))
                    continue
                cells = line.split("\t")
                if len(cells) != len(header):
                    raise ValueError("%s:%d: %d cells, the header has %d"
                                     % (path, lineno, len(cells), len(header)))
                row = {"time": float(cells[0])}
                for name, cell in zip(header[1:], cells[1:]):
                    row[name] = int(cell) if cell != "" else None
                if rows and row["time"] < rows[-1]["time"]:
                    raise ValueError("%s:%d: time goes backwards" % (path, lineno))
                rows.append(row)
        if header is None or not rows:
            raise ValueError("%s: no rows" % path)
        return cls(rows, title)

    def index_at(self, t):
        """Index of the last row at or before t, or -1."""
        lo, hi = 0, len(self.times)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.times[mid] <= t:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1

    def state_at(self, t):
        i = self.index_at(t)
        return self.rows[i] if i >= 0 else None

    def rows_in(self, start, end):
        """The rows that describe [start, end): the row in force at start
        (unless a row follows within POLL_SLACK: it replaces it), then
        every row after start, before end."""
        i = self.index_at(start)
        if i < 0:
            return []
        j = i + 1
        rows = self.rows
        follows = j < len(rows) and rows[j]["time"] < end and rows[j]["time"] - start <= POLL_SLACK
        out = [] if follows else [rows[i]]
        while j < len(rows) and rows[j]["time"] < end:
            out.append(rows[j])
            j += 1
        return out

    def phase(self, start, end):
        """The kernel's phase of the round [start, end) (see the module's doc)."""
        if end <= start or self.index_at(start) < 0 or self.times[-1] < end:
            return "undecidable"
        rows = self.rows_in(start, end)
        first, last = rows[0], self.state_at(end)
        if any(r["ca_state"] in (3, 4) for r in rows):
            return "loss recovery"
        if last["rwnd_limited_us"] > first["rwnd_limited_us"]:
            return "receiver-limited"
        if last["sndbuf_limited_us"] > first["sndbuf_limited_us"]:
            return "sender-limited"
        if any(r["unacked"] == 0 and r["notsent"] == 0 for r in rows if r["time"] > start):
            return "sender-limited"
        slow = [r["cwnd"] < r["ssthresh"] for r in rows]
        if all(slow):
            return "slow start"
        if not any(slow):
            return "congestion avoidance"
        return "undecidable"

    def summary(self, t0=None):
        """Lines that say what the kernel did over the whole transfer; times
        relative to t0 (the capture's first frame), else to the first row."""
        rows = self.rows
        out = [self.title] if self.title else []
        if t0 is None:
            t0 = rows[0]["time"]
            out.append("times from the first row")
        else:
            out.append("times from the capture's first frame; the first row is at +%.6f s"
                       % (rows[0]["time"] - t0))
        out.append("%d rows, %.3f s, cwnd %d to %d segments (largest %d), mss %s"
                   % (len(rows), rows[-1]["time"] - t0, rows[0]["cwnd"], rows[-1]["cwnd"],
                      max(r["cwnd"] for r in rows), rows[-1].get("mss")))
        first_set = next((r for r in rows if r["ssthresh"] < INFINITE_SSTHRESH), None)
        if first_set:
            out.append("ssthresh first set at +%.3f s: %d segments (cwnd %d, ca_state %s)"
                       % (first_set["time"] - t0, first_set["ssthresh"], first_set["cwnd"],
                          CA_STATES.get(first_set["ca_state"])))
        else:
            out.append("ssthresh never set: slow start throughout")
        episodes = []
        for prev, r in zip(rows, rows[1:]):
            if r["ca_state"] in (3, 4) and prev["ca_state"] not in (3, 4):
                episodes.append([r, prev, None])
            elif r["ca_state"] not in (3, 4) and prev["ca_state"] in (3, 4) and episodes:
                episodes[-1][2] = r
        for n, (enter, before, leave) in enumerate(episodes[:3], 1):
            out.append("loss %d at +%.3f s: %s, cwnd %d before (ssthresh %s), ssthresh %d after%s"
                       % (n, enter["time"] - t0, CA_STATES.get(enter["ca_state"]),
                          before["cwnd"], fmt_ssthresh(before["ssthresh"]), enter["ssthresh"],
                          ", recovered at +%.3f s with cwnd %d"
                          % (leave["time"] - t0, leave["cwnd"]) if leave else ""))
        if len(episodes) > 3:
            out.append("... %d recovery episodes in all" % len(episodes))
        last = rows[-1]
        idle = sum(1 for p, r in zip(rows, rows[1:])
                   if r["unacked"] == 0 and r["notsent"] == 0
                   and not (p["unacked"] == 0 and p["notsent"] == 0))
        out.append("retransmitted %d segments; busy %.3f s, rwnd-limited %.3f s, "
                   "sndbuf-limited %.3f s; went idle (nothing in flight or queued) %d times"
                   % (last["total_retrans"], last["busy_us"] / 1e6,
                      last["rwnd_limited_us"] / 1e6, last["sndbuf_limited_us"] / 1e6, idle))
        return out


def fmt_ssthresh(value):
    return "not set" if value >= INFINITE_SSTHRESH else str(value)


def capture_rounds(pcap):
    """The rounds of the capture's data sender (the side that sent the most
    payload), by the contract's rule, and the time of the first frame.  A
    round is a dict with first frame, start, end (the next round's start,
    or for the last round its ending ACK or the last frame), segments, new
    bytes, segments sent again."""
    out = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
         "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.seq",
         "-e", "tcp.ack", "-e", "tcp.len", "-e", "tcp.flags.reset"],
        check=True, capture_output=True, text=True).stdout
    frames = []
    sent = {}
    for line in out.splitlines():
        num, t, src, seq, ack, length, rst = line.split("\t")
        frames.append((int(num), float(t), src, int(seq), int(ack or 0), int(length),
                       rst in ("1", "True")))
        sent[src] = sent.get(src, 0) + int(length)
    if not frames:
        return [], None
    sender = max(sent, key=sent.get)
    rounds = []
    highest = None                   # highest sequence number sent + 1
    first_end = None                 # last byte + 1 of the open round's first segment
    ended = False
    for num, t, src, seq, ack, length, rst in frames:
        if src == sender and length > 0:
            if not rounds or ended:
                if rounds:
                    rounds[-1]["end"] = t
                rounds.append({"number": len(rounds) + 1, "frame": num, "start": t,
                               "end": None, "segments": 0, "bytes": 0, "again": 0})
                first_end = seq + length
                ended = False
            r = rounds[-1]
            new = max(0, seq + length - highest) if highest is not None else length
            if new:
                r["segments"] += 1
                r["bytes"] += new
            if highest is not None and seq < highest:
                r["again"] += 1
            highest = seq + length if highest is None else max(highest, seq + length)
        elif src != sender and not rst and rounds and not ended and ack >= first_end:
            ended = True
            rounds[-1]["ack_time"] = t
    if rounds and rounds[-1]["end"] is None:
        rounds[-1]["end"] = rounds[-1].get("ack_time", frames[-1][1])
    return rounds, frames[0][1]


def report(path, with_rounds):
    trace = KernelTrace.load(path)
    print("== " + os.path.basename(path))
    pcap = path[:-len(".kernel.tsv")] + ".pcap" if path.endswith(".kernel.tsv") else None
    rounds = None
    if pcap and os.path.exists(pcap):
        try:
            rounds, t0 = capture_rounds(pcap)
        except (OSError, subprocess.CalledProcessError) as err:
            print("  (tshark failed on %s: %s)" % (pcap, err))
    for line in trace.summary(t0 if rounds is not None else None):
        print("  " + line)
    if rounds is None:
        if with_rounds:
            print("  (no capture beside it: no rounds)")
        return
    counts = {}
    for r in rounds:
        r["phase"] = trace.phase(r["start"], r["end"])
        counts[r["phase"]] = counts.get(r["phase"], 0) + 1
    print("  %d rounds in the capture; kernel's phase: %s"
          % (len(rounds), ", ".join("%s %d" % (p, counts[p]) for p in PHASES if p in counts)))
    if with_rounds:
        print("  (cwnd, ssthresh, ca_state: the state the round started in)")
        print("  round  frame   start(s)  segs   bytes again  cwnd ssthresh ca_state  phase")
        for r in rounds:
            s = (trace.rows_in(r["start"], r["end"]) or [{}])[0]
            print("  %5d %6d %10.3f %5d %7d %5d %5s %8s %8s  %s"
                  % (r["number"], r["frame"], r["start"] - t0, r["segments"], r["bytes"],
                     r["again"], s.get("cwnd", "-"), fmt_ssthresh(s.get("ssthresh", 0))
                     if s else "-", CA_STATES.get(s.get("ca_state"), "-"), r["phase"]))


def main(argv):
    args = argv[1:]
    if len(args) < 2 or args[0] not in ("--summary", "--rounds"):
        sys.exit(__doc__.split("\n\n")[1])
    for path in args[1:]:
        try:
            report(path, args[0] == "--rounds")
        except (OSError, ValueError) as err:
            sys.exit("kernel_phase.py: %s" % err)


if __name__ == "__main__":
    main(sys.argv)
