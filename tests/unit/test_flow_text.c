/* test_flow_text.c: the label and comment of each arrow of the tcphs flow
 * type (Statistics > Flow Graph, tshark -z flow,tcphs,...). */
#include "check.h"
#include "core/words/flow_text.h"
#include "core/words/names.h"
#include "segments.h"

#define SEP TCPHS_FLOW_SEPARATOR
#define TO " " TCPHS_ARROW " "

/* A connection read segment by segment, its records kept as a flow graph
 * keeps them. */
typedef struct {
    tcphs_conn conn;
    tcphs_record rec[16];
    uint32_t frame[16];
    int count;
} lab;

static void lab_send(lab *l, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    const tcphs_endpoint client = { { 4, { 192, 168, 1, 10 } }, 1056 };
    const tcphs_endpoint server = { { 4, { 192, 168, 1, 11 } }, 23 };
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);

    seg.frame = (uint32_t)l->count + 1;
    seg.time_ns = (int64_t)seg.frame * 1000000;
    l->frame[l->count] = seg.frame;
    CHECK(tcphs_conn_update(&l->conn, &seg, &l->rec[l->count]));
    l->count++;
}

static const char *label_of(const lab *l, int i)
{
    static char label[TCPHS_FLOW_LABEL_MAX];

    tcphs_flow_label(label, sizeof(label), &l->rec[i]);
    return label;
}

static const char *comment_of(const lab *l, int i, bool whole_capture)
{
    static char comment[TCPHS_FLOW_COMMENT_MAX];

    tcphs_flow_comment(comment, sizeof(comment), &l->rec[i], l->frame[i], whole_capture);
    return comment;
}

/* The handshake, one data segment, its ACK and a graceful close by the
 * client: each arrow's label is its event (and payload), each comment the
 * arithmetic and the state changes; in two passes the ACK that covered a
 * segment and, on the first arrow, the connection's verdicts. */
static void test_connection_ladder(void)
{
    const uint32_t x = 4255483971u, y = 4279842714u;
    lab l = { .count = 0 };

    tcphs_conn_init(&l.conn, 7);
    lab_send(&l, true, TCPHS_SYN, x, 0, 0);
    lab_send(&l, false, TCPHS_SYN | TCPHS_ACK, y, x + 1, 0);
    lab_send(&l, true, TCPHS_ACK, x + 1, y + 1, 0);
    lab_send(&l, true, TCPHS_ACK | TCPHS_PSH, x + 1, y + 1, 27);
    lab_send(&l, false, TCPHS_ACK, y + 1, x + 28, 0);
    lab_send(&l, true, TCPHS_FIN | TCPHS_ACK, x + 28, y + 1, 0);
    lab_send(&l, false, TCPHS_FIN | TCPHS_ACK, y + 1, x + 29, 0);
    lab_send(&l, true, TCPHS_ACK, x + 29, y + 2, 0);

    CHECK_STR(label_of(&l, 0), "syn");
    CHECK_STR(label_of(&l, 1), "syn-ack");
    CHECK_STR(label_of(&l, 2), "handshake-ack");
    CHECK_STR(label_of(&l, 3), "data len=27");
    CHECK_STR(label_of(&l, 4), "ack");
    CHECK_STR(label_of(&l, 5), "fin");
    CHECK_STR(label_of(&l, 6), "peer-fin");
    CHECK_STR(label_of(&l, 7), "fin-ack");

    /* One pass: only what each segment shows when it is read. */
    CHECK_STR(comment_of(&l, 0, false), "ISN x = 4255483971" SEP "client CLOSED" TO "SYN-SENT");
    CHECK_STR(comment_of(&l, 1, false), "ISN y = 4279842714" SEP "ack = x + 1 = 4255483971 + 1 = 4255483972 (correct)"
                                        SEP "client SYN-SENT" TO "ESTABLISHED" SEP "server LISTEN" TO "SYN-RECEIVED");
    CHECK_STR(comment_of(&l, 2, false), "ack = y + 1 = 4279842714 + 1 = 4279842715 (correct)"
                                        SEP "server SYN-RECEIVED" TO "ESTABLISHED");
    CHECK_STR(comment_of(&l, 3, false), "");
    CHECK_STR(comment_of(&l, 4, false), "");
    CHECK_STR(comment_of(&l, 5, false), "client ESTABLISHED" TO "FIN-WAIT-1" SEP "server ESTABLISHED" TO "CLOSE-WAIT");
    CHECK_STR(comment_of(&l, 6, false), "client FIN-WAIT-1" TO "TIME-WAIT" SEP "server CLOSE-WAIT" TO "LAST-ACK");
    CHECK_STR(comment_of(&l, 7, false), "server LAST-ACK" TO "CLOSED");

    /* Two passes: what the later segments told, too. */
    CHECK_STR(comment_of(&l, 0, true), "ISN x = 4255483971" SEP "client CLOSED" TO "SYN-SENT" SEP "acked in 2"
                                       SEP "stream 7: handshake complete, SF (normal establishment and termination)");
    CHECK_STR(comment_of(&l, 3, true), "acked in 5");
    CHECK_STR(comment_of(&l, 4, true), "");
    CHECK_STR(comment_of(&l, 7, true), "server LAST-ACK" TO "CLOSED");
    tcphs_conn_free(&l.conn);
}

/* A SYN-ACK whose ack is not the client's ISN + 1. */
static void test_wrong_ack(void)
{
    lab l = { .count = 0 };

    tcphs_conn_init(&l.conn, 0);
    lab_send(&l, true, TCPHS_SYN, 100, 0, 0);
    lab_send(&l, false, TCPHS_SYN | TCPHS_ACK, 900, 105, 0);
    CHECK_STR(label_of(&l, 1), "syn-ack");
    CHECK_STR(comment_of(&l, 1, false), "ISN y = 900" SEP "ack = 105, but x + 1 = 101 (wrong)"
                                        SEP "server LISTEN" TO "SYN-RECEIVED");
    tcphs_conn_free(&l.conn);
}

/* The client's SYN sent again, and a SYN-ACK whose SYN was not captured. */
static void test_retransmission_and_derived_isn(void)
{
    lab l = { .count = 0 };

    tcphs_conn_init(&l.conn, 0);
    lab_send(&l, true, TCPHS_SYN, 5000, 0, 0);
    lab_send(&l, true, TCPHS_SYN, 5000, 0, 0);
    CHECK_STR(label_of(&l, 1), "syn-retransmission");
    CHECK_STR(comment_of(&l, 1, false), "sent again (retransmission 1), same ISN x = 5000");

    tcphs_conn_free(&l.conn);
    tcphs_conn_init(&l.conn, 1);
    l.count = 0;
    lab_send(&l, false, TCPHS_SYN | TCPHS_ACK, 800, 301, 0);
    CHECK_STR(label_of(&l, 0), "syn-ack");
    CHECK(strstr(comment_of(&l, 0, false), "x = ack - 1 = 300 (SYN not captured)") != NULL);
    tcphs_conn_free(&l.conn);
}

/* A stream that starts midstream: the first arrow says the roles are a guess,
 * in every pass (the record itself says so). */
static void test_midstream(void)
{
    lab l = { .count = 0 };

    tcphs_conn_init(&l.conn, 3);
    lab_send(&l, true, TCPHS_ACK | TCPHS_PSH, 1000, 2000, 10);
    lab_send(&l, false, TCPHS_ACK, 2000, 1010, 0);
    CHECK_STR(label_of(&l, 0), "data len=10");
    CHECK(strncmp(comment_of(&l, 0, false), "roles guessed (handshake not captured)", 38) == 0);
    CHECK(strstr(comment_of(&l, 0, false), "stream 3") == NULL);
    CHECK(strstr(comment_of(&l, 0, true), "stream 3: handshake not-seen, OTH") != NULL);
    CHECK(strstr(comment_of(&l, 1, false), "roles guessed") == NULL);
    tcphs_conn_free(&l.conn);
}

/* A keep-alive (Wireshark's tcp.analysis.keep_alive mark) and its answer. */
static void test_keep_alive(void)
{
    lab l = { .count = 0 };

    tcphs_conn_init(&l.conn, 0);
    lab_send(&l, true, TCPHS_SYN, 100, 0, 0);
    lab_send(&l, false, TCPHS_SYN | TCPHS_ACK, 900, 101, 0);
    lab_send(&l, true, TCPHS_ACK, 101, 901, 0);
    {
        const tcphs_endpoint client = { { 4, { 192, 168, 1, 10 } }, 1056 };
        const tcphs_endpoint server = { { 4, { 192, 168, 1, 11 } }, 23 };
        tcphs_segment ka = test_segment(&client, &server, true, TCPHS_ACK, 100, 901, 0);
        tcphs_segment answer = test_segment(&client, &server, false, TCPHS_ACK, 901, 101, 0);

        ka.frame = 4;
        ka.have |= TCPHS_KEEP_ALIVE;
        answer.frame = 5;
        answer.have |= TCPHS_KEEP_ALIVE_ACK;
        CHECK(tcphs_conn_update(&l.conn, &ka, &l.rec[3]));
        CHECK(tcphs_conn_update(&l.conn, &answer, &l.rec[4]));
        l.frame[3] = 4;
        l.frame[4] = 5;
        l.count = 5;
    }
    CHECK_STR(label_of(&l, 3), "keep-alive");
    CHECK_STR(comment_of(&l, 3, false), "seq = next - 1 = 100");
    CHECK_STR(label_of(&l, 4), "keep-alive-ack");
    CHECK_STR(comment_of(&l, 4, false), "ack = 101, still the next byte it expects");
    tcphs_conn_free(&l.conn);
}

/* A buffer too small is cut, never overrun. */
static void test_cut(void)
{
    lab l = { .count = 0 };
    char small[12];

    memset(small, 'Z', sizeof(small));
    tcphs_conn_init(&l.conn, 0);
    lab_send(&l, true, TCPHS_SYN, 4255483971u, 0, 0);
    tcphs_flow_comment(small, 8, &l.rec[0], 1, true);
    CHECK_STR(small, "ISN x =");
    CHECK(small[8] == 'Z');
    tcphs_flow_label(small, 4, &l.rec[0]);
    CHECK_STR(small, "syn");
    tcphs_conn_free(&l.conn);
}

int main(void)
{
    test_connection_ladder();
    test_wrong_ack();
    test_retransmission_and_derived_isn();
    test_midstream();
    test_keep_alive();
    test_cut();
    return check_failures() != 0;
}
