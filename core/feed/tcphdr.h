/* tcphdr.h: the fixed TCP header and the SYN options, read from captured bytes.
 *
 * The glue finds where each TCP header starts (plugin/feed.c) and hands
 * these functions the bytes captured from there on, and they
 * fill a tcphs_segment the way tcpdump's print-tcp.c reads a header: every
 * read is bounds-checked against what was captured, and a header cut short
 * is a normal case with its own answer, never a guess.
 */
#ifndef TCPHS_TCPHDR_H
#define TCPHS_TCPHDR_H

#include <stddef.h>
#include <stdint.h>

#include "core/feed/segment.h"

/* RFC 9293, 3.1: the header without options is 20 bytes; the data offset
 * (4 bits, in 32-bit words) allows 40 bytes of options at most. */
#define TCPHS_TCP_MIN_HEADER 20
#define TCPHS_TCP_MAX_HEADER 60

typedef enum {
    TCPHS_HDR_TOO_SHORT,    /* fewer than 20 bytes captured: nothing was read */
    TCPHS_HDR_BAD_OFFSET,   /* data offset < 5: the fixed header was read, options unknown */
    TCPHS_HDR_OPTIONS_CUT,  /* the fixed header was read; the snaplen cut the options: unknown */
    TCPHS_HDR_COMPLETE      /* fixed header and options read */
} tcphs_hdr_status;

/* Read the TCP header at bytes[0 .. captured): ports, raw seq and ack
 * (TCPHS_HAVE_ACK only with the ACK flag), the 12 flag bits Wireshark
 * shows as tcp.flags, the raw window, and, when the whole header of a SYN
 * or SYN-ACK was captured, the options tcphs looks at (MSS, window scale,
 * SACK permitted, timestamps, Fast Open: offers only a SYN makes).  Sets *hdr_len to data offset * 4 (0 when fewer
 * than 20 bytes were captured).  Adds TCPHS_OPTIONS_UNKNOWN unless it
 * returns TCPHS_HDR_COMPLETE. */
tcphs_hdr_status tcphs_read_tcp_header(const uint8_t *bytes, size_t captured, tcphs_segment *seg,
                                       unsigned *hdr_len);

/* The source and destination addresses of an IPv4 (RFC 791, 3.1: bytes 12
 * and 16) or IPv6 (RFC 8200, 3: bytes 8 and 24) header at bytes[0 ..
 * captured), the version nibble being `version`.  Fills seg->src.addr and
 * seg->dst.addr and adds TCPHS_HAVE_ADDRESSES; false, leaving them alone,
 * when the header was not captured that far or is of another version. */
bool tcphs_read_ip_addresses(const uint8_t *bytes, size_t captured, unsigned version, tcphs_segment *seg);

/* The addresses of the IP header that ends where a TCP header starts:
 * bytes[0 .. tcp_offset) are the captured bytes before the TCP header, in
 * the same data source.  For when Wireshark left no IP item to say where
 * that header is (4.6 fakes protocol items nobody asked for) and the
 * packet's last network addresses may be another layer's (a tunnel).
 * Accepted: an IPv4 header of 20 to 60 bytes (RFC 791, 3.1) carrying TCP
 * (protocol 6), not a later fragment, whose header checksum is right, or an
 * IPv6 header of 40 bytes (RFC 8200, 3) whose next header is TCP.
 * Anything else (IPv6 extension headers, a header another data source
 * holds) is false: the addresses are then unknown, never guessed. */
bool tcphs_read_ip_before(const uint8_t *bytes, size_t tcp_offset, tcphs_segment *seg);

/* The IP header that ends where a TCP header is known to start (the rules
 * of tcphs_read_ip_before(), but an IPv4 header's checksum may be wrong, as
 * Wireshark reads its length anyway): where it starts
 * (*ip_start) and how many bytes it says follow it from the TCP header on
 * (*payload: IPv4's total length, or IPv6's payload length, less the IP
 * header), or -1 for a fragment (RFC 791, 3.1: more fragments or a
 * fragment offset), whose TCP length no one packet tells.  False when no
 * such header ends at tcp_offset. */
bool tcphs_ip_payload_before(const uint8_t *bytes, size_t tcp_offset, size_t *ip_start, int32_t *payload);

#endif /* TCPHS_TCPHDR_H */
