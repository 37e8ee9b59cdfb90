#!/usr/bin/env python3
"""render_rounds.py: the two xychart-beta charts of the report's Rounds
section really draw.

Takes the report of captures/transfer-loss.pcap (slow start that ends in a
loss), and draws the client's "new bytes per round" bars and its SampleRTT /
EstimatedRTT lines with mermaid (pinned in package.json, 11.4.1; xychart-beta
came with 10.5) in Debian's chromium, headless, as render_ladder.py draws the
ladder.  Passes when each chart is an <svg> with no Mermaid syntax error, the
bar chart has one bar per round with the phases on its axis, and the RTT
chart has two lines.

  render_rounds.py [--bytes-screenshot docs/report-rounds-bytes.png]
                   [--rtt-screenshot docs/report-rtt.png]

Exits 77 (skipped) only when chromium is not installed.
"""
import argparse
import html
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import render_ladder as ladder  # noqa: E402
from render_ladder import harness  # noqa: E402

CAPTURE = os.path.join(ladder.ROOT, "captures", "transfer-loss.pcap")


def charts(capture):
    out, _ = ladder.harness.run_program(["-r", capture, "-n", "-q", "-z", "tcphs,report"])
    blocks = re.findall(r"```mermaid\n(.*?)```", out, re.S)
    bars = [b for b in blocks if "xychart-beta" in b and "\n    bar [" in b]
    lines = [b for b in blocks if "xychart-beta" in b and "\n    line [" in b]
    if len(bars) != 1 or len(lines) != 1:
        raise harness.Failure("expected one bar chart and one RTT chart in the report of %s, found %d and %d"
                              % (capture, len(bars), len(lines)))
    return bars[0], lines[0]


def render(browser, tmp, name, source, screenshot):
    page = os.path.join(tmp, name + ".html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(ladder.PAGE.format(mermaid=html.escape("file://" + ladder.MERMAID), source=json.dumps(source)))
    dom = ladder.run_chromium(browser, os.path.join(tmp, "profile-" + name), page, ["--dump-dom"])
    drawn = dom.split('<div id="out">', 1)[-1]
    problems = []
    if "<svg" not in drawn or "Syntax error" in drawn or "<title>rendered</title>" not in dom:
        problems.append("Mermaid did not render the %s chart: %s"
                        % (name, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", drawn))[:500]))
    if screenshot and not problems:
        shot = os.path.abspath(screenshot)
        ladder.run_chromium(browser, os.path.join(tmp, "profile2-" + name), page,
                            ["--screenshot=" + shot, "--window-size=1200,560", "--hide-scrollbars"])
        print("wrote", shot)
    return drawn, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bytes-screenshot", help="also write a PNG of the new-bytes bar chart")
    parser.add_argument("--rtt-screenshot", help="also write a PNG of the RTT chart")
    parser.add_argument("--capture", default=CAPTURE,
                        help="another capture whose report has one sender with rounds (default %(default)s)")
    options = parser.parse_args()

    browser = ladder.chromium()
    if not browser:
        print("SKIPPED: chromium is not installed (apt-get install chromium)")
        return 77
    ladder.ensure_mermaid()
    bars, rtt = charts(options.capture)
    labels = re.findall(r'"(\d+ [a-z -]+)"', re.search(r'x-axis "round and phase" \[(.*)\]', bars).group(1))
    rounds = len(labels)
    problems = []
    with tempfile.TemporaryDirectory(prefix="tcphs-render-") as tmp:
        drawn, found = render(browser, tmp, "bytes", bars, options.bytes_screenshot)
        problems += found
        # xychart draws each bar as a <rect> in the plot's bar group, and each
        # axis label as text: one per round, phases named ("3 lr": the loss).
        drawn_bars = drawn.split('class="bar-plot-0"', 1)[-1].split("</g>", 1)[0].count("<rect")
        if drawn_bars != rounds:
            problems.append("the bar chart has %d bars for %d rounds" % (drawn_bars, rounds))
        # transfer-loss.pcap: "1 slow start", "2 slow start", "3 loss recovery",
        # "4 congestion avoidance" (more rounds than fit: "1 ss", ...).
        for label in labels:
            if ">%s<" % label not in drawn:
                problems.append("the bar chart's axis lacks %r" % label)
        drawn, found = render(browser, tmp, "rtt", rtt, options.rtt_screenshot)
        problems += found
        paths = len(re.findall(r'class="line-plot-\d"', drawn))
        if paths != 2:
            problems.append("the RTT chart has %d lines, not 2 (SampleRTT and EstimatedRTT)" % paths)
    if not problems:
        print("ok: the Rounds charts of %s render (%d bars: %s; 2 lines)"
              % (os.path.basename(options.capture), rounds, ", ".join(labels)))
    harness.fail(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
