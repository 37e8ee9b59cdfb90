/* test_zeek.c: unit tests of the Zeek conn_state/history model (core/zeek.c).
 *
 * Each test feeds hand-made segments between a client 10.0.0.1:40000 and a
 * server 10.0.0.2 (port 80, a likely server port, or 5555, which is not) and
 * checks the history and conn_state Zeek would log.
 */
#include "check.h"
/* Relative to this file, so that both the CMake build (which puts the project
 * root on the include path) and a bare `cc -I core ...` find it. */
#include "core/analysis/zeek.h"
#include "segments.h"

/* ------------------------------------------------------------ fixture */

enum { CLIENT, SERVER };

typedef struct {
    tcphs_zeek z;
    uint16_t server_port;
    uint32_t frame;
} conn;

#define C_ISN 1000u
#define S_ISN 5000u

static tcphs_endpoint host(int who, uint16_t server_port)
{
    tcphs_endpoint e;
    memset(&e, 0, sizeof e);
    e.addr.family = 4;
    e.addr.bytes[0] = 10;
    e.addr.bytes[3] = who == CLIENT ? 1 : 2;
    e.port = who == CLIENT ? 40000 : server_port;
    return e;
}

static void conn_init(conn *c, uint16_t server_port)
{
    tcphs_zeek_init(&c->z);
    c->server_port = server_port;
    c->frame = 0;
}

static tcphs_segment make_seg(conn *c, int from, uint16_t flags, uint32_t seq, uint32_t ack,
                              uint32_t len, uint16_t window)
{
    tcphs_endpoint client = host(CLIENT, c->server_port);
    tcphs_endpoint server = host(SERVER, c->server_port);
    tcphs_segment s = test_segment(&client, &server, from == CLIENT, flags, seq, ack, len);

    s.frame = ++c->frame;
    s.window = window;
    s.have |= TCPHS_HAVE_WINDOW;
    return s;
}

/* Feed one segment with a non-zero window. */
static void feed(conn *c, int from, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    tcphs_segment s = make_seg(c, from, flags, seq, ack, len, 1000);
    tcphs_zeek_update(&c->z, &s);
}

static void feed_window(conn *c, int from, uint16_t flags, uint32_t seq, uint32_t ack,
                        uint32_t len, uint16_t window)
{
    tcphs_segment s = make_seg(c, from, flags, seq, ack, len, window);
    tcphs_zeek_update(&c->z, &s);
}

#define SYN TCPHS_SYN
#define ACK TCPHS_ACK
#define FIN TCPHS_FIN
#define RST TCPHS_RST
#define PSH TCPHS_PSH

/* SYN, SYN-ACK, ACK: client next seq C_ISN+1, server S_ISN+1. */
static void handshake(conn *c)
{
    feed(c, CLIENT, SYN, C_ISN, 0, 0);
    feed(c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    feed(c, CLIENT, ACK, C_ISN + 1, S_ISN + 1, 0);
}

static const char *history(const conn *c) { return tcphs_zeek_history(&c->z); }
static const char *state(const conn *c) { return tcphs_zeek_conn_state(&c->z); }

/* -------------------------------------------------------------- tests */

static void test_normal_connection(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, SERVER, ACK, S_ISN + 1, C_ISN + 11, 0);
    feed(&c, SERVER, ACK | PSH, S_ISN + 1, C_ISN + 11, 20);
    feed(&c, CLIENT, ACK, C_ISN + 11, S_ISN + 21, 0);
    feed(&c, CLIENT, FIN | ACK, C_ISN + 11, S_ISN + 21, 0);
    feed(&c, SERVER, FIN | ACK, S_ISN + 21, C_ISN + 12, 0);
    feed(&c, CLIENT, ACK, C_ISN + 12, S_ISN + 22, 0);
    CHECK_STR(history(&c), "ShADadFf");
    CHECK_STR(state(&c), "SF");
}

static void test_unanswered_syn(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    CHECK_STR(history(&c), "S");
    CHECK_STR(state(&c), "S0");
}

static void test_rejected(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, SERVER, RST | ACK, 0, C_ISN + 1, 0);
    CHECK_STR(history(&c), "Sr");
    CHECK_STR(state(&c), "REJ");
}

static void test_syn_then_orig_rst(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, CLIENT, RST, C_ISN + 1, 0, 0);
    CHECK_STR(history(&c), "SR");
    CHECK_STR(state(&c), "RSTOS0");
}

static void test_established_then_orig_rst(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    CHECK_STR(state(&c), "S1"); /* the third ACK is not needed */
    feed(&c, CLIENT, RST, C_ISN + 1, 0, 0);
    CHECK_STR(history(&c), "ShR");
    CHECK_STR(state(&c), "RSTO");
}

static void test_syn_retransmission_adds_no_letter(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    CHECK_STR(history(&c), "S");
    CHECK_STR(state(&c), "S0");
    /* A SYN with a new ISN while SYN_SENT restarts the numbering (TSA
     * init_endpoint), so its relative seq is 0 again: no new letter.  (Zeek
     * itself would start a new conn.log row here; tcphs keeps one.) */
    feed(&c, CLIENT, SYN, C_ISN + 77, 0, 0);
    CHECK_STR(history(&c), "S");
}

static void test_syn_with_new_seq_repeats(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, CLIENT, FIN, C_ISN + 1, 0, 0);
    /* once CLOSED the numbering stays, so a new ISN is a new relative seq */
    feed(&c, CLIENT, SYN, C_ISN + 9000, 0, 0);
    CHECK_STR(history(&c), "SFS");
}

static void test_fin_retransmission_adds_no_letter(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, FIN | ACK, C_ISN + 1, S_ISN + 1, 0);
    feed(&c, CLIENT, FIN | ACK, C_ISN + 1, S_ISN + 1, 0);
    CHECK_STR(history(&c), "ShAF");
    CHECK_STR(state(&c), "S2");
}

static void test_lone_syn_ack_flips_to_caret_h(void)
{
    conn c;
    conn_init(&c, 5555); /* neither port is a likely server port: no flip at creation */
    feed(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    CHECK_STR(history(&c), "H");
    CHECK_STR(state(&c), "OTH");

    tcphs_segment ack = make_seg(&c, CLIENT, ACK, C_ISN + 1, S_ISN + 1, 0, 1000);
    tcphs_zeek_update(&c.z, &ack);
    CHECK_STR(history(&c), "^hA");
    CHECK(tcphs_zeek_from_orig(&c.z, &ack)); /* the client is now the originator */
    CHECK_STR(state(&c), "S1");
}

static void test_lone_syn_ack_then_rst_stays(void)
{
    conn c;
    conn_init(&c, 5555);
    feed(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    feed(&c, CLIENT, RST, C_ISN + 1, 0, 0);
    CHECK_STR(history(&c), "Hr"); /* a stealth scan keeps its orientation */
}

static void test_flip_at_creation(void)
{
    conn c;
    conn_init(&c, 80);
    tcphs_segment data = make_seg(&c, SERVER, ACK | PSH, S_ISN + 1, C_ISN + 1, 100, 1000);
    tcphs_zeek_update(&c.z, &data);
    CHECK_STR(history(&c), "^d");
    CHECK_STR(state(&c), "OTH");
    CHECK(!tcphs_zeek_from_orig(&c.z, &data));
}

static void test_syn_syn_ack_reversal(void)
{
    conn c;
    conn_init(&c, 5555);
    feed(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, CLIENT, ACK, C_ISN + 1, S_ISN + 1, 0);
    CHECK_STR(history(&c), "Hs^A");
    CHECK_STR(state(&c), "S1");
}

static void test_retransmissions_log_scale(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10); /* 1st retransmission */
    CHECK_STR(history(&c), "ShADT");
    for (int i = 2; i <= 9; ++i)
        feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    CHECK_STR(history(&c), "ShADT");
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10); /* 10th */
    CHECK_STR(history(&c), "ShADTT");
}

static void test_zero_window(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed_window(&c, SERVER, ACK, S_ISN + 1, C_ISN + 1, 0, 0);
    CHECK_STR(history(&c), "ShAaw");
    /* zero windows after the peer's FIN are not interesting */
    feed(&c, CLIENT, FIN | ACK, C_ISN + 1, S_ISN + 1, 0);
    feed_window(&c, SERVER, ACK, S_ISN + 1, C_ISN + 2, 0, 0);
    CHECK_STR(history(&c), "ShAawF");
}

static void test_syn_fin_is_q(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN | FIN, C_ISN, 0, 0);
    feed(&c, CLIENT, SYN | FIN, C_ISN, 0, 0); /* once per direction */
    CHECK_STR(history(&c), "Q");
    CHECK_STR(state(&c), "SH");
}

static void test_fin_rst_is_i(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    feed(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0);
    feed(&c, CLIENT, FIN | RST | ACK, C_ISN + 1, S_ISN + 1, 0);
    CHECK_STR(history(&c), "ShI");
    CHECK_STR(state(&c), "RSTO");
}

static void test_data_on_syn_is_s(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 20); /* TCP Fast Open style */
    /* S, not D.  The T is Zeek's too: init_endpoint sets last_seq past the
     * SYN's data, so update_last_seq sees a payload that does not advance. */
    CHECK_STR(history(&c), "ST");
    CHECK_STR(state(&c), "S0");
}

static void test_one_byte_keep_alive_is_t(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, SERVER, ACK, S_ISN + 1, C_ISN + 11, 0);
    /* keep-alive: one old byte at snd.nxt - 1 */
    feed(&c, CLIENT, ACK, C_ISN + 10, S_ISN + 1, 1);
    CHECK_STR(history(&c), "ShADaT");
    /* a zero-byte keep-alive is just an ACK, already recorded */
    feed(&c, CLIENT, ACK, C_ISN + 10, S_ISN + 1, 0);
    CHECK_STR(history(&c), "ShADaT");
}

static void test_rst_after_fin_exchange(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, SERVER, ACK | PSH, S_ISN + 1, C_ISN + 11, 20);
    feed(&c, CLIENT, FIN | ACK, C_ISN + 11, S_ISN + 21, 0);
    feed(&c, SERVER, FIN | ACK, S_ISN + 21, C_ISN + 12, 0);
    CHECK_STR(state(&c), "SF");
    feed(&c, CLIENT, RST, C_ISN + 12, 0, 0);
    CHECK_STR(history(&c), "ShADdFfR"); /* the letter is written... */
    CHECK_STR(state(&c), "SF");         /* ...but the state does not move */
}

static void test_bad_checksum(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, SYN, C_ISN, 0, 0);
    tcphs_segment bad = make_seg(&c, SERVER, SYN | ACK, S_ISN, C_ISN + 1, 0, 1000);
    bad.have |= TCPHS_BAD_CHECKSUM;
    tcphs_zeek_update(&c.z, &bad);
    CHECK_STR(history(&c), "Sc"); /* the segment is otherwise discarded */
    CHECK_STR(state(&c), "S0");
}

static void test_content_gap(void)
{
    conn c;
    conn_init(&c, 80);
    handshake(&c);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 21, S_ISN + 1, 10); /* 10 bytes never seen */
    feed(&c, SERVER, ACK, S_ISN + 1, C_ISN + 31, 0);
    CHECK_STR(history(&c), "ShADaG");
    CHECK_STR(state(&c), "S1");
}

static void test_midstream_both_sides(void)
{
    conn c;
    conn_init(&c, 80);
    feed(&c, CLIENT, ACK | PSH, C_ISN + 1, S_ISN + 1, 10);
    feed(&c, SERVER, ACK | PSH, S_ISN + 1, C_ISN + 11, 10);
    CHECK_STR(history(&c), "Dd");
    CHECK_STR(state(&c), "OTH");
}

/* Zeek's history has no cap; tcphs's has, and shows where it cut: a history
 * of exactly TCPHS_ZEEK_HISTORY_MAX letters is whole, one letter more ends it
 * with TCPHS_ZEEK_HISTORY_CUT, and further letters change nothing. */
static void test_history_is_bounded(void)
{
    conn c;
    uint32_t i = 0;
    char whole[TCPHS_ZEEK_HISTORY_MAX + 1];

    conn_init(&c, 80);
    /* Every RST with a new sequence number adds R or r. */
    while (strlen(history(&c)) < TCPHS_ZEEK_HISTORY_MAX && i < 1000) {
        feed(&c, (int)(i & 1u), RST, C_ISN + i * 100u, 0, 0);
        ++i;
    }
    CHECK_INT(strlen(history(&c)), TCPHS_ZEEK_HISTORY_MAX);
    CHECK(!c.z.truncated);
    CHECK(strchr(history(&c), TCPHS_ZEEK_HISTORY_CUT) == NULL);
    memcpy(whole, history(&c), sizeof whole);

    feed(&c, (int)(i & 1u), RST, C_ISN + i * 100u, 0, 0);
    ++i;
    CHECK(c.z.truncated);
    CHECK_INT(strlen(history(&c)), TCPHS_ZEEK_HISTORY_MAX + 1);
    CHECK_INT(history(&c)[TCPHS_ZEEK_HISTORY_MAX], TCPHS_ZEEK_HISTORY_CUT);
    CHECK(strncmp(history(&c), whole, TCPHS_ZEEK_HISTORY_MAX) == 0);

    for (; i < 200; ++i)
        feed(&c, (int)(i & 1u), RST, C_ISN + i * 100u, 0, 0);
    CHECK_INT(strlen(history(&c)), TCPHS_ZEEK_HISTORY_MAX + 1);
    CHECK_INT(history(&c)[TCPHS_ZEEK_HISTORY_MAX], TCPHS_ZEEK_HISTORY_CUT);
}

static void test_incomplete_segment_is_ignored(void)
{
    conn c;
    conn_init(&c, 80);
    tcphs_segment s = make_seg(&c, CLIENT, SYN, C_ISN, 0, 0, 1000);
    s.have &= ~(uint32_t)TCPHS_HAVE_SEQ;
    tcphs_zeek_update(&c.z, &s);
    CHECK_STR(history(&c), "");
}

static void test_endpoint_equal(void)
{
    tcphs_endpoint a = host(CLIENT, 80), b = host(CLIENT, 80);
    CHECK(tcphs_endpoint_equal(&a, &b));
    b.port = 81;
    CHECK(!tcphs_endpoint_equal(&a, &b));
    b = a;
    b.addr.family = 6;
    CHECK(!tcphs_address_equal(&a.addr, &b.addr));
    b = a;
    b.addr.bytes[10] = 1; /* beyond the 4 bytes of an IPv4 address */
    CHECK(tcphs_address_equal(&a.addr, &b.addr));
}

int main(void)
{
    test_normal_connection();
    test_unanswered_syn();
    test_rejected();
    test_syn_then_orig_rst();
    test_established_then_orig_rst();
    test_syn_retransmission_adds_no_letter();
    test_syn_with_new_seq_repeats();
    test_fin_retransmission_adds_no_letter();
    test_lone_syn_ack_flips_to_caret_h();
    test_lone_syn_ack_then_rst_stays();
    test_flip_at_creation();
    test_syn_syn_ack_reversal();
    test_retransmissions_log_scale();
    test_zero_window();
    test_syn_fin_is_q();
    test_fin_rst_is_i();
    test_data_on_syn_is_s();
    test_one_byte_keep_alive_is_t();
    test_rst_after_fin_exchange();
    test_bad_checksum();
    test_content_gap();
    test_midstream_both_sides();
    test_history_is_bounded();
    test_incomplete_segment_is_ignored();
    test_endpoint_equal();
    return check_failures() != 0;
}
