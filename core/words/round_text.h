/* round_text.h: why a round got its phase, in words, for the label of
 * tcphs.round.phase on the round's first segment: "round 5, slow start:
 * most in flight 8192 bytes, 2.00 x round 4's 4096 (at least 1.5)".  The
 * numbers come from the analysis (core/analysis/rounds.h). */
#ifndef TCPHS_ROUND_TEXT_H
#define TCPHS_ROUND_TEXT_H

#include <stddef.h>

#include "core/analysis/rounds.h"

/* Longest explanation, NUL included; longer text is cut, never overflows. */
#define TCPHS_ROUND_TEXT_MAX 240

/* The rule that decided round d->round and the numbers it compared. */
void tcphs_round_decision_text(char *buf, size_t size, const tcphs_round_decision *d);

#endif /* TCPHS_ROUND_TEXT_H */
