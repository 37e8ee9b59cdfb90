/* packet-tcphs.c
 * TCP Handshake Analysis: a post-dissector that explains every TCP segment
 * (handshake step, ISNs, ack arithmetic, options, keep-alives, teardown).
 *
 * This file is the epan glue only.  For each TCP layer Wireshark's TCP
 * dissector put in the tree, it asks Wireshark for what only Wireshark knows
 * (tcp.stream and tcp.len from its conversation tracking, the rare
 * tcp.analysis.* marks) and reads the fixed header and the options from the
 * captured bytes where Wireshark found that layer, and the IP addresses
 * from the IP layer before it (core/tcphdr.c); the connection logic in
 * core/ classifies the segment on the first pass, the store (core/store.h)
 * keeps the result with the frame, and it is shown (tree, expert infos,
 * tap) on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "packet-tcphs.h"
#include "plugin/ws-compat.h"
#include "core/conn.h"
#include "core/store.h"
#include "core/tcphdr.h"
#include "core/text.h"
#include "core/transfer.h"

/* ---- tcphs's own fields ---------------------------------------------------- */

static int proto_tcphs = -1;

static int hf_tcphs_phase = -1;
static int hf_tcphs_event = -1;
static int hf_tcphs_from = -1;
static int hf_tcphs_role_guessed = -1;
static int hf_tcphs_hs_step = -1;
static int hf_tcphs_client = -1;
static int hf_tcphs_server = -1;
static int hf_tcphs_isn_client = -1;
static int hf_tcphs_isn_client_derived = -1;
static int hf_tcphs_isn_server = -1;
static int hf_tcphs_ack_check = -1;
static int hf_tcphs_note = -1;
static int hf_tcphs_state_client = -1;
static int hf_tcphs_state_server = -1;

static int hf_tcphs_connection = -1;
static int hf_tcphs_hs_state = -1;
static int hf_tcphs_hs_syn_retransmissions = -1;
static int hf_tcphs_hs_irtt = -1;
static int hf_tcphs_hs_syn_to_synack = -1;
static int hf_tcphs_hs_synack_to_ack = -1;
static int hf_tcphs_opt_mss_client = -1;
static int hf_tcphs_opt_mss_server = -1;
static int hf_tcphs_opt_mss_effective = -1;
static int hf_tcphs_opt_wscale_client = -1;
static int hf_tcphs_opt_wscale_server = -1;
static int hf_tcphs_opt_wscale = -1;
static int hf_tcphs_opt_sack = -1;
static int hf_tcphs_opt_timestamps = -1;
static int hf_tcphs_opt_ecn = -1;
static int hf_tcphs_opt_tfo = -1;
static int hf_tcphs_opt_ecn_mode = -1;
static int hf_tcphs_close_initiator = -1;
static int hf_tcphs_close_kind = -1;
static int hf_tcphs_conn_state = -1;
static int hf_tcphs_history = -1;
static int hf_tcphs_packets_client = -1;
static int hf_tcphs_packets_server = -1;
static int hf_tcphs_bytes_client = -1;
static int hf_tcphs_bytes_server = -1;
static int hf_tcphs_duration = -1;
static int hf_tcphs_group_handshake = -1;
static int hf_tcphs_group_options = -1;
static int hf_tcphs_group_close = -1;
static int hf_tcphs_group_counters = -1;
static int hf_tcphs_group_links = -1;
/* tcphs.frame.*, indexed by tcphs_link */
static int hf_tcphs_link[TCPHS_LINK_COUNT] = { -1, -1, -1, -1, -1, -1, -1 };

static int hf_tcphs_acked_in = -1;
static int hf_tcphs_rtt = -1;
static int hf_tcphs_rtt_estimated = -1;
static int hf_tcphs_rtt_deviation = -1;
static int hf_tcphs_rtt_rto = -1;
static int hf_tcphs_window_bytes = -1;
static int hf_tcphs_acks_segments = -1;
static int hf_tcphs_throughput_client = -1;
static int hf_tcphs_throughput_server = -1;

static gint ett_tcphs = -1;
static gint ett_tcphs_connection = -1;
static gint ett_tcphs_handshake = -1;
static gint ett_tcphs_options = -1;
static gint ett_tcphs_close = -1;
static gint ett_tcphs_counters = -1;
static gint ett_tcphs_links = -1;

static expert_field ei_tcphs_synack_bad_ack = EI_INIT;
static expert_field ei_tcphs_hs_ack_bad_ack = EI_INIT;
static expert_field ei_tcphs_syn_retransmitted = EI_INIT;
static expert_field ei_tcphs_syn_unanswered = EI_INIT;
static expert_field ei_tcphs_refused = EI_INIT;
static expert_field ei_tcphs_aborted = EI_INIT;
static expert_field ei_tcphs_simultaneous_open = EI_INIT;
static expert_field ei_tcphs_midstream = EI_INIT;
static expert_field ei_tcphs_data_before_handshake = EI_INIT;
static expert_field ei_tcphs_rst_after_data = EI_INIT;
static expert_field ei_tcphs_fin_after_rst = EI_INIT;
static expert_field ei_tcphs_data_after_rst = EI_INIT;

static dissector_handle_t tcphs_handle;
static int tcphs_tap = -1;

static tcphs_pref_bool tcphs_show_notes = TRUE;

/* ---- the Wireshark fields tcphs reads -------------------------------------- */

/* What a field of the TCP (or IP) dissector tells tcphs.  Only what comes
 * from Wireshark's own state is asked for: every wanted field that is in a
 * packet costs an item in that packet's tree (README, Performance).  The
 * header fields (ports, seq, ack, flags, window, options) and the IP
 * addresses are read from the bytes instead (read_header(), read_addresses()). */
typedef enum {
    SRC_STREAM, SRC_LEN,
    SRC_KEEP_ALIVE, SRC_KEEP_ALIVE_ACK, SRC_RETRANSMISSION, SRC_ZERO_WINDOW_PROBE,
    SRC_CHECKSUM_STATUS
} source_kind;

typedef struct {
    const char *name;
    source_kind kind;
    int hf;                 /* looked up by name once all protocols are registered */
} source_field;

static source_field source_fields[] = {
    { "tcp.stream",                           SRC_STREAM,            -1 },
    { "tcp.len",                              SRC_LEN,               -1 },
    { "tcp.analysis.keep_alive",              SRC_KEEP_ALIVE,        -1 },
    { "tcp.analysis.keep_alive_ack",          SRC_KEEP_ALIVE_ACK,    -1 },
    { "tcp.analysis.retransmission",          SRC_RETRANSMISSION,    -1 },
    { "tcp.analysis.fast_retransmission",     SRC_RETRANSMISSION,    -1 },
    { "tcp.analysis.spurious_retransmission", SRC_RETRANSMISSION,    -1 },
    { "tcp.analysis.zero_window_probe",       SRC_ZERO_WINDOW_PROBE, -1 },
    { "tcp.checksum.status",                  SRC_CHECKSUM_STATUS,   -1 },
};

static int proto_tcp = -1;
static int proto_ip = -1;
static int proto_ipv6 = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;

/* Wireshark's PROTO_CHECKSUM_E_BAD: the user asked for verification and it failed. */
#define CHECKSUM_STATUS_BAD 0

/* hf id -> source field.  The walk looks up every node of a TCP layer (a
 * hundred in a visible tree), so this is a small open-addressed table
 * rather than a scan of source_fields[]. */
#define SOURCE_SLOT_BITS 7
#define SOURCE_SLOTS (1u << SOURCE_SLOT_BITS)
static const source_field *source_slots[SOURCE_SLOTS];

static guint source_slot(int hf)
{
    return ((guint32)hf * 2654435761u) >> (32 - SOURCE_SLOT_BITS);   /* Knuth's multiplicative hash */
}

static void index_source_field(const source_field *src)
{
    guint slot = source_slot(src->hf);

    while (source_slots[slot] && source_slots[slot]->hf != src->hf)
        slot = (slot + 1) & (SOURCE_SLOTS - 1);
    if (!source_slots[slot])
        source_slots[slot] = src;   /* a field listed twice keeps its first entry */
}

static const source_field *source_field_of(int hf)
{
    guint slot = source_slot(hf);

    while (source_slots[slot]) {
        if (source_slots[slot]->hf == hf)
            return source_slots[slot];
        slot = (slot + 1) & (SOURCE_SLOTS - 1);
    }
    return NULL;
}

static void lookup_source_fields(void)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(source_fields) * 2 < SOURCE_SLOTS);

    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    for (size_t i = 0; i < G_N_ELEMENTS(source_fields); i++) {
        source_fields[i].hf = proto_registrar_get_id_byname(source_fields[i].name);
        if (source_fields[i].hf > 0)
            index_source_field(&source_fields[i]);
        else    /* a release renamed or dropped it: say so, as TRANSUM does */
            ws_warning("tcphs: unknown field %s", source_fields[i].name);
    }
}

/* ---- per-capture state ------------------------------------------------------- */

/* What tcphs learnt of the capture file being read: its connections by
 * tcp.stream and the record of each frame's first TCP layer (core/store.h).
 * The records of further TCP layers of a frame (tunnels) are kept with
 * p_add_proto_data() under keys 1, 2, ... (file scope). */
static tcphs_store *store;

/* TCP layers of the capture whose 20-byte fixed header the snaplen cut
 * (nothing to analyse), and the frame length that would have kept the
 * longest of them: -z tcphs,conns and -z tcphs,report say so. */
static guint32 cut_headers;
static guint32 cut_headers_snaplen;

void tcphs_cut_headers(guint32 *segments, guint32 *snaplen)
{
    *segments = cut_headers;
    *snaplen = cut_headers_snaplen;
}

/* A frame rarely holds more than one TCP layer (TCP tunnelled in TCP). */
#define MAX_TCP_LAYERS 8

/* ---- reading a TCP layer from the tree ------------------------------------- */

/* Copy one field's value into the segment facts. */
static void take_field(tcphs_segment *seg, const source_field *src, field_info *fi)
{
    switch (src->kind) {
    case SRC_STREAM:      seg->stream = tcphs_field_uint(fi); seg->have |= TCPHS_HAVE_STREAM; break;
    case SRC_LEN:         seg->len = tcphs_field_uint(fi); seg->have |= TCPHS_HAVE_LEN; break;
    case SRC_KEEP_ALIVE:  seg->have |= TCPHS_KEEP_ALIVE; break;
    case SRC_KEEP_ALIVE_ACK: seg->have |= TCPHS_KEEP_ALIVE_ACK; break;
    case SRC_RETRANSMISSION: seg->have |= TCPHS_RETRANSMISSION; break;
    case SRC_ZERO_WINDOW_PROBE: seg->have |= TCPHS_ZERO_WINDOW_PROBE; break;
    case SRC_CHECKSUM_STATUS:
        if (tcphs_field_uint(fi) == CHECKSUM_STATUS_BAD)
            seg->have |= TCPHS_BAD_CHECKSUM;
        break;
    }
}

/* Take the fields of a layer.  Where they sit depends on the tree and on
 * the Wireshark version: right below the layer when nobody looks (the items
 * between were faked), in the options, per-option protocols and the
 * SEQ/ACK analysis when the tree is shown; so the walk goes through every
 * level, and each node costs one table lookup. */
static void take_fields_below(proto_node *node, gpointer data)
{
    tcphs_segment *seg = (tcphs_segment *)data;
    field_info *fi = PNODE_FINFO(node);
    const source_field *src;

    if (fi && fi->hfinfo && (src = source_field_of(fi->hfinfo->id)) != NULL)
        take_field(seg, src, fi);
    if (node->first_child)
        proto_tree_children_foreach(node, take_fields_below, data);
}

/* Whether a short snaplen cut the payload: the frame lost bytes at its end,
 * where a segment's payload is.  (Zeek's reassembler skips such payload, and
 * tcphs's model of it must too.) */
static gboolean payload_truncated(const packet_info *pinfo, const tcphs_segment *seg)
{
    return seg->len > 0 && pinfo->fd->cap_len < pinfo->fd->pkt_len;
}

/* A TCP layer whose fixed header the snaplen cut: count it, and the frame
 * length that would have kept its 20 bytes.  Only a data source that lost
 * bytes counts; a header that is short in a complete frame (a malformed IP
 * length) is no snaplen's doing. */
static void note_cut_header(const field_info *fi)
{
    guint32 needed;

    if (tvb_captured_length(fi->ds_tvb) >= tvb_reported_length(fi->ds_tvb))
        return;
    cut_headers++;
    needed = (guint32)fi->start + TCPHS_TCP_MIN_HEADER;
    if (needed > cut_headers_snaplen)
        cut_headers_snaplen = needed;
}

/* The TCP header as captured, from where Wireshark's TCP dissector found it:
 * the layer item's data source and offset.  At most the 60 bytes a header
 * can have (RFC 9293, 3.1); tvb_captured_length_remaining() bounds the
 * read, so a short capture gives fewer bytes, never a wrong one. */
static tcphs_hdr_status read_header(const field_info *fi, tcphs_segment *seg)
{
    const guint8 *bytes = NULL;
    gint avail = 0;
    unsigned hdr_len;

    if (fi && fi->ds_tvb && fi->start >= 0)
        avail = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    if (avail > TCPHS_TCP_MAX_HEADER)
        avail = TCPHS_TCP_MAX_HEADER;
    if (avail > 0)
        bytes = tvb_get_ptr(fi->ds_tvb, fi->start, avail);
    return tcphs_read_tcp_header(bytes, avail > 0 ? (size_t)avail : 0, seg, &hdr_len);
}

/* The addresses of the IP layer item Wireshark made (IPv4 or IPv6), from
 * the header bytes it starts at. */
static void read_addresses(proto_node *ip_layer, tcphs_segment *seg)
{
    field_info *fi = PNODE_FINFO(ip_layer);
    unsigned version = fi->hfinfo->id == proto_ipv6 ? 6 : 4;
    size_t want = version == 6 ? 40 : 20;
    gint avail;

    if (!fi->ds_tvb || fi->start < 0)
        return;
    avail = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    if (avail < (gint)want)
        return;
    tcphs_read_ip_addresses(tvb_get_ptr(fi->ds_tvb, fi->start, (gint)want), want, version, seg);
}

/* What the frame's list of protocol layers (pinfo->layers, in the order
 * Wireshark dissected them) says about its TCP layers. */
typedef struct {
    guint tcp_layers;
    gboolean icmp;               /* an ICMP or ICMPv6 layer: its quoted header is a TCP layer too */
    gboolean ip_before_tcp;      /* an IP or IPv6 layer before the first TCP layer */
    gboolean ip_after_tcp;       /* ... and after it (a tunnel) */
} layer_summary;

static layer_summary summarise_layers(const packet_info *pinfo)
{
    layer_summary sum = { 0, FALSE, FALSE, FALSE };

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (id == proto_tcp)
            sum.tcp_layers++;
        else if (id == proto_icmp || id == proto_icmpv6)
            sum.icmp = TRUE;
        else if (id == proto_ip || id == proto_ipv6)
            *(sum.tcp_layers ? &sum.ip_after_tcp : &sum.ip_before_tcp) = TRUE;
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

static gboolean take_network_address(const address *from, tcphs_address *to)
{
    if (!((from->type == AT_IPv4 && from->len == 4) || (from->type == AT_IPv6 && from->len == 16)))
        return FALSE;
    memset(to, 0, sizeof(*to));
    to->family = from->type == AT_IPv4 ? 4 : 6;
    memcpy(to->bytes, from->data, (size_t)from->len);
    return TRUE;
}

/* The addresses of a TCP layer with no IP item before it in the tree (or
 * found without walking the tree): 4.6 fakes protocol items nobody asked
 * for, and asking for ip would cost every packet ~4,400 instructions
 * (README, Performance).  The packet's network
 * addresses when they are this layer's, else the IP header that ends where
 * the TCP header starts (a tunnel); else none, rather than another layer's. */
static void addresses_without_ip_item(const field_info *tcp_fi, const packet_info *pinfo, const layer_summary *layers,
                                      tcphs_segment *seg)
{
    tcphs_address src, dst;

    if (network_addresses_are_tcps(layers) && take_network_address(&pinfo->net_src, &src) &&
        take_network_address(&pinfo->net_dst, &dst) && src.family == dst.family) {
        seg->src.addr = src;
        seg->dst.addr = dst;
        seg->have |= TCPHS_HAVE_ADDRESSES;
        return;
    }
    if (tcp_fi && tcp_fi->ds_tvb && tcp_fi->start > 0)
        tcphs_read_ip_before(tvb_get_ptr(tcp_fi->ds_tvb, 0, tcp_fi->start), (size_t)tcp_fi->start, seg);
}

static void start_segment(const packet_info *pinfo, tcphs_segment *seg)
{
    memset(seg, 0, sizeof(*seg));
    seg->frame = pinfo->num;
    seg->time_ns = (gint64)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
}

/* The header of a TCP layer read from the bytes where `tcp_fi` (its layer
 * item, or its tcp.stream, which sits at the same offset) says it starts,
 * once Wireshark's own fields are in *seg.  FALSE when there is nothing to
 * analyse. */
static gboolean finish_segment(const field_info *tcp_fi, const packet_info *pinfo, tcphs_segment *seg)
{
    switch (read_header(tcp_fi, seg)) {
    case TCPHS_HDR_TOO_SHORT:
        /* No ports, sequence numbers or flags: no verdict, as without tcp.stream. */
        if (tcp_fi && tcp_fi->ds_tvb)
            note_cut_header(tcp_fi);
        return FALSE;
    case TCPHS_HDR_BAD_OFFSET:
    case TCPHS_HDR_OPTIONS_CUT:
        /* Wireshark stops in the options and adds no SEQ/ACK analysis, so
         * its marks (keep-alive, retransmission) are missing, not absent.
         * A SYN or SYN-ACK is judged without them (tcphs tells its own
         * retransmissions by the ISN), its options unknown; any other
         * segment would be judged wrongly, so it gets no verdict. */
        if (!(seg->flags & TCPHS_SYN))
            return FALSE;
        break;
    case TCPHS_HDR_COMPLETE:
        break;
    }
    if (payload_truncated(pinfo, seg))
        seg->have |= TCPHS_PAYLOAD_TRUNCATED;
    return TRUE;
}

/* The segment facts of one TCP layer met in the tree: the IP addresses are
 * the last IP layer's before it; tcp.stream, tcp.len and the analysis marks
 * are Wireshark's, in the TCP layer; the header is read from the bytes.
 * FALSE when there is nothing to analyse. */
static gboolean read_layer(proto_node *tcp_layer, proto_node *ip_layer, const packet_info *pinfo,
                           const layer_summary *layers, tcphs_segment *seg)
{
    field_info *fi = PNODE_FINFO(tcp_layer);

    start_segment(pinfo, seg);
    if (ip_layer)
        read_addresses(ip_layer, seg);
    else
        addresses_without_ip_item(fi, pinfo, layers, seg);
    proto_tree_children_foreach(tcp_layer, take_fields_below, seg);
    return finish_segment(fi, pinfo, seg);
}

/* ---- first pass: classify and store --------------------------------------- */

/* Connections must stay whole while a tap listens: it keeps pointers to
 * them until the end of the run (store.h). */
static tcphs_keep keep_for_taps(void)
{
    return have_tap_listener(tcphs_tap) ? TCPHS_KEEP_WHOLE : TCPHS_KEEP_PACKED;
}

static const tcphs_record *stored_record(packet_info *pinfo, guint layer)
{
    if (layer == 0)
        return store ? tcphs_store_record(store, pinfo->num, keep_for_taps()) : NULL;
    return (const tcphs_record *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcphs, layer);
}

typedef struct {
    packet_info *pinfo;
    layer_summary layers;
    proto_node *ip_layer;        /* the last IP / IPv6 layer met so far */
    guint count;                 /* TCP layers analysed */
} frame_walk;

/* Keep the segment of the frame's next TCP layer (the first in the frame's
 * slot of the store, the others with the frame). */
static void keep_segment(frame_walk *walk, const tcphs_segment *seg)
{
    const tcphs_record *rec;

    if (walk->count >= MAX_TCP_LAYERS || !store)
        return;
    /* NULL for a segment without TCPHS_HAVE_REQUIRED (truncated, a fragment,
     * or malformed): no verdict rather than a wrong one. */
    rec = tcphs_store_update(store, seg, walk->count == 0, keep_for_taps());
    if (!rec)
        return;
    if (walk->count > 0)
        p_add_proto_data(wmem_file_scope(), walk->pinfo, proto_tcphs, walk->count,
                         wmem_memdup(wmem_file_scope(), rec, sizeof(*rec)));
    walk->count++;
}

static void analyse_tcp_layer(frame_walk *walk, proto_node *tcp_layer)
{
    tcphs_segment seg;

    if (read_layer(tcp_layer, walk->ip_layer, walk->pinfo, &walk->layers, &seg))
        keep_segment(walk, &seg);
}

/* Find the TCP layers of a frame in order.  Most encapsulations put every
 * layer at the top of the tree, some (e.g. Cisco FabricPath) nest the inner
 * ones; the walk goes down protocol by protocol.  It never enters an ICMP or
 * ICMPv6 layer: a TCP header quoted in an error message is not a segment of
 * the connection (Wireshark gives it no tcp.len either). */
static void find_tcp_layers(proto_node *node, gpointer data)
{
    frame_walk *walk = (frame_walk *)data;
    field_info *fi = PNODE_FINFO(node);
    int id;

    if (!fi || !fi->hfinfo || fi->hfinfo->type != FT_PROTOCOL)
        return;
    id = fi->hfinfo->id;
    if (id == proto_tcp) {
        analyse_tcp_layer(walk, node);
        return;
    }
    if (id == proto_icmp || id == proto_icmpv6)
        return;
    if (id == proto_ip || id == proto_ipv6)
        walk->ip_layer = node;
    if (node->first_child)
        proto_tree_children_foreach(node, find_tcp_layers, data);
}

/* The common frame: one TCP layer and no ICMP (whose quoted header would be
 * a second).  Every tcp.stream, tcp.len and analysis mark in it is then that
 * layer's, and Wireshark keeps a list of each field tcphs asked for (its
 * tree's interesting_hfids, one entry per field present): no walk through
 * the tree, whose TCP item holds ~60 empty nodes on 4.6 (~1,500
 * instructions a packet to walk), and no lookup for the marks a packet
 * does not have.  FALSE, having done nothing, for any other frame. */
static gboolean analyse_only_tcp_layer(frame_walk *walk, proto_tree *tree)
{
    GHashTable *present = tree ? PTREE_DATA(tree)->interesting_hfids : NULL;
    GHashTableIter it;
    gpointer hf, fields;
    field_info *stream = NULL;
    tcphs_segment seg;

    if (walk->layers.tcp_layers != 1 || walk->layers.icmp || !present)
        return FALSE;
    start_segment(walk->pinfo, &seg);
    g_hash_table_iter_init(&it, present);
    while (g_hash_table_iter_next(&it, &hf, &fields)) {
        const source_field *src = source_field_of(GPOINTER_TO_INT(hf));
        GPtrArray *found = (GPtrArray *)fields;

        if (!src || !found)
            continue;
        if (src->kind == SRC_STREAM) {
            if (found->len != 1)
                return FALSE;
            stream = (field_info *)g_ptr_array_index(found, 0);
        }
        for (guint k = 0; k < found->len; k++)
            take_field(&seg, src, (field_info *)g_ptr_array_index(found, k));
    }
    if (!stream)
        return FALSE;   /* its header was cut before tcp.stream: the walk counts it */
    addresses_without_ip_item(stream, walk->pinfo, &walk->layers, &seg);
    if (finish_segment(stream, walk->pinfo, &seg))
        keep_segment(walk, &seg);
    return TRUE;
}

static void analyse_frame(packet_info *pinfo, proto_tree *tree)
{
    frame_walk walk;

    walk.pinfo = pinfo;
    walk.layers = summarise_layers(pinfo);
    walk.ip_layer = NULL;
    walk.count = 0;
    if (!analyse_only_tcp_layer(&walk, tree))
        proto_tree_children_foreach(tree, find_tcp_layers, &walk);
}

/* ---- every pass: show ------------------------------------------------------- */

/* Where generated items go: a subtree, and the frame's tvb they point into
 * (zero-length: they describe the segment, not bytes of it). */
typedef struct {
    proto_tree *tree;
    tvbuff_t *tvb;
} out_tree;

static nstime_t ns_to_nstime(gint64 ns)
{
    nstime_t t;

    t.secs = (time_t)(ns / 1000000000);
    t.nsecs = (int)(ns % 1000000000);
    return t;
}

static proto_item *add_generated(proto_item *item)
{
    proto_item_set_generated(item);
    return item;
}

static proto_item *add_string(const out_tree *out, int hf, const char *value)
{
    return add_generated(proto_tree_add_string(out->tree, hf, out->tvb, 0, 0, value));
}

static void add_boolean(const out_tree *out, int hf, gboolean value)
{
    add_generated(proto_tree_add_boolean(out->tree, hf, out->tvb, 0, 0, value));
}

static void add_uint(const out_tree *out, int hf, guint32 value)
{
    add_generated(proto_tree_add_uint(out->tree, hf, out->tvb, 0, 0, value));
}

static void add_uint64(const out_tree *out, int hf, guint64 value)
{
    add_generated(proto_tree_add_uint64(out->tree, hf, out->tvb, 0, 0, value));
}

static proto_item *add_time(const out_tree *out, int hf, gint64 ns)
{
    nstime_t t = ns_to_nstime(ns);

    return add_generated(proto_tree_add_time(out->tree, hf, out->tvb, 0, 0, &t));
}

static void add_double(const out_tree *out, int hf, double value)
{
    add_generated(proto_tree_add_double(out->tree, hf, out->tvb, 0, 0, value));
}

/* tcphs.client and tcphs.server. */
static void add_endpoints(const out_tree *out, const tcphs_conn *conn)
{
    const char *client, *server;

    if (!proto_field_is_referenced(out->tree, hf_tcphs_client) &&
        !proto_field_is_referenced(out->tree, hf_tcphs_server))
        return;
    tcphs_store_endpoint_texts(store, conn, &client, &server);
    add_string(out, hf_tcphs_client, client);
    add_string(out, hf_tcphs_server, server);
}

static void add_note(const out_tree *out, const tcphs_record *rec)
{
    char note[TCPHS_NOTE_MAX];
    const char *client, *server;

    if (!tcphs_show_notes || !proto_field_is_referenced(out->tree, hf_tcphs_note))
        return;
    tcphs_store_endpoint_texts(store, rec->conn, &client, &server);
    tcphs_note(note, sizeof(note), rec, client, server);
    add_string(out, hf_tcphs_note, note);
}

static void add_handshake_timing(const out_tree *out, const tcphs_conn *conn)
{
    gint64 ns;

    if (tcphs_conn_irtt(conn, &ns))
        add_time(out, hf_tcphs_hs_irtt, ns);
    if (tcphs_conn_syn_to_synack(conn, &ns))
        add_time(out, hf_tcphs_hs_syn_to_synack, ns);
    if (tcphs_conn_synack_to_ack(conn, &ns))
        add_time(out, hf_tcphs_hs_synack_to_ack, ns);
}

/* What each side offered is shown as soon as its SYN (or SYN-ACK) was
 * seen: mss_client, mss_server, wscale_client, wscale_server.  What the
 * connection uses is a verdict on the pair, so every negotiated option
 * (mss_effective, wscale, sack, timestamps, ecn, tfo, ecn_mode) is shown only once
 * both the SYN and the SYN-ACK were seen, and then all of them: an
 * unanswered SYN has negotiated nothing, Fast Open included. */
static void add_options(const out_tree *out, const tcphs_conn *conn)
{
    const tcphs_offer *client = &conn->offer[TCPHS_SIDE_CLIENT];
    const tcphs_offer *server = &conn->offer[TCPHS_SIDE_SERVER];

    if (client->offered & TCPHS_OFFER_MSS)
        add_uint(out, hf_tcphs_opt_mss_client, client->mss);
    if (server->offered & TCPHS_OFFER_MSS)
        add_uint(out, hf_tcphs_opt_mss_server, server->mss);
    if (client->offered & TCPHS_OFFER_WSCALE)
        add_uint(out, hf_tcphs_opt_wscale_client, client->wscale);
    if (server->offered & TCPHS_OFFER_WSCALE)
        add_uint(out, hf_tcphs_opt_wscale_server, server->wscale);
    if (!tcphs_conn_options_known(conn))
        return;
    add_uint(out, hf_tcphs_opt_mss_effective, tcphs_conn_mss_effective(conn));
    add_boolean(out, hf_tcphs_opt_wscale, tcphs_conn_negotiated(conn, TCPHS_OFFER_WSCALE));
    add_boolean(out, hf_tcphs_opt_sack, tcphs_conn_negotiated(conn, TCPHS_OFFER_SACK));
    add_boolean(out, hf_tcphs_opt_timestamps, tcphs_conn_negotiated(conn, TCPHS_OFFER_TIMESTAMPS));
    add_boolean(out, hf_tcphs_opt_ecn, tcphs_conn_negotiated(conn, TCPHS_OFFER_ECN));
    add_boolean(out, hf_tcphs_opt_tfo, tcphs_conn_negotiated(conn, TCPHS_OFFER_TFO));
    add_string(out, hf_tcphs_opt_ecn_mode, tcphs_ecn_mode_name(tcphs_conn_ecn_mode(conn)));
}

static void add_counters(const out_tree *out, const tcphs_conn *conn)
{
    const tcphs_side_state *client = &conn->side[TCPHS_SIDE_CLIENT];
    const tcphs_side_state *server = &conn->side[TCPHS_SIDE_SERVER];

    add_uint(out, hf_tcphs_packets_client, client->packets);
    add_uint(out, hf_tcphs_packets_server, server->packets);
    add_uint64(out, hf_tcphs_bytes_client, client->bytes);
    add_uint64(out, hf_tcphs_bytes_server, server->bytes);
    add_time(out, hf_tcphs_duration, conn->last_ns - conn->first_ns);
}

/* A named group of the Connection subtree (Handshake, Options, ...): a
 * named item, so that JSON and EK nest its fields under a stable key.  The
 * caller makes the item with proto_tree_add_none_format(), which formats
 * the label only when the item is real (a shown tree, or a filter, column
 * or -e that names the group); this marks it and opens its subtree. */
static out_tree open_group(const out_tree *parent, proto_item *ti, gint ett)
{
    out_tree group = { NULL, parent->tvb };

    add_generated(ti);
    group.tree = proto_item_add_subtree(ti, ett);
    return group;
}

static void add_handshake_group(const out_tree *parent, const tcphs_conn *conn)
{
    const char *verdict = tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn));
    out_tree out = open_group(parent, proto_tree_add_none_format(parent->tree, hf_tcphs_group_handshake, parent->tvb,
                                                                 0, 0, "Handshake: %s", verdict),
                              ett_tcphs_handshake);

    add_string(&out, hf_tcphs_hs_state, verdict);
    if (conn->side[TCPHS_SIDE_CLIENT].isn_known && !conn->side[TCPHS_SIDE_CLIENT].isn_derived)
        add_uint(&out, hf_tcphs_hs_syn_retransmissions, conn->syn_retransmissions);
    add_handshake_timing(&out, conn);
}

/* The close, with where each endpoint ended (RFC 9293 state after the
 * last segment read so far). */
static void add_close_group(const out_tree *parent, const tcphs_conn *conn)
{
    const char *initiator = tcphs_close_initiator_name(tcphs_conn_close_initiator(conn));
    const char *kind = tcphs_close_kind_name(tcphs_conn_close_kind(conn));
    proto_item *ti = proto_tree_add_none_format(parent->tree, hf_tcphs_group_close, parent->tvb, 0, 0,
                                                "Close: by %s, %s; client ends %s, server ends %s", initiator, kind,
                                                tcphs_state_name((tcphs_state)conn->endpoints.tcb[0].state),
                                                tcphs_state_name((tcphs_state)conn->endpoints.tcb[1].state));
    out_tree out = open_group(parent, ti, ett_tcphs_close);

    add_string(&out, hf_tcphs_close_initiator, initiator);
    add_string(&out, hf_tcphs_close_kind, kind);
}

/* tcphs.conn.throughput_*: acknowledged payload / (first payload segment ->
 * first ACK of the last acknowledged payload byte). */
static void add_throughputs(const out_tree *out, const tcphs_conn *conn)
{
    double bps;

    if (tcphs_conn_throughput(conn, TCPHS_SIDE_CLIENT, &bps))
        add_double(out, hf_tcphs_throughput_client, bps);
    if (tcphs_conn_throughput(conn, TCPHS_SIDE_SERVER, &bps))
        add_double(out, hf_tcphs_throughput_server, bps);
}

static void add_counters_group(const out_tree *parent, const tcphs_conn *conn)
{
    proto_item *ti = proto_tree_add_none_format(parent->tree, hf_tcphs_group_counters, parent->tvb, 0, 0,
                                                "Counters: %u + %u segments, %" G_GUINT64_FORMAT " + %"
                                                G_GUINT64_FORMAT " payload bytes (client + server)",
                                                conn->side[0].packets, conn->side[1].packets,
                                                conn->side[0].bytes, conn->side[1].bytes);
    out_tree out = open_group(parent, ti, ett_tcphs_counters);

    add_counters(&out, conn);
    add_throughputs(&out, conn);
}

/* tcphs.frame.*: FT_FRAMENUM, so the GUI jumps to the frame and marks it
 * in the packet list. */
static void add_links_group(const out_tree *parent, const tcphs_conn *conn)
{
    out_tree out = open_group(parent, proto_tree_add_none_format(parent->tree, hf_tcphs_group_links, parent->tvb,
                                                                 0, 0, "Links"),
                              ett_tcphs_links);

    for (int i = 0; i < TCPHS_LINK_COUNT; i++) {
        if (conn->links.frame[i])
            add_uint(&out, hf_tcphs_link[i], conn->links.frame[i]);
    }
}

/* tcphs.conn_state keeps Zeek's code; its label says what the code means. */
static void add_conn_state(const out_tree *out, const char *code)
{
    const char *meaning = tcphs_zeek_conn_state_description(code);

    if (meaning)
        add_generated(proto_tree_add_string_format_value(out->tree, hf_tcphs_conn_state, out->tvb, 0, 0, code,
                                                         "%s (%s)", code, meaning));
    else
        add_string(out, hf_tcphs_conn_state, code);
}

/* The RFC 6298 arithmetic behind an RTT item, in its label. */
static void add_arithmetic(const out_tree *out, int hf, proto_item *item, const tcphs_xfer *x, gint64 rel_ns,
                           tcphs_note_part part)
{
    char text[192];

    /* The label is read only from a shown tree (or an item a filter, column
     * or -e names): do not compute it for a faked item. */
    if (!tcphs_show_notes || !proto_field_is_referenced(out->tree, hf))
        return;
    tcphs_xfer_note_part(text, sizeof(text), x, rel_ns, part);
    if (text[0])
        proto_item_append_text(item, " [%s]", text);
}

/* The data-transfer fields of a segment.  acked_in, the RTT and what
 * follows from it come from a later ACK: final in two-pass tshark and the
 * GUI, absent in one-pass tshark (the ACK has not been read yet). */
static void add_transfer(const out_tree *out, packet_info *pinfo, const tcphs_record *rec)
{
    const tcphs_xfer *x = tcphs_record_xfer(rec);
    gint64 rel_ns = (gint64)pinfo->rel_ts.secs * 1000000000 + pinfo->rel_ts.nsecs;
    tcphs_rtt_estimate est;
    uint32_t window;
    proto_item *item;

    if (x && (x->flags & TCPHS_XFER_ACKED))
        add_uint(out, hf_tcphs_acked_in, x->acked_in);
    if (x && (x->flags & TCPHS_XFER_RTT))
        add_arithmetic(out, hf_tcphs_rtt, add_time(out, hf_tcphs_rtt, x->ack_delay_ns), x, rel_ns, TCPHS_NOTE_SAMPLE);
    if (tcphs_xfer_estimate(x, &est)) {
        add_arithmetic(out, hf_tcphs_rtt_estimated, add_time(out, hf_tcphs_rtt_estimated, est.srtt_ns), x, rel_ns, TCPHS_NOTE_SRTT);
        add_arithmetic(out, hf_tcphs_rtt_deviation, add_time(out, hf_tcphs_rtt_deviation, est.rttvar_ns), x, rel_ns, TCPHS_NOTE_RTTVAR);
        add_arithmetic(out, hf_tcphs_rtt_rto, add_time(out, hf_tcphs_rtt_rto, tcphs_rto(&est)), x, rel_ns, TCPHS_NOTE_RTO);
    }
    if (tcphs_record_window_bytes(rec, &window)) {
        item = add_generated(proto_tree_add_uint(out->tree, hf_tcphs_window_bytes, out->tvb, 0, 0, window));
        if (rec->flags & TCPHS_SYN)
            proto_item_append_text(item, " (never scaled on SYN, RFC 7323 2.2)");
        else if (rec->wscale & TCPHS_WSCALE_CLAMPED)
            proto_item_append_text(item, " (%u \u00d7 2^14: the offered shift is above 14, used as 14, RFC 7323 2.3)",
                                   rec->window);
        else
            proto_item_append_text(item, " (%u \u00d7 2^%u)", rec->window, rec->wscale & TCPHS_WSCALE_SHIFT_MASK);
    }
    if (rec->acks_segments)
        add_uint(out, hf_tcphs_acks_segments, rec->acks_segments);
}

/* The fields of the Connection subtree (add_connection()). */
static int *const connection_fields[] = {
    &hf_tcphs_connection, &hf_tcphs_conn_state, &hf_tcphs_history,
    &hf_tcphs_group_handshake, &hf_tcphs_hs_state, &hf_tcphs_hs_syn_retransmissions, &hf_tcphs_hs_irtt,
    &hf_tcphs_hs_syn_to_synack, &hf_tcphs_hs_synack_to_ack,
    &hf_tcphs_group_options, &hf_tcphs_opt_mss_client, &hf_tcphs_opt_mss_server, &hf_tcphs_opt_mss_effective,
    &hf_tcphs_opt_wscale_client, &hf_tcphs_opt_wscale_server, &hf_tcphs_opt_wscale, &hf_tcphs_opt_sack,
    &hf_tcphs_opt_timestamps, &hf_tcphs_opt_ecn, &hf_tcphs_opt_tfo, &hf_tcphs_opt_ecn_mode,
    &hf_tcphs_group_close, &hf_tcphs_close_initiator, &hf_tcphs_close_kind,
    &hf_tcphs_group_counters, &hf_tcphs_packets_client, &hf_tcphs_packets_server,
    &hf_tcphs_bytes_client, &hf_tcphs_bytes_server, &hf_tcphs_duration,
    &hf_tcphs_throughput_client, &hf_tcphs_throughput_server,
    &hf_tcphs_group_links,
    &hf_tcphs_link[0], &hf_tcphs_link[1], &hf_tcphs_link[2], &hf_tcphs_link[3],
    &hf_tcphs_link[4], &hf_tcphs_link[5], &hf_tcphs_link[6],
};

/* Whether anyone reads the Connection subtree: a shown tree, or one of its
 * fields in a filter, column or -e.  Otherwise its ~35 items would all be
 * faked, and the verdicts and labels computed for nothing (-T fields with
 * tcphs.phase on Wireshark 4.2 and later, a -Y filter on tcphs.event). */
static gboolean connection_referenced(proto_tree *tree)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(hf_tcphs_link) == 7);

    for (size_t i = 0; i < G_N_ELEMENTS(connection_fields); i++) {
        if (proto_field_is_referenced(tree, *connection_fields[i]))
            return TRUE;
    }
    return FALSE;
}

/* Connection verdicts: final in two-pass tshark and the GUI, the state so
 * far in one-pass tshark (like tcp.completeness).  The label carries the
 * verdict; the fields are grouped below it. */
static proto_item *add_connection(const out_tree *parent, const tcphs_record *rec)
{
    const tcphs_conn *conn = rec->conn;
    const char *conn_state = tcphs_zeek_conn_state(&conn->zeek);
    const char *meaning = tcphs_zeek_conn_state_description(conn_state);
    out_tree out = { NULL, parent->tvb };
    out_tree options;
    proto_item *ti;

    /* A named item rather than a text label: JSON and EK output then nest the
     * verdicts under a stable key (tcphs.connection_tree). */
    ti = proto_tree_add_none_format(parent->tree, hf_tcphs_connection, parent->tvb, 0, 0,
                                    "Connection: handshake %s, %s%s%s%s",
                                    tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn)), conn_state,
                                    meaning ? " (" : "", meaning ? meaning : "", meaning ? ")" : "");
    add_generated(ti);
    out.tree = proto_item_add_subtree(ti, ett_tcphs_connection);
    add_conn_state(&out, conn_state);
    add_string(&out, hf_tcphs_history, tcphs_zeek_history(&conn->zeek));
    add_handshake_group(&out, conn);
    options = open_group(&out, proto_tree_add_none_format(out.tree, hf_tcphs_group_options, out.tvb, 0, 0, "Options"),
                         ett_tcphs_options);
    add_options(&options, conn);
    add_close_group(&out, conn);
    add_counters_group(&out, conn);
    add_links_group(&out, conn);
    return ti;
}

/* tcphs.state.client / tcphs.state.server, labelled with the change this
 * segment made, e.g. "Client state: FIN-WAIT-1 → FIN-WAIT-2". */
static void add_state(const out_tree *out, int hf, const tcphs_record *rec, tcphs_side side)
{
    tcphs_state before = tcphs_state_of(rec->states_before, side);
    tcphs_state after = tcphs_state_of(rec->states, side);
    const char *word = tcphs_state_name(after);

    if (before == after)
        add_string(out, hf, word);
    else
        add_generated(proto_tree_add_string_format_value(out->tree, hf, out->tvb, 0, 0, word,
                                                         "%s " TCPHS_ARROW " %s",
                                                         tcphs_state_name(before), word));
}

/* ---- expert infos ------------------------------------------------------------ */

/* The message of an expert info that names values of its segment. */
typedef void (*expert_message)(char *buf, size_t size, const tcphs_record *rec);

static void message_synack_bad_ack(char *buf, size_t size, const tcphs_record *rec)
{
    g_snprintf(buf, (gulong)size, "SYN-ACK acknowledges %u, expected client ISN + 1 = %u",
               rec->ack, rec->isn_client + 1);
}

static void message_hs_ack_bad_ack(char *buf, size_t size, const tcphs_record *rec)
{
    g_snprintf(buf, (gulong)size, "Handshake ACK acknowledges %u, expected server ISN + 1 = %u",
               rec->ack, rec->isn_server + 1);
}

static void message_syn_retransmitted(char *buf, size_t size, const tcphs_record *rec)
{
    g_snprintf(buf, (gulong)size, "SYN retransmitted (%u)", rec->retransmission);
}

/* Anomaly bit -> expert info, one row each, in the manner of Suricata's
 * decode-events table: a new anomaly is one row here and one in ei[].
 * message NULL: the expert info's registered summary. */
static const struct {
    guint16 anomaly;            /* TCPHS_ANOMALY_* */
    expert_field *ei;
    expert_message message;
} anomaly_experts[] = {
    { TCPHS_ANOMALY_SYNACK_BAD_ACK,    &ei_tcphs_synack_bad_ack,        message_synack_bad_ack },
    { TCPHS_ANOMALY_HS_ACK_BAD_ACK,    &ei_tcphs_hs_ack_bad_ack,        message_hs_ack_bad_ack },
    { TCPHS_ANOMALY_SYN_RETRANSMITTED, &ei_tcphs_syn_retransmitted,     message_syn_retransmitted },
    { TCPHS_ANOMALY_REFUSED,           &ei_tcphs_refused,               NULL },
    { TCPHS_ANOMALY_ABORTED,           &ei_tcphs_aborted,               NULL },
    { TCPHS_ANOMALY_SIMULTANEOUS_OPEN, &ei_tcphs_simultaneous_open,     NULL },
    { TCPHS_ANOMALY_MIDSTREAM_START,   &ei_tcphs_midstream,             NULL },
    { TCPHS_ANOMALY_DATA_BEFORE_HS,    &ei_tcphs_data_before_handshake, NULL },
    { TCPHS_ANOMALY_RST_AFTER_DATA,    &ei_tcphs_rst_after_data,        NULL },
    { TCPHS_ANOMALY_FIN_AFTER_RST,     &ei_tcphs_fin_after_rst,         NULL },
    { TCPHS_ANOMALY_DATA_AFTER_RST,    &ei_tcphs_data_after_rst,        NULL },
};

/* Longest expert message, NUL included. */
#define EXPERT_MESSAGE_MAX 96

/* Expert infos of a record: on the segment's tcphs item (and the
 * connection item) when they are shown, else on no item, so that the Expert
 * Information dialog, which re-reads packets without a tree, and
 * _ws.expert filters still see them. */
static void add_experts(packet_info *pinfo, proto_item *ti, proto_item *connection, const tcphs_record *rec)
{
    char message[EXPERT_MESSAGE_MAX];

    /* An unanswered SYN is a verdict on the whole capture: say so only once
     * it has all been read, or one-pass tshark would flag every SYN. */
    if (rec->event == TCPHS_EVENT_SYN && PINFO_FD_VISITED(pinfo) &&
        tcphs_conn_hs_verdict(rec->conn) == TCPHS_HS_UNANSWERED)
        expert_add_info(pinfo, connection, &ei_tcphs_syn_unanswered);

    for (size_t i = 0; i < G_N_ELEMENTS(anomaly_experts); i++) {
        if (!(rec->anomalies & anomaly_experts[i].anomaly))
            continue;
        if (anomaly_experts[i].message) {
            anomaly_experts[i].message(message, sizeof(message), rec);
            expert_add_info_format(pinfo, ti, anomaly_experts[i].ei, "%s", message);
        } else {
            expert_add_info(pinfo, ti, anomaly_experts[i].ei);
        }
    }
}

static void show_record(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const tcphs_record *rec)
{
    const tcphs_conn *conn = rec->conn;
    out_tree out = { NULL, tvb };
    proto_item *ti;

    ti = proto_tree_add_protocol_format(tree, proto_tcphs, tvb, 0, 0, "Handshake Analysis: %s, %s from %s",
                                        tcphs_phase_name(rec->phase), tcphs_event_name(rec->event),
                                        tcphs_side_name(rec->from));
    out.tree = proto_item_add_subtree(ti, ett_tcphs);
    add_string(&out, hf_tcphs_phase, tcphs_phase_name(rec->phase));
    add_string(&out, hf_tcphs_event, tcphs_event_name(rec->event));
    add_string(&out, hf_tcphs_from, tcphs_side_name(rec->from));
    if (rec->known & TCPHS_KNOWN_ROLE_GUESSED)
        add_boolean(&out, hf_tcphs_role_guessed, TRUE);
    if (rec->step)
        add_uint(&out, hf_tcphs_hs_step, rec->step);
    add_endpoints(&out, conn);
    if (rec->known & TCPHS_KNOWN_ISN_CLIENT) {
        add_uint(&out, hf_tcphs_isn_client, rec->isn_client);
        if (rec->known & TCPHS_KNOWN_ISN_CLIENT_DERIVED)
            add_boolean(&out, hf_tcphs_isn_client_derived, TRUE);
    }
    if (rec->known & TCPHS_KNOWN_ISN_SERVER)
        add_uint(&out, hf_tcphs_isn_server, rec->isn_server);
    if (rec->known & TCPHS_KNOWN_ACK_CHECK)
        add_boolean(&out, hf_tcphs_ack_check, rec->ack_ok);
    add_state(&out, hf_tcphs_state_client, rec, TCPHS_SIDE_CLIENT);
    add_state(&out, hf_tcphs_state_server, rec, TCPHS_SIDE_SERVER);
    add_note(&out, rec);
    add_transfer(&out, pinfo, rec);
    /* The anomalies before the long Connection subtree, where a reader sees them. */
    add_experts(pinfo, ti, ti, rec);
    if (connection_referenced(out.tree))
        add_connection(&out, rec);
}

static int dissect_tcphs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const tcphs_record *rec;
    gboolean shown;
    guint layer;

    /* The connection logic runs once per frame, in capture order; later
     * passes (two-pass tshark, the GUI in any order) only read its result. */
    if (!PINFO_FD_VISITED(pinfo) && tree && !stored_record(pinfo, 0))
        analyse_frame(pinfo, tree);
    /* Building the tree costs more than the analysis: skip it when no one
     * looks at tcphs (a tree that is not shown, with no tcphs field in a
     * filter, column or -e). */
    shown = tree && proto_field_is_referenced(tree, proto_tcphs);
    for (layer = 0; (rec = stored_record(pinfo, layer)) != NULL; layer++) {
        if (shown)
            show_record(tree, tvb, pinfo, rec);
        else
            add_experts(pinfo, NULL, NULL, rec);
        tap_queue_packet(tcphs_tap, pinfo, rec);
    }
    return layer ? tvb_captured_length(tvb) : 0;
}

/* ---- registration ---------------------------------------------------------- */

static void want_field(GArray *wanted, int hf)
{
    if (hf > 0)
        g_array_append_val(wanted, hf);
}

/* Ask for the TCP fields only while tcphs is enabled, as transum does, so
 * that --disable-protocol tcphs leaves tshark's work exactly as without it.
 * Every field asked for costs each packet that carries it, so the list is
 * short (see README, Performance). */
static void tcphs_init(void)
{
    GArray *wanted;
    /* tcp.checksum.status only says something when the user made the TCP
     * dissector verify checksums (Edit > Preferences > TCP, or
     * -o tcp.check_checksum:TRUE); otherwise asking for it costs every packet. */
    gboolean checksums = tcphs_bool_pref("tcp", "check_checksum");

    tcphs_store_free(store);    /* normally done by tcphs_cleanup() */
    store = tcphs_store_new();
    cut_headers = 0;
    cut_headers_snaplen = 0;
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_tcphs)))
        return;
    wanted = g_array_sized_new(FALSE, FALSE, (guint)sizeof(int), (guint)G_N_ELEMENTS(source_fields) + 5);
    for (size_t i = 0; i < G_N_ELEMENTS(source_fields); i++) {
        if (source_fields[i].kind != SRC_CHECKSUM_STATUS || checksums)
            want_field(wanted, source_fields[i].hf);
    }
    /* The protocol items tcphs walks through (and the ICMP ones it must not
     * enter) are in the tree by themselves, except where a version fakes
     * top-level protocols nobody asked for.  There, the IP items are not
     * asked for: each would cost every packet (README, Performance), and
     * the addresses have another source (addresses_without_ip_item()). */
    if (TCPHS_WS_FAKES_UNWANTED_PROTOCOLS) {
        want_field(wanted, proto_tcp);
        want_field(wanted, proto_icmp);
        want_field(wanted, proto_icmpv6);
    }
    set_postdissector_wanted_hfids(tcphs_handle, wanted);
}


static void tcphs_cleanup(void)
{
    set_postdissector_wanted_hfids(tcphs_handle, NULL);
    tcphs_store_free(store);
    store = NULL;
}

void proto_register_tcphs(void)
{
    static hf_register_info hf[] = {
        { &hf_tcphs_phase,
          { "Phase", "tcphs.phase", FT_STRING, BASE_NONE, NULL, 0x0,
            "Part of the connection's life: handshake, data, teardown or reset", HFILL } },
        { &hf_tcphs_event,
          { "Event", "tcphs.event", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the segment does (syn, syn-ack, handshake-ack, data, ack, keep-alive, fin, rst, ...)", HFILL } },
        { &hf_tcphs_from,
          { "From", "tcphs.from", FT_STRING, BASE_NONE, NULL, 0x0,
            "Role of the sender: client or server", HFILL } },
        { &hf_tcphs_role_guessed,
          { "Roles guessed", "tcphs.role_guessed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "No SYN or SYN-ACK was captured: client and server were guessed from the first segment and the ports", HFILL } },
        { &hf_tcphs_hs_step,
          { "Handshake step", "tcphs.handshake.step", FT_UINT8, BASE_DEC, NULL, 0x0,
            "1 = SYN, 2 = SYN-ACK, 3 = the ACK that completes the handshake", HFILL } },
        { &hf_tcphs_client,
          { "Client", "tcphs.client", FT_STRING, BASE_NONE, NULL, 0x0,
            "Address and port of the side that opened the connection", HFILL } },
        { &hf_tcphs_server,
          { "Server", "tcphs.server", FT_STRING, BASE_NONE, NULL, 0x0,
            "Address and port of the side that accepted the connection", HFILL } },
        { &hf_tcphs_isn_client,
          { "Initial Sequence Number (client)", "tcphs.isn_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The client's raw ISN, from its SYN (or the SYN-ACK's ack - 1)", HFILL } },
        { &hf_tcphs_isn_client_derived,
          { "Client ISN derived", "tcphs.isn_client.derived", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The SYN was not captured: the client's ISN is the SYN-ACK's ack - 1", HFILL } },
        { &hf_tcphs_isn_server,
          { "Initial Sequence Number (server)", "tcphs.isn_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The server's raw ISN, from its SYN-ACK", HFILL } },
        { &hf_tcphs_ack_check,
          { "ACK check", "tcphs.ack_check", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The SYN-ACK acknowledges client ISN + 1, or the handshake ACK server ISN + 1", HFILL } },
        { &hf_tcphs_note,
          { "Note", "tcphs.note", FT_STRING, BASE_NONE, NULL, 0x0,
            "What this segment does, in one sentence with the sequence arithmetic", HFILL } },
        { &hf_tcphs_state_client,
          { "Client state", "tcphs.state.client", FT_STRING, BASE_NONE, NULL, 0x0,
            "The client's RFC 9293 state once this segment has been sent and delivered "
            "(LISTEN, SYN-SENT, ..., TIME-WAIT, CLOSED, or unknown)", HFILL } },
        { &hf_tcphs_state_server,
          { "Server state", "tcphs.state.server", FT_STRING, BASE_NONE, NULL, 0x0,
            "The server's RFC 9293 state once this segment has been sent and delivered "
            "(LISTEN, SYN-SENT, ..., TIME-WAIT, CLOSED, or unknown)", HFILL } },
        { &hf_tcphs_connection,
          { "Connection", "tcphs.connection", FT_NONE, BASE_NONE, NULL, 0x0,
            "Verdicts about the whole TCP stream (final in two-pass tshark and the GUI)", HFILL } },
        { &hf_tcphs_hs_state,
          { "Handshake state", "tcphs.handshake.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "complete, unanswered, refused, aborted, invalid, simultaneous-open, incomplete or not-seen", HFILL } },
        { &hf_tcphs_hs_syn_retransmissions,
          { "SYN retransmissions", "tcphs.handshake.syn_retransmissions", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How many times the client sent its SYN again", HFILL } },
        { &hf_tcphs_hs_irtt,
          { "Initial RTT", "tcphs.handshake.irtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the last SYN to the handshake ACK (as tcp.analysis.initial_rtt)", HFILL } },
        { &hf_tcphs_hs_syn_to_synack,
          { "SYN to SYN-ACK", "tcphs.handshake.syn_to_synack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the last SYN to the SYN-ACK (the server-side leg of the iRTT as seen here)", HFILL } },
        { &hf_tcphs_hs_synack_to_ack,
          { "SYN-ACK to ACK", "tcphs.handshake.synack_to_ack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the SYN-ACK to the handshake ACK (the client-side leg of the iRTT as seen here)", HFILL } },
        { &hf_tcphs_opt_mss_client,
          { "MSS (client)", "tcphs.opt.mss_client", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Maximum segment size offered in the client's SYN", HFILL } },
        { &hf_tcphs_opt_mss_server,
          { "MSS (server)", "tcphs.opt.mss_server", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Maximum segment size offered in the server's SYN-ACK", HFILL } },
        { &hf_tcphs_opt_mss_effective,
          { "MSS (effective)", "tcphs.opt.mss_effective", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The smaller MSS; a side that offered none counts as 536 (IPv4) or 1220 (IPv6)", HFILL } },
        { &hf_tcphs_opt_wscale_client,
          { "Window scale (client)", "tcphs.opt.wscale_client", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Window scale shift offered by the client", HFILL } },
        { &hf_tcphs_opt_wscale_server,
          { "Window scale (server)", "tcphs.opt.wscale_server", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Window scale shift offered by the server", HFILL } },
        { &hf_tcphs_opt_wscale,
          { "Window scaling", "tcphs.opt.wscale", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Both sides offered window scaling", HFILL } },
        { &hf_tcphs_opt_sack,
          { "SACK", "tcphs.opt.sack", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Both sides offered selective acknowledgments (SACK permitted)", HFILL } },
        { &hf_tcphs_opt_timestamps,
          { "Timestamps", "tcphs.opt.timestamps", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Both sides offered TCP timestamps", HFILL } },
        { &hf_tcphs_opt_ecn,
          { "ECN", "tcphs.opt.ecn", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "ECN was negotiated, classic (RFC 3168) or accurate (RFC 9768): see tcphs.opt.ecn_mode", HFILL } },
        { &hf_tcphs_opt_tfo,
          { "TCP Fast Open", "tcphs.opt.tfo", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The SYN carried data or a Fast Open cookie (RFC 7413); a cookie request alone is not Fast Open", HFILL } },
        { &hf_tcphs_opt_ecn_mode,
          { "ECN mode", "tcphs.opt.ecn_mode", FT_STRING, BASE_NONE, NULL, 0x0,
            "ECN feedback the SYN and SYN-ACK agreed on: none, classic (RFC 3168) or accurate (AccECN, RFC 9768)",
            HFILL } },
        { &hf_tcphs_close_initiator,
          { "Close initiator", "tcphs.close.initiator", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who started the close: client, server, both (simultaneous close) or none", HFILL } },
        { &hf_tcphs_close_kind,
          { "Close kind", "tcphs.close.kind", FT_STRING, BASE_NONE, NULL, 0x0,
            "graceful (FIN both ways), half (FIN one way), reset or none", HFILL } },
        { &hf_tcphs_conn_state,
          { "Zeek conn_state", "tcphs.conn_state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek's conn.log conn_state, originator = client", HFILL } },
        { &hf_tcphs_history,
          { "Zeek history", "tcphs.history", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek's conn.log history letters", HFILL } },
        { &hf_tcphs_packets_client,
          { "Packets (client)", "tcphs.conn.packets_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Segments the client sent", HFILL } },
        { &hf_tcphs_packets_server,
          { "Packets (server)", "tcphs.conn.packets_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Segments the server sent", HFILL } },
        { &hf_tcphs_bytes_client,
          { "Bytes (client)", "tcphs.conn.bytes_client", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Payload bytes the client sent, retransmissions included", HFILL } },
        { &hf_tcphs_bytes_server,
          { "Bytes (server)", "tcphs.conn.bytes_server", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Payload bytes the server sent, retransmissions included", HFILL } },
        { &hf_tcphs_duration,
          { "Duration", "tcphs.conn.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the first to the last segment of the stream", HFILL } },
        { &hf_tcphs_group_handshake,
          { "Handshake", "tcphs.connection.handshake", FT_NONE, BASE_NONE, NULL, 0x0,
            "The handshake verdict, SYN retransmissions and timing", HFILL } },
        { &hf_tcphs_group_options,
          { "Options", "tcphs.connection.options", FT_NONE, BASE_NONE, NULL, 0x0,
            "Options each side offered and what was negotiated", HFILL } },
        { &hf_tcphs_group_close,
          { "Close", "tcphs.connection.close", FT_NONE, BASE_NONE, NULL, 0x0,
            "Who closed the connection and how", HFILL } },
        { &hf_tcphs_group_counters,
          { "Counters", "tcphs.connection.counters", FT_NONE, BASE_NONE, NULL, 0x0,
            "Segments and payload bytes per side, duration", HFILL } },
        { &hf_tcphs_group_links,
          { "Links", "tcphs.connection.links", FT_NONE, BASE_NONE, NULL, 0x0,
            "Frames that mark the connection's life", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_SYN],
          { "SYN in frame", "tcphs.frame.syn", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The client's first SYN", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_SYNACK],
          { "SYN-ACK in frame", "tcphs.frame.synack", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The server's first SYN-ACK", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_HANDSHAKE_ACK],
          { "Handshake completed in frame", "tcphs.frame.handshake_ack", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
            "The segment after which both endpoints are ESTABLISHED (the handshake ACK; "
            "the second SYN-ACK of a simultaneous open)", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_FIRST_DATA],
          { "First data in frame", "tcphs.frame.first_data", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The first segment that carried payload, either side", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_FIN],
          { "First FIN in frame", "tcphs.frame.fin", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The first FIN of the connection (the active close)", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_PEER_FIN],
          { "Peer FIN in frame", "tcphs.frame.peer_fin", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The other side's first FIN", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_RST],
          { "RST in frame", "tcphs.frame.rst", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The first RST of the connection", HFILL } },
        { &hf_tcphs_acked_in,
          { "Acknowledged in", "tcphs.acked_in", FT_FRAMENUM, BASE_NONE,
            TCPHS_FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
            "The first frame of the other side whose ack covers this segment's last sequence number", HFILL } },
        { &hf_tcphs_rtt,
          { "RTT (SampleRTT)", "tcphs.rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From this segment to its ACK; absent when its bytes were sent twice (Karn's rule)", HFILL } },
        { &hf_tcphs_rtt_estimated,
          { "Smoothed RTT (EstimatedRTT)", "tcphs.rtt.estimated", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SRTT of the sender after this sample, RFC 6298 section 2", HFILL } },
        { &hf_tcphs_rtt_deviation,
          { "RTT variation (DevRTT)", "tcphs.rtt.deviation", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "RTTVAR of the sender after this sample, RFC 6298 section 2", HFILL } },
        { &hf_tcphs_rtt_rto,
          { "Retransmission timeout", "tcphs.rtt.rto", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SRTT + 4 RTTVAR after this sample, before the 1 s lower bound of RFC 6298 rule 2.4", HFILL } },
        { &hf_tcphs_window_bytes,
          { "Receive window (bytes)", "tcphs.window.bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The advertised window in bytes: raw window << the sender's window-scale shift (RFC 7323)", HFILL } },
        { &hf_tcphs_acks_segments,
          { "Segments acknowledged", "tcphs.acks.segments", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How many of the other side's payload segments this ACK acknowledges first and completely", HFILL } },
        { &hf_tcphs_throughput_client,
          { "Throughput (client)", "tcphs.conn.throughput_client", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Client payload acknowledged, bytes per second, from its first payload segment to the ACK of its last", HFILL } },
        { &hf_tcphs_throughput_server,
          { "Throughput (server)", "tcphs.conn.throughput_server", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Server payload acknowledged, bytes per second, from its first payload segment to the ACK of its last", HFILL } },
    };

    static gint *ett[] = {
        &ett_tcphs,
        &ett_tcphs_connection,
        &ett_tcphs_handshake,
        &ett_tcphs_options,
        &ett_tcphs_close,
        &ett_tcphs_counters,
        &ett_tcphs_links,
    };

    static ei_register_info ei[] = {
        { &ei_tcphs_synack_bad_ack,
          { "tcphs.expert.synack_bad_ack", PI_SEQUENCE, PI_WARN,
            "SYN-ACK does not acknowledge the client's ISN + 1", EXPFILL } },
        { &ei_tcphs_hs_ack_bad_ack,
          { "tcphs.expert.handshake_ack_bad_ack", PI_SEQUENCE, PI_WARN,
            "Handshake ACK does not acknowledge the server's ISN + 1", EXPFILL } },
        { &ei_tcphs_syn_retransmitted,
          { "tcphs.expert.syn_retransmitted", PI_SEQUENCE, PI_NOTE,
            "SYN retransmitted", EXPFILL } },
        { &ei_tcphs_syn_unanswered,
          { "tcphs.expert.syn_unanswered", PI_SEQUENCE, PI_WARN,
            "SYN never answered in this capture", EXPFILL } },
        { &ei_tcphs_refused,
          { "tcphs.expert.refused", PI_SEQUENCE, PI_NOTE,
            "Connection refused: the SYN was answered by RST", EXPFILL } },
        { &ei_tcphs_aborted,
          { "tcphs.expert.aborted", PI_SEQUENCE, PI_WARN,
            "Handshake aborted by RST before it completed", EXPFILL } },
        { &ei_tcphs_simultaneous_open,
          { "tcphs.expert.simultaneous_open", PI_SEQUENCE, PI_NOTE,
            "Simultaneous open: both sides sent SYN", EXPFILL } },
        { &ei_tcphs_midstream,
          { "tcphs.expert.midstream", PI_SEQUENCE, PI_NOTE,
            "Capture started mid-connection: the handshake was not captured", EXPFILL } },
        { &ei_tcphs_data_before_handshake,
          { "tcphs.expert.data_before_handshake", PI_PROTOCOL, PI_WARN,
            "Data sent before the handshake completed", EXPFILL } },
        { &ei_tcphs_rst_after_data,
          { "tcphs.expert.rst_after_data", PI_SEQUENCE, PI_NOTE,
            "Connection reset after data was exchanged (abortive close)", EXPFILL } },
        { &ei_tcphs_fin_after_rst,
          { "tcphs.expert.fin_after_rst", PI_PROTOCOL, PI_WARN,
            "FIN sent after the connection was reset", EXPFILL } },
        { &ei_tcphs_data_after_rst,
          { "tcphs.expert.data_after_rst", PI_PROTOCOL, PI_WARN,
            "Data sent after the connection was reset", EXPFILL } },
    };

    module_t *tcphs_module;
    expert_module_t *expert_tcphs;

    proto_tcphs = proto_register_protocol("TCP Handshake Analysis", "TCPHS", "tcphs");
    proto_register_field_array(proto_tcphs, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_tcphs = expert_register_protocol(proto_tcphs);
    expert_register_field_array(expert_tcphs, ei, array_length(ei));

    tcphs_module = prefs_register_protocol(proto_tcphs, NULL);
    prefs_register_bool_preference(tcphs_module, "show_notes", "Show a note on every segment",
                                   "Add tcphs.note, a plain-English sentence with the sequence arithmetic, "
                                   "to every TCP segment",
                                   &tcphs_show_notes);

    tcphs_handle = register_dissector("tcphs", dissect_tcphs, proto_tcphs);
    tcphs_tap = register_tap(TCPHS_TAP_NAME);
    register_init_routine(tcphs_init);
    register_cleanup_routine(tcphs_cleanup);
    register_tcphs_statistics();
    register_tcphs_flow();
}

void proto_reg_handoff_tcphs(void)
{
    lookup_source_fields();
    register_postdissector(tcphs_handle);
}
