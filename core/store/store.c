/* store.c: the connections and records of one capture file (store.h). */
#include "core/store/store.h"

#include <string.h>

#include <glib.h>

/* A connection stays packed for this many segments: a SYN and its SYN-ACK
 * or RST, the whole of a half-open connection. */
#define PACKED_MAX 2u

/* A segment of a packed connection: what tcphs_conn_update() reads of it,
 * except the endpoints (the connection keeps them once) and the frame
 * number (the slot is the frame's).  Four-byte members only: it shares its
 * frame's slot with a tcphs_record, which it must not make larger. */
typedef struct {
    uint32_t stream;
    uint32_t time_lo, time_hi;   /* time_ns in two halves */
    uint32_t seq, ack, len, have;
    uint16_t flags, window, mss;
    uint8_t  wscale;
    uint8_t  reversed;           /* sent by the first segment's destination */
} packed_segment;

typedef union {
    tcphs_record record;
    packed_segment packed;
} frame_slot;

_Static_assert(sizeof(frame_slot) == sizeof(tcphs_record), "a packed segment fits in a record's slot");

/* SLOT_DEFERRED: a segment kept as it was read, not analysed yet
 * (tcphs_store_defer()); packed like a packed connection's segments. */
enum { SLOT_EMPTY = 0, SLOT_RECORD, SLOT_PACKED, SLOT_DEFERRED };

/* Frame slots in pages by frame number, a page made when one of its frames
 * has a TCP layer: 49 bytes a frame, where a record apart and a pointer to
 * it would take 56 plus the allocator's rounding. */
#define FRAME_PAGE 1024u
typedef struct {
    frame_slot slot[FRAME_PAGE];
    uint8_t kind[FRAME_PAGE];    /* SLOT_* */
} frame_page;

/* A connection in its first segments. */
typedef struct {
    tcphs_endpoint src, dst;     /* the first segment's */
    uint32_t frame[PACKED_MAX];  /* its segments' frames, in capture order */
    uint32_t count;
} packed_conn;

/* A whole connection, and the endpoints of its first segment (which its
 * deferred segments are packed against). */
typedef struct {
    tcphs_conn conn;             /* first member: the store's tcphs_conn * is a whole_conn * */
    tcphs_endpoint src, dst;
} whole_conn;

/* Connections in pages of CONN_PAGE by stream number: Wireshark numbers
 * streams 0, 1, 2, ... as it meets them, so a page fills up; a hash map's
 * item and buckets would cost every connection ~60 bytes more. */
#define CONN_PAGE 128u
typedef struct {
    void *entry[CONN_PAGE];          /* whole_conn * or packed_conn *; NULL: none yet */
    uint8_t whole[CONN_PAGE / 8];    /* bit i: entry i is a whole_conn */
} conn_page;

/* The packed connection replayed last, and its records. */
typedef struct {
    whole_conn c;
    bool valid;
    uint32_t count;              /* segments replayed into c */
    tcphs_record rec[PACKED_MAX];
} scratch_conn;

/* Pages by number, each made when first needed. */
typedef struct {
    void **pages;                /* NULL: page not made yet */
    uint32_t count;              /* entries in pages */
} page_directory;

struct tcphs_store {
    page_directory conn_pages;   /* conn_page */
    page_directory frame_pages;  /* frame_page */
    scratch_conn scratch;
    tcphs_record later_layer;    /* a later layer's record, until the caller copies it */
    uint32_t packed, whole;      /* connections of each kind */
    uint32_t analysed_to;        /* every frame up to this one is analysed */
    uint32_t deferred_to;        /* the last frame with a deferred segment */
};

/* ---- pages ---------------------------------------------------------------- */

/* The directory with room for page `page`: doubled as needed, the new
 * entries NULL.  False when memory ran out. */
static bool with_page_slot(page_directory *dir, uint32_t page)
{
    uint32_t grown = dir->count ? dir->count : 64;
    void **bigger;

    if (page < dir->count)
        return true;
    while (grown <= page && grown <= UINT32_MAX / 2)
        grown *= 2;
    if (grown <= page)
        return false;
    bigger = g_try_renew(void *, dir->pages, grown);
    if (!bigger)
        return false;
    memset(bigger + dir->count, 0, (size_t)(grown - dir->count) * sizeof(*bigger));
    dir->pages = bigger;
    dir->count = grown;
    return true;
}

/* Page `page` of the directory, zeroed when made (create); NULL when it
 * was not made or memory ran out. */
static void *page_in(page_directory *dir, uint32_t page, size_t size, bool create)
{
    if (page >= dir->count || !dir->pages[page]) {
        if (!create || !with_page_slot(dir, page))
            return NULL;
        dir->pages[page] = g_try_malloc0(size);
    }
    return dir->pages[page];
}

static void free_pages(page_directory *dir)
{
    for (uint32_t page = 0; page < dir->count; page++)
        g_free(dir->pages[page]);
    g_free(dir->pages);
}

static frame_page *frame_page_of(tcphs_store *store, uint32_t frame, bool create)
{
    return (frame_page *)page_in(&store->frame_pages, frame / FRAME_PAGE, sizeof(frame_page), create);
}

static conn_page *conn_page_of(tcphs_store *store, uint32_t stream, bool create)
{
    return (conn_page *)page_in(&store->conn_pages, stream / CONN_PAGE, sizeof(conn_page), create);
}

static bool is_whole(const conn_page *page, uint32_t i)
{
    return (page->whole[i / 8] & (1u << (i % 8))) != 0;
}

/* ---- packed segments ------------------------------------------------------ */

static bool same_pair(const packed_conn *p, const tcphs_segment *seg)
{
    return (tcphs_endpoint_equal(&seg->src, &p->src) && tcphs_endpoint_equal(&seg->dst, &p->dst)) ||
           (tcphs_endpoint_equal(&seg->src, &p->dst) && tcphs_endpoint_equal(&seg->dst, &p->src));
}

/* A segment packed against the endpoints of its stream's first segment
 * (first_src): which way it went is one bit. */
static void pack(packed_segment *out, const tcphs_segment *seg, const tcphs_endpoint *first_src)
{
    uint64_t ns = (uint64_t)seg->time_ns;

    memset(out, 0, sizeof(*out));
    out->stream = seg->stream;
    out->time_lo = (uint32_t)ns;
    out->time_hi = (uint32_t)(ns >> 32);
    out->seq = seg->seq;
    out->ack = seg->ack;
    out->len = seg->len;
    out->have = seg->have;
    out->flags = seg->flags;
    out->window = seg->window;
    out->mss = seg->mss;
    out->wscale = seg->wscale;
    out->reversed = !tcphs_endpoint_equal(&seg->src, first_src);
}

static void unpack(tcphs_segment *seg, const packed_segment *in, uint32_t frame, const tcphs_endpoint *first_src,
                   const tcphs_endpoint *first_dst)
{
    memset(seg, 0, sizeof(*seg));
    seg->frame = frame;
    seg->time_ns = (int64_t)(((uint64_t)in->time_hi << 32) | in->time_lo);
    seg->stream = in->stream;
    seg->src = in->reversed ? *first_dst : *first_src;
    seg->dst = in->reversed ? *first_src : *first_dst;
    seg->seq = in->seq;
    seg->ack = in->ack;
    seg->len = in->len;
    seg->have = in->have;
    seg->flags = in->flags;
    seg->window = in->window;
    seg->mss = in->mss;
    seg->wscale = in->wscale;
}

static frame_slot *slot_of(tcphs_store *store, uint32_t frame, uint8_t **kind)
{
    frame_page *page = frame_page_of(store, frame, false);

    if (!page)
        return NULL;
    *kind = &page->kind[frame % FRAME_PAGE];
    return &page->slot[frame % FRAME_PAGE];
}

/* ---- packed connections: replay and making whole --------------------------- */

/* Segment k of packed connection p, unpacked into *seg; its frame's slot,
 * NULL if that page is missing (cannot happen: a packed segment's frame
 * has its page). */
static frame_slot *segment_of(tcphs_store *store, const packed_conn *p, uint32_t k, tcphs_segment *seg,
                              uint8_t **kind)
{
    frame_slot *slot = slot_of(store, p->frame[k], kind);

    if (slot)
        unpack(seg, &slot->packed, p->frame[k], &p->src, &p->dst);
    return slot;
}

/* The scratch connection holding p's state after all its segments. */
static scratch_conn *replayed(tcphs_store *store, uint32_t stream, const packed_conn *p)
{
    scratch_conn *s = &store->scratch;

    if (s->valid && s->c.conn.stream == stream && s->count == p->count)
        return s;
    tcphs_conn_free(&s->c.conn);
    tcphs_conn_init(&s->c.conn, stream);
    for (s->count = 0; s->count < p->count; s->count++) {
        tcphs_segment seg;
        uint8_t *kind;

        if (!segment_of(store, p, s->count, &seg, &kind))
            break;
        tcphs_conn_update(&s->c.conn, &seg, &s->rec[s->count]);
    }
    s->valid = true;
    return s;
}

/* Keep segment `seg` of packed connection p in its frame's slot. */
static const tcphs_record *keep_packed(tcphs_store *store, packed_conn *p, const tcphs_segment *seg)
{
    frame_page *page = frame_page_of(store, seg->frame, true);
    uint32_t i = seg->frame % FRAME_PAGE;
    scratch_conn *s;

    if (!page || page->kind[i] != SLOT_EMPTY)
        return NULL;
    s = replayed(store, seg->stream, p);
    if (!tcphs_conn_update(&s->c.conn, seg, &s->rec[s->count]))
        return NULL;
    pack(&page->slot[i].packed, seg, &p->src);
    page->kind[i] = SLOT_PACKED;
    p->frame[p->count++] = seg->frame;
    return &s->rec[s->count++];
}

/* Replace packed connection `stream` by a whole one, its records in its
 * frames' slots.  False when memory ran out (it then stays packed). */
static bool make_whole(tcphs_store *store, conn_page *page, uint32_t stream)
{
    uint32_t i = stream % CONN_PAGE;
    packed_conn *p = (packed_conn *)page->entry[i];
    whole_conn *w = g_try_new0(whole_conn, 1);

    if (!w)
        return false;
    tcphs_conn_init(&w->conn, stream);
    w->src = p->src;
    w->dst = p->dst;
    for (uint32_t k = 0; k < p->count; k++) {
        tcphs_segment seg;
        uint8_t *kind;
        frame_slot *slot = segment_of(store, p, k, &seg, &kind);  /* before the record takes its place */

        if (!slot)
            continue;
        tcphs_conn_update(&w->conn, &seg, &slot->record);
        *kind = SLOT_RECORD;
    }
    if (store->scratch.c.conn.stream == stream)
        store->scratch.valid = false;
    g_free(p);
    page->entry[i] = w;
    page->whole[i / 8] |= (uint8_t)(1u << (i % 8));
    store->packed--;
    store->whole++;
    return true;
}

static void *new_conn(tcphs_store *store, conn_page *page, const tcphs_segment *seg, bool packed)
{
    uint32_t i = seg->stream % CONN_PAGE;

    if (packed) {
        packed_conn *p = g_try_new0(packed_conn, 1);

        if (p) {
            p->src = seg->src;
            p->dst = seg->dst;
            store->packed++;
        }
        return page->entry[i] = p;
    } else {
        whole_conn *w = g_try_new0(whole_conn, 1);

        if (w) {
            tcphs_conn_init(&w->conn, seg->stream);
            w->src = seg->src;
            w->dst = seg->dst;
            page->whole[i / 8] |= (uint8_t)(1u << (i % 8));
            store->whole++;
        }
        return page->entry[i] = w;
    }
}

/* ---- the API ----------------------------------------------------------------- */

tcphs_store *tcphs_store_new(void)
{
    return g_try_new0(tcphs_store, 1);
}

void tcphs_store_free(tcphs_store *store)
{
    if (!store)
        return;
    for (uint32_t page = 0; page < store->conn_pages.count; page++) {
        conn_page *p = (conn_page *)store->conn_pages.pages[page];

        for (uint32_t i = 0; p && i < CONN_PAGE; i++) {
            if (p->entry[i] && is_whole(p, i)) {
                whole_conn *w = (whole_conn *)p->entry[i];

                tcphs_conn_free(&w->conn);
            }
            g_free(p->entry[i]);
        }
    }
    free_pages(&store->conn_pages);
    free_pages(&store->frame_pages);
    tcphs_conn_free(&store->scratch.c.conn);
    g_free(store);
}

/* Feed seg to whole connection w: its record goes in the frame's slot (a
 * first layer) or, for a later layer, in the store until the caller copies
 * it. */
static const tcphs_record *update_whole(tcphs_store *store, whole_conn *w, const tcphs_segment *seg,
                                        bool first_layer)
{
    frame_page *page;
    uint32_t i = seg->frame % FRAME_PAGE;

    if (!first_layer)
        return tcphs_conn_update(&w->conn, seg, &store->later_layer) ? &store->later_layer : NULL;
    page = frame_page_of(store, seg->frame, true);
    if (!page || page->kind[i] != SLOT_EMPTY)
        return NULL;
    if (!tcphs_conn_update(&w->conn, seg, &page->slot[i].record))
        return NULL;
    page->kind[i] = SLOT_RECORD;
    return &page->slot[i].record;
}

const tcphs_record *tcphs_store_update(tcphs_store *store, const tcphs_segment *seg, bool first_layer,
                                       tcphs_keep keep)
{
    conn_page *page;
    uint32_t i = seg->stream % CONN_PAGE;
    bool may_pack = first_layer && keep == TCPHS_KEEP_PACKED;

    if (!tcphs_segment_has(seg, TCPHS_HAVE_REQUIRED))
        return NULL;
    if ((page = conn_page_of(store, seg->stream, true)) == NULL)
        return NULL;
    if (!page->entry[i] && !new_conn(store, page, seg, may_pack))
        return NULL;
    if (!is_whole(page, i)) {
        packed_conn *p = (packed_conn *)page->entry[i];

        if (may_pack && p->count < PACKED_MAX && same_pair(p, seg))
            return keep_packed(store, p, seg);
        if (!make_whole(store, page, seg->stream))
            return NULL;
    }
    return update_whole(store, (whole_conn *)page->entry[i], seg, first_layer);
}

const tcphs_record *tcphs_store_record(tcphs_store *store, uint32_t frame, tcphs_keep keep)
{
    uint8_t *kind;
    frame_slot *slot = slot_of(store, frame, &kind);
    conn_page *page;
    uint32_t stream, i;
    const packed_conn *p;
    const scratch_conn *s;

    if (!slot || *kind == SLOT_EMPTY)
        return NULL;
    if (*kind == SLOT_DEFERRED) {
        tcphs_store_catch_up(store, frame, keep);
        slot = slot_of(store, frame, &kind);    /* the analysis may have made pages */
        if (!slot || *kind == SLOT_EMPTY)
            return NULL;
    }
    if (*kind == SLOT_RECORD)
        return &slot->record;
    stream = slot->packed.stream;
    i = stream % CONN_PAGE;
    if ((page = conn_page_of(store, stream, false)) == NULL || !page->entry[i] || is_whole(page, i))
        return NULL;    /* cannot happen: a packed slot's connection is packed */
    if (keep == TCPHS_KEEP_WHOLE)
        return make_whole(store, page, stream) ? &slot->record : NULL;
    p = (const packed_conn *)page->entry[i];
    s = replayed(store, stream, p);
    for (uint32_t k = 0; k < s->count; k++) {
        if (p->frame[k] == frame)
            return &s->rec[k];
    }
    return NULL;
}

/* ---- deferred segments -------------------------------------------------------- */

/* The endpoints of the first segment of the connection in entry i of
 * `page` (packed or whole), which its deferred segments are packed against. */
static void entry_endpoints(const conn_page *page, uint32_t i, const tcphs_endpoint **src,
                            const tcphs_endpoint **dst)
{
    if (is_whole(page, i)) {
        const whole_conn *w = (const whole_conn *)page->entry[i];

        *src = &w->src;
        *dst = &w->dst;
    } else {
        const packed_conn *p = (const packed_conn *)page->entry[i];

        *src = &p->src;
        *dst = &p->dst;
    }
}

bool tcphs_store_defer(tcphs_store *store, const tcphs_segment *seg)
{
    frame_page *page;
    conn_page *conns;
    uint32_t i = seg->frame % FRAME_PAGE, c = seg->stream % CONN_PAGE;
    const tcphs_endpoint *src, *dst;

    if (!tcphs_segment_has(seg, TCPHS_HAVE_REQUIRED) || seg->frame <= store->analysed_to)
        return false;
    page = frame_page_of(store, seg->frame, true);
    if (!page || page->kind[i] != SLOT_EMPTY)
        return false;
    /* The stream's first segment makes its connection (packed, with no
     * segment yet), which keeps the endpoints the others are packed against. */
    conns = conn_page_of(store, seg->stream, true);
    if (!conns || (!conns->entry[c] && !new_conn(store, conns, seg, true)))
        return false;
    entry_endpoints(conns, c, &src, &dst);
    pack(&page->slot[i].packed, seg, src);
    page->kind[i] = SLOT_DEFERRED;
    store->deferred_to = seg->frame;
    return true;
}

/* Analyse the deferred segment in `slot` of frame `frame`. */
static void analyse_deferred(tcphs_store *store, frame_slot *slot, uint8_t *kind, uint32_t frame, tcphs_keep keep)
{
    uint32_t stream = slot->packed.stream, i = stream % CONN_PAGE;
    conn_page *page = conn_page_of(store, stream, false);
    const tcphs_endpoint *src, *dst;
    tcphs_segment seg;

    *kind = SLOT_EMPTY;
    if (!page || !page->entry[i])
        return;     /* cannot happen: deferring made its connection */
    entry_endpoints(page, i, &src, &dst);
    unpack(&seg, &slot->packed, frame, src, dst);
    tcphs_store_update(store, &seg, true, keep);
}

void tcphs_store_catch_up(tcphs_store *store, uint32_t frame, tcphs_keep keep)
{
    uint32_t last = frame < store->deferred_to ? frame : store->deferred_to;

    for (uint32_t f = store->analysed_to + 1; f <= last && f != 0; f++) {
        frame_page *page = frame_page_of(store, f, false);

        if (!page) {
            f |= FRAME_PAGE - 1;    /* no TCP frame in this page: on to the next */
            continue;
        }
        if (page->kind[f % FRAME_PAGE] == SLOT_DEFERRED)
            analyse_deferred(store, &page->slot[f % FRAME_PAGE], &page->kind[f % FRAME_PAGE], f, keep);
    }
    if (frame > store->analysed_to)
        store->analysed_to = frame;
}

bool tcphs_store_has_frame(tcphs_store *store, uint32_t frame)
{
    uint8_t *kind;

    return slot_of(store, frame, &kind) && *kind != SLOT_EMPTY;
}

void tcphs_store_counts(const tcphs_store *store, uint32_t *packed, uint32_t *whole)
{
    *packed = store->packed;
    *whole = store->whole;
}
