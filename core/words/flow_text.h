/* flow_text.h: the words of the tcphs flow type, one arrow per analysed
 * segment in Wireshark's sequence analysis (Statistics > Flow Graph,
 * tshark -z flow,tcphs,standard|network): the arrow's label and the
 * comment column beside it.
 *
 * Words only (no Wireshark header, unit-tested in tests/unit/test_flow_text.c);
 * flow-tcphs.c is the glue that puts them on Wireshark's arrows.
 */
#ifndef TCPHS_FLOW_TEXT_H
#define TCPHS_FLOW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/analysis/conn.h"

/* Longest label ("syn-ack-retransmission len=4294967295") plus NUL. */
#define TCPHS_FLOW_LABEL_MAX 48

/* Longest comment, NUL included; longer text is cut, never overflows. */
#define TCPHS_FLOW_COMMENT_MAX 480

/* Between the parts of a comment: " · " (a middle dot in UTF-8). */
#define TCPHS_FLOW_SEPARATOR " \xc2\xb7 "

/* The arrow's label: the segment's tcphs.event, then its payload when it
 * carries one: "syn", "syn-ack", "data len=1448", "syn len=5" (Fast Open).
 * The label column is narrow, so nothing else. */
void tcphs_flow_label(char *buf, size_t size, const tcphs_record *rec);

/* The comment column of the arrow of `rec`, analysed in frame `frame`:
 * what the segment itself shows, known when it is first read: its ISN,
 * the ack arithmetic of a SYN-ACK or handshake ACK ("ack = x + 1 = ...
 * (correct)"), a retransmission's count, a keep-alive's seq and its
 * answer's ack, and each endpoint's RFC 9293 state
 * change ("client SYN-SENT → ESTABLISHED"), joined by TCPHS_FLOW_SEPARATOR.
 *
 * whole_capture says that every segment of the capture has been analysed
 * (two-pass tshark, the GUI).  Then what only later segments tell is added:
 * on a segment's arrow the frame of the ACK that covered it, and on the
 * first arrow of a stream the connection's verdicts ("stream 0: handshake
 * complete, SF (normal establishment and termination)").  In one pass
 * (whole_capture false) those would be guesses, and are left out. */
void tcphs_flow_comment(char *buf, size_t size, const tcphs_record *rec, uint32_t frame, bool whole_capture);

#endif /* TCPHS_FLOW_TEXT_H */
