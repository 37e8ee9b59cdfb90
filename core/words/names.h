/* names.h: the word of each value of the analysis's vocabularies
 * (core/analysis/vocab.h), defined once.
 *
 * Every text-valued tcphs field uses one of these fixed, lower-case
 * vocabularies (docs/fields.md).  The tree, the statistics and the reports
 * all print them through tcphs_*_name(), so a word cannot drift between the
 * places that show it.
 */
#ifndef TCPHS_NAMES_H
#define TCPHS_NAMES_H

#include <stddef.h>

#include "core/analysis/vocab.h"

/* "→" in UTF-8: between a state and the next, as in "FIN-WAIT-1 → FIN-WAIT-2". */
#define TCPHS_ARROW "\xe2\x86\x92"

const char *tcphs_phase_name(tcphs_phase phase);
const char *tcphs_event_name(tcphs_event event);
const char *tcphs_side_name(tcphs_side side);
/* "client → server" or "server → client": the direction of a segment the side sends. */
const char *tcphs_direction_name(tcphs_side from);
const char *tcphs_hs_verdict_name(tcphs_hs_verdict verdict);

/* The title of a segment's analysis, "handshake, syn from client", with the
 * phase left out when it is the event's own word ("data from server", not
 * "data, data from server"). */
void tcphs_record_title(char *buf, size_t size, tcphs_phase phase, tcphs_event event, tcphs_side from);
const char *tcphs_close_initiator_name(tcphs_close_initiator initiator);
const char *tcphs_close_kind_name(tcphs_close_kind kind);
const char *tcphs_state_name(tcphs_state state);

/* What a Zeek conn_state code means (Zeek's base/protocols/conn/main.zeek),
 * for labels such as "SF (normal establishment and termination)"; NULL for
 * a code that is not Zeek's. */
const char *tcphs_zeek_conn_state_description(const char *code);
const char *tcphs_ecn_mode_name(tcphs_ecn_mode mode);
const char *tcphs_round_phase_name(tcphs_round_phase phase);

#endif /* TCPHS_NAMES_H */
