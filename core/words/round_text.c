/* round_text.c: why a round got its phase (round_text.h).  Each rule of
 * docs/fields.md, "Rounds and congestion control", says what it compared. */
#include "core/words/round_text.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/words/names.h"

/* "2.00 x round 4's 4096", or "" in round 1 and after a round with
 * nothing in flight. */
static void growth_text(char *buf, size_t size, const tcphs_round_decision *d)
{
    if (d->has_growth)
        snprintf(buf, size, ", %.2f \u00d7 round %" PRIu32 "'s %" PRIu32, d->growth, d->round - 1,
                 d->prev_inflight);
    else
        snprintf(buf, size, "%s", "");
}

/* What a rule that compares a round's growth says after the numbers, one
 * row each. */
static const struct {
    tcphs_round_rule rule;
    const char *reason;
} growth_reasons[] = {
    { TCPHS_RULE_GREW_FAST,  " (at least 1.5)" },
    { TCPHS_RULE_GREW,       " (above 1, below 1.5)" },
    { TCPHS_RULE_AFTER_LOSS, "; after a loss the window grows by about a segment a round, or holds a while" },
    { TCPHS_RULE_FLAT,       ", no growth before any loss (the application, the socket buffer or a window held "
                             "flat: a capture cannot tell them apart)" },
};

static const char *growth_rule_reason(tcphs_round_rule rule)
{
    for (size_t i = 0; i < sizeof(growth_reasons) / sizeof(growth_reasons[0]); i++) {
        if (growth_reasons[i].rule == rule)
            return growth_reasons[i].reason;
    }
    return "";
}

void tcphs_round_decision_text(char *buf, size_t size, const tcphs_round_decision *d)
{
    char growth[96];
    const char *so_far = d->final ? "" : " (so far: the round has not ended)";

    growth_text(growth, sizeof(growth), d);
    switch (d->rule) {
    case TCPHS_RULE_SENT_AGAIN:
        snprintf(buf, size, "round %" PRIu32 ", loss recovery: it sends bytes again (frame %" PRIu32
                 ", %" PRIu32 " bytes in flight)%s", d->round, d->cause_frame, d->cause_inflight, so_far);
        break;
    case TCPHS_RULE_IN_RECOVERY:
        snprintf(buf, size, "round %" PRIu32 ", loss recovery: it starts while the recovery opened in frame %"
                 PRIu32 " waits for its recover point (RFC 6582)%s", d->round, d->cause_frame, so_far);
        break;
    case TCPHS_RULE_ZERO_WINDOW:
        snprintf(buf, size, "round %" PRIu32 ", receiver-limited: the receiver advertised a zero window in frame %"
                 PRIu32 "%s", d->round, d->cause_frame, so_far);
        break;
    case TCPHS_RULE_WINDOW_FULL:
        snprintf(buf, size, "round %" PRIu32 ", receiver-limited: after frame %" PRIu32 " the receiver's window of %"
                 PRIu32 " bytes less %" PRIu32 " in flight left no room for another segment of that length%s",
                 d->round, d->cause_frame, d->cause_window, d->cause_inflight, so_far);
        break;
    case TCPHS_RULE_AFTER_TIMEOUT:
        snprintf(buf, size, "round %" PRIu32 ", slow start again: most in flight %" PRIu32 " bytes, below a "
                 "quarter of the %" PRIu32 " in flight when the recovery opened in frame %" PRIu32
                 " (a timeout restarts from one segment, RFC 5681 3.1)%s",
                 d->round, d->inflight, d->cause_inflight, d->cause_frame, so_far);
        break;
    case TCPHS_RULE_AFTER_FAST_RECOVERY:
        snprintf(buf, size, "round %" PRIu32 ", congestion avoidance: most in flight %" PRIu32 " bytes, at least "
                 "a quarter of the %" PRIu32 " in flight when the recovery opened in frame %" PRIu32
                 " (fast recovery keeps half the window, RFC 5681 3.2)%s",
                 d->round, d->inflight, d->cause_inflight, d->cause_frame, so_far);
        break;
    case TCPHS_RULE_FIRST_ROUND:
        snprintf(buf, size, "round 1, slow start: the sender's first round, most in flight %" PRIu32 " bytes%s",
                 d->inflight, so_far);
        break;
    case TCPHS_RULE_GREW_FAST:
    case TCPHS_RULE_GREW:
    case TCPHS_RULE_AFTER_LOSS:
    case TCPHS_RULE_FLAT:
        snprintf(buf, size, "round %" PRIu32 ", %s: most in flight %" PRIu32 " bytes%s%s%s", d->round,
                 tcphs_round_phase_name(d->phase), d->inflight, growth, growth_rule_reason(d->rule), so_far);
        break;
    default:
        snprintf(buf, size, "round %" PRIu32 ", %s", d->round, tcphs_round_phase_name(d->phase));
        break;
    }
}
