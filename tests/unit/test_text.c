/* test_text.c: endpoints as text and the notes a student reads. */
#include "check.h"
#include "core/words/text.h"
#include "segments.h"

static tcphs_segment lab_segment(bool from_client, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    static uint32_t frame;
    const tcphs_endpoint client = { { 4, { 192, 168, 1, 10 } }, 1056 };
    const tcphs_endpoint server = { { 4, { 192, 168, 1, 11 } }, 23 };
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, len);

    seg.frame = ++frame;
    seg.time_ns = (int64_t)frame * 1000000;
    seg.window = 64240;
    return seg;
}

static void note_of(tcphs_conn *conn, tcphs_segment seg, char *note, size_t size)
{
    tcphs_record rec;

    CHECK(tcphs_conn_update(conn, &seg, &rec));
    tcphs_note(note, size, &rec, NULL, NULL);
}

static void test_endpoint_format(void)
{
    char text[TCPHS_ENDPOINT_STRLEN];
    tcphs_endpoint v4 = { { 4, { 192, 0, 2, 1 } }, 80 };
    tcphs_endpoint v6 = { { 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }, 443 };
    tcphs_endpoint unknown = { { 0, { 0 } }, 7 };
    tcphs_endpoint longest = { { 6, { 0xfe, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 } }, 65535 };

    tcphs_endpoint_format(text, sizeof(text), &v4);
    CHECK_STR(text, "192.0.2.1:80");
    tcphs_endpoint_format(text, sizeof(text), &v6);
    CHECK_STR(text, "[2001:db8::1]:443");
    tcphs_endpoint_format(text, sizeof(text), &unknown);
    CHECK_STR(text, "?:7");
    tcphs_endpoint_format(text, sizeof(text), &longest);
    CHECK_STR(text, "[fe80:102:304:506:708:90a:b0c:d0e]:65535");
}

/* The example of the field contract, word for word. */
/* Seconds and milliseconds are shown rounded to the last digit shown, so a
 * computed value (an RTTVAR of 40.397 ms / 2 = 20.1985 ms) reads the same in
 * the notes and in the reports' tables. */
static void test_seconds_rounded(void)
{
    char text[32];

    tcphs_format_seconds(text, sizeof(text), 20198500);
    CHECK_STR(text, "0.020199");
    tcphs_format_seconds(text, sizeof(text), 20198499);
    CHECK_STR(text, "0.020198");
    tcphs_format_seconds(text, sizeof(text), 999999600);          /* the carry reaches the seconds */
    CHECK_STR(text, "1.000000");
    tcphs_format_seconds(text, sizeof(text), 1068015000);
    CHECK_STR(text, "1.068015");
    tcphs_format_seconds(text, sizeof(text), -600);
    CHECK_STR(text, "-0.000001");
    tcphs_format_seconds(text, sizeof(text), -400);                /* no "-0.000000" */
    CHECK_STR(text, "0.000000");
    tcphs_format_scaled(text, sizeof(text), 40451500, 1000000u, 3);  /* milliseconds */
    CHECK_STR(text, "40.452");
}

static void test_handshake_notes(void)
{
    tcphs_conn conn;
    char note[TCPHS_NOTE_MAX];
    const uint32_t x = 4255483971u, y = 4279842714u;

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, x, 0, 0), note, sizeof(note));
    CHECK_STR(note, "Step 1 of 3: client 192.168.1.10:1056 asks server 192.168.1.11:23 to connect with SYN; "
                    "its ISN x = 4255483971 [client CLOSED " TCPHS_ARROW " SYN-SENT]");
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, y, x + 1, 0), note, sizeof(note));
    CHECK_STR(note, "Step 2 of 3: server 192.168.1.11:23 answers with SYN-ACK; its ISN y = 4279842714; "
                    "ack = x + 1 = 4255483971 + 1 = 4255483972 (correct) "
                    "[client SYN-SENT " TCPHS_ARROW " ESTABLISHED, server LISTEN " TCPHS_ARROW " SYN-RECEIVED]");
    note_of(&conn, lab_segment(true, TCPHS_ACK, x + 1, y + 1, 0), note, sizeof(note));
    CHECK_STR(note, "Step 3 of 3: client 192.168.1.10:1056 acknowledges the SYN-ACK; "
                    "ack = y + 1 = 4279842714 + 1 = 4279842715 (correct); the connection is established "
                    "[server SYN-RECEIVED " TCPHS_ARROW " ESTABLISHED]");
    note_of(&conn, lab_segment(true, TCPHS_ACK | TCPHS_PSH, x + 1, y + 1, 27), note, sizeof(note));
    CHECK_STR(note, "Client sends 27 bytes of data at relative seq 1; "
                    "an ACK from the server covers them once its ack reaches seq + len = 28 (relative)");
    note_of(&conn, lab_segment(false, TCPHS_ACK, y + 1, x + 28, 0), note, sizeof(note));
    CHECK_STR(note, "Server acknowledges the client's bytes up to relative ack 28 "
                    "(the next byte it expects), sending no data");
    tcphs_conn_free(&conn);
}

static void test_wrong_ack_note(void)
{
    tcphs_conn conn;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 900, 105, 0), note, sizeof(note));
    CHECK_STR(note, "Step 2 of 3: server 192.168.1.11:23 answers with SYN-ACK; its ISN y = 900; "
                    "ack = 105, but x + 1 = 100 + 1 = 101 (wrong) [server LISTEN " TCPHS_ARROW " SYN-RECEIVED]");
    tcphs_conn_free(&conn);
}

/* RFC 7413: the SYN-ACK's ack counts the SYN's data when the server
 * accepted it, and the note says which case it is. */
static void test_fast_open_notes(void)
{
    tcphs_conn conn;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 1000, 0, 20), note, sizeof(note));
    CHECK_STR(note, "Step 1 of 3: client 192.168.1.10:1056 asks server 192.168.1.11:23 to connect with SYN; "
                    "its ISN x = 1000; it already carries 20 bytes of data (TCP Fast Open) "
                    "[client CLOSED " TCPHS_ARROW " SYN-SENT]");
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 5000, 1021, 0), note, sizeof(note));
    CHECK_STR(note, "Step 2 of 3: server 192.168.1.11:23 answers with SYN-ACK; its ISN y = 5000; "
                    "ack = x + 1 + 20 = 1000 + 1 + 20 = 1021 "
                    "(correct: the SYN's 20 bytes of data were accepted, TCP Fast Open) "
                    "[client SYN-SENT " TCPHS_ARROW " ESTABLISHED, server LISTEN " TCPHS_ARROW " SYN-RECEIVED]");
    tcphs_conn_free(&conn);

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 1000, 0, 20), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 5000, 1001, 0), note, sizeof(note));
    CHECK_STR(note, "Step 2 of 3: server 192.168.1.11:23 answers with SYN-ACK; its ISN y = 5000; "
                    "ack = x + 1 = 1000 + 1 = 1001 (correct: the server did not accept the SYN's 20 bytes "
                    "of data, the client sends them again) "
                    "[client SYN-SENT " TCPHS_ARROW " ESTABLISHED, server LISTEN " TCPHS_ARROW " SYN-RECEIVED]");
    tcphs_conn_free(&conn);
}

static void test_keep_alive_and_close_notes(void)
{
    tcphs_conn conn;
    tcphs_segment seg;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 900, 101, 0), note, sizeof(note));
    note_of(&conn, lab_segment(true, TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    seg = lab_segment(true, TCPHS_ACK, 100, 901, 0);
    seg.have |= TCPHS_KEEP_ALIVE;
    note_of(&conn, seg, note, sizeof(note));
    CHECK_STR(note, "Client keep-alive: relative seq 0 is one below the next expected 1, so it repeats an "
                    "already acknowledged byte and makes the server answer with an ACK");
    note_of(&conn, lab_segment(true, TCPHS_FIN | TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    CHECK_STR(note, "Client 192.168.1.10:1056 starts the close (active close) with FIN at relative seq 1; "
                    "an ACK from the server covers it once its ack reaches seq + 1 = 2 (relative) "
                    "[client ESTABLISHED " TCPHS_ARROW " FIN-WAIT-1, server ESTABLISHED " TCPHS_ARROW " CLOSE-WAIT]");
    /* The same FIN again (RFC 9293, 3.8.1): a retransmission, not a second close. */
    note_of(&conn, lab_segment(true, TCPHS_FIN | TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    CHECK_STR(note, "Client 192.168.1.10:1056 sends its FIN at relative seq 1 again "
                    "(a retransmission or a duplicate of the same FIN): not a new close");
    note_of(&conn, lab_segment(false, TCPHS_FIN | TCPHS_ACK, 901, 102, 0), note, sizeof(note));
    CHECK_STR(note, "Server 192.168.1.11:23 closes its side too (passive close) with FIN at relative seq 1; "
                    "relative ack 2 acknowledges the client's FIN "
                    "[client FIN-WAIT-1 " TCPHS_ARROW " TIME-WAIT, server CLOSE-WAIT " TCPHS_ARROW " LAST-ACK]");
    note_of(&conn, lab_segment(true, TCPHS_ACK, 102, 902, 0), note, sizeof(note));
    CHECK_STR(note, "Client acknowledges the server's FIN: relative ack 2 = FIN seq + 1 "
                    "[server LAST-ACK " TCPHS_ARROW " CLOSED]");
    tcphs_conn_free(&conn);
}

/* A segment that starts below bytes its sender already sent says why it
 * has no SampleRTT (RFC 6298 section 3).  The capture cannot tell a copy
 * from a segment overtaken on the way, and Wireshark's releases name the
 * same segment retransmission (4.6) or out-of-order (4.0): the note says
 * both, whatever Wireshark's mark. */
static void test_resent_data_notes(void)
{
    static const char resent[] = "Client sends 100 bytes of data at relative seq 1; "
                                 "an ACK from the server covers them once its ack reaches seq + len = 101 (relative); "
                                 "it starts below bytes already sent (a retransmission, or overtaken): "
                                 "no SampleRTT (Karn's rule)";
    tcphs_conn conn;
    tcphs_segment seg;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 900, 101, 0), note, sizeof(note));
    note_of(&conn, lab_segment(true, TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    note_of(&conn, lab_segment(true, TCPHS_ACK | TCPHS_PSH, 101, 901, 100), note, sizeof(note));
    CHECK_STR(note, "Client sends 100 bytes of data at relative seq 1; "
                    "an ACK from the server covers them once its ack reaches seq + len = 101 (relative)");
    note_of(&conn, lab_segment(true, TCPHS_ACK | TCPHS_PSH, 101, 901, 100), note, sizeof(note));
    CHECK_STR(note, resent);
    seg = lab_segment(true, TCPHS_ACK | TCPHS_PSH, 101, 901, 100);
    seg.have |= TCPHS_RETRANSMISSION;
    note_of(&conn, seg, note, sizeof(note));
    CHECK_STR(note, resent);
    note_of(&conn, lab_segment(true, TCPHS_ACK | TCPHS_PSH, 201, 901, 100), note, sizeof(note));
    CHECK_STR(note, "Client sends 100 bytes of data at relative seq 101; "
                    "an ACK from the server covers them once its ack reaches seq + len = 201 (relative)");
    tcphs_conn_free(&conn);
}

static void test_refused_note(void)
{
    tcphs_conn conn;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_RST | TCPHS_ACK, 0, 101, 0), note, sizeof(note));
    CHECK_STR(note, "Server 192.168.1.11:23 refuses the connection with RST: nothing accepts connections on port 23 "
                    "[client SYN-SENT " TCPHS_ARROW " CLOSED, server LISTEN " TCPHS_ARROW " CLOSED]");
    tcphs_conn_free(&conn);
}

/* A note never overflows its buffer, however small. */
/* Endpoint texts the caller keeps are used as they are. */
static void test_note_with_endpoint_texts(void)
{
    tcphs_conn conn;
    tcphs_segment seg = lab_segment(true, TCPHS_SYN, 100, 0, 0);
    tcphs_record rec;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    CHECK(tcphs_conn_update(&conn, &seg, &rec));
    tcphs_note(note, sizeof(note), &rec, "C", "S");
    CHECK_STR(note, "Step 1 of 3: client C asks server S to connect with SYN; its ISN x = 100 [client CLOSED " TCPHS_ARROW " SYN-SENT]");
    tcphs_conn_free(&conn);
}

static void test_note_truncation(void)
{
    tcphs_conn conn;
    tcphs_segment seg = lab_segment(true, TCPHS_SYN, 100, 0, 0);
    tcphs_record rec;
    char small[16];

    tcphs_conn_init(&conn, 0);
    CHECK(tcphs_conn_update(&conn, &seg, &rec));
    memset(small, 'x', sizeof(small));
    tcphs_note(small, sizeof(small), &rec, NULL, NULL);
    CHECK_INT(strlen(small), sizeof(small) - 1);
    CHECK_STR(small, "Step 1 of 3: cl");
    tcphs_note(small, 1, &rec, NULL, NULL);
    CHECK_STR(small, "");
    tcphs_conn_free(&conn);
}

/* Issue 22, item 2: once the ACK was read (two passes, the GUI), the note of
 * a data segment names the ACK that came, not the one it would predict:
 * here one ACK covers two segments, as delayed ACKs do. */
static void test_note_names_the_real_ack(void)
{
    tcphs_conn conn;
    tcphs_record first, second, fin;
    tcphs_segment seg;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 900, 101, 0), note, sizeof(note));
    note_of(&conn, lab_segment(true, TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    seg = lab_segment(true, TCPHS_ACK | TCPHS_PSH, 101, 901, 100);
    CHECK(tcphs_conn_update(&conn, &seg, &first));
    seg = lab_segment(true, TCPHS_ACK | TCPHS_PSH, 201, 901, 50);
    CHECK(tcphs_conn_update(&conn, &seg, &second));
    seg = lab_segment(false, TCPHS_ACK, 901, 251, 0);   /* one ACK for both */
    seg.frame = 9000;
    note_of(&conn, seg, note, sizeof(note));
    tcphs_note(note, sizeof(note), &first, NULL, NULL);
    CHECK_STR(note, "Client sends 100 bytes of data at relative seq 1; acknowledged by frame 9000"
                    " (relative ack 151 = seq + len + 50: it also covers the next 50 bytes)");
    tcphs_note(note, sizeof(note), &second, NULL, NULL);
    CHECK_STR(note, "Client sends 50 bytes of data at relative seq 101; acknowledged by frame 9000 "
                    "(relative ack 151 = seq + len)");
    seg = lab_segment(true, TCPHS_FIN | TCPHS_ACK, 251, 901, 0);
    CHECK(tcphs_conn_update(&conn, &seg, &fin));
    seg = lab_segment(false, TCPHS_ACK, 901, 252, 0);
    seg.frame = 9002;
    note_of(&conn, seg, note, sizeof(note));
    tcphs_note(note, sizeof(note), &fin, NULL, NULL);
    CHECK_STR(note, "Client 192.168.1.10:1056 starts the close (active close) with FIN at relative seq 151; "
                    "acknowledged by frame 9002 (relative ack 152 = seq + 1) "
                    "[client ESTABLISHED " TCPHS_ARROW " FIN-WAIT-1, server ESTABLISHED " TCPHS_ARROW " CLOSE-WAIT]");
    tcphs_conn_free(&conn);
}

/* Issue 22, item 7: a segment that advertises a zero window says so
 * (Wireshark's [TCP ZeroWindow]). */
static void test_zero_window_note(void)
{
    tcphs_conn conn;
    tcphs_segment seg;
    char note[TCPHS_NOTE_MAX];

    tcphs_conn_init(&conn, 0);
    note_of(&conn, lab_segment(true, TCPHS_SYN, 100, 0, 0), note, sizeof(note));
    note_of(&conn, lab_segment(false, TCPHS_SYN | TCPHS_ACK, 900, 101, 0), note, sizeof(note));
    note_of(&conn, lab_segment(true, TCPHS_ACK, 101, 901, 0), note, sizeof(note));
    seg = lab_segment(true, TCPHS_ACK, 101, 901, 0);
    seg.window = 0;
    note_of(&conn, seg, note, sizeof(note));
    CHECK_STR(note, "Client acknowledges the server's bytes up to relative ack 1 (the next byte it expects), "
                    "sending no data; it advertises a zero window: the server must stop sending data until the "
                    "window opens");
    seg = lab_segment(true, TCPHS_ACK, 101, 901, 0);
    seg.window = 1;
    note_of(&conn, seg, note, sizeof(note));
    CHECK_STR(note, "Client acknowledges the server's bytes up to relative ack 1 (the next byte it expects), "
                    "sending no data");
    tcphs_conn_free(&conn);
}

/* Issue 22, item 8: the tree's title leaves the phase out when it is the
 * event's own word. */
static void test_record_title(void)
{
    char title[64];

    tcphs_record_title(title, sizeof(title), TCPHS_PHASE_DATA, TCPHS_EVENT_DATA, TCPHS_SIDE_SERVER);
    CHECK_STR(title, "data from server");
    tcphs_record_title(title, sizeof(title), TCPHS_PHASE_HANDSHAKE, TCPHS_EVENT_SYN, TCPHS_SIDE_CLIENT);
    CHECK_STR(title, "handshake, syn from client");
    tcphs_record_title(title, sizeof(title), TCPHS_PHASE_DATA, TCPHS_EVENT_ACK, TCPHS_SIDE_CLIENT);
    CHECK_STR(title, "data, ack from client");
}

/* The ISN arithmetic adds up by hand where sequence numbers wrap
 * (RFC 9293, 3.4): 4294967295 + 1 is 0 only modulo 2^32, and the text says so. */
static void test_isn_sum(void)
{
    char text[96];
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, text, sizeof(text));
    tcphs_isn_sum(&out, 4255483971u, 0);
    CHECK_STR(text, "4255483971 + 1 = 4255483972");
    tcphs_strbuf_init(&out, text, sizeof(text));
    tcphs_isn_sum(&out, 4294967295u, 0);
    CHECK_STR(text, "4294967295 + 1 \u2212 2^32 = 0");
    tcphs_strbuf_init(&out, text, sizeof(text));
    tcphs_isn_sum(&out, 4294967290u, 20);
    CHECK_STR(text, "4294967290 + 1 + 20 \u2212 2^32 = 15");
}

/* Issue 22, item 3: times in arithmetic with the digits they need. */
static void test_seconds_exact(void)
{
    char text[32];

    tcphs_format_seconds_exact(text, sizeof(text), 40433000);
    CHECK_STR(text, "0.040433");
    tcphs_format_seconds_exact(text, sizeof(text), 20216500);
    CHECK_STR(text, "0.0202165");
    tcphs_format_seconds_exact(text, sizeof(text), 40435375);
    CHECK_STR(text, "0.040435375");
    tcphs_format_seconds_exact(text, sizeof(text), 1000000000);
    CHECK_STR(text, "1.000000");
}

/* Issue 22, item 4: a rate with its unit, and why there is none. */
static void test_throughput_text(void)
{
    char text[128];
    tcphs_throughput_facts transfer = { 100093, 165394000, 70, 60 };
    tcphs_throughput_facts request = { 85, 7000, 1, 1 };
    tcphs_throughput_facts flight = { 57, 9000, 2, 1 };
    tcphs_throughput_facts clock = { 57, 0, 2, 2 };

    tcphs_throughput_text(text, sizeof(text), &transfer);
    CHECK_STR(text, "605.2 kB/s (4.84 Mbit/s)");           /* 100093 / 0.165394 = 605179.1 */
    tcphs_throughput_text(text, sizeof(text), &request);
    CHECK_STR(text, "85 bytes, one segment: too short for a throughput");
    tcphs_throughput_text(text, sizeof(text), &flight);
    CHECK_STR(text, "57 bytes in 2 segments, acknowledged by one ACK: too short for a throughput");
    tcphs_throughput_text(text, sizeof(text), &clock);
    CHECK_STR(text, "57 bytes, acknowledged no later than sent (the capture's clock): no throughput");
    tcphs_rate_format(text, sizeof(text), 999.96e3);        /* rounds up to the next prefix */
    CHECK_STR(text, "1.0 MB/s (8 Mbit/s)");
    tcphs_rate_format(text, sizeof(text), 12.5);
    CHECK_STR(text, "12.5 B/s (100 bit/s)");
    tcphs_rate_format(text, sizeof(text), 12142857.14);
    CHECK_STR(text, "12.1 MB/s (97.1 Mbit/s)");
}

int main(void)
{
    test_endpoint_format();
    test_seconds_rounded();
    test_handshake_notes();
    test_wrong_ack_note();
    test_fast_open_notes();
    test_keep_alive_and_close_notes();
    test_resent_data_notes();
    test_refused_note();
    test_note_with_endpoint_texts();
    test_note_truncation();
    test_note_names_the_real_ack();
    test_zero_window_note();
    test_record_title();
    test_throughput_text();
    test_isn_sum();
    test_seconds_exact();
    return check_failures() != 0;
}
