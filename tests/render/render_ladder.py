#!/usr/bin/env python3
"""render_ladder.py: the Mermaid ladder of `-z tcphs,report` really draws.

Takes the report of captures/transfer.pcap, puts its ```mermaid block into a
local HTML page with mermaid (pinned in package.json / package-lock.json,
installed with `npm ci` when missing), and loads it in Debian's chromium,
headless, from file://.  Passes when the DOM holds an <svg> with both
participants and a few arrows, and no Mermaid syntax error.

  render_ladder.py [--screenshot docs/report-ladder.png]

Exits 77 (skipped) only when chromium is not installed; CI installs it
(tools/debian-packages).
"""
import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402

CAPTURE = os.path.join(ROOT, "captures", "transfer.pcap")
MERMAID = os.path.join(HERE, "node_modules", "mermaid", "dist", "mermaid.min.js")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--virtual-time-budget=15000"]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>pending</title>
<style>body {{ background: white; margin: 8px; font-family: sans-serif; }}</style></head>
<body><div id="out"></div>
<script src="{mermaid}"></script>
<script>
mermaid.initialize({{ startOnLoad: false, securityLevel: "strict", theme: "default" }});
mermaid.render("ladder", {source})
  .then(function (r) {{ document.getElementById("out").innerHTML = r.svg; document.title = "rendered"; }})
  .catch(function (e) {{ document.getElementById("out").textContent = String(e); document.title = "failed"; }});
</script></body></html>
"""


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_mermaid():
    if not os.path.exists(MERMAID):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE, check=True)


def ladder_source():
    out, _ = harness.run_program(["-r", CAPTURE, "-n", "-q", "-z", "tcphs,report"])
    match = re.search(r"```mermaid\n(.*?)```", out, re.S)
    if not match:
        raise harness.Failure("no ```mermaid block in the report of %s" % CAPTURE)
    return match.group(1)


def run_chromium(browser, profile, page, extra):
    cmd = [browser, *CHROMIUM_FLAGS, "--user-data-dir=" + profile, *extra, "file://" + page]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=180)
    if proc.returncode != 0:
        raise harness.Failure("chromium failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    return proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screenshot", help="also write a PNG of the rendered ladder")
    options = parser.parse_args()

    browser = chromium()
    if not browser:
        print("SKIPPED: chromium is not installed (apt-get install chromium)")
        return 77
    ensure_mermaid()
    source = ladder_source()
    problems = []
    with tempfile.TemporaryDirectory(prefix="tcphs-render-") as tmp:
        page = os.path.join(tmp, "ladder.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(PAGE.format(mermaid=html.escape("file://" + MERMAID), source=json.dumps(source)))
        dom = run_chromium(browser, os.path.join(tmp, "profile"), page, ["--dump-dom"])
        if "<svg" not in dom:
            problems.append("no <svg> in the rendered page")
        # Mermaid draws "Syntax error in text" for a diagram it cannot parse;
        # a rejected render() leaves the page's title at "failed".
        if "Syntax error" in dom.split('<div id="out">', 1)[-1] or "<title>rendered</title>" not in dom:
            problems.append("Mermaid did not render the ladder: %s"
                            % re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom.split('<div id="out">', 1)[-1]))[:500])
        for name in ("Client 10.20.0.1", "Server 10.20.0.2:31020", "frame 1, 0.000000 s, SYN"):
            if html.escape(name) not in dom and name not in dom:
                problems.append("the drawing lacks %r" % name)
        arrows = dom.count('class="messageText"')
        if arrows < 10:
            problems.append("only %d arrows drawn" % arrows)
        if options.screenshot and not problems:
            shot = os.path.abspath(options.screenshot)
            run_chromium(browser, os.path.join(tmp, "profile2"), page,
                         ["--screenshot=" + shot, "--window-size=1100,760", "--hide-scrollbars"])
            print("wrote", shot)
    if not problems:
        print("ok: the ladder of %s renders (%d arrows)" % (os.path.basename(CAPTURE), arrows))
    harness.fail(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
