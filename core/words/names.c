/* vocab.c: the fixed vocabularies of tcphs's text fields (docs/fields.md). */
#include "core/words/names.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Look a word up in a table indexed by the enum; anything out of range is a
 * bug in the caller, shown as "?" rather than read past the table. */
static const char *word_at(const char *const *table, size_t count, int at)
{
    if (at < 0 || (size_t)at >= count || table[at] == NULL)
        return "?";
    return table[at];
}

#define WORD_AT(table, at) word_at(table, sizeof(table) / sizeof(table[0]), (int)(at))

static const char *const phase_words[TCPHS_PHASE_COUNT] = {
    [TCPHS_PHASE_NONE]      = "none",
    [TCPHS_PHASE_HANDSHAKE] = "handshake",
    [TCPHS_PHASE_DATA]      = "data",
    [TCPHS_PHASE_TEARDOWN]  = "teardown",
    [TCPHS_PHASE_RESET]     = "reset",
};

static const char *const event_words[TCPHS_EVENT_COUNT] = {
    [TCPHS_EVENT_NONE]                   = "none",
    [TCPHS_EVENT_SYN]                    = "syn",
    [TCPHS_EVENT_SYN_ACK]                = "syn-ack",
    [TCPHS_EVENT_HANDSHAKE_ACK]          = "handshake-ack",
    [TCPHS_EVENT_SYN_RETRANSMISSION]     = "syn-retransmission",
    [TCPHS_EVENT_SYN_ACK_RETRANSMISSION] = "syn-ack-retransmission",
    [TCPHS_EVENT_DATA]                   = "data",
    [TCPHS_EVENT_ACK]                    = "ack",
    [TCPHS_EVENT_KEEP_ALIVE]             = "keep-alive",
    [TCPHS_EVENT_KEEP_ALIVE_ACK]         = "keep-alive-ack",
    [TCPHS_EVENT_FIN]                    = "fin",
    [TCPHS_EVENT_PEER_FIN]               = "peer-fin",
    [TCPHS_EVENT_FIN_ACK]                = "fin-ack",
    [TCPHS_EVENT_RST]                    = "rst",
    [TCPHS_EVENT_OTHER]                  = "other",
};

static const char *const side_words[] = {
    [TCPHS_SIDE_CLIENT] = "client",
    [TCPHS_SIDE_SERVER] = "server",
};

static const char *const hs_verdict_words[TCPHS_HS_COUNT] = {
    [TCPHS_HS_NOT_SEEN]          = "not-seen",
    [TCPHS_HS_UNANSWERED]        = "unanswered",
    [TCPHS_HS_INCOMPLETE]        = "incomplete",
    [TCPHS_HS_COMPLETE]          = "complete",
    [TCPHS_HS_REFUSED]           = "refused",
    [TCPHS_HS_ABORTED]           = "aborted",
    [TCPHS_HS_INVALID]           = "invalid",
    [TCPHS_HS_SIMULTANEOUS_OPEN] = "simultaneous-open",
};

static const char *const close_initiator_words[TCPHS_CLOSE_BY_COUNT] = {
    [TCPHS_CLOSE_BY_NONE]   = "none",
    [TCPHS_CLOSE_BY_CLIENT] = "client",
    [TCPHS_CLOSE_BY_SERVER] = "server",
    [TCPHS_CLOSE_BY_BOTH]   = "both",
};

static const char *const close_kind_words[TCPHS_CLOSE_KIND_COUNT] = {
    [TCPHS_CLOSE_NONE]     = "none",
    [TCPHS_CLOSE_GRACEFUL] = "graceful",
    [TCPHS_CLOSE_HALF]     = "half",
    [TCPHS_CLOSE_RESET]    = "reset",
};

/* RFC 9293, 3.3.2 spells the states in capitals with hyphens. */
static const char *const state_words[TCPHS_STATE_COUNT] = {
    [TCPHS_STATE_UNKNOWN]      = "unknown",
    [TCPHS_STATE_CLOSED]       = "CLOSED",
    [TCPHS_STATE_LISTEN]       = "LISTEN",
    [TCPHS_STATE_SYN_SENT]     = "SYN-SENT",
    [TCPHS_STATE_SYN_RECEIVED] = "SYN-RECEIVED",
    [TCPHS_STATE_ESTABLISHED]  = "ESTABLISHED",
    [TCPHS_STATE_FIN_WAIT_1]   = "FIN-WAIT-1",
    [TCPHS_STATE_FIN_WAIT_2]   = "FIN-WAIT-2",
    [TCPHS_STATE_CLOSE_WAIT]   = "CLOSE-WAIT",
    [TCPHS_STATE_CLOSING]      = "CLOSING",
    [TCPHS_STATE_LAST_ACK]     = "LAST-ACK",
    [TCPHS_STATE_TIME_WAIT]    = "TIME-WAIT",
};

/* Zeek's conn_state codes and their meaning, worded as in Zeek's
 * base/protocols/conn/main.zeek (originator = client, responder = server). */
static const struct {
    const char *code;
    const char *description;
} zeek_conn_states[] = {
    { "S0",     "connection attempt seen, no reply" },
    { "S1",     "connection established, not terminated" },
    { "SF",     "normal establishment and termination" },
    { "REJ",    "connection attempt rejected" },
    { "S2",     "established, close attempt by originator seen (but no reply from responder)" },
    { "S3",     "established, close attempt by responder seen (but no reply from originator)" },
    { "RSTO",   "connection established, originator aborted (sent a RST)" },
    { "RSTR",   "responder sent a RST" },
    { "RSTOS0", "originator sent a SYN followed by a RST, never saw a SYN-ACK from the responder" },
    { "RSTRH",  "responder sent a SYN ACK followed by a RST, never saw a SYN from the originator" },
    { "SH",     "originator sent a SYN followed by a FIN, never saw a SYN ACK from the responder" },
    { "SHR",    "responder sent a SYN ACK followed by a FIN, never saw a SYN from the originator" },
    { "OTH",    "no SYN seen, just midstream traffic" },
};

static const char *const ecn_mode_words[TCPHS_ECN_MODE_COUNT] = {
    [TCPHS_ECN_NONE]     = "none",
    [TCPHS_ECN_CLASSIC]  = "classic",
    [TCPHS_ECN_ACCURATE] = "accurate",
};

static const char *const round_phase_words[TCPHS_ROUND_PHASE_COUNT] = {
    [TCPHS_ROUND_PHASE_NONE]           = "none",
    [TCPHS_ROUND_LOSS_RECOVERY]        = "loss recovery",
    [TCPHS_ROUND_RECEIVER_LIMITED]     = "receiver-limited",
    [TCPHS_ROUND_SLOW_START]           = "slow start",
    [TCPHS_ROUND_CONGESTION_AVOIDANCE] = "congestion avoidance",
    [TCPHS_ROUND_SENDER_LIMITED]       = "sender-limited",
};

const char *tcphs_phase_name(tcphs_phase phase) { return WORD_AT(phase_words, phase); }
const char *tcphs_event_name(tcphs_event event) { return WORD_AT(event_words, event); }
const char *tcphs_side_name(tcphs_side side) { return WORD_AT(side_words, side); }
const char *tcphs_hs_verdict_name(tcphs_hs_verdict verdict) { return WORD_AT(hs_verdict_words, verdict); }

void tcphs_record_title(char *buf, size_t size, tcphs_phase phase, tcphs_event event, tcphs_side from)
{
    const char *phase_word = tcphs_phase_name(phase);
    const char *event_word = tcphs_event_name(event);

    if (strcmp(phase_word, event_word) == 0)
        snprintf(buf, size, "%s from %s", event_word, tcphs_side_name(from));
    else
        snprintf(buf, size, "%s, %s from %s", phase_word, event_word, tcphs_side_name(from));
}

const char *tcphs_close_initiator_name(tcphs_close_initiator initiator)
{
    return WORD_AT(close_initiator_words, initiator);
}

const char *tcphs_direction_name(tcphs_side from)
{
    return from == TCPHS_SIDE_CLIENT ? "client " TCPHS_ARROW " server" : "server " TCPHS_ARROW " client";
}

const char *tcphs_close_kind_name(tcphs_close_kind kind) { return WORD_AT(close_kind_words, kind); }

const char *tcphs_state_name(tcphs_state state) { return WORD_AT(state_words, state); }

const char *tcphs_zeek_conn_state_description(const char *code)
{
    for (size_t i = 0; code && i < sizeof(zeek_conn_states) / sizeof(zeek_conn_states[0]); i++) {
        if (strcmp(zeek_conn_states[i].code, code) == 0)
            return zeek_conn_states[i].description;
    }
    return NULL;
}

const char *tcphs_ecn_mode_name(tcphs_ecn_mode mode) { return WORD_AT(ecn_mode_words, mode); }

const char *tcphs_round_phase_name(tcphs_round_phase phase) { return WORD_AT(round_phase_words, phase); }
