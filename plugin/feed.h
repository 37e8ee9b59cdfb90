/* feed.h: the facts of a frame's TCP segments, as Wireshark already knows
 * them, without a protocol tree.
 *
 * tcphs asks Wireshark for no field: a wanted field makes tshark build a
 * tree for every packet, which costs a run that never reads tcphs a quarter
 * to a half of its time (docs/performance.md).  What only Wireshark knows
 * comes from its TCP conversation instead (tcp.stream, and the analysis
 * marks of the frame: keep-alive, retransmission, zero-window probe), and
 * the header itself from the captured bytes (core/feed/tcphdr.h).
 *
 * The same source serves every way a capture is read: one-pass tshark,
 * the first pass of tshark -2 and sharkd's load (which run no taps), and
 * the GUI.
 */
#ifndef TCPHS_FEED_H
#define TCPHS_FEED_H

#include <epan/packet.h>

#include "core/feed/segment.h"

/* A frame rarely holds more than one TCP layer (TCP tunnelled in TCP). */
#define TCPHS_FEED_MAX_LAYERS 8

/* Look up what the feed reads of other protocols (at hand-off, once every
 * protocol is registered). */
void tcphs_feed_register(void);

/* Listen to the tcp tap (on) or not: while tcphs is enabled. */
void tcphs_feed_listen(gboolean on);

/* A new capture file, or the end of one: forget the cut headers counted
 * and the conversations found so far.
 * `checksums`: the TCP dissector verifies checksums (a bad one is then a
 * fact of the segment, read from the tree the wanted status field builds). */
void tcphs_feed_reset(gboolean checksums);

/* The fields the feed wants from the tree (none unless checksums are
 * verified), appended to `wanted`. */
void tcphs_feed_wanted_fields(GArray *wanted);

/* The segments of the frame's TCP layers, in the order Wireshark dissected
 * them, into segs[0 .. TCPHS_FEED_MAX_LAYERS); returns how many.  A TCP
 * header quoted inside an ICMP or ICMPv6 error is not a segment of its
 * connection and is left out.  A layer whose header the snaplen cut before
 * anything could be said of it is left out and counted
 * (tcphs_feed_cut_headers()). */
guint tcphs_feed_frame(packet_info *pinfo, proto_tree *tree, tcphs_segment *segs);

/* TCP segments of the capture read so far whose 20-byte fixed header the
 * snaplen cut (they have no verdict), and the shortest snaplen that would
 * have kept all of those headers. */
void tcphs_feed_cut_headers(guint32 *segments, guint32 *snaplen);

#endif /* TCPHS_FEED_H */
