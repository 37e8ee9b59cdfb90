/* text.c: endpoints as text and the per-segment note (tcphs.note).
 *
 * A note is one sentence a student can check by hand: who sent the segment,
 * what it does in the connection, and the sequence arithmetic behind it
 * (RFC 9293, 3.4: a SYN and a FIN each occupy one sequence number, so the
 * peer acknowledges them with ISN + 1 and FIN seq + 1).
 */
#include "core/words/text.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "core/words/strbuf.h"

void tcphs_endpoint_format(char *buf, size_t size, const tcphs_endpoint *ep)
{
    char addr[INET6_ADDRSTRLEN];

    if (size == 0)
        return;
    if (ep->addr.family == 4 && inet_ntop(AF_INET, ep->addr.bytes, addr, sizeof(addr)))
        snprintf(buf, size, "%s:%u", addr, ep->port);
    else if (ep->addr.family == 6 && inet_ntop(AF_INET6, ep->addr.bytes, addr, sizeof(addr)))
        snprintf(buf, size, "[%s]:%u", addr, ep->port);
    else
        snprintf(buf, size, "?:%u", ep->port);
}

void tcphs_format_scaled(char *buf, size_t size, int64_t ns, uint64_t unit, int digits)
{
    uint64_t magnitude = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t step = unit, steps;

    for (int i = 0; i < digits; i++)
        step /= 10;
    /* Rounded to the last digit shown, half away from zero: a computed value
     * (an SRTT of 0.0201985 s) reads as the nearest one, the same in the
     * notes and in the reports.  Capture timestamps have no digit beyond. */
    steps = magnitude / step + (magnitude % step >= (step + 1) / 2 ? 1 : 0);
    snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, ns < 0 && steps ? "-" : "", steps / (unit / step), digits,
             steps % (unit / step));
}

void tcphs_format_seconds(char *buf, size_t size, int64_t ns)
{
    tcphs_format_scaled(buf, size, ns, 1000000000u, 6);
}

void tcphs_format_seconds_exact(char *buf, size_t size, int64_t ns)
{
    uint64_t magnitude = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t fraction = magnitude % 1000000000u;
    int digits = 9;

    while (digits > 6 && fraction % 10 == 0) {
        fraction /= 10;
        digits--;
    }
    snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, ns < 0 ? "-" : "", magnitude / 1000000000u, digits, fraction);
}

void tcphs_flags_format(char *buf, size_t size, uint16_t flags)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { TCPHS_FIN, "FIN" }, { TCPHS_SYN, "SYN" }, { TCPHS_RST, "RST" }, { TCPHS_PSH, "PSH" },
        { TCPHS_ACK, "ACK" }, { TCPHS_URG, "URG" }, { TCPHS_ECE, "ECE" }, { TCPHS_CWR, "CWR" },
        { TCPHS_AE, "AE" },
    };
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, buf, size);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(flags & names[i].bit))
            continue;
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_append(&out, names[i].name);
    }
    if (tcphs_strbuf_empty(&out))
        tcphs_strbuf_append(&out, "none");
}

void tcphs_rate_format(char *buf, size_t size, double bytes_per_s)
{
    static const char *const prefixes[] = { "", "k", "M", "G", "T" };
    double bytes = bytes_per_s, bits = bytes_per_s * 8;
    size_t b = 0, i = 0;

    /* Rounded first, so that 999.96 kB/s reads 1.0 MB/s, not 1000.0 kB/s. */
    while (b + 1 < sizeof(prefixes) / sizeof(prefixes[0]) && bytes >= 999.95) {
        bytes /= 1000;
        b++;
    }
    while (i + 1 < sizeof(prefixes) / sizeof(prefixes[0]) && bits >= 999.5) {
        bits /= 1000;
        i++;
    }
    snprintf(buf, size, "%.1f %sB/s (%.3g %sbit/s)", bytes, prefixes[b], bits, prefixes[i]);
}

void tcphs_throughput_text(char *buf, size_t size, const tcphs_throughput_facts *facts)
{
    if (!tcphs_throughput_too_short(facts)) {
        tcphs_rate_format(buf, size, (double)facts->bytes * 1e9 / (double)facts->ns);
        return;
    }
    if (facts->segments <= 1)
        snprintf(buf, size, "%" PRIu64 " bytes, one segment: too short for a throughput", facts->bytes);
    else if (facts->acks <= 1)
        snprintf(buf, size, "%" PRIu64 " bytes in %" PRIu32 " segments, acknowledged by one ACK: too short for a "
                 "throughput", facts->bytes, facts->segments);
    else
        snprintf(buf, size, "%" PRIu64 " bytes, acknowledged no later than sent (the capture's clock): no "
                 "throughput", facts->bytes);
}

/* Everything a note sentence refers to, worked out once. */
typedef struct {
    const tcphs_record *rec;
    const char *who;            /* "Client" / "Server" */
    const char *peer;           /* "client" / "server" */
    const char *who_ep;         /* the sender's endpoint as text */
    const char *peer_ep;
    char client_buf[TCPHS_ENDPOINT_STRLEN];
    char server_buf[TCPHS_ENDPOINT_STRLEN];
    bool own_isn_known;
    uint32_t own_isn;           /* the sender's ISN */
    bool peer_isn_known;
    uint32_t peer_isn;
} note_ctx;

static void build_ctx(note_ctx *ctx, const tcphs_record *rec, const char *client_text, const char *server_text)
{
    const tcphs_conn *conn = rec->conn;
    bool from_client = rec->from == TCPHS_SIDE_CLIENT;

    ctx->rec = rec;
    ctx->who = from_client ? "Client" : "Server";
    ctx->peer = from_client ? "server" : "client";
    if (!client_text) {
        tcphs_endpoint_format(ctx->client_buf, sizeof(ctx->client_buf), &conn->client);
        client_text = ctx->client_buf;
    }
    if (!server_text) {
        tcphs_endpoint_format(ctx->server_buf, sizeof(ctx->server_buf), &conn->server);
        server_text = ctx->server_buf;
    }
    ctx->who_ep = from_client ? client_text : server_text;
    ctx->peer_ep = from_client ? server_text : client_text;
    ctx->own_isn_known = tcphs_record_isn(rec, (tcphs_side)rec->from, &ctx->own_isn);
    ctx->peer_isn_known = tcphs_record_isn(rec, tcphs_other_side((tcphs_side)rec->from), &ctx->peer_isn);
}

/* Letters of the textbook: x is the client's ISN, y the server's. */
static char own_isn_letter(const note_ctx *ctx)
{
    return ctx->rec->from == TCPHS_SIDE_CLIENT ? 'x' : 'y';
}

static char peer_isn_letter(const note_ctx *ctx)
{
    return ctx->rec->from == TCPHS_SIDE_CLIENT ? 'y' : 'x';
}

/* "relative seq 1" when the sender's ISN is known, else "seq 12345 (raw)". */
static void put_seq(tcphs_strbuf *out, const note_ctx *ctx, uint32_t seq)
{
    if (ctx->own_isn_known)
        tcphs_strbuf_appendf(out, "relative seq %u", seq - ctx->own_isn);
    else
        tcphs_strbuf_appendf(out, "seq %u (raw)", seq);
}

static void put_ack(tcphs_strbuf *out, const note_ctx *ctx, uint32_t ack)
{
    if (ctx->peer_isn_known)
        tcphs_strbuf_appendf(out, "relative ack %u", ack - ctx->peer_isn);
    else
        tcphs_strbuf_appendf(out, "ack %u (raw)", ack);
}

/* The data the peer's SYN (or SYN-ACK) carried, when this record's ack
 * refers to that very segment (same ISN); 0 otherwise. */
static uint32_t peer_syn_data(const tcphs_record *rec, uint32_t peer_isn)
{
    const tcphs_side_state *peer = &rec->conn->side[rec->from == TCPHS_SIDE_CLIENT ? 1 : 0];

    if (!peer->isn_known || peer->isn_derived || peer->syn_seq != peer_isn)
        return 0;
    return peer->syn_len;
}

void tcphs_isn_sum(tcphs_strbuf *out, uint32_t isn, uint32_t extra)
{
    uint64_t sum = (uint64_t)isn + 1 + extra;

    tcphs_strbuf_appendf(out, "%u + 1", isn);
    if (extra > 0)
        tcphs_strbuf_appendf(out, " + %u", extra);
    if (sum > UINT32_MAX)
        tcphs_strbuf_append(out, " \u2212 2^32");
    tcphs_strbuf_appendf(out, " = %u", (uint32_t)sum);
}

void tcphs_ack_arithmetic(tcphs_strbuf *out, const tcphs_record *rec)
{
    bool from_client = rec->from == TCPHS_SIDE_CLIENT;
    char letter = from_client ? 'y' : 'x';
    uint32_t isn = from_client ? rec->isn_server : rec->isn_client;
    uint32_t data = peer_syn_data(rec, isn);
    uint32_t accepted = rec->ack - (isn + 1);
    const char *syn = rec->event == TCPHS_EVENT_HANDSHAKE_ACK ? "SYN-ACK" : "SYN";

    if (accepted == 0) {
        tcphs_strbuf_appendf(out, "ack = %c + 1 = ", letter);
        tcphs_isn_sum(out, isn, 0);
        tcphs_strbuf_append(out, " (correct");
        /* RFC 7413, 4.2: data a SYN carried but the peer did not accept is
         * sent again after the handshake. */
        if (data > 0)
            tcphs_strbuf_appendf(out, ": the %s did not accept the %s's %u bytes of data, the %s sends them again",
                                 tcphs_side_name(rec->from), syn, data, from_client ? "server" : "client");
        tcphs_strbuf_append(out, ")");
        return;
    }
    tcphs_strbuf_appendf(out, "ack = %c + 1 + %u = ", letter, accepted);
    tcphs_isn_sum(out, isn, accepted);
    tcphs_strbuf_append(out, " (correct: ");
    if (accepted == data)
        tcphs_strbuf_appendf(out, "the %s's %u bytes of data were accepted, TCP Fast Open)", syn, data);
    else
        tcphs_strbuf_appendf(out, "%u of the %s's %u bytes of data were accepted, TCP Fast Open)", accepted, syn,
                             data);
}

/* "ack = x + 1 = 4255483971 + 1 = 4255483972 (correct)" */
static void put_isn_ack_check(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    if (rec->ack_ok) {
        tcphs_ack_arithmetic(out, rec);
        return;
    }
    tcphs_strbuf_appendf(out, "ack = %u, but %c + 1 = ", rec->ack, peer_isn_letter(ctx));
    tcphs_isn_sum(out, ctx->peer_isn, 0);
    tcphs_strbuf_append(out, " (wrong)");
}

static void note_syn(tcphs_strbuf *out, const note_ctx *ctx)
{
    if (ctx->rec->from == TCPHS_SIDE_CLIENT)
        tcphs_strbuf_appendf(out, "Step 1 of 3: client %s asks server %s to connect with SYN; its ISN x = %u",
            ctx->who_ep, ctx->peer_ep, ctx->rec->seq);
    else
        tcphs_strbuf_appendf(out, "Simultaneous open: server %s sends its own SYN before answering the client's; its ISN y = %u",
            ctx->who_ep, ctx->rec->seq);
    if (ctx->rec->len > 0)
        tcphs_strbuf_appendf(out, "; it already carries %u bytes of data (TCP Fast Open)", ctx->rec->len);
}

static void note_syn_ack(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    tcphs_strbuf_appendf(out, "Step 2 of 3: %s %s answers with SYN-ACK; its ISN %c = %u; ",
        rec->from == TCPHS_SIDE_CLIENT ? "client" : "server", ctx->who_ep, own_isn_letter(ctx), rec->seq);
    if (rec->known & TCPHS_KNOWN_ACK_CHECK)
        put_isn_ack_check(out, ctx);
    else if (rec->known & TCPHS_KNOWN_ISN_CLIENT_DERIVED)
        tcphs_strbuf_appendf(out, "ack = %u, so the client's ISN x = ack - 1 = %u (its SYN was not captured)",
            rec->ack, rec->ack - 1);
    else
        tcphs_strbuf_appendf(out, "ack = %u", rec->ack);
}

static void note_handshake_ack(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    tcphs_strbuf_appendf(out, "Step 3 of 3: %s %s acknowledges the SYN-ACK; ", tcphs_side_name(rec->from),
                         ctx->who_ep);
    put_isn_ack_check(out, ctx);
    tcphs_strbuf_append(out, rec->ack_ok ? "; the connection is established" : "; the handshake is invalid");
    if (rec->len > 0)
        tcphs_strbuf_appendf(out, "; it already carries %u bytes of data", rec->len);
}

static void note_syn_retransmission(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    tcphs_strbuf_appendf(out, "%s %s sends its SYN again", ctx->who, ctx->who_ep);
    if (rec->retransmission > 0)
        tcphs_strbuf_appendf(out, " (retransmission %u)", rec->retransmission);
    tcphs_strbuf_appendf(out, " with the same ISN %c = %u: its earlier SYN was not answered in time", own_isn_letter(ctx), rec->seq);
}

static void note_syn_ack_retransmission(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s %s sends its SYN-ACK again with the same ISN %c = %u: it has not seen the %s's ACK yet",
        ctx->who, ctx->who_ep, own_isn_letter(ctx), ctx->rec->seq, ctx->peer);
}

/* The ACK of a segment whose end (seq + len, + 1 for a FIN) is `end` and
 * whose sum is `sum` ("seq + len"): the real one once a later ACK was read
 * (two passes, or the GUI), "acknowledged by frame 18 (relative ack 196814 =
 * seq + len + 17920: it also covers the next 17920 bytes)"; before that,
 * the ack that would cover it, in words that do not say one came. */
static void put_acked(tcphs_strbuf *out, const note_ctx *ctx, uint32_t end, const char *sum, const char *them)
{
    const tcphs_xfer *x = tcphs_record_xfer(ctx->rec);
    uint32_t shown_end = ctx->own_isn_known ? end - ctx->own_isn : end;
    const char *kind = ctx->own_isn_known ? "relative" : "raw";
    uint32_t ack;

    if (x && (x->flags & TCPHS_XFER_ACKED)) {
        tcphs_strbuf_appendf(out, "; acknowledged by frame %u", x->acked_in);
        if (!tcphs_xfer_ack(x, end, &ack))
            tcphs_strbuf_appendf(out, " (its ack reaches 16 MiB or more past %s)", sum);
        else if (ack == end)
            tcphs_strbuf_appendf(out, " (%s ack %u = %s)", kind, shown_end, sum);
        else
            tcphs_strbuf_appendf(out, " (%s ack %u = %s + %u: it also covers the next %u bytes)", kind,
                                 shown_end + (ack - end), sum, ack - end, ack - end);
        return;
    }
    tcphs_strbuf_appendf(out, "; an ACK from the %s covers %s once its ack reaches %s = %u (%s)", ctx->peer, them,
                         sum, shown_end, kind);
}

static void note_data(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    tcphs_strbuf_appendf(out, "%s sends %u bytes of data at ", ctx->who, rec->len);
    put_seq(out, ctx, rec->seq);
    put_acked(out, ctx, rec->seq + rec->len, "seq + len", "them");
    /* RFC 6298, section 3: an ACK of bytes sent more than once cannot tell
     * which copy it answers, so it times neither.  The capture cannot tell
     * a copy from a segment overtaken on its way to the capture point (and
     * Wireshark's releases name the same segment differently), so the note
     * says both.  Short: Wireshark cuts an item's label at 240 characters. */
    if (rec->starts_behind)
        tcphs_strbuf_appendf(out, "; it starts below bytes already sent (a retransmission, or overtaken): "
                                  "no SampleRTT (Karn's rule)");
}

static void note_ack(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s acknowledges the %s's bytes up to ", ctx->who, ctx->peer);
    put_ack(out, ctx, ctx->rec->ack);
    tcphs_strbuf_appendf(out, " (the next byte it expects), sending no data");
}

static void note_keep_alive(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    tcphs_strbuf_appendf(out, "%s keep-alive: ", ctx->who);
    put_seq(out, ctx, rec->seq);
    tcphs_strbuf_appendf(out, " is one below the next expected %u, so it repeats an already acknowledged byte and "
        "makes the %s answer with an ACK", ctx->own_isn_known ? rec->seq - ctx->own_isn + 1 : rec->seq + 1,
        ctx->peer);
}

static void note_keep_alive_ack(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s answers the keep-alive: ", ctx->who);
    put_ack(out, ctx, ctx->rec->ack);
    tcphs_strbuf_appendf(out, " still names the next byte it expects; the connection is alive");
}

/* The same FIN again: its first copy was lost or not acknowledged in time. */
static void note_fin_repeated(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s %s sends its FIN at ", ctx->who, ctx->who_ep);
    put_seq(out, ctx, ctx->rec->seq + ctx->rec->len);
    tcphs_strbuf_appendf(out, " again (a retransmission or a duplicate of the same FIN): not a new close");
}

static void note_fin(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;
    uint32_t fin_seq = rec->seq + rec->len;

    if (rec->known & TCPHS_KNOWN_FIN_REPEATED) {
        note_fin_repeated(out, ctx);
        return;
    }
    tcphs_strbuf_appendf(out, "%s %s starts the close (active close) with FIN", ctx->who, ctx->who_ep);
    if (rec->len > 0)
        tcphs_strbuf_appendf(out, " after %u bytes of data", rec->len);
    tcphs_strbuf_appendf(out, " at ");
    put_seq(out, ctx, fin_seq);
    put_acked(out, ctx, fin_seq + 1, "seq + 1", "it");
}

static void note_peer_fin(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;

    if (rec->known & TCPHS_KNOWN_FIN_REPEATED) {
        note_fin_repeated(out, ctx);
        return;
    }
    tcphs_strbuf_appendf(out, "%s %s closes its side too (passive close) with FIN at ", ctx->who, ctx->who_ep);
    put_seq(out, ctx, rec->seq + rec->len);
    if (rec->known & TCPHS_KNOWN_SIMULTANEOUS_CLOSE)
        tcphs_strbuf_appendf(out, "; both sides sent FIN before seeing the other's: a simultaneous close");
    else if (rec->flags & TCPHS_ACK) {
        tcphs_strbuf_appendf(out, "; ");
        put_ack(out, ctx, rec->ack);
        tcphs_strbuf_appendf(out, " acknowledges the %s's FIN", ctx->peer);
    }
}

static void note_fin_ack(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s acknowledges the %s's FIN: ", ctx->who, ctx->peer);
    put_ack(out, ctx, ctx->rec->ack);
    tcphs_strbuf_appendf(out, " = FIN seq + 1");
}

static void note_rst(tcphs_strbuf *out, const note_ctx *ctx)
{
    const tcphs_record *rec = ctx->rec;
    const tcphs_conn *conn = rec->conn;

    if (rec->anomalies & TCPHS_ANOMALY_REFUSED)
        tcphs_strbuf_appendf(out, "Server %s refuses the connection with RST: nothing accepts connections on port %u",
            ctx->who_ep, conn->server.port);
    else if (rec->anomalies & TCPHS_ANOMALY_ABORTED)
        tcphs_strbuf_appendf(out, "%s %s aborts the handshake with RST before it completed", ctx->who, ctx->who_ep);
    else if (rec->known & TCPHS_KNOWN_AFTER_BOTH_FINS)
        tcphs_strbuf_appendf(out, "%s %s sends RST after both FINs: the connection was already closed", ctx->who, ctx->who_ep);
    else
        tcphs_strbuf_appendf(out, "%s %s resets the connection (RST): an abortive close, no FIN handshake; "
            "data still in flight is discarded", ctx->who, ctx->who_ep);
}

static void note_other(tcphs_strbuf *out, const note_ctx *ctx)
{
    tcphs_strbuf_appendf(out, "%s sends a segment with flags 0x%03x and no data", ctx->who, ctx->rec->flags);
}

typedef void (*note_writer)(tcphs_strbuf *, const note_ctx *);

static const note_writer note_writers[TCPHS_EVENT_COUNT] = {
    [TCPHS_EVENT_SYN]                    = note_syn,
    [TCPHS_EVENT_SYN_ACK]                = note_syn_ack,
    [TCPHS_EVENT_HANDSHAKE_ACK]          = note_handshake_ack,
    [TCPHS_EVENT_SYN_RETRANSMISSION]     = note_syn_retransmission,
    [TCPHS_EVENT_SYN_ACK_RETRANSMISSION] = note_syn_ack_retransmission,
    [TCPHS_EVENT_DATA]                   = note_data,
    [TCPHS_EVENT_ACK]                    = note_ack,
    [TCPHS_EVENT_KEEP_ALIVE]             = note_keep_alive,
    [TCPHS_EVENT_KEEP_ALIVE_ACK]         = note_keep_alive_ack,
    [TCPHS_EVENT_FIN]                    = note_fin,
    [TCPHS_EVENT_PEER_FIN]               = note_peer_fin,
    [TCPHS_EVENT_FIN_ACK]                = note_fin_ack,
    [TCPHS_EVENT_RST]                    = note_rst,
    [TCPHS_EVENT_OTHER]                  = note_other,
};

/* The RFC 9293 state changes the segment made, e.g. " [client FIN-WAIT-1 →
 * FIN-WAIT-2]"; nothing when neither endpoint changed. */
static void put_state_changes(tcphs_strbuf *out, const tcphs_record *rec)
{
    const char *sep = " [";

    for (int side = TCPHS_SIDE_CLIENT; side <= TCPHS_SIDE_SERVER; side++) {
        tcphs_state before = tcphs_state_of(rec->states_before, (tcphs_side)side);
        tcphs_state after = tcphs_state_of(rec->states, (tcphs_side)side);

        if (before == after)
            continue;
        tcphs_strbuf_appendf(out, "%s%s %s " TCPHS_ARROW " %s", sep, tcphs_side_name((tcphs_side)side),
                             tcphs_state_name(before), tcphs_state_name(after));
        sep = ", ";
    }
    if (sep[0] == ',')
        tcphs_strbuf_append(out, "]");
}

void tcphs_note(char *buf, size_t size, const tcphs_record *rec, const char *client_text,
                const char *server_text)
{
    tcphs_strbuf out;
    note_ctx ctx;

    tcphs_strbuf_init(&out, buf, size);
    if (rec->conn == NULL || rec->event >= TCPHS_EVENT_COUNT || note_writers[rec->event] == NULL)
        return;
    build_ctx(&ctx, rec, client_text, server_text);
    note_writers[rec->event](&out, &ctx);
    /* RFC 9293, 3.8.6.2.1: a zero window stops the peer's data until the
     * window opens (Wireshark's [TCP ZeroWindow]: not on SYN, FIN or RST). */
    if (rec->window == 0 && (rec->flags & TCPHS_ACK) && !(rec->flags & (TCPHS_SYN | TCPHS_FIN | TCPHS_RST)))
        tcphs_strbuf_appendf(&out, "; it advertises a zero window: the %s must stop sending data until the "
                                   "window opens", ctx.peer);
    put_state_changes(&out, rec);
}
