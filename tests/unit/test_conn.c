/* test_conn.c: the connection state machine, driven with hand-made segments.
 *
 * Each test is a little capture written out segment by segment, with the
 * event, phase and verdicts a reader of the RFC would expect.
 */
#include <stdlib.h>

#include "check.h"
#include "core/analysis/conn.h"
#include "core/words/names.h"
#include "segments.h"

/* A tiny capture: client 192.0.2.10:40000, server 198.51.100.20:80. */
typedef struct {
    tcphs_conn conn;
    uint32_t frame;
    int64_t now_ns;
    bool ipv6;
} capture;

#define CLIENT true
#define SERVER false
#define MS 1000000LL

static void capture_start(capture *cap)
{
    memset(cap, 0, sizeof(*cap));
    tcphs_conn_init(&cap->conn, 7);
    cap->now_ns = 1700000000LL * 1000000000LL;
}

static tcphs_endpoint endpoint(bool ipv6, const uint8_t v4[4], uint8_t v6_last, uint16_t port)
{
    tcphs_endpoint ep;

    memset(&ep, 0, sizeof(ep));
    ep.port = port;
    if (ipv6) {
        ep.addr.family = 6;
        ep.addr.bytes[0] = 0x20;
        ep.addr.bytes[1] = 0x01;
        ep.addr.bytes[2] = 0x0d;
        ep.addr.bytes[3] = 0xb8;
        ep.addr.bytes[15] = v6_last;
    } else {
        ep.addr.family = 4;
        memcpy(ep.addr.bytes, v4, 4);
    }
    return ep;
}

static tcphs_segment make_segment(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack,
                                  uint32_t len)
{
    static const uint8_t client_v4[4] = { 192, 0, 2, 10 };
    static const uint8_t server_v4[4] = { 198, 51, 100, 20 };
    tcphs_endpoint client = endpoint(cap->ipv6, client_v4, 10, 40000);
    tcphs_endpoint server = endpoint(cap->ipv6, server_v4, 20, 80);
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);

    seg.frame = ++cap->frame;
    cap->now_ns += 10 * MS;
    seg.time_ns = cap->now_ns;
    seg.stream = 7;
    seg.window = 64240;
    seg.have |= TCPHS_HAVE_WINDOW;
    return seg;
}

/* Feed a segment with extra facts (options, analysis marks). */
static tcphs_record feed_with(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack,
                              uint32_t len, uint32_t extra)
{
    tcphs_segment seg = make_segment(cap, from_client, flags, seq, ack, len);
    tcphs_record rec;

    seg.have |= extra;
    CHECK(tcphs_conn_update(&cap->conn, &seg, &rec));
    return rec;
}

static tcphs_record feed(capture *cap, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    return feed_with(cap, from_client, flags, seq, ack, len, 0);
}

#define SYN TCPHS_SYN
#define ACK TCPHS_ACK
#define FIN TCPHS_FIN
#define RST TCPHS_RST
#define PSH TCPHS_PSH

#define X 1000u      /* client ISN */
#define Y 5000u      /* server ISN */

static void check_record(const tcphs_record *rec, tcphs_event event, tcphs_phase phase, tcphs_side from)
{
    CHECK_STR(tcphs_event_name(rec->event), tcphs_event_name(event));
    CHECK_STR(tcphs_phase_name(rec->phase), tcphs_phase_name(phase));
    CHECK_INT(rec->from, from);
}

/* RFC 9293 figure 7: SYN, SYN-ACK, ACK, then data and a close by the client. */
static void test_client_close(void)
{
    capture cap;
    tcphs_record r;
    int64_t ns;

    capture_start(&cap);
    r = feed(&cap, CLIENT, SYN, X, 0, 0);
    check_record(&r, TCPHS_EVENT_SYN, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK_INT(r.step, 1);
    CHECK_INT(r.isn_client, X);
    CHECK(!(r.known & TCPHS_KNOWN_ISN_SERVER));
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "unanswered");

    r = feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK_INT(r.step, 2);
    CHECK(r.known & TCPHS_KNOWN_ACK_CHECK);
    CHECK(r.ack_ok);
    CHECK_INT(r.isn_server, Y);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "incomplete");

    r = feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    check_record(&r, TCPHS_EVENT_HANDSHAKE_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK_INT(r.step, 3);
    CHECK(r.ack_ok);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "complete");

    r = feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 100);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_DATA, TCPHS_SIDE_CLIENT);
    CHECK_INT(r.step, 0);
    r = feed(&cap, SERVER, ACK, Y + 1, X + 101, 0);
    check_record(&r, TCPHS_EVENT_ACK, TCPHS_PHASE_DATA, TCPHS_SIDE_SERVER);
    r = feed(&cap, SERVER, PSH | ACK, Y + 1, X + 101, 300);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_DATA, TCPHS_SIDE_SERVER);

    r = feed(&cap, CLIENT, FIN | ACK, X + 101, Y + 301, 0);
    check_record(&r, TCPHS_EVENT_FIN, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);
    r = feed(&cap, SERVER, ACK, Y + 301, X + 102, 0);
    check_record(&r, TCPHS_EVENT_FIN_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    r = feed(&cap, SERVER, FIN | ACK, Y + 301, X + 102, 0);
    check_record(&r, TCPHS_EVENT_PEER_FIN, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    r = feed(&cap, CLIENT, ACK, X + 102, Y + 302, 0);
    check_record(&r, TCPHS_EVENT_FIN_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);

    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "client");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "graceful");
    CHECK(tcphs_conn_irtt(&cap.conn, &ns));
    CHECK_INT(ns, 20 * MS);
    CHECK(tcphs_conn_syn_to_synack(&cap.conn, &ns));
    CHECK_INT(ns, 10 * MS);
    CHECK(tcphs_conn_synack_to_ack(&cap.conn, &ns));
    CHECK_INT(ns, 10 * MS);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_CLIENT].packets, 5);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_SERVER].packets, 5);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_CLIENT].bytes, 100);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_SERVER].bytes, 300);
    CHECK_INT(cap.conn.last_ns - cap.conn.first_ns, 90 * MS);
    CHECK_INT(cap.conn.syn_retransmissions, 0);
    tcphs_conn_free(&cap.conn);
}

/* The seed lab's three-segment close started by the server:
 * FIN,ACK (server) / FIN,ACK (client) / ACK (server). */
static void test_server_close_three_segments(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    r = feed(&cap, SERVER, FIN | ACK, Y + 1, X + 1, 0);
    check_record(&r, TCPHS_EVENT_FIN, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    r = feed(&cap, CLIENT, FIN | ACK, X + 1, Y + 2, 0);
    check_record(&r, TCPHS_EVENT_PEER_FIN, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);
    CHECK(!(r.known & TCPHS_KNOWN_SIMULTANEOUS_CLOSE));
    r = feed(&cap, SERVER, ACK, Y + 2, X + 2, 0);
    check_record(&r, TCPHS_EVENT_FIN_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "server");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "graceful");
    tcphs_conn_free(&cap.conn);
}

/* RFC 9293, 3.10.7.1: a SYN to a closed port is answered by RST. */
static void test_refused(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    r = feed(&cap, SERVER, RST | ACK, 0, X + 1, 0);
    check_record(&r, TCPHS_EVENT_RST, TCPHS_PHASE_RESET, TCPHS_SIDE_SERVER);
    CHECK(r.anomalies & TCPHS_ANOMALY_REFUSED);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_RST_AFTER_DATA));
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "refused");
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "server");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "reset");
    tcphs_conn_free(&cap.conn);
}

static void test_unanswered_with_retransmissions(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    r = feed(&cap, CLIENT, SYN, X, 0, 0);
    CHECK_INT(r.event, TCPHS_EVENT_SYN);
    r = feed(&cap, CLIENT, SYN, X, 0, 0);
    check_record(&r, TCPHS_EVENT_SYN_RETRANSMISSION, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK_INT(r.retransmission, 1);
    CHECK(r.anomalies & TCPHS_ANOMALY_SYN_RETRANSMITTED);
    CHECK_INT(r.step, 0);
    r = feed(&cap, CLIENT, SYN, X, 0, 0);
    CHECK_INT(r.retransmission, 2);
    CHECK_INT(cap.conn.syn_retransmissions, 2);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "unanswered");
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "none");
    tcphs_conn_free(&cap.conn);
}

/* A SYN lost once: the iRTT runs from the last SYN (Wireshark's ts_mru_syn). */
static void test_syn_lost_once_irtt(void)
{
    capture cap;
    int64_t ns;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "complete");
    CHECK(tcphs_conn_irtt(&cap.conn, &ns));
    CHECK_INT(ns, 20 * MS);
    CHECK_INT(cap.conn.syn_retransmissions, 1);
    tcphs_conn_free(&cap.conn);
}

static void test_synack_bad_ack(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    r = feed(&cap, SERVER, SYN | ACK, Y, X + 5, 0);
    CHECK_INT(r.event, TCPHS_EVENT_SYN_ACK);
    CHECK(r.known & TCPHS_KNOWN_ACK_CHECK);
    CHECK(!r.ack_ok);
    CHECK(r.anomalies & TCPHS_ANOMALY_SYNACK_BAD_ACK);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "invalid");
    /* RFC 9293, 3.10.7.3: the client resets with seq = the bad ack. */
    r = feed(&cap, CLIENT, RST, X + 5, 0, 0);
    CHECK_INT(r.event, TCPHS_EVENT_RST);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "invalid");
    tcphs_conn_free(&cap.conn);
}

static void test_handshake_ack_bad_ack(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    r = feed(&cap, CLIENT, ACK, X + 1, Y + 9, 0);
    CHECK_INT(r.event, TCPHS_EVENT_HANDSHAKE_ACK);
    CHECK_INT(r.step, 3);
    CHECK(!r.ack_ok);
    CHECK(r.anomalies & TCPHS_ANOMALY_HS_ACK_BAD_ACK);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "invalid");
    tcphs_conn_free(&cap.conn);
}

/* RFC 9293 figure 8: both sides send SYN, then both SYN-ACK. */
static void test_simultaneous_open(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    r = feed(&cap, CLIENT, SYN, X, 0, 0);
    CHECK_INT(r.step, 1);
    r = feed(&cap, SERVER, SYN, Y, 0, 0);
    check_record(&r, TCPHS_EVENT_SYN, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK_INT(r.step, 1);
    CHECK(r.anomalies & TCPHS_ANOMALY_SIMULTANEOUS_OPEN);
    r = feed(&cap, CLIENT, SYN | ACK, X, Y + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK(r.ack_ok);
    r = feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK(r.ack_ok);
    r = feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 10);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_DATA, TCPHS_SIDE_CLIENT);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_DATA_BEFORE_HS));
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "simultaneous-open");
    tcphs_conn_free(&cap.conn);
}

/* The "split handshake": the server answers the client's SYN with a bare
 * SYN, the client answers that with SYN-ACK and the server's ACK completes
 * the open (RFC 9293, 3.5, figure 8 with one SYN-ACK).  A simultaneous
 * open that completed: a later RST is a reset close, not an abort. */
static void test_split_handshake(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    r = feed(&cap, SERVER, SYN, Y, 0, 0);
    CHECK(r.anomalies & TCPHS_ANOMALY_SIMULTANEOUS_OPEN);
    r = feed(&cap, CLIENT, SYN | ACK, X, Y + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK_INT(r.step, 2);
    CHECK(r.ack_ok);
    r = feed(&cap, SERVER, ACK, Y + 1, X + 1, 0);
    check_record(&r, TCPHS_EVENT_HANDSHAKE_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK_INT(r.step, 3);
    CHECK(r.known & TCPHS_KNOWN_ACK_CHECK);
    CHECK(r.ack_ok);
    r = feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 50);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_DATA, TCPHS_SIDE_CLIENT);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_DATA_BEFORE_HS));
    r = feed(&cap, SERVER, RST | ACK, Y + 1, X + 51, 0);
    check_record(&r, TCPHS_EVENT_RST, TCPHS_PHASE_RESET, TCPHS_SIDE_SERVER);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_ABORTED));
    CHECK(r.anomalies & TCPHS_ANOMALY_RST_AFTER_DATA);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "simultaneous-open");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "reset");
    tcphs_conn_free(&cap.conn);

    /* A RST before both SYNs were acknowledged still aborts the open. */
    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN, Y, 0, 0);
    feed(&cap, CLIENT, SYN | ACK, X, Y + 1, 0);
    r = feed(&cap, SERVER, RST, X + 1, 0, 0);
    CHECK(r.anomalies & TCPHS_ANOMALY_ABORTED);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "aborted");
    tcphs_conn_free(&cap.conn);
}

/* The capture begins with the SYN-ACK: the client's ISN is its ack - 1. */
static void test_starts_at_synack(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    r = feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK(!(r.known & TCPHS_KNOWN_ROLE_GUESSED));
    CHECK(r.known & TCPHS_KNOWN_ISN_CLIENT_DERIVED);
    CHECK_INT(r.isn_client, X);
    CHECK(!(r.known & TCPHS_KNOWN_ACK_CHECK));
    r = feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    check_record(&r, TCPHS_EVENT_HANDSHAKE_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
    CHECK(r.ack_ok);
    CHECK(r.known & TCPHS_KNOWN_ISN_CLIENT_DERIVED);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "complete");
    tcphs_conn_free(&cap.conn);
}

/* No SYN at all, first segment from port 80: roles guessed from the ports. */
static void test_midstream_guessed_roles(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    r = feed(&cap, SERVER, PSH | ACK, Y + 100, X + 50, 200);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_DATA, TCPHS_SIDE_SERVER);
    CHECK(r.known & TCPHS_KNOWN_ROLE_GUESSED);
    CHECK(r.anomalies & TCPHS_ANOMALY_MIDSTREAM_START);
    CHECK(!(r.known & (TCPHS_KNOWN_ISN_CLIENT | TCPHS_KNOWN_ISN_SERVER)));
    CHECK_INT(cap.conn.client.port, 40000);
    r = feed(&cap, CLIENT, ACK, X + 50, Y + 300, 0);
    check_record(&r, TCPHS_EVENT_ACK, TCPHS_PHASE_DATA, TCPHS_SIDE_CLIENT);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_MIDSTREAM_START));
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "not-seen");
    tcphs_conn_free(&cap.conn);
}

/* Keep-alives as Wireshark marks them (tcp.analysis.keep_alive[_ack]). */
static void test_keep_alive(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    r = feed_with(&cap, CLIENT, ACK, X, Y + 1, 0, TCPHS_KEEP_ALIVE);
    check_record(&r, TCPHS_EVENT_KEEP_ALIVE, TCPHS_PHASE_DATA, TCPHS_SIDE_CLIENT);
    r = feed_with(&cap, SERVER, ACK, Y + 1, X + 1, 0, TCPHS_KEEP_ALIVE_ACK);
    check_record(&r, TCPHS_EVENT_KEEP_ALIVE_ACK, TCPHS_PHASE_DATA, TCPHS_SIDE_SERVER);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_CLIENT].keep_alives, 1);
    tcphs_conn_free(&cap.conn);
}

/* Each side sends FIN before the other's arrived: its ack does not cover it. */
static void test_simultaneous_close(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    r = feed(&cap, CLIENT, FIN | ACK, X + 1, Y + 1, 0);
    CHECK_INT(r.event, TCPHS_EVENT_FIN);
    r = feed(&cap, SERVER, FIN | ACK, Y + 1, X + 1, 0);
    CHECK_INT(r.event, TCPHS_EVENT_PEER_FIN);
    CHECK(r.known & TCPHS_KNOWN_SIMULTANEOUS_CLOSE);
    r = feed(&cap, CLIENT, ACK, X + 2, Y + 2, 0);
    CHECK_INT(r.event, TCPHS_EVENT_FIN_ACK);
    r = feed(&cap, SERVER, ACK, Y + 2, X + 2, 0);
    CHECK_INT(r.event, TCPHS_EVENT_FIN_ACK);
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "both");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "graceful");
    tcphs_conn_free(&cap.conn);
}

/* Half close: the client's FIN, then the server keeps sending. */
static void test_half_close(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    feed(&cap, CLIENT, FIN | ACK, X + 1, Y + 1, 0);
    r = feed(&cap, SERVER, PSH | ACK, Y + 1, X + 2, 500);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    r = feed(&cap, CLIENT, ACK, X + 2, Y + 501, 0);
    check_record(&r, TCPHS_EVENT_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "half");
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "client");
    tcphs_conn_free(&cap.conn);
}

static void test_reset_after_data_and_data_after_reset(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 10);
    r = feed(&cap, SERVER, RST | ACK, Y + 1, X + 11, 0);
    check_record(&r, TCPHS_EVENT_RST, TCPHS_PHASE_RESET, TCPHS_SIDE_SERVER);
    CHECK(r.anomalies & TCPHS_ANOMALY_RST_AFTER_DATA);
    r = feed(&cap, CLIENT, PSH | ACK, X + 11, Y + 1, 10);
    check_record(&r, TCPHS_EVENT_DATA, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);
    CHECK(r.anomalies & TCPHS_ANOMALY_DATA_AFTER_RST);
    r = feed(&cap, CLIENT, FIN | ACK, X + 21, Y + 1, 0);
    CHECK(r.anomalies & TCPHS_ANOMALY_FIN_AFTER_RST);
    CHECK_STR(tcphs_close_initiator_name(tcphs_conn_close_initiator(&cap.conn)), "client");
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "reset");
    tcphs_conn_free(&cap.conn);
}

/* A RST after both FINs changes nothing: still a graceful close (as in Zeek). */
static void test_rst_after_both_fins(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    feed(&cap, CLIENT, FIN | ACK, X + 1, Y + 1, 0);
    feed(&cap, SERVER, FIN | ACK, Y + 1, X + 2, 0);
    r = feed(&cap, CLIENT, RST, X + 2, 0, 0);
    CHECK(r.known & TCPHS_KNOWN_AFTER_BOTH_FINS);
    CHECK_STR(tcphs_close_kind_name(tcphs_conn_close_kind(&cap.conn)), "graceful");
    tcphs_conn_free(&cap.conn);
}

static void test_synack_retransmission(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    r = feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    check_record(&r, TCPHS_EVENT_SYN_ACK_RETRANSMISSION, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
    CHECK_INT(r.step, 0);
    r = feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    CHECK_INT(r.step, 3);
    CHECK(r.ack_ok);
    tcphs_conn_free(&cap.conn);
}

static void test_data_before_handshake(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    r = feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 20);
    CHECK(r.anomalies & TCPHS_ANOMALY_DATA_BEFORE_HS);
    CHECK_INT(r.event, TCPHS_EVENT_DATA);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    r = feed(&cap, CLIENT, PSH | ACK, X + 1, Y + 1, 20);
    /* the third segment may carry data: it completes the handshake */
    CHECK_INT(r.event, TCPHS_EVENT_HANDSHAKE_ACK);
    CHECK(!(r.anomalies & TCPHS_ANOMALY_DATA_BEFORE_HS));
    tcphs_conn_free(&cap.conn);
}

static void test_options(void)
{
    capture cap;
    tcphs_segment seg;
    tcphs_record r;

    capture_start(&cap);
    seg = make_segment(&cap, CLIENT, SYN | TCPHS_ECE | TCPHS_CWR, X, 0, 0);
    seg.have |= TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS;
    seg.mss = 1460;
    seg.wscale = 7;
    CHECK(tcphs_conn_update(&cap.conn, &seg, &r));
    CHECK(!tcphs_conn_options_known(&cap.conn));
    seg = make_segment(&cap, SERVER, SYN | ACK | TCPHS_ECE, Y, X + 1, 0);
    seg.have |= TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM;
    seg.mss = 1400;
    seg.wscale = 9;
    CHECK(tcphs_conn_update(&cap.conn, &seg, &r));
    CHECK(tcphs_conn_options_known(&cap.conn));
    CHECK_INT(tcphs_conn_mss_effective(&cap.conn), 1400);
    CHECK_INT(cap.conn.offer[TCPHS_SIDE_CLIENT].wscale, 7);
    CHECK_INT(cap.conn.offer[TCPHS_SIDE_SERVER].wscale, 9);
    CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_WSCALE));
    CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_SACK));
    CHECK(!tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TIMESTAMPS));
    CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_ECN));
    CHECK(!tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TFO));
    tcphs_conn_free(&cap.conn);
}

/* RFC 9768, 3.1.1, table 2: an AccECN SYN (AE, CWR, ECE) and the SYN-ACK's
 * answer decide the ECN feedback mode; RFC 3168, 6.1.1 the classic one. */
static void test_ecn_modes(void)
{
    enum { AE = TCPHS_AE, CWR = TCPHS_CWR, ECE = TCPHS_ECE };
    static const struct {
        uint16_t syn, synack;
        tcphs_ecn_mode mode;
    } cases[] = {
        { AE | CWR | ECE, CWR,            TCPHS_ECN_ACCURATE },  /* SYN arrived Not-ECT */
        { AE | CWR | ECE, CWR | ECE,      TCPHS_ECN_ACCURATE },  /* ECT(1) */
        { AE | CWR | ECE, AE,             TCPHS_ECN_ACCURATE },  /* ECT(0) */
        { AE | CWR | ECE, AE | CWR,       TCPHS_ECN_ACCURATE },  /* CE */
        { AE | CWR | ECE, ECE,            TCPHS_ECN_CLASSIC },   /* an RFC 3168 server */
        { AE | CWR | ECE, 0,              TCPHS_ECN_NONE },
        { AE | CWR | ECE, AE | CWR | ECE, TCPHS_ECN_NONE },      /* "broken" */
        { CWR | ECE,      ECE,            TCPHS_ECN_CLASSIC },
        { CWR | ECE,      CWR,            TCPHS_ECN_NONE },      /* no AccECN answer to a classic SYN */
        { 0,              ECE,            TCPHS_ECN_NONE },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        capture cap;

        capture_start(&cap);
        feed(&cap, CLIENT, SYN | cases[i].syn, X, 0, 0);
        CHECK_INT(tcphs_conn_ecn_mode(&cap.conn), TCPHS_ECN_NONE);   /* nothing agreed yet */
        feed(&cap, SERVER, SYN | ACK | cases[i].synack, Y, X + 1, 0);
        CHECK_INT(tcphs_conn_ecn_mode(&cap.conn), cases[i].mode);
        CHECK_INT(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_ECN), cases[i].mode != TCPHS_ECN_NONE);
        tcphs_conn_free(&cap.conn);
    }
    CHECK_STR(tcphs_ecn_mode_name(TCPHS_ECN_ACCURATE), "accurate");
    CHECK_STR(tcphs_ecn_mode_name(TCPHS_ECN_CLASSIC), "classic");
    CHECK_STR(tcphs_ecn_mode_name(TCPHS_ECN_NONE), "none");
}

/* RFC 9293, 3.7.1: a side that sent no MSS option counts as 1220 over IPv6. */
static void test_default_mss_ipv6_and_tfo(void)
{
    capture cap;
    tcphs_segment seg;
    tcphs_record r;

    capture_start(&cap);
    cap.ipv6 = true;
    seg = make_segment(&cap, CLIENT, SYN, X, 0, 20);
    seg.have |= TCPHS_OPT_MSS;
    seg.mss = 1440;
    CHECK(tcphs_conn_update(&cap.conn, &seg, &r));
    r = feed(&cap, SERVER, SYN | ACK, Y, X + 21, 0);
    CHECK_INT(tcphs_conn_mss_effective(&cap.conn), 1220);
    CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TFO));
    CHECK(!tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_ECN));
    tcphs_conn_free(&cap.conn);
}

/* RFC 7413, 4.2: a SYN with 20 bytes of data and a cookie.  A SYN-ACK that
 * acknowledges the data too (ack = ISN + 1 + 20) is correct, and so is one
 * that acknowledges only the SYN (ack = ISN + 1: the data was not accepted
 * and comes again after the handshake, RFC 9293 3.10.7.3: any ack in
 * ISN < ack =< ISN + 1 + 20).  One beyond the data is wrong. */
static void test_fast_open_acks(void)
{
    static const uint32_t acks[] = { X + 21, X + 1, X + 22 };
    static const bool correct[] = { true, true, false };

    for (size_t i = 0; i < sizeof(acks) / sizeof(acks[0]); i++) {
        capture cap;
        tcphs_record r;

        capture_start(&cap);
        r = feed_with(&cap, CLIENT, SYN, X, 0, 20, TCPHS_OPT_TFO_COOKIE);
        check_record(&r, TCPHS_EVENT_SYN, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
        r = feed(&cap, SERVER, SYN | ACK, Y, acks[i], 0);
        check_record(&r, TCPHS_EVENT_SYN_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_SERVER);
        CHECK(r.known & TCPHS_KNOWN_ACK_CHECK);
        CHECK_INT(r.ack_ok, correct[i]);
        CHECK_INT(!!(r.anomalies & TCPHS_ANOMALY_SYNACK_BAD_ACK), !correct[i]);
        if (!correct[i]) {
            CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "invalid");
            tcphs_conn_free(&cap.conn);
            continue;
        }
        /* Not accepted: the client's third segment carries the data again. */
        r = feed(&cap, CLIENT, acks[i] == X + 1 ? PSH | ACK : ACK, acks[i], Y + 1, acks[i] == X + 1 ? 20 : 0);
        check_record(&r, TCPHS_EVENT_HANDSHAKE_ACK, TCPHS_PHASE_HANDSHAKE, TCPHS_SIDE_CLIENT);
        CHECK(r.ack_ok);
        CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "complete");
        CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TFO));
        tcphs_conn_free(&cap.conn);
    }
}

/* RFC 7413, 4.1.1 and 4.2.1: a Fast Open option without a cookie (length
 * 2) only asks for a cookie; the SYN carries no data: not Fast Open.  The
 * next connection's SYN with the cookie is Fast Open, even without data. */
static void test_fast_open_cookie_request(void)
{
    capture cap;

    capture_start(&cap);
    feed_with(&cap, CLIENT, SYN, X, 0, 0, TCPHS_OPT_TFO_REQUEST);
    feed_with(&cap, SERVER, SYN | ACK, Y, X + 1, 0, TCPHS_OPT_TFO_COOKIE);
    CHECK(!tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TFO));
    CHECK(!(cap.conn.offer[TCPHS_SIDE_CLIENT].offered & TCPHS_OFFER_TFO));
    tcphs_conn_free(&cap.conn);

    capture_start(&cap);
    feed_with(&cap, CLIENT, SYN, X, 0, 0, TCPHS_OPT_TFO_COOKIE);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    CHECK(tcphs_conn_negotiated(&cap.conn, TCPHS_OFFER_TFO));
    tcphs_conn_free(&cap.conn);
}

/* A fin-ack sent again (or captured twice) still acknowledges the FIN. */
static void test_duplicate_fin_ack(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, X, 0, 0);
    feed(&cap, SERVER, SYN | ACK, Y, X + 1, 0);
    feed(&cap, CLIENT, ACK, X + 1, Y + 1, 0);
    r = feed(&cap, CLIENT, FIN | ACK, X + 1, Y + 1, 0);
    check_record(&r, TCPHS_EVENT_FIN, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_CLIENT);
    r = feed(&cap, SERVER, ACK, Y + 1, X + 2, 0);
    check_record(&r, TCPHS_EVENT_FIN_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    r = feed(&cap, SERVER, ACK, Y + 1, X + 2, 0);
    check_record(&r, TCPHS_EVENT_FIN_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    /* An ACK short of the FIN is a plain ack. */
    r = feed(&cap, SERVER, ACK, Y + 1, X + 1, 0);
    check_record(&r, TCPHS_EVENT_ACK, TCPHS_PHASE_TEARDOWN, TCPHS_SIDE_SERVER);
    tcphs_conn_free(&cap.conn);
}

/* RFC 9293, 3.4: the ack of ISN 2^32 - 1 is 0. */
static void test_isn_wraps(void)
{
    capture cap;
    tcphs_record r;

    capture_start(&cap);
    feed(&cap, CLIENT, SYN, 0xffffffffu, 0, 0);
    r = feed(&cap, SERVER, SYN | ACK, 0xffffffffu, 0, 0);
    CHECK(r.ack_ok);
    r = feed(&cap, CLIENT, ACK, 0, 0, 0);
    CHECK(r.ack_ok);
    CHECK_STR(tcphs_hs_verdict_name(tcphs_conn_hs_verdict(&cap.conn)), "complete");
    tcphs_conn_free(&cap.conn);
}

/* A segment without the facts tcphs needs gets no record and changes nothing. */
static void test_missing_facts(void)
{
    capture cap;
    tcphs_segment seg;
    tcphs_record r;

    capture_start(&cap);
    seg = make_segment(&cap, CLIENT, SYN, X, 0, 0);
    seg.have &= ~(uint32_t)TCPHS_HAVE_SEQ;
    CHECK(!tcphs_conn_update(&cap.conn, &seg, &r));
    CHECK_INT(cap.conn.first_frame, 0);
    CHECK_INT(cap.conn.side[TCPHS_SIDE_CLIENT].packets, 0);
    seg.have = 0;
    CHECK(!tcphs_conn_update(&cap.conn, &seg, &r));
    tcphs_conn_free(&cap.conn);
}

int main(void)
{
    test_client_close();
    test_server_close_three_segments();
    test_refused();
    test_unanswered_with_retransmissions();
    test_syn_lost_once_irtt();
    test_synack_bad_ack();
    test_handshake_ack_bad_ack();
    test_simultaneous_open();
    test_split_handshake();
    test_starts_at_synack();
    test_midstream_guessed_roles();
    test_keep_alive();
    test_simultaneous_close();
    test_half_close();
    test_reset_after_data_and_data_after_reset();
    test_rst_after_both_fins();
    test_synack_retransmission();
    test_data_before_handshake();
    test_options();
    test_ecn_modes();
    test_default_mss_ipv6_and_tfo();
    test_fast_open_acks();
    test_fast_open_cookie_request();
    test_duplicate_fin_ack();
    test_isn_wraps();
    test_missing_facts();
    return check_failures() != 0;
}
