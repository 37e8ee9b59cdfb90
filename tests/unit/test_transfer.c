/* test_transfer.c: ACK matching (tcphs.acked_in), RTT samples with Karn's
 * rule, the RFC 6298 estimator, windows in bytes and throughput, against
 * values computed by hand in the comments. */
#include <stdlib.h>

#include "check.h"
#include "core/analysis/conn.h"
#include "core/words/rtt_text.h"
#include "segments.h"

#define MS 1000000LL
#define T0 (1700000000LL * 1000000000LL)

#define SYN TCPHS_SYN
#define ACK TCPHS_ACK
#define FIN TCPHS_FIN
#define RST TCPHS_RST
#define CLIENT true
#define SERVER false

typedef struct {
    tcphs_conn conn;
    uint32_t frame;
    tcphs_record rec[64];    /* by frame number: kept, as the glue keeps them */
} capture;

static void capture_start(capture *cap)
{
    memset(cap, 0, sizeof(*cap));
    tcphs_conn_init(&cap->conn, 1);
}

/* Feed a segment sent at T0 + at_ms; returns its frame number. */
static uint32_t feed_full(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                          double at_ms, uint16_t window, uint32_t extra, int wscale)
{
    static const tcphs_endpoint client = { { 4, { 192, 0, 2, 10 } }, 40000 };
    static const tcphs_endpoint server = { { 4, { 198, 51, 100, 20 } }, 80 };
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);

    seg.frame = ++cap->frame;
    seg.time_ns = T0 + (int64_t)(at_ms * MS);
    seg.stream = 1;
    seg.window = window;
    seg.have |= TCPHS_HAVE_WINDOW | extra;
    if (wscale >= 0) {
        seg.have |= TCPHS_OPT_WSCALE;
        seg.wscale = (uint8_t)wscale;
    }
    CHECK(tcphs_conn_update(&cap->conn, &seg, &cap->rec[seg.frame]));
    return seg.frame;
}

static uint32_t feed(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                     double at_ms)
{
    return feed_full(cap, from_client, flags, seq, ack, len, at_ms, 1000, 0, -1);
}

static const tcphs_xfer *xfer(const capture *cap, uint32_t frame)
{
    return tcphs_record_xfer(&cap->rec[frame]);
}

static uint32_t acked_in(const capture *cap, uint32_t frame)
{
    const tcphs_xfer *x = xfer(cap, frame);

    return x && (x->flags & TCPHS_XFER_ACKED) ? x->acked_in : 0;
}

static bool has_rtt(const capture *cap, uint32_t frame)
{
    const tcphs_xfer *x = xfer(cap, frame);

    return x && (x->flags & TCPHS_XFER_RTT);
}

static uint32_t acks_segments(const capture *cap, uint32_t frame)
{
    return cap->rec[frame].acks_segments;
}

/* RFC 6298 2.2 and 2.3 by hand: samples 40, 48, 41 ms.
 *   R1 = 40:  SRTT = 40, RTTVAR = 20
 *   R2 = 48:  RTTVAR = 3/4 x 20 + 1/4 x |40 - 48| = 15 + 2 = 17;  SRTT = 7/8 x 40 + 1/8 x 48 = 41
 *             RTO = 41 + 4 x 17 = 109
 *   R3 = 41:  RTTVAR = 3/4 x 17 + 1/4 x 0 = 12.75;  SRTT = 41 */
static void test_estimator(void)
{
    tcphs_rtt_estimate e = tcphs_rtt_after(NULL, true, 40 * MS);

    CHECK_INT(e.srtt_ns, 40 * MS);
    CHECK_INT(e.rttvar_ns, 20 * MS);
    e = tcphs_rtt_after(&e, false, 48 * MS);
    CHECK_INT(e.rttvar_ns, 17 * MS);
    CHECK_INT(e.srtt_ns, 41 * MS);
    CHECK_INT(tcphs_rto(&e), 109 * MS);
    e = tcphs_rtt_after(&e, false, 41 * MS);
    CHECK_INT(e.rttvar_ns, 12750000);
    CHECK_INT(e.srtt_ns, 41 * MS);
    /* Rounded to the nearest nanosecond, halves up: 3 / 2 = 1.5 -> 2. */
    e = tcphs_rtt_after(NULL, true, 3);
    CHECK_INT(e.rttvar_ns, 2);
}

/* Handshake, three client segments of 1000 bytes, one ACK for all three:
 *
 *   1  c SYN      seq 100             t = 0
 *   2  s SYN-ACK  seq 7000  ack 101   t = 40
 *   3  c ACK      seq 101   ack 7001  t = 41
 *   4  c data     seq 101   len 1000  t = 50
 *   5  c data     seq 1101  len 1000  t = 51
 *   6  c data     seq 2101  len 1000  t = 52
 *   7  s ACK                ack 3101  t = 92
 *
 * SampleRTTs 42, 41, 40 ms (SYN: 40 ms, not fed to the estimator):
 *   42: SRTT 42, RTTVAR 21
 *   41: RTTVAR = 3/4 x 21 + 1/4 x 1 = 16;  SRTT = 7/8 x 42 + 1/8 x 41 = 41.875
 *   40: RTTVAR = 3/4 x 16 + 1/4 x 1.875 = 12.46875;  SRTT = 7/8 x 41.875 + 1/8 x 40 = 41.640625
 * Throughput: none, one ACK acknowledged all 3000 bytes (92 - 50 ms is one ACK delay). */
static void test_one_ack_three_segments(void)
{
    capture cap;
    tcphs_rtt_estimate e;
    tcphs_throughput_facts facts;
    double bps;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 100, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40);
    feed(&cap, CLIENT, ACK, 101, 7001, 0, 41);
    feed(&cap, CLIENT, ACK, 101, 7001, 1000, 50);
    feed(&cap, CLIENT, ACK, 1101, 7001, 1000, 51);
    feed(&cap, CLIENT, ACK, 2101, 7001, 1000, 52);
    CHECK_INT(acked_in(&cap, 4), 0);           /* not yet: the ACK comes later */
    feed(&cap, SERVER, ACK, 7001, 3101, 0, 92);

    CHECK_INT(acked_in(&cap, 1), 2);           /* SYN: the SYN-ACK */
    CHECK_INT(acked_in(&cap, 2), 3);           /* SYN-ACK: the handshake ACK */
    CHECK_INT(xfer(&cap, 1)->ack_delay_ns, 40 * MS);
    CHECK(has_rtt(&cap, 1));
    CHECK(!(xfer(&cap, 1)->flags & TCPHS_XFER_ESTIMATE));   /* SYN samples do not feed it */
    CHECK(xfer(&cap, 3) == NULL);              /* a bare ACK of a SYN-ACK: nothing to say */
    CHECK_INT(acked_in(&cap, 4), 7);
    CHECK_INT(acked_in(&cap, 5), 7);
    CHECK_INT(acked_in(&cap, 6), 7);
    CHECK_INT(xfer(&cap, 4)->ack_delay_ns, 42 * MS);
    CHECK_INT(xfer(&cap, 6)->ack_delay_ns, 40 * MS);
    CHECK_INT(acks_segments(&cap, 7), 3);
    {   /* the ack that came, for the note: 3101 answers the segment ending at 1101 */
        uint32_t ack = 0;

        CHECK(tcphs_xfer_ack(xfer(&cap, 4), 1101, &ack));
        CHECK_INT(ack, 3101);
        CHECK(tcphs_xfer_ack(xfer(&cap, 6), 3101, &ack));
        CHECK_INT(ack, 3101);
    }
    CHECK_INT(acks_segments(&cap, 2), 0);      /* the SYN is not a payload segment */

    CHECK(tcphs_xfer_estimate(xfer(&cap, 4), &e));
    CHECK_INT(e.srtt_ns, 42 * MS);
    CHECK_INT(e.rttvar_ns, 21 * MS);
    CHECK(xfer(&cap, 4)->flags & TCPHS_XFER_FIRST);
    CHECK(tcphs_xfer_estimate(xfer(&cap, 5), &e));
    CHECK_INT(e.srtt_ns, 41875000);
    CHECK_INT(e.rttvar_ns, 16 * MS);
    CHECK(tcphs_xfer_estimate(xfer(&cap, 6), &e));
    CHECK_INT(e.srtt_ns, 41640625);
    CHECK_INT(e.rttvar_ns, 12468750);
    CHECK_INT(tcphs_rto(&e), 41640625 + 4 * 12468750);

    /* One ACK acknowledged all three segments: 3000 bytes in 42 ms is one
     * ACK delay, not a transfer, so there is no throughput (issue 22). */
    CHECK(tcphs_transfer_throughput_facts(tcphs_conn_transfer(&cap.conn), TCPHS_SIDE_CLIENT, &facts));
    CHECK_INT(facts.bytes, 3000);
    CHECK_INT(facts.ns, 42 * MS);
    CHECK_INT(facts.segments, 3);
    CHECK_INT(facts.acks, 1);
    CHECK(tcphs_throughput_too_short(&facts));
    CHECK(!tcphs_conn_throughput(&cap.conn, TCPHS_SIDE_CLIENT, &bps));
    CHECK(!tcphs_conn_throughput(&cap.conn, TCPHS_SIDE_SERVER, &bps));   /* sent no payload */
    CHECK(!tcphs_transfer_throughput_facts(tcphs_conn_transfer(&cap.conn), TCPHS_SIDE_SERVER, &facts));
    tcphs_conn_free(&cap.conn);
}

/* The note spells the arithmetic out; times relative to the first frame. */
static void test_note(void)
{
    capture cap;
    char note[512];

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 100, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40);
    feed(&cap, CLIENT, ACK, 101, 7001, 1000, 50);
    feed(&cap, CLIENT, ACK, 1101, 7001, 1000, 51);
    feed(&cap, SERVER, ACK, 7001, 1101, 0, 92);
    feed(&cap, SERVER, ACK, 7001, 2101, 0, 93);
    tcphs_xfer_note(note, sizeof(note), xfer(&cap, 3), 50 * MS);
    CHECK_STR(note, "SampleRTT = 0.092000 \u2212 0.050000 = 0.042000 s (ACK in frame 5); first sample "
                    "(RFC 6298 2.2): EstimatedRTT = SampleRTT = 0.042000 s; DevRTT = 0.042000 / 2 = 0.021000 s; "
                    "RTO = 0.042000 + 4 \u00d7 0.021000 = 0.126000 s (rule 2.4 raises it to 1 s)");
    tcphs_xfer_note(note, sizeof(note), xfer(&cap, 4), 51 * MS);
    CHECK_STR(note, "SampleRTT = 0.093000 \u2212 0.051000 = 0.042000 s (ACK in frame 6); "
                    "EstimatedRTT = 7/8 \u00d7 0.042000 + 1/8 \u00d7 0.042000 = 0.042000 s; "
                    "DevRTT = 3/4 \u00d7 0.021000 + 1/4 \u00d7 |0.042000 \u2212 0.042000| = 0.015750 s; "
                    "RTO = 0.042000 + 4 \u00d7 0.015750 = 0.105000 s (rule 2.4 raises it to 1 s)");
    tcphs_conn_free(&cap.conn);
}

/* Karn's rule: a segment sent again before its ACK arrived gives no sample,
 * neither the original nor the copy; the estimator skips both; the ACK
 * counts the segment once.  The next segment samples normally. */
static void test_karn(void)
{
    capture cap;
    tcphs_rtt_estimate e;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 100, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40);
    feed(&cap, CLIENT, ACK, 101, 7001, 500, 50);                     /* 3 */
    feed_full(&cap, CLIENT, ACK, 101, 7001, 500, 300, 1000, TCPHS_RETRANSMISSION, -1);  /* 4: RTO */
    feed(&cap, SERVER, ACK, 7001, 601, 0, 340);                      /* 5 */
    feed(&cap, CLIENT, ACK, 601, 7001, 500, 350);                    /* 6 */
    feed(&cap, SERVER, ACK, 7001, 1101, 0, 390);                     /* 7 */

    CHECK_INT(acked_in(&cap, 3), 5);
    CHECK_INT(acked_in(&cap, 4), 5);
    CHECK(!has_rtt(&cap, 3));
    CHECK(!has_rtt(&cap, 4));
    CHECK(xfer(&cap, 3)->flags & TCPHS_XFER_RESENT);
    CHECK(xfer(&cap, 4)->flags & TCPHS_XFER_REPEAT);
    CHECK_INT(acks_segments(&cap, 5), 1);
    CHECK(has_rtt(&cap, 6));
    CHECK(tcphs_xfer_estimate(xfer(&cap, 6), &e));
    CHECK(xfer(&cap, 6)->flags & TCPHS_XFER_FIRST);   /* the first sample the estimator took */
    CHECK_INT(e.srtt_ns, 40 * MS);
    tcphs_conn_free(&cap.conn);
}

/* Sequence numbers wrap past 2^32 (RFC 9293, 3.4):
 *   ISN 4294967000; data at 4294967001 (1000 bytes, ends at 705 mod 2^32),
 *   then 705 (1000 bytes, ends at 1705).  ACK 705 answers the first only. */
static void test_wrap(void)
{
    capture cap;
    double bps;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 4294967000u, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 4294967001u, 0, 40);
    feed(&cap, CLIENT, ACK, 4294967001u, 7001, 1000, 50);            /* 3 */
    feed(&cap, CLIENT, ACK, 705, 7001, 1000, 51);                    /* 4 */
    feed(&cap, SERVER, ACK, 7001, 705, 0, 90);                       /* 5 */
    feed(&cap, SERVER, ACK, 7001, 1705, 0, 101);                     /* 6 */

    CHECK_INT(acked_in(&cap, 1), 2);
    CHECK_INT(acked_in(&cap, 3), 5);
    CHECK_INT(acked_in(&cap, 4), 6);
    CHECK_INT(xfer(&cap, 4)->ack_delay_ns, 50 * MS);
    CHECK_INT(acks_segments(&cap, 5), 1);
    CHECK_INT(acks_segments(&cap, 6), 1);
    /* 2000 bytes in 101 - 50 = 51 ms: 39215.69 bytes/s */
    CHECK(tcphs_conn_throughput(&cap.conn, TCPHS_SIDE_CLIENT, &bps));
    CHECK_INT((long long)(bps * 100 + 0.5), 3921569);
    tcphs_conn_free(&cap.conn);
}

/* Bad input: an ACK for data never captured, an ACK that goes backwards, an
 * ACK timestamped before the segment: answers without a made-up RTT. */
static void test_bad_acks(void)
{
    capture cap;
    tcphs_throughput_facts facts;
    double bps;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 100, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40);
    feed(&cap, CLIENT, ACK, 101, 7001, 100, 50);                     /* 3 */
    feed(&cap, SERVER, ACK, 7001, 1101, 0, 90);                      /* 4: acks 1000 bytes never seen */
    CHECK_INT(acked_in(&cap, 3), 4);
    CHECK(!has_rtt(&cap, 3));
    CHECK(xfer(&cap, 3)->flags & TCPHS_XFER_BEYOND);
    /* Throughput counts only the 100 bytes captured; one segment, one ACK:
     * too short for a throughput. */
    CHECK(tcphs_transfer_throughput_facts(tcphs_conn_transfer(&cap.conn), TCPHS_SIDE_CLIENT, &facts));
    CHECK_INT(facts.bytes, 100);
    CHECK_INT(facts.segments, 1);
    CHECK(!tcphs_conn_throughput(&cap.conn, TCPHS_SIDE_CLIENT, &bps));

    feed(&cap, CLIENT, ACK, 1101, 7001, 100, 100);                   /* 5 */
    feed(&cap, SERVER, ACK, 7001, 151, 0, 110);                      /* 6: backwards */
    CHECK_INT(acked_in(&cap, 5), 0);
    CHECK(xfer(&cap, 6) == NULL);
    feed(&cap, SERVER, ACK, 7001, 1201, 0, 20);                      /* 7: clock went back */
    CHECK_INT(acked_in(&cap, 5), 7);
    CHECK(!has_rtt(&cap, 5));
    CHECK(xfer(&cap, 5)->flags & TCPHS_XFER_LATE_CLOCK);
    tcphs_conn_free(&cap.conn);
}

/* A keep-alive repeats an acknowledged byte: acked by the keep-alive ACK, no
 * sample, and the original's sample stays.  FIN: a sample, not fed to the
 * estimator.  RST: no sequence space. */
static void test_keepalive_fin_rst(void)
{
    capture cap;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 100, 0, 0, 0);
    feed(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40);
    feed(&cap, CLIENT, ACK, 101, 7001, 10, 50);                      /* 3 */
    feed(&cap, SERVER, ACK, 7001, 111, 0, 90);                       /* 4 */
    feed_full(&cap, CLIENT, ACK, 110, 7001, 1, 1000, 1000, TCPHS_KEEP_ALIVE, -1);  /* 5 */
    feed(&cap, SERVER, ACK, 7001, 111, 0, 1040);                     /* 6 */
    CHECK(has_rtt(&cap, 3));
    CHECK_INT(acked_in(&cap, 5), 6);
    CHECK(!has_rtt(&cap, 5));
    feed(&cap, CLIENT, FIN | ACK, 111, 7001, 0, 2000);               /* 7 */
    feed(&cap, SERVER, ACK, 7001, 112, 0, 2040);                     /* 8 */
    CHECK_INT(acked_in(&cap, 7), 8);
    CHECK(has_rtt(&cap, 7));
    CHECK(!(xfer(&cap, 7)->flags & TCPHS_XFER_ESTIMATE));
    CHECK_INT(acks_segments(&cap, 8), 0);
    feed(&cap, SERVER, RST | ACK, 7001, 112, 0, 2050);               /* 9 */
    CHECK(xfer(&cap, 9) == NULL);
    tcphs_conn_free(&cap.conn);
}

/* Windows in bytes, RFC 7323: never scaled on SYN / SYN-ACK; a shift above
 * 14 counts as 14; without scaling on both sides, raw; unknown without the
 * handshake. */
static void test_windows(void)
{
    capture cap;
    uint32_t bytes;

    capture_start(&cap);
    feed_full(&cap, CLIENT, SYN, 100, 0, 0, 0, 64240, 0, 7);
    feed_full(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40, 65160, 0, 15);
    feed_full(&cap, CLIENT, ACK, 101, 7001, 0, 41, 502, 0, -1);
    feed_full(&cap, SERVER, ACK, 7001, 101, 0, 42, 2, 0, -1);
    feed_full(&cap, SERVER, ACK, 7001, 101, 0, 43, 0, 0, -1);
    CHECK(tcphs_record_window_bytes(&cap.rec[1], &bytes));
    CHECK_INT(bytes, 64240);
    CHECK(tcphs_record_window_bytes(&cap.rec[2], &bytes));
    CHECK_INT(bytes, 65160);
    CHECK(tcphs_record_window_bytes(&cap.rec[3], &bytes));
    CHECK_INT(bytes, 502 * 128);
    CHECK(tcphs_record_window_bytes(&cap.rec[4], &bytes));
    CHECK_INT(bytes, 2 << 14);                    /* 15 used as 14 */
    CHECK(cap.rec[4].wscale & TCPHS_WSCALE_CLAMPED);
    CHECK(tcphs_record_window_bytes(&cap.rec[5], &bytes));
    CHECK_INT(bytes, 0);                          /* a zero window is a known window */
    tcphs_conn_free(&cap.conn);

    capture_start(&cap);                          /* the server offers no scaling */
    feed_full(&cap, CLIENT, SYN, 100, 0, 0, 0, 64240, 0, 7);
    feed_full(&cap, SERVER, SYN | ACK, 7000, 101, 0, 40, 65160, 0, -1);
    feed_full(&cap, CLIENT, ACK, 101, 7001, 0, 41, 502, 0, -1);
    CHECK(tcphs_record_window_bytes(&cap.rec[3], &bytes));
    CHECK_INT(bytes, 502);
    tcphs_conn_free(&cap.conn);

    capture_start(&cap);                          /* the handshake was not captured */
    feed_full(&cap, CLIENT, ACK, 101, 7001, 100, 0, 502, 0, -1);
    CHECK(!tcphs_record_window_bytes(&cap.rec[1], &bytes));
    tcphs_conn_free(&cap.conn);
}

int main(void)
{
    test_estimator();
    test_one_ack_three_segments();
    test_note();
    test_karn();
    test_wrap();
    test_bad_acks();
    test_keepalive_fin_rst();
    test_windows();
    return check_failures() != 0;
}
