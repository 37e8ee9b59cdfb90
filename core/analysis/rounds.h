/* rounds.h: rounds (flights) of each sender, their phase (loss recovery,
 * receiver-limited, slow start, congestion avoidance, sender-limited) and
 * the trouble counters (segments sent again, duplicate ACKs per RFC 5681
 * section 2, zero windows): the contract's "Rounds and congestion control"
 * (docs/fields.md, "Rounds and congestion control").  Numbers and enums only; the words are written elsewhere.
 *
 * The connection calls tcphs_rounds_update() once per segment, in capture
 * order, with the segment's sender and the window-scale byte it was read
 * with (tcphs_wscale_for(), transfer.h).  The result is what belongs to
 * that segment's record: its round number (a payload segment for rounds)
 * and three marks.  A round's aggregates live in a per-sender table of the
 * connection and grow until the round ends (an ACK of the other side covers
 * its first segment): like tcphs.acked_in they are whole-capture values,
 * final once tcphs_round.end_frame is set.
 *
 * Memory: nothing until the first segment that is neither a bare SYN nor a
 * RST (SYN floods and port scans cost the 8 bytes of tcphs_rounds); then
 * one state of 160 bytes per connection and one tcphs_round (48
 * bytes) per round, in a table that grows by half.
 */
#ifndef TCPHS_ROUNDS_H
#define TCPHS_ROUNDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/feed/segment.h"
#include "core/analysis/vocab.h"

/* Bits of tcphs_round.flags: what the round has shown so far. */
enum {
    TCPHS_ROUND_SENT_AGAIN     = 1u << 0,  /* holds a segment sent again */
    TCPHS_ROUND_IN_RECOVERY    = 1u << 1,  /* started while loss recovery was open */
    TCPHS_ROUND_ZERO_WINDOW    = 1u << 2,  /* the receiver advertised a zero window
                                              between its first segment and its end */
    TCPHS_ROUND_WINDOW_FULL    = 1u << 3,  /* after one of its segments the window left no
                                              room for another of that length */
    TCPHS_ROUND_AFTER_RECOVERY = 1u << 4,  /* the first round after a loss recovery closed */
    TCPHS_ROUND_EARLIER_LOSS   = 1u << 5,  /* an earlier round was in loss recovery */
    TCPHS_ROUND_WINDOW_KNOWN   = 1u << 6   /* window is known (in bytes) */
};

/* One round of one sender.  `cause_*` hold the evidence of the
 * highest-ranked of these facts the round has shown (the first such event):
 *   SENT_AGAIN / IN_RECOVERY: cause_frame opened the recovery (its first
 *     segment sent again), cause_inflight = bytes in flight after it;
 *   ZERO_WINDOW: cause_frame = the receiver's zero-window segment,
 *     cause_window = 0, cause_inflight = the sender's bytes in flight then;
 *   WINDOW_FULL: cause_frame = the sender's segment after which
 *     cause_window - cause_inflight < its length;
 *   AFTER_RECOVERY: cause_frame opened that recovery, cause_inflight = bytes
 *     in flight when it opened (the quarter rule compares with it). */
typedef struct {
    int64_t  start_ns;        /* capture time of its first segment */
    uint32_t first_frame;     /* its first segment */
    uint32_t end_frame;       /* the other side's ACK that ended it; 0 while it is open */
    uint32_t segments;        /* its segments that carried new bytes */
    uint32_t bytes;           /* its new bytes (saturates at 2^32 - 1) */
    uint32_t inflight;        /* the most bytes in flight after any of its segments */
    uint32_t window;          /* the receiver's largest window in bytes while it was open,
                                 starting from the latest before it (with WINDOW_KNOWN) */
    uint32_t cause_frame;
    uint32_t cause_window;
    uint32_t cause_inflight;
    uint32_t sent_again : 24; /* its segments sent again (saturates) */
    uint32_t flags : 8;       /* TCPHS_ROUND_* */
} tcphs_round;

/* The phase rule that decided a round (the first that holds, in this order). */
typedef enum {
    TCPHS_RULE_NONE = 0,
    TCPHS_RULE_SENT_AGAIN,        /* loss recovery: holds a segment sent again */
    TCPHS_RULE_IN_RECOVERY,       /* loss recovery: started while recovery was open */
    TCPHS_RULE_ZERO_WINDOW,       /* receiver-limited: a zero window */
    TCPHS_RULE_WINDOW_FULL,       /* receiver-limited: no room for another segment */
    TCPHS_RULE_AFTER_TIMEOUT,     /* slow start: first round after recovery, in flight < 1/4 of
                                     that at its opening (RFC 5681 3.1) */
    TCPHS_RULE_AFTER_FAST_RECOVERY, /* congestion avoidance: first round after recovery, >= 1/4
                                     (RFC 5681 3.2) */
    TCPHS_RULE_FIRST_ROUND,       /* slow start: round 1 */
    TCPHS_RULE_GREW_FAST,         /* slow start: growth >= 1.5 */
    TCPHS_RULE_GREW,              /* congestion avoidance: growth > 1 */
    TCPHS_RULE_AFTER_LOSS,        /* congestion avoidance: an earlier round was in loss recovery */
    TCPHS_RULE_FLAT,              /* sender-limited: none of the above */
    TCPHS_RULE_COUNT
} tcphs_round_rule;

/* A round's phase and the numbers that decided it, for the note
 * ("round 5, slow start: most in flight 8192 bytes, 2.0 x round 4's 4096"). */
typedef struct {
    tcphs_round_phase phase;
    tcphs_round_rule rule;
    uint32_t round;           /* its number */
    uint32_t inflight;        /* its most bytes in flight */
    uint32_t prev_inflight;   /* round - 1's (with has_growth) */
    bool     has_growth;      /* round > 1 and round - 1 had bytes in flight */
    double   growth;          /* inflight / prev_inflight (with has_growth) */
    uint32_t cause_frame;     /* the round's cause_* (see tcphs_round) for the rules that use */
    uint32_t cause_window;    /*   them: SENT_AGAIN, IN_RECOVERY, ZERO_WINDOW, WINDOW_FULL, */
    uint32_t cause_inflight;  /*   AFTER_TIMEOUT, AFTER_FAST_RECOVERY */
    bool     final;           /* the round has ended: its values will not change */
} tcphs_round_decision;

/* Bits of tcphs_rounds_result.marks. */
enum {
    TCPHS_MARK_SENT_AGAIN  = 1u << 0,  /* a payload segment for rounds that starts below the
                                          highest sequence number its sender had sent */
    TCPHS_MARK_DUP_ACK     = 1u << 1,  /* a duplicate ACK, RFC 5681 section 2 */
    TCPHS_MARK_ZERO_WINDOW = 1u << 2   /* not SYN, not RST, advertises a zero window */
};

/* What belongs to one segment's record. */
typedef struct {
    uint32_t round;           /* its round, 1-based, for its sender; 0 when it is not payload
                                 for rounds (or memory ran out) */
    uint8_t  marks;           /* TCPHS_MARK_* */
} tcphs_rounds_result;

/* Per-side counters (tcphs.conn.rounds_*, sent_again_*, dup_acks_*, zero_windows_*). */
typedef struct {
    uint32_t rounds;          /* rounds this side sent */
    uint32_t sent_again;      /* its payload segments sent again */
    uint32_t dup_acks;        /* duplicate ACKs it sent */
    uint32_t zero_windows;    /* its segments (not SYN, not RST) with a zero window */
} tcphs_rounds_counters;

typedef struct tcphs_rounds_state tcphs_rounds_state;

/* The rounds of one connection; all zero to start. */
typedef struct {
    tcphs_rounds_state *state;   /* allocated by the first segment that needs it */
} tcphs_rounds;

/* Feed one segment (side = sender, 0 client / 1 server), in capture order.
 * wscale is the TCPHS_WSCALE_* byte the segment's window is read with
 * (0: unknown), as tcphs_wscale_for() gives it.  A segment without
 * TCPHS_HAVE_SEQ, _FLAGS or _LEN changes nothing. */
tcphs_rounds_result tcphs_rounds_update(tcphs_rounds *r, int side, const tcphs_segment *seg, uint8_t wscale);

/* Round `number` (1-based) of `side`; NULL when there is no such round. */
const tcphs_round *tcphs_rounds_get(const tcphs_rounds *r, int side, uint32_t number);

/* The round of `side` that holds payload segment `frame` (a binary search
 * by first frame, for a record that does not keep its round number); 0 when
 * the frame precedes the side's first round.  Only meaningful for a frame
 * that is payload for rounds of that side. */
uint32_t tcphs_rounds_round_at(const tcphs_rounds *r, int side, uint32_t frame);

/* The most bytes in flight of round `number` divided by round number - 1's;
 * false in round 1, when the previous round had none, or no such round. */
bool tcphs_rounds_growth(const tcphs_rounds *r, int side, uint32_t number, double *growth);

/* The phase of round `number` and why; false when there is no such round.
 * Values of a round that has not ended are the state so far. */
bool tcphs_rounds_decide(const tcphs_rounds *r, int side, uint32_t number, tcphs_round_decision *d);

tcphs_rounds_counters tcphs_rounds_counts(const tcphs_rounds *r, int side);

void tcphs_rounds_free(tcphs_rounds *r);

#endif /* TCPHS_ROUNDS_H */
