/* packet-tcphs-probe.c: a post-dissector that asks for fields and does
 * nothing else -- bench/fieldcost.sh's yardstick, not part of tcphs.
 *
 * It registers a post-dissector and hands Wireshark, with
 * set_postdissector_wanted_hfids(), the fields named in the environment
 * variable TCPHS_PROBE_FIELDS (comma-separated, e.g. "tcp.stream,ip.src").
 * Its dissector reads nothing and adds nothing.  What tshark costs with it
 * loaded is therefore what asking for those fields costs by itself: the
 * protocol tree tshark then builds for every packet, and the items it keeps
 * for each wanted field; tcphs's own work is what tcphs costs beyond it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <ws_symbol_export.h>
#include <ws_version.h>
#include <epan/packet.h>

#ifndef TCPHS_VERSION
#error "TCPHS_VERSION must be defined by the build"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TCPHS_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_tcphs_probe = -1;
static dissector_handle_t probe_handle;

static int dissect_probe(tvbuff_t *tvb _U_, packet_info *pinfo _U_, proto_tree *tree _U_, void *data _U_)
{
    return 0;
}

/* Every name must be a registered field: a misspelt one would make the
 * probe ask for less than the measurement says, so it stops tshark. */
static void want_probe_fields(void)
{
    const char *list = g_getenv("TCPHS_PROBE_FIELDS");
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    gchar **names = g_strsplit(list ? list : "", ",", -1);

    for (gchar **name = names; *name; name++) {
        int hf;

        if (!**name)
            continue;
        hf = proto_registrar_get_id_byname(*name);
        if (hf <= 0)
            g_error("tcphs-probe: TCPHS_PROBE_FIELDS names an unknown field: %s", *name);
        g_array_append_val(wanted, hf);
    }
    g_strfreev(names);
    set_postdissector_wanted_hfids(probe_handle, wanted);
}

static void proto_register_tcphs_probe(void)
{
    proto_tcphs_probe = proto_register_protocol("tcphs benchmark probe", "TCPHS-PROBE", "tcphs_probe");
    probe_handle = register_dissector("tcphs_probe", dissect_probe, proto_tcphs_probe);
}

static void proto_reg_handoff_tcphs_probe(void)
{
    register_postdissector(probe_handle);
    want_probe_fields();
}

void plugin_register(void)
{
    static proto_plugin probe_plugin;

    probe_plugin.register_protoinfo = proto_register_tcphs_probe;
    probe_plugin.register_handoff = proto_reg_handoff_tcphs_probe;
    proto_register_plugin(&probe_plugin);
}
