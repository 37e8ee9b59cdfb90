# callgrind-scratch.sh: sourced by profile.sh and fieldcost.sh, which both run
# tshark under callgrind as user nobody over the first packets of a capture.
#
# callgrind_scratch PREFIX CAPTURE PACKETS sets
#   SCR    a scratch folder /tmp/PREFIX.XXXXXX, removed on exit: files/ (the
#          cut captures, readable by nobody), out/ (callgrind's output, which
#          nobody writes), wrap/ (the TMPDIR where tools/tshark-with-tcphs
#          stages its plugin folders);
#   small  the first PACKETS packets of CAPTURE;
#   first  its first packet alone (to measure start-up);
#   n      how many packets small really holds.
callgrind_scratch() {
    local prefix=$1 capture=$2 packets=$3 stem
    SCR="$(mktemp -d "/tmp/$prefix.XXXXXX")"
    trap 'rm -rf "$SCR"' EXIT
    chmod 755 "$SCR"
    mkdir -p "$SCR/files" "$SCR/out" "$SCR/wrap"
    chmod 1777 "$SCR/out" "$SCR/wrap"
    stem="$SCR/files/$(basename "${capture%.*}")"
    small="$stem-first$packets.pcap"
    first="$stem-first1.pcap"
    editcap -r "$capture" "$small" "1-$packets"
    editcap -r "$capture" "$first" 1
    chmod a+r "$SCR/files/"*
    n=$(capinfos -c -M "$small" | sed -n 's/^Number of packets: *//p')
}
