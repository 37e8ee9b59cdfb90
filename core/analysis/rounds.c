/* rounds.c: rounds, their phases and the trouble counters of a connection,
 * fed segment by segment in capture order (docs/fields.md, "Rounds and congestion control" has the rules). */
#include "core/analysis/rounds.h"

#include "core/analysis/transfer.h"

#include <glib.h>
#include <string.h>

_Static_assert(sizeof(tcphs_round) == 48, "one tcphs_round per round: keep it at 48 bytes");

/* First size of a round table; it grows by half (4, 6, 9, ...). */
#define ROUNDS_INITIAL 4u

#define SENT_AGAIN_MAX ((1u << 24) - 1)

/* One side of the connection, as a sender (its payload and rounds) and as
 * the receiver of the other side's payload (the ACKs and windows it sends). */
typedef struct {
    tcphs_round *table;       /* its rounds, 1 .. count */
    uint32_t count, capacity;
    /* As a sender. */
    uint32_t high;            /* one past its highest payload byte for rounds */
    uint32_t first_seq;       /* its first payload byte */
    uint32_t peer_ack;        /* the highest ack the other side sent */
    uint32_t peer_window;     /* the other side's latest window in bytes */
    uint32_t first_end;       /* one past the last byte of the open round's first segment */
    uint32_t recover;         /* RFC 6582's recover point of the open loss recovery */
    uint32_t recovery_frame;  /* the segment sent again that opened the latest recovery */
    uint32_t recovery_inflight; /* bytes in flight after it */
    /* As a receiver. */
    uint32_t max_ack;         /* the greatest ack it sent */
    uint32_t last_window;     /* the window of its previous segment: in bytes when
                                 last_window_scaled, else the raw field */
    uint32_t sent_again;
    uint32_t dup_acks;
    uint32_t zero_windows;
    uint8_t  payload_seen;
    uint8_t  peer_ack_known;
    uint8_t  peer_window_known;
    uint8_t  round_open;      /* the latest round has not ended */
    uint8_t  recovery_open;
    uint8_t  after_recovery;  /* a recovery closed since the latest round opened */
    uint8_t  any_loss;        /* one of its rounds was in loss recovery */
    uint8_t  max_ack_known;
    uint8_t  last_window_known;
    uint8_t  last_window_scaled;
} side_state;

struct tcphs_rounds_state {
    side_state side[2];
};

_Static_assert(sizeof(struct tcphs_rounds_state) <= 160, "one per connection that got past its SYN");

/* ---- small helpers ------------------------------------------------------------- */

static uint32_t add_saturated(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* Bytes in flight of a sender: its highest payload byte sent minus the
 * highest ack received, never below 0; before any ACK, from its first
 * payload byte.  SYN and FIN do not count (high moves with payload only). */
static uint32_t inflight_of(const side_state *s)
{
    uint32_t base = s->peer_ack_known ? s->peer_ack : s->first_seq;

    if (!s->payload_seen || !tcphs_seq_gt(s->high, base))
        return 0;
    return s->high - base;
}

/* How strongly a round's evidence decides its phase: the cause_* fields
 * keep the evidence of the highest rank seen, the first of that rank. */
static int cause_rank(uint8_t flags)
{
    if (flags & (TCPHS_ROUND_SENT_AGAIN | TCPHS_ROUND_IN_RECOVERY))
        return 4;
    if (flags & TCPHS_ROUND_ZERO_WINDOW)
        return 3;
    if (flags & TCPHS_ROUND_WINDOW_FULL)
        return 2;
    if (flags & TCPHS_ROUND_AFTER_RECOVERY)
        return 1;
    return 0;
}

/* Set a flag; take its evidence when it outranks what the round holds. */
static void round_note(tcphs_round *round, uint8_t flag, uint32_t frame, uint32_t window, uint32_t inflight)
{
    bool outranks = cause_rank((uint8_t)(round->flags | flag)) > cause_rank((uint8_t)round->flags);

    round->flags |= flag;
    if (outranks) {
        round->cause_frame = frame;
        round->cause_window = window;
        round->cause_inflight = inflight;
    }
}

static tcphs_round *open_round_of(side_state *s)
{
    return s->round_open ? &s->table[s->count - 1] : NULL;
}

/* A window that is known in bytes, read as tcphs.window.bytes is. */
static bool window_in_bytes(const tcphs_segment *seg, uint8_t wscale, uint32_t *bytes)
{
    return tcphs_segment_has(seg, TCPHS_HAVE_WINDOW) && tcphs_window_bytes(seg->window, wscale, bytes);
}

/* ---- the receiver's side: ACKs, windows, duplicate ACKs -------------------------- */

/* RFC 5681 section 2: an ACK is a duplicate when (a) the receiver of the
 * ACK has outstanding data, (b) it carries no data, (c) SYN and FIN are off,
 * (d) its ack equals the greatest ack received before, and (e) its window
 * equals the previous one.  `acker` sent seg; `sender` is the other side.
 * (RST is off: the caller does not get here with one.) */
static bool is_dup_ack(const side_state *acker, const side_state *sender, const tcphs_segment *seg,
                       bool window_scaled, uint32_t window)
{
    return sender->payload_seen && acker->max_ack_known && tcphs_seq_gt(sender->high, acker->max_ack) &&
           seg->len == 0 &&
           !tcphs_has_flag(seg, TCPHS_SYN | TCPHS_FIN) &&
           tcphs_carries_ack(seg) && seg->ack == acker->max_ack &&
           tcphs_segment_has(seg, TCPHS_HAVE_WINDOW) && acker->last_window_known &&
           acker->last_window_scaled == window_scaled && acker->last_window == window;
}

/* What seg (not a RST) tells about the other side's flight: its ack and
 * window end rounds, close recoveries, limit the sender. */
static void on_receiver_segment(side_state *acker, side_state *sender, const tcphs_segment *seg, uint8_t wscale,
                                tcphs_rounds_result *result)
{
    uint32_t bytes = 0;
    bool scaled = window_in_bytes(seg, wscale, &bytes);
    uint32_t window = scaled ? bytes : seg->window;
    tcphs_round *round = open_round_of(sender);

    if (is_dup_ack(acker, sender, seg, scaled, window)) {
        result->marks |= TCPHS_MARK_DUP_ACK;
        acker->dup_acks++;
    }
    if (tcphs_segment_has(seg, TCPHS_HAVE_WINDOW)) {
        acker->last_window = window;
        acker->last_window_scaled = scaled;
        acker->last_window_known = 1;
    }

    /* The receiver's window, as the sender learns it; one whose scale is
     * unknown makes it unknown from then on (as the report reads it). */
    if (tcphs_segment_has(seg, TCPHS_HAVE_WINDOW)) {
        sender->peer_window_known = scaled;
        sender->peer_window = bytes;
    }
    if (round && scaled) {
        if (!(round->flags & TCPHS_ROUND_WINDOW_KNOWN) || bytes > round->window)
            round->window = bytes;
        round->flags |= TCPHS_ROUND_WINDOW_KNOWN;
    }
    if (round && (result->marks & TCPHS_MARK_ZERO_WINDOW))
        round_note(round, TCPHS_ROUND_ZERO_WINDOW, seg->frame, 0, inflight_of(sender));

    if (!tcphs_carries_ack(seg))
        return;
    if (!acker->max_ack_known || tcphs_seq_gt(seg->ack, acker->max_ack)) {
        acker->max_ack = seg->ack;
        acker->max_ack_known = 1;
    }
    if (!sender->peer_ack_known || tcphs_seq_gt(seg->ack, sender->peer_ack)) {
        sender->peer_ack = seg->ack;
        sender->peer_ack_known = 1;
    }
    /* The round ends at the first ACK that covers the last byte of its
     * first segment. */
    if (round && tcphs_seq_ge(seg->ack, sender->first_end)) {
        round->end_frame = seg->frame;
        sender->round_open = 0;
    }
    /* RFC 6582 3.2 step 3: recovery ends with an ACK that covers recover. */
    if (sender->recovery_open && tcphs_seq_ge(seg->ack, sender->recover)) {
        sender->recovery_open = 0;
        sender->after_recovery = 1;
    }
}

/* ---- the sender's side: payload, rounds, loss recovery ----------------------------- */

/* Payload for rounds: payload that is not a keep-alive, not a zero-window
 * probe, not a SYN's (RFC 7413 data belongs to the handshake) nor a RST's. */
static bool is_payload_for_rounds(const tcphs_segment *seg)
{
    return seg->len > 0 && !tcphs_has_flag(seg, TCPHS_SYN | TCPHS_RST) &&
           !tcphs_segment_has(seg, TCPHS_KEEP_ALIVE) && !tcphs_segment_has(seg, TCPHS_ZERO_WINDOW_PROBE);
}

static tcphs_round *open_round(side_state *s, const tcphs_segment *seg)
{
    tcphs_round *round;

    if (s->count == UINT32_MAX)
        return NULL;
    if (s->count == s->capacity) {
        uint32_t capacity = s->capacity ? s->capacity + s->capacity / 2 : ROUNDS_INITIAL;
        tcphs_round *table;

        if (capacity < s->capacity)
            capacity = UINT32_MAX;
        table = g_try_renew(tcphs_round, s->table, capacity);
        if (!table)
            return NULL;   /* the round's answers are missing, never wrong */
        s->table = table;
        s->capacity = capacity;
    }
    round = &s->table[s->count++];
    memset(round, 0, sizeof(*round));
    round->start_ns = seg->time_ns;
    round->first_frame = seg->frame;
    s->first_end = seg->seq + seg->len;
    s->round_open = 1;
    if (s->peer_window_known) {
        round->window = s->peer_window;
        round->flags |= TCPHS_ROUND_WINDOW_KNOWN;
    }
    if (s->any_loss)
        round->flags |= TCPHS_ROUND_EARLIER_LOSS;
    if (s->recovery_open)
        round_note(round, TCPHS_ROUND_IN_RECOVERY, s->recovery_frame, 0, s->recovery_inflight);
    else if (s->after_recovery)
        round_note(round, TCPHS_ROUND_AFTER_RECOVERY, s->recovery_frame, 0, s->recovery_inflight);
    s->after_recovery = 0;
    return round;
}

static void on_payload(side_state *s, const tcphs_segment *seg, tcphs_rounds_result *result)
{
    uint32_t end = seg->seq + seg->len;
    uint32_t fresh = seg->len, inflight;
    bool again = false, opens_recovery = false;
    tcphs_round *round;

    /* New bytes: those above the highest sequence number sent before
     * (wrap-aware); sent again: it starts below it. */
    if (s->payload_seen) {
        again = tcphs_seq_lt(seg->seq, s->high);
        if (again)
            fresh = tcphs_seq_gt(end, s->high) ? end - s->high : 0;
    }
    /* Its round: the open one, or a new one (which starts in recovery only
     * if a recovery was open before this segment). */
    round = s->round_open ? &s->table[s->count - 1] : open_round(s, seg);

    if (!s->payload_seen) {
        s->payload_seen = 1;
        s->first_seq = seg->seq;
        s->high = end;
    }
    if (again && !s->recovery_open) {
        /* RFC 6582 3.2 step 2: recover = the highest byte sent so far. */
        s->recovery_open = 1;
        s->recover = s->high;
        s->recovery_frame = seg->frame;
        opens_recovery = true;
    }
    if (tcphs_seq_gt(end, s->high))
        s->high = end;
    inflight = inflight_of(s);
    if (opens_recovery)
        s->recovery_inflight = inflight;
    if (again)
        s->sent_again++;
    if (!round)
        return;

    result->round = s->count;
    if (again)
        result->marks |= TCPHS_MARK_SENT_AGAIN;
    if (fresh > 0) {
        round->segments++;
        round->bytes = add_saturated(round->bytes, fresh);
    }
    if (again) {
        if (round->sent_again < SENT_AGAIN_MAX)
            round->sent_again++;
        round_note(round, TCPHS_ROUND_SENT_AGAIN, s->recovery_frame, 0, s->recovery_inflight);
    }
    if (round->flags & (TCPHS_ROUND_SENT_AGAIN | TCPHS_ROUND_IN_RECOVERY))
        s->any_loss = 1;
    if (inflight > round->inflight)
        round->inflight = inflight;
    /* Receiver-limited: window minus bytes in flight below the segment's
     * length leaves no room for another like it. */
    if (s->peer_window_known && (uint64_t)inflight + seg->len > s->peer_window)
        round_note(round, TCPHS_ROUND_WINDOW_FULL, seg->frame, s->peer_window, inflight);
}

/* ---- the entry point ------------------------------------------------------------- */

tcphs_rounds_result tcphs_rounds_update(tcphs_rounds *r, int side, const tcphs_segment *seg, uint8_t wscale)
{
    tcphs_rounds_result result = { 0, 0 };
    side_state *own, *other;

    if (!tcphs_segment_has(seg, TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS | TCPHS_HAVE_LEN))
        return result;
    /* A RST counts for nothing here: it ends no round, acknowledges
     * nothing, and its window is not an offer (RFC 9293, 3.10.7). */
    if (tcphs_has_flag(seg, TCPHS_RST))
        return result;
    if (!r->state) {
        /* A SYN flood's SYNs cost nothing: the state starts with the
         * first segment that is not a bare SYN. */
        if (tcphs_is_bare_syn(seg))
            return result;
        r->state = g_try_new0(tcphs_rounds_state, 1);
        if (!r->state)
            return result;
    }
    own = &r->state->side[side ? 1 : 0];
    other = &r->state->side[side ? 0 : 1];

    if (!tcphs_has_flag(seg, TCPHS_SYN) && tcphs_segment_has(seg, TCPHS_HAVE_WINDOW) && seg->window == 0) {
        result.marks |= TCPHS_MARK_ZERO_WINDOW;
        own->zero_windows++;
    }
    on_receiver_segment(own, other, seg, wscale, &result);
    if (is_payload_for_rounds(seg))
        on_payload(own, seg, &result);
    return result;
}

/* ---- accessors -------------------------------------------------------------------- */

static const side_state *side_of(const tcphs_rounds *r, int side)
{
    return r && r->state ? &r->state->side[side ? 1 : 0] : NULL;
}

const tcphs_round *tcphs_rounds_get(const tcphs_rounds *r, int side, uint32_t number)
{
    const side_state *s = side_of(r, side);

    if (!s || number == 0 || number > s->count)
        return NULL;
    return &s->table[number - 1];
}

uint32_t tcphs_rounds_round_at(const tcphs_rounds *r, int side, uint32_t frame)
{
    const side_state *s = side_of(r, side);
    uint32_t lo = 0, hi;

    if (!s)
        return 0;
    /* The last round whose first frame is at or before `frame`. */
    hi = s->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (s->table[mid].first_frame <= frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool tcphs_rounds_growth(const tcphs_rounds *r, int side, uint32_t number, double *growth)
{
    const tcphs_round *round = tcphs_rounds_get(r, side, number);
    const tcphs_round *prev = number > 1 ? tcphs_rounds_get(r, side, number - 1) : NULL;

    if (!round || !prev || prev->inflight == 0)
        return false;
    *growth = (double)round->inflight / (double)prev->inflight;
    return true;
}

/* The phase rules of the contract, the first that holds; integer
 * arithmetic for every comparison (growth >= 1.5 is 2 x now >= 3 x before). */
static tcphs_round_rule rule_of(const tcphs_round *round, uint32_t number, const tcphs_round *prev)
{
    uint64_t now = round->inflight;
    bool growth = prev && prev->inflight > 0;
    uint64_t before = growth ? prev->inflight : 0;

    if (round->flags & TCPHS_ROUND_IN_RECOVERY)
        return TCPHS_RULE_IN_RECOVERY;
    if (round->flags & TCPHS_ROUND_SENT_AGAIN)
        return TCPHS_RULE_SENT_AGAIN;
    if (round->flags & TCPHS_ROUND_ZERO_WINDOW)
        return TCPHS_RULE_ZERO_WINDOW;
    if (round->flags & TCPHS_ROUND_WINDOW_FULL)
        return TCPHS_RULE_WINDOW_FULL;
    if (round->flags & TCPHS_ROUND_AFTER_RECOVERY)
        return 4 * now < round->cause_inflight ? TCPHS_RULE_AFTER_TIMEOUT : TCPHS_RULE_AFTER_FAST_RECOVERY;
    if (number == 1)
        return TCPHS_RULE_FIRST_ROUND;
    if (growth && 2 * now >= 3 * before)
        return TCPHS_RULE_GREW_FAST;
    if (growth && now > before)
        return TCPHS_RULE_GREW;
    if (round->flags & TCPHS_ROUND_EARLIER_LOSS)
        return TCPHS_RULE_AFTER_LOSS;
    return TCPHS_RULE_FLAT;
}

static const tcphs_round_phase phase_of_rule[TCPHS_RULE_COUNT] = {
    [TCPHS_RULE_NONE]                = TCPHS_ROUND_PHASE_NONE,
    [TCPHS_RULE_SENT_AGAIN]          = TCPHS_ROUND_LOSS_RECOVERY,
    [TCPHS_RULE_IN_RECOVERY]         = TCPHS_ROUND_LOSS_RECOVERY,
    [TCPHS_RULE_ZERO_WINDOW]         = TCPHS_ROUND_RECEIVER_LIMITED,
    [TCPHS_RULE_WINDOW_FULL]         = TCPHS_ROUND_RECEIVER_LIMITED,
    [TCPHS_RULE_AFTER_TIMEOUT]       = TCPHS_ROUND_SLOW_START,
    [TCPHS_RULE_AFTER_FAST_RECOVERY] = TCPHS_ROUND_CONGESTION_AVOIDANCE,
    [TCPHS_RULE_FIRST_ROUND]         = TCPHS_ROUND_SLOW_START,
    [TCPHS_RULE_GREW_FAST]           = TCPHS_ROUND_SLOW_START,
    [TCPHS_RULE_GREW]                = TCPHS_ROUND_CONGESTION_AVOIDANCE,
    [TCPHS_RULE_AFTER_LOSS]          = TCPHS_ROUND_CONGESTION_AVOIDANCE,
    [TCPHS_RULE_FLAT]                = TCPHS_ROUND_SENDER_LIMITED,
};

bool tcphs_rounds_decide(const tcphs_rounds *r, int side, uint32_t number, tcphs_round_decision *d)
{
    const tcphs_round *round = tcphs_rounds_get(r, side, number);
    const tcphs_round *prev = number > 1 ? tcphs_rounds_get(r, side, number - 1) : NULL;

    memset(d, 0, sizeof(*d));
    if (!round)
        return false;
    d->rule = rule_of(round, number, prev);
    d->phase = phase_of_rule[d->rule];
    d->round = number;
    d->inflight = round->inflight;
    d->final = round->end_frame != 0;
    if (prev) {
        d->prev_inflight = prev->inflight;
        d->has_growth = tcphs_rounds_growth(r, side, number, &d->growth);
    }
    switch (d->rule) {
    case TCPHS_RULE_SENT_AGAIN:
    case TCPHS_RULE_IN_RECOVERY:
    case TCPHS_RULE_ZERO_WINDOW:
    case TCPHS_RULE_WINDOW_FULL:
    case TCPHS_RULE_AFTER_TIMEOUT:
    case TCPHS_RULE_AFTER_FAST_RECOVERY:
        d->cause_frame = round->cause_frame;
        d->cause_window = round->cause_window;
        d->cause_inflight = round->cause_inflight;
        break;
    default:
        break;
    }
    return true;
}

tcphs_rounds_counters tcphs_rounds_counts(const tcphs_rounds *r, int side)
{
    tcphs_rounds_counters c = { 0, 0, 0, 0 };
    const side_state *s = side_of(r, side);

    if (s) {
        c.rounds = s->count;
        c.sent_again = s->sent_again;
        c.dup_acks = s->dup_acks;
        c.zero_windows = s->zero_windows;
    }
    return c;
}

void tcphs_rounds_free(tcphs_rounds *r)
{
    if (!r->state)
        return;
    for (int i = 0; i < 2; i++)
        g_free(r->state->side[i].table);
    g_free(r->state);
    r->state = NULL;
}
