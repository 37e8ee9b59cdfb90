/* text.h: what tcphs says in words: endpoints and the per-segment note. */
#ifndef TCPHS_TEXT_H
#define TCPHS_TEXT_H

#include <stddef.h>

#include "core/analysis/conn.h"
#include "core/words/names.h"
#include "core/words/strbuf.h"

/* Longest "[ipv6]:port" plus NUL. */
#define TCPHS_ENDPOINT_STRLEN 56

/* "192.0.2.1:80" or "[2001:db8::1]:443"; "?" for an unknown family. */
void tcphs_endpoint_format(char *buf, size_t size, const tcphs_endpoint *ep);

/* ns as a decimal number of `unit` nanoseconds with `digits` decimals
 * (digits <= 6), truncated: "0.040433" for seconds with 6 decimals. */
void tcphs_format_scaled(char *buf, size_t size, int64_t ns, uint64_t unit, int digits);

/* Seconds with six decimals, as the tables and reports write times. */
void tcphs_format_seconds(char *buf, size_t size, int64_t ns);

/* Seconds with as many decimals as the value needs, six to nine (the
 * analysis counts nanoseconds): "0.040433", "0.0202165", "0.040435375".
 * Every operand and result of a shown arithmetic line is written so: the
 * line then adds up by hand, the result rounded half up to its last digit
 * (docs/fields.md, "Arithmetic that adds up"). */
void tcphs_format_seconds_exact(char *buf, size_t size, int64_t ns);

/* Longest flag list ("FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE") plus NUL. */
#define TCPHS_FLAGS_STRLEN 48

/* TCP flags as Wireshark's Info column names them, e.g. "SYN, ACK"; "none". */
void tcphs_flags_format(char *buf, size_t size, uint16_t flags);

/* "4255483971 + 1 = 4255483972", or with the SYN's accepted data
 * "1000 + 1 + 20 = 1021" (extra > 0); a sum past 2^32 says where sequence
 * numbers wrap (RFC 9293, 3.4): "4294967295 + 1 − 2^32 = 0". */
void tcphs_isn_sum(tcphs_strbuf *out, uint32_t isn, uint32_t extra);

/* For a SYN-ACK or handshake ACK whose ack check passed: the arithmetic of
 * its ack, "ack = x + 1 = 4255483971 + 1 = 4255483972 (correct)", or with the
 * peer's SYN data (RFC 7413) counted or said to be refused. */
void tcphs_ack_arithmetic(tcphs_strbuf *out, const tcphs_record *rec);

/* A rate in bytes per second, SI prefixes (1 kB = 1000 bytes) with one
 * decimal, then in bits per second with three significant digits:
 * "605.2 kB/s (4.84 Mbit/s)". */
void tcphs_rate_format(char *buf, size_t size, double bytes_per_s);

/* A side's throughput for the tree and the report: its rate
 * (tcphs_rate_format), or, when it is too short for one
 * (tcphs_throughput_too_short()), why: "85 bytes, one segment: too short
 * for a throughput", "57 bytes in 2 segments, acknowledged by one ACK: too
 * short for a throughput". */
void tcphs_throughput_text(char *buf, size_t size, const tcphs_throughput_facts *facts);

/* Longest note, NUL included; longer text is cut, never overflows. */
#define TCPHS_NOTE_MAX 320

/* One plain-English sentence for a student about this segment, with the
 * arithmetic and the roles (tcphs.note).  Writes at most size bytes.
 * client_text / server_text are the connection's endpoints as
 * tcphs_endpoint_format() writes them, when the caller keeps them; NULL has
 * them formatted here. */
void tcphs_note(char *buf, size_t size, const tcphs_record *rec, const char *client_text,
                const char *server_text);

#endif /* TCPHS_TEXT_H */
