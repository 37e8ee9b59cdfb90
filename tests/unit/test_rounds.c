/* test_rounds.c: rounds, their phases and the trouble counters
 * (docs/fields.md, "Rounds and congestion control"), one case per rule of the contract and its boundaries,
 * with hand-made segments and the arithmetic in the comments.
 *
 * Unless a case says otherwise: the client uploads in 1000-byte segments,
 * its ISN is 0 (payload from seq 1), the server's ISN is 5000 (its acks of
 * the client's data are 1001, 2001, ...), and every window after the
 * handshake is scaled by 2^7, so the server's usual raw 1000 is 128000
 * bytes: room enough that no case is receiver-limited by accident.
 */
#include <stdlib.h>

#include "check.h"
#include "core/analysis/conn.h"
#include "core/words/names.h"
#include "core/analysis/rounds.h"
#include "core/analysis/transfer.h"
#include "segments.h"

#define MS 1000000LL
#define T0 (1700000000LL * 1000000000LL)

#define SYN TCPHS_SYN
#define ACK TCPHS_ACK
#define FIN TCPHS_FIN
#define RST TCPHS_RST
#define CLIENT true
#define SERVER false
#define C TCPHS_SIDE_CLIENT
#define S TCPHS_SIDE_SERVER

#define MAX_FRAMES 128

typedef struct {
    tcphs_rounds rounds;
    uint32_t frame;
    uint8_t wscale;           /* the TCPHS_WSCALE_* byte of segments after the handshake */
    uint16_t server_window;   /* raw window of the server's ACKs (ack()) */
    uint32_t client_ack;      /* the ack field of the client's data (data()) */
    tcphs_rounds_result res[MAX_FRAMES + 1];   /* by frame number, as a record keeps it */
} capture;

static void capture_start(capture *cap)
{
    memset(cap, 0, sizeof(*cap));
    cap->wscale = TCPHS_WSCALE_KNOWN | 7;
    cap->server_window = 1000;
    cap->client_ack = 5001;
}

/* Feed one segment at T0 + frame ms; returns its frame number. */
static uint32_t feed_full(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                          uint16_t window, uint32_t extra)
{
    static const tcphs_endpoint client = { { 4, { 192, 0, 2, 10 } }, 40000 };
    static const tcphs_endpoint server = { { 4, { 198, 51, 100, 20 } }, 80 };
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);
    /* RFC 7323 2.2: a SYN's window is never scaled. */
    uint8_t wscale = (flags & SYN) ? TCPHS_WSCALE_KNOWN : cap->wscale;

    seg.frame = ++cap->frame;
    seg.time_ns = T0 + (int64_t)seg.frame * MS;
    seg.stream = 1;
    seg.window = window;
    seg.have |= TCPHS_HAVE_WINDOW | extra;
    if (seg.frame > MAX_FRAMES) {
        fprintf(stderr, "test capture longer than %d frames\n", MAX_FRAMES);
        exit(2);
    }
    cap->res[seg.frame] = tcphs_rounds_update(&cap->rounds, from_client ? C : S, &seg, wscale);
    return seg.frame;
}

/* Frames 1-3: SYN (client ISN 0), SYN-ACK (server ISN 5000), ACK. */
static void handshake(capture *cap)
{
    feed_full(cap, CLIENT, SYN, 0, 0, 0, 64240, 0);
    feed_full(cap, SERVER, SYN | ACK, 5000, 1, 0, 65160, 0);
    feed_full(cap, CLIENT, ACK, 1, 5001, 0, 1000, 0);
}

/* The client's payload. */
static uint32_t data(capture *cap, uint32_t seq, uint32_t len)
{
    return feed_full(cap, CLIENT, ACK, seq, cap->client_ack, len, 1000, 0);
}

/* A pure ACK of the server. */
static uint32_t ack(capture *cap, uint32_t ackno)
{
    return feed_full(cap, SERVER, ACK, 5001, ackno, 0, cap->server_window, 0);
}

/* One round the simple way: segments of these lengths back to back from
 * *seq, then one ACK of all of them (it covers the first: the round ends).
 * The round's most bytes in flight is then the sum of the lengths. */
static void flight(capture *cap, uint32_t *seq, const uint32_t *lens, int n)
{
    for (int i = 0; i < n; i++) {
        data(cap, *seq, lens[i]);
        *seq += lens[i];
    }
    ack(cap, *seq);
}

static const tcphs_round *round_of(const capture *cap, int side, uint32_t number)
{
    return tcphs_rounds_get(&cap->rounds, side, number);
}

static tcphs_round_decision decide(const capture *cap, int side, uint32_t number)
{
    tcphs_round_decision d;

    CHECK(tcphs_rounds_decide(&cap->rounds, side, number, &d));
    return d;
}

#define CHECK_PHASE(cap, number, phase_, rule_)                                   \
    do {                                                                          \
        tcphs_round_decision check_d_ = decide((cap), C, (number));               \
        CHECK_STR(tcphs_round_phase_name(check_d_.phase), (phase_));              \
        CHECK_INT(check_d_.rule, (rule_));                                        \
    } while (0)

static bool marked(const capture *cap, uint32_t frame, uint8_t mark)
{
    return (cap->res[frame].marks & mark) != 0;
}

/* ---- the vocabulary ------------------------------------------------------------------ */

static void test_phase_words(void)
{
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_LOSS_RECOVERY), "loss recovery");
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_RECEIVER_LIMITED), "receiver-limited");
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_SLOW_START), "slow start");
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_CONGESTION_AVOIDANCE), "congestion avoidance");
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_SENDER_LIMITED), "sender-limited");
    CHECK_STR(tcphs_round_phase_name(TCPHS_ROUND_PHASE_COUNT), "?");
}

/* ---- the textbook case ------------------------------------------------------------------ */

/* Slow start as the textbook draws it: the receiver ACKs every segment and
 * the sender answers each ACK with two new segments (cwnd + 1 per ACK).
 * Segment k (k = 1, 2, ...) carries bytes (k-1)*1000+1 .. k*1000.
 *
 *   frames 1-3  handshake
 *   frame 4     segment 1                          opens round 1
 *   then groups g = 1, 2, ... of three frames:
 *     3g+2      ACK of segment g   (ack g*1000+1)
 *     3g+3      segment 2g
 *     3g+4      segment 2g+1
 *
 * Round r is segments 2^(r-1) .. 2^r - 1.  It opens with segment 2^(r-1),
 * sent in group 2^(r-2), and ends with the ACK of that segment, in group
 * 2^(r-1).  Bytes in flight after group g's second segment:
 * (2g+1)*1000 - g*1000 = (g+1)*1000, the most of the round at its last group.
 *
 *   round  opened by         ended by   segments  new bytes  most in flight  growth  phase
 *   1      frame 4  (seg 1)  frame 5     1         1000       1000           -       slow start (round 1)
 *   2      frame 6  (seg 2)  frame 8     2         2000       2000 (g=1)     2.0     slow start (>= 1.5)
 *   3      frame 9  (seg 4)  frame 14    4         4000       4000 (g=3)     2.0     slow start
 *   4      frame 15 (seg 8)  frame 26    8         8000       8000 (g=7)     2.0     slow start
 *   5      frame 27 (seg 16) frame 50   16        16000      16000 (g=15)    2.0     slow start
 *
 * The capture stops at frame 50, the ACK of segment 16: five rounds, all
 * ended. */
static void test_textbook_slow_start(void)
{
    static const uint32_t first[6] = { 0, 4, 6, 9, 15, 27 };
    static const uint32_t end[6] = { 0, 5, 8, 14, 26, 50 };
    capture cap;

    capture_start(&cap);
    handshake(&cap);
    data(&cap, 1, 1000);                                    /* frame 4: segment 1 */
    for (uint32_t g = 1; g <= 16; g++) {
        ack(&cap, g * 1000 + 1);                            /* frame 3g+2 */
        if (g == 16)
            break;
        data(&cap, 2 * g * 1000 - 999, 1000);               /* frame 3g+3: segment 2g */
        data(&cap, (2 * g + 1) * 1000 - 999, 1000);         /* frame 3g+4: segment 2g+1 */
    }
    CHECK_INT(cap.frame, 50);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 5);

    for (uint32_t r = 1; r <= 5; r++) {
        const tcphs_round *round = round_of(&cap, C, r);
        tcphs_round_decision d = decide(&cap, C, r);
        uint32_t segments = 1u << (r - 1);

        CHECK(round != NULL);
        if (!round)
            continue;
        CHECK_INT(round->first_frame, first[r]);
        CHECK_INT(round->end_frame, end[r]);
        CHECK_INT(round->start_ns, T0 + (int64_t)first[r] * MS);
        CHECK_INT(round->segments, segments);
        CHECK_INT(round->bytes, segments * 1000);
        CHECK_INT(round->inflight, segments * 1000);
        CHECK_INT(round->sent_again, 0);
        CHECK(round->flags & TCPHS_ROUND_WINDOW_KNOWN);
        CHECK_STR(tcphs_round_phase_name(d.phase), "slow start");
        CHECK_INT(d.rule, r == 1 ? TCPHS_RULE_FIRST_ROUND : TCPHS_RULE_GREW_FAST);
        CHECK_INT(d.has_growth, r > 1);
        if (r > 1) {
            CHECK(d.growth == 2.0);
            CHECK_INT(d.prev_inflight, segments * 500);
        }
        CHECK(d.final);
        /* The record's round number, and the same by binary search. */
        CHECK_INT(cap.res[first[r]].round, r);
        CHECK_INT(tcphs_rounds_round_at(&cap.rounds, C, first[r]), r);
    }
    /* Every segment of group 8 (frames 27, 28) to group 15 (frames 48, 49) is in round 5. */
    for (uint32_t f = 27; f <= 49; f++) {
        if (f % 3 == 2)
            continue;                                       /* the ACKs */
        CHECK_INT(cap.res[f].round, 5);
        CHECK_INT(tcphs_rounds_round_at(&cap.rounds, C, f), 5);
    }
    CHECK_INT(cap.res[26].round, 0);                        /* an ACK has no round */
    CHECK(round_of(&cap, C, 6) == NULL);
    CHECK(round_of(&cap, C, 0) == NULL);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).rounds, 0);   /* the server sent no payload */
    tcphs_rounds_free(&cap.rounds);
}

/* ---- payload for rounds, new bytes, sent again ----------------------------------------------- */

/* Keep-alives and zero-window probes are not payload for rounds: they
 * open no round, belong to none, and their bytes are not "sent": the data
 * after a probe is not sent again.
 *
 *   4  data 1..1000             round 1
 *   5  ACK 1001                 ends round 1
 *   6  keep-alive seq 1000 (1)  below the highest byte, but no round, not sent again
 *   7  ACK 1001
 *   8  probe seq 1001 (1)       no round
 *   9  ACK 1001
 *  10  data 1001..2000          opens round 2, new: 1000 (the probe's byte does not count) */
static void test_keep_alive_and_probe_open_no_round(void)
{
    capture cap;

    capture_start(&cap);
    handshake(&cap);
    data(&cap, 1, 1000);
    ack(&cap, 1001);
    feed_full(&cap, CLIENT, ACK, 1000, 5001, 1, 1000, TCPHS_KEEP_ALIVE);
    ack(&cap, 1001);
    feed_full(&cap, CLIENT, ACK, 1001, 5001, 1, 1000, TCPHS_ZERO_WINDOW_PROBE);
    ack(&cap, 1001);
    data(&cap, 1001, 1000);

    CHECK_INT(cap.res[6].round, 0);
    CHECK(!marked(&cap, 6, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(cap.res[8].round, 0);
    CHECK_INT(cap.res[10].round, 2);
    CHECK(!marked(&cap, 10, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(round_of(&cap, C, 2)->first_frame, 10);
    CHECK_INT(round_of(&cap, C, 2)->bytes, 1000);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 2);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).sent_again, 0);
    tcphs_rounds_free(&cap.rounds);
}

/* A SYN's data (Fast Open) and a RST's are not payload for rounds. */
static void test_syn_and_rst_payload(void)
{
    capture cap;

    capture_start(&cap);
    feed_full(&cap, CLIENT, SYN, 0, 0, 100, 64240, 0);           /* 1: SYN with 100 bytes */
    feed_full(&cap, SERVER, SYN | ACK, 5000, 101, 0, 65160, 0);  /* 2 */
    feed_full(&cap, SERVER, RST | ACK, 5001, 101, 20, 0, 0);     /* 3: RST with a reason text */
    CHECK_INT(cap.res[1].round, 0);
    CHECK_INT(cap.res[3].round, 0);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 0);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).rounds, 0);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).zero_windows, 0);   /* a RST's zero window is no offer */
    tcphs_rounds_free(&cap.rounds);
}

/* New bytes are those above the highest sequence number sent before; a
 * segment that starts below it is sent again, whatever else it carries.
 *
 *   4  data 1..1000       new 1000
 *   5  data 501..1500     sent again, new 501 bytes: 1001..1500 -> 500
 *   6  data 1..500        sent again, new 0
 *   7  data 1501..2500    new 1000
 * Round 1: 3 segments with new bytes (4, 5, 7), 2500 new bytes, 2 sent again. */
static void test_new_bytes_and_sent_again(void)
{
    capture cap;
    const tcphs_round *r1;

    capture_start(&cap);
    handshake(&cap);
    data(&cap, 1, 1000);
    data(&cap, 501, 1000);
    data(&cap, 1, 500);
    data(&cap, 1501, 1000);

    CHECK(!marked(&cap, 4, TCPHS_MARK_SENT_AGAIN));
    CHECK(marked(&cap, 5, TCPHS_MARK_SENT_AGAIN));
    CHECK(marked(&cap, 6, TCPHS_MARK_SENT_AGAIN));
    CHECK(!marked(&cap, 7, TCPHS_MARK_SENT_AGAIN));
    r1 = round_of(&cap, C, 1);
    CHECK_INT(r1->segments, 3);
    CHECK_INT(r1->bytes, 2500);
    CHECK_INT(r1->sent_again, 2);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).sent_again, 2);
    tcphs_rounds_free(&cap.rounds);
}

/* Sequence numbers wrap past 2^32 (RFC 9293, 3.4).  Client ISN 2^32 - 1501:
 *
 *   4  data 4294965796..4294966795   1000 new (2^32 - 1500 .. 2^32 - 501)
 *   5  data 4294966796..499 (wraps)  1000 new, not sent again; in flight
 *                                    500 - 4294965796 = 2000 (mod 2^32)
 *   6  ACK 4294966796                covers segment 4's last byte: ends round 1
 *   7  data 500..1499                opens round 2, in flight 1500 - 4294966796 = 2000
 *   8  data 4294966796..499          sent again (starts below 1500), new 0 */
static void test_sequence_wrap(void)
{
    capture cap;
    uint32_t isn = 4294965795u;

    capture_start(&cap);
    cap.client_ack = 5001;
    feed_full(&cap, CLIENT, SYN, isn, 0, 0, 64240, 0);
    feed_full(&cap, SERVER, SYN | ACK, 5000, isn + 1, 0, 65160, 0);
    feed_full(&cap, CLIENT, ACK, isn + 1, 5001, 0, 1000, 0);
    data(&cap, 4294965796u, 1000);
    data(&cap, 4294966796u, 1000);
    CHECK(!marked(&cap, 5, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(round_of(&cap, C, 1)->bytes, 2000);
    CHECK_INT(round_of(&cap, C, 1)->inflight, 2000);
    ack(&cap, 4294966796u);
    CHECK_INT(round_of(&cap, C, 1)->end_frame, 6);
    data(&cap, 500, 1000);
    data(&cap, 4294966796u, 1000);
    CHECK_INT(cap.res[7].round, 2);
    CHECK(marked(&cap, 8, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(round_of(&cap, C, 2)->bytes, 1000);
    CHECK_INT(round_of(&cap, C, 2)->inflight, 2000);
    CHECK_INT(round_of(&cap, C, 2)->sent_again, 1);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- round boundaries --------------------------------------------------------------------- */

/* A round ends at the other side's first non-RST segment whose ack covers
 * the last byte of the round's first segment; the next payload segment
 * after it opens the next round.
 *
 *   4  data 1..1000      opens round 1 (its last byte: 1000, covered by ack 1001)
 *   5  data 1001..2000
 *   6  ACK 1000          one byte short: round 1 goes on
 *   7  RST, ack 1001     a RST ends nothing
 *   8  client ACK        the sender's own pure ACK: nothing
 *   9  data 2001..3000   still round 1
 *  10  ACK 1001          ends round 1
 *  11  client ACK        no payload: opens nothing
 *  12  data 3001..4000   opens round 2 */
static void test_round_boundaries(void)
{
    capture cap;

    capture_start(&cap);
    handshake(&cap);
    data(&cap, 1, 1000);
    data(&cap, 1001, 1000);
    ack(&cap, 1000);
    feed_full(&cap, SERVER, RST | ACK, 5001, 1001, 0, 0, 0);
    feed_full(&cap, CLIENT, ACK, 2001, 5001, 0, 1000, 0);
    data(&cap, 2001, 1000);
    CHECK_INT(cap.res[9].round, 1);
    CHECK_INT(round_of(&cap, C, 1)->end_frame, 0);
    CHECK(!decide(&cap, C, 1).final);
    ack(&cap, 1001);
    CHECK_INT(round_of(&cap, C, 1)->end_frame, 10);
    feed_full(&cap, CLIENT, ACK, 3001, 5001, 0, 1000, 0);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 1);
    data(&cap, 3001, 1000);
    CHECK_INT(cap.res[12].round, 2);
    CHECK_INT(round_of(&cap, C, 1)->segments, 3);
    CHECK(decide(&cap, C, 1).final);
    tcphs_rounds_free(&cap.rounds);
}

/* A round whose ACK never comes (an ACK lost before the capture point, or
 * a capture of one direction) never ends: every later payload segment is
 * in it, and its values stay "so far". */
static void test_round_without_ack(void)
{
    capture cap;

    capture_start(&cap);
    handshake(&cap);
    for (uint32_t i = 0; i < 6; i++)
        data(&cap, 1 + i * 1000, 1000);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 1);
    CHECK_INT(cap.res[9].round, 1);
    CHECK_INT(round_of(&cap, C, 1)->segments, 6);
    CHECK_INT(round_of(&cap, C, 1)->inflight, 6000);
    CHECK_INT(round_of(&cap, C, 1)->end_frame, 0);
    CHECK(!decide(&cap, C, 1).final);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- bytes in flight ------------------------------------------------------------------------ */

/* A capture that starts mid-connection: before any ACK of the server, the
 * bytes in flight count from the client's first payload byte; the window
 * scale is unknown, so no round is receiver-limited (raw window 1). */
static void test_inflight_before_any_ack(void)
{
    capture cap;

    capture_start(&cap);
    cap.wscale = 0;                        /* unknown: the handshake was not captured */
    cap.server_window = 1;
    data(&cap, 70001, 1000);               /* 1 */
    data(&cap, 71001, 1000);               /* 2: in flight 72001 - 70001 = 2000 */
    CHECK_INT(round_of(&cap, C, 1)->inflight, 2000);
    ack(&cap, 71001);                      /* 3: ends round 1 */
    data(&cap, 72001, 1000);               /* 4: round 2, in flight 73001 - 71001 = 2000 */
    CHECK_INT(round_of(&cap, C, 1)->end_frame, 3);
    CHECK_INT(round_of(&cap, C, 2)->inflight, 2000);
    CHECK(!(round_of(&cap, C, 2)->flags & (TCPHS_ROUND_WINDOW_KNOWN | TCPHS_ROUND_WINDOW_FULL)));
    CHECK_PHASE(&cap, 1, "slow start", TCPHS_RULE_FIRST_ROUND);
    CHECK_PHASE(&cap, 2, "sender-limited", TCPHS_RULE_FLAT);
    tcphs_rounds_free(&cap.rounds);
}

/* Never below 0: an ACK above everything captured (bytes the capture
 * missed), then a segment sent again has nothing in flight, not -500; and
 * the round after a round with nothing in flight has no growth.
 *
 *   4  data 1..1000     round 1, in flight 1000
 *   5  ACK 1501         ends it, and covers 500 bytes never captured
 *   6  data 1..1000     round 2, sent again: 1001 - 1501 -> 0 in flight
 *   7  ACK 1501         ends round 2 (its ack covers byte 1000)
 *   8  data 1501..2500  round 3: in flight 2501 - 1501 = 1000; no growth
 *   9  client FIN       seq 2501
 *  10  server FIN       ack 2502 covers the FIN too: ends round 3; the FIN
 *                       is not in flight (2501 - 2502 -> 0) */
static void test_inflight_never_below_zero(void)
{
    capture cap;
    double growth;

    capture_start(&cap);
    handshake(&cap);
    data(&cap, 1, 1000);
    ack(&cap, 1501);
    data(&cap, 1, 1000);
    ack(&cap, 1501);
    data(&cap, 1501, 1000);
    CHECK_INT(round_of(&cap, C, 1)->inflight, 1000);
    CHECK(marked(&cap, 6, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(round_of(&cap, C, 2)->inflight, 0);
    CHECK(!marked(&cap, 8, TCPHS_MARK_SENT_AGAIN));
    CHECK_INT(round_of(&cap, C, 3)->inflight, 1000);
    CHECK(!tcphs_rounds_growth(&cap.rounds, C, 3, &growth));
    CHECK(!tcphs_rounds_growth(&cap.rounds, C, 1, &growth));
    CHECK(!decide(&cap, C, 3).has_growth);
    CHECK(tcphs_rounds_growth(&cap.rounds, C, 2, &growth) && growth == 0.0);
    feed_full(&cap, CLIENT, FIN | ACK, 2501, 5001, 0, 1000, 0);
    feed_full(&cap, SERVER, FIN | ACK, 5001, 2502, 0, 1000, 0);
    CHECK_INT(round_of(&cap, C, 3)->inflight, 1000);
    CHECK_INT(round_of(&cap, C, 3)->end_frame, 10);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- the phase rules -------------------------------------------------------------------------- */

/* Growth = this round's most in flight / the previous round's: at least 1.5
 * is slow start, above 1 congestion avoidance, else sender-limited.  Round 1
 * has 2000 bytes in flight (two segments), round 2 `second` bytes. */
static tcphs_round_decision second_round(uint32_t second)
{
    static const uint32_t two[2] = { 1000, 1000 };
    uint32_t lens[2] = { 1000, second - 1000 };
    uint32_t seq = 1;
    capture cap;
    tcphs_round_decision d;

    capture_start(&cap);
    handshake(&cap);
    flight(&cap, &seq, two, 2);
    flight(&cap, &seq, lens, 2);
    d = decide(&cap, C, 2);
    CHECK_INT(d.prev_inflight, 2000);
    CHECK_INT(d.inflight, second);
    tcphs_rounds_free(&cap.rounds);
    return d;
}

static void test_growth_boundaries(void)
{
    tcphs_round_decision d;

    d = second_round(3000);                /* 3000 / 2000 = 1.5 exactly */
    CHECK_STR(tcphs_round_phase_name(d.phase), "slow start");
    CHECK_INT(d.rule, TCPHS_RULE_GREW_FAST);
    CHECK(d.has_growth && d.growth == 1.5);
    d = second_round(2999);                /* 1.4995: just below */
    CHECK_STR(tcphs_round_phase_name(d.phase), "congestion avoidance");
    CHECK_INT(d.rule, TCPHS_RULE_GREW);
    d = second_round(2001);                /* 1.0005: above 1 */
    CHECK_STR(tcphs_round_phase_name(d.phase), "congestion avoidance");
    d = second_round(2000);                /* 1: the window did not grow */
    CHECK_STR(tcphs_round_phase_name(d.phase), "sender-limited");
    CHECK_INT(d.rule, TCPHS_RULE_FLAT);
    d = second_round(1500);                /* 0.75, before any loss */
    CHECK_STR(tcphs_round_phase_name(d.phase), "sender-limited");
}

/* Receiver-limited: after a segment, window minus bytes in flight below
 * its length.  Unscaled windows here (shift 0): the server offers `window`
 * bytes; the client sends two 1000-byte segments.  After the second, 2000
 * are in flight: window 3000 leaves exactly 1000, room for one more (not
 * limited, round 1 stays slow start); 2999 leaves 999 (limited). */
static tcphs_round_decision window_case(uint16_t window)
{
    capture cap;
    tcphs_round_decision d;

    capture_start(&cap);
    cap.wscale = TCPHS_WSCALE_KNOWN;
    cap.server_window = window;
    handshake(&cap);
    ack(&cap, 1);                          /* 4: the server's window, known in bytes */
    data(&cap, 1, 1000);                   /* 5: 1000 in flight */
    data(&cap, 1001, 1000);                /* 6: 2000 in flight */
    d = decide(&cap, C, 1);
    CHECK_INT(round_of(&cap, C, 1)->window, window);
    tcphs_rounds_free(&cap.rounds);
    return d;
}

static void test_window_full(void)
{
    tcphs_round_decision d;

    d = window_case(3000);
    CHECK_STR(tcphs_round_phase_name(d.phase), "slow start");
    CHECK_INT(d.rule, TCPHS_RULE_FIRST_ROUND);
    d = window_case(2999);
    CHECK_STR(tcphs_round_phase_name(d.phase), "receiver-limited");
    CHECK_INT(d.rule, TCPHS_RULE_WINDOW_FULL);
    CHECK_INT(d.cause_frame, 6);
    CHECK_INT(d.cause_window, 2999);
    CHECK_INT(d.cause_inflight, 2000);
}

/* A zero window between the round's first segment and its end (the ending
 * ACK included) makes it receiver-limited; one after the end does not
 * belong to it.  The round's window is the largest the receiver offered
 * while it was open, from the latest before it.
 *
 *   4  ACK 1, window 1000       the server's window: 1000 x 128 = 128000
 *   5  data 1..1000             round 1
 *   6  ACK 1001, window 0       ends round 1: a zero window inside it
 *   7  ACK 1001, window 2000    a window update (256000)
 *   8  data 1001..2000          round 2
 *   9  ACK 2001, window 1500    ends round 2 (192000)
 *  10  ACK 2001, window 0       after round 2's end: not round 2's */
static void test_zero_window(void)
{
    capture cap;
    tcphs_round_decision d;

    capture_start(&cap);
    handshake(&cap);
    ack(&cap, 1);                          /* 4: the server's window: 128000 */
    data(&cap, 1, 1000);                   /* 5 */
    cap.server_window = 0;
    ack(&cap, 1001);                       /* 6: zero window, ends round 1 */
    cap.server_window = 2000;
    ack(&cap, 1001);                       /* 7 */
    data(&cap, 1001, 1000);                /* 8: round 2 */
    cap.server_window = 1500;
    ack(&cap, 2001);                       /* 9: ends round 2 */
    cap.server_window = 0;
    ack(&cap, 2001);                       /* 10: after round 2 */

    d = decide(&cap, C, 1);
    CHECK_STR(tcphs_round_phase_name(d.phase), "receiver-limited");
    CHECK_INT(d.rule, TCPHS_RULE_ZERO_WINDOW);
    CHECK_INT(d.cause_frame, 6);
    CHECK_INT(d.cause_window, 0);
    CHECK_INT(d.cause_inflight, 1000);     /* in flight when the receiver said 0 */
    CHECK_INT(round_of(&cap, C, 1)->window, 128000);
    CHECK(!(round_of(&cap, C, 2)->flags & TCPHS_ROUND_ZERO_WINDOW));
    CHECK_INT(round_of(&cap, C, 2)->window, 256000);   /* the largest: 256000 then 192000 */
    CHECK(marked(&cap, 6, TCPHS_MARK_ZERO_WINDOW));
    CHECK(marked(&cap, 10, TCPHS_MARK_ZERO_WINDOW));
    CHECK(!marked(&cap, 7, TCPHS_MARK_ZERO_WINDOW));
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).zero_windows, 2);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).zero_windows, 0);
    tcphs_rounds_free(&cap.rounds);
}

/* Zero windows are counted on segments that are not SYN and not RST. */
static void test_zero_window_count(void)
{
    capture cap;

    capture_start(&cap);
    feed_full(&cap, CLIENT, SYN, 0, 0, 0, 0, 0);                 /* 1: SYN, window 0: not counted */
    feed_full(&cap, SERVER, SYN | ACK, 5000, 1, 0, 0, 0);        /* 2: SYN-ACK, 0: not counted */
    feed_full(&cap, CLIENT, ACK, 1, 5001, 0, 0, 0);              /* 3: counted */
    feed_full(&cap, SERVER, ACK, 5001, 1, 0, 0, 0);              /* 4: counted */
    feed_full(&cap, CLIENT, RST | ACK, 1, 5001, 0, 0, 0);        /* 5: RST: not counted */
    CHECK(!marked(&cap, 1, TCPHS_MARK_ZERO_WINDOW));
    CHECK(!marked(&cap, 2, TCPHS_MARK_ZERO_WINDOW));
    CHECK(marked(&cap, 3, TCPHS_MARK_ZERO_WINDOW));
    CHECK(marked(&cap, 4, TCPHS_MARK_ZERO_WINDOW));
    CHECK(!marked(&cap, 5, TCPHS_MARK_ZERO_WINDOW));
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).zero_windows, 1);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).zero_windows, 1);
    tcphs_rounds_free(&cap.rounds);
}

/* Loss recovery (RFC 6582): open from the first segment sent again until an
 * ACK covers the highest byte sent before it (the recover point).
 *
 *   4  data 1..1000           round 1
 *   5  ACK 1001               ends it
 *   6  data 1001..2000        round 2 (lost)
 *   7  data 2001..3000
 *   8  data 3001..4000
 *   9  data 4001..5000        highest byte sent: 5000; in flight 5001 - 1001 = 4000
 *  10  ACK 1001               three duplicate ACKs
 *  11  ACK 1001
 *  12  ACK 1001
 *  13  data 1001..2000        sent again: recovery opens, recover = 5001, in flight 4000
 *  14  ACK `close_ack`        ends round 2 (covers 2000)
 *  15  data 5001..6000        round 3
 * With ACK 5001 (exactly the recover point) the recovery closed at 14:
 * round 3 is the first after it; with 5000 (one byte short) it is still
 * open, and round 3 is in loss recovery. */
static void recovery_case(capture *cap, uint32_t close_ack)
{
    capture_start(cap);
    handshake(cap);
    data(cap, 1, 1000);
    ack(cap, 1001);
    for (uint32_t i = 1; i <= 4; i++)
        data(cap, 1 + i * 1000, 1000);
    ack(cap, 1001);
    ack(cap, 1001);
    ack(cap, 1001);
    data(cap, 1001, 1000);
    ack(cap, close_ack);
    data(cap, 5001, 1000);
}

static void test_recovery_recover_point(void)
{
    capture cap;
    tcphs_round_decision d;

    recovery_case(&cap, 5001);
    CHECK(marked(&cap, 13, TCPHS_MARK_SENT_AGAIN));
    d = decide(&cap, C, 2);
    CHECK_STR(tcphs_round_phase_name(d.phase), "loss recovery");
    CHECK_INT(d.rule, TCPHS_RULE_SENT_AGAIN);
    CHECK_INT(d.cause_frame, 13);
    CHECK_INT(d.cause_inflight, 4000);
    CHECK_INT(round_of(&cap, C, 2)->end_frame, 14);
    d = decide(&cap, C, 3);
    CHECK(d.phase != TCPHS_ROUND_LOSS_RECOVERY);
    CHECK(round_of(&cap, C, 3)->flags & TCPHS_ROUND_AFTER_RECOVERY);
    CHECK(round_of(&cap, C, 3)->flags & TCPHS_ROUND_EARLIER_LOSS);
    tcphs_rounds_free(&cap.rounds);

    recovery_case(&cap, 5000);
    d = decide(&cap, C, 3);
    CHECK_STR(tcphs_round_phase_name(d.phase), "loss recovery");
    CHECK_INT(d.rule, TCPHS_RULE_IN_RECOVERY);
    CHECK_INT(d.cause_frame, 13);          /* the segment sent again that opened it */
    /* 16: ACK 6001 covers 5001 and closes it; 17 opens round 4, the first
     * after the recovery. */
    ack(&cap, 6001);
    data(&cap, 6001, 1000);
    CHECK(round_of(&cap, C, 4)->flags & TCPHS_ROUND_AFTER_RECOVERY);
    CHECK(decide(&cap, C, 4).phase != TCPHS_ROUND_LOSS_RECOVERY);
    tcphs_rounds_free(&cap.rounds);
}

/* The first round after a recovery closed: slow start when its most in
 * flight is below a quarter of the in flight when the recovery opened (a
 * timeout restarts from one segment, RFC 5681 3.1), else congestion
 * avoidance (fast recovery leaves half the window, RFC 5681 3.2).
 *
 *   4       data 1..1000          round 1
 *   5       ACK 1001
 *   6-9     data 1001..5000       round 2: 4000 in flight, 1001..2000 lost
 *   [three duplicate ACKs: fast retransmit; none: a timeout]
 *           data 1001..2000       sent again: recovery opens with 4000 in flight
 *           ACK 5001              closes it (recover = 5001), ends round 2
 *           `lens`                round 3, from 5001
 *           ACK                   ends round 3
 *           data                  round 4 (growth over round 3) */
static void after_recovery_case(capture *cap, bool dup_acks, const uint32_t *lens, int n)
{
    uint32_t seq = 5001;

    capture_start(cap);
    handshake(cap);
    data(cap, 1, 1000);
    ack(cap, 1001);
    for (uint32_t i = 1; i <= 4; i++)
        data(cap, 1 + i * 1000, 1000);
    if (dup_acks) {
        ack(cap, 1001);
        ack(cap, 1001);
        ack(cap, 1001);
    }
    data(cap, 1001, 1000);
    ack(cap, 5001);
    flight(cap, &seq, lens, n);
    data(cap, seq, 1000);
}

static void test_after_timeout_and_fast_recovery(void)
{
    static const uint32_t one[1] = { 1000 };         /* a quarter of 4000 exactly */
    static const uint32_t short_one[1] = { 999 };    /* below a quarter */
    static const uint32_t half[2] = { 1000, 1000 };  /* half of 4000 */
    capture cap;
    tcphs_round_decision d;

    /* Timeout: one segment of 999 bytes, 999 x 4 = 3996 < 4000: slow start. */
    after_recovery_case(&cap, false, short_one, 1);
    d = decide(&cap, C, 3);
    CHECK_STR(tcphs_round_phase_name(d.phase), "slow start");
    CHECK_INT(d.rule, TCPHS_RULE_AFTER_TIMEOUT);
    CHECK_INT(d.inflight, 999);
    CHECK_INT(d.cause_inflight, 4000);
    /* Round 4: 1000 / 999, growth 1.001 after a loss: congestion avoidance. */
    CHECK_STR(tcphs_round_phase_name(decide(&cap, C, 4).phase), "congestion avoidance");
    tcphs_rounds_free(&cap.rounds);

    /* Exactly a quarter is not below it: congestion avoidance. */
    after_recovery_case(&cap, false, one, 1);
    d = decide(&cap, C, 3);
    CHECK_STR(tcphs_round_phase_name(d.phase), "congestion avoidance");
    CHECK_INT(d.rule, TCPHS_RULE_AFTER_FAST_RECOVERY);
    tcphs_rounds_free(&cap.rounds);

    /* Fast recovery: three duplicate ACKs, then half the window. */
    after_recovery_case(&cap, true, half, 2);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).dup_acks, 3);
    d = decide(&cap, C, 3);
    CHECK_STR(tcphs_round_phase_name(d.phase), "congestion avoidance");
    CHECK_INT(d.rule, TCPHS_RULE_AFTER_FAST_RECOVERY);
    CHECK_INT(d.inflight, 2000);
    CHECK_INT(d.cause_inflight, 4000);
    /* Round 4 holds 1000 after round 3's 2000: growth 0.5, but an earlier
     * round was in loss recovery: congestion avoidance, not sender-limited. */
    d = decide(&cap, C, 4);
    CHECK_STR(tcphs_round_phase_name(d.phase), "congestion avoidance");
    CHECK_INT(d.rule, TCPHS_RULE_AFTER_LOSS);
    tcphs_rounds_free(&cap.rounds);
}

/* Precedence: loss recovery beats receiver-limited, which beats slow start
 * in round 1. */
static void test_precedence(void)
{
    capture cap;
    tcphs_round_decision d;

    capture_start(&cap);
    cap.wscale = TCPHS_WSCALE_KNOWN;
    cap.server_window = 1500;
    handshake(&cap);
    ack(&cap, 1);                          /* 4: window 1500 */
    data(&cap, 1, 1000);                   /* 5: 1000 in flight, 500 left < 1000: limited */
    d = decide(&cap, C, 1);
    CHECK_INT(d.rule, TCPHS_RULE_WINDOW_FULL);
    data(&cap, 1, 1000);                   /* 6: sent again: loss recovery wins */
    d = decide(&cap, C, 1);
    CHECK_STR(tcphs_round_phase_name(d.phase), "loss recovery");
    CHECK_INT(d.rule, TCPHS_RULE_SENT_AGAIN);
    CHECK_INT(d.cause_frame, 6);
    CHECK(round_of(&cap, C, 1)->flags & TCPHS_ROUND_WINDOW_FULL);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- duplicate ACKs, RFC 5681 section 2 ------------------------------------------------------- */

/* The client has 1..2000 outstanding; the server acknowledges 1..1000
 * (frame 6, ack 1001, window 1000): the greatest ack it sent is 1001, its
 * window 1000.  Frame 7 is the ACK under test. */
static void dup_setup(capture *cap)
{
    capture_start(cap);
    handshake(cap);
    data(cap, 1, 1000);                    /* 4 */
    data(cap, 1001, 1000);                 /* 5 */
    ack(cap, 1001);                        /* 6 */
}

static bool dup_ack_of(capture *cap, uint16_t flags, uint32_t ackno, uint32_t len, uint16_t window)
{
    uint32_t frame = feed_full(cap, SERVER, flags, 5001, ackno, len, window, 0);
    bool dup = marked(cap, frame, TCPHS_MARK_DUP_ACK);

    CHECK_INT(tcphs_rounds_counts(&cap->rounds, S).dup_acks, dup ? 1 : 0);
    tcphs_rounds_free(&cap->rounds);
    return dup;
}

static void test_dup_ack_conditions(void)
{
    capture cap;

    /* All five hold: a duplicate ACK. */
    dup_setup(&cap);
    CHECK(dup_ack_of(&cap, ACK, 1001, 0, 1000));

    /* (a) Nothing outstanding: the client's 1..2000 all acknowledged. */
    dup_setup(&cap);
    ack(&cap, 2001);
    CHECK(!dup_ack_of(&cap, ACK, 2001, 0, 1000));

    /* (b) It carries payload. */
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK, 1001, 100, 1000));

    /* (c) SYN, FIN or RST on. */
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK | FIN, 1001, 0, 1000));
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK | RST, 1001, 0, 1000));
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK | SYN, 1001, 0, 1000));

    /* (d) Its ack is not the greatest sent: above it, or below it. */
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK, 1501, 0, 1000));
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK, 501, 0, 1000));

    /* (e) Its window differs from the previous one. */
    dup_setup(&cap);
    CHECK(!dup_ack_of(&cap, ACK, 1001, 0, 999));
}

/* Each side's duplicate ACKs are its own; the first ACK of new data is not
 * one, the ones repeating it are. */
static void test_dup_ack_count(void)
{
    capture cap;

    dup_setup(&cap);
    ack(&cap, 1001);                       /* 7 */
    ack(&cap, 1001);                       /* 8 */
    CHECK(!marked(&cap, 6, TCPHS_MARK_DUP_ACK));
    CHECK(marked(&cap, 7, TCPHS_MARK_DUP_ACK));
    CHECK(marked(&cap, 8, TCPHS_MARK_DUP_ACK));
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, S).dup_acks, 2);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).dup_acks, 0);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- bad input ------------------------------------------------------------------------------- */

/* A segment without its sequence number, flags or length changes nothing;
 * a SYN flood takes no memory. */
static void test_bad_input(void)
{
    capture cap;
    tcphs_segment seg;
    tcphs_rounds_result res;
    tcphs_round_decision d;

    capture_start(&cap);
    feed_full(&cap, CLIENT, SYN, 0, 0, 0, 64240, 0);
    feed_full(&cap, CLIENT, SYN, 0, 0, 0, 64240, 0);
    CHECK(cap.rounds.state == NULL);
    memset(&seg, 0, sizeof(seg));
    seg.have = TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS;     /* no length */
    seg.len = 1000;
    seg.frame = 3;
    res = tcphs_rounds_update(&cap.rounds, C, &seg, TCPHS_WSCALE_KNOWN);
    CHECK_INT(res.round, 0);
    CHECK(cap.rounds.state == NULL);
    CHECK_INT(tcphs_rounds_counts(&cap.rounds, C).rounds, 0);
    CHECK(!tcphs_rounds_decide(&cap.rounds, C, 1, &d));
    CHECK_INT(tcphs_rounds_round_at(&cap.rounds, C, 3), 0);
    tcphs_rounds_free(&cap.rounds);
}

/* ---- through the connection ---------------------------------------------------------------- */

/* tcphs_conn_update() feeds the rounds with the window scale the handshake
 * negotiated (client shift 7, server shift 7): the record keeps the marks,
 * tcphs_record_round() finds the round by frame number.
 *
 *   1-3  handshake with window scaling
 *   4    data 1..1000      round 1
 *   5    data 1001..2000
 *   6    ACK 1001, raw window 20 (x 128 = 2560 bytes): ends round 1
 *   7    ACK 1001, raw 20  a duplicate ACK
 *   8    ACK 2001, raw 0   a zero window (between rounds 1 and 2)
 *   9    data 2001..3000   round 2: window 0 - 1000 in flight < 1000: receiver-limited */
static void test_through_the_connection(void)
{
    static const tcphs_endpoint client = { { 4, { 192, 0, 2, 10 } }, 40000 };
    static const tcphs_endpoint server = { { 4, { 198, 51, 100, 20 } }, 80 };
    static const struct {
        bool from_client;
        uint16_t flags;
        uint32_t seq, ack, len;
        uint16_t window;
    } script[] = {
        { CLIENT, SYN,       0,    0,    0,    64240 },
        { SERVER, SYN | ACK, 5000, 1,    0,    65160 },
        { CLIENT, ACK,       1,    5001, 0,    502 },
        { CLIENT, ACK,       1,    5001, 1000, 502 },
        { CLIENT, ACK,       1001, 5001, 1000, 502 },
        { SERVER, ACK,       5001, 1001, 0,    20 },
        { SERVER, ACK,       5001, 1001, 0,    20 },
        { SERVER, ACK,       5001, 2001, 0,    0 },
        { CLIENT, ACK,       2001, 5001, 1000, 502 },
    };
    tcphs_conn conn;
    tcphs_record rec[10];
    const tcphs_rounds *rounds;
    tcphs_round_decision d;

    tcphs_conn_init(&conn, 1);
    for (uint32_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        tcphs_segment seg = test_segment(&client, &server, script[i].from_client, script[i].flags, script[i].seq,
                                         script[i].ack, script[i].len);

        seg.frame = i + 1;
        seg.time_ns = T0 + (int64_t)seg.frame * MS;
        seg.stream = 1;
        seg.window = script[i].window;
        seg.have |= TCPHS_HAVE_WINDOW;
        if (script[i].flags & SYN) {
            seg.have |= TCPHS_OPT_WSCALE;
            seg.wscale = 7;
        }
        CHECK(tcphs_conn_update(&conn, &seg, &rec[seg.frame]));
    }
    CHECK(rec[4].in_round && rec[5].in_round && rec[9].in_round);
    CHECK(!rec[6].in_round);
    CHECK_INT(tcphs_record_round(&rec[4], 4), 1);
    CHECK_INT(tcphs_record_round(&rec[5], 5), 1);
    CHECK_INT(tcphs_record_round(&rec[9], 9), 2);
    CHECK_INT(tcphs_record_round(&rec[6], 6), 0);
    CHECK(!rec[6].dup_ack);
    CHECK(rec[7].dup_ack);
    CHECK(rec[8].zero_window);
    CHECK(!rec[5].sent_again);

    rounds = tcphs_conn_rounds(&conn);
    CHECK_INT(tcphs_rounds_get(rounds, C, 1)->end_frame, 6);
    CHECK_INT(tcphs_rounds_get(rounds, C, 1)->window, 65160);   /* the SYN-ACK's, unscaled, the largest */
    CHECK_INT(tcphs_rounds_counts(rounds, S).dup_acks, 1);
    CHECK_INT(tcphs_rounds_counts(rounds, S).zero_windows, 1);
    CHECK_INT(tcphs_rounds_counts(rounds, C).rounds, 2);
    CHECK(tcphs_rounds_decide(rounds, C, 2, &d));
    CHECK_STR(tcphs_round_phase_name(d.phase), "receiver-limited");
    CHECK_INT(d.rule, TCPHS_RULE_WINDOW_FULL);
    CHECK_INT(d.cause_window, 0);
    tcphs_conn_free(&conn);
}

int main(void)
{
    test_phase_words();
    test_textbook_slow_start();
    test_keep_alive_and_probe_open_no_round();
    test_syn_and_rst_payload();
    test_new_bytes_and_sent_again();
    test_sequence_wrap();
    test_round_boundaries();
    test_round_without_ack();
    test_inflight_before_any_ack();
    test_inflight_never_below_zero();
    test_growth_boundaries();
    test_window_full();
    test_zero_window();
    test_zero_window_count();
    test_recovery_recover_point();
    test_after_timeout_and_fast_recovery();
    test_precedence();
    test_dup_ack_conditions();
    test_dup_ack_count();
    test_bad_input();
    test_through_the_connection();
    return check_failures() != 0;
}
