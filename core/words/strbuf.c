/* strbuf.c: the bounded string builder (strbuf.h). */
#include "core/words/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tcphs_strbuf_init(tcphs_strbuf *sb, char *buf, size_t size)
{
    sb->buf = buf;
    sb->size = size;
    sb->len = 0;
    sb->truncated = size == 0;
    if (size > 0)
        buf[0] = '\0';
}

/* After vsnprintf wrote n characters (or wanted to): keep what fits. */
static void advance(tcphs_strbuf *sb, int n)
{
    if (n < 0) {
        sb->buf[sb->len] = '\0';
        sb->truncated = true;
        return;
    }
    if ((size_t)n >= sb->size - sb->len) {
        sb->len = sb->size - 1;
        sb->truncated = true;
        return;
    }
    sb->len += (size_t)n;
}

void tcphs_strbuf_appendf(tcphs_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sb->truncated)
        return;
    va_start(ap, fmt);
    n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
    va_end(ap);
    advance(sb, n);
}

void tcphs_strbuf_append(tcphs_strbuf *sb, const char *text)
{
    tcphs_strbuf_appendf(sb, "%s", text);
}

void tcphs_strbuf_separate(tcphs_strbuf *sb, const char *separator)
{
    if (sb->len > 0)
        tcphs_strbuf_append(sb, separator);
}
