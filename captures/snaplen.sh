#!/bin/sh
# snaplen.sh: the snaplen captures, cut from recorded ones with editcap -s.
#
#   captures/snaplen.sh            (from the top of the tree or captures/)
#
# snaplen-68.pcap  client-close.pcap cut at 68 bytes, tcpdump's old default:
#                  the 20-byte fixed TCP header of every frame is there
#                  (14 Ethernet + 20 IPv4 + 20 TCP = 54), the SYN's and
#                  SYN-ACK's 20 bytes of options are not (they end at 74).
# snaplen-40.pcap  keepalive.pcap cut at 40 bytes: 6 bytes of each TCP
#                  header, no frame can be analysed.
# editcap keeps the original lengths, so Wireshark knows what was cut.
# The output depends only on the input files: byte-identical on every run.
set -eu
cd "$(dirname "$0")"
editcap -s 68 client-close.pcap snaplen-68.pcap
editcap -s 40 keepalive.pcap snaplen-40.pcap
