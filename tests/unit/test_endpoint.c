/* test_endpoint.c: the RFC 9293 endpoint states, through the figures of the RFC.
 *
 * Each case is a capture written as the table a textbook prints beside a
 * time-sequence diagram: the segment (who sends it, flags, seq, ack, length)
 * and both endpoints' states once it has been sent and delivered.  The
 * client's ISN is 100, the server's 300, as in RFC 9293's figures.
 */
#include <stdlib.h>

#include "check.h"
#include "core/analysis/conn.h"
#include "core/words/names.h"
#include "core/analysis/endpoint.h"
#include "segments.h"

#define C true
#define S false
#define SYN TCPHS_SYN
#define ACK TCPHS_ACK
#define FIN TCPHS_FIN
#define RST TCPHS_RST
#define PSH TCPHS_PSH

/* One line of a state table. */
typedef struct {
    bool from_client;
    uint16_t flags;
    uint32_t seq, ack, len;
    const char *client;          /* states once the segment is sent and delivered */
    const char *server;
} row;

typedef struct {
    const char *name;
    const char *client_before;   /* what the first segment shows of the states before it */
    const char *server_before;
    const row *rows;
    size_t count;
} state_table;

static tcphs_segment segment_of(const row *r)
{
    static const tcphs_endpoint client = { { 4, { 192, 0, 2, 10 } }, 40000 };
    static const tcphs_endpoint server = { { 4, { 198, 51, 100, 20 } }, 80 };

    return test_segment(&client, &server, r->from_client, r->flags, r->seq, r->ack, r->len);
}

/* Run a table through the endpoint machine; a failure names the case and the line. */
static void run_table(const state_table *t)
{
    tcphs_endpoints eps;
    tcphs_state_pair before, after;

    tcphs_endpoints_init(&eps);
    for (size_t i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        tcphs_segment seg = segment_of(r);
        const char *client, *server;

        tcphs_endpoints_update(&eps, &seg, r->from_client ? TCPHS_SIDE_CLIENT : TCPHS_SIDE_SERVER, &before,
                               &after);
        if (i == 0 && t->client_before) {
            const char *cb = tcphs_state_name(tcphs_state_of(before, TCPHS_SIDE_CLIENT));
            const char *sb = tcphs_state_name(tcphs_state_of(before, TCPHS_SIDE_SERVER));
            if (strcmp(cb, t->client_before) != 0 || strcmp(sb, t->server_before) != 0) {
                fprintf(stderr, "%s: before line 1: client %s, server %s; expected %s, %s\n", t->name, cb, sb,
                        t->client_before, t->server_before);
                check_failed_count++;
            }
        }
        client = tcphs_state_name(tcphs_state_of(after, TCPHS_SIDE_CLIENT));
        server = tcphs_state_name(tcphs_state_of(after, TCPHS_SIDE_SERVER));
        if (strcmp(client, r->client) != 0 || strcmp(server, r->server) != 0) {
            fprintf(stderr, "%s: line %zu: client %s, server %s; expected %s, %s\n", t->name, i + 1, client, server,
                    r->client, r->server);
            check_failed_count++;
        }
    }
}

#define TABLE(name, cb, sb, ...)                                                   \
    do {                                                                           \
        static const row rows_[] = { __VA_ARGS__ };                                \
        state_table t_ = { name, cb, sb, rows_, sizeof(rows_) / sizeof(rows_[0]) }; \
        run_table(&t_);                                                            \
    } while (0)

/* The handshake of figure 6 (3.5), used by most cases. */
#define OPEN                                                                   \
    { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },                    \
    { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },              \
    { C, ACK,       101, 301, 0, "ESTABLISHED", "ESTABLISHED" }

/* ---- opening ------------------------------------------------------------- */

static void test_open(void)
{
    /* Figure 6: the basic three-way handshake; the client was CLOSED, the server LISTEN. */
    TABLE("figure 6: three-way handshake", "CLOSED", "LISTEN",
          OPEN,
          { C, PSH | ACK, 101, 301, 10, "ESTABLISHED", "ESTABLISHED" });

    /* Figure 8: simultaneous open.  The server's bare SYN shows it had not
     * received the client's SYN: both SYNs crossed, both sides SYN-RECEIVED. */
    TABLE("figure 8: simultaneous open", "CLOSED", "LISTEN",
          { C, SYN,       100,   0, 0, "SYN-SENT",     "LISTEN" },
          { S, SYN,       300,   0, 0, "SYN-RECEIVED", "SYN-RECEIVED" },
          { C, SYN | ACK, 100, 301, 0, "SYN-RECEIVED", "ESTABLISHED" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED",  "ESTABLISHED" });

    /* A retransmitted SYN changes nothing; the server is LISTEN until it answers. */
    TABLE("SYN retransmitted", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" });

    /* 3.10.7.3 / 3.10.7.4: an unacceptable ack leaves SYN-SENT and SYN-RECEIVED as they were. */
    TABLE("SYN-ACK with a wrong ack", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT", "LISTEN" },
          { S, SYN | ACK, 300, 999, 0, "SYN-SENT", "SYN-RECEIVED" });
    TABLE("handshake ACK with a wrong ack", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { C, ACK,       101, 999, 0, "ESTABLISHED", "SYN-RECEIVED" });

    /* The capture starts at the SYN-ACK: it shows a LISTEN server and a SYN-SENT client. */
    TABLE("starts at the SYN-ACK", "SYN-SENT", "LISTEN",
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { C, ACK,       101, 301, 0, "ESTABLISHED", "ESTABLISHED" });
}

/* ---- refused and aborted --------------------------------------------------- */

static void test_refused_and_aborted(void)
{
    /* 3.10.7.1: no listener, the SYN is answered by RST-ACK (acceptable in SYN-SENT). */
    TABLE("refused", "CLOSED", "LISTEN",
          { C, SYN,       100,   0, 0, "SYN-SENT", "LISTEN" },
          { S, RST | ACK,   0, 101, 0, "CLOSED",   "CLOSED" });

    /* 3.10.7.3: in SYN-SENT a RST without an acceptable ACK is dropped. */
    TABLE("RST without ACK to SYN-SENT", NULL, NULL,
          { C, SYN, 100, 0, 0, "SYN-SENT", "LISTEN" },
          { S, RST,   0, 0, 0, "SYN-SENT", "CLOSED" });

    /* The client gives up in SYN-SENT; 3.10.7.2: LISTEN ignores the RST. */
    TABLE("aborted in SYN-SENT", NULL, NULL,
          { C, SYN, 100, 0, 0, "SYN-SENT", "LISTEN" },
          { C, RST, 101, 0, 0, "CLOSED",   "LISTEN" });

    TABLE("server aborts in SYN-RECEIVED", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { S, RST,       301,   0, 0, "CLOSED",      "CLOSED" });

    TABLE("client answers the SYN-ACK with RST", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { C, RST,       101,   0, 0, "CLOSED",      "CLOSED" });

    TABLE("client aborts in ESTABLISHED", NULL, NULL,
          OPEN,
          { C, RST | ACK, 101, 301, 0, "CLOSED", "CLOSED" });

    TABLE("server aborts in ESTABLISHED", NULL, NULL,
          OPEN,
          { S, RST | ACK, 301, 101, 0, "CLOSED", "CLOSED" });

    TABLE("server aborts in CLOSE-WAIT", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, ACK,       301, 102, 0, "FIN-WAIT-2", "CLOSE-WAIT" },
          { S, RST | ACK, 301, 102, 0, "CLOSED",     "CLOSED" });

    TABLE("client aborts in FIN-WAIT-1", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { C, RST | ACK, 102, 301, 0, "CLOSED",     "CLOSED" });

    TABLE("server aborts in LAST-ACK", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, FIN | ACK, 301, 102, 0, "TIME-WAIT",  "LAST-ACK" },
          { S, RST,       302,   0, 0, "CLOSED",     "CLOSED" });

    /* 3.10.7.4, first check: a RST in TIME-WAIT closes it. */
    TABLE("RST in TIME-WAIT", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, ACK,       301, 102, 0, "FIN-WAIT-2", "CLOSE-WAIT" },
          { S, FIN | ACK, 301, 102, 0, "TIME-WAIT",  "LAST-ACK" },
          { C, ACK,       102, 302, 0, "TIME-WAIT",  "CLOSED" },
          { C, ACK,       102, 302, 0, "TIME-WAIT",  "CLOSED" },
          { S, RST,       302,   0, 0, "CLOSED",     "CLOSED" });
}

/* ---- closing --------------------------------------------------------------- */

static void test_close(void)
{
    /* Figure 12: the client closes, four segments; TIME-WAIT stays. */
    TABLE("figure 12: client closes", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, ACK,       301, 102, 0, "FIN-WAIT-2", "CLOSE-WAIT" },
          { S, FIN | ACK, 301, 102, 0, "TIME-WAIT",  "LAST-ACK" },
          { C, ACK,       102, 302, 0, "TIME-WAIT",  "CLOSED" });

    /* The server closes; the client's FIN carries the ACK of the server's
     * FIN (FIN+ACK in one segment): FIN-WAIT-1 goes straight to TIME-WAIT. */
    TABLE("server closes, three segments", NULL, NULL,
          OPEN,
          { S, FIN | ACK, 301, 101, 0, "CLOSE-WAIT", "FIN-WAIT-1" },
          { C, FIN | ACK, 101, 302, 0, "LAST-ACK",   "TIME-WAIT" },
          { S, ACK,       302, 102, 0, "CLOSED",     "TIME-WAIT" });

    /* Half-close: the server keeps sending after the client's FIN. */
    TABLE("half-close", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301,   0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, ACK,       301, 102,   0, "FIN-WAIT-2", "CLOSE-WAIT" },
          { S, PSH | ACK, 301, 102, 100, "FIN-WAIT-2", "CLOSE-WAIT" },
          { C, ACK,       102, 401,   0, "FIN-WAIT-2", "CLOSE-WAIT" },
          { S, FIN | ACK, 401, 102,   0, "TIME-WAIT",  "LAST-ACK" },
          { C, ACK,       102, 402,   0, "TIME-WAIT",  "CLOSED" });

    /* Figure 13: simultaneous close.  The server's FIN does not acknowledge
     * the client's: it was sent before that FIN arrived.  From that segment
     * on both are CLOSING; the line before keeps what it showed. */
    TABLE("figure 13: simultaneous close", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, FIN | ACK, 301, 101, 0, "CLOSING",    "CLOSING" },
          { S, ACK,       302, 102, 0, "TIME-WAIT",  "CLOSING" },
          { C, ACK,       102, 302, 0, "TIME-WAIT",  "TIME-WAIT" });

    /* The FIN in the third segment of the handshake (3.10.7.4: ACK, then FIN). */
    TABLE("FIN in the handshake ACK", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 101, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1",  "CLOSE-WAIT" });

    /* A retransmitted FIN changes nothing on either side. */
    TABLE("FIN retransmitted", NULL, NULL,
          OPEN,
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { C, FIN | ACK, 101, 301, 0, "FIN-WAIT-1", "CLOSE-WAIT" },
          { S, ACK,       301, 102, 0, "FIN-WAIT-2", "CLOSE-WAIT" });
}

/* ---- what a capture does not show ----------------------------------------------- */

static void test_midstream_and_reuse(void)
{
    /* The capture starts mid-connection: each side is unknown until it
     * sends something; the first FIN then closes as usual. */
    TABLE("midstream", "unknown", "unknown",
          { C, PSH | ACK, 500, 900, 10, "ESTABLISHED", "unknown" },
          { S, ACK,       900, 510,  0, "ESTABLISHED", "ESTABLISHED" },
          { S, FIN | ACK, 900, 510,  0, "CLOSE-WAIT",  "FIN-WAIT-1" },
          { C, FIN | ACK, 510, 901,  0, "LAST-ACK",    "TIME-WAIT" },
          { S, ACK,       901, 511,  0, "CLOSED",      "TIME-WAIT" });

    /* Midstream, and the first thing the client shows is its answer to the
     * server's FIN: it had received it (CLOSE-WAIT) and closes (LAST-ACK). */
    TABLE("midstream, the close only", "unknown", "unknown",
          { S, FIN | ACK, 900, 510, 0, "unknown",  "FIN-WAIT-1" },
          { C, FIN | ACK, 510, 901, 0, "LAST-ACK", "TIME-WAIT" },
          { S, ACK,       901, 511, 0, "CLOSED",   "TIME-WAIT" });

    /* A bare RST to an endpoint not seen yet closes it. */
    TABLE("midstream RST", "unknown", "unknown",
          { S, RST, 900, 0, 0, "CLOSED", "CLOSED" });

    /* Port reuse in one stream: after the close, a new SYN from TIME-WAIT
     * starts a new incarnation (RFC 6191); the old FINs no longer count. */
    TABLE("port reuse", NULL, NULL,
          OPEN,
          { C, FIN | ACK,  101,  301, 0, "FIN-WAIT-1",  "CLOSE-WAIT" },
          { S, FIN | ACK,  301,  102, 0, "TIME-WAIT",   "LAST-ACK" },
          { C, ACK,        102,  302, 0, "TIME-WAIT",   "CLOSED" },
          { C, SYN,       5000,    0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 7000, 5001, 0, "ESTABLISHED", "SYN-RECEIVED" },
          { C, ACK,       5001, 7001, 0, "ESTABLISHED", "ESTABLISHED" },
          { C, FIN | ACK, 5001, 7001, 0, "FIN-WAIT-1",  "CLOSE-WAIT" });

    /* After a refusal the client tries again. */
    TABLE("refused, then a new SYN", NULL, NULL,
          { C, SYN,       100,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, RST | ACK,   0, 101, 0, "CLOSED",      "CLOSED" },
          { C, SYN,       200,   0, 0, "SYN-SENT",    "LISTEN" },
          { S, SYN | ACK, 300, 201, 0, "ESTABLISHED", "SYN-RECEIVED" });
}

/* ---- through the connection: records, links ------------------------------------ */

typedef struct {
    tcphs_conn conn;
    uint32_t frame;
} capture;

static tcphs_record feed(capture *cap, const row *r)
{
    tcphs_segment seg = segment_of(r);
    tcphs_record rec;

    seg.frame = ++cap->frame;
    seg.stream = 3;
    seg.time_ns = (int64_t)cap->frame * 1000000;
    CHECK(tcphs_conn_update(&cap->conn, &seg, &rec));
    return rec;
}

static void check_states(const tcphs_record *rec, const char *client_before, const char *client,
                         const char *server_before, const char *server)
{
    CHECK_STR(tcphs_state_name(tcphs_state_of(rec->states_before, TCPHS_SIDE_CLIENT)), client_before);
    CHECK_STR(tcphs_state_name(tcphs_state_of(rec->states, TCPHS_SIDE_CLIENT)), client);
    CHECK_STR(tcphs_state_name(tcphs_state_of(rec->states_before, TCPHS_SIDE_SERVER)), server_before);
    CHECK_STR(tcphs_state_name(tcphs_state_of(rec->states, TCPHS_SIDE_SERVER)), server);
}

/* The record keeps both states before and after, and stays 40 bytes. */
static void test_record(void)
{
    static const row rows[] = {
        OPEN,
        { C, PSH | ACK, 101, 301, 10, "", "" },
        { C, FIN | ACK, 111, 301, 0, "", "" },
        { S, FIN | ACK, 301, 112, 0, "", "" },
        { C, ACK,       112, 302, 0, "", "" },
    };
    capture cap;
    tcphs_record r[8];

    if (sizeof(void *) == 8)
        CHECK_INT(sizeof(tcphs_record), 48);
    memset(&cap, 0, sizeof(cap));
    tcphs_conn_init(&cap.conn, 3);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        r[i] = feed(&cap, &rows[i]);
    check_states(&r[0], "CLOSED", "SYN-SENT", "LISTEN", "LISTEN");
    check_states(&r[1], "SYN-SENT", "ESTABLISHED", "LISTEN", "SYN-RECEIVED");
    check_states(&r[2], "ESTABLISHED", "ESTABLISHED", "SYN-RECEIVED", "ESTABLISHED");
    check_states(&r[4], "ESTABLISHED", "FIN-WAIT-1", "ESTABLISHED", "CLOSE-WAIT");
    check_states(&r[5], "FIN-WAIT-1", "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK");
    check_states(&r[6], "TIME-WAIT", "TIME-WAIT", "LAST-ACK", "CLOSED");

    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_SYN], 1);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_SYNACK], 2);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_HANDSHAKE_ACK], 3);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_FIRST_DATA], 4);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_FIN], 5);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_PEER_FIN], 6);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_RST], 0);
    tcphs_conn_free(&cap.conn);
}

/* Links where the handshake is unusual. */
static void test_links(void)
{
    static const row simultaneous[] = {
        { C, SYN,       100,   0, 0, "", "" },
        { S, SYN,       300,   0, 0, "", "" },
        { C, SYN | ACK, 100, 301, 0, "", "" },
        { S, SYN | ACK, 300, 101, 0, "", "" },
    };
    static const row refused[] = {
        { C, SYN,       100,   0, 0, "", "" },
        { S, RST | ACK,   0, 101, 0, "", "" },
    };
    static const row bad_ack[] = {
        { C, SYN,       100,   0, 0, "", "" },
        { S, SYN | ACK, 300, 101, 0, "", "" },
        { C, ACK,       101, 999, 0, "", "" },
        { C, PSH | ACK, 101, 999, 5, "", "" },
    };
    capture cap;

    memset(&cap, 0, sizeof(cap));
    tcphs_conn_init(&cap.conn, 3);
    for (size_t i = 0; i < 4; i++)
        feed(&cap, &simultaneous[i]);
    /* The second SYN-ACK makes both sides ESTABLISHED (figure 8). */
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_HANDSHAKE_ACK], 4);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_SYN], 1);

    tcphs_conn_free(&cap.conn);
    memset(&cap, 0, sizeof(cap));
    tcphs_conn_init(&cap.conn, 3);
    for (size_t i = 0; i < 2; i++)
        feed(&cap, &refused[i]);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_RST], 2);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_SYNACK], 0);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_HANDSHAKE_ACK], 0);

    /* A wrong ack does not complete the handshake: no link to it. */
    tcphs_conn_free(&cap.conn);
    memset(&cap, 0, sizeof(cap));
    tcphs_conn_init(&cap.conn, 3);
    for (size_t i = 0; i < 4; i++)
        feed(&cap, &bad_ack[i]);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_HANDSHAKE_ACK], 0);
    CHECK_INT(cap.conn.links.frame[TCPHS_LINK_FIRST_DATA], 4);
    tcphs_conn_free(&cap.conn);
}

/* Every state has a word; out of range reads "?". */
static void test_vocabulary(void)
{
    CHECK_STR(tcphs_state_name(TCPHS_STATE_UNKNOWN), "unknown");
    CHECK_STR(tcphs_state_name(TCPHS_STATE_FIN_WAIT_2), "FIN-WAIT-2");
    CHECK_STR(tcphs_state_name(TCPHS_STATE_TIME_WAIT), "TIME-WAIT");
    CHECK_STR(tcphs_state_name(TCPHS_STATE_COUNT), "?");
    for (int s = 0; s < TCPHS_STATE_COUNT; s++) {
        CHECK(strcmp(tcphs_state_name((tcphs_state)s), "?") != 0);
        CHECK_INT(tcphs_state_of(tcphs_state_pair_make((tcphs_state)s, TCPHS_STATE_TIME_WAIT), TCPHS_SIDE_CLIENT), s);
        CHECK_INT(tcphs_state_of(tcphs_state_pair_make(TCPHS_STATE_LISTEN, (tcphs_state)s), TCPHS_SIDE_SERVER), s);
    }
    CHECK_STR(tcphs_zeek_conn_state_description("SF"), "normal establishment and termination");
    CHECK(tcphs_zeek_conn_state_description("XX") == NULL);
}

int main(void)
{
    test_open();
    test_refused_and_aborted();
    test_close();
    test_midstream_and_reuse();
    test_record();
    test_links();
    test_vocabulary();
    return check_failures() != 0;
}
