#!/bin/sh
# cut.sh: captures cut from recorded ones with editcap, as real captures
# are cut: by a short snaplen, or by a capture that stops too early.
#
#   captures/cut.sh            (from the top of the tree or captures/)
#
# snaplen-68.pcap    client-close.pcap cut at 68 bytes, tcpdump's old default:
#                    the 20-byte fixed TCP header of every frame is there
#                    (14 Ethernet + 20 IPv4 + 20 TCP = 54), the SYN's and
#                    SYN-ACK's 20 bytes of options are not (they end at 74).
# snaplen-40.pcap    keepalive.pcap cut at 40 bytes: 6 bytes of each TCP
#                    header, no frame can be analysed.
# transfer-cut.pcap  the first 40 frames of transfer.pcap: the capture stops
#                    in the middle of the upload, before the ACKs of the
#                    last segments it holds came back.
# tfo-unanswered.pcap  the first frame of tfo-accepted.pcap: a Fast Open SYN
#                    (cookie and 20 bytes of data) that no SYN-ACK answers.
# editcap -s keeps the original lengths, so Wireshark knows what was cut.
# The output depends only on the input files: byte-identical on every run.
set -eu
cd "$(dirname "$0")"
editcap -s 68 client-close.pcap snaplen-68.pcap
editcap -s 40 keepalive.pcap snaplen-40.pcap
editcap -r transfer.pcap transfer-cut.pcap 1-40
editcap -r tfo-accepted.pcap tfo-unanswered.pcap 1
