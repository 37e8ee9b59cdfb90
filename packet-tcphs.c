/* packet-tcphs.c
 * TCP Handshake Analysis: a post-dissector that explains every TCP segment
 * (handshake step, ISNs, ack arithmetic, options, keep-alives, teardown).
 *
 * The protocol itself: its fields, expert infos and preference
 * (registration at the foot of the file) and what it shows of a record
 * (tree, expert infos, tap).  The segments come from plugin/feed.c, which
 * reads them without a tree; the store (core/store/) keeps them and has
 * the analysis (core/analysis/) make one record per segment, in capture
 * order, the first time a record is wanted; the words (core/words/) say
 * what a record means.  docs/design.md has the way a segment goes.
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
#include "plugin/feed.h"
#include "core/analysis/conn.h"
#include "core/store/store.h"
#include "core/words/text.h"
#include "core/words/round_text.h"
#include "core/words/rtt_text.h"
#include "core/analysis/transfer.h"

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
static int hf_tcphs_throughput_client_too_short = -1;
static int hf_tcphs_throughput_server_too_short = -1;

static int hf_tcphs_round = -1;
static int hf_tcphs_round_segments = -1;
static int hf_tcphs_round_bytes = -1;
static int hf_tcphs_round_growth = -1;
static int hf_tcphs_round_inflight = -1;
static int hf_tcphs_round_phase = -1;
static int hf_tcphs_rounds_client = -1;
static int hf_tcphs_rounds_server = -1;
static int hf_tcphs_sent_again_client = -1;
static int hf_tcphs_sent_again_server = -1;
static int hf_tcphs_dup_acks_client = -1;
static int hf_tcphs_dup_acks_server = -1;
static int hf_tcphs_zero_windows_client = -1;
static int hf_tcphs_zero_windows_server = -1;

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
static int proto_ws_expert = -1;   /* _ws.expert: who reads expert infos */
static int expert_tap = -1;

static tcphs_pref_bool tcphs_show_notes = TRUE;

/* ---- per-capture state ------------------------------------------------------- */

/* What tcphs learnt of the capture file being read: its connections by
 * tcp.stream and the record of each frame's first TCP layer (core/store/).
 * The records of further TCP layers of a frame (tunnels) are kept with
 * p_add_proto_data() under keys 1, 2, ... (file scope). */
static tcphs_store *store;

/* ---- first pass: analyse and keep ------------------------------------------ */

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

/* Keep the segments of the frame's TCP layers.  When nobody reads tcphs
 * yet (`wanted` false), the segment of a frame's only TCP layer (nearly
 * every frame) waits in the store until a record is asked for
 * (tcphs_store_defer()): a run that never reads tcphs pays for no analysis.
 * Otherwise, and for a frame with several TCP layers (a tunnel), the
 * segments are analysed at once, after everything kept before them: the
 * first in the frame's slot of the store, the others with the frame.  A
 * segment without TCPHS_HAVE_REQUIRED (truncated, a fragment, or malformed)
 * gets no record: no verdict rather than a wrong one.  TRUE when the store
 * keeps a segment of the frame. */
static gboolean keep_frame(packet_info *pinfo, proto_tree *tree, gboolean wanted)
{
    tcphs_segment segs[TCPHS_FEED_MAX_LAYERS];
    guint count = tcphs_feed_frame(pinfo, tree, segs);
    guint kept = 0;

    if (count == 0)
        return FALSE;
    if (count == 1 && !wanted)
        return tcphs_store_defer(store, &segs[0]);
    tcphs_store_catch_up(store, pinfo->num - 1, keep_for_taps());
    for (guint i = 0; i < count; i++) {
        const tcphs_record *rec = tcphs_store_update(store, &segs[i], kept == 0, keep_for_taps());

        if (!rec)
            continue;
        if (kept > 0)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_tcphs, kept,
                             wmem_memdup(wmem_file_scope(), rec, sizeof(*rec)));
        kept++;
    }
    tcphs_store_catch_up(store, pinfo->num, keep_for_taps());
    return kept > 0;
}

/* Whether anyone reads this frame's records: a shown tree, or a tcphs field
 * in a filter, column or -e; a listener on the tcphs tap (statistics,
 * reports, the flow graph); or anyone who reads expert infos (a filter on
 * _ws.expert, the Expert Information dialog, -z expert). */
static gboolean records_wanted(proto_tree *tree)
{
    return (tree && (proto_field_is_referenced(tree, proto_tcphs) ||
                     (proto_ws_expert > 0 && proto_field_is_referenced(tree, proto_ws_expert)))) ||
           have_tap_listener(tcphs_tap) || (expert_tap >= 0 && have_tap_listener(expert_tap));
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

/* The connection's endpoints as text: formatted once for a run of
 * segments between the same endpoints (a bulk transfer), where each shown
 * segment would format them again. */
typedef struct {
    gboolean valid;
    tcphs_endpoint client_ep, server_ep;
    char client[TCPHS_ENDPOINT_STRLEN];
    char server[TCPHS_ENDPOINT_STRLEN];
} endpoint_texts;

static endpoint_texts last_endpoints;

static const endpoint_texts *endpoints_of(const tcphs_conn *conn)
{
    if (!last_endpoints.valid || !tcphs_endpoint_equal(&last_endpoints.client_ep, &conn->client) ||
        !tcphs_endpoint_equal(&last_endpoints.server_ep, &conn->server)) {
        tcphs_endpoint_format(last_endpoints.client, sizeof(last_endpoints.client), &conn->client);
        tcphs_endpoint_format(last_endpoints.server, sizeof(last_endpoints.server), &conn->server);
        last_endpoints.client_ep = conn->client;
        last_endpoints.server_ep = conn->server;
        last_endpoints.valid = TRUE;
    }
    return &last_endpoints;
}

/* tcphs.client and tcphs.server. */
static void add_endpoints(const out_tree *out, const tcphs_conn *conn)
{
    const endpoint_texts *texts;

    if (!proto_field_is_referenced(out->tree, hf_tcphs_client) &&
        !proto_field_is_referenced(out->tree, hf_tcphs_server))
        return;
    texts = endpoints_of(conn);
    add_string(out, hf_tcphs_client, texts->client);
    add_string(out, hf_tcphs_server, texts->server);
}

static void add_note(const out_tree *out, const tcphs_record *rec)
{
    char note[TCPHS_NOTE_MAX];
    const endpoint_texts *texts;

    if (!tcphs_show_notes || !proto_field_is_referenced(out->tree, hf_tcphs_note))
        return;
    texts = endpoints_of(rec->conn);
    tcphs_note(note, sizeof(note), rec, texts->client, texts->server);
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
 * seen: mss_client, mss_server, wscale_client, wscale_server, and tfo, a
 * fact about the client's SYN alone (it carried data or a Fast Open cookie,
 * answered or not).  What the connection uses is a verdict on the pair, so
 * every negotiated option (mss_effective, wscale, sack, timestamps, ecn,
 * ecn_mode) is shown only once both the SYN and the SYN-ACK were seen, and
 * then all of them: an unanswered SYN has negotiated nothing. */
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
    if (client->offered & TCPHS_OFFER_SEEN)
        add_boolean(out, hf_tcphs_opt_tfo, tcphs_conn_negotiated(conn, TCPHS_OFFER_TFO));
    if (!tcphs_conn_options_known(conn))
        return;
    add_uint(out, hf_tcphs_opt_mss_effective, tcphs_conn_mss_effective(conn));
    add_boolean(out, hf_tcphs_opt_wscale, tcphs_conn_negotiated(conn, TCPHS_OFFER_WSCALE));
    add_boolean(out, hf_tcphs_opt_sack, tcphs_conn_negotiated(conn, TCPHS_OFFER_SACK));
    add_boolean(out, hf_tcphs_opt_timestamps, tcphs_conn_negotiated(conn, TCPHS_OFFER_TIMESTAMPS));
    add_boolean(out, hf_tcphs_opt_ecn, tcphs_conn_negotiated(conn, TCPHS_OFFER_ECN));
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
 * first ACK of the last acknowledged payload byte), in bytes per second,
 * labelled "605.2 kB/s (4.84 Mbit/s)"; when one ACK answered all of it (too
 * short for a throughput), tcphs.conn.throughput_*.too_short says why
 * instead.  The label is made only for a shown item. */
static void add_throughput(const out_tree *out, tcphs_side side, int hf_value, int hf_too_short,
                           const tcphs_conn *conn)
{
    tcphs_throughput_facts facts;
    char text[128];
    proto_item *item;

    if (!tcphs_transfer_throughput_facts(tcphs_conn_transfer(conn), side, &facts))
        return;
    text[0] = '\0';
    if (tcphs_throughput_too_short(&facts)) {
        if (proto_field_is_referenced(out->tree, hf_too_short))
            tcphs_throughput_text(text, sizeof(text), &facts);
        item = proto_tree_add_none_format(out->tree, hf_too_short, out->tvb, 0, 0, "Throughput (%s): %s",
                                          tcphs_direction_name(side), text);
    } else {
        double bps = (double)facts.bytes * 1e9 / (double)facts.ns;

        if (proto_field_is_referenced(out->tree, hf_value))
            tcphs_throughput_text(text, sizeof(text), &facts);
        item = proto_tree_add_double_format_value(out->tree, hf_value, out->tvb, 0, 0, bps, "%s", text);
    }
    add_generated(item);
}

static void add_throughputs(const out_tree *out, const tcphs_conn *conn)
{
    add_throughput(out, TCPHS_SIDE_CLIENT, hf_tcphs_throughput_client, hf_tcphs_throughput_client_too_short, conn);
    add_throughput(out, TCPHS_SIDE_SERVER, hf_tcphs_throughput_server, hf_tcphs_throughput_server_too_short, conn);
}

/* tcphs.conn.rounds_*, sent_again_*, dup_acks_*, zero_windows_*: by
 * tcphs's own rules (core/analysis/rounds.h), so that every release counts
 * alike and a filter such as tcphs.conn.dup_acks_server > 2 finds every
 * packet of the streams in trouble. */
static void add_trouble_counters(const out_tree *out, const tcphs_conn *conn)
{
    const tcphs_rounds *rounds = tcphs_conn_rounds(conn);
    tcphs_rounds_counters client = tcphs_rounds_counts(rounds, TCPHS_SIDE_CLIENT);
    tcphs_rounds_counters server = tcphs_rounds_counts(rounds, TCPHS_SIDE_SERVER);

    add_uint(out, hf_tcphs_rounds_client, client.rounds);
    add_uint(out, hf_tcphs_rounds_server, server.rounds);
    add_uint(out, hf_tcphs_sent_again_client, client.sent_again);
    add_uint(out, hf_tcphs_sent_again_server, server.sent_again);
    add_uint(out, hf_tcphs_dup_acks_client, client.dup_acks);
    add_uint(out, hf_tcphs_dup_acks_server, server.dup_acks);
    add_uint(out, hf_tcphs_zero_windows_client, client.zero_windows);
    add_uint(out, hf_tcphs_zero_windows_server, server.zero_windows);
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
    add_trouble_counters(&out, conn);
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

static void add_double(const out_tree *out, int hf, double value)
{
    add_generated(proto_tree_add_double(out->tree, hf, out->tvb, 0, 0, value));
}

/* tcphs.round*: the round of a payload segment and what its round did.
 * The round's values are final once it has ended (an ACK of the other side
 * covered its first segment): in two-pass tshark and the GUI; the state so
 * far in one pass.  On the round's first segment, the phase's label says
 * which rule decided it and what it compared (core/words/round_text.c). */
static void add_round(const out_tree *out, packet_info *pinfo, const tcphs_record *rec)
{
    const tcphs_rounds *rounds = tcphs_conn_rounds(rec->conn);
    uint32_t number = tcphs_record_round(rec, pinfo->num);
    const tcphs_round *round = number ? tcphs_rounds_get(rounds, rec->from, number) : NULL;
    tcphs_round_decision d;
    double growth;
    proto_item *item;

    if (!round)
        return;
    add_uint(out, hf_tcphs_round, number);
    add_uint(out, hf_tcphs_round_segments, round->segments);
    add_uint(out, hf_tcphs_round_bytes, round->bytes);
    if (tcphs_rounds_growth(rounds, rec->from, number, &growth))
        add_double(out, hf_tcphs_round_growth, growth);
    add_uint(out, hf_tcphs_round_inflight, round->inflight);
    if (!tcphs_rounds_decide(rounds, rec->from, number, &d))
        return;
    item = add_string(out, hf_tcphs_round_phase, tcphs_round_phase_name(d.phase));
    if (round->first_frame == pinfo->num && tcphs_show_notes &&
        proto_field_is_referenced(out->tree, hf_tcphs_round_phase)) {
        char why[TCPHS_ROUND_TEXT_MAX];

        tcphs_round_decision_text(why, sizeof(why), &d);
        proto_item_append_text(item, " [%s]", why);
    }
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
    &hf_tcphs_throughput_client, &hf_tcphs_throughput_server, &hf_tcphs_throughput_client_too_short,
    &hf_tcphs_throughput_server_too_short,
    &hf_tcphs_rounds_client, &hf_tcphs_rounds_server, &hf_tcphs_sent_again_client, &hf_tcphs_sent_again_server,
    &hf_tcphs_dup_acks_client, &hf_tcphs_dup_acks_server, &hf_tcphs_zero_windows_client,
    &hf_tcphs_zero_windows_server,
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
    snprintf(buf, size, "SYN-ACK acknowledges %u, expected client ISN + 1 = %u",
               rec->ack, rec->isn_client + 1);
}

static void message_hs_ack_bad_ack(char *buf, size_t size, const tcphs_record *rec)
{
    snprintf(buf, size, "Handshake ACK acknowledges %u, expected server ISN + 1 = %u",
               rec->ack, rec->isn_server + 1);
}

static void message_syn_retransmitted(char *buf, size_t size, const tcphs_record *rec)
{
    snprintf(buf, size, "SYN retransmitted (%u)", rec->retransmission);
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

    if (rec->anomalies == 0 && rec->event != TCPHS_EVENT_SYN)
        return;     /* the common segment: nothing to say */
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
    char title[64];

    tcphs_record_title(title, sizeof(title), (tcphs_phase)rec->phase, (tcphs_event)rec->event, (tcphs_side)rec->from);
    ti = proto_tree_add_protocol_format(tree, proto_tcphs, tvb, 0, 0, "Handshake Analysis: %s", title);
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
    add_round(&out, pinfo, rec);
    /* The anomalies before the long Connection subtree, where a reader sees them. */
    add_experts(pinfo, ti, ti, rec);
    if (connection_referenced(out.tree))
        add_connection(&out, rec);
}

/* The packet's key of the first-read mark (pinfo->pool): tcphs's own
 * per-frame data uses keys 1 .. 7, the records of further TCP layers. */
#define TAPPED_ON_FIRST_READ 0x666c6f77   /* "flow" */

gboolean tcphs_tapped_on_first_read(packet_info *pinfo)
{
    return p_get_proto_data(pinfo->pool, pinfo, proto_tcphs, TAPPED_ON_FIRST_READ) != NULL;
}

static int dissect_tcphs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const tcphs_record *rec;
    gboolean wanted, kept, shown, listened;
    guint layer;

    if (!store)
        return 0;
    /* The segments are read once per frame, in capture order; later
     * passes (two-pass tshark, the GUI in any order) only read the records. */
    wanted = records_wanted(tree);
    kept = tcphs_store_has_frame(store, pinfo->num);
    if (!PINFO_FD_VISITED(pinfo) && !kept)
        kept = keep_frame(pinfo, tree, wanted);
    if (!wanted)
        return kept ? tvb_captured_length(tvb) : 0;
    /* The records of the whole capture on a later pass (the connection
     * verdicts are final there), of the capture so far on the first. */
    tcphs_store_catch_up(store, PINFO_FD_VISITED(pinfo) ? G_MAXUINT32 : pinfo->num, keep_for_taps());
    /* Building the tree costs more than the analysis: skip it when no one
     * looks at tcphs (a tree that is not shown, with no tcphs field in a
     * filter, column or -e). */
    shown = tree && proto_field_is_referenced(tree, proto_tcphs);
    listened = have_tap_listener(tcphs_tap);
    for (layer = 0; (rec = stored_record(pinfo, layer)) != NULL; layer++) {
        if (shown)
            show_record(tree, tvb, pinfo, rec);
        else
            add_experts(pinfo, NULL, NULL, rec);
        if (listened)
            tap_queue_packet(tcphs_tap, pinfo, rec);
    }
    if (listened && layer && !PINFO_FD_VISITED(pinfo))
        p_add_proto_data(pinfo->pool, pinfo, proto_tcphs, TAPPED_ON_FIRST_READ, GUINT_TO_POINTER(1));
    return layer ? tvb_captured_length(tvb) : 0;
}

/* ---- registration ---------------------------------------------------------- */

/* A new capture file.  tcphs asks for no field of another protocol (every
 * field asked for makes tshark build a tree for every packet, which a run
 * that never reads tcphs would pay: docs/performance.md), except the TCP
 * checksum status when TCP verifies checksums, and that only while tcphs
 * is enabled, as transum does, so that --disable-protocol tcphs leaves
 * tshark's work exactly as without it. */
static void tcphs_init(void)
{
    GArray *wanted;

    tcphs_store_free(store);    /* normally done by tcphs_cleanup() */
    store = tcphs_store_new();
    last_endpoints.valid = FALSE;
    /* Expert Info registers itself after the dissectors' hand-off. */
    proto_ws_expert = proto_get_id_by_filter_name("_ws.expert");
    expert_tap = find_tap_id("expert");
    tcphs_feed_reset(tcphs_bool_pref("tcp", "check_checksum"));
    tcphs_feed_listen(proto_is_protocol_enabled(find_protocol_by_id(proto_tcphs)));
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_tcphs)))
        return;
    wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    tcphs_feed_wanted_fields(wanted);
    if (wanted->len)
        set_postdissector_wanted_hfids(tcphs_handle, wanted);
    else
        g_array_free(wanted, TRUE);
}


static void tcphs_cleanup(void)
{
    set_postdissector_wanted_hfids(tcphs_handle, NULL);
    tcphs_store_free(store);
    store = NULL;
    tcphs_feed_reset(FALSE);    /* the feed's conversations of the file */
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
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The client's first SYN", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_SYNACK],
          { "SYN-ACK in frame", "tcphs.frame.synack", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The server's first SYN-ACK", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_HANDSHAKE_ACK],
          { "Handshake completed in frame", "tcphs.frame.handshake_ack", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
            "The segment after which both endpoints are ESTABLISHED (the handshake ACK; "
            "the second SYN-ACK of a simultaneous open)", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_FIRST_DATA],
          { "First data in frame", "tcphs.frame.first_data", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The first segment that carried payload, either side", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_FIN],
          { "First FIN in frame", "tcphs.frame.fin", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The first FIN of the connection (the active close)", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_PEER_FIN],
          { "Peer FIN in frame", "tcphs.frame.peer_fin", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The other side's first FIN", HFILL } },
        { &hf_tcphs_link[TCPHS_LINK_RST],
          { "RST in frame", "tcphs.frame.rst", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The first RST of the connection", HFILL } },
        { &hf_tcphs_acked_in,
          { "Acknowledged in", "tcphs.acked_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
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
          { "Throughput (client \u2192 server)", "tcphs.conn.throughput_client", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Client payload acknowledged, bytes per second, from its first payload segment to the ACK of its last", HFILL } },
        { &hf_tcphs_throughput_server,
          { "Throughput (server \u2192 client)", "tcphs.conn.throughput_server", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Server payload acknowledged, bytes per second, from its first payload segment to the ACK of its last", HFILL } },
        { &hf_tcphs_round,
          { "Round", "tcphs.round", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The sender's round (flight) this payload segment was sent in: a round ends at the first ACK "
            "that covers its first segment", HFILL } },
        { &hf_tcphs_round_segments,
          { "Segments in round", "tcphs.round.segments", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How many of the round's segments carried new bytes", HFILL } },
        { &hf_tcphs_round_bytes,
          { "New bytes in round", "tcphs.round.bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The round's new bytes: above the highest sequence number sent before", HFILL } },
        { &hf_tcphs_round_growth,
          { "Growth", "tcphs.round.growth", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "The round's most bytes in flight divided by the previous round's", HFILL } },
        { &hf_tcphs_round_inflight,
          { "Most in flight", "tcphs.round.inflight", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The most bytes in flight after any segment of the round", HFILL } },
        { &hf_tcphs_round_phase,
          { "Phase of round", "tcphs.round.phase", FT_STRING, BASE_NONE, NULL, 0x0,
            "loss recovery, receiver-limited, slow start, congestion avoidance or sender-limited", HFILL } },
        { &hf_tcphs_rounds_client,
          { "Rounds (client)", "tcphs.conn.rounds_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The client's rounds of payload", HFILL } },
        { &hf_tcphs_rounds_server,
          { "Rounds (server)", "tcphs.conn.rounds_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The server's rounds of payload", HFILL } },
        { &hf_tcphs_sent_again_client,
          { "Sent again (client)", "tcphs.conn.sent_again_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The client's payload segments that start below bytes it had already sent", HFILL } },
        { &hf_tcphs_sent_again_server,
          { "Sent again (server)", "tcphs.conn.sent_again_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The server's payload segments that start below bytes it had already sent", HFILL } },
        { &hf_tcphs_dup_acks_client,
          { "Duplicate ACKs (client)", "tcphs.conn.dup_acks_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Duplicate ACKs the client sent, as RFC 5681 section 2 defines them", HFILL } },
        { &hf_tcphs_dup_acks_server,
          { "Duplicate ACKs (server)", "tcphs.conn.dup_acks_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Duplicate ACKs the server sent, as RFC 5681 section 2 defines them", HFILL } },
        { &hf_tcphs_zero_windows_client,
          { "Zero windows (client)", "tcphs.conn.zero_windows_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The client's segments (not SYN, not RST) that advertised a zero window", HFILL } },
        { &hf_tcphs_zero_windows_server,
          { "Zero windows (server)", "tcphs.conn.zero_windows_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The server's segments (not SYN, not RST) that advertised a zero window", HFILL } },
        { &hf_tcphs_throughput_client_too_short,
          { "Throughput (client \u2192 server) too short", "tcphs.conn.throughput_client.too_short", FT_NONE, BASE_NONE,
            NULL, 0x0, "One ACK acknowledged all of the client's payload: the time is one ACK delay, not a transfer, so no throughput", HFILL } },
        { &hf_tcphs_throughput_server_too_short,
          { "Throughput (server \u2192 client) too short", "tcphs.conn.throughput_server.too_short", FT_NONE, BASE_NONE,
            NULL, 0x0, "One ACK acknowledged all of the server's payload: the time is one ACK delay, not a transfer, so no throughput", HFILL } },
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
}

void proto_reg_handoff_tcphs(void)
{
    tcphs_feed_register();

    register_postdissector(tcphs_handle);
}
