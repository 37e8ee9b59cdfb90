/* test_store.c: where the records and connections of a capture are kept.
 *
 * A connection is kept packed (its segments alone) until its third
 * segment; whatever the store answers for it must be exactly what a
 * connection fed directly answers, in any order of asking.
 */
#include <stdlib.h>

#include "check.h"
#include "core/store/store.h"
#include "segments.h"

#define CLIENT true
#define SERVER false
#define MS 1000000LL
#define T0 (1700000000LL * 1000000000LL)

/* Three connections of one capture, interleaved, each with its twin fed
 * directly: the reference. */
enum { A = 0, B, C, STREAMS };

typedef struct {
    tcphs_store *store;
    tcphs_conn twin[STREAMS];
    tcphs_record want[16];       /* the twins' records, by frame */
    uint32_t stream_of[16];
    uint32_t frame;
} capture;

static tcphs_endpoint client_of(uint32_t stream)
{
    tcphs_endpoint ep = { { 4, { 192, 0, 2, 10 } }, 40000 };

    ep.port = (uint16_t)(40000 + stream);
    return ep;
}

static const tcphs_endpoint server = { { 4, { 198, 51, 100, 20 } }, 80 };

static void capture_start(capture *cap)
{
    memset(cap, 0, sizeof(*cap));
    cap->store = tcphs_store_new();
    CHECK(cap->store != NULL);
    for (uint32_t s = 0; s < STREAMS; s++)
        tcphs_conn_init(&cap->twin[s], s);
}

static void capture_end(capture *cap)
{
    tcphs_store_free(cap->store);
    for (uint32_t s = 0; s < STREAMS; s++)
        tcphs_conn_free(&cap->twin[s]);
}

/* Two records say the same (the connection they point to aside). */
static bool same_record(const tcphs_record *got, const tcphs_record *want)
{
    tcphs_record g = *got, w = *want;

    g.conn = w.conn = NULL;
    return memcmp(&g, &w, sizeof(g)) == 0;
}

/* Two connections say the same about themselves. */
static bool same_verdicts(const tcphs_conn *got, const tcphs_conn *want)
{
    return tcphs_conn_hs_verdict(got) == tcphs_conn_hs_verdict(want) &&
           tcphs_conn_close_kind(got) == tcphs_conn_close_kind(want) &&
           strcmp(tcphs_zeek_history(&got->zeek), tcphs_zeek_history(&want->zeek)) == 0 &&
           memcmp(&got->links, &want->links, sizeof(got->links)) == 0 &&
           got->side[0].packets == want->side[0].packets && got->side[1].packets == want->side[1].packets;
}

/* Feed one segment of stream s to the store and to its twin; the store's
 * answer must be the twin's. */
static const tcphs_record *feed_keep(capture *cap, uint32_t s, bool from_client, uint16_t flags, uint32_t seq,
                                     uint32_t ack, double at_ms, tcphs_keep keep)
{
    tcphs_endpoint client = client_of(s);
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, 0);
    const tcphs_record *got;

    seg.frame = ++cap->frame;
    seg.time_ns = T0 + (int64_t)(at_ms * MS);
    seg.stream = s;
    CHECK(tcphs_conn_update(&cap->twin[s], &seg, &cap->want[seg.frame]));
    cap->stream_of[seg.frame] = s;
    got = tcphs_store_update(cap->store, &seg, true, keep);
    CHECK(got != NULL);
    if (got) {
        CHECK(same_record(got, &cap->want[seg.frame]));
        CHECK(same_verdicts(got->conn, &cap->twin[s]));
    }
    return got;
}

static const tcphs_record *feed(capture *cap, uint32_t s, bool from_client, uint16_t flags, uint32_t seq,
                                uint32_t ack, double at_ms)
{
    return feed_keep(cap, s, from_client, flags, seq, ack, at_ms, TCPHS_KEEP_PACKED);
}

static void check_counts(const capture *cap, uint32_t packed, uint32_t whole)
{
    uint32_t p, w;

    tcphs_store_counts(cap->store, &p, &w);
    CHECK_INT(p, packed);
    CHECK_INT(w, whole);
}

/* Asked for a frame (the GUI, a second pass: any order), the store gives
 * the twin's record, on the twin's connection as it stands now. */
static void check_frame(capture *cap, uint32_t frame, tcphs_keep keep)
{
    const tcphs_record *got = tcphs_store_record(cap->store, frame, keep);

    CHECK(got != NULL);
    if (!got)
        return;
    CHECK(same_record(got, &cap->want[frame]));
    CHECK(same_verdicts(got->conn, &cap->twin[cap->stream_of[frame]]));
    CHECK_INT(got->conn->stream, cap->stream_of[frame]);
}

/* The record of a frame, before the twin's later segments: the record
 * alone (the connection has seen less than its twin). */
static void check_frame_as_it_was(capture *cap, uint32_t frame)
{
    const tcphs_record *got = tcphs_store_record(cap->store, frame, TCPHS_KEEP_PACKED);

    CHECK(got != NULL && same_record(got, &cap->want[frame]));
}

/*   1 a SYN   2 b SYN   3 a SYN-ACK   4 b RST-ACK   5 a ACK   6 c SYN
 * a completes its handshake (whole from frame 5), b is refused, c is
 * unanswered: b and c stay packed. */
static void test_half_open_connections_stay_packed(void)
{
    static capture cap;
    static const uint32_t any_order[] = { 4, 1, 6, 2, 5, 3, 3, 6 };
    const tcphs_xfer *x;

    capture_start(&cap);
    feed(&cap, A, CLIENT, TCPHS_SYN, 100, 0, 0);
    feed(&cap, B, CLIENT, TCPHS_SYN, 500, 0, 1);
    feed(&cap, A, SERVER, TCPHS_SYN | TCPHS_ACK, 7000, 101, 40);
    feed(&cap, B, SERVER, TCPHS_RST | TCPHS_ACK, 0, 501, 3);
    check_counts(&cap, 2, 0);
    feed(&cap, A, CLIENT, TCPHS_ACK, 101, 7001, 41);
    check_counts(&cap, 1, 1);
    feed(&cap, C, CLIENT, TCPHS_SYN, 900, 0, 50);
    check_counts(&cap, 2, 1);

    for (size_t i = 0; i < sizeof(any_order) / sizeof(any_order[0]); i++)
        check_frame(&cap, any_order[i], TCPHS_KEEP_PACKED);
    /* The transfer answers come with the replay: b's SYN was answered by
     * the RST in frame 4, 2 ms later. */
    x = tcphs_record_xfer(tcphs_store_record(cap.store, 2, TCPHS_KEEP_PACKED));
    CHECK(x != NULL && x->acked_in == 4 && x->ack_delay_ns == 2 * MS);
    CHECK(tcphs_store_record(cap.store, 7, TCPHS_KEEP_PACKED) == NULL);    /* no such frame */
    check_counts(&cap, 2, 1);
    capture_end(&cap);
}

/* A tap keeps pointers to connections until the end of the run: asked
 * with TCPHS_KEEP_WHOLE, a packed connection becomes whole, with the same
 * records, and stays where it is. */
static void test_taps_make_connections_whole(void)
{
    static capture cap;
    const tcphs_record *first;

    capture_start(&cap);
    feed(&cap, A, CLIENT, TCPHS_SYN, 100, 0, 0);
    feed(&cap, A, SERVER, TCPHS_SYN | TCPHS_ACK, 7000, 101, 40);
    check_counts(&cap, 1, 0);
    first = tcphs_store_record(cap.store, 1, TCPHS_KEEP_WHOLE);
    check_counts(&cap, 0, 1);
    check_frame(&cap, 1, TCPHS_KEEP_WHOLE);
    check_frame(&cap, 2, TCPHS_KEEP_PACKED);
    CHECK(tcphs_store_record(cap.store, 1, TCPHS_KEEP_PACKED) == first);
    CHECK(tcphs_store_record(cap.store, 2, TCPHS_KEEP_PACKED)->conn == first->conn);

    feed_keep(&cap, B, CLIENT, TCPHS_SYN, 500, 0, 1, TCPHS_KEEP_WHOLE);    /* whole from its first segment */
    check_counts(&cap, 0, 2);
    capture_end(&cap);
}

/* A further TCP layer of a frame (a tunnel) is kept by the caller, and its
 * connection is whole; so is one whose segment has other endpoints than
 * its first (the replay could not tell them apart). */
static void test_whole_when_packing_cannot_say_it_all(void)
{
    static capture cap;
    tcphs_endpoint client = client_of(B), elsewhere = client_of(C);
    tcphs_segment seg = test_segment(&client, &server, CLIENT, TCPHS_SYN, 500, 0, 0);
    tcphs_record want;
    const tcphs_record *got;

    capture_start(&cap);
    feed(&cap, A, CLIENT, TCPHS_SYN, 100, 0, 0);
    seg.frame = cap.frame;      /* the same frame, a second TCP layer */
    seg.stream = B;
    CHECK(tcphs_conn_update(&cap.twin[B], &seg, &want));
    got = tcphs_store_update(cap.store, &seg, false, TCPHS_KEEP_PACKED);
    CHECK(got != NULL && same_record(got, &want));
    check_counts(&cap, 1, 1);
    check_frame(&cap, 1, TCPHS_KEEP_PACKED);                /* the first layer's record is A's */

    seg = test_segment(&elsewhere, &server, SERVER, TCPHS_SYN | TCPHS_ACK, 7000, 101, 0);
    seg.frame = ++cap.frame;
    seg.stream = A;
    CHECK(tcphs_conn_update(&cap.twin[A], &seg, &cap.want[seg.frame]));
    cap.stream_of[seg.frame] = A;
    got = tcphs_store_update(cap.store, &seg, true, TCPHS_KEEP_PACKED);
    CHECK(got != NULL && same_record(got, &cap.want[seg.frame]));
    check_counts(&cap, 0, 2);
    check_frame(&cap, 1, TCPHS_KEEP_PACKED);
    check_frame(&cap, 2, TCPHS_KEEP_PACKED);
    capture_end(&cap);
}

/* No verdict rather than a wrong one: a segment lacking a required fact is
 * not kept; a frame nobody analysed has no record. */
static void test_missing_facts_keep_nothing(void)
{
    static capture cap;
    tcphs_endpoint client = client_of(A);
    tcphs_segment seg = test_segment(&client, &server, CLIENT, TCPHS_SYN, 100, 0, 0);

    capture_start(&cap);
    seg.frame = 1;
    seg.have &= ~(uint32_t)TCPHS_HAVE_SEQ;
    CHECK(tcphs_store_update(cap.store, &seg, true, TCPHS_KEEP_PACKED) == NULL);
    CHECK(tcphs_store_record(cap.store, 1, TCPHS_KEEP_PACKED) == NULL);
    CHECK(tcphs_store_record(cap.store, 123456, TCPHS_KEEP_PACKED) == NULL);
    check_counts(&cap, 0, 0);
    capture_end(&cap);
}

/* Keep segment (stream s) deferred: the store says nothing of it yet,
 * and its twin records what the analysis must give once asked. */
static void defer(capture *cap, uint32_t s, bool from_client, uint16_t flags, uint32_t seq, uint32_t ack,
                  double at_ms)
{
    tcphs_endpoint client = client_of(s);
    tcphs_segment seg = test_segment(&client, &server, from_client, flags, seq, ack, 0);

    seg.frame = ++cap->frame;
    seg.time_ns = T0 + (int64_t)(at_ms * MS);
    seg.stream = s;
    CHECK(tcphs_conn_update(&cap->twin[s], &seg, &cap->want[seg.frame]));
    cap->stream_of[seg.frame] = s;
    CHECK(tcphs_store_defer(cap->store, &seg));
    CHECK(tcphs_store_has_frame(cap->store, seg.frame));
}

/* A run that never reads tcphs defers every segment.  Analysed later, all
 * at once or frame by frame, in any order of asking, they give the records
 * of segments analysed as they came, and packed and whole connections as
 * before: the analysis still sees each stream in capture order.
 *   1 a SYN   2 b SYN   3 a SYN-ACK   4 b RST-ACK   5 a ACK   (6 c SYN, 7 a FIN: later) */
static void test_deferred_segments_analysed_when_asked(void)
{
    static capture cap;
    static const uint32_t any_order[] = { 4, 1, 5, 2, 3, 7, 6 };

    capture_start(&cap);
    defer(&cap, A, CLIENT, TCPHS_SYN, 100, 0, 0);
    defer(&cap, B, CLIENT, TCPHS_SYN, 500, 0, 1);
    defer(&cap, A, SERVER, TCPHS_SYN | TCPHS_ACK, 7000, 101, 40);
    defer(&cap, B, SERVER, TCPHS_RST | TCPHS_ACK, 0, 501, 3);
    defer(&cap, A, CLIENT, TCPHS_ACK, 101, 7001, 41);
    /* One pass that starts reading tcphs at frame 3: frames 1-3 analysed. */
    tcphs_store_catch_up(cap.store, 3, TCPHS_KEEP_PACKED);
    check_frame_as_it_was(&cap, 3);
    /* Frame 5 asked for: 4 and 5 are analysed first. */
    check_frame(&cap, 5, TCPHS_KEEP_PACKED);
    check_counts(&cap, 1, 1);
    /* An analysed frame takes no deferred segment; later frames do. */
    {
        tcphs_endpoint client = client_of(A);
        tcphs_segment late = test_segment(&client, &server, CLIENT, TCPHS_ACK, 101, 7001, 0);

        late.frame = 2;
        late.stream = A;
        CHECK(!tcphs_store_defer(cap.store, &late));
    }
    defer(&cap, C, CLIENT, TCPHS_SYN, 900, 0, 50);
    defer(&cap, A, CLIENT, TCPHS_FIN | TCPHS_ACK, 101, 7001, 60);
    tcphs_store_catch_up(cap.store, UINT32_MAX, TCPHS_KEEP_PACKED);
    for (size_t i = 0; i < sizeof(any_order) / sizeof(any_order[0]); i++)
        check_frame(&cap, any_order[i], TCPHS_KEEP_PACKED);
    check_counts(&cap, 2, 1);
    capture_end(&cap);
}

int main(void)
{
    test_half_open_connections_stay_packed();
    test_taps_make_connections_whole();
    test_whole_when_packing_cannot_say_it_all();
    test_missing_facts_keep_nothing();
    test_deferred_segments_analysed_when_asked();
    return check_failures() != 0;
}
