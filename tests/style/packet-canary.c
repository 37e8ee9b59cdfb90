/* packet-canary.c: the style test's canary, never built.
 *
 * tests/style/wireshark_checkers.py runs Wireshark's checkers over this file
 * before it runs them over tcphs: every line marked "expect: CHECKER" must be
 * reported by that checker at that line, or the test fails (a checker that
 * finds nothing here is not running as it should, and its silence about
 * tcphs would prove nothing).
 */
#include <stdlib.h>
#include <epan/packet.h>

#define CANARY_FRAMENUM(t) FRAMENUM_TYPE(t)

static int proto_canary = -1;
static int hf_canary_frame = -1;
static int hf_canary_name = -1;
static int hf_canary_flag = -1;
static int hf_canary_unused = -1;   /* expect: checkhf */

static const true_false_string canary_yes_no = { "Yes", "No" };   /* expect: check_tfs */

typedef struct canary_state { int n; } canary_state;

static int dissect_canary(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, void *data _U_)
{
    char buf[16];
    char *p = calloc(1, 4);   /* expect: checkAPIs */
    canary_state *s = (canary_state *)g_malloc(sizeof(canary_state));   /* expect: detect_bad_alloc_patterns */

    g_snprintf(buf, sizeof(buf), "%d", 1);   /* expect: checkAPIs */
    g_free(s);
    proto_tree_add_uint(tree, hf_canary_name, tvb, 0, 1, 7);   /* expect: check_typed_item_calls */
    proto_tree_add_item(tree, hf_canary_flag, tvb, 0, 1, FALSE);   /* expect: fix-encoding-args */
    proto_tree_add_uint(tree, hf_canary_frame, tvb, 0, 0, 1);
    return tvb_captured_length(tvb);
}

void proto_register_canary(void)
{
    static hf_register_info hf[] = {
        { &hf_canary_frame, { "Frame", "canary.frame", FT_FRAMENUM, BASE_NONE, CANARY_FRAMENUM(FT_FRAMENUM_ACK), 0x0, NULL, HFILL } },   /* expect: checkAPIs */
        { &hf_canary_name, { "Name", "canaryx.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },   /* expect: checkfiltername */
        { &hf_canary_flag, { "Flag", "canary.flag", FT_BOOLEAN, 8, TFS(&canary_yes_no), 0x01, NULL, HFILL } },
    };
    proto_canary = proto_register_protocol("Canary", "Canary", "canary");
    proto_register_field_array(proto_canary, hf, array_length(hf));
    register_dissector("canary", dissect_canary, proto_canary);
}
