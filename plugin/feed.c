/* feed.c: the facts of a frame's TCP segments without a protocol tree
 * (feed.h; docs/design.md has the table of where each fact comes from).
 *
 * Where the run taps and the frame has one TCP layer (nearly every frame of
 * one-pass tshark and of the GUI's first read), the tcp tap's struct
 * tcpheader gives tcp.stream and tcp.len, and its ports, raw seq and raw
 * ack find the header in the bytes.  Elsewhere (tshark -2's first pass and
 * sharkd's load run no taps; a header cut in its options is never tapped;
 * tunnels), for each TCP layer Wireshark dissected (pinfo->layers), in
 * order:
 *   - its ports, which the TCP dissector keeps per layer for Decode As
 *     (p_add_proto_data() under tcp.srcport and tcp.dstport);
 *   - its header, found in the frame's data sources as those two ports right
 *     after the IP header that carries them (core/feed/tcphdr.c reads it,
 *     bounds-checked: raw seq and ack, flags, raw window, a SYN's options);
 *   - its payload length, as Wireshark's tcp.len: what the IP header says
 *     the datagram holds, less both headers;
 *   - its TCP conversation (the one the TCP dissector itself looked up for
 *     this frame), which gives tcp.stream.
 * Either way the conversation's `ta`, the frame's entry of its per-frame
 * table, gives the analysis marks (keep-alive, retransmission, zero-window
 * probe).  Every capture case compares the two sources: one-pass tshark
 * against two passes and sharkd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE             /* memmem() */
#define WS_BUILD_DLL
#include <string.h>

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>

#include "plugin/feed.h"
#include "plugin/ws-compat.h"
#include "core/feed/tcphdr.h"

static int proto_tcp = -1;
static int proto_ip = -1;
static int proto_ipv6 = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;
static int tcp_srcport_key = -1;      /* the TCP dissector's per-layer keys (Decode As) */
static int tcp_dstport_key = -1;
static int tcp_checksum_status_id = -1;

static gboolean verify_checksums;
static guint32 cut_headers;
static guint32 cut_headers_snaplen;

/* Wireshark's tcp tap, read in place while the frame is dissected
 * (fetch_tapped_data()), where a run taps at all. */
static int tcp_tap_id = -1;
static guint8 tcp_tap_listener;  /* its address names the listener */

/* The TCP conversation of each tcp.stream met so far, by stream number:
 * found once per stream, where a lookup per segment would cost more than
 * all of tcphs's analysis of it. */
static struct tcp_analysis **conversation_of_stream;
static guint32 conversation_slots;

/* The analysis marks of Wireshark's TCP sequence analysis (packet-tcp.c,
 * TCP_A_*: the same bits in 4.0, 4.4 and 4.6), in its per-frame table. */
enum {
    TCP_MARK_RETRANSMISSION          = 0x0001,
    TCP_MARK_KEEP_ALIVE              = 0x0008,
    TCP_MARK_ZERO_WINDOW_PROBE       = 0x0040,
    TCP_MARK_KEEP_ALIVE_ACK          = 0x0100,
    TCP_MARK_FAST_RETRANSMISSION     = 0x0400,
    TCP_MARK_SPURIOUS_RETRANSMISSION = 0x4000
};

/* Wireshark's mark -> tcphs's segment fact, one row each. */
static const struct {
    guint32 mark;
    guint32 fact;
} analysis_marks[] = {
    { TCP_MARK_KEEP_ALIVE,              TCPHS_KEEP_ALIVE },
    { TCP_MARK_KEEP_ALIVE_ACK,          TCPHS_KEEP_ALIVE_ACK },
    { TCP_MARK_RETRANSMISSION,          TCPHS_RETRANSMISSION },
    { TCP_MARK_FAST_RETRANSMISSION,     TCPHS_RETRANSMISSION },
    { TCP_MARK_SPURIOUS_RETRANSMISSION, TCPHS_RETRANSMISSION },
    { TCP_MARK_ZERO_WINDOW_PROBE,       TCPHS_ZERO_WINDOW_PROBE },
};

/* Wireshark's PROTO_CHECKSUM_E_BAD: the user asked for verification and it failed. */
#define CHECKSUM_STATUS_BAD 0

static int field_id(const char *name)
{
    int id = proto_registrar_get_id_byname(name);

    if (id <= 0)    /* a release renamed or dropped it: say so, as TRANSUM does */
        ws_warning("tcphs: unknown field %s", name);
    return id;
}

void tcphs_feed_register(void)
{
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    tcp_srcport_key = field_id("tcp.srcport");
    tcp_dstport_key = field_id("tcp.dstport");
    tcp_checksum_status_id = field_id("tcp.checksum.status");
    tcp_tap_id = find_tap_id("tcp");
}

/* A listener on the tcp tap while tcphs is enabled, so that every release
 * keeps the tap's struct tcpheader of each TCP layer for the frame being
 * dissected.  It helps a dissector and does no work of its own, so tshark -r
 * a -w b still dissects nothing; with tcphs disabled there is none, and the
 * TCP dissector queues its tap data as if tcphs were not installed. */
void tcphs_feed_listen(gboolean on)
{
    static gboolean listening;
    GString *error;

    if (on == listening || tcp_tap_id < 0)
        return;
    if (!on) {
        remove_tap_listener(&tcp_tap_listener);
        listening = FALSE;
        return;
    }
    error = register_tap_listener("tcp", &tcp_tap_listener, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL, NULL, NULL);
    if (error) {
        ws_warning("tcphs: cannot listen to the tcp tap: %s", error->str);
        g_string_free(error, TRUE);
        return;
    }
    listening = TRUE;
}

void tcphs_feed_reset(gboolean checksums)
{
    g_free(conversation_of_stream);
    conversation_of_stream = NULL;
    conversation_slots = 0;
    verify_checksums = checksums;
    cut_headers = 0;
    cut_headers_snaplen = 0;
}

void tcphs_feed_wanted_fields(GArray *wanted)
{
    /* tcp.checksum.status only says something when the user made the TCP
     * dissector verify checksums (Edit > Preferences > TCP, or
     * -o tcp.check_checksum:TRUE); asking for it builds a tree for every
     * packet, which only such a run pays. */
    if (verify_checksums && tcp_checksum_status_id > 0)
        g_array_append_val(wanted, tcp_checksum_status_id);
}

void tcphs_feed_cut_headers(guint32 *segments, guint32 *snaplen)
{
    *segments = cut_headers;
    *snaplen = cut_headers_snaplen;
}

/* ---- the frame's layers ----------------------------------------------------- */

/* What the frame's list of protocol layers (pinfo->layers, in the order
 * Wireshark dissected them) says about its TCP layers. */
typedef struct {
    guint tcp_layers;            /* all of them, quoted ones included */
    guint segment_layer[TCPHS_FEED_MAX_LAYERS]; /* layer numbers of those before any ICMP */
    guint segments;
    gboolean ip_before_tcp;      /* an IP or IPv6 layer before the first TCP layer */
    gboolean ip_after_tcp;       /* ... and after it (a tunnel) */
} layer_summary;

static layer_summary summarise_layers(const packet_info *pinfo)
{
    layer_summary sum;
    gboolean quoted = FALSE;     /* past an ICMP or ICMPv6 layer: its TCP header is quoted */
    guint number = 0;            /* layer numbers count from 1, as pinfo->curr_layer_num */

    memset(&sum, 0, sizeof(sum));
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        number++;
        if (id == proto_tcp) {
            sum.tcp_layers++;
            if (!quoted && sum.segments < TCPHS_FEED_MAX_LAYERS)
                sum.segment_layer[sum.segments++] = number;
        } else if (id == proto_icmp || id == proto_icmpv6) {
            quoted = TRUE;
        } else if (id == proto_ip || id == proto_ipv6) {
            *(sum.tcp_layers ? &sum.ip_after_tcp : &sum.ip_before_tcp) = TRUE;
        }
    }
    return sum;
}

/* The packet's network addresses belong to its TCP layer when that layer is
 * the frame's only one and came after the last IP or IPv6 layer (no tunnel
 * dissected after it set its own). */
static gboolean network_addresses_are_tcps(const layer_summary *layers)
{
    return layers->tcp_layers == 1 && layers->ip_before_tcp && !layers->ip_after_tcp;
}

/* ---- finding a header in the captured bytes ---------------------------------- */

/* Where a TCP header starts: a data source of the frame (the frame's own
 * bytes, or a reassembled datagram) and an offset in it. */
typedef struct {
    tvbuff_t *tvb;
    const guint8 *bytes;         /* its captured bytes */
    gint captured;
    gint offset;
    gboolean after_ip;           /* an IP header the feed could read ends at offset */
} header_place;

/* Where the search for the next TCP layer of the frame goes on. */
typedef struct {
    guint source;                /* index in pinfo->data_src */
    gint offset;
} search_cursor;

/* The first place at or after the cursor where the bytes hold the ports of
 * a TCP layer and the IP header that carries it ends, or where a data
 * source (a reassembled datagram) starts with them.  Failing that, the first
 * place after an IPv4 header whose checksum is wrong (Wireshark dissects it
 * all the same); and for the frame's last TCP layer, which may sit after an
 * IP header the feed does not read (IPv6 extension headers), the first
 * place holding its ports. */
static gboolean find_header(const packet_info *pinfo, guint16 sport, guint16 dport, gboolean last_layer,
                            search_cursor *cur, header_place *out)
{
    guint8 ports[4] = { (guint8)(sport >> 8), (guint8)sport, (guint8)(dport >> 8), (guint8)dport };
    header_place after_any_ip = { NULL, NULL, 0, -1, FALSE };
    header_place fallback = { NULL, NULL, 0, -1, FALSE };
    guint source_index = 0, after_any_ip_source = 0, fallback_source = 0;

    for (GSList *s = pinfo->data_src; s; s = s->next, source_index++) {
        tvbuff_t *tvb = get_data_source_tvb((const struct data_source *)s->data);
        gint captured = tvb ? (gint)tvb_captured_length(tvb) : 0;
        gint from = source_index == cur->source ? cur->offset : 0;
        const guint8 *bytes, *hit;

        if (source_index < cur->source || captured < (gint)sizeof(ports) || from >= captured)
            continue;
        bytes = tvb_get_ptr(tvb, 0, captured);
        for (gint at = from; at + (gint)sizeof(ports) <= captured; at = (gint)(hit - bytes) + 1) {
            tcphs_segment probe;
            size_t ip_start;
            gint32 ip_payload;

            hit = (const guint8 *)memmem(bytes + at, (size_t)(captured - at), ports, sizeof(ports));
            if (!hit)
                break;
            out->tvb = tvb;
            out->bytes = bytes;
            out->captured = captured;
            out->offset = (gint)(hit - bytes);
            memset(&probe, 0, sizeof(probe));
            out->after_ip = tcphs_read_ip_before(bytes, (size_t)out->offset, &probe);
            if (out->after_ip || (source_index > 0 && out->offset == 0)) {
                cur->source = source_index;
                cur->offset = out->offset + 1;
                return TRUE;
            }
            if (after_any_ip.offset < 0 &&
                tcphs_ip_payload_before(bytes, (size_t)out->offset, &ip_start, &ip_payload)) {
                after_any_ip = *out;
                after_any_ip_source = source_index;
            }
            if (last_layer && fallback.offset < 0) {
                fallback = *out;
                fallback_source = source_index;
            }
        }
    }
    if (after_any_ip.offset >= 0) {
        fallback = after_any_ip;
        fallback_source = after_any_ip_source;
    }
    if (fallback.offset < 0)
        return FALSE;
    *out = fallback;
    cur->source = fallback_source;
    cur->offset = fallback.offset + 1;
    return TRUE;
}

/* ---- the facts ----------------------------------------------------------------- */

/* The length of the TCP segment at `place` as the IP layer reported it
 * (Wireshark's tcp.len = the IP payload less the TCP header); FALSE where
 * Wireshark gives none: a fragment, or an IP length shorter than the
 * header. */
static gboolean segment_length(const header_place *place, unsigned hdr_len, guint32 *len)
{
    gint reported = (gint)tvb_reported_length(place->tvb) - place->offset;
    gint32 ip_payload = reported;
    size_t ip_start;

    if (tcphs_ip_payload_before(place->bytes, (size_t)place->offset, &ip_start, &ip_payload)) {
        if (ip_payload < 0)
            return FALSE;        /* a fragment: Wireshark has no length either */
        if (ip_payload > reported)
            ip_payload = reported;   /* Wireshark keeps the shorter of the two */
    }
    if (ip_payload < (gint)hdr_len)
        return FALSE;
    *len = (guint32)ip_payload - hdr_len;
    return TRUE;
}

/* A TCP layer whose fixed header the snaplen cut: count it, and the frame
 * length that would have kept its 20 bytes.  Only a data source that lost
 * bytes counts; a header that is short in a complete frame (a malformed IP
 * length) is no snaplen's doing. */
static void note_cut_header(const header_place *place)
{
    guint32 needed;

    if (tvb_captured_length(place->tvb) >= tvb_reported_length(place->tvb))
        return;
    cut_headers++;
    needed = (guint32)place->offset + TCPHS_TCP_MIN_HEADER;
    if (needed > cut_headers_snaplen)
        cut_headers_snaplen = needed;
}

static gboolean take_address(const address *from, tcphs_address *to)
{
    if (!((from->type == AT_IPv4 && from->len == 4) || (from->type == AT_IPv6 && from->len == 16)))
        return FALSE;
    memset(to, 0, sizeof(*to));
    to->family = from->type == AT_IPv4 ? 4 : 6;
    memcpy(to->bytes, from->data, (size_t)from->len);
    return TRUE;
}

/* The segment's addresses: the packet's network addresses when they are
 * this layer's, else those of the IP header that ends where its header
 * starts (a tunnel); else none, rather than another layer's. */
static void take_addresses(const packet_info *pinfo, const layer_summary *layers, const header_place *place,
                           tcphs_segment *seg)
{
    tcphs_address src, dst;

    if (network_addresses_are_tcps(layers) && take_address(&pinfo->net_src, &src) &&
        take_address(&pinfo->net_dst, &dst) && src.family == dst.family) {
        seg->src.addr = src;
        seg->dst.addr = dst;
        seg->have |= TCPHS_HAVE_ADDRESSES;
        return;
    }
    tcphs_read_ip_before(place->bytes, (size_t)place->offset, seg);
}

static void to_ws_address(const tcphs_address *from, address *to)
{
    set_address(to, from->family == 6 ? AT_IPv6 : AT_IPv4, from->family == 6 ? 16 : 4, from->bytes);
}

/* The TCP conversation the TCP dissector used for this layer: found as it
 * found it, by the packet's addresses for the frame's last TCP layer when
 * no IP layer came after it, else by the layer's own IP header. */
static struct tcp_analysis *conversation_of(const packet_info *pinfo, const layer_summary *layers,
                                            gboolean last_layer, const tcphs_segment *seg)
{
    address a, b;
    conversation_t *conv;

    if (last_layer && !layers->ip_after_tcp) {
        copy_address_shallow(&a, &pinfo->src);
        copy_address_shallow(&b, &pinfo->dst);
    } else if (seg->have & TCPHS_HAVE_ADDRESSES) {
        to_ws_address(&seg->src.addr, &a);
        to_ws_address(&seg->dst.addr, &b);
    } else {
        return NULL;
    }
    conv = find_conversation(pinfo->num, &a, &b, CONVERSATION_TCP, seg->src.port, seg->dst.port, 0);
    return conv ? (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
}

/* The marks Wireshark's sequence analysis gave this segment.  The TCP
 * dissector clears the conversation's `ta` for each frame it reads and
 * leaves there the frame's entry of its per-frame table (keyed by frame,
 * raw seq and raw ack), or NULL when the frame has none: what it shows
 * itself.  None when the analysis is off. */
static void take_analysis_marks(const struct tcp_analysis *tcpd, tcphs_segment *seg)
{
    const struct tcp_acked *ta = tcpd->ta;

    if (!ta || !ta->flags)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(analysis_marks); i++) {
        if (ta->flags & analysis_marks[i].mark)
            seg->have |= analysis_marks[i].fact;
    }
}

/* tcp.checksum.status of the frame's n-th TCP layer (quoted ones
 * included), from the tree the wanted field builds. */
static void take_checksum_status(proto_tree *tree, const layer_summary *layers, guint nth, tcphs_segment *seg)
{
    GPtrArray *found;
    field_info *fi;

    if (!verify_checksums || !tree || tcp_checksum_status_id <= 0)
        return;
    found = proto_get_finfo_ptr_array(tree, tcp_checksum_status_id);
    if (!found || found->len != layers->tcp_layers || nth >= found->len)
        return;
    fi = (field_info *)g_ptr_array_index(found, nth);
    if (tcphs_field_uint(fi) == CHECKSUM_STATUS_BAD)
        seg->have |= TCPHS_BAD_CHECKSUM;
}

/* Whether a short snaplen cut the payload: the frame lost bytes at its end,
 * where a segment's payload is.  (Zeek's reassembler skips such payload, and
 * tcphs's model of it must too.) */
static gboolean payload_truncated(const packet_info *pinfo, const tcphs_segment *seg)
{
    return seg->len > 0 && pinfo->fd->cap_len < pinfo->fd->pkt_len;
}

/* ---- the conversation of each stream ---------------------------------------- */

static struct tcp_analysis *known_conversation(guint32 stream)
{
    return stream < conversation_slots ? conversation_of_stream[stream] : NULL;
}

static void remember_conversation(struct tcp_analysis *tcpd)
{
    guint32 slots = conversation_slots ? conversation_slots : 1024;

    if (tcpd->stream >= G_MAXUINT32 / 2)
        return;
    while (slots <= tcpd->stream)
        slots *= 2;
    if (slots != conversation_slots) {
        conversation_of_stream = g_renew(struct tcp_analysis *, conversation_of_stream, slots);
        memset(conversation_of_stream + conversation_slots, 0,
               (slots - conversation_slots) * sizeof(*conversation_of_stream));
        conversation_slots = slots;
    }
    conversation_of_stream[tcpd->stream] = tcpd;
}

/* ---- a layer's facts --------------------------------------------------------- */

/* The header at `place` into *seg; FALSE when there is nothing to analyse. */
static gboolean read_header_at(const header_place *place, tcphs_segment *seg, unsigned *hdr_len)
{
    gint avail = place->captured - place->offset;

    if (avail > TCPHS_TCP_MAX_HEADER)
        avail = TCPHS_TCP_MAX_HEADER;
    switch (tcphs_read_tcp_header(place->bytes + place->offset, (size_t)avail, seg, hdr_len)) {
    case TCPHS_HDR_TOO_SHORT:
        /* No ports, sequence numbers or flags: no verdict. */
        note_cut_header(place);
        return FALSE;
    case TCPHS_HDR_BAD_OFFSET:
    case TCPHS_HDR_OPTIONS_CUT:
        /* Wireshark stopped in the options.  A SYN or SYN-ACK is judged
         * without them (tcphs tells its own retransmissions by the ISN),
         * its options unknown; any other segment would be judged on a
         * header Wireshark itself gave up on, so it gets no verdict. */
        return (seg->flags & TCPHS_SYN) != 0;
    case TCPHS_HDR_COMPLETE:
        break;
    }
    return TRUE;
}

static void start_segment(const packet_info *pinfo, tcphs_segment *seg)
{
    memset(seg, 0, sizeof(*seg));
    seg->frame = pinfo->num;
    seg->time_ns = (gint64)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
}

/* What every source ends with: the conversation's marks, the checksum
 * status, and whether the snaplen cut the payload. */
static void finish_segment(packet_info *pinfo, proto_tree *tree, const layer_summary *layers, guint nth,
                           const struct tcp_analysis *tcpd, tcphs_segment *seg)
{
    if (tcpd) {
        seg->stream = tcpd->stream;
        seg->have |= TCPHS_HAVE_STREAM;
        take_analysis_marks(tcpd, seg);
    }
    /* The layers before any ICMP come first among the frame's TCP layers:
     * this one is the nth of them all. */
    take_checksum_status(tree, layers, nth, seg);
    if (payload_truncated(pinfo, seg))
        seg->have |= TCPHS_PAYLOAD_TRUNCATED;
}

/* The facts of TCP layer `nth` from the bytes and the conversation: the
 * source that every read of a capture has.  FALSE when there is nothing to
 * analyse. */
static gboolean read_layer(packet_info *pinfo, proto_tree *tree, const layer_summary *layers, guint nth,
                           search_cursor *cur, tcphs_segment *seg)
{
    guint layer = layers->segment_layer[nth];
    gboolean last_layer = nth + 1 == layers->segments && layers->segments == layers->tcp_layers;
    guint16 sport = (guint16)GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, tcp_srcport_key, layer));
    guint16 dport = (guint16)GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, tcp_dstport_key, layer));
    struct tcp_analysis *tcpd;
    header_place place;
    unsigned hdr_len;

    start_segment(pinfo, seg);
    if (!find_header(pinfo, sport, dport, last_layer, cur, &place) || !read_header_at(&place, seg, &hdr_len))
        return FALSE;
    if (hdr_len >= TCPHS_TCP_MIN_HEADER && segment_length(&place, hdr_len, &seg->len))
        seg->have |= TCPHS_HAVE_LEN;
    take_addresses(pinfo, layers, &place, seg);
    tcpd = conversation_of(pinfo, layers, last_layer, seg);
    if (tcpd)
        remember_conversation(tcpd);
    finish_segment(pinfo, tree, layers, nth, tcpd, seg);
    return TRUE;
}

static void put_be32(guint8 *out, guint32 value)
{
    out[0] = (guint8)(value >> 24);
    out[1] = (guint8)(value >> 16);
    out[2] = (guint8)(value >> 8);
    out[3] = (guint8)value;
}

/* The header of the frame's only TCP layer where the tcp tap's struct
 * tcpheader says it is: its ports, raw seq and raw ack, found in the
 * frame's data sources. */
static gboolean find_tapped_header(const packet_info *pinfo, const struct tcpheader *th, header_place *out)
{
    /* Where the last frame's header was: the same link and IP header
     * lengths put most frames' headers at the same offset. */
    static gint last_offset;
    guint8 key[12];

    /* RFC 9293, 3.1: the ports, the sequence and the acknowledgment number,
     * in network order, are the header's first 12 bytes. */
    put_be32(key, ((guint32)th->th_sport << 16) | (guint16)th->th_dport);
    put_be32(key + 4, (guint32)th->th_rawseq);
    put_be32(key + 8, (guint32)th->th_rawack);
    for (GSList *s = pinfo->data_src; s; s = s->next) {
        tvbuff_t *tvb = get_data_source_tvb((const struct data_source *)s->data);
        gint captured = tvb ? (gint)tvb_captured_length(tvb) : 0;
        const guint8 *bytes, *hit;

        if (captured < (gint)sizeof(key))
            continue;
        bytes = tvb_get_ptr(tvb, 0, captured);
        if (last_offset + (gint)sizeof(key) <= captured && memcmp(bytes + last_offset, key, sizeof(key)) == 0)
            hit = bytes + last_offset;
        else
            hit = (const guint8 *)memmem(bytes, (size_t)captured, key, sizeof(key));
        if (hit) {
            last_offset = (gint)(hit - bytes);
            out->tvb = tvb;
            out->bytes = bytes;
            out->captured = captured;
            out->offset = (gint)(hit - bytes);
            out->after_ip = FALSE;      /* not looked for: the tap gives the length */
            return TRUE;
        }
    }
    return FALSE;
}

/* How the frame's only TCP layer was read from the tcp tap. */
typedef enum {
    TAPPED_NONE,         /* no tap data: read it from the bytes and the conversation */
    TAPPED_NOTHING,      /* read: nothing to analyse */
    TAPPED_SEGMENT       /* read: *seg holds its facts */
} tapped_read;

/* The frame's only TCP layer, where the run taps (one-pass tshark, the
 * GUI's first read): the tap's header gives tcp.stream, tcp.len, the ports
 * and raw numbers that find the header in the bytes, and the stream's
 * conversation is looked up once per stream.  The same facts as
 * read_layer(), which tshark -2's first pass and sharkd use: every test
 * case compares the two. */
static tapped_read read_tapped_layer(packet_info *pinfo, proto_tree *tree, const layer_summary *layers,
                                     tcphs_segment *seg)
{
    const struct tcpheader *th;
    struct tcp_analysis *tcpd;
    header_place place;
    unsigned hdr_len;

    if (tcp_tap_id < 0 || layers->tcp_layers != 1 || layers->segments != 1 || !network_addresses_are_tcps(layers))
        return TAPPED_NONE;
    th = (const struct tcpheader *)fetch_tapped_data(tcp_tap_id, 0);
    if (!th || fetch_tapped_data(tcp_tap_id, 1) || !find_tapped_header(pinfo, th, &place))
        return TAPPED_NONE;
    start_segment(pinfo, seg);
    if (!read_header_at(&place, seg, &hdr_len))
        return TAPPED_NOTHING;
    if (th->th_have_seglen) {
        seg->len = th->th_seglen;
        seg->have |= TCPHS_HAVE_LEN;
    }
    take_addresses(pinfo, layers, &place, seg);
    tcpd = known_conversation(th->th_stream);
    if (!tcpd) {
        tcpd = conversation_of(pinfo, layers, TRUE, seg);
        if (tcpd)
            remember_conversation(tcpd);
    }
    finish_segment(pinfo, tree, layers, 0, tcpd, seg);
    return TAPPED_SEGMENT;
}

guint tcphs_feed_frame(packet_info *pinfo, proto_tree *tree, tcphs_segment *segs)
{
    layer_summary layers = summarise_layers(pinfo);
    search_cursor cur = { 0, 0 };
    guint count = 0;

    switch (read_tapped_layer(pinfo, tree, &layers, &segs[0])) {
    case TAPPED_SEGMENT:
        return 1;
    case TAPPED_NOTHING:
        return 0;
    case TAPPED_NONE:
        break;
    }
    for (guint nth = 0; nth < layers.segments; nth++) {
        if (read_layer(pinfo, tree, &layers, nth, &cur, &segs[count]))
            count++;
    }
    return count;
}
