#!/usr/bin/env python3
"""arithmetic.py: every arithmetic line tcphs shows adds up by hand.

A student checks a note or a label with pencil and paper, from the numbers
it shows.  So for every case of tests/TESTLIST (each capture with its
options), this test reads what two-pass tshark shows

  - the tcphs tree of every frame (`-V -O tcphs`): the notes, the RFC 6298
    labels of tcphs.rtt*, the throughputs, the window items;
  - the report (`-q -z tcphs,report`): the RTT lines, the throughput lines;

and redoes every step "A = B" in which both sides are numbers and
operators (+, −, ×, /, |...|, 2^n; a unit " s" or " bytes" after a number
is dropped): the left side is computed exactly (fractions) from the
operands as shown, then rounded half up to the decimals the right side
shows; the two must be equal to the last digit.  docs/fields.md
("Arithmetic that adds up") says why results are written this way.

Words between the numbers ("ack = x + 1 = 4255483971 + 1 = 4255483972",
"relative ack 151 = seq + len") end a step: only the numeric steps are
checked, and the test fails if the bundled captures show none of the
RFC 6298 kinds (it would then check nothing).

  arithmetic.py [--only NAME ...]
"""
import argparse
import os
import re
import sys
from fractions import Fraction

import harness

# A run of characters an arithmetic expression is made of.
EXPR_CHARS = "0123456789. +−-×/|^()"
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
UNIT = re.compile(r"(\d)\s(?:s|bytes/s|bytes)\b")


def strip_units(text):
    return UNIT.sub(r"\1", text)


def trailing_expression(text):
    """The arithmetic expression at the end of text, or None."""
    i = len(text)
    while i > 0 and text[i - 1] in EXPR_CHARS:
        i -= 1
    return well_formed(text[i:])


def leading_expression(text):
    """The arithmetic expression at the start of text, or None."""
    i = 0
    while i < len(text) and text[i] in EXPR_CHARS:
        i += 1
    return well_formed(text[:i])


def well_formed(expr):
    expr = expr.strip()
    # Parentheses that open or close the sentence around the expression.
    while expr and (expr[-1] == "(" or expr[0] == ")"):
        expr = (expr[:-1] if expr[-1] == "(" else expr[1:]).strip()
    while expr.startswith("(") and expr.count("(") > expr.count(")"):
        expr = expr[1:].strip()
    while expr.endswith(")") and expr.count(")") > expr.count("("):
        expr = expr[:-1].strip()
    if not expr or not re.search(r"\d", expr) or expr[0] in "+−-×/^" or expr[-1] in "+−-×/^":
        return None
    if expr.count("|") % 2:
        return None
    return expr


def evaluate(expr):
    """The exact value of an expression as shown."""
    python, bars = [], 0
    for token in re.findall(r"\d+(?:\.\d+)?|[+−\-×/|^()]", expr.replace(" ", "")):
        if NUMBER.match(token):
            python.append("Fraction('%s')" % token)
        elif token == "|":
            python.append("abs(" if bars % 2 == 0 else ")")
            bars += 1
        else:
            python.append({"−": "-", "×": "*", "^": "**"}.get(token, token))
    return eval("".join(python), {"__builtins__": {}, "abs": abs, "Fraction": Fraction})  # noqa: S307


def round_half_up(value, decimals):
    scale = Fraction(10) ** decimals
    return Fraction(int(value * scale + Fraction(1, 2)) if value >= 0 else -int(-value * scale + Fraction(1, 2)),
                    1) / scale


def decimals_of(number):
    return len(number.split(".", 1)[1]) if "." in number else 0


def check_line(line):
    """(steps checked, problems) for one line of text."""
    text = strip_units(line)
    pieces = text.split(" = ")
    checked, problems = 0, []
    for left_text, right_text in zip(pieces, pieces[1:]):
        left, right = trailing_expression(left_text), leading_expression(right_text)
        if left is None or right is None or NUMBER.match(left) and NUMBER.match(right) and left == right:
            continue
        try:
            value = evaluate(left)
            shown = evaluate(right)
        except (SyntaxError, ZeroDivisionError, TypeError):
            continue
        checked += 1
        if NUMBER.match(right):
            expected = round_half_up(value, decimals_of(right))
            if expected != shown:
                problems.append("%s = %s: by hand %s" % (left, right, format_decimal(expected, decimals_of(right))))
        elif value != shown:
            problems.append("%s = %s: by hand %s and %s" % (left, right, float(value), float(shown)))
    return checked, problems


def format_decimal(value, decimals):
    scale = 10 ** decimals
    whole = int(value * scale)
    return "%d.%0*d" % (whole // scale, decimals, whole % scale) if decimals else str(whole)


def self_test():
    """The checker finds the issue's two examples (values rounded to 1 µs
    before the arithmetic) and passes their exact forms."""
    wrong = ["EstimatedRTT = 7/8 × 0.000011 + 1/8 × 0.000465 = 0.000067 s",
             "RTO = 0.000067 + 4 × 0.000119 = 0.000545 s (rule 2.4 raises it to 1 s)",
             "DevRTT = 0.040433 / 2 = 0.020217 s; RTO = 0.040433 + 4 × 0.020217 = 0.121299 s"]
    right = ["EstimatedRTT = 7/8 × 0.000011 + 1/8 × 0.000465 = 0.00006775 s",
             "DevRTT = 3/4 × 0.0202165 + 1/4 × |0.040433 − 0.040451| = 0.015166875 s",
             "ack = x + 1 + 20 = 1000 + 1 + 20 = 1021 (correct: ...)",
             "- client → server: 100093 bytes / (0.210357 − 0.044963 s) = 100093 / 0.165394 s = 605179.1 bytes/s"]
    problems = []
    for line in wrong:
        checked, found = check_line(line)
        if not found:
            problems.append("self-test: the checker accepts a line that does not add up: %s" % line)
    for line in right:
        checked, found = check_line(line)
        if found or not checked:
            problems.append("self-test: the checker %s a line that adds up: %s %s" %
                            ("rejects" if found else "does not check", line, found))
    return problems


KINDS = ["SampleRTT =", "EstimatedRTT = 7/8", "DevRTT = 3/4", "RTO =", "bytes/s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    problems = self_test()
    seen_kinds = set()
    total = 0
    for case in harness.read_testlist():
        if args.only and case.name not in args.only:
            continue
        capture = os.path.join(harness.ROOT, case.capture)
        try:
            tree, _ = harness.run_program(["-r", capture, "-n", "-2", *case.options, "-V", "-O", "tcphs"])
            report, _ = harness.run_program(["-r", capture, "-n", "-2", *case.options, "-q", "-z", "tcphs,report"])
        except harness.Failure as error:
            problems.append("%s: %s" % (case.name, error))
            continue
        for source, text in (("tree", tree), ("report", report)):
            frame = "?"
            for line in text.splitlines():
                match = re.match(r"^Frame (\d+):", line)
                if match:
                    frame = match.group(1)
                checked, found = check_line(line)
                total += checked
                if checked:
                    seen_kinds.update(kind for kind in KINDS if kind in line)
                where = "%s [%s%s]" % (case.name, source, ", frame " + frame if source == "tree" else "")
                problems += ["%s: %s\n    in: %s" % (where, problem, line.strip()) for problem in found]
    missing = [kind for kind in KINDS if kind not in seen_kinds]
    if not args.only and missing:
        problems.append("no arithmetic of these kinds was checked: %s" % ", ".join(missing))
    print("%d arithmetic steps checked" % total)
    harness.fail(problems)


if __name__ == "__main__":
    main()
