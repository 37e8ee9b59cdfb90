/* test_report_rounds.c: the rule of the Rounds section's answer sentence
 * (report_rounds.h, tcphs_rounds_answer): which phases get a clause, how
 * rounds become ranges, the time span, what "never" and "from round"
 * mean, and the numbers of the limited phases. */
#include "core/words/report_rounds.h"

#include "check.h"

#define SS TCPHS_ROUND_SLOW_START
#define CA TCPHS_ROUND_CONGESTION_AVOIDANCE
#define LR TCPHS_ROUND_LOSS_RECOVERY
#define RL TCPHS_ROUND_RECEIVER_LIMITED
#define SL TCPHS_ROUND_SENDER_LIMITED

/* Round i + 1 of phases[i], starting at starts_ms[i] milliseconds, with
 * inflight[i] bytes in flight, a window of 62780 and one segment sent
 * again per round. */
static const char *answer(const tcphs_round_phase *phases, const int *starts_ms, const uint32_t *inflight,
                          uint32_t count, bool window_known)
{
    static char buf[1024];
    tcphs_round_line lines[64];
    tcphs_strbuf sb;

    for (uint32_t i = 0; i < count; i++) {
        lines[i] = (tcphs_round_line){ .round = i + 1, .phase = phases[i], .start_ns = starts_ms[i] * 1000000LL,
                                       .inflight = inflight ? inflight[i] : 1448 * (i + 1),
                                       .window = 62780, .window_known = window_known, .sent_again = 1 };
    }
    tcphs_strbuf_init(&sb, buf, sizeof(buf));
    tcphs_rounds_answer(&sb, lines, count);
    return buf;
}

static void test_contract_example(void)
{
    /* The contract's sentence: the lab's trace.  Slow start in rounds 1-2
     * and 4 (round 3 grew too little, round 4 again 1.5x); from round 5 the
     * sender keeps 8192 bytes in flight while the receiver offers 62780. */
    tcphs_round_phase phases[] = { SS, SS, SL, SS, SL, SL, SL };
    int starts[] = { 26, 120, 300, 577, 700, 800, 900 };
    uint32_t inflight[] = { 1448, 2896, 2896, 8192, 8192, 8192, 8192 };

    CHECK_STR(answer(phases, starts, inflight, 7, true),
              "Slow start in rounds 1-2 and 4, 0.026-0.577 s; never congestion avoidance; "
              "sender-limited in rounds 3 and 5-7, 0.300-0.900 s at 2896-8192 bytes in flight "
              "while the receiver offered up to 62780.");
    /* Without the stray round 3, sender-limited is one range to the end:
     * "from round 5", with its start, and one value of bytes in flight. */
    phases[2] = SS;
    CHECK_STR(answer(phases, starts, inflight, 7, true),
              "Slow start in rounds 1-4, 0.026-0.577 s; never congestion avoidance; "
              "sender-limited from round 5 (0.700 s on) at 8192 bytes in flight "
              "while the receiver offered up to 62780.");
}

static void test_textbook_loss(void)
{
    /* Reno: slow start, a loss, congestion avoidance to the end.  The lab's
     * two phases come first, the others after; loss recovery counts the
     * segments its rounds sent again. */
    tcphs_round_phase phases[] = { SS, SS, SS, LR, LR, CA, CA, CA };
    int starts[] = { 40, 81, 122, 166, 210, 251, 292, 333 };

    CHECK_STR(answer(phases, starts, NULL, 8, true),
              "Slow start in rounds 1-3, 0.040-0.122 s; congestion avoidance from round 6 (0.251 s on); "
              "loss recovery in rounds 4-5, 0.166-0.210 s, 2 segments sent again.");
}

static void test_never_and_single(void)
{
    /* Neither of the lab's phases after round 1: both are said, "never"
     * for the one without rounds; a single round reads "in round N (t s)". */
    tcphs_round_phase phases[] = { SS, RL, RL };
    int starts[] = { 10, 50, 90 };
    uint32_t inflight[] = { 14480, 20272, 20272 };

    CHECK_STR(answer(phases, starts, inflight, 3, true),
              "Slow start in round 1 (0.010 s); never congestion avoidance; receiver-limited from round 2 "
              "(0.050 s on) at 20272 bytes in flight while the receiver offered up to 62780.");
    /* Without the window scale the offer is not known and not written. */
    CHECK_STR(answer(phases, starts, inflight, 3, false),
              "Slow start in round 1 (0.010 s); never congestion avoidance; receiver-limited from round 2 "
              "(0.050 s on) at 20272 bytes in flight.");
}

static void test_from_round_needs_two_and_the_end(void)
{
    /* "from round" only for one range of at least two rounds that ends at
     * the last round: a last single round is "in round", and a range that
     * stops before the end is "in rounds". */
    tcphs_round_phase last_one[] = { SS, SS, CA };
    tcphs_round_phase not_to_end[] = { SS, CA, CA, SS };
    tcphs_round_phase all_one[] = { CA, CA };
    int starts[] = { 0, 100, 200, 300 };

    CHECK_STR(answer(last_one, starts, NULL, 3, true),
              "Slow start in rounds 1-2, 0.000-0.100 s; congestion avoidance in round 3 (0.200 s).");
    CHECK_STR(answer(not_to_end, starts, NULL, 4, true),
              "Slow start in rounds 1 and 4, 0.000-0.300 s; congestion avoidance in rounds 2-3, 0.100-0.200 s.");
    /* From round 1 it is all the rounds: "in rounds 1-2", not "from round 1". */
    CHECK_STR(answer(all_one, starts, NULL, 2, true),
              "Never slow start; congestion avoidance in rounds 1-2, 0.000-0.100 s.");
}

static void test_many_ranges(void)
{
    /* CUBIC near its last maximum: congestion avoidance and sender-limited
     * alternate.  Beyond five ranges the first five are written and the
     * rest counted. */
    tcphs_round_phase phases[16];
    int starts[16];
    uint32_t inflight[16];

    for (int i = 0; i < 16; i++) {
        phases[i] = i == 0 ? SS : (i % 2 ? CA : SL);
        starts[i] = 40 * i;
        inflight[i] = 30000;
    }
    CHECK_STR(answer(phases, starts, inflight, 16, true),
              "Slow start in round 1 (0.000 s); congestion avoidance in rounds 2, 4, 6, 8, 10 and 3 more "
              "ranges (8 rounds), 0.040-0.600 s; sender-limited in rounds 3, 5, 7, 9, 11 and 2 more ranges "
              "(7 rounds), 0.080-0.560 s at 30000 bytes in flight while the receiver offered up to 62780.");
}

static void test_cut_text_stays_bounded(void)
{
    tcphs_round_phase phases[] = { SS, SS, CA };
    int starts[] = { 0, 100, 200 };
    tcphs_round_line lines[3];
    char small[20];
    tcphs_strbuf sb;

    for (int i = 0; i < 3; i++)
        lines[i] = (tcphs_round_line){ .round = (uint32_t)i + 1, .phase = phases[i],
                                       .start_ns = starts[i] * 1000000LL };
    tcphs_strbuf_init(&sb, small, sizeof(small));
    tcphs_rounds_answer(&sb, lines, 3);
    CHECK(sb.truncated);
    CHECK_STR(small, "Slow start in round");
}

/* The RTT chart's points: a sender's payload segments not sent again, every
 * one while 40 fit, then every 2nd, 4th, ... evenly over the transfer. */
static void test_rtt_points(void)
{
    static tcphs_conn conn;
    tcphs_rounds_report rr;
    tcphs_record rec;

    conn.first_ns = 5000000000LL;
    tcphs_rounds_report_init(&rr, &conn);
    memset(&rec, 0, sizeof(rec));
    rec.conn = &conn;
    rec.from = TCPHS_SIDE_CLIENT;
    rec.len = 1448;
    rec.flags = TCPHS_ACK;
    /* Frame 1 is the connection's first segment, 0.25 s into the capture. */
    tcphs_rounds_report_collect(&rr, 1, 250000000, &(tcphs_record){ .conn = &conn, .flags = TCPHS_SYN });
    CHECK(rr.base_known);
    CHECK_INT(rr.base_ns, 250000000LL - 5000000000LL);
    for (uint32_t i = 0; i < 100; i++) {
        rec.xfer = 10 + i;
        tcphs_rounds_report_collect(&rr, 100 + i, 0, &rec);
    }
    /* Not points: a segment sent again (Karn's rule), a keep-alive, one
     * without a slot, the other side's. */
    rec.starts_behind = 1;
    tcphs_rounds_report_collect(&rr, 300, 0, &rec);
    rec.starts_behind = 0;
    rec.event = TCPHS_EVENT_KEEP_ALIVE;
    tcphs_rounds_report_collect(&rr, 301, 0, &rec);
    rec.event = 0;
    rec.xfer = 0;
    tcphs_rounds_report_collect(&rr, 302, 0, &rec);
    rec.xfer = 500;
    rec.from = TCPHS_SIDE_SERVER;
    tcphs_rounds_report_collect(&rr, 303, 0, &rec);

    /* 100 segments: 40 kept (0-39), halved to 20 at the 41st with stride 2
     * (0, 2, ..., 38, then 40 ... 78), halved again at the 81st with stride
     * 4 (0, 4, ..., 76, then 80 ... 96): 25 points, every 4th segment. */
    CHECK_INT(rr.rtt[0].seen, 100);
    CHECK_INT(rr.rtt[0].stride, 4);
    CHECK_INT(rr.rtt[0].kept, 25);
    for (uint32_t k = 0; k < rr.rtt[0].kept; k++) {
        CHECK_INT(rr.rtt[0].frame[k], 100 + 4 * k);
        CHECK_INT(rr.rtt[0].slot[k], 10 + 4 * k);
    }
    CHECK_INT(rr.rtt[1].seen, 1);
    CHECK_INT(rr.rtt[1].frame[0], 303);
}

int main(void)
{
    test_contract_example();
    test_textbook_loss();
    test_never_and_single();
    test_from_round_needs_two_and_the_end();
    test_many_ranges();
    test_cut_text_stays_bounded();
    test_rtt_points();
    return check_failures() != 0;
}
