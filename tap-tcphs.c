/* tap-tcphs.c
 * Statistics and reports of TCP Handshake Analysis, fed by the "tcphs" tap
 * (one tcphs_record per analysed TCP segment):
 *
 *   tshark -q -z tcphs,tree            and the GUI's Statistics menu (stats_tree)
 *   tshark -q -z tcphs,conns[,csv]     one row per TCP stream
 *   tshark -q -z tcphs,report[,STREAM|,FILTER] a Markdown lab report per stream
 *
 * Connection verdicts are counted once per connection with the value they
 * have when the statistic is drawn: a connection whose verdict changes while
 * a one-pass tshark reads on is moved from its old node to the new one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include <stdio.h>
#include <stdlib.h>

#include "packet-tcphs.h"
#include "tap-tcphs.h"
#include "plugin/feed.h"
#include "plugin/ws-compat.h"
#include "core/analysis/conn.h"
#include "core/words/report.h"
#include "core/words/names.h"

/* ---- the statistics tree ----------------------------------------------------------- */

static const char *const st_connections = "Connections";
static const char *const st_handshake = "Handshake state";
static const char *const st_close = "Close initiator";
static const char *const st_zeek = "Zeek conn_state";
/* iRTT buckets by decade, in microseconds: a loopback handshake takes
 * microseconds, a LAN one about a millisecond, an Internet one tens to
 * hundreds of milliseconds (0-99 is below 100 us, 1000-9999 is 1 to 10 ms,
 * 1000000- is a second or more).  A range node keeps the buckets in order. */
static const char *const st_irtt = "Initial RTT (microseconds)";
static const char *const st_final_client = "Final state (client)";
static const char *const st_final_server = "Final state (server)";
static const char *const st_segments = "Segments";
static const char *const st_phase = "Phase";
static const char *const st_event = "Event";

/* The verdicts last counted for a connection. */
typedef struct {
    const char *handshake;
    const char *close;
    const char *zeek;
    const char *final_state[2];  /* RFC 9293 state of each side after its last segment so far */
    gboolean irtt_counted;
} counted_conn;

/* Per statistics tree: the node ids and what was counted per connection. */
typedef struct {
    int connections, handshake, close, zeek, irtt, final_state[2];
    int segments, phase, event;
    GHashTable *counted;         /* const tcphs_conn * -> counted_conn */
} tree_state;

/* A GUI can show several trees at once: each has its own state. */
static GHashTable *tree_states;

static tree_state *state_of(stats_tree *st)
{
    return tree_states ? (tree_state *)g_hash_table_lookup(tree_states, st) : NULL;
}

static void free_tree_state(gpointer data)
{
    tree_state *ts = (tree_state *)data;

    g_hash_table_destroy(ts->counted);
    g_free(ts);
}

/* stats_tree_reinit() (a GUI retap) calls init again without cleanup: the
 * tree's state is then reused, with its per-connection counts emptied. */
static void tcphs_stats_tree_init(stats_tree *st)
{
    tree_state *ts = state_of(st);

    if (ts) {
        g_hash_table_remove_all(ts->counted);
    } else {
        ts = g_new0(tree_state, 1);
        ts->counted = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
        if (!tree_states)
            tree_states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_tree_state);
        g_hash_table_insert(tree_states, st, ts);
    }

    ts->connections = stats_tree_create_node(st, st_connections, 0, STAT_DT_INT, TRUE);
    ts->handshake = stats_tree_create_node(st, st_handshake, ts->connections, STAT_DT_INT, TRUE);
    ts->close = stats_tree_create_node(st, st_close, ts->connections, STAT_DT_INT, TRUE);
    ts->zeek = stats_tree_create_node(st, st_zeek, ts->connections, STAT_DT_INT, TRUE);
    ts->final_state[TCPHS_SIDE_CLIENT] = stats_tree_create_node(st, st_final_client, ts->connections, STAT_DT_INT, TRUE);
    ts->final_state[TCPHS_SIDE_SERVER] = stats_tree_create_node(st, st_final_server, ts->connections, STAT_DT_INT, TRUE);
    ts->irtt = stats_tree_create_range_node(st, st_irtt, ts->connections, "0-99", "100-999", "1000-9999",
                                            "10000-99999", "100000-999999", "1000000-", NULL);
    ts->segments = stats_tree_create_node(st, st_segments, 0, STAT_DT_INT, TRUE);
    ts->phase = stats_tree_create_pivot(st, st_phase, ts->segments);
    ts->event = stats_tree_create_pivot(st, st_event, ts->segments);
}

static void tcphs_stats_tree_cleanup(stats_tree *st)
{
    tree_state *ts = state_of(st);

    if (ts)
        g_hash_table_remove(tree_states, st);   /* frees it */
}

/* tshark never calls a stats tree's cleanup: free what is left before
 * Wireshark unloads the plugin (its static pointer then goes away). */
static void tcphs_stats_tree_shutdown(void)
{
    if (tree_states) {
        g_hash_table_destroy(tree_states);
        tree_states = NULL;
    }
}

/* Count a connection under `now`, taking it away from `*was` first. */
static void move_count(stats_tree *st, int parent, const char **was, const char *now)
{
    if (*was == now)
        return;
    if (*was)
        increase_stat_node(st, *was, parent, FALSE, -1);
    tick_stat_node(st, now, parent, FALSE);
    *was = now;
}

/* iRTT in whole microseconds; timestamps that went backwards count as 0. */
static int irtt_us(gint64 ns)
{
    gint64 us = ns / 1000;

    if (us < 0)
        return 0;
    return us > G_MAXINT ? G_MAXINT : (int)us;
}

static void count_connection(stats_tree *st, tree_state *ts, const tcphs_conn *conn)
{
    counted_conn *cc = (counted_conn *)g_hash_table_lookup(ts->counted, conn);
    gint64 ns;

    if (!cc) {
        cc = g_new0(counted_conn, 1);
        g_hash_table_insert(ts->counted, (gpointer)conn, cc);
        tick_stat_node(st, st_connections, 0, FALSE);
        tick_stat_node(st, st_handshake, ts->connections, FALSE);
        tick_stat_node(st, st_close, ts->connections, FALSE);
        tick_stat_node(st, st_zeek, ts->connections, FALSE);
        tick_stat_node(st, st_final_client, ts->connections, FALSE);
        tick_stat_node(st, st_final_server, ts->connections, FALSE);
    }
    move_count(st, ts->handshake, &cc->handshake, tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn)));
    move_count(st, ts->close, &cc->close, tcphs_close_initiator_name(tcphs_conn_close_initiator(conn)));
    move_count(st, ts->zeek, &cc->zeek, tcphs_zeek_conn_state(&conn->zeek));
    for (int side = TCPHS_SIDE_CLIENT; side <= TCPHS_SIDE_SERVER; side++)
        move_count(st, ts->final_state[side], &cc->final_state[side],
                   tcphs_state_name((tcphs_state)conn->endpoints.tcb[side].state));
    if (!cc->irtt_counted && tcphs_conn_irtt(conn, &ns)) {
        cc->irtt_counted = TRUE;
        tick_stat_node(st, st_irtt, ts->connections, FALSE);
        stats_tree_tick_range(st, st_irtt, ts->connections, irtt_us(ns));
    }
}

static tap_packet_status tcphs_stats_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                                 const void *data, tap_flags_t flags _U_)
{
    const tcphs_record *rec = (const tcphs_record *)data;
    tree_state *ts = state_of(st);

    if (!ts)
        return TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, st_segments, 0, FALSE);
    stats_tree_tick_pivot(st, ts->phase, tcphs_phase_name((tcphs_phase)rec->phase));
    stats_tree_tick_pivot(st, ts->event, tcphs_event_name((tcphs_event)rec->event));
    count_connection(st, ts, rec->conn);
    return TAP_PACKET_REDRAW;
}

/* ---- the connection table: -z tcphs,conns[,csv] --------------------------------------------- */

/* The connections a tap saw, in the order of their first segment. */
typedef struct {
    GPtrArray *conns;            /* const tcphs_conn * */
    GHashTable *seen;
} conn_list;

static void conn_list_init(conn_list *list)
{
    list->conns = g_ptr_array_new();
    list->seen = g_hash_table_new(g_direct_hash, g_direct_equal);
}

static void conn_list_reset(conn_list *list)
{
    g_ptr_array_set_size(list->conns, 0);
    g_hash_table_remove_all(list->seen);
}

static void conn_list_free(conn_list *list)
{
    g_ptr_array_free(list->conns, TRUE);
    g_hash_table_destroy(list->seen);
}

/* Returns TRUE the first time a connection is seen. */
static gboolean conn_list_add(conn_list *list, const tcphs_conn *conn)
{
    if (g_hash_table_contains(list->seen, conn))
        return FALSE;
    g_hash_table_add(list->seen, (gpointer)conn);
    g_ptr_array_add(list->conns, (gpointer)conn);
    return TRUE;
}

typedef struct {
    conn_list list;
    gboolean csv;
} conns_tap;

static void conns_reset(void *tapdata)
{
    conn_list_reset(&((conns_tap *)tapdata)->list);
}

static tap_packet_status conns_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    conn_list_add(&((conns_tap *)tapdata)->list, ((const tcphs_record *)data)->conn);
    return TAP_PACKET_DONT_REDRAW;
}

/* The segments the snaplen left without a verdict; they never reach the
 * tap (no record), so the dissector counts them. */
static void write_cut_headers(void)
{
    guint32 segments, snaplen;

    tcphs_feed_cut_headers(&segments, &snaplen);
    tcphs_write_cut_headers(stdout, segments, snaplen);
}

static void conns_draw(void *tapdata)
{
    static const char rule[] = "================================================================================";
    conns_tap *tap = (conns_tap *)tapdata;
    const tcphs_conn *const *conns = (const tcphs_conn *const *)tap->list.conns->pdata;

    if (!tap->csv)
        printf("%s\nTCP Handshake Analysis: connections (an ISN marked * is derived from the SYN-ACK)\n", rule);
    tcphs_write_conns_table(stdout, conns, tap->list.conns->len, tap->csv);
    if (!tap->csv) {
        write_cut_headers();
        printf("%s\n", rule);
    }
}

static void conns_finish(void *tapdata)
{
    conns_tap *tap = (conns_tap *)tapdata;

    conn_list_free(&tap->list);
    g_free(tap);
}

/* Register a listener, or say why not; for the -z init callbacks. */
static gboolean listen_to_tcphs(const char *what, void *tapdata, tap_reset_cb reset, tap_packet_cb packet,
                                tap_draw_cb draw, tap_finish_cb finish)
{
    GString *error = register_tap_listener(TCPHS_TAP_NAME, tapdata, NULL, TL_REQUIRES_NOTHING,
                                           reset, packet, draw, finish);

    if (!error)
        return TRUE;
    fprintf(stderr, "tshark: could not start %s: %s\n", what, error->str);
    g_string_free(error, TRUE);
    return FALSE;
}

static tcphs_cli_init_result conns_init(const char *opt_arg, void *userdata _U_)
{
    conns_tap *tap = g_new0(conns_tap, 1);
    const char *rest = opt_arg + strlen("tcphs,conns");

    if (*rest == '\0') {
        tap->csv = FALSE;
    } else if (strcmp(rest, ",csv") == 0) {
        tap->csv = TRUE;
    } else {
        fprintf(stderr, "tshark: -z tcphs,conns takes no option or \",csv\", not \"%s\"\n", rest);
        g_free(tap);
        TCPHS_CLI_INIT_RETURN(FALSE);
    }
    conn_list_init(&tap->list);
    if (!listen_to_tcphs("-z tcphs,conns", tap, conns_reset, conns_packet, conns_draw, conns_finish)) {
        conn_list_free(&tap->list);
        g_free(tap);
        TCPHS_CLI_INIT_RETURN(FALSE);
    }
    TCPHS_CLI_INIT_RETURN(TRUE);
}

/* ---- the lab report: -z tcphs,report[,STREAM|,FILTER] --------------------------------------------- */

typedef struct {
    GHashTable *streams;         /* const tcphs_conn * -> tcphs_report_stream */
    GPtrArray *order;            /* tcphs_report_stream *, in order of first segment */
    gboolean one_stream;
    guint32 stream;
    char *filter;                /* -z tcphs,report,FILTER: a display filter, else NULL */
    GHashTable *selected;        /* with a filter: the const tcphs_conn * it matched a frame of */
    int analysis_off;            /* tcp.analyze_sequence_numbers is off: 1, on: 0, not read yet this run: -1 */
} report_tap;

static void report_reset(void *tapdata)
{
    report_tap *tap = (report_tap *)tapdata;

    g_ptr_array_set_size(tap->order, 0);
    g_hash_table_remove_all(tap->streams);
    tap->analysis_off = -1;
}

/* The second listener of -z tcphs,report,FILTER: the display filter is
 * Wireshark's (register_tap_listener()), so it sees only the frames that
 * match, and notes their streams; the first listener sees every stream,
 * for the summary table. */
static void selection_reset_of(void *tapdata)
{
    GHashTable **selected = (GHashTable **)tapdata;

    g_hash_table_remove_all(*selected);
}

static tap_packet_status selection_packet_of(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                             const void *data, tap_flags_t flags _U_)
{
    GHashTable **selected = (GHashTable **)tapdata;
    const tcphs_record *rec = (const tcphs_record *)data;

    g_hash_table_add(*selected, (gpointer)rec->conn);
    return TAP_PACKET_DONT_REDRAW;
}

/* Read once per run, at its first packet, when the run's preferences are
 * set: read when the tap is made or reset, it missed tshark's -o (the
 * transfer-loss.noseq tap test). */
static gboolean analysis_off(report_tap *tap)
{
    if (tap->analysis_off < 0)
        tap->analysis_off = !tcphs_bool_pref("tcp", "analyze_sequence_numbers");
    return tap->analysis_off != 0;
}

static gint64 relative_ns(const packet_info *pinfo)
{
    return (gint64)pinfo->rel_ts.secs * 1000000000 + pinfo->rel_ts.nsecs;
}

static tap_packet_status report_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    report_tap *tap = (report_tap *)tapdata;
    const tcphs_record *rec = (const tcphs_record *)data;
    tcphs_report_stream *rs;

    if (tap->one_stream && rec->conn->stream != tap->stream)
        return TAP_PACKET_DONT_REDRAW;
    rs = (tcphs_report_stream *)g_hash_table_lookup(tap->streams, rec->conn);
    if (!rs) {
        rs = g_new(tcphs_report_stream, 1);
        tcphs_report_init(rs, rec->conn);
        if (analysis_off(tap))
            tcphs_report_set_analysis_off(rs);
        g_hash_table_insert(tap->streams, (gpointer)rec->conn, rs);
        g_ptr_array_add(tap->order, rs);
    }
    tcphs_report_collect(rs, pinfo->num, relative_ns(pinfo), rec);
    return TAP_PACKET_DONT_REDRAW;
}

static void report_draw(void *tapdata)
{
    report_tap *tap = (report_tap *)tapdata;
    const tcphs_report_stream *const *streams = (const tcphs_report_stream *const *)tap->order->pdata;

    printf("# TCP Handshake Analysis report\n\n");
    if (tap->order->len == 0) {
        printf("No TCP stream%s was found.\n", tap->one_stream ? " with that number" : "");
        write_cut_headers();
        return;
    }
    if (tap->order->len > 1) {
        printf("%u TCP streams.\n\n", tap->order->len);
        tcphs_write_report_summary(stdout, streams, tap->order->len);
    }
    /* Which streams get their full section: all of a few; of many, the
     * first ones and those in trouble; with a filter, those it selects. */
    GPtrArray *full = g_ptr_array_new();
    for (guint i = 0; i < tap->order->len; i++) {
        gboolean wanted;

        if (tap->filter)
            wanted = g_hash_table_contains(tap->selected, streams[i]->conn);
        else
            wanted = i < TCPHS_REPORT_FULL_FIRST || tcphs_report_in_trouble(streams[i]);
        if (wanted)
            g_ptr_array_add(full, (gpointer)streams[i]);
    }
    if (tap->order->len > 1)
        tcphs_write_report_selection(stdout, full->len, tap->order->len, tap->filter);
    for (guint i = 0; i < full->len; i++)
        tcphs_write_report(stdout, (const tcphs_report_stream *)full->pdata[i]);
    tcphs_write_report_left_out(stdout, tap->order->len - full->len, tap->filter);
    g_ptr_array_free(full, TRUE);
    if (!tap->one_stream)
        write_cut_headers();
}

static void report_free(report_tap *tap)
{
    g_ptr_array_free(tap->order, TRUE);
    g_hash_table_destroy(tap->streams);
    if (tap->selected)
        g_hash_table_destroy(tap->selected);
    g_free(tap->filter);
    g_free(tap);
}

static void report_finish(void *tapdata)
{
    report_tap *tap = (report_tap *)tapdata;

    /* Wireshark removes the selection listener itself, in the same loop
     * that calls this (removing it here would change the list under that
     * loop); it has no finish of its own and does not read its data then. */
    report_free(tap);
}

/* "-z tcphs,report,ARG": a stream number when ARG is all digits (as
 * before), else a display filter. */
static gboolean all_digits(const char *text)
{
    if (*text == '\0')
        return FALSE;
    for (; *text; text++) {
        if (!g_ascii_isdigit(*text))
            return FALSE;
    }
    return TRUE;
}

static tcphs_cli_init_result report_init(const char *opt_arg, void *userdata _U_)
{
    report_tap *tap = g_new0(report_tap, 1);
    const char *rest = opt_arg + strlen("tcphs,report");

    if (*rest == ',' && all_digits(rest + 1)) {
        char *end = NULL;
        unsigned long stream = strtoul(rest + 1, &end, 10);

        if (*end != '\0' || stream > G_MAXUINT32) {
            fprintf(stderr, "tshark: -z tcphs,report: no TCP stream %s\n", rest + 1);
            g_free(tap);
            TCPHS_CLI_INIT_RETURN(FALSE);
        }
        tap->one_stream = TRUE;
        tap->stream = (guint32)stream;
    } else if (*rest == ',' && rest[1] != '\0') {
        tap->filter = g_strdup(rest + 1);
    } else if (*rest != '\0') {
        fprintf(stderr, "tshark: -z tcphs,report takes a TCP stream number or a display filter after a comma, "
                        "not \"%s\"\n", rest);
        g_free(tap);
        TCPHS_CLI_INIT_RETURN(FALSE);
    }
    tap->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    tap->order = g_ptr_array_new();
    tap->analysis_off = -1;
    if (tap->filter) {
        GString *error;

        tap->selected = g_hash_table_new(g_direct_hash, g_direct_equal);
        /* The listener's identity is &tap->selected, so that report_finish()
         * can remove it. */
        error = register_tap_listener(TCPHS_TAP_NAME, &tap->selected, tap->filter, TL_REQUIRES_NOTHING,
                                      selection_reset_of, selection_packet_of, NULL, NULL);
        if (error) {
            fprintf(stderr, "tshark: -z tcphs,report: the display filter \"%s\" is not valid: %s\n", tap->filter,
                    error->str);
            g_string_free(error, TRUE);
            report_free(tap);
            TCPHS_CLI_INIT_RETURN(FALSE);
        }
    }
    if (!listen_to_tcphs("-z tcphs,report", tap, report_reset, report_packet, report_draw, report_finish)) {
        if (tap->filter)
            remove_tap_listener(&tap->selected);
        report_free(tap);
        TCPHS_CLI_INIT_RETURN(FALSE);
    }
    TCPHS_CLI_INIT_RETURN(TRUE);
}

/* ---- registration ------------------------------------------------------------------------ */

void register_tcphs_statistics(void)
{
    static stat_tap_ui conns_ui = {
        REGISTER_STAT_GROUP_GENERIC, "TCP Handshake Analysis connections", "tcphs,conns", conns_init, 0, NULL
    };
    static stat_tap_ui report_ui = {
        REGISTER_STAT_GROUP_GENERIC, "TCP Handshake Analysis report", "tcphs,report", report_init, 0, NULL
    };

    tcphs_stats_tree_register(TCPHS_TAP_NAME, "tcphs", "TCP Handshake Analysis",
                              tcphs_stats_tree_packet, tcphs_stats_tree_init, tcphs_stats_tree_cleanup);
    register_stat_tap_ui(&conns_ui, NULL);
    register_stat_tap_ui(&report_ui, NULL);
    register_shutdown_routine(tcphs_stats_tree_shutdown);
}
