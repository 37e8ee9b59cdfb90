/* strbuf.h: the one bounded string builder of tcphs.
 *
 * Notes, reports and tables build their text by appending to a caller's
 * fixed buffer.  An append that does not fit is cut at the buffer's end
 * (the text stays NUL-terminated), the builder remembers that it cut, and
 * every later append is ignored: text is never written past the buffer and
 * never resumes after a gap.
 */
#ifndef TCPHS_STRBUF_H
#define TCPHS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char  *buf;
    size_t size;        /* bytes of buf, NUL included */
    size_t len;         /* characters written, always < size when size > 0 */
    bool   truncated;   /* an append was cut or dropped */
} tcphs_strbuf;

/* Start an empty text in buf (size bytes; size 0 makes every append a cut). */
void tcphs_strbuf_init(tcphs_strbuf *sb, char *buf, size_t size);

void tcphs_strbuf_append(tcphs_strbuf *sb, const char *text);

void tcphs_strbuf_appendf(tcphs_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append separator unless the text is still empty: what goes before each
 * item of a list such as "SYN, ACK" or "WS,SACK,TS". */
void tcphs_strbuf_separate(tcphs_strbuf *sb, const char *separator);

static inline bool tcphs_strbuf_empty(const tcphs_strbuf *sb)
{
    return sb->len == 0;
}

#endif /* TCPHS_STRBUF_H */
