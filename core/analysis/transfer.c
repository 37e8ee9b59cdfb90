/* transfer.c: ACK matching, RTT samples (Karn's rule), the RFC 6298
 * estimator, windows in bytes (RFC 7323) and throughput of a connection,
 * fed segment by segment in capture order. */
#include "core/analysis/transfer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

_Static_assert(sizeof(tcphs_xfer) <= 32, "a slot is kept for every acknowledged segment");
_Static_assert(TCPHS_XFER_LATE_CLOCK < (1u << 8), "tcphs_xfer.flags has 8 bits");

/* First sizes of the slot table and of an in-flight queue.  Small: most
 * connections of a SYN flood or a port scan write one slot (the SYN's,
 * answered by the SYN-ACK) and queue one segment.  The queue doubles; the
 * slot table, which lives as long as its connection, grows by half (2, 3,
 * 4, 6, 9, ...): a short request/response connection writes six slots (SYN,
 * SYN-ACK, request, response, two FINs) and doubling would leave it eight. */
#define SLOTS_INITIAL 2u
#define QUEUE_INITIAL 1u

/* ---- windows, RFC 7323 ------------------------------------------------------- */

static uint8_t shift_byte(int offered)
{
    /* RFC 7323 2.3: a shift above 14 is used as 14 (and logged). */
    if (offered > TCPHS_WSCALE_MAX)
        return TCPHS_WSCALE_KNOWN | TCPHS_WSCALE_CLAMPED | TCPHS_WSCALE_MAX;
    return (uint8_t)(TCPHS_WSCALE_KNOWN | offered);
}

uint8_t tcphs_wscale_for(bool is_syn, bool from_server, int offer_from, int offer_peer)
{
    /* RFC 7323 2.2: the window of a SYN or SYN-ACK is never scaled. */
    if (is_syn)
        return TCPHS_WSCALE_KNOWN;
    /* Scaling is on only when both sides offered it; a side seen without
     * the option settles it: off. */
    if (offer_from == TCPHS_WS_NONE || offer_peer == TCPHS_WS_NONE)
        return TCPHS_WSCALE_KNOWN;
    if (offer_from >= 0 && offer_peer >= 0)
        return shift_byte(offer_from);
    /* A SYN-ACK may carry the option only if the SYN did (RFC 7323 2.2):
     * the server's offer alone proves scaling on, and its shift. */
    if (from_server && offer_from >= 0)
        return shift_byte(offer_from);
    return 0;    /* unknown: the handshake was not captured */
}

bool tcphs_window_bytes(uint16_t raw_window, uint8_t wscale, uint32_t *bytes)
{
    if (!(wscale & TCPHS_WSCALE_KNOWN))
        return false;
    *bytes = (uint32_t)raw_window << (wscale & TCPHS_WSCALE_SHIFT_MASK);
    return true;
}

/* ---- the estimator, RFC 6298 section 2 ----------------------------------------- */

/* n / d rounded to the nearest integer, halves up (d > 0). */
static int64_t div_round(int64_t n, int64_t d)
{
    int64_t q = n / d, r = n % d;

    if (r < 0) {            /* C truncates toward zero: make it a floor */
        q--;
        r += d;
    }
    return 2 * r >= d ? q + 1 : q;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

tcphs_rtt_estimate tcphs_rtt_after(const tcphs_rtt_estimate *before, bool first, int64_t r_ns)
{
    tcphs_rtt_estimate after;

    if (first) {
        /* 2.2: SRTT <- R, RTTVAR <- R/2 */
        after.srtt_ns = r_ns;
        after.rttvar_ns = div_round(r_ns, 2);
        return after;
    }
    /* 2.3, alpha = 1/8, beta = 1/4, RTTVAR first (it uses the old SRTT):
     * RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|  =  RTTVAR + (|SRTT - R'| - RTTVAR) / 4
     * SRTT   <- 7/8 SRTT + 1/8 R'             =  SRTT + (R' - SRTT) / 8
     * (the second forms cannot overflow). */
    after.rttvar_ns = before->rttvar_ns + div_round(abs64(before->srtt_ns - r_ns) - before->rttvar_ns, 4);
    after.srtt_ns = before->srtt_ns + div_round(r_ns - before->srtt_ns, 8);
    return after;
}

int64_t tcphs_rto(const tcphs_rtt_estimate *est)
{
    /* 2.3: RTO = SRTT + max(G, K * RTTVAR), K = 4, G taken as 0. */
    if (est->rttvar_ns > (INT64_MAX - est->srtt_ns) / 4)
        return INT64_MAX;
    return est->srtt_ns + 4 * est->rttvar_ns;
}

bool tcphs_xfer_estimate(const tcphs_xfer *x, tcphs_rtt_estimate *after)
{
    tcphs_rtt_estimate before;

    if (!x || !(x->flags & TCPHS_XFER_ESTIMATE))
        return false;
    before.srtt_ns = x->srtt_before_ns;
    before.rttvar_ns = x->rttvar_before_ns;
    *after = tcphs_rtt_after(&before, (x->flags & TCPHS_XFER_FIRST) != 0, x->ack_delay_ns);
    return true;
}

/* ---- the slot table and the in-flight queues ---------------------------------- */

/* Slot numbers are handed out when a segment is read, but a slot's memory
 * is only taken when something is written into it (its ACK arrived): a SYN
 * flood, whose SYNs are never answered, costs no slots.  Numbers above the
 * slots written so far read as empty. */
static uint32_t new_slot(tcphs_transfer *t)
{
    if (t->slot_count == UINT32_MAX)
        return 0;
    return ++t->slot_count;
}

/* Slot `slot` for writing; NULL when memory ran out.  The table grows by
 * half, but only the slots up to the one written are cleared: the rest of a
 * large table stays untouched memory, which the system does not provide
 * until it is written (a 1M-segment connection would otherwise pay for up
 * to twice its slots). */
static tcphs_xfer *slot_for_writing(tcphs_transfer *t, uint32_t slot)
{
    if (slot > t->slot_capacity) {
        uint32_t capacity = t->slot_capacity ? t->slot_capacity : SLOTS_INITIAL;
        tcphs_xfer *slots;

        while (capacity < slot && capacity <= UINT32_MAX / 2)
            capacity += capacity / 2;
        if (capacity < slot)
            capacity = slot;
        slots = g_try_renew(tcphs_xfer, t->slots, capacity);
        if (!slots)
            return NULL;
        t->slots = slots;
        t->slot_capacity = capacity;
    }
    if (slot > t->slot_cleared) {
        memset(t->slots + t->slot_cleared, 0, (size_t)(slot - t->slot_cleared) * sizeof(*t->slots));
        t->slot_cleared = slot;
    }
    return &t->slots[slot - 1];
}

const tcphs_xfer *tcphs_transfer_slot(const tcphs_transfer *t, uint32_t slot)
{
    if (!t || slot == 0 || slot > t->slot_cleared)
        return NULL;
    return &t->slots[slot - 1];
}

static void enqueue(tcphs_flow *flow, const tcphs_inflight *entry)
{
    if (flow->queued == flow->capacity) {
        uint32_t capacity = flow->capacity ? flow->capacity * 2 : QUEUE_INITIAL;
        tcphs_inflight *queue;

        if (capacity > TCPHS_INFLIGHT_MAX)
            capacity = TCPHS_INFLIGHT_MAX;
        if (capacity == flow->capacity ||
            (queue = g_try_renew(tcphs_inflight, flow->queue, capacity)) == NULL) {
            if (flow->queued == 0)
                return;
            /* Full: forget the oldest, which then never gets an answer. */
            memmove(flow->queue, flow->queue + 1, (flow->queued - 1) * sizeof(*flow->queue));
            flow->queued--;
            flow->forgotten++;
        } else {
            flow->queue = queue;
            flow->capacity = capacity;
        }
    }
    flow->queue[flow->queued++] = *entry;
}

static void release_queue_if_empty(tcphs_flow *flow)
{
    if (flow->queued == 0 && flow->queue) {
        g_free(flow->queue);
        flow->queue = NULL;
        flow->capacity = 0;
    }
}

/* Karn's rule (RFC 6298 section 3): bytes sent again make the ACK
 * ambiguous, for the copies waiting for it and for the new copy. */
static void mark_resent(tcphs_flow *flow, uint32_t seq, uint32_t end)
{
    for (uint32_t i = 0; i < flow->queued; i++) {
        tcphs_inflight *e = &flow->queue[i];

        if (tcphs_seq_lt(e->seq, end) && tcphs_seq_lt(seq, e->end))
            e->flags |= TCPHS_XFER_RESENT;
    }
}

/* A segment that occupies sequence space (RFC 9293, 3.4: SYN and FIN count
 * one each): give it a slot and queue it for its ACK. */
static uint32_t on_sent(tcphs_transfer *t, tcphs_flow *flow, const tcphs_segment *seg, uint32_t space,
                        bool *starts_behind)
{
    bool syn = (seg->flags & TCPHS_SYN) != 0;
    uint32_t end = seg->seq + space;
    uint32_t slot = new_slot(t);
    tcphs_inflight entry;

    if (slot == 0)
        return 0;
    memset(&entry, 0, sizeof(entry));
    *starts_behind = flow->sent_known && tcphs_seq_lt(seg->seq, flow->snd_max);
    if (tcphs_segment_has(seg, TCPHS_RETRANSMISSION) || *starts_behind) {
        entry.flags |= TCPHS_XFER_REPEAT;
        if (flow->sent_known)
            mark_resent(flow, seg->seq, tcphs_seq_lt(end, flow->snd_max) ? end : flow->snd_max);
    }
    if (!flow->sent_known || tcphs_seq_gt(end, flow->snd_max))
        flow->snd_max = end;
    flow->sent_known = 1;

    /* Payload: the bytes the throughput counts (a SYN's data, RFC 7413,
     * belongs to the handshake and feeds neither the estimator nor it). */
    if (seg->len > 0 && !syn) {
        uint32_t payload_end = seg->seq + seg->len;

        if (!flow->payload_seen || tcphs_seq_gt(payload_end, flow->payload_end))
            flow->payload_segments++;
        if (!flow->payload_seen) {
            flow->payload_seen = 1;
            flow->first_payload_seq = seg->seq;
            flow->first_payload_frame = seg->frame;
            flow->first_payload_ns = seg->time_ns;
            flow->acked_payload_end = seg->seq;
            flow->payload_end = payload_end;
        } else if (tcphs_seq_gt(payload_end, flow->payload_end)) {
            flow->payload_end = payload_end;
        }
    }

    entry.sent_ns = seg->time_ns;
    entry.slot = slot;
    entry.seq = seg->seq;
    entry.end = end;
    entry.payload = syn ? 0 : seg->len;
    enqueue(flow, &entry);
    return slot;
}

/* The peer's sample r of this segment feeds the sender's estimator. */
static void take_sample(tcphs_flow *flow, tcphs_xfer *x)
{
    tcphs_rtt_estimate after;

    x->flags |= TCPHS_XFER_ESTIMATE;
    if (!flow->est_known)
        x->flags |= TCPHS_XFER_FIRST;
    x->srtt_before_ns = flow->est.srtt_ns;
    x->rttvar_before_ns = flow->est.rttvar_ns;
    after = tcphs_rtt_after(&flow->est, !flow->est_known, x->ack_delay_ns);
    flow->est = after;
    flow->est_known = 1;
}

/* An ACK for the data of `flow` (the other side's): every queued segment
 * whose last sequence number it covers is answered, in the order they were
 * sent.  Returns how many payload segments it covered for the first time. */
static uint32_t on_ack(tcphs_transfer *t, tcphs_flow *flow, const tcphs_segment *seg)
{
    uint32_t ack = seg->ack;
    /* An ack above everything captured answers data the capture missed:
     * it may answer those, so it gives no RTT sample. */
    bool beyond = flow->sent_known && tcphs_seq_gt(ack, flow->snd_max);
    uint32_t covered = 0, kept = 0;

    for (uint32_t i = 0; i < flow->queued; i++) {
        const tcphs_inflight *e = &flow->queue[i];
        tcphs_xfer *x;

        if (!tcphs_seq_le(e->end, ack)) {
            flow->queue[kept++] = *e;
            continue;
        }
        if ((x = slot_for_writing(t, e->slot)) == NULL)
            continue;       /* out of memory: no answer rather than a wrong one */
        x->flags |= TCPHS_XFER_ACKED | e->flags;
        x->acked_in = seg->frame;
        x->ack_beyond = ack - e->end < TCPHS_ACK_BEYOND_FAR ? ack - e->end : TCPHS_ACK_BEYOND_FAR;
        x->ack_delay_ns = seg->time_ns - e->sent_ns;
        if (beyond)
            x->flags |= TCPHS_XFER_BEYOND;
        if (x->ack_delay_ns < 0)
            x->flags |= TCPHS_XFER_LATE_CLOCK;
        if (!(x->flags & (TCPHS_XFER_REPEAT | TCPHS_XFER_RESENT | TCPHS_XFER_BEYOND | TCPHS_XFER_LATE_CLOCK))) {
            x->flags |= TCPHS_XFER_RTT;
            if (e->payload > 0)
                take_sample(flow, x);
        }
        if (e->payload > 0 && !(x->flags & TCPHS_XFER_REPEAT))
            covered++;
    }
    flow->queued = kept;
    release_queue_if_empty(flow);

    if (!flow->una_known || tcphs_seq_gt(ack, flow->una)) {
        flow->una = ack;
        flow->una_known = 1;
        /* Throughput: acknowledged payload, each byte once (by sequence
         * number), and when the last of it was first acknowledged. */
        if (flow->payload_seen) {
            uint32_t acked_end = tcphs_seq_gt(ack, flow->payload_end) ? flow->payload_end : ack;

            if (tcphs_seq_gt(acked_end, flow->acked_payload_end)) {
                flow->acked_payload_bytes += acked_end - flow->acked_payload_end;
                flow->acked_payload_end = acked_end;
                flow->acked_payload_ns = seg->time_ns;
                flow->payload_acked = 1;
                flow->payload_acks++;
            }
        }
    }
    return covered;
}

tcphs_transfer_result tcphs_transfer_update(tcphs_transfer *t, int side, const tcphs_segment *seg)
{
    tcphs_flow *own = &t->flow[side ? 1 : 0];
    tcphs_flow *peer = &t->flow[side ? 0 : 1];
    tcphs_transfer_result result = { 0, 0, false };
    uint32_t space = 0;

    /* A RST occupies no sequence space and is never acknowledged (RFC 9293, 3.10.7). */
    if (!(seg->flags & TCPHS_RST))
        space = seg->len + ((seg->flags & TCPHS_SYN) ? 1 : 0) + ((seg->flags & TCPHS_FIN) ? 1 : 0);
    if (space > 0)
        result.slot = on_sent(t, own, seg, space, &result.starts_behind);
    if ((seg->flags & TCPHS_ACK) && tcphs_segment_has(seg, TCPHS_HAVE_ACK))
        result.acks_segments = on_ack(t, peer, seg);
    return result;
}

bool tcphs_transfer_throughput_facts(const tcphs_transfer *t, int side, tcphs_throughput_facts *facts)
{
    const tcphs_flow *flow;

    if (!t)
        return false;
    flow = &t->flow[side ? 1 : 0];
    if (!flow->payload_acked)
        return false;
    facts->bytes = flow->acked_payload_bytes;
    facts->ns = flow->acked_payload_ns - flow->first_payload_ns;
    facts->segments = flow->payload_segments;
    facts->acks = flow->payload_acks;
    return true;
}

bool tcphs_throughput_too_short(const tcphs_throughput_facts *facts)
{
    return facts->acks < 2 || facts->ns <= 0;
}

bool tcphs_transfer_throughput(const tcphs_transfer *t, int side, uint64_t *bytes, int64_t *ns)
{
    tcphs_throughput_facts facts;

    if (!tcphs_transfer_throughput_facts(t, side, &facts) || tcphs_throughput_too_short(&facts))
        return false;
    *bytes = facts.bytes;
    *ns = facts.ns;
    return true;
}

bool tcphs_xfer_ack(const tcphs_xfer *x, uint32_t end, uint32_t *ack)
{
    if (!x || !(x->flags & TCPHS_XFER_ACKED) || x->ack_beyond >= TCPHS_ACK_BEYOND_FAR)
        return false;
    *ack = end + x->ack_beyond;
    return true;
}

void tcphs_transfer_free(tcphs_transfer *t)
{
    for (int i = 0; i < 2; i++) {
        g_free(t->flow[i].queue);
        t->flow[i].queue = NULL;
        t->flow[i].queued = t->flow[i].capacity = 0;
    }
    g_free(t->slots);
    t->slots = NULL;
    t->slot_count = t->slot_capacity = t->slot_cleared = 0;
}
