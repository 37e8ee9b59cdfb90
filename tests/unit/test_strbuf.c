/* test_strbuf.c: the bounded string builder (core/strbuf.c) that notes,
 * reports and tables share: what fits is kept, a cut is remembered, and
 * nothing is written past the buffer. */
#include "check.h"
#include "core/words/strbuf.h"

static void test_appends_and_lists(void)
{
    char buf[32];
    tcphs_strbuf sb;

    tcphs_strbuf_init(&sb, buf, sizeof(buf));
    CHECK(tcphs_strbuf_empty(&sb));
    CHECK_STR(buf, "");
    tcphs_strbuf_separate(&sb, ", ");          /* nothing before the first item */
    tcphs_strbuf_append(&sb, "SYN");
    tcphs_strbuf_separate(&sb, ", ");
    tcphs_strbuf_appendf(&sb, "WS=%u", 128u);
    CHECK_STR(buf, "SYN, WS=128");
    CHECK_INT(sb.len, 11);
    CHECK(!sb.truncated);
}

/* A text that does not fit is cut at the buffer's end; later appends,
 * even short ones that would fit, are dropped so no gap is papered over. */
static void test_cut_is_kept_and_marked(void)
{
    char buf[8 + 1];
    char guard = 'G';
    tcphs_strbuf sb;

    tcphs_strbuf_init(&sb, buf, 8);
    buf[8] = guard;
    tcphs_strbuf_append(&sb, "1234");
    tcphs_strbuf_appendf(&sb, "%s", "56789");
    CHECK_STR(buf, "1234567");
    CHECK(sb.truncated);
    CHECK_INT(sb.len, 7);
    tcphs_strbuf_append(&sb, "");
    tcphs_strbuf_append(&sb, "x");
    CHECK_STR(buf, "1234567");
    CHECK_INT(buf[8], guard);
}

/* Exactly full is not a cut; one more character is. */
static void test_exact_fit(void)
{
    char buf[4];
    tcphs_strbuf sb;

    tcphs_strbuf_init(&sb, buf, sizeof(buf));
    tcphs_strbuf_append(&sb, "abc");
    CHECK_STR(buf, "abc");
    CHECK(!sb.truncated);
    tcphs_strbuf_append(&sb, "");
    CHECK(!sb.truncated);
    tcphs_strbuf_append(&sb, "d");
    CHECK(sb.truncated);
    CHECK_STR(buf, "abc");
}

static void test_tiny_buffers(void)
{
    char one[1] = { 'z' };
    char none[1] = { 'z' };
    tcphs_strbuf sb;

    tcphs_strbuf_init(&sb, one, sizeof(one));
    tcphs_strbuf_append(&sb, "a");
    CHECK_INT(one[0], '\0');
    CHECK(sb.truncated);

    tcphs_strbuf_init(&sb, none, 0);         /* size 0: nothing may be written */
    tcphs_strbuf_append(&sb, "a");
    CHECK_INT(none[0], 'z');
    CHECK(sb.truncated);
}

int main(void)
{
    test_appends_and_lists();
    test_cut_is_kept_and_marked();
    test_exact_fit();
    test_tiny_buffers();
    return check_failures() != 0;
}
