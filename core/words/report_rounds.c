/* report_rounds.c: the "Rounds" section of the lab report, its answer
 * sentence and its two Mermaid charts (report_rounds.h). */
#include "core/words/report_rounds.h"

#include <inttypes.h>
#include <glib.h>
#include <string.h>

#include "core/words/names.h"
#include "core/words/text.h"

#define ANSWER_MAX 1024
#define ANSWER_RANGES 5
/* Up to this many bars the axis names the phases in full ("3 loss recovery"). */
#define BAR_WORDS 6
#define TCPHS_STR_(x) #x
#define TCPHS_STR(x) TCPHS_STR_(x)
/* Blue bars and SampleRTT, red EstimatedRTT (Mermaid's default bars are
 * pale lilac); 1100 pixels wide, with small axis labels, so that 40 frame
 * numbers of four digits fit. */
#define PALETTE "%%{init: {\"xyChart\": {\"width\": 1100, \"xAxis\": {\"labelFontSize\": 12}}, \"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"#1f77b4, #d62728\"}}}}%%\n"

/* ---- gathering ------------------------------------------------------------------------ */

void tcphs_rounds_report_init(tcphs_rounds_report *rr, const tcphs_conn *conn)
{
    memset(rr, 0, sizeof(*rr));
    rr->conn = conn;
    rr->rtt[0].stride = rr->rtt[1].stride = 1;
}

/* A segment that may give a SampleRTT fed to the estimator: payload of a
 * sender, not a keep-alive, not sent again (Karn's rule), with a slot. */
static bool may_sample(const tcphs_record *rec)
{
    return rec->len > 0 && rec->xfer != 0 && !(rec->flags & (TCPHS_SYN | TCPHS_RST)) &&
           rec->event != TCPHS_EVENT_KEEP_ALIVE && !rec->starts_behind;
}

static void offer_point(tcphs_rtt_points *p, uint32_t frame, uint32_t slot)
{
    uint32_t seen = p->seen++;

    if (seen % p->stride != 0)
        return;
    if (p->kept == TCPHS_RTT_POINTS) {
        /* Keep every second point, and from now on every 2 x stride-th
         * segment: seen is a multiple of both strides here. */
        for (uint32_t i = 0; i < TCPHS_RTT_POINTS / 2; i++) {
            p->frame[i] = p->frame[2 * i];
            p->slot[i] = p->slot[2 * i];
        }
        p->kept = TCPHS_RTT_POINTS / 2;
        p->stride *= 2;
    }
    p->frame[p->kept] = frame;
    p->slot[p->kept] = slot;
    p->kept++;
}

void tcphs_rounds_report_collect(tcphs_rounds_report *rr, uint32_t frame, int64_t rel_ns, const tcphs_record *rec)
{
    if (!rr->base_known) {
        /* The connection's first segment is the first the report sees. */
        rr->base_ns = rel_ns - rr->conn->first_ns;
        rr->base_known = true;
    }
    if (may_sample(rec))
        offer_point(&rr->rtt[rec->from & 1], frame, rec->xfer);
}

/* ---- the answer ------------------------------------------------------------------------ */

/* Seconds with three decimals (rounded to the millisecond): "0.577". */
static void format_s3(char *buf, size_t size, int64_t ns)
{
    tcphs_format_scaled(buf, size, ns, 1000000000u, 3);
}

static bool same_phase(const tcphs_round_line *r, tcphs_round_phase phase) { return r->phase == phase; }

/* "rounds 1-2 and 4", "round 3", "from round 5"; the time span after it. */
static void write_rounds_of(tcphs_strbuf *sb, const tcphs_round_line *rounds, uint32_t count,
                            tcphs_round_phase phase)
{
    uint32_t ranges = 0, members = 0, first = UINT32_MAX, last = 0;
    char from[32], to[32];

    for (uint32_t i = 0; i < count; i++) {
        if (!same_phase(&rounds[i], phase))
            continue;
        members++;
        if (first == UINT32_MAX)
            first = i;
        last = i;
        if (i == 0 || !same_phase(&rounds[i - 1], phase))
            ranges++;
    }
    format_s3(from, sizeof(from), rounds[first].start_ns);
    format_s3(to, sizeof(to), rounds[last].start_ns);
    if (ranges == 1 && members >= 2 && last == count - 1 && first > 0) {
        tcphs_strbuf_appendf(sb, " from round %" PRIu32 " (%s s on)", rounds[first].round, from);
        return;
    }
    if (members == 1) {
        tcphs_strbuf_appendf(sb, " in round %" PRIu32 " (%s s)", rounds[first].round, from);
        return;
    }
    tcphs_strbuf_append(sb, " in rounds ");
    uint32_t written = 0, shown = ranges > ANSWER_RANGES ? ANSWER_RANGES : ranges;

    for (uint32_t i = 0; i < count && written < shown; i++) {
        uint32_t j = i;

        if (!same_phase(&rounds[i], phase))
            continue;
        while (j + 1 < count && same_phase(&rounds[j + 1], phase))
            j++;
        if (written > 0)
            tcphs_strbuf_append(sb, written + 1 == shown && shown == ranges ? " and " : ", ");
        if (j > i)
            tcphs_strbuf_appendf(sb, "%" PRIu32 "-%" PRIu32, rounds[i].round, rounds[j].round);
        else
            tcphs_strbuf_appendf(sb, "%" PRIu32, rounds[i].round);
        written++;
        i = j;
    }
    if (ranges > shown)
        tcphs_strbuf_appendf(sb, " and %" PRIu32 " more ranges (%" PRIu32 " rounds)", ranges - shown, members);
    tcphs_strbuf_appendf(sb, ", %s-%s s", from, to);
}

/* " at 8192 bytes in flight while the receiver offered up to 62780" */
static void write_limit(tcphs_strbuf *sb, const tcphs_round_line *rounds, uint32_t count, tcphs_round_phase phase)
{
    uint32_t lo = UINT32_MAX, hi = 0, window = 0;
    bool window_known = false;

    for (uint32_t i = 0; i < count; i++) {
        if (!same_phase(&rounds[i], phase))
            continue;
        if (rounds[i].inflight < lo)
            lo = rounds[i].inflight;
        if (rounds[i].inflight > hi)
            hi = rounds[i].inflight;
        if (rounds[i].window_known && (!window_known || rounds[i].window > window)) {
            window = rounds[i].window;
            window_known = true;
        }
    }
    if (lo == hi)
        tcphs_strbuf_appendf(sb, " at %" PRIu32 " bytes in flight", hi);
    else
        tcphs_strbuf_appendf(sb, " at %" PRIu32 "-%" PRIu32 " bytes in flight", lo, hi);
    if (window_known)
        tcphs_strbuf_appendf(sb, " while the receiver offered up to %" PRIu32, window);
}

static void write_sent_again(tcphs_strbuf *sb, const tcphs_round_line *rounds, uint32_t count)
{
    uint64_t again = 0;

    for (uint32_t i = 0; i < count; i++)
        if (same_phase(&rounds[i], TCPHS_ROUND_LOSS_RECOVERY))
            again += rounds[i].sent_again;
    tcphs_strbuf_appendf(sb, ", %" PRIu64 " segment%s sent again", again, again == 1 ? "" : "s");
}

void tcphs_rounds_answer(tcphs_strbuf *out, const tcphs_round_line *rounds, uint32_t count)
{
    static const tcphs_round_phase order[] = {
        TCPHS_ROUND_SLOW_START, TCPHS_ROUND_CONGESTION_AVOIDANCE, TCPHS_ROUND_LOSS_RECOVERY,
        TCPHS_ROUND_RECEIVER_LIMITED, TCPHS_ROUND_SENDER_LIMITED,
    };
    size_t start = out->len;

    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        tcphs_round_phase phase = order[k];
        bool seen = false;

        for (uint32_t i = 0; i < count && !seen; i++)
            seen = same_phase(&rounds[i], phase);
        if (!seen && phase != TCPHS_ROUND_SLOW_START && phase != TCPHS_ROUND_CONGESTION_AVOIDANCE)
            continue;
        if (out->len > start)
            tcphs_strbuf_append(out, "; ");
        if (!seen) {
            tcphs_strbuf_appendf(out, "never %s", tcphs_round_phase_name(phase));
            continue;
        }
        tcphs_strbuf_append(out, tcphs_round_phase_name(phase));
        write_rounds_of(out, rounds, count, phase);
        if (phase == TCPHS_ROUND_LOSS_RECOVERY)
            write_sent_again(out, rounds, count);
        else if (phase == TCPHS_ROUND_RECEIVER_LIMITED || phase == TCPHS_ROUND_SENDER_LIMITED)
            write_limit(out, rounds, count, phase);
    }
    tcphs_strbuf_append(out, ".");
    if (out->len > start && out->buf[start] >= 'a' && out->buf[start] <= 'z')
        out->buf[start] = (char)(out->buf[start] - 'a' + 'A');
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Short names for the bar chart's axis, where whole words do not fit. */
static const char *phase_abbreviation(tcphs_round_phase phase)
{
    switch (phase) {
    case TCPHS_ROUND_LOSS_RECOVERY:        return "lr";
    case TCPHS_ROUND_RECEIVER_LIMITED:     return "rl";
    case TCPHS_ROUND_SLOW_START:           return "ss";
    case TCPHS_ROUND_CONGESTION_AVOIDANCE: return "ca";
    case TCPHS_ROUND_SENDER_LIMITED:       return "sl";
    default:                               return "?";
    }
}

static uint32_t side_rounds(const tcphs_conn *conn, tcphs_side side)
{
    return tcphs_rounds_counts(tcphs_conn_rounds(conn), side).rounds;
}

/* The rounds of one sender as the answer and the table read them; NULL
 * when memory ran out. */
static tcphs_round_line *round_lines(const tcphs_rounds_report *rr, tcphs_side side, uint32_t count)
{
    const tcphs_rounds *rounds = tcphs_conn_rounds(rr->conn);
    tcphs_round_line *lines = g_try_new0(tcphs_round_line, count);

    if (!lines)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        const tcphs_round *r = tcphs_rounds_get(rounds, side, i + 1);
        tcphs_round_decision d;

        lines[i].round = i + 1;
        if (!r || !tcphs_rounds_decide(rounds, side, i + 1, &d))
            continue;
        lines[i].phase = d.phase;
        lines[i].start_ns = r->start_ns + rr->base_ns;
        lines[i].inflight = r->inflight;
        lines[i].window = r->window;
        lines[i].window_known = (r->flags & TCPHS_ROUND_WINDOW_KNOWN) != 0;
        lines[i].sent_again = r->sent_again;
    }
    return lines;
}

static void write_table(FILE *out, const tcphs_rounds_report *rr, tcphs_side side, const tcphs_round_line *lines,
                        uint32_t count)
{
    const tcphs_rounds *rounds = tcphs_conn_rounds(rr->conn);

    fprintf(out, "| Round | First frame | Start (s) | Segments | New bytes | Growth | Most in flight "
                 "| Receiver's window | Phase |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|\n");
    for (uint32_t i = 0; i < count; i++) {
        const tcphs_round *r = tcphs_rounds_get(rounds, side, i + 1);
        char start[32], growth[32], window[32];
        double g;

        if (!r)
            continue;
        tcphs_format_seconds(start, sizeof(start), lines[i].start_ns);
        if (tcphs_rounds_growth(rounds, side, i + 1, &g))
            snprintf(growth, sizeof(growth), "%.2f", g);
        else
            snprintf(growth, sizeof(growth), "-");
        if (lines[i].window_known)
            snprintf(window, sizeof(window), "%" PRIu32, lines[i].window);
        else
            snprintf(window, sizeof(window), "-");
        fprintf(out, "| %" PRIu32 " | %" PRIu32 " | %s | %" PRIu32 " | %" PRIu32 " | %s | %" PRIu32 " | %s | %s%s |\n",
                i + 1, r->first_frame, start, r->segments, r->bytes, growth, r->inflight, window,
                tcphs_round_phase_name(lines[i].phase), r->end_frame ? "" : " (not ended)");
    }
    fprintf(out, "\n");
}

static void write_bytes_chart(FILE *out, const tcphs_rounds_report *rr, tcphs_side side,
                              const tcphs_round_line *lines, uint32_t count)
{
    const tcphs_rounds *rounds = tcphs_conn_rounds(rr->conn);
    uint32_t drawn = count < TCPHS_ROUND_BARS ? count : TCPHS_ROUND_BARS;

    bool words = drawn <= BAR_WORDS;

    if (words)
        fprintf(out, "New bytes per round (bars; on the axis each round's number and phase):\n\n");
    else
        fprintf(out, "New bytes per round%s (bars; on the axis each round's number and phase: ss slow start, "
                     "ca congestion avoidance, lr loss recovery, rl receiver-limited, sl sender-limited):\n\n",
                drawn < count ? ", the first " TCPHS_STR(TCPHS_ROUND_BARS) " rounds" : "");
    uint32_t most = 0;

    for (uint32_t i = 0; i < drawn; i++) {
        const tcphs_round *r = tcphs_rounds_get(rounds, side, i + 1);

        if (r && r->bytes > most)
            most = r->bytes;
    }
    fprintf(out, "```mermaid\n%sxychart-beta\n", PALETTE);
    fprintf(out, "    title \"New bytes per round, %s\"\n", tcphs_direction_name(side));
    fprintf(out, "    x-axis \"round and phase\" [");
    for (uint32_t i = 0; i < drawn; i++)
        fprintf(out, "%s\"%" PRIu32 " %s\"", i ? ", " : "", i + 1,
                words ? tcphs_round_phase_name(lines[i].phase) : phase_abbreviation(lines[i].phase));
    /* From 0, so that a bar's height is its bytes (Mermaid starts at the least value). */
    fprintf(out, "]\n    y-axis \"new bytes\" 0 --> %" PRIu32 "\n    bar [", most);
    for (uint32_t i = 0; i < drawn; i++) {
        const tcphs_round *r = tcphs_rounds_get(rounds, side, i + 1);

        fprintf(out, "%s%" PRIu32, i ? ", " : "", r ? r->bytes : 0);
    }
    fprintf(out, "]\n```\n\n");
}

/* Milliseconds with three decimals for the chart: "40.433". */
static void format_ms3(char *buf, size_t size, int64_t ns)
{
    tcphs_format_scaled(buf, size, ns, 1000000u, 3);
}

static void write_rtt_chart(FILE *out, const tcphs_rounds_report *rr, tcphs_side side)
{
    const tcphs_rtt_points *p = &rr->rtt[side];
    const tcphs_transfer *t = tcphs_conn_transfer(rr->conn);
    uint32_t samples = 0;
    int64_t top = 0;
    char ms[32], ms_top[32];

    for (uint32_t i = 0; i < p->kept; i++) {
        const tcphs_xfer *x = tcphs_transfer_slot(t, p->slot[i]);

        tcphs_rtt_estimate est;

        if (!x || !(x->flags & TCPHS_XFER_ESTIMATE))
            continue;
        samples++;
        if (x->ack_delay_ns > top)
            top = x->ack_delay_ns;
        if (tcphs_xfer_estimate(x, &est) && est.srtt_ns > top)
            top = est.srtt_ns;
    }
    format_ms3(ms_top, sizeof(ms_top), top);
    if (samples < 2) {
        fprintf(out, "RTT graph: fewer than two SampleRTTs of the %s fed its estimator.\n\n",
                tcphs_side_name(side));
        return;
    }
    fprintf(out, "SampleRTT (blue) and EstimatedRTT after it (red), in ms, of the %s's payload "
                 "segments by frame; a segment sent again, or whose ACK covered segments sent again, has "
                 "none (Karn's rule):\n\n",
            tcphs_side_name(side));
    if (p->stride > 1)
        fprintf(out, "(Of its %" PRIu32 " payload segments not sent again, one in %" PRIu32 " is drawn, evenly "
                     "spread: more would not fit.)\n\n", p->seen, p->stride);
    fprintf(out, "```mermaid\n%sxychart-beta\n", PALETTE);
    fprintf(out, "    title \"SampleRTT and EstimatedRTT, %s\"\n", tcphs_direction_name(side));
    fprintf(out, "    x-axis \"frame\" [");
    samples = 0;
    for (uint32_t i = 0; i < p->kept; i++) {
        const tcphs_xfer *x = tcphs_transfer_slot(t, p->slot[i]);

        if (x && (x->flags & TCPHS_XFER_ESTIMATE))
            fprintf(out, "%s\"%" PRIu32 "\"", samples++ ? ", " : "", p->frame[i]);
    }
    fprintf(out, "]\n    y-axis \"ms\" 0 --> %s\n", ms_top);
    for (int line = 0; line < 2; line++) {
        samples = 0;
        fprintf(out, "    line [");
        for (uint32_t i = 0; i < p->kept; i++) {
            const tcphs_xfer *x = tcphs_transfer_slot(t, p->slot[i]);
            tcphs_rtt_estimate est;

            if (!x || !(x->flags & TCPHS_XFER_ESTIMATE))
                continue;
            if (line == 0)
                format_ms3(ms, sizeof(ms), x->ack_delay_ns);
            else if (tcphs_xfer_estimate(x, &est))
                format_ms3(ms, sizeof(ms), est.srtt_ns);
            fprintf(out, "%s%s", samples++ ? ", " : "", ms);
        }
        fprintf(out, "]\n");
    }
    fprintf(out, "```\n\n");
}

static void write_side(FILE *out, const tcphs_rounds_report *rr, tcphs_side side, uint32_t count)
{
    tcphs_round_line *lines = round_lines(rr, side, count);
    char answer[ANSWER_MAX];
    tcphs_strbuf sb;

    fprintf(out, "### Rounds of the %s (%s)\n\n", tcphs_side_name(side), tcphs_direction_name(side));
    if (!lines) {
        fprintf(out, "(Out of memory.)\n\n");
        return;
    }
    tcphs_strbuf_init(&sb, answer, sizeof(answer));
    tcphs_rounds_answer(&sb, lines, count);
    fprintf(out, "**%s**\n\n", answer);
    fprintf(out, "A round starts with a payload segment after the ACK of the previous round's first segment; "
                 "growth is its most bytes in flight over the previous round's; the phase is the first rule "
                 "of docs/fields.md (Rounds and congestion control) that holds.\n\n");
    write_table(out, rr, side, lines, count);
    write_bytes_chart(out, rr, side, lines, count);
    write_rtt_chart(out, rr, side);
    g_free(lines);
}

void tcphs_write_rounds(FILE *out, const tcphs_rounds_report *rr)
{
    for (int s = 0; s < 2; s++) {
        uint32_t count = side_rounds(rr->conn, (tcphs_side)s);

        if (count >= 2)
            write_side(out, rr, (tcphs_side)s, count);
    }
}
