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

/* 4.6: without a visible tree, top-level protocol items that no filter or
 * postdissector asked for are faked (their fields hang on the parent), so
 * tcphs must ask for the protocols it looks for.  Before 4.6 they are always
 * in the tree, and asking would only cost time. */
#define TCPHS_WS_FAKES_UNWANTED_PROTOCOLS TCPHS_WS_AT_LEAST(4, 6)

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

#endif /* TCPHS_WS_COMPAT_H */
