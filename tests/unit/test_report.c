/* test_report.c: the connection table and the lab report, from hand-made segments. */
#include <stdlib.h>

#include "check.h"
#include "core/words/report.h"
#include "segments.h"

#define MS 1000000LL

typedef struct {
    tcphs_conn conn;
    tcphs_report_stream report;
    tcphs_record records[16];
    uint32_t frame;
} lab;

static void lab_segment_window(lab *l, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                               uint32_t extra, uint16_t window)
{
    tcphs_endpoint client = { { 4, { 10, 0, 0, 1 } }, 51000 };
    tcphs_endpoint server = { { 4, { 10, 0, 0, 2 } }, 80 };
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);
    tcphs_record *rec = &l->records[l->frame];

    seg.frame = ++l->frame;
    seg.time_ns = 1000 * 1000000000LL + (int64_t)l->frame * 10 * MS;
    seg.stream = 3;
    seg.window = window;
    seg.have |= TCPHS_HAVE_WINDOW | extra;
    seg.mss = 1460;
    seg.wscale = 7;
    CHECK(tcphs_conn_update(&l->conn, &seg, rec));
    tcphs_report_collect(&l->report, seg.frame, (int64_t)(seg.frame - 1) * 10 * MS, rec);
}

static void lab_segment(lab *l, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                        uint32_t extra)
{
    lab_segment_window(l, from_client, flags, seq, ack, len, extra, 501);
}

static void lab_start(lab *l)
{
    memset(l, 0, sizeof(*l));
    tcphs_conn_init(&l->conn, 3);
    tcphs_report_init(&l->report, &l->conn);
}

/* A short HTTP-like exchange the client closes. */
static void lab_run(lab *l)
{
    const uint32_t options = TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS;

    lab_start(l);
    lab_segment(l, true, TCPHS_SYN, 100, 0, 0, options);
    lab_segment(l, false, TCPHS_SYN | TCPHS_ACK, 7000, 101, 0, options);
    lab_segment(l, true, TCPHS_ACK, 101, 7001, 0, 0);
    lab_segment(l, true, TCPHS_PSH | TCPHS_ACK, 101, 7001, 50, 0);
    lab_segment(l, false, TCPHS_PSH | TCPHS_ACK, 7001, 151, 900, 0);
    lab_segment(l, true, TCPHS_FIN | TCPHS_ACK, 151, 7901, 0, 0);
    lab_segment(l, false, TCPHS_FIN | TCPHS_ACK, 7901, 152, 0, 0);
    lab_segment(l, true, TCPHS_ACK, 152, 7902, 0, 0);
}

/* Everything written to a stream, as one string (caller frees). */
typedef struct {
    char *text;
    size_t size;
    FILE *out;
} capture_out;

static void out_open(capture_out *c)
{
    c->text = NULL;
    c->size = 0;
    c->out = open_memstream(&c->text, &c->size);
}

static const char *out_close(capture_out *c)
{
    fclose(c->out);
    return c->text;
}

/* The lab's report as text, kept in c (free c->text). */
static const char *report_text(const lab *l, capture_out *c)
{
    out_open(c);
    tcphs_write_report(c->out, &l->report);
    return out_close(c);
}

static void test_csv_table(void)
{
    lab l;
    capture_out c;
    const tcphs_conn *conns[1];

    lab_run(&l);
    conns[0] = &l.conn;
    out_open(&c);
    tcphs_write_conns_table(c.out, conns, 1, true);
    CHECK_STR(out_close(&c),
              "stream,client,server,isn_client,isn_server,handshake,irtt_s,mss,options,close_by,close_kind,"
              "state_c,state_s,conn_state,history,pkts_c,pkts_s,bytes_c,bytes_s,duration_s\n"
              "3,10.0.0.1:51000,10.0.0.2:80,100,7000,complete,0.020000,1460,\"WS,SACK,TS\",client,graceful,"
              "TIME-WAIT,CLOSED,SF,ShADdFf,5,3,50,900,0.070000\n");
    free(c.text);
    tcphs_conn_free(&l.conn);
}

static void test_aligned_table(void)
{
    lab l;
    capture_out c;
    const tcphs_conn *conns[1];
    const char *text;

    lab_run(&l);
    conns[0] = &l.conn;
    out_open(&c);
    tcphs_write_conns_table(c.out, conns, 1, false);
    text = out_close(&c);
    CHECK(strncmp(text, "stream  client          server       isn_client  isn_server  handshake    irtt_s", 80) == 0);
    CHECK(strstr(text, "\n     3  10.0.0.1:51000  10.0.0.2:80         100        7000  complete   0.020000") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

static void test_report_sections(void)
{
    lab l;
    capture_out c;
    const char *text;

    lab_run(&l);
    text = report_text(&l, &c);
    CHECK(strstr(text, "## TCP stream 3: client 10.0.0.1:51000, server 10.0.0.2:80\n") != NULL);
    CHECK(strstr(text, "Handshake state: **complete**; initial RTT 0.020000 s.") != NULL);
    CHECK(strstr(text, "| 1 SYN | 1 | 0.000000 | client → server | SYN | 100 | 0 | - | - | 501 | "
                       "MSS=1460, SACK_PERM, TS, WS=128 | SYN-SENT | LISTEN |\n") != NULL);
    CHECK(strstr(text, "| 2 SYN-ACK | 2 | 0.010000 | server → client | SYN, ACK | 7000 | 0 | 101 | 1 | 501 |") != NULL);
    CHECK(strstr(text, "| 3 ACK | 3 | 0.020000 | client → server | ACK | 101 | 1 | 7001 | 1 | "
                       "501 × 2^7 = 64128 | - | ESTABLISHED | ESTABLISHED |\n") != NULL);
    CHECK(strstr(text, "- SYN-ACK (frame 2): ack = x + 1 = 100 + 1 = 101 (correct)\n") != NULL);
    CHECK(strstr(text, "- ACK (frame 3): ack = y + 1 = 7000 + 1 = 7001 (correct)\n") != NULL);
    CHECK(strstr(text, "Data transfer starts at frame 4 (0.030000 s), sent by the client.") != NULL);
    CHECK(strstr(text, "| Payload bytes | 50 | 900 |\n") != NULL);
    CHECK(strstr(text, "The **client** closed the connection first (active close, FIN); close kind: **graceful**.")
          != NULL);
    CHECK(strstr(text, "| 6 | 0.050000 | client → server | FIN, ACK | fin | 151 | 51 | 7901 | 901 | "
                       "FIN-WAIT-1 | CLOSE-WAIT |\n") != NULL);
    CHECK(strstr(text, "| 7 | 0.060000 | server → client | FIN, ACK | peer-fin | 7901 | 901 | 152 | 52 | "
                       "TIME-WAIT | LAST-ACK |\n") != NULL);
    CHECK(strstr(text, "0.070000 s from frame 1 to frame 8: 8 segments, 950 payload bytes.") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

/* A connection the capture caught mid-way has no handshake table. */
static void test_report_midstream(void)
{
    lab l;
    capture_out c;
    const char *text;

    lab_start(&l);
    lab_segment(&l, false, TCPHS_PSH | TCPHS_ACK, 5000, 300, 20, 0);
    text = report_text(&l, &c);
    CHECK(strstr(text, "(Roles guessed: neither a SYN nor a SYN-ACK was captured.)") != NULL);
    CHECK(strstr(text, "The capture started after the handshake") != NULL);
    CHECK(strstr(text, "| Step |") == NULL);
    CHECK(strstr(text, "The connection was not closed in this capture.") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

/* A refused connection: no SYN-ACK and no third segment to show. */
static void test_report_refused(void)
{
    lab l;
    capture_out c;
    const char *text;

    lab_start(&l);
    lab_segment(&l, true, TCPHS_SYN, 100, 0, 0, 0);
    lab_segment(&l, false, TCPHS_RST | TCPHS_ACK, 0, 101, 0, 0);
    text = report_text(&l, &c);
    CHECK(strstr(text, "Handshake state: **refused**.") != NULL);
    CHECK(strstr(text, "| 2 SYN-ACK | not captured |") != NULL);
    CHECK(strstr(text, "| 3 ACK | not captured |") != NULL);
    CHECK(strstr(text, "SYN-ACK (frame") == NULL);
    CHECK(strstr(text, "The **server** closed the connection first (reset, RST); close kind: **reset**.") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

/* The snaplen hint: silent without cut headers, singular and plural. */
/* Without Wireshark's sequence analysis there are no keep-alive or
 * retransmission marks: the report says unknown, not 0. */
static void test_report_without_analysis_marks(void)
{
    lab l;
    capture_out c;
    const char *text;

    lab_run(&l);
    text = report_text(&l, &c);
    CHECK(strstr(text, "| Keep-alives | 0 | 0 |\n| Retransmissions | 0 | 0 |\n") != NULL);
    CHECK(strstr(text, "unknown") == NULL);
    free(c.text);
    tcphs_report_set_analysis_off(&l.report);
    text = report_text(&l, &c);
    CHECK(strstr(text, "| Keep-alives | unknown | unknown |\n| Retransmissions | unknown | unknown |\n") != NULL);
    CHECK(strstr(text, "its TCP sequence analysis is off (tcp.analyze_sequence_numbers)") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

/* The lab's "did the window throttle the sender?": bytes in flight against
 * the receiver's latest window (scale 2^7 from the handshake). */
static void test_report_throttling(void)
{
    const uint32_t options = TCPHS_OPT_MSS | TCPHS_OPT_WSCALE;
    lab l;
    capture_out c;
    const char *text;

    lab_start(&l);
    lab_segment(&l, true, TCPHS_SYN, 100, 0, 0, options);
    lab_segment(&l, false, TCPHS_SYN | TCPHS_ACK, 7000, 101, 0, options);
    lab_segment_window(&l, false, TCPHS_ACK, 7001, 101, 0, 0, 16);       /* 16 x 128 = 2048 bytes */
    lab_segment(&l, true, TCPHS_ACK, 101, 7001, 1000, 0);               /* 1000 in flight */
    lab_segment(&l, true, TCPHS_ACK, 1101, 7001, 1000, 0);              /* 2000: no room for another */
    lab_segment_window(&l, false, TCPHS_ACK, 7001, 2101, 0, 0, 16);
    text = report_text(&l, &c);
    CHECK(strstr(text, "Bytes in flight (the client's payload sent and not yet acknowledged, as the capture "
                       "shows it): at most 2000, after frame 5, when the server's window was 2048 bytes.  "
                       "The window throttled the client: 1 time(s) a segment left no room in it for another "
                       "of its size, first in frame 5.\n") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);

    lab_start(&l);
    lab_segment(&l, true, TCPHS_SYN, 100, 0, 0, options);
    lab_segment(&l, false, TCPHS_SYN | TCPHS_ACK, 7000, 101, 0, options);
    lab_segment_window(&l, false, TCPHS_ACK, 7001, 101, 0, 0, 16);
    lab_segment(&l, true, TCPHS_ACK, 101, 7001, 1000, 0);
    lab_segment_window(&l, false, TCPHS_ACK, 7001, 1101, 0, 0, 0);       /* a zero window */
    lab_segment_window(&l, false, TCPHS_ACK, 7001, 1101, 0, 0, 16);
    lab_segment(&l, true, TCPHS_ACK, 1101, 7001, 1000, 0);
    text = report_text(&l, &c);
    CHECK(strstr(text, "at most 1000, after frame 4, when the server's window was 2048 bytes.  The window "
                       "throttled the client: the server advertised a zero window in frame 5") != NULL);
    free(c.text);
    tcphs_conn_free(&l.conn);
}

static void test_cut_headers(void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    tcphs_write_cut_headers(out, 0, 54);
    fflush(out);
    CHECK_INT(size, 0);
    tcphs_write_cut_headers(out, 1, 54);
    tcphs_write_cut_headers(out, 3, 74);
    fclose(out);
    CHECK_STR(text, "1 TCP segment was cut by the snaplen before the end of its 20-byte header and could not "
                    "be analysed; capture with a snaplen of at least 54 bytes (94 to keep every TCP option).\n"
                    "3 TCP segments were cut by the snaplen before the end of their 20-byte header and could "
                    "not be analysed; capture with a snaplen of at least 74 bytes (114 to keep every TCP option).\n");
    free(text);
}

/* Issue 22, item 10: which streams of many get their full section, and the
 * summary row a stream has. */
static void test_many_streams(void)
{
    lab good, refused;
    capture_out c;
    const tcphs_report_stream *streams[2];
    const char *text;

    lab_run(&good);
    CHECK(!tcphs_report_in_trouble(&good.report));
    lab_start(&refused);
    lab_segment(&refused, true, TCPHS_SYN, 100, 0, 0, 0);
    lab_segment(&refused, false, TCPHS_RST | TCPHS_ACK, 0, 101, 0, 0);
    CHECK(tcphs_report_in_trouble(&refused.report));

    streams[0] = &good.report;
    streams[1] = &refused.report;
    out_open(&c);
    tcphs_write_report_summary(c.out, streams, 2);
    tcphs_write_report_selection(c.out, 21, 300, NULL);
    tcphs_write_report_left_out(c.out, 279, NULL);
    text = out_close(&c);
    CHECK(strstr(text, "| 3 | 10.0.0.1:51000 | 10.0.0.2:80 | complete | graceful by client | 8 | 50 | 900 | 0 | 0 | "
                       "0.020000 | 0.070000 |\n") != NULL);
    CHECK(strstr(text, "| refused | reset by server | 2 | 0 | 0 | 0 | 0 | - |") != NULL);
    CHECK(strstr(text, "Full sections for the first 20 streams and every later one in trouble (refused, aborted, "
                       "reset, or segments sent again): 21 of 300 streams.") != NULL);
    CHECK(strstr(text, "279 streams are in the summary table only (after the first streams, not in trouble). For the "
                       "full section of one, `-z tcphs,report,STREAM`") != NULL);
    free(c.text);

    out_open(&c);
    tcphs_write_report_left_out(c.out, 0, NULL);
    CHECK_STR(out_close(&c), "");
    free(c.text);
    tcphs_conn_free(&good.conn);
    tcphs_conn_free(&refused.conn);
}

int main(void)
{
    test_cut_headers();
    test_report_refused();
    test_csv_table();
    test_aligned_table();
    test_report_sections();
    test_report_midstream();
    test_report_without_analysis_marks();
    test_report_throttling();
    test_many_streams();
    return check_failures() != 0;
}
