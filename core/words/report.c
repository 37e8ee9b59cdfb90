/* report.c: the connection table and the Markdown lab report.
 *
 * Both are written from tcphs_conn records (and, for the report, the few
 * segments gathered with tcphs_report_collect), so they print the same words
 * and numbers as the packet tree.
 */
#include "core/words/report.h"

#include <inttypes.h>
#include <string.h>

#include "core/words/strbuf.h"
#include "core/words/text.h"

#define CELL_MAX 64

/* ---- cells shared by the table and the report -------------------------------- */

/* The negotiated options as a short list: "WS,SACK,TS"; "-" for none, and
 * for a connection whose SYN or SYN-ACK is missing (nothing was negotiated
 * that tcphs saw; the same rule as the tree's tcphs.opt.* verdicts). */
static void format_negotiated(char *buf, size_t size, const tcphs_conn *conn)
{
    static const struct { uint8_t bit; const char *name; } options[] = {
        { TCPHS_OFFER_WSCALE, "WS" }, { TCPHS_OFFER_SACK, "SACK" }, { TCPHS_OFFER_TIMESTAMPS, "TS" },
        { TCPHS_OFFER_ECN, "ECN" }, { TCPHS_OFFER_TFO, "TFO" },
    };
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, buf, size);
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]) && tcphs_conn_options_known(conn); i++) {
        bool accurate = options[i].bit == TCPHS_OFFER_ECN && tcphs_conn_ecn_mode(conn) == TCPHS_ECN_ACCURATE;

        if (!tcphs_conn_negotiated(conn, options[i].bit))
            continue;
        tcphs_strbuf_separate(&out, ",");
        tcphs_strbuf_append(&out, accurate ? "AccECN" : options[i].name);
    }
    if (tcphs_strbuf_empty(&out))
        tcphs_strbuf_append(&out, "-");
}

/* What a SYN or SYN-ACK offered, as Wireshark's Info column writes it. */
static void format_offer(char *buf, size_t size, const tcphs_offer *offer)
{
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, buf, size);
    if (offer->offered & TCPHS_OFFER_MSS)
        tcphs_strbuf_appendf(&out, "MSS=%u", offer->mss);
    if (offer->offered & TCPHS_OFFER_SACK) {
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_append(&out, "SACK_PERM");
    }
    if (offer->offered & TCPHS_OFFER_TIMESTAMPS) {
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_append(&out, "TS");
    }
    if (offer->offered & TCPHS_OFFER_WSCALE) {
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_appendf(&out, "WS=%u", 1u << (offer->wscale > 14 ? 14 : offer->wscale));
    }
    if (offer->offered & TCPHS_OFFER_ECN) {
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_append(&out, "ECN");
    }
    if (offer->offered & TCPHS_OFFER_TFO) {
        tcphs_strbuf_separate(&out, ", ");
        tcphs_strbuf_append(&out, "TFO");
    }
    if (tcphs_strbuf_empty(&out))
        tcphs_strbuf_append(&out, "-");
}

/* ---- the connection table --------------------------------------------------- */

typedef void (*cell_writer)(char *buf, size_t size, const tcphs_conn *conn);

/* A cell's text without printf: a table of many connections formats every
 * cell twice (widths, then output), and a format string parsed per cell
 * costs more than the rest of -z tcphs,conns. */
static void cell_word(char *b, size_t n, const char *word)
{
    size_t len = strlen(word);

    if (n == 0)
        return;
    if (len >= n)
        len = n - 1;
    memcpy(b, word, len);
    b[len] = '\0';
}

static void cell_number(char *b, size_t n, uint64_t value)
{
    char digits[24];
    size_t at = sizeof(digits);

    digits[--at] = '\0';
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    cell_word(b, n, digits + at);
}

static void cell_stream(char *b, size_t n, const tcphs_conn *c) { cell_number(b, n, c->stream); }
static void cell_client(char *b, size_t n, const tcphs_conn *c) { tcphs_endpoint_format(b, n, &c->client); }
static void cell_server(char *b, size_t n, const tcphs_conn *c) { tcphs_endpoint_format(b, n, &c->server); }

static void cell_isn(char *b, size_t n, const tcphs_side_state *side)
{
    if (!side->isn_known) {
        cell_word(b, n, "-");
        return;
    }
    cell_number(b, n, side->syn_seq);
    if (side->isn_derived) {
        size_t len = strlen(b);

        if (len + 1 < n) {      /* "*": derived from the SYN-ACK */
            b[len] = '*';
            b[len + 1] = '\0';
        }
    }
}

static void cell_isn_client(char *b, size_t n, const tcphs_conn *c) { cell_isn(b, n, &c->side[TCPHS_SIDE_CLIENT]); }
static void cell_isn_server(char *b, size_t n, const tcphs_conn *c) { cell_isn(b, n, &c->side[TCPHS_SIDE_SERVER]); }

static void cell_handshake(char *b, size_t n, const tcphs_conn *c)
{
    cell_word(b, n, tcphs_hs_verdict_name(tcphs_conn_hs_verdict(c)));
}

static void cell_irtt(char *b, size_t n, const tcphs_conn *c)
{
    int64_t ns;

    if (tcphs_conn_irtt(c, &ns))
        tcphs_format_seconds(b, n, ns);
    else
        cell_word(b, n, "-");
}

static void cell_mss(char *b, size_t n, const tcphs_conn *c)
{
    if (tcphs_conn_options_known(c))
        cell_number(b, n, tcphs_conn_mss_effective(c));
    else
        cell_word(b, n, "-");
}

static void cell_options(char *b, size_t n, const tcphs_conn *c) { format_negotiated(b, n, c); }

static void cell_close_by(char *b, size_t n, const tcphs_conn *c)
{
    cell_word(b, n, tcphs_close_initiator_name(tcphs_conn_close_initiator(c)));
}

static void cell_close_kind(char *b, size_t n, const tcphs_conn *c)
{
    cell_word(b, n, tcphs_close_kind_name(tcphs_conn_close_kind(c)));
}

/* Where each endpoint ended: its RFC 9293 state after its last segment. */
static void cell_state(char *b, size_t n, const tcphs_conn *c, tcphs_side side)
{
    cell_word(b, n, tcphs_state_name((tcphs_state)c->endpoints.tcb[side].state));
}

static void cell_state_c(char *b, size_t n, const tcphs_conn *c) { cell_state(b, n, c, TCPHS_SIDE_CLIENT); }
static void cell_state_s(char *b, size_t n, const tcphs_conn *c) { cell_state(b, n, c, TCPHS_SIDE_SERVER); }
static void cell_conn_state(char *b, size_t n, const tcphs_conn *c) { cell_word(b, n, tcphs_zeek_conn_state(&c->zeek)); }
static void cell_history(char *b, size_t n, const tcphs_conn *c) { cell_word(b, n, tcphs_zeek_history(&c->zeek)); }
static void cell_pkts_c(char *b, size_t n, const tcphs_conn *c) { cell_number(b, n, c->side[0].packets); }
static void cell_pkts_s(char *b, size_t n, const tcphs_conn *c) { cell_number(b, n, c->side[1].packets); }
static void cell_bytes_c(char *b, size_t n, const tcphs_conn *c) { cell_number(b, n, c->side[0].bytes); }
static void cell_bytes_s(char *b, size_t n, const tcphs_conn *c) { cell_number(b, n, c->side[1].bytes); }
static void cell_duration(char *b, size_t n, const tcphs_conn *c) { tcphs_format_seconds(b, n, c->last_ns - c->first_ns); }

static const struct {
    const char *title;
    cell_writer write;
    bool right;              /* numbers align right in the text table */
} columns[] = {
    { "stream",     cell_stream,     true  },
    { "client",     cell_client,     false },
    { "server",     cell_server,     false },
    { "isn_client", cell_isn_client, true  },
    { "isn_server", cell_isn_server, true  },
    { "handshake",  cell_handshake,  false },
    { "irtt_s",     cell_irtt,       true  },
    { "mss",        cell_mss,        true  },
    { "options",    cell_options,    false },
    { "close_by",   cell_close_by,   false },
    { "close_kind", cell_close_kind, false },
    { "state_c",    cell_state_c,    false },
    { "state_s",    cell_state_s,    false },
    { "conn_state", cell_conn_state, false },
    { "history",    cell_history,    false },
    { "pkts_c",     cell_pkts_c,     true  },
    { "pkts_s",     cell_pkts_s,     true  },
    { "bytes_c",    cell_bytes_c,    true  },
    { "bytes_s",    cell_bytes_s,    true  },
    { "duration_s", cell_duration,   true  },
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
static void write_csv_cell(FILE *out, const char *cell)
{
    if (!strpbrk(cell, ",\"\r\n")) {
        fputs(cell, out);
        return;
    }
    fputc('"', out);
    for (const char *p = cell; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const tcphs_conn *const *conns, size_t count)
{
    char cell[CELL_MAX];

    for (size_t col = 0; col < COLUMN_COUNT; col++)
        fprintf(out, "%s%s", col ? "," : "", columns[col].title);
    fputc('\n', out);
    for (size_t row = 0; row < count; row++) {
        for (size_t col = 0; col < COLUMN_COUNT; col++) {
            if (col)
                fputc(',', out);
            columns[col].write(cell, sizeof(cell), conns[row]);
            write_csv_cell(out, cell);
        }
        fputc('\n', out);
    }
}

/* A cell in a column `width` wide, after the two spaces between columns,
 * appended to the row being built at row[*used] (the row holds every cell
 * at its widest: COLUMN_COUNT x (CELL_MAX + 2)). */
static void append_padded(char *row, size_t *used, bool first, const char *cell, size_t width, bool right)
{
    size_t len = strlen(cell);
    size_t pad = len < width ? width - len : 0;

    if (!first) {
        memset(row + *used, ' ', 2);
        *used += 2;
    }
    if (right) {
        memset(row + *used, ' ', pad);
        *used += pad;
    }
    memcpy(row + *used, cell, len);
    *used += len;
    if (!right) {
        memset(row + *used, ' ', pad);
        *used += pad;
    }
}

/* Aligned text: cells are formatted twice (widths, then output) rather than
 * kept, so a table of a million connections needs no memory of its own;
 * each row is written at once. */
static void write_aligned(FILE *out, const tcphs_conn *const *conns, size_t count)
{
    size_t width[COLUMN_COUNT];
    char cell[CELL_MAX];
    char row[COLUMN_COUNT * (CELL_MAX + 2) + 1];
    size_t used = 0;

    for (size_t col = 0; col < COLUMN_COUNT; col++)
        width[col] = strlen(columns[col].title);
    for (size_t r = 0; r < count; r++) {
        for (size_t col = 0; col < COLUMN_COUNT; col++) {
            columns[col].write(cell, sizeof(cell), conns[r]);
            if (strlen(cell) > width[col])
                width[col] = strlen(cell);
        }
    }
    for (size_t col = 0; col < COLUMN_COUNT; col++)
        append_padded(row, &used, col == 0, columns[col].title, width[col], columns[col].right);
    row[used++] = '\n';
    fwrite(row, 1, used, out);
    for (size_t r = 0; r < count; r++) {
        used = 0;
        for (size_t col = 0; col < COLUMN_COUNT; col++) {
            columns[col].write(cell, sizeof(cell), conns[r]);
            append_padded(row, &used, col == 0, cell, width[col], columns[col].right);
        }
        row[used++] = '\n';
        fwrite(row, 1, used, out);
    }
}

void tcphs_write_conns_table(FILE *out, const tcphs_conn *const *conns, size_t count, bool csv)
{
    if (csv)
        write_csv(out, conns, count);
    else
        write_aligned(out, conns, count);
}

/* ---- collecting a stream's segments for the report ------------------------------ */

void tcphs_report_init(tcphs_report_stream *rs, const tcphs_conn *conn)
{
    memset(rs, 0, sizeof(*rs));
    rs->conn = conn;
    tcphs_lab_init(&rs->lab, conn);
    tcphs_rounds_report_init(&rs->rounds, conn);
}

void tcphs_report_set_analysis_off(tcphs_report_stream *rs)
{
    rs->analysis_marks_off = true;
}

/* A count that comes from Wireshark's analysis marks. */
static void write_marked_counts(FILE *out, const tcphs_report_stream *rs, const char *what, uint32_t client,
                                uint32_t server)
{
    if (rs->analysis_marks_off)
        fprintf(out, "| %s | unknown | unknown |\n", what);
    else
        fprintf(out, "| %s | %" PRIu32 " | %" PRIu32 " |\n", what, client, server);
}

static bool is_teardown_event(uint8_t event)
{
    return event == TCPHS_EVENT_FIN || event == TCPHS_EVENT_PEER_FIN || event == TCPHS_EVENT_FIN_ACK ||
           event == TCPHS_EVENT_RST;
}

void tcphs_report_collect(tcphs_report_stream *rs, uint32_t frame, int64_t rel_ns, const tcphs_record *rec)
{
    tcphs_report_row row = { frame, rel_ns, rec };

    tcphs_lab_collect(&rs->lab, frame, rel_ns, rec);
    tcphs_rounds_report_collect(&rs->rounds, frame, rel_ns, rec);
    if (rs->first_frame == 0) {
        rs->first_frame = frame;
        rs->first_rel_ns = rel_ns;
    }
    rs->last_frame = frame;
    rs->last_rel_ns = rel_ns;
    if (rec->step != 0 && rs->handshake[rec->step - 1][rec->from].frame == 0)
        rs->handshake[rec->step - 1][rec->from] = row;
    if (rec->len > 0) {
        rs->data_segments[rec->from]++;
        if (rs->first_data.frame == 0 && rec->event != TCPHS_EVENT_SYN && rec->event != TCPHS_EVENT_SYN_ACK)
            rs->first_data = row;
    }
    if (is_teardown_event(rec->event)) {
        if (rs->teardown_count < TCPHS_REPORT_TEARDOWN_ROWS)
            rs->teardown[rs->teardown_count] = row;
        rs->teardown_count++;
    }
}

/* ---- the Markdown report -------------------------------------------------------------- */

/* " 4255483972 | 1 |": the raw value, and the value relative to isn when known. */
static void write_seq_pair(FILE *out, uint32_t value, bool isn_known, uint32_t isn)
{
    if (isn_known)
        fprintf(out, " %" PRIu32 " | %" PRIu32 " |", value, value - isn);
    else
        fprintf(out, " %" PRIu32 " | - |", value);
}

/* The "seq raw | seq rel | ack raw | ack rel |" cells of a segment: its seq
 * relative to its sender's ISN, its ack to the peer's. */
static void write_seq_ack_cells(FILE *out, const tcphs_record *rec)
{
    uint32_t own_isn, peer_isn;
    bool own_known = tcphs_record_isn(rec, (tcphs_side)rec->from, &own_isn);
    bool peer_known = tcphs_record_isn(rec, tcphs_other_side((tcphs_side)rec->from), &peer_isn);

    write_seq_pair(out, rec->seq, own_known, own_isn);
    if (rec->flags & TCPHS_ACK)
        write_seq_pair(out, rec->ack, peer_known, peer_isn);
    else
        fprintf(out, " - | - |");
}

/* RFC 7323, 2.2: a side's window field is scaled by the shift that side
 * offered, once both offered one; SYNs are never scaled. */
static void write_window(FILE *out, const tcphs_conn *conn, const tcphs_record *rec)
{
    const tcphs_offer *sender = &conn->offer[rec->from];

    if ((rec->flags & TCPHS_SYN) || !tcphs_conn_options_known(conn) ||
        !tcphs_conn_negotiated(conn, TCPHS_OFFER_WSCALE) || sender->wscale == 0) {
        fprintf(out, "%u", rec->window);
        return;
    }
    fprintf(out, "%u × 2^%u = %" PRIu64, rec->window, sender->wscale,
            (uint64_t)rec->window << (sender->wscale > 14 ? 14 : sender->wscale));
}

/* " SYN-SENT | LISTEN |": both endpoints' RFC 9293 states once the segment
 * was sent and delivered, the table a textbook prints beside the segments. */
static void write_state_cells(FILE *out, const tcphs_record *rec)
{
    fprintf(out, " %s | %s |", tcphs_state_name(tcphs_state_of(rec->states, TCPHS_SIDE_CLIENT)),
            tcphs_state_name(tcphs_state_of(rec->states, TCPHS_SIDE_SERVER)));
}

static const char *const handshake_step_names[] = { "1 SYN", "2 SYN-ACK", "3 ACK" };

static void write_handshake_row(FILE *out, const tcphs_report_stream *rs, int step, const tcphs_report_row *row)
{
    const tcphs_record *rec = row->rec;
    char flags[TCPHS_FLAGS_STRLEN], seconds[CELL_MAX], options[CELL_MAX];

    tcphs_flags_format(flags, sizeof(flags), rec->flags);
    tcphs_format_seconds(seconds, sizeof(seconds), row->rel_ns);
    if (step < 2)
        format_offer(options, sizeof(options), &rs->conn->offer[rec->from]);
    else
        snprintf(options, sizeof(options), "-");
    fprintf(out, "| %s | %" PRIu32 " | %s | %s | %s |", handshake_step_names[step], row->frame, seconds,
            tcphs_direction_name((tcphs_side)rec->from), flags);
    write_seq_ack_cells(out, rec);
    fprintf(out, " ");
    write_window(out, rs->conn, rec);
    fprintf(out, " | %s |", options);
    write_state_cells(out, rec);
    fprintf(out, "\n");
}

/* The captured segments of a handshake step, in capture order: one, or
 * two in a simultaneous open (each side sends a SYN and a SYN-ACK, RFC
 * 9293 figure 8). */
static int step_rows(const tcphs_report_stream *rs, int step, const tcphs_report_row *rows[2])
{
    const tcphs_report_row *client = &rs->handshake[step][TCPHS_SIDE_CLIENT];
    const tcphs_report_row *server = &rs->handshake[step][TCPHS_SIDE_SERVER];
    int count = 0;

    if (client->frame && (!server->frame || client->frame < server->frame)) {
        rows[count++] = client;
        if (server->frame)
            rows[count++] = server;
    } else if (server->frame) {
        rows[count++] = server;
        if (client->frame)
            rows[count++] = client;
    }
    return count;
}

/* A handshake step's rows, or a "not captured" row where the capture
 * lacks it: except the third step of a simultaneous open (both sides sent
 * a SYN), which needs none when the SYN-ACKs cross. */
static void write_handshake_step(FILE *out, const tcphs_report_stream *rs, int step)
{
    const tcphs_report_row *rows[2];
    int count = step_rows(rs, step, rows);
    bool simultaneous = rs->handshake[0][TCPHS_SIDE_CLIENT].frame && rs->handshake[0][TCPHS_SIDE_SERVER].frame;

    for (int i = 0; i < count; i++)
        write_handshake_row(out, rs, step, rows[i]);
    if (count == 0 && !(step == 2 && simultaneous))
        fprintf(out, "| %s | not captured | | | | | | | | | | | |\n", handshake_step_names[step]);
}

/* "SYN-ACK (frame 2): ack = x + 1 = 4255483971 + 1 = 4255483972 (correct)".
 * The ack refers to the ISN of the segment's peer: x for the server's
 * segments, y for the client's (a simultaneous open has both). */
static void write_ack_arithmetic(FILE *out, const tcphs_report_row *row, const char *segment)
{
    const tcphs_record *rec = row->rec;
    bool from_client;
    uint32_t isn;
    char text[TCPHS_NOTE_MAX];
    tcphs_strbuf sb;

    if (row->frame == 0 || !(rec->known & TCPHS_KNOWN_ACK_CHECK))
        return;   /* the segment was not captured, or has nothing to check */
    if (rec->ack_ok) {
        tcphs_strbuf_init(&sb, text, sizeof(text));
        tcphs_ack_arithmetic(&sb, rec);
        fprintf(out, "- %s (frame %" PRIu32 "): %s\n", segment, row->frame, text);
        return;
    }
    from_client = rec->from == TCPHS_SIDE_CLIENT;
    isn = from_client ? rec->isn_server : rec->isn_client;
    tcphs_strbuf_init(&sb, text, sizeof(text));
    tcphs_isn_sum(&sb, isn, 0);
    fprintf(out, "- %s (frame %" PRIu32 "): ack = %c + 1 = %s \n", segment, row->frame, from_client ? 'y' : 'x', text);
    fprintf(out, "  - but the segment carries ack = %" PRIu32 ": **wrong**\n", rec->ack);
}

static void write_handshake(FILE *out, const tcphs_report_stream *rs)
{
    const tcphs_conn *conn = rs->conn;
    const tcphs_side_state *client = &conn->side[TCPHS_SIDE_CLIENT];
    const tcphs_side_state *server = &conn->side[TCPHS_SIDE_SERVER];
    char text[CELL_MAX];
    int64_t ns;

    fprintf(out, "### Handshake\n\n");
    fprintf(out, "Handshake state: **%s**", tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn)));
    if (tcphs_conn_irtt(conn, &ns)) {
        tcphs_format_seconds(text, sizeof(text), ns);
        fprintf(out, "; initial RTT %s s", text);
    }
    if (conn->syn_retransmissions)
        fprintf(out, "; the SYN was sent %" PRIu32 " more time(s)", conn->syn_retransmissions);
    fprintf(out, ".\n\n");
    if (tcphs_conn_hs_verdict(conn) == TCPHS_HS_NOT_SEEN) {
        fprintf(out, "The capture started after the handshake: no SYN or SYN-ACK was captured%s.\n\n",
                conn->role_guessed ? ", so client and server were guessed from the first segment and the ports" : "");
        return;
    }
    fprintf(out, "| Step | Frame | Time (s) | Direction | Flags | Seq (raw) | Seq (rel) | Ack (raw) | Ack (rel) "
                 "| Window | Options | Client state | Server state |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int step = 0; step < 3; step++)
        write_handshake_step(out, rs, step);
    fprintf(out, "\nISN arithmetic (a SYN occupies one sequence number, so it is acknowledged with ISN + 1):\n\n");
    if (client->isn_known)
        fprintf(out, "- client ISN x = %" PRIu32 "%s\n", client->syn_seq,
                client->isn_derived ? " (derived: the SYN-ACK's ack - 1, the SYN was not captured)" : "");
    if (server->isn_known)
        fprintf(out, "- server ISN y = %" PRIu32 "\n", server->syn_seq);
    for (int step = 1; step < 3; step++) {
        const tcphs_report_row *rows[2];
        int count = step_rows(rs, step, rows);

        for (int i = 0; i < count; i++)
            write_ack_arithmetic(out, rows[i], step == 1 ? "SYN-ACK" : "ACK");
    }
    fprintf(out, "\n");
    if (tcphs_conn_options_known(conn)) {
        format_negotiated(text, sizeof(text), conn);
        fprintf(out, "Negotiated: effective MSS %u; options %s (both sides offered them).\n\n",
                tcphs_conn_mss_effective(conn), text);
    }
}

static void write_data_transfer(FILE *out, const tcphs_report_stream *rs)
{
    const tcphs_side_state *c = &rs->conn->side[TCPHS_SIDE_CLIENT];
    const tcphs_side_state *s = &rs->conn->side[TCPHS_SIDE_SERVER];
    char seconds[CELL_MAX];

    fprintf(out, "### Data transfer\n\n");
    if (rs->first_data.frame) {
        tcphs_format_seconds(seconds, sizeof(seconds), rs->first_data.rel_ns);
        fprintf(out, "Data transfer starts at frame %" PRIu32 " (%s s), sent by the %s.\n\n", rs->first_data.frame,
                seconds, tcphs_side_name(rs->first_data.rec->from));
    } else {
        fprintf(out, "No segment carried data.\n\n");
    }
    fprintf(out, "| | client → server | server → client |\n|---|---|---|\n");
    fprintf(out, "| Segments | %" PRIu32 " | %" PRIu32 " |\n", c->packets, s->packets);
    fprintf(out, "| Segments with data | %" PRIu32 " | %" PRIu32 " |\n", rs->data_segments[0], rs->data_segments[1]);
    fprintf(out, "| Payload bytes | %" PRIu64 " | %" PRIu64 " |\n", c->bytes, s->bytes);
    write_marked_counts(out, rs, "Keep-alives", c->keep_alives, s->keep_alives);
    write_marked_counts(out, rs, "Retransmissions", c->retransmissions, s->retransmissions);
    if (rs->analysis_marks_off)
        fprintf(out, "\nKeep-alives and retransmissions are Wireshark's tcp.analysis marks, and its TCP "
                     "sequence analysis is off (tcp.analyze_sequence_numbers): they are unknown, and a "
                     "keep-alive reads as an ACK.\n");
    fprintf(out, "\n");
}

static void write_teardown(FILE *out, const tcphs_report_stream *rs)
{
    const tcphs_conn *conn = rs->conn;
    tcphs_close_initiator by = tcphs_conn_close_initiator(conn);
    tcphs_close_kind kind = tcphs_conn_close_kind(conn);
    char flags[TCPHS_FLAGS_STRLEN], seconds[CELL_MAX];

    fprintf(out, "### Teardown\n\n");
    if (by == TCPHS_CLOSE_BY_NONE) {
        fprintf(out, "The connection was not closed in this capture.\n\n");
        return;
    }
    if (by == TCPHS_CLOSE_BY_BOTH)
        fprintf(out, "Both sides closed at the same time (simultaneous close); close kind: **%s**.\n\n",
                tcphs_close_kind_name(kind));
    else
        fprintf(out, "The **%s** closed the connection first (%s); close kind: **%s**.\n\n",
                tcphs_close_initiator_name(by), conn->fin_seen ? "active close, FIN" : "reset, RST",
                tcphs_close_kind_name(kind));
    fprintf(out, "| Frame | Time (s) | Direction | Flags | Event | Seq (raw) | Seq (rel) | Ack (raw) | Ack (rel) "
                 "| Client state | Server state |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (uint32_t i = 0; i < rs->teardown_count && i < TCPHS_REPORT_TEARDOWN_ROWS; i++) {
        const tcphs_report_row *row = &rs->teardown[i];
        const tcphs_record *rec = row->rec;

        tcphs_flags_format(flags, sizeof(flags), rec->flags);
        tcphs_format_seconds(seconds, sizeof(seconds), row->rel_ns);
        fprintf(out, "| %" PRIu32 " | %s | %s | %s | %s |", row->frame, seconds,
                tcphs_direction_name((tcphs_side)rec->from), flags,
                tcphs_event_name(rec->event));
        write_seq_ack_cells(out, rec);
        write_state_cells(out, rec);
        fprintf(out, "\n");
    }
    if (rs->teardown_count > TCPHS_REPORT_TEARDOWN_ROWS)
        fprintf(out, "\n(%" PRIu32 " more closing segments not shown.)\n",
                rs->teardown_count - TCPHS_REPORT_TEARDOWN_ROWS);
    fprintf(out, "\n");
}

void tcphs_write_report(FILE *out, const tcphs_report_stream *rs)
{
    const tcphs_conn *conn = rs->conn;
    char client[TCPHS_ENDPOINT_STRLEN], server[TCPHS_ENDPOINT_STRLEN], seconds[CELL_MAX];

    tcphs_endpoint_format(client, sizeof(client), &conn->client);
    tcphs_endpoint_format(server, sizeof(server), &conn->server);
    fprintf(out, "## TCP stream %" PRIu32 ": client %s, server %s\n\n", conn->stream, client, server);
    if (conn->role_guessed)
        fprintf(out, "(Roles guessed: neither a SYN nor a SYN-ACK was captured.)\n\n");
    write_handshake(out, rs);
    write_data_transfer(out, rs);
    tcphs_write_lab_transfer(out, &rs->lab);
    tcphs_write_rounds(out, &rs->rounds);
    write_teardown(out, rs);
    tcphs_format_seconds(seconds, sizeof(seconds), conn->last_ns - conn->first_ns);
    fprintf(out, "### Duration\n\n%s s from frame %" PRIu32 " to frame %" PRIu32 ": %" PRIu32 " segments, %" PRIu64
                 " payload bytes.\n\n", seconds, rs->first_frame, rs->last_frame,
            conn->side[0].packets + conn->side[1].packets, conn->side[0].bytes + conn->side[1].bytes);
}

static uint32_t sent_again(const tcphs_report_stream *rs, tcphs_side side)
{
    const tcphs_conn *conn = rs->conn;

    return rs->lab.side[side].retransmissions +
           (side == TCPHS_SIDE_CLIENT ? conn->syn_retransmissions : conn->synack_retransmissions);
}

bool tcphs_report_in_trouble(const tcphs_report_stream *rs)
{
    const tcphs_conn *conn = rs->conn;
    tcphs_hs_verdict verdict = tcphs_conn_hs_verdict(conn);

    return verdict == TCPHS_HS_REFUSED || verdict == TCPHS_HS_ABORTED ||
           tcphs_conn_close_kind(conn) == TCPHS_CLOSE_RESET || sent_again(rs, TCPHS_SIDE_CLIENT) > 0 ||
           sent_again(rs, TCPHS_SIDE_SERVER) > 0;
}

void tcphs_write_report_summary(FILE *out, const tcphs_report_stream *const *streams, size_t count)
{
    char client[TCPHS_ENDPOINT_STRLEN], server[TCPHS_ENDPOINT_STRLEN], seconds[CELL_MAX], irtt[CELL_MAX];

    fprintf(out, "| Stream | Client | Server | Handshake | Close | Segments | Bytes client → server | "
                 "Bytes server → client | Sent again client → server | Sent again server → client | "
                 "Initial RTT (s) | Duration (s) |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < count; i++) {
        const tcphs_conn *conn = streams[i]->conn;
        tcphs_close_initiator by = tcphs_conn_close_initiator(conn);
        int64_t ns;

        tcphs_endpoint_format(client, sizeof(client), &conn->client);
        tcphs_endpoint_format(server, sizeof(server), &conn->server);
        tcphs_format_seconds(seconds, sizeof(seconds), conn->last_ns - conn->first_ns);
        if (tcphs_conn_irtt(conn, &ns))
            tcphs_format_seconds(irtt, sizeof(irtt), ns);
        else
            snprintf(irtt, sizeof(irtt), "-");
        fprintf(out, "| %" PRIu32 " | %s | %s | %s | ", conn->stream, client, server,
                tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn)));
        if (by == TCPHS_CLOSE_BY_NONE)
            fprintf(out, "none");
        else
            fprintf(out, "%s by %s", tcphs_close_kind_name(tcphs_conn_close_kind(conn)),
                    tcphs_close_initiator_name(by));
        fprintf(out, " | %" PRIu32 " | %" PRIu64 " | %" PRIu64 " | %" PRIu32 " | %" PRIu32 " | %s | %s |\n",
                conn->side[0].packets + conn->side[1].packets, conn->side[0].bytes, conn->side[1].bytes,
                sent_again(streams[i], TCPHS_SIDE_CLIENT), sent_again(streams[i], TCPHS_SIDE_SERVER), irtt, seconds);
    }
    fprintf(out, "\n");
}

void tcphs_write_report_selection(FILE *out, size_t shown, size_t total, const char *filter)
{
    if (filter)
        fprintf(out, "Full sections for the %zu of %zu streams with a frame that matches the display filter "
                     "`%s`:\n\n", shown, total, filter);
    else if (shown < total)
        fprintf(out, "Full sections for the first %d streams and every later one in trouble (refused, "
                     "aborted, reset, or segments sent again): %zu of %zu streams.\n\n",
                TCPHS_REPORT_FULL_FIRST, shown, total);
}

void tcphs_write_report_left_out(FILE *out, size_t left_out, const char *filter)
{
    if (left_out == 0)
        return;
    fprintf(out, "%zu stream%s %s in the summary table only%s. For the full section of one, "
                 "`-z tcphs,report,STREAM` (its number); for those a display filter selects, "
                 "`-z \"tcphs,report,FILTER\"`, e.g. `-z \"tcphs,report,tcp.port == 443\"`.\n",
            left_out, left_out == 1 ? "" : "s", left_out == 1 ? "is" : "are",
            filter ? ": no frame of theirs matches the filter" : " (after the first streams, not in trouble)");
}

/* ---- segments too short to analyse ------------------------------------------ */

void tcphs_write_cut_headers(FILE *out, uint32_t segments, uint32_t snaplen)
{
    if (segments == 0)
        return;
    /* The options may add 40 bytes to the header (RFC 9293, 3.1: data offset
     * of at most 15 words); the handshake's options need them. */
    fprintf(out, "%" PRIu32 " TCP segment%s %s cut by the snaplen before the end of %s 20-byte header "
            "and could not be analysed; capture with a snaplen of at least %" PRIu32
            " bytes (%" PRIu32 " to keep every TCP option).\n",
            segments, segments == 1 ? "" : "s", segments == 1 ? "was" : "were",
            segments == 1 ? "its" : "their", snaplen, snaplen + 40);
}
