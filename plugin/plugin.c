/* plugin.c: how Wireshark finds tcphs in tcphs.so.
 *
 * The loader looks up these exported symbols.  4.4 added plugin_describe()
 * (optional: without it the plugin is described as nothing in particular).
 * Wireshark refuses a plugin built for another major.minor, so one build
 * serves exactly the Wireshark release it was compiled against.
 */
#define WS_BUILD_DLL
#include <ws_symbol_export.h>
#include <ws_version.h>
#include <epan/proto.h>

#include "ws-compat.h"

#if TCPHS_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#endif

#include "packet-tcphs.h"
#include "tap-tcphs.h"
#include "flow-tcphs.h"

#ifndef TCPHS_VERSION
#error "TCPHS_VERSION must be defined by the build"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TCPHS_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#if TCPHS_WS_AT_LEAST(4, 4)
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

/* The protocol, then the statistics and the flow type on its tap. */
static void register_tcphs(void)
{
    proto_register_tcphs();
    register_tcphs_statistics();
    register_tcphs_flow();
}

void plugin_register(void)
{
    static proto_plugin tcphs_plugin;

    tcphs_plugin.register_protoinfo = register_tcphs;
    tcphs_plugin.register_handoff = proto_reg_handoff_tcphs;
    proto_register_plugin(&tcphs_plugin);
}
