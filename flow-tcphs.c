/* flow-tcphs.c
 * The tcphs flow type of Wireshark's sequence analysis: Statistics > Flow
 * Graph > "TCP Handshake Analysis", and
 *
 *   tshark -q -z flow,tcphs,standard|network[,FILTER]
 *
 * One arrow per segment tcphs analysed (one per tcphs_record on the "tcphs"
 * tap), in capture order, between the connection's client and server: their
 * addresses are the nodes, the ports stand beside the arrow as Wireshark's
 * own TCP flow type draws them.
 * The words are core/flow_text.c's; this file only hands them to Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "packet-tcphs.h"
#include "flow-tcphs.h"
#include "plugin/ws-compat.h"
#include "core/analysis/conn.h"
#include "core/words/flow_text.h"
#include "core/words/text.h"

#include <string.h>

#if TCPHS_HAVE_SEQUENCE_ANALYSIS

static int proto_tcphs = -1;

/* A node of the graph: the endpoint's address as Wireshark's, or when
 * both endpoints share one address (a loopback capture, two programs on one
 * host) the endpoint as text, "127.0.0.1:47428", so that the client and the
 * server still get a lifeline each.  False when the capture did not give
 * the address. */
static gboolean set_node(address *node, const tcphs_endpoint *ep, gboolean with_port)
{
    char text[TCPHS_ENDPOINT_STRLEN];

    if (ep->addr.family != 4 && ep->addr.family != 6)
        return FALSE;
    /* libwireshark frees an item's addresses with free_address(): g_malloc'ed (scope NULL). */
    free_address(node);
    if (with_port) {
        tcphs_endpoint_format(text, sizeof(text), ep);
        alloc_address_wmem(NULL, node, AT_STRINGZ, (int)strlen(text) + 1, text);
    } else {
        alloc_address_wmem(NULL, node, ep->addr.family == 4 ? AT_IPv4 : AT_IPv6, ep->addr.family == 4 ? 4 : 16,
                           ep->addr.bytes);
    }
    return TRUE;
}

static gboolean same_address(const tcphs_address *a, const tcphs_address *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

static tap_packet_status flow_tcphs_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                           const void *data, tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = (seq_analysis_info_t *)tapdata;
    const tcphs_record *rec = (const tcphs_record *)data;
    const tcphs_endpoint *src, *dst;
    seq_analysis_item_t *sai;
    gboolean with_port;
    char label[TCPHS_FLOW_LABEL_MAX];
    char comment[TCPHS_FLOW_COMMENT_MAX];

    if (!rec || !rec->conn)
        return TAP_PACKET_DONT_REDRAW;
    src = rec->from == TCPHS_SIDE_CLIENT ? &rec->conn->client : &rec->conn->server;
    dst = rec->from == TCPHS_SIDE_CLIENT ? &rec->conn->server : &rec->conn->client;

    /* The time column and, as a fallback, the packet's own addresses
     * (net_src/net_dst for "standard", src/dst for "network"). */
    sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    /* The nodes are the connection's client and server: the addresses of
     * the TCP layer this record is about, also when a frame has two. */
    with_port = same_address(&src->addr, &dst->addr);
    if (set_node(&sai->src_addr, src, with_port))
        set_node(&sai->dst_addr, dst, with_port);
    sai->port_src = src->port;
    sai->port_dst = dst->port;
    sai->frame_number = pinfo->num;

    /* Later reads (two-pass tshark, the GUI's retap) show a capture that
     * has been analysed to its end: the connection's words are final. */
    tcphs_flow_label(label, sizeof(label), rec);
    tcphs_flow_comment(comment, sizeof(comment), rec, pinfo->num, !tcphs_tapped_on_first_read(pinfo));
    sai->frame_label = g_strdup(label);
    sai->comment = g_strdup(comment);
    /* The GUI paints the row in the packet's colours (the coloring rules
     * of the profile, e.g. docs/profile-tcphs's phases), as "All Flows" does. */
    sequence_analysis_use_color_filter(pinfo, sai);
    sai->conv_num = (guint16)rec->conn->stream;
    sai->line_style = 1;
    sai->display = TRUE;

    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void register_tcphs_flow(void)
{
    proto_tcphs = proto_get_id_by_filter_name("tcphs");
    register_seq_analysis("tcphs", "TCP Handshake Analysis", proto_tcphs, TCPHS_TAP_NAME, TL_REQUIRES_NOTHING,
                          flow_tcphs_packet);
}

#else

#pragma message("tcphs: this Wireshark has no epan/sequence_analysis.h, and tcphs knows no copy of it for this release: the flow type (Statistics > Flow Graph, -z flow,tcphs) is left out")

void register_tcphs_flow(void)
{
}

#endif
