"""pcaputil.py: what the capture generators of bench/ share.

Counts with a suffix (10k, 1M) and the Internet checksum (RFC 1071): a
one's-complement sum of 16-bit words, folded and inverted.
"""
import struct


def parse_count(text):
    """'10k' -> 10000, '1M' -> 1000000, '250' -> 250."""
    text = text.strip().lower()
    mult = 1
    if text.endswith("k"):
        mult, text = 1000, text[:-1]
    elif text.endswith("m"):
        mult, text = 1000000, text[:-1]
    return int(float(text) * mult)


def words(data):
    """The sum of the big-endian 16-bit words of data (padded to even length)."""
    if len(data) % 2:
        data += b"\0"
    return sum(struct.unpack(">%dH" % (len(data) // 2), data))


def fold(s):
    """Fold a word sum to 16 bits and invert it: the checksum field's value."""
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF
