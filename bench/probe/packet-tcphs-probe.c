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
 * With TCPHS_PROBE_ITEMS=N it also adds, to every packet that has a
 * tcp.stream, one protocol item with N generated unsigned items under it,
 * built the cheapest way (no label formatted).  Where the tree is shown
 * (4.0's -T fields shows it whole), every item is real: that is what any
 * post-dissector pays for putting N items on every segment.
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
static int hf_probe_item = -1;
static int hf_tcp_stream = -1;
static gint ett_probe = -1;
static guint probe_items;
static dissector_handle_t probe_handle;

static int dissect_probe(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, void *data _U_)
{
    proto_tree *sub;

    if (!probe_items || !tree || !proto_get_finfo_ptr_array(tree, hf_tcp_stream))
        return 0;
    sub = proto_item_add_subtree(proto_tree_add_item(tree, proto_tcphs_probe, tvb, 0, 0, ENC_NA), ett_probe);
    for (guint i = 0; i < probe_items; i++)
        proto_item_set_generated(proto_tree_add_uint(sub, hf_probe_item, tvb, 0, 0, i));
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
    hf_tcp_stream = proto_registrar_get_id_byname("tcp.stream");
}

static void proto_register_tcphs_probe(void)
{
    static hf_register_info hf[] = {
        { &hf_probe_item, { "Item", "tcphs_probe.item", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_probe };
    const char *items = g_getenv("TCPHS_PROBE_ITEMS");

    probe_items = items ? (guint)g_ascii_strtoull(items, NULL, 10) : 0;
    proto_tcphs_probe = proto_register_protocol("tcphs benchmark probe", "TCPHS-PROBE", "tcphs_probe");
    proto_register_field_array(proto_tcphs_probe, hf, G_N_ELEMENTS(hf));
    proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
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
