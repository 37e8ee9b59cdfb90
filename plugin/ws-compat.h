/* ws-compat.h: the Wireshark API differences tcphs meets between 4.0 and 4.6.
 *
 * Everything that depends on the Wireshark version the plugin is built
 * against lives here and in plugin.c, behind WIRESHARK_VERSION_* from
 * ws_version.h, so packet-tcphs.c and the taps read the same on every version.
 * Each difference names the release that introduced it.
 */
#ifndef TCPHS_WS_COMPAT_H
#define TCPHS_WS_COMPAT_H

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>
#include <epan/stats_tree.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <wsutil/wslog.h>

#include <stdbool.h>
#include <string.h>

#define TCPHS_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* 4.2: field_info.value became a pointer (4.0 embeds the fvalue_t). */
#if TCPHS_WS_AT_LEAST(4, 2)
#define TCPHS_FIELD_FVALUE(fi) ((fi)->value)
#else
#define TCPHS_FIELD_FVALUE(fi) (&(fi)->value)
#endif

/* An unsigned integer field (FT_UINT8 .. FT_UINT32). */
static inline guint32 tcphs_field_uint(field_info *fi)
{
    return fvalue_get_uinteger(TCPHS_FIELD_FVALUE(fi));
}

/* Another protocol's boolean preference, e.g. ("tcp", "check_checksum").
 * prefs_find_preference() and pref_t are in epan/prefs-int.h, which
 * Wireshark does not promise to keep stable, so only this shim includes it;
 * FALSE when the module or preference does not exist in this release. */
static inline gboolean tcphs_bool_pref(const char *module, const char *name)
{
    module_t *mod = prefs_find_module(module);
    pref_t *pref = mod ? prefs_find_preference(mod, name) : NULL;

    return pref && prefs_get_bool_value(pref, pref_current);
}

/* 4.4: boolean preferences point at a bool (before: gboolean). */
#if TCPHS_WS_AT_LEAST(4, 4)
typedef bool tcphs_pref_bool;
#else
typedef gboolean tcphs_pref_bool;
#endif

/* 4.6: the init callback of a tshark -z statistic returns whether it
 * succeeded (before: void). */
#if TCPHS_WS_AT_LEAST(4, 6)
typedef bool tcphs_cli_init_result;
#define TCPHS_CLI_INIT_RETURN(ok) return (ok)
#else
typedef void tcphs_cli_init_result;
#define TCPHS_CLI_INIT_RETURN(ok) do { (void)(ok); return; } while (0)
#endif

/* A statistics tree of a plugin: 4.0's GUI lists in its Statistics menu
 * only trees registered with stats_tree_register_plugin(); 4.4 made it
 * return the configuration (and dropped the _with_group variant). */
static inline void tcphs_stats_tree_register(const char *tap, const char *abbr, const char *name,
                                             stat_tree_packet_cb packet, stat_tree_init_cb init,
                                             stat_tree_cleanup_cb cleanup)
{
#if TCPHS_WS_AT_LEAST(4, 4)
    (void)stats_tree_register_plugin(tap, abbr, name, 0, packet, init, cleanup);
#else
    stats_tree_register_plugin(tap, abbr, name, 0, packet, init, cleanup);
#endif
}

/* Sequence analysis (Statistics > Flow Graph, tshark -z flow,NAME,...):
 * libwireshark exports register_seq_analysis() and the sequence_analysis_*
 * functions, but Debian's libwireshark-dev ships no epan/sequence_analysis.h
 * (checked: 4.0.17, 4.4.19, 4.6.9).  Where the header exists it is used.
 * On 4.0 the declarations tcphs uses are copied below from 4.0.17's
 * epan/sequence_analysis.h (Debian's source package wireshark
 * 4.0.17-0+deb12u3), the two structs member for member: libwireshark
 * reads and frees them, so their layout is 4.0's ABI.  Later releases
 * changed the item (bool flags, info_type, a free_info_ptr callback), so
 * 4.0's copy must not be used there: without the header the flow type is
 * left out (TCPHS_HAVE_SEQUENCE_ANALYSIS 0, flow-tcphs.c). */
#if defined(__has_include) && __has_include(<epan/sequence_analysis.h>)
#include <epan/sequence_analysis.h>
#define TCPHS_HAVE_SEQUENCE_ANALYSIS 1
#elif WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR == 0
#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>
#define TCPHS_HAVE_SEQUENCE_ANALYSIS 1

/* From Wireshark 4.0.17, epan/sequence_analysis.h (GPL-2.0-or-later). */
#define MAX_NUM_NODES 40

/** defines an entry for the graph analysis */
typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label;                 /**< the label on top of the arrow */
    gchar *time_str;                    /**< timestamp */
    gchar *comment;                     /**< a comment that appears at the right of the graph */
    guint16 conv_num;                   /**< The conversation number. Used for coloring VoIP calls. */
    unsigned fg_color;                  /**< Foreground color, 0xRRGGBB. Qt only. */
    unsigned bg_color;                  /**< Background color, 0xRRGGBB. Qt only. */
    gboolean has_color_filter;          /**< Set if packet has color filter. Qt only. */
    gboolean display;                   /**< indicate if the packet is displayed or not in the graph */
    guint src_node;                     /**< this is used by graph_analysis.c to identify the node */
    guint dst_node;                     /**< a node is an IP address that will be displayed in columns */
    guint16 line_style;                 /**< the arrow line width in pixels*/
    guint32  info_type;                 /**< type of info for item */
    gpointer info_ptr;                  /**< ptr to info for item */
} seq_analysis_item_t;

/** defines the graph analysis structure */
typedef struct _seq_analysis_info {
    const char* name;  /**< Name of sequence analysis */
    gboolean    any_addr;    /**< any addr (DL+net) vs net-only */
    int         nconv;       /**< number of conversations in the list */
    GQueue*     items;       /**< list of seq_analysis_info_t */
    GHashTable *ht;          /**< hash table of seq_analysis_info_t */
    address nodes[MAX_NUM_NODES]; /**< horizontal node list */
    guint32 num_nodes;       /**< actual number of nodes */
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char* name, const char* ui_name, const int proto_id, const char* tap_listener, guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t* sequence_analysis_create_sai_with_addresses(packet_info *pinfo, seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
/* End of the copy from 4.0.17. */
#else
#define TCPHS_HAVE_SEQUENCE_ANALYSIS 0
#endif

#endif /* TCPHS_WS_COMPAT_H */
